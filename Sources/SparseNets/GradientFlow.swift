import LinearAlgebra
import Randomness

/// Gradient-norm measurements behind GraSP: ‖g‖² before and after pruning, and its first-order prediction.
public enum GradientFlow {
    /// ‖∇_θ L‖² over the weights (biases excluded) of the mean loss on `batch` at temperature T.
    ///
    /// By default the gradient covers every weight position, removed ones included: that is the
    /// quantity GraSP's Taylor argument is about (and what the spec's prototype measured). With
    /// `keptOnly` it covers the surviving weights, the gradient training actually follows.
    public static func squaredNorm(_ network: MaskedNetwork, batch: TrainingData, temperature: Double, keptOnly: Bool = false) throws -> Double {
        var g = Parameters(zerosLike: network.parameters)
        try Propagator().lossAndGradient(network, data: batch.columns, labels: batch.labels, columns: Array(0..<batch.count)[...],
                                         temperature: temperature, into: &g)
        if keptOnly { g.applyMask(network.masks) }
        return g.squaredNorm(includeBiases: false)
    }

    /// The first-order change of ‖g‖² when the weights outside `masks` are zeroed: −2 θ_Rᵀ (Hg)_R over the removed set R.
    ///
    /// g and Hg are over the whole batch as one (the same loss `squaredNorm` measures).
    public static func firstOrderChange(_ network: MaskedNetwork, batch: TrainingData, temperature: Double, masks: [Matrix]) throws -> Double {
        let p = Propagator()
        let cols = Array(0..<batch.count)[...]
        var g = Parameters(zerosLike: network.parameters), hg = g, scratch = g
        try p.lossAndGradient(network, data: batch.columns, labels: batch.labels, columns: cols, temperature: temperature, into: &g)
        g = g.withoutBiases()
        g.applyMask(network.masks)
        _ = try p.hessianVectorProduct(network, data: batch.columns, labels: batch.labels, columns: cols, temperature: temperature,
                                       direction: g, gradient: &scratch, product: &hg)
        var change = 0.0
        for l in masks.indices {
            let w = network.parameters.weights[l].storage, h = hg.weights[l].storage, m = masks[l].storage, m0 = network.masks[l].storage
            for i in w.indices where m0[i] != 0 && m[i] == 0 { change -= 2 * w[i] * h[i] }
        }
        return change
    }
}

/// The experiment behind `grasp-gradient-flow`: ‖g‖² after pruning at several densities for several criteria, on paired seeds.
public struct GradientFlowStudy: Sendable {
    /// One (seed, method, density) measurement.
    public struct Row: Sendable, Equatable {
        /// The run seed.
        public var seed: UInt64
        /// Criterion name.
        public var method: String
        /// Kept fraction of prunable weights.
        public var density: Double
        /// ‖g‖² of the dense network (weights, temperature T, pruning batch).
        public var before: Double
        /// ‖g‖² after pruning over every weight position (removed ones included): the quantity of the claim.
        public var after: Double
        /// ‖g ⊙ m‖² after pruning: the gradient of the weights that remain.
        public var afterKept: Double
        /// First-order prediction of after − before: −2 θ_Rᵀ(Hg)_R.
        public var predictedChange: Double
        /// Layers emptied by the mask.
        public var collapsedLayers: Int
        /// Classes with no input-to-output path.
        public var disconnectedClasses: Int

        /// G / G₀.
        public var ratio: Double { after / before }
        /// The measured change of ‖g‖².
        public var change: Double { after - before }
    }

    /// Network, data and pruning batch size.
    public var experiment: PairedPruningExperiment
    /// Softmax temperature for scores and for the measured gradient.
    public var temperature: Double
    /// Densities to prune to.
    public var densities: [Double]
    /// Criteria to compare.
    public var methods: [any PruningScore]

    /// A study.
    public init(experiment: PairedPruningExperiment, temperature: Double = GraSPScore.withDefaults().temperature,
                densities: [Double], methods: [any PruningScore]) {
        self.experiment = experiment
        self.temperature = temperature
        self.densities = densities
        self.methods = methods
    }

    /// All rows of one seed (methods × densities), from the same initial network and pruning batch.
    public func run(seed: UInt64) throws -> [Row] {
        let net = try experiment.initialNetwork(seed: seed)
        let batch = try experiment.pruningBatch(seed: seed)
        let cols = Array(0..<batch.count)[...]
        let p = Propagator()
        var g = Parameters(zerosLike: net.parameters), hg = g, scratch = g
        try p.lossAndGradient(net, data: batch.columns, labels: batch.labels, columns: cols, temperature: temperature, into: &g)
        g = g.withoutBiases()
        let before = g.squaredNorm(includeBiases: false)
        _ = try p.hessianVectorProduct(net, data: batch.columns, labels: batch.labels, columns: cols, temperature: temperature,
                                       direction: g, gradient: &scratch, product: &hg)
        var rows = [Row]()
        for method in methods {
            for density in densities {
                let ctx = PruningContext(network: net, batch: batch, stream: RandomStream(seed: seed).split("prune-\(method.name)"))
                let masks = try method.masks(ctx, density: density)
                var pruned = net
                try pruned.setMasks(masks)
                var gp = Parameters(zerosLike: net.parameters)
                try p.lossAndGradient(pruned, data: batch.columns, labels: batch.labels, columns: cols, temperature: temperature, into: &gp)
                let full = gp.squaredNorm(includeBiases: false)
                gp.applyMask(masks)
                var predicted = 0.0
                for l in masks.indices {
                    let w = net.parameters.weights[l].storage, h = hg.weights[l].storage, m = masks[l].storage
                    for i in w.indices where m[i] == 0 { predicted -= 2 * w[i] * h[i] }
                }
                let conn = try Connectivity.analyze(pruned)
                rows.append(Row(seed: seed, method: method.name, density: density, before: before, after: full,
                                afterKept: gp.squaredNorm(includeBiases: false), predictedChange: predicted,
                                collapsedLayers: conn.collapsedLayers.count, disconnectedClasses: conn.disconnectedClasses.count))
            }
        }
        return rows
    }
}
