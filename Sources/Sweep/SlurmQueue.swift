import Components
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of `squeue -h -r -o "%i %T %r"`: a job or one array task, its state, and why it is pending.
public struct SlurmQueueEntry: Sendable, Equatable {
    /// The id as squeue prints it: `12_3` for array task 3 of job 12, `13` for a plain job.
    public let id: String
    /// `%T`: PENDING, RUNNING, COMPLETING, …
    public let state: String
    /// `%r`: the pending reason (`None`, `Dependency`, `JobHeldAdmin`, `launch failed requeued held`, …).
    public let reason: String

    /// An entry.
    public init(id: String, state: String, reason: String) {
        self.id = id
        self.state = state
        self.reason = reason
    }

    /// The job id: the part before `_`.
    public var job: String { String(id.prefix { $0 != "_" }) }
    /// The array task index, when this is one array task (with `-r` squeue prints one line per task).
    public var task: Int? { id.firstIndex(of: "_").flatMap { Int(id[id.index(after: $0)...]) } }

    /// Entries parsed from squeue's output; the reason is the rest of the line, since some reasons contain spaces.
    public static func parse(_ text: String) -> [SlurmQueueEntry] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            guard parts.count >= 2 else { return nil }
            return SlurmQueueEntry(id: parts[0], state: parts[1], reason: parts.count > 2 ? parts[2] : "None")
        }
    }
}

/// Pending jobs that waiting will never start, grouped by reason, with what the user can do.
public struct SlurmStuck: Sendable, Equatable {
    /// The reason as squeue gives it.
    public let reason: String
    /// The squeue ids of the jobs or array tasks pending for it.
    public let ids: [String]
    /// What it means and what to do, in one sentence (`IDS` stands for `ids` as one Slurm job list).
    public let advice: String

    /// A group.
    public init(reason: String, ids: [String], advice: String) {
        self.reason = reason
        self.ids = ids
        self.advice = advice
    }

    /// `ids` as one argument to scontrol or scancel: `12_3`, `'12_[3,5-7]'` (quoted: brackets are a shell glob), `13`.
    public var jobList: String {
        var tasks = [String: [Int]](), plain = [String]()
        for id in ids {
            let e = SlurmQueueEntry(id: id, state: "", reason: "")
            if let t = e.task { tasks[e.job, default: []].append(t) } else { plain.append(id) }
        }
        let arrays = tasks.keys.sorted().map { job -> String in
            let t = tasks[job] ?? []
            return t.count == 1 ? "\(job)_\(t[0])" : "'\(job)_[\(SlurmJobs.arraySpec(t, throttle: nil))]'"
        }
        return (arrays + plain).joined(separator: " ")
    }

    /// Reasons that waiting never resolves, by the first word of squeue's reason, with their advice.
    /// (A reason that an administrator may lift later, like a held job, still needs someone to act: the sweep says who.)
    static let permanent: [(prefix: String, advice: String)] = [
        ("launch failed requeued held", "Slurm could not start them on their node and held them: read slurmd's log on that node (SlurmdLogFile in `scontrol show config`; `scontrol show job ID` names the node), fix the cause, then `scontrol release IDS`"),
        ("JobHeldAdmin", "held by an administrator: once they may run, `scontrol release IDS` (as an administrator)"),
        ("JobHeldUser", "held by their owner: `scontrol release IDS`"),
        ("DependencyNeverSatisfied", "the job they depend on failed: `scancel IDS`"),
        ("BadConstraints", "the resources they ask for cannot be had on this cluster: `scancel IDS` and re-run with other --partition, --mem or --time"),
        ("PartitionDown", "their partition is down: wait for an administrator to bring it up, or `scancel IDS` and re-run with another --partition"),
        ("PartitionInactive", "their partition is inactive: wait for an administrator to activate it, or `scancel IDS` and re-run with another --partition"),
    ]

    /// A reason that may be a node's brief outage, so it counts as stuck only after `SlurmOptions.unavailableGrace`.
    static let unavailable = "ReqNodeNotAvail"

