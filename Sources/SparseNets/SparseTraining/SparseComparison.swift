import Components
import Foundation
import Statistics

/// Paired runs of several methods at several sparsities and their summary: what `sparse-train` and the claims share.
public enum SparseComparison {
    /// One job of a comparison.
    public struct Job: Sendable {
        /// Index into the methods.
        public var method: Int
        /// Index into the allocations.
        public var allocation: Int
        /// Index into the seeds.
        public var seed: Int
    }

    /// Every (allocation, method, seed) run, in that nesting order, on `workers` threads.
    ///
    /// Each run draws only from its seed's named streams, so the numbers do not depend on
    /// `workers` or on the order the runs finish in.
    /// - Parameter sparsities: the sparsity each allocation stands for (default: its own).
    public static func run(_ experiment: SparseTrainingExperiment, methods: [SparseMethod], allocations: [LayerAllocation], sparsities: [Double]? = nil,
                           seeds: [UInt64], workers: Int, progress: ProgressReporter = .silent,
                           label: String = "sparse-train") throws -> [SparseRunResult] {
        var list = [Job]()
        for a in allocations.indices { for m in methods.indices { for s in seeds.indices { list.append(Job(method: m, allocation: a, seed: s)) } } }
        let jobs = list
        let counter = Counter()
        let total = jobs.count
        return try ParallelRuns.map(jobs.count, workers: workers) { i in
            let j = jobs[i], m = methods[j.method], a = allocations[j.allocation]
            let started = Date()
            var r = try experiment.run(m, allocation: a, seed: seeds[j.seed], sparsity: sparsities?[j.allocation],
                                       component: "\(m.name) at sparsity \(String(format: "%g", a.sparsity)), seed \(j.seed + 1)")
            r.seconds = Date().timeIntervalSince(started)
            progress.update("\(label): \(counter.increment())/\(total) runs done")
            return r
        }
    }

    /// One (method, sparsity) row: accuracy with its interval, the paired gap to a baseline, and FLOPs as fractions of dense.
    public struct Row: Sendable, Codable, Equatable {
        public var method: String
        /// The sparsity asked for (the allocation's own may differ under a FLOP budget).
        public var sparsity: Double
        public var seeds: Int
        public var meanTestAccuracy: Double
        public var sdTestAccuracy: Double
        /// 95% t-interval of the mean test accuracy over seeds (nil with one seed).
        public var testAccuracyInterval: ConfidenceInterval?
        /// Per-seed test accuracy minus the baseline's on the same seed, with its 95% t-interval (nil without a baseline or with one seed).
        public var gapToBaseline: ConfidenceInterval?
        /// Seeds on which the method beat the baseline.
        public var winsOverBaseline: Int?
        /// Training FLOPs / dense training FLOPs (mean over seeds).
        public var trainingFLOPsFraction: Double
        /// Inference FLOPs / dense inference FLOPs (mean over seeds).
        public var inferenceFLOPsFraction: Double
        /// Mean training FLOPs per sample per step in the update window, over the same for static training on the same masks (3f_S).
        public var stepOverheadInWindow: Double
        /// Mask updates per run.
        public var maskUpdates: Int
        /// Mask bits flipped over the run (mean over seeds).
        public var maskChanges: Double
        /// Runs ending with an empty layer.
        public var runsWithCollapse: Int
        /// Runs ending with some class cut off from every input.
        public var runsWithDisconnectedClass: Int
    }

    /// Rows per (sparsity, method) in the order given; gaps are paired on seeds against `baseline` when it was run.
    public static func summarise(_ runs: [SparseRunResult], methods: [String], sparsities: [Double], baseline: String? = "static") -> [Row] {
        var out = [Row]()
        for s in sparsities {
            let atS = runs.filter { $0.sparsity == s }
            for m in methods {
                let rs = atS.filter { $0.method == m }
                guard !rs.isEmpty else { continue }
                let acc = rs.map(\.test.accuracy)
                var gap: ConfidenceInterval?, wins: Int?
                if let b = baseline, b != m, atS.contains(where: { $0.method == b }) {
                    let gaps = rs.compactMap { r in atS.first { $0.method == b && $0.seed == r.seed }.map { r.test.accuracy - $0.test.accuracy } }
                    gap = try? ConfidenceInterval(tOver: gaps)
                    wins = gaps.filter { $0 > 0 }.count
                }
                let staticStep = rs.map { 3 * FLOPCount.forward(nonZeros: $0.finalNonZeros, layers: $0.allocation.layers) }
                let overhead = zip(rs, staticStep).map { $0.flops.perStepInWindow / $1 }
                out.append(Row(method: m, sparsity: s, seeds: rs.count, meanTestAccuracy: Descriptive.mean(acc),
                               sdTestAccuracy: acc.count > 1 ? Descriptive.standardDeviation(acc) : 0,
                               testAccuracyInterval: try? ConfidenceInterval(tOver: acc), gapToBaseline: gap, winsOverBaseline: wins,
                               trainingFLOPsFraction: Descriptive.mean(rs.map(\.flops.trainingFraction)),
                               inferenceFLOPsFraction: Descriptive.mean(rs.map(\.flops.inferenceFraction)),
                               stepOverheadInWindow: Descriptive.mean(overhead),
                               maskUpdates: rs[0].updates.count,
                               maskChanges: Descriptive.mean(rs.map { Double($0.updates.reduce(0) { $0 + $1.maskChanges }) }),
                               runsWithCollapse: rs.filter { !$0.connectivity.collapsedLayers.isEmpty }.count,
                               runsWithDisconnectedClass: rs.filter { !$0.connectivity.disconnectedClasses.isEmpty }.count))
            }
        }
        return out
    }
}

extension SparseComparison {
    /// Per-seed test accuracy of `a` minus `b` at `sparsity`, in seed order (seeds missing from either are left out).
    public static func pairedGaps(_ runs: [SparseRunResult], _ a: String, _ b: String, sparsity: Double, seeds: [UInt64]) -> [Double] {
        seeds.compactMap { seed in
            guard let x = runs.first(where: { $0.method == a && $0.sparsity == sparsity && $0.seed == seed }),
                  let y = runs.first(where: { $0.method == b && $0.sparsity == sparsity && $0.seed == seed }) else { return nil }
            return x.test.accuracy - y.test.accuracy
        }
    }

    /// Test accuracies of `method` at `sparsity`, in seed order.
    public static func accuracies(_ runs: [SparseRunResult], _ method: String, sparsity: Double, seeds: [UInt64]) -> [Double] {
        seeds.compactMap { seed in runs.first { $0.method == method && $0.sparsity == sparsity && $0.seed == seed }?.test.accuracy }
    }
}

/// A thread-safe counter for progress lines.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Adds one and returns the new value.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
