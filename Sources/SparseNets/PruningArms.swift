import Components
import Foundation

/// Paired prune-then-train arms at several densities: what the GraSP outcome claims share.
///
/// An arm is a criterion (or nil: the dense network, run once per seed whatever the densities).
/// Every run draws only from its seed's named streams, so the numbers do not depend on `workers`.
public enum PruningArms {
    /// One run's figures: what the claims judge and record.
    public struct Run: Sendable, Equatable {
        /// Criterion name, or "dense".
        public var method: String
        /// Kept fraction (1 for dense).
        public var density: Double
        /// Index of the seed in the seed list.
        public var seedIndex: Int
        public var testAccuracy: Double
        /// Mean training loss per epoch.
        public var trainLoss: [Double]
        /// ‖g‖² after pruning over ‖g‖² dense (T = 1, pruning batch, every weight position): G/G₀.
        public var gradientRatio: Double
        /// Whether some class has no input-to-output path after pruning.
        public var disconnected: Bool
        /// Where training blew up, if it did.
        public var divergence: Divergence?
    }

    /// Every (arm, density, seed) run; the dense arm (nil) runs once per seed at density 1.
    /// Results come back in (arm, density, seed) order, the dense arm's in (seed) order.
    public static func run(_ experiment: PairedPruningExperiment, arms: [(any PruningScore)?], densities: [Double], seeds: [UInt64],
                           workers: Int, progress: ProgressReporter = .silent, label: String) throws -> [Run] {
        var jobs = [(Int, Double, Int)]()
        for a in arms.indices {
            for d in (arms[a] == nil ? [1.0] : densities) { for s in seeds.indices { jobs.append((a, d, s)) } }
        }
        let list = jobs, total = jobs.count
        let counter = Counter()
        return try ParallelRuns.map(list.count, workers: workers) { i in
            let (a, d, s) = list[i]
            let name = arms[a]?.name ?? "dense"
            let r = try experiment.run(method: arms[a], density: d, seed: seeds[s],
                                       component: "\(name) at density \(String(format: "%g", d)), seed \(s + 1)")
            progress.update("\(label): \(counter.increment())/\(total) runs done")
            return Run(method: name, density: d, seedIndex: s, testAccuracy: r.test.accuracy, trainLoss: r.history.map(\.trainLoss),
                       gradientRatio: r.gradientNormAfter / r.gradientNormBefore, disconnected: !r.connectivity.disconnectedClasses.isEmpty,
                       divergence: r.divergence)
        }
    }

    /// Per-seed test accuracies of `method` at `density` (density ignored for dense), in seed order.
    public static func accuracies(_ runs: [Run], _ method: String, density: Double) -> [Double] {
        runs.filter { $0.method == method && (method == "dense" || $0.density == density) }.sorted { $0.seedIndex < $1.seedIndex }.map(\.testAccuracy)
    }
}
