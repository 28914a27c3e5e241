import Components
import Foundation
import Randomness

/// The small-dense baseline (rigl's `small_dense`): a dense network whose widths are the sparse
/// network's scaled by one common factor so that its weight count matches the sparse network's
/// non-zero count. A sparse method that does not beat it has gained nothing from sparsity.
public enum SmallDense {
    /// The method name its runs carry in comparisons and records.
    public static let method = "small-dense"

    /// `network` with every hidden width (or channel count) multiplied by `factor`, rounded, at least 1.
    public static func scaled(_ network: NetworkSpec, by factor: Double) -> NetworkSpec {
        func scale(_ w: [Int]) -> [Int] { w.map { max(1, Int((Double($0) * factor).rounded())) } }
        switch network {
        case .architecture(.mlp(let h)): return .architecture(.mlp(hidden: scale(h)))
        case .architecture(.cnn(let c, let p)): return .architecture(.cnn(channels: scale(c), pooling: p))
        case .architecture(.cnn1d(let c, let k, let s, let p)): return .architecture(.cnn1d(channels: scale(c), kernels: k, strides: s, paddings: p))
        // Equal widths stay equal under one factor, so the residual adds still line up.
        case .architecture(.resmlp(let h)): return .architecture(.resmlp(hidden: scale(h)))
        case .pooledCNN(let c, let p): return .pooledCNN(channels: scale(c), pooled: p)
        }
    }

    /// Weights of `network` (all layers, dense) for these data.
    static func weights(_ network: NetworkSpec, inputSize: Int, classCount: Int) throws(SparseNetsError) -> Int {
        try network.build(inputSize: inputSize, classCount: classCount, stream: RandomStream(seed: 0)).layerShapes.reduce(0) { $0 + $1.weights }
    }

    /// The scaled network whose dense weight count is nearest `target` (ties to the smaller network).
    ///
    /// The count grows with the factor in steps (widths are integers), so the factor is found by
    /// bisection on (0, 1] and the two networks either side of the target are compared.
    public static func network(matching target: Int, from network: NetworkSpec, inputSize: Int, classCount: Int) throws(SparseNetsError) -> NetworkSpec {
        guard target >= 1 else { throw SparseNetsError("small-dense: the target weight count must be at least 1, got \(target)") }
        let full = try weights(network, inputSize: inputSize, classCount: classCount)
        if target >= full { return network }
        var lo = 0.0, hi = 1.0
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if try weights(scaled(network, by: mid), inputSize: inputSize, classCount: classCount) <= target { lo = mid } else { hi = mid }
        }
        let below = scaled(network, by: lo), above = scaled(network, by: hi)
        let wb = try weights(below, inputSize: inputSize, classCount: classCount), wa = try weights(above, inputSize: inputSize, classCount: classCount)
        return abs(wa - target) < abs(target - wb) ? above : below
    }

    /// Dense runs of the small network matching each allocation's non-zero count, one per (allocation, seed), on `workers` threads.
    ///
    /// Each result carries the sparse allocation's sparsity (so it pairs with the sparse runs on
    /// seeds: same data order, its own θ₀) and FLOP fractions relative to the *large* dense
    /// network, so its training cost sits on the same scale as the sparse methods'.
    public static func run(_ experiment: SparseTrainingExperiment, allocations: [LayerAllocation], seeds: [UInt64], workers: Int,
                           progress: ProgressReporter = .silent, label: String = "small-dense") throws -> [SparseRunResult] {
        let data = experiment.data.train
        let method = try SparseMethodCatalog.method(named: StaticMethod.name)
        var setups = [(SparseTrainingExperiment, LayerAllocation, Double)]()
        for a in allocations {
            var small = experiment
            small.network = try network(matching: a.totalNonZeros, from: experiment.network, inputSize: data.dimension, classCount: data.classCount)
            small.model = nil
            let dense = try DistributionSolver.allocate(UniformDistribution.withDefaults(), layers: small.layerShapes(), sparsity: 0)
            setups.append((small, dense, a.sparsity))
        }
        let list = setups
        let large = try experiment.layerShapes()
        let largeForward = FLOPCount.forward(nonZeros: large.map(\.weights), layers: large)
        let counter = Counter(), total = list.count * seeds.count
        return try ParallelRuns.map(total, workers: workers) { i in
            let (small, dense, sparsity) = list[i / seeds.count], seed = seeds[i % seeds.count]
            let started = Date()
            var r = try small.run(method, allocation: dense, seed: seed, sparsity: sparsity,
                                  component: "\(Self.method) (\(small.network)) for sparsity \(String(format: "%g", sparsity)), seed \(i % seeds.count + 1)")
            r.method = Self.method
            // Rescale the fractions from the small network's own dense cost to the large network's.
            let ratio = r.flops.denseForward / largeForward
            r.flops.trainingFraction *= ratio
            r.flops.inferenceFraction = r.flops.inferenceForward / largeForward
            r.flops.denseForward = largeForward
            r.seconds = Date().timeIntervalSince(started)
            progress.update("\(label): \(counter.increment())/\(total) runs done")
            return r
        }
    }
}
