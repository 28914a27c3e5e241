import Components
import Foundation

/// How the Slurm jobs of a sweep are requested: the `#SBATCH` lines of the scripts and the polling interval.
public struct SlurmOptions: Sendable, Equatable {
    /// `--partition` (a name or a comma-separated list).
    public var partition: String?
    /// `--time` in a Slurm time format (`30`, `1:00:00`, `2-00:00:00`).
    public var time: String?
    /// `--mem` per task (`4G`, `500M`).
    public var mem: String?
    /// `--account`.
    public var account: String?
    /// At most this many array tasks at once (`--array=…%P`).
    public var throttle: Int?
    /// Seconds between two polls of `squeue`.
    public var poll: Double
    /// Seconds after which the sweep stops following and exits (nil: follow until the sweep ends or is stuck).
    public var followTimeout: Double?
    /// Seconds a task may pend for `ReqNodeNotAvail` before the sweep reports it: a node may be down only briefly.
    public var unavailableGrace: Double

    /// Options; nil leaves the cluster's default.
    public init(partition: String? = nil, time: String? = nil, mem: String? = nil, account: String? = nil, throttle: Int? = nil, poll: Double = 5,
                followTimeout: Double? = nil, unavailableGrace: Double = 600) {
        self.partition = partition
        self.time = time
        self.mem = mem
        self.account = account
        self.throttle = throttle
        self.poll = poll
        self.followTimeout = followTimeout
        self.unavailableGrace = unavailableGrace
    }

    /// Checks every value against a strict pattern: what goes into a `#SBATCH` line can be no shell or option syntax.
    public func validate() throws(InputError) {
        func check(_ v: String?, _ name: String, _ ok: (Unicode.Scalar) -> Bool, _ what: String) throws(InputError) {
            guard let v else { return }
            guard !v.isEmpty, v.unicodeScalars.allSatisfy(ok) else { throw InputError("--\(name) '\(Shell.escapeControls(v))' is not \(what)") }
        }
        let nameChar = { (u: Unicode.Scalar) in u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u) || "_.+-".unicodeScalars.contains(u)) }
        try check(partition, "partition", { nameChar($0) || $0 == "," }, "a partition name (letters, digits, _ . + - and commas)")
        try check(account, "account", nameChar, "an account name (letters, digits, _ . + -)")
        if let t = time, t.range(of: #"^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$|^[0-9]+-[0-9]+$"#, options: .regularExpression) == nil {
            throw InputError("--time '\(Shell.escapeControls(t))' is not a Slurm time (minutes, h:mm:ss or d-hh:mm:ss)")
        }
        if let m = mem, m.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) == nil {
            throw InputError("--mem '\(Shell.escapeControls(m))' is not a Slurm memory size (e.g. 500M, 4G)")
        }
        if let p = throttle, p < 1 { throw InputError("--throttle must be at least 1, got \(p)") }
        guard poll.isFinite, poll >= 0.05, poll <= 3600 else { throw InputError("--poll must be in 0.05...3600 seconds, got \(poll)") }
    }

    /// The `#SBATCH` lines of the options given.
    var directives: [String] {
        var out = [String]()
        if let p = partition { out.append("#SBATCH --partition=\(p)") }
        if let t = time { out.append("#SBATCH --time=\(t)") }
        if let m = mem { out.append("#SBATCH --mem=\(m)") }
        if let a = account { out.append("#SBATCH --account=\(a)") }
        return out
    }
}

/// The job scripts and `sbatch` command lines of a sweep.
///
/// No user value reaches a shell: the scripts hold only the validated `#SBATCH` options, the executable's and
/// the manifest's paths in single quotes, and `$SLURM_ARRAY_TASK_ID`; each task reads its arguments from the
/// manifest (JSON). The log paths go to `sbatch` as argument-vector elements, never through the script.
public struct SlurmJobs: Sendable {
    /// The sweep's directory.
    public let layout: SweepLayout
    /// The requested resources.
    public let options: SlurmOptions
    /// The workbench binary the tasks run (on a shared file system).
    public let executable: String

    /// The jobs of one sweep.
    public init(layout: SweepLayout, options: SlurmOptions, executable: String) {
        self.layout = layout
        self.options = options
        self.executable = executable
    }

