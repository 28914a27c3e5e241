import Components
import Foundation
import Statistics

/// How often a claim's verdict and each of its checks held over K master seeds (`verify --replicate K`).
public struct Replication: Sendable, Codable, Equatable {
    /// One check over the replicates.
    public struct CheckSummary: Sendable, Codable, Equatable {
        public var name: String
        public var role: Check.Role
        public var form: VerdictForm?
        /// Runs in which the check behaved as the claim needs (a primary or regime check satisfied, a control failed,
        /// an info check satisfied).
        public var asNeeded: Int
        /// Runs in which the check was recorded.
        public var runs: Int
        /// Runs in which its interval straddled its line.
        public var inconclusive: Int
        /// Wilson 95% interval of asNeeded/runs.
        public var interval: [Double]
        /// The smallest margin of safety over the runs, oriented so that positive is the side the claim needs
        /// (a control's margin is negated); nil where the form has none.
        public var smallestMarginOfSafety: Double?
    }

    public var masterSeeds: [UInt64]
    public var verdicts: [Verdict]
    /// Runs whose verdict is `holds`.
    public var holds: Int
    public var runs: Int
    /// Wilson 95% interval of holds/runs.
    public var holdInterval: [Double]
    public var checks: [CheckSummary]
    /// The primary or control check with the smallest margin of safety, and that margin.
    public var weakestCheck: String?
    public var weakestMarginOfSafety: Double?

    /// The summary of one claim's records at consecutive master seeds.
    public init(records: [ClaimRecord]) {
        masterSeeds = records.map(\.masterSeed)
        verdicts = records.map(\.verdict)
        holds = verdicts.filter { $0 == .holds }.count
        runs = records.count
        let w = wilsonInterval(successes: holds, trials: runs)
        holdInterval = [w.lower, w.upper]
        var order = [String](), byName = [String: [Check]]()
        for r in records {
            for c in r.checks {
                if byName[c.name] == nil { order.append(c.name) }
                byName[c.name, default: []].append(c)
            }
        }
        checks = order.map { name in
            let cs = byName[name] ?? []
            let k = cs.filter(\.asExpected).count
            let wi = wilsonInterval(successes: k, trials: cs.count)
            return CheckSummary(name: name, role: cs[0].role, form: cs[0].judgement?.form, asNeeded: k, runs: cs.count,
                                inconclusive: cs.filter(\.inconclusive).count, interval: [wi.lower, wi.upper],
                                smallestMarginOfSafety: cs.compactMap(\.neededMargin).min())
        }
        let judged = checks.filter { ($0.role == .primary || $0.role == .control) && $0.smallestMarginOfSafety != nil }
        let weakest = judged.min { ($0.smallestMarginOfSafety ?? .infinity) < ($1.smallestMarginOfSafety ?? .infinity) }
        weakestCheck = weakest?.name
        weakestMarginOfSafety = weakest?.smallestMarginOfSafety
    }

    /// "9/10 [0.60, 0.98]".
    public var holdText: String { "\(holds)/\(runs) [\(String(format: "%.2f", holdInterval[0])), \(String(format: "%.2f", holdInterval[1]))]" }
}

extension Check {
    /// The margin of safety oriented so that positive is the side the claim needs (a control must fail its rule).
    public var neededMargin: Double? {
        guard let m = judgement?.marginOfSafety else { return nil }
        return role == .control ? -m : m
    }
}

/// Runs claims at K consecutive master seeds each.
public enum Replicator {
    /// Each claim's records at master seeds `seed`, `seed + 1`, …, `seed + K − 1`: all claim × seed runs share `workers`
    /// threads (each run on one, its numbers depending only on its seed). Per claim, the first seed's record is returned
    /// with the replication block.
    public static func run(_ claims: [any Claim], seed: UInt64, count: Int, mode: RunMode, overrides: [String: String] = [:],
                           versions: [String: String] = [:], workers: Int = 1, progress: ProgressReporter = .silent) throws -> [ClaimRecord] {
        let jobs = claims.count * count
        let done = Counter()
        progress.update("verify --replicate \(count): 0 of \(jobs) runs done")
        let records = try ParallelRuns.map(jobs, workers: workers) { j -> ClaimRecord in
            let claim = claims[j / count], s = seed + UInt64(j % count)
            let r = try ClaimRunner.run(any: claim, seed: s, mode: mode, overrides: overrides, text: false, versions: versions, workers: 1).record
            progress.update("verify --replicate \(count): \(done.increment()) of \(jobs) runs done (\(claim.id), seed \(s))")
            return r
        }
        progress.finish()
        return claims.indices.map { c in
            let mine = Array(records[(c * count)..<((c + 1) * count)])
            var first = mine[0]
            first.replication = Replication(records: mine)
            return first
        }
    }
}

/// A thread-safe count of finished runs, for progress lines.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() -> Int { lock.withLock { n += 1; return n } }
}