    /// The stuck entries of one poll, grouped by reason in the order of `permanent`.
    ///
    /// - Parameters:
    ///   - pendingSince: when each id was first seen pending for `ReqNodeNotAvail` (kept by the caller across polls).
    ///   - ignoring: ids whose `DependencyNeverSatisfied` is expected and reported otherwise (the merge job while array tasks remain).
    public static func find(_ entries: [SlurmQueueEntry], unavailableSince pendingSince: [String: Date], now: Date, grace: Double,
                            ignoringDependency ignoring: Set<String> = []) -> [SlurmStuck] {
        var groups = [(String, [String], String)]()
        func add(_ reason: String, _ id: String, _ advice: String) {
            if let i = groups.firstIndex(where: { $0.0 == reason }) { groups[i].1.append(id) } else { groups.append((reason, [id], advice)) }
        }
        for e in entries where e.state == "PENDING" {
            // squeue joins several reasons with commas ("None,JobHeldAdmin" for a merged line): each one counts.
            if let p = permanent.first(where: { p in e.reason.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(p.prefix) } }) {
                if p.prefix == "DependencyNeverSatisfied" && ignoring.contains(e.id) { continue }
                add(p.prefix, e.id, p.advice)
            } else if e.reason.hasPrefix(unavailable), let since = pendingSince[e.id], now.timeIntervalSince(since) >= grace {
                add(unavailable, e.id, "the nodes they need have been unavailable (down, drained or reserved) for over \(SlurmDuration.text(grace)): ask an administrator, or `scancel IDS` and re-run with another --partition")
            }
        }
        let order = permanent.map(\.prefix) + [unavailable]
        return groups.sorted { (order.firstIndex(of: $0.0) ?? 0) < (order.firstIndex(of: $1.0) ?? 0) }
            .map { SlurmStuck(reason: $0.0, ids: $0.1, advice: $0.2) }
    }
}

/// Durations of `--follow-timeout`: `90s`, `10m`, `2h`, `1d` or plain seconds.
public enum SlurmDuration {
    /// Seconds, or nil for a text that is not a positive duration of at most a year.
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(text), scale = 1.0
        if let last = text.last, let u = units[last] { number = text.dropLast(); scale = u }
        // Digits and one point only: Double() alone would also take "inf", "nan", "1e3" and hexadecimal.
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), number.filter({ $0 == "." }).count <= 1,
              let v = Double(number), v > 0 else { return nil }
        let s = v * scale
        return s <= 366 * 86400 ? s : nil
    }

    /// `90s`, `10m`, `1h30m`: how the sweep names a duration in its messages.
    public static func text(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return seconds < 10 && seconds != seconds.rounded() ? String(format: "%.1fs", seconds) : "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
        return s % 3600 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m"
    }
}

/// SIGINT and SIGTERM while a sweep follows its Slurm jobs: caught into a flag that the follow loop checks between
/// short sleeps, so that the sweep can say which jobs remain queued before it exits (by default a signal would kill it
/// mid-sentence).
public enum FollowSignals {
    // A lock-free atomic is async-signal-safe; the handler does nothing else.
    private static let caught = Atomic<Int32>(0)
    // The signals this process was started with ignored (bit 0 SIGINT, bit 1 SIGTERM): a shell starts background jobs
    // with SIGINT ignored, and such a job must stay deaf to the terminal's Ctrl-C.
    private static let ignored = Atomic<Int32>(0)
    private static let signals = [SIGINT, SIGTERM]

    /// Installs the handlers, except for a signal the process ignores (children started later get the default
    /// actions back when they exec).
    public static func install() {
        caught.store(0, ordering: .relaxed)
        var mask: Int32 = 0
        for (bit, sig) in signals.enumerated() {
            let previous = signal(sig) { FollowSignals.caught.store($0, ordering: .relaxed) }
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(sig, SIG_IGN)
                mask |= 1 << bit
            }
        }
        ignored.store(mask, ordering: .relaxed)
    }

    /// Restores the actions from before `install()` (a signal after following ends kills the process as usual).
    public static func restore() {
        let mask = ignored.load(ordering: .relaxed)
        for (bit, sig) in signals.enumerated() { signal(sig, mask & (1 << bit) != 0 ? SIG_IGN : SIG_DFL) }
    }

    /// The signal caught since `install()`, if any.
    public static var received: Int32? {
        let s = caught.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }

    /// Sleeps `seconds` in slices of at most 50 ms; returns early when a signal has been caught.
    public static func sleep(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while received == nil {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(0.05, left))
        }
    }
}