    /// `slurm/array.sh`.
    public var arrayScriptURL: URL { layout.slurm.appendingPathComponent("array.sh") }
    /// `slurm/merge.sh`.
    public var mergeScriptURL: URL { layout.slurm.appendingPathComponent("merge.sh") }
    /// `slurm/jobs`: "ARRAY MERGE", the job ids of the last submission.
    public var jobsURL: URL { layout.slurm.appendingPathComponent("jobs") }

    /// `0-3,5,7-9%P`: the indices as ranges, with the throttle.
    public static func arraySpec(_ indices: [Int], throttle: Int?) -> String {
        var parts = [String](), i = 0
        let s = indices.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(i == j ? "\(s[i])" : "\(s[i])-\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",") + (throttle.map { "%\($0)" } ?? "")
    }

    /// The job-array script: task I runs manifest line I.
    public func arrayScript(_ indices: [Int]) -> String {
        (["#!/bin/bash",
          "# workbench sweep: array task I runs line I of the manifest (a JSON argument vector that no shell parses).",
          "#SBATCH --job-name=workbench-sweep",
          "#SBATCH --array=\(Self.arraySpec(indices, throttle: options.throttle))",
          "#SBATCH --ntasks=1",
          "#SBATCH --cpus-per-task=1"]
         + options.directives
         + ["export OPENBLAS_NUM_THREADS=1",
            "exec \(Shell.quote(executable)) sweep --run-task \"$SLURM_ARRAY_TASK_ID\" \(Shell.quote(layout.manifest.path))"]).joined(separator: "\n") + "\n"
    }

    /// The merge script, run after every array task succeeded (`--dependency=afterok`).
    public func mergeScript() -> String {
        (["#!/bin/bash",
          "# workbench sweep: merges the run records into merged.json once every array task has succeeded.",
          "#SBATCH --job-name=workbench-sweep-merge",
          "#SBATCH --ntasks=1",
          "#SBATCH --cpus-per-task=1"]
         + options.directives
         + ["exec \(Shell.quote(executable)) sweep --merge-task \(Shell.quote(layout.plan.path))"]).joined(separator: "\n") + "\n"
    }

    /// A path for `--output`: Slurm expands `%` patterns, so a literal `%` is written `%%`.
    static func outputPattern(_ url: URL, _ file: String) -> String {
        url.path.replacingOccurrences(of: "%", with: "%%") + "/" + file
    }

    /// The `sbatch` argument vector that submits the array.
    public var arrayCommand: [String] {
        ["sbatch", "--parsable", "--output=\(Self.outputPattern(layout.slurmLogs, "%A_%a.log"))", arrayScriptURL.path]
    }

    /// The `sbatch` argument vector that submits the merge after `arrayJob`.
    public func mergeCommand(after arrayJob: String) -> [String] {
        ["sbatch", "--parsable", "--dependency=afterok:\(arrayJob)", "--output=\(Self.outputPattern(layout.slurmLogs, "merge-%j.log"))", mergeScriptURL.path]
    }

    /// The Slurm log of array task `index`.
    public func taskLog(array: String, index: Int) -> URL { layout.slurmLogs.appendingPathComponent("\(array)_\(index).log") }

    /// `MaxArraySize` from `scontrol show config` output; Slurm accepts array indices 0...MaxArraySize − 1.
    public static func parseMaxArraySize(_ config: String) -> Int? {
        for line in config.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize", let v = Int(parts[1]) { return v }
        }
        return nil
    }

    /// The cluster's `MaxArraySize`, or nil when `scontrol` cannot say (the submission then goes ahead and sbatch decides).
    public static func maxArraySize() -> Int? {
        guard let r = try? Command.run(["scontrol", "show", "config"]), r.status == 0 else { return nil }
        return parseMaxArraySize(r.stdout)
    }

    /// Refuses an array whose largest index the cluster cannot take, before anything is submitted.
    ///
    /// Array task ids are manifest indices, so a sweep of more than MaxArraySize runs cannot be one array here.
    public static func checkArraySize(_ indices: [Int], maxArraySize: Int?) throws(InputError) {
        guard let m = maxArraySize, let top = indices.max(), top >= m else { return }
        throw InputError("--engine slurm: this sweep needs array index \(top) but the cluster's MaxArraySize is \(m) (indices 0...\(m - 1)); "
                         + "split the grid into sweeps of at most \(m) runs, or ask the administrators to raise MaxArraySize")
    }

