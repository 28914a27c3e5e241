import Components
import Foundation
import LinearAlgebra
import Randomness

/// FLOPs of one run as fractions of dense, for records and tables (2 FLOPs per multiply-accumulate, weights only).
public struct FLOPSummary: Sendable, Codable, Equatable {
    /// Forward FLOPs per sample of the dense network (f_D).
    public var denseForward: Double
    /// Forward FLOPs per sample of the final masks (inference cost).
    public var inferenceForward: Double
    /// inferenceForward / denseForward.
    public var inferenceFraction: Double
    /// Training FLOPs of the whole run, counted step by step on the masks in force.
    public var trainingTotal: Double
    /// trainingTotal / the same steps trained dense (3f_D per sample per step).
    public var trainingFraction: Double
    /// Mean training FLOPs per sample per step over the run.
    public var perStep: Double
    /// Mean training FLOPs per sample per step up to the last update (the update window, where RigL pays its dense gradients).
    public var perStepInWindow: Double

    /// The summary of a ledger and the final masks' counts.
    public init(ledger: FLOPLedger, finalNonZeros: [Int], layers: [LayerShape], lastUpdate: Int?) {
        denseForward = ledger.dense
        inferenceForward = FLOPCount.forward(nonZeros: finalNonZeros, layers: layers)
        inferenceFraction = inferenceForward / denseForward
        trainingTotal = ledger.total()
        trainingFraction = trainingTotal / ledger.denseTotal()
        perStep = ledger.meanPerStep()
        perStepInWindow = lastUpdate.map { ledger.meanPerStep(0..<$0) } ?? perStep
    }
}

/// The outcome of one sparse-training run.
public struct SparseRunResult: Sendable {
    /// The method's name.
    public var method: String
    /// The run seed.
    public var seed: UInt64
    /// The sparsity the run was asked for (under a FLOP budget the allocation's own sparsity is the solved one).
    public var sparsity: Double
    /// The per-layer counts the run trained toward (and started from, unless the method starts dense).
    public var allocation: LayerAllocation
    /// Kept weights per layer at the start.
    public var initialNonZeros: [Int]
    /// Kept weights per layer at the end.
    public var finalNonZeros: [Int]
    /// Validation figures after training.
    public var validation: Evaluation
    /// Test figures after training (validation figures when the data have no test part).
    public var test: Evaluation
    /// Per-epoch training metrics.
    public var history: [EpochMetrics]
    /// Where training blew up, if it did.
    public var divergence: Divergence?
    /// The steps at which the mask could change.
    public var plan: UpdatePlan
    /// Every mask update.
    public var updates: [MaskUpdateRecord]
    /// FLOPs step by step.
    public var ledger: FLOPLedger
    /// FLOPs in summary.
    public var flops: FLOPSummary
    /// Collapsed layers and disconnected classes of the final masks.
    public var connectivity: ConnectivityReport
    /// The trained network.
    public var network: MaskedNetwork
    /// Wall time of the run in seconds (set by `SparseComparison.run`; for text, never for records).
    public var seconds: Double = .nan
}

/// Paired sparse-training runs: one seed fixes the initial weights θ₀, the data order and the initial mask for every method.
public struct SparseTrainingExperiment: Sendable {
    /// The network.
    public var network: NetworkSpec
    /// Split, standardised data.
    public var data: PreparedData
    /// Training recipe.
    public var recipe: TrainingRecipe
    /// θ₀ for every seed (a user's network read from a file), in place of the seed's random initialisation.
    public var model: MaskedNetwork?

    /// An experiment.
    public init(network: NetworkSpec, data: PreparedData, recipe: TrainingRecipe = .digits, model: MaskedNetwork? = nil) {
        self.network = network
        self.data = data
        self.recipe = recipe
        self.model = model
    }

    /// The dense initial network of `seed` (θ₀; the same stream as `PairedPruningExperiment`), or the model when there is one.
    public func initialNetwork(seed: UInt64) throws -> MaskedNetwork {
        if let model { return model }
        return try network.build(inputSize: data.train.dimension, classCount: data.train.classCount, stream: RandomStream(seed: seed).split("init"))
    }

    /// The network's layer shapes.
    public func layerShapes() throws -> [LayerShape] { try initialNetwork(seed: 0).layerShapes }

    /// Minibatch steps in one run.
    public var totalSteps: Int {
        let n = data.train.count, bs = max(1, min(recipe.batchSize, n))
        return (n + bs - 1) / bs * recipe.epochs
    }

    /// The seed's random initial mask: in each layer, `allocation.nonZeros[l]` positions drawn uniformly (the same for every method).
    public func initialMasks(_ allocation: LayerAllocation, seed: UInt64) -> [Matrix] {
        let stream = RandomStream(seed: seed).split("initial-mask")
        return allocation.layers.enumerated().map { l, shape in
            let net = shape.kernelShape
            let rows = net[0], cols = shape.weights / max(net[0], 1)
            var m = Matrix(rows: rows, cols: cols)
            for i in stream.split(l).sample(allocation.nonZeros[l], from: shape.weights) { m.storage[i] = 1 }
            return m
        }
    }

    /// Trains the seed's network with `method` toward `allocation`.
    /// - Parameters:
    ///   - hooks: more hooks, built with access to the method's own and called after it (tests watch every step with them).
    ///   - component: how a divergence names this run (default "<method> seed <seed>").
    ///   - sparsity: the sparsity the run stands for (default: the allocation's).
    public func run(_ method: SparseMethod, allocation: LayerAllocation, seed: UInt64, sparsity: Double? = nil, hooks: (DynamicSparsity) -> [any TrainingHook] = { _ in [] },
                    component: String? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> SparseRunResult {
        var net = try initialNetwork(seed: seed)
        guard net.layerShapes == allocation.layers else { throw SparseNetsError("the allocation was solved for another network") }
        if !method.startsDense { try net.setMasks(initialMasks(allocation, seed: seed)) }
        let initial = net.layerNonZeros
        let dynamic = DynamicSparsity(method: method, targets: allocation.nonZeros, layers: allocation.layers, totalSteps: totalSteps,
                                      samples: data.train.count, batchSize: recipe.batchSize, stream: RandomStream(seed: seed).split("mask-updates"))
        if method.startsDense && dynamic.plan.steps.isEmpty && recipe.epochs > 0 {
            throw SparseNetsError("\(method.name) makes no mask update in its window (ΔT = \(method.schedule.interval ?? 0) steps, \(totalSteps) steps in the run): it would never prune")
        }
        let outcome = try Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: seed).split("train"),
                                        hooks: [dynamic] + hooks(dynamic), component: component ?? "\(method.name) seed \(seed)", progress: progress)
        guard outcome.divergence != nil || net.maskedWeightsAreZero else { throw SparseNetsError("internal: a masked weight became non-zero during training") }
        let final = net.layerNonZeros
        return SparseRunResult(method: method.name, seed: seed, sparsity: sparsity ?? allocation.sparsity, allocation: allocation, initialNonZeros: initial, finalNonZeros: final,
                               validation: try Trainer.evaluate(net, on: data.validation), test: try Trainer.evaluate(net, on: data.test),
                               history: outcome.history, divergence: outcome.divergence, plan: dynamic.plan, updates: dynamic.updates,
                               ledger: dynamic.ledger,
                               flops: FLOPSummary(ledger: dynamic.ledger, finalNonZeros: final, layers: allocation.layers, lastUpdate: dynamic.plan.steps.last),
                               connectivity: try Connectivity.analyze(net), network: net)
    }
}