    /// Slurm cannot take these in a log path; the sweep refuses them instead of guessing.
    public static func checkPath(_ url: URL) throws(InputError) {
        if url.path.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\\" }) {
            throw InputError("--engine slurm: the sweep directory may not contain a newline or a backslash (Slurm log paths cannot): \(Shell.escapeControls(url.path))")
        }
    }
}

/// What `scontrol show job -o` says about one job record (an array task, or the pending rest of an array).
public struct SlurmJobState: Sendable, Equatable {
    /// `ArrayTaskId` as printed: one index, or a pending range such as `4-7%2`.
    public let arrayTask: String?
    /// `JobState` (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …).
    public let state: String
    /// `JobId` of the record.
    public let jobID: String

    /// A record.
    public init(arrayTask: String?, state: String, jobID: String) {
        self.arrayTask = arrayTask
        self.state = state
        self.jobID = jobID
    }

    /// Records parsed from `scontrol show job -o` output (one record per line).
    public static func parse(_ text: String) -> [SlurmJobState] {
        text.split(separator: "\n").compactMap { line in
            let l = " " + line
            func field(_ k: String) -> String? {
                guard let r = l.range(of: " \(k)=") else { return nil }
                return String(l[r.upperBound...].prefix { $0 != " " })
            }
            guard let state = field("JobState"), let id = field("JobId") else { return nil }
            return SlurmJobState(arrayTask: field("ArrayTaskId"), state: state, jobID: id)
        }
    }

    /// Whether this record covers array task `index` (`ArrayTaskId` is one index or, for the pending rest, `2-7%1`, `1,3,5-9:2`).
    public func covers(_ index: Int) -> Bool {
        guard let spec = arrayTask?.split(separator: "%").first else { return false }
        for part in spec.split(separator: ",") {
            let stepParts = part.split(separator: ":")
            let bounds = stepParts[0].split(separator: "-").compactMap { Int($0) }
            let step = stepParts.count > 1 ? Int(stepParts[1]) ?? 1 : 1
            guard let lo = bounds.first else { continue }
            let hi = bounds.count > 1 ? bounds[1] : lo
            if index >= lo && index <= hi && (index - lo) % max(1, step) == 0 { return true }
        }
        return false
    }

    /// Whether the job has ended (any state but pending, running, completing, configuring, suspended or requeued).
    public var finished: Bool { !["PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED", "REQUEUED", "RESIZING", "STAGE_OUT"].contains(state) }
}

/// A command started from an argument vector, its output captured.
public enum Command {
    /// The result of one command.
    public struct Result: Sendable {
        /// Exit status (128 + N when killed by signal N).
        public let status: Int32
        /// What it printed.
        public let stdout: String
        /// What it printed on stderr.
        public let stderr: String
    }

    /// The executable `name` on PATH, or nil.
    public static func find(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs `argv` (argv[0] looked up on PATH) and waits for it; output goes through temporary files, so any amount fits.
    public static func run(_ argv: [String]) throws -> Result {
        guard let name = argv.first, let path = find(name) else { throw InputError("\(argv.first ?? "") not found on PATH") }
        let tmp = FileManager.default.temporaryDirectory
        let tag = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let out = tmp.appendingPathComponent(".workbench-sweep-\(tag).out"), err = tmp.appendingPathComponent(".workbench-sweep-\(tag).err")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let pid = try Spawn.start(path, Array(argv.dropFirst()), environment: ProcessInfo.processInfo.environment, log: out, errors: err)
        let status = Spawn.wait(pid)?.status ?? 255
        return Result(status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// Submitting a sweep to Slurm and following it to the merged record.
public struct SlurmEngine: Sendable {
    /// The scripts and commands.
    public let jobs: SlurmJobs
    /// The runs.
    public let plan: SweepPlan

    /// An engine for `plan`.
    public init(jobs: SlurmJobs, plan: SweepPlan) {
        self.jobs = jobs
        self.plan = plan
    }

    /// An array task that ended without a record.
    public struct Failure: Sendable, Equatable {
        /// Manifest index (= array task id).
        public let index: Int
        /// Run id.
        public let id: String
        /// Its Slurm state (FAILED, CANCELLED, TIMEOUT, …), or "unknown" when Slurm has forgotten the job.
        public let state: String
        /// Its Slurm log.
        public let log: URL
    }

    /// How a followed sweep ended.
    public enum Outcome: Sendable, Equatable {
        /// The merge job wrote merged.json.
        case merged
        /// Some runs have no record (the merge job was cancelled).
        case runsFailed([Failure])
        /// Every run has a record, but the merge job failed; its state and log.
        case mergeFailed(String, URL)
        /// The sweep stopped following with jobs still queued (the last poll's entries, possibly none); they are not cancelled here.
        case stopped(Stop, queued: [SlurmQueueEntry])
    }

    /// Why the sweep stopped following jobs that are still queued.
    public enum Stop: Sendable, Equatable {
        /// Tasks or the merge job pend for reasons that waiting never resolves.
        case stuck([SlurmStuck])
        /// `--follow-timeout` (seconds) passed.
        case timeout(Double)
        /// SIGINT or SIGTERM.
        case signal(Int32)
        /// squeue failed several polls in a row; its last error.
        case squeueFailing(String)
    }

    /// Writes the two scripts for `missing` (manifest indices).
    public func writeScripts(_ missing: [Int]) throws {
        try AtomicFile.write(Data(jobs.arrayScript(missing).utf8), to: jobs.arrayScriptURL)
        try AtomicFile.write(Data(jobs.mergeScript().utf8), to: jobs.mergeScriptURL)
        try FileManager.default.createDirectory(at: jobs.layout.slurmLogs, withIntermediateDirectories: true)
    }

    /// The array and merge job ids of an earlier submission of this sweep that are still queued or running, if any
    /// (a re-run then follows them instead of submitting the same runs twice).
    public func earlierSubmission() -> (array: String, merge: String)? {
        guard let text = try? String(contentsOf: jobs.jobsURL, encoding: .utf8) else { return nil }
        let ids = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard ids.count == 2, let r = try? Command.run(["squeue", "-h", "-j", ids.joined(separator: ","), "-o", "%i"]), r.status == 0,
              !r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return (ids[0], ids[1])
    }

    /// Submits the array and the dependent merge; returns their job ids.
    public func submit() throws -> (array: String, merge: String) {
        try? FileManager.default.removeItem(at: jobs.layout.merged)
        let array = try sbatch(jobs.arrayCommand)
        let merge: String
        do { merge = try sbatch(jobs.mergeCommand(after: array)) } catch {
            _ = try? Command.run(["scancel", array])
            throw error
        }
        try AtomicFile.write(Data("\(array) \(merge)\n".utf8), to: jobs.jobsURL)
        return (array, merge)
    }

    private func sbatch(_ argv: [String]) throws -> String {
        let r = try Command.run(argv)
        let id = r.stdout.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw InputError("sbatch failed (status \(r.status)): \(Shell.escapeControls(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return id
    }

    /// Polls `squeue` (and `scontrol show job` once the array has left the queue) until the sweep ends, a task is stuck,
    /// `options.followTimeout` passes or `FollowSignals` catches a signal.
    ///
    /// - Parameter progress: called with (runs with a record, tasks running, tasks waiting) whenever these change.
    public func follow(array: String, merge: String, missing: [Int], progress: (Int, Int, Int) -> Void) throws -> Outcome {
        let options = jobs.options
        let start = Date()
        var last: (Int, Int, Int)? = nil
        var doneSet = Set<Int>(), squeueErrors = 0, queued = [SlurmQueueEntry]()
        var unavailableSince = [String: Date]()
        // -r: one line per array task, each with its own reason (without it squeue merges tasks and joins their reasons).
        let squeue = ["squeue", "-h", "-r", "-j", "\(array),\(merge)", "-o", "%i %T %r"]
        // After a signal the last poll may be a whole interval old: the queue is read once more for the report, with the
        // default actions back, so that a second Ctrl-C ends the process at once if the controller does not answer.
        func interrupted(_ sig: Int32) -> Outcome {
            FollowSignals.restore()
            guard let q = try? Command.run(squeue) else { return .stopped(.signal(sig), queued: queued) }
            let fresh = q.status == 0 ? SlurmQueueEntry.parse(q.stdout) : q.stderr.contains("Invalid job id") ? [] : queued
            return .stopped(.signal(sig), queued: fresh)
        }
        while true {
            if let sig = FollowSignals.received { return interrupted(sig) }
            let q = try Command.run(squeue)
            // A Ctrl-C at the terminal reaches squeue too: its failure then is the signal's, not the controller's.
            if let sig = FollowSignals.received { return interrupted(sig) }
            // squeue forgets jobs some minutes after they end and then fails with "Invalid job id": nothing is queued.
            // Any other failure (a busy controller) is retried a few times before giving up.
            if q.status != 0 && !q.stderr.contains("Invalid job id") {
                squeueErrors += 1
                guard squeueErrors < 5 else {
                    return .stopped(.squeueFailing(Shell.escapeControls(q.stderr.trimmingCharacters(in: .whitespacesAndNewlines))), queued: queued)
                }
                FollowSignals.sleep(options.poll)
                continue
            }
            squeueErrors = 0
            queued = q.status == 0 ? SlurmQueueEntry.parse(q.stdout) : []
            let arrayLines = queued.filter { $0.job == array }
            let mergeQueued = queued.contains { $0.id == merge }
            for i in missing where !doneSet.contains(i) && jobs.layout.record(plan.runs[i].id) != nil { doneSet.insert(i) }
            let running = arrayLines.filter { $0.state != "PENDING" }.count
            let now = (doneSet.count, running, max(0, missing.count - doneSet.count - running))
            if last.map({ $0 != now }) ?? true { progress(now.0, now.1, now.2); last = now }

            if arrayLines.isEmpty {
                let failed = missing.filter { !doneSet.contains($0) && jobs.layout.record(plan.runs[$0].id) == nil }
                if !failed.isEmpty {
                    if mergeQueued { _ = try? Command.run(["scancel", merge]) }
                    let states = (try? Command.run(["scontrol", "show", "job", "-o", array])).map { SlurmJobState.parse($0.stdout) } ?? []
                    return .runsFailed(failed.map { i in
                        .init(index: i, id: plan.runs[i].id, state: (states.first { $0.arrayTask == String(i) } ?? states.first { $0.covers(i) })?.state ?? "unknown",
                              log: jobs.taskLog(array: array, index: i))
                    })
                }
                if !mergeQueued {
                    if jobs.layout.merged.isReadable { return .merged }
                    let states = (try? Command.run(["scontrol", "show", "job", "-o", merge])).map { SlurmJobState.parse($0.stdout) } ?? []
                    return .mergeFailed(states.first?.state ?? "unknown", jobs.layout.slurmLogs.appendingPathComponent("merge-\(merge).log"))
                }
            }

            let t = Date()
            let unavailable = Set(queued.filter { $0.state == "PENDING" && $0.reason.hasPrefix(SlurmStuck.unavailable) }.map(\.id))
            unavailableSince = unavailableSince.filter { unavailable.contains($0.key) }
            for id in unavailable where unavailableSince[id] == nil { unavailableSince[id] = t }
            // While array tasks remain, a failed one shows as the merge job's DependencyNeverSatisfied: the failure
            // itself is reported, with its log, once the array has left the queue.
            let stuck = SlurmStuck.find(queued, unavailableSince: unavailableSince, now: t, grace: options.unavailableGrace,
                                        ignoringDependency: arrayLines.isEmpty ? [] : [merge])
            if !stuck.isEmpty { return .stopped(.stuck(stuck), queued: queued) }
            let left = options.followTimeout.map { $0 - t.timeIntervalSince(start) } ?? .infinity
            if left <= 0, let limit = options.followTimeout { return .stopped(.timeout(limit), queued: queued) }
            FollowSignals.sleep(min(options.poll, left))
        }
    }

    /// Cancels the array and merge jobs (`--cancel-on-exit`); returns scancel's error, or nil when it succeeded.
    public func cancel(array: String, merge: String) -> String? {
        guard let r = try? Command.run(["scancel", array, merge]) else { return "scancel not found on PATH" }
        return r.status == 0 ? nil : "scancel failed (status \(r.status)): \(Shell.escapeControls(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
    }
}

extension URL {
    /// Whether a regular file exists here.
    var isReadable: Bool { FileManager.default.isReadableFile(atPath: path) }
}
