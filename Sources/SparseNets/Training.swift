import Components
import Foundation
import LinearAlgebra
import Randomness
import Datasets

/// How the learning rate moves over training (evaluated per step, t ∈ [0, total)).
public enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout.
    case constant
    /// Multiply by `factor` every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Double)
    /// lr₀ · ½(1 + cos(π t / total)), updated every step.
    case cosine

    /// The rate at step `t` of `total`, with `stepsPerEpoch` steps per epoch.
    public func rate(base: Double, step t: Int, total: Int, stepsPerEpoch: Int) -> Double {
        switch self {
        case .constant: return base
        case .step(let every, let factor):
            let epoch = t / max(stepsPerEpoch, 1)
            return base * pow(factor, Double(epoch / max(every, 1)))
        case .cosine:
            return base * 0.5 * (1 + cos(Double.pi * Double(t) / Double(max(total, 1))))
        }
    }

    /// Parses `cosine`, `constant` or `step:EVERY:FACTOR` (EVERY ≥ 1 epochs, FACTOR > 0).
    public static func parse(_ text: String) throws(SparseNetsError) -> LearningRateSchedule {
        switch text {
        case "cosine": return .cosine
        case "constant": return .constant
        default:
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 3, parts[0] == "step", let every = Int(parts[1]), let factor = Double(parts[2]), every >= 1, factor > 0, factor.isFinite else {
                throw SparseNetsError("schedule '\(text)' must be cosine, constant or step:EVERY:FACTOR with EVERY ≥ 1 and FACTOR > 0")
            }
            return .step(everyEpochs: every, factor: factor)
        }
    }
}

/// Stochastic gradient descent with momentum (heavy-ball or Nesterov) and L2 weight decay, as PyTorch defines them.
public struct SGDConfiguration: Sendable, Equatable {
    /// Base learning rate.
    public var learningRate: Double
    /// Momentum coefficient (0 = plain SGD).
    public var momentum: Double
    /// Nesterov momentum instead of heavy-ball.
    public var nesterov: Bool
    /// L2 coefficient added to the gradient of weights and biases.
    public var weightDecay: Double
    /// Learning-rate schedule.
    public var schedule: LearningRateSchedule

    /// An SGD configuration (validated by `TrainingRecipe.validate`).
    public init(learningRate: Double, momentum: Double = 0.9, nesterov: Bool = false, weightDecay: Double = 0, schedule: LearningRateSchedule = .cosine) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.schedule = schedule
    }
}

/// Which update rule the trainer applies (the learning rate, weight decay and schedule of `SGDConfiguration` serve all three).
public enum OptimizerKind: String, Sendable, Equatable, CaseIterable {
    /// SGD with the configuration's momentum (PyTorch's torch.optim.SGD).
    case sgd
    /// torch.optim.Adam (β 0.9, 0.999, ε 1e-8; weight decay as L2 in the gradient).
    case adam
    /// torch.optim.AdamW (decoupled weight decay).
    case adamw
}

/// The order minibatches take the training rows in.
public enum DataOrder: String, Sendable, Equatable, CaseIterable {
    /// A fresh seeded permutation every epoch.
    case shuffled
    /// Row order, every epoch the same (batch k = rows k·B …, the MNIST-1D reference's step·B mod n when B divides n).
    case sequential
}

/// Everything that fixes a training run apart from the seed.
public struct TrainingRecipe: Sendable, Equatable {
    /// Passes over the training set.
    public var epochs: Int
    /// Samples per minibatch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// The optimiser's rate, decay, schedule and (SGD) momentum.
    public var optimizer: SGDConfiguration
    /// The update rule.
    public var kind: OptimizerKind
    /// Shuffled or sequential minibatches.
    public var dataOrder: DataOrder

    /// A recipe.
    public init(epochs: Int, batchSize: Int, optimizer: SGDConfiguration, kind: OptimizerKind = .sgd, dataOrder: DataOrder = .shuffled) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.kind = kind
        self.dataOrder = dataOrder
    }

    /// The optimiser and data-order choices, declared apart from `parameters` so the claims that embed those keep their rules; commands add them as flags.
    public static let choiceParameters: [Parameter] = [
        .choice("optimizer", "sgd", OptimizerKind.allCases.map(\.rawValue),
                "update rule: sgd (momentum, nesterov apply), adam or adamw (PyTorch's Adam/AdamW, β 0.9/0.999, ε 1e-8; weight-decay is L2 for adam, decoupled for adamw)"),
        .choice("data-order", "shuffled", DataOrder.allCases.map(\.rawValue),
                "minibatch order: shuffled (seeded permutation per epoch) or sequential (row order, as the MNIST-1D reference trains)"),
    ]

    /// The recipe's settings and the pruning batch's size, declared once: `prune`'s flags and the claims' parameters read them.
    ///
    /// The defaults are the prototype's digits recipe: SGD with momentum 0.9 (heavy-ball), batch
    /// 32, lr 0.05 on a cosine schedule, 40 epochs, no weight decay, 10 pruning samples per class.
    public static let parameters: [Parameter] = [
        .int("epochs", 40, 0...10_000, "training epochs"),
        .int("batch-size", 32, 1...1_000_000, "minibatch size"),
        .real("lr", 0.05, .positive, "base learning rate"),
        .real("momentum", 0.9, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "SGD momentum"),
        .flag("nesterov", false, "Nesterov momentum instead of heavy-ball"),
        .real("weight-decay", 0, .nonNegative, "L2 weight decay"),
        .text("schedule", "cosine", "learning-rate schedule: cosine, constant, or step:EVERY:FACTOR (e.g. step:10:0.1)"),
        .int("per-class", 10, 1...10_000, "pruning-batch samples per class (SNIP, GraSP)"),
    ]

    /// The declared parameter called `name` (a name not in `parameters` is a programming error).
    public static func parameter(_ name: String) -> Parameter {
        guard let p = parameters.first(where: { $0.name == name }) else { preconditionFailure("no recipe parameter '\(name)'") }
        return p
    }

    /// The recipe from resolved `parameters` values; `epochs` replaces the `epochs` value (a claim that names it differently).
    public init(parameters v: ParameterValues, epochs: Int? = nil) throws(SparseNetsError) {
        self.init(epochs: epochs ?? v.int("epochs"), batchSize: v.int("batch-size"),
                  optimizer: SGDConfiguration(learningRate: v.real("lr"), momentum: v.real("momentum"), nesterov: v.flag("nesterov"),
                                              weightDecay: v.real("weight-decay"), schedule: try LearningRateSchedule.parse(v.string("schedule"))))
        // The choices are optional in `v`: claims that predate them declare only `parameters` (SGD, shuffled).
        if v.values["optimizer"] != nil {
            guard let k = OptimizerKind(rawValue: v.string("optimizer")) else { throw SparseNetsError("unknown optimizer '\(v.string("optimizer"))'") }
            kind = k
        }
        if v.values["data-order"] != nil {
            guard let o = DataOrder(rawValue: v.string("data-order")) else { throw SparseNetsError("unknown data order '\(v.string("data-order"))'") }
            dataOrder = o
        }
        try validate()
    }

    /// The recipe at the declared defaults (the prototype's digits recipe).
    public static let digits: TrainingRecipe = {
        do { return try TrainingRecipe(parameters: ParameterDefaults.values(parameters)) }
        catch { preconditionFailure("the declared recipe defaults do not build a recipe: \(error)") }
    }()

    /// Pruning-batch samples per class at the declared default.
    public static var defaultPruningPerClass: Int { ParameterDefaults.values(parameters).int("per-class") }

    /// Throws a one-line error for non-positive sizes or rates.
    public func validate() throws(SparseNetsError) {
        guard epochs >= 0 else { throw SparseNetsError("epochs must be ≥ 0, got \(epochs)") }
        guard batchSize >= 1 else { throw SparseNetsError("batch size must be ≥ 1, got \(batchSize)") }
        let o = optimizer
        guard o.learningRate.isFinite, o.learningRate > 0 else { throw SparseNetsError("learning rate must be positive, got \(o.learningRate)") }
        guard o.momentum.isFinite, (0..<1).contains(o.momentum) else { throw SparseNetsError("momentum must be in [0, 1), got \(o.momentum)") }
        guard o.weightDecay.isFinite, o.weightDecay >= 0 else { throw SparseNetsError("weight decay must be ≥ 0, got \(o.weightDecay)") }
        if case .step(let every, let factor) = o.schedule {
            guard every >= 1, factor.isFinite, factor > 0 else { throw SparseNetsError("step schedule needs every ≥ 1 epoch and a positive factor") }
        }
    }
}

/// The optimiser's state: momentum buffers shaped like the parameters (public so mask-changing hooks can reset entries).
public struct OptimizerState: Sendable {
    /// Momentum buffer per parameter.
    public var momentum: Parameters
    /// Steps taken so far.
    public var step: Int
    /// Adam's moments (weights of layer l at 2l, its biases at 2l + 1); empty under SGD.
    public var adam: [AdamState] = []

    /// Zeroes the momentum (and Adam moments) of masked-out weights (call after changing masks).
    public mutating func applyMask(_ masks: [Matrix]) {
        momentum.applyMask(masks)
        if !adam.isEmpty { for l in masks.indices { adam[2 * l].applyMask(masks[l].storage) } }
    }
}

/// What a training loop reports after each epoch.
public struct EpochMetrics: Sendable, Equatable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean training loss over the epoch's minibatches.
    public var trainLoss: Double
    /// Training accuracy over the epoch's minibatches (during training).
    public var trainAccuracy: Double
}

/// Callbacks into the training loop, for pruning schedules and dynamic sparse training; every method has a no-op default.
public protocol TrainingHook: AnyObject {
    /// Called with the dense (unmasked) gradient of the minibatch before the optimiser masks it.
    func gradientComputed(step: Int, network: MaskedNetwork, gradient: inout Parameters) throws
    /// Whether this step's optimiser update is skipped, so that the step changes only the mask (RigL's update steps).
    func skipsOptimizerStep(step: Int) -> Bool
    /// Called after the optimiser step; may change masks (then reset momentum with `state.applyMask`).
    func stepFinished(step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws
    /// Called after every epoch.
    func epochFinished(_ metrics: EpochMetrics, network: MaskedNetwork) throws
    /// Whether `gradientComputed` at `step` reads the gradient outside the mask; if any hook says so, that step runs dense gemm.
    func needsDenseGradient(step: Int) -> Bool
}

extension TrainingHook {
    public func gradientComputed(step: Int, network: MaskedNetwork, gradient: inout Parameters) throws {}
    public func skipsOptimizerStep(step: Int) -> Bool { false }
    public func stepFinished(step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws {}
    public func epochFinished(_ metrics: EpochMetrics, network: MaskedNetwork) throws {}
    /// Conservative: a hook that does not say otherwise sees the full dense gradient.
    public func needsDenseGradient(step: Int) -> Bool { true }
}

/// A data set laid out for training: features × samples (one contiguous column per sample) and labels.
public struct TrainingData: Sendable {
    /// Features × samples.
    public let columns: Matrix
    /// One label per sample.
    public let labels: [Int]
    /// Number of classes.
    public let classCount: Int

    /// Transposes the data set's n × d features once, so minibatches are column copies.
    public init(_ dataset: LabeledDataset) {
        columns = dataset.features.transposed
        labels = dataset.labels
        classCount = dataset.classCount
    }

    /// Data already laid out as features × samples; throws when the parts do not fit.
    public init(columns: Matrix, labels: [Int], classCount: Int) throws(SparseNetsError) {
        guard columns.cols == labels.count else { throw SparseNetsError("\(columns.cols) samples but \(labels.count) labels") }
        guard labels.allSatisfy({ (0..<classCount).contains($0) }) else { throw SparseNetsError("labels must lie in 0..<\(classCount)") }
        self.init(unchecked: columns, labels: labels, classCount: classCount)
    }

    init(unchecked columns: Matrix, labels: [Int], classCount: Int) {
        self.columns = columns
        self.labels = labels
        self.classCount = classCount
    }

    /// Number of samples.
    public var count: Int { labels.count }
    /// Features per sample.
    public var dimension: Int { columns.rows }
}

/// Loss and accuracy on a data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean cross-entropy.
    public var loss: Double
    /// Fraction classified correctly.
    public var accuracy: Double
}

/// What a training run produced: per-epoch metrics and, when it blew up, where.
public struct TrainingOutcome: Sendable {
    /// Metrics of every completed epoch.
    public var history: [EpochMetrics]
    /// The first non-finite training loss or weight, if any; training stops there.
    public var divergence: Divergence?
}

/// Minibatch SGD on a masked network: seeded data order, masked gradients, masked weights kept exactly zero.
public enum Trainer {
    /// Trains `network` in place and returns per-epoch metrics; `stream` fixes the data order (the same stream gives the same order whatever the mask).
    ///
    /// A non-finite minibatch loss, or a non-finite weight or bias at the end of an epoch, stops
    /// training and is reported as a `Divergence` of `component` at that epoch, never passed off as a result.
    /// `startEpoch` > 0 resumes the recipe there (schedule and data order as in a full run, fresh momentum),
    /// as rewinding to the weights of epoch k and training the remaining epochs needs.
    /// `kernels` picks gemm or CSR for the fully connected layers; a step where a hook needs the dense gradient runs gemm.
    @discardableResult
    public static func train(_ network: inout MaskedNetwork, on data: TrainingData, recipe: TrainingRecipe, stream: RandomStream,
                             hooks: [any TrainingHook] = [], component: String = "training", startEpoch: Int = 0,
                             kernels: KernelChoice = .automatic,
                             progress: ((Int, Int) -> Void)? = nil) throws -> TrainingOutcome {
        try recipe.validate()
        guard (0...recipe.epochs).contains(startEpoch) else {
            throw SparseNetsError("start epoch \(startEpoch) is outside 0...\(recipe.epochs)")
        }
        guard data.dimension == network.inputSize else {
            throw SparseNetsError("the data have \(data.dimension) features but the network expects \(network.inputSize)")
        }
        guard data.classCount <= network.classCount, data.count >= 1 else {
            throw SparseNetsError("the data have \(data.classCount) classes but the network has \(network.classCount) outputs")
        }
        let n = data.count, bs = min(recipe.batchSize, n)
        let stepsPerEpoch = (n + bs - 1) / bs
        let total = stepsPerEpoch * recipe.epochs
        let opt = recipe.optimizer
        let propagator = Propagator()
        var gradient = Parameters(zerosLike: network.parameters)
        var state = OptimizerState(momentum: Parameters(zerosLike: network.parameters), step: startEpoch * stepsPerEpoch)
        if recipe.kind != .sgd {
            state.adam = network.parameters.weights.indices.flatMap { l in
                [AdamState(count: network.parameters.weights[l].storage.count), AdamState(count: network.parameters.biases[l].count)]
            }
        }
        var history = [EpochMetrics]()
        let order = stream.split("data-order")
        for epoch in startEpoch..<recipe.epochs {
            let perm = recipe.dataOrder == .sequential ? Array(0..<n) : order.split(epoch).permutation(n)
            var lossSum = 0.0, correct = 0
            for s in 0..<stepsPerEpoch {
                let cols = perm[(s * bs)..<min((s + 1) * bs, n)]
                let step = state.step
                propagator.kernels = hooks.contains(where: { $0.needsDenseGradient(step: step) }) ? .dense : kernels
                let (loss, c) = try propagator.lossAndGradient(network, data: data.columns, labels: data.labels, columns: cols, into: &gradient)
                guard loss.isFinite else {
                    return TrainingOutcome(history: history, divergence: Divergence(component: component, step: epoch + 1, unit: "epoch",
                                                                                    quantity: "training loss", value: loss))
                }
                lossSum += loss * Double(cols.count)
                correct += c
                for hook in hooks { try hook.gradientComputed(step: state.step, network: network, gradient: &gradient) }
                let lr = opt.schedule.rate(base: opt.learningRate, step: state.step, total: total, stepsPerEpoch: stepsPerEpoch)
                if !hooks.contains(where: { $0.skipsOptimizerStep(step: state.step) }) {
                    if recipe.kind == .sgd {
                        sgdStep(&network, gradient: gradient, state: &state, lr: lr, opt: opt)
                    } else {
                        adamStep(&network, gradient: gradient, state: &state, lr: lr,
                                 adam: AdamOptimizer(learningRate: lr, weightDecay: opt.weightDecay, decoupled: recipe.kind == .adamw))
                    }
                }
                state.step += 1
                for hook in hooks { try hook.stepFinished(step: state.step - 1, network: &network, state: &state) }
            }
            let m = EpochMetrics(epoch: epoch + 1, trainLoss: lossSum / Double(n), trainAccuracy: Double(correct) / Double(n))
            history.append(m)
            if let bad = network.parameters.firstNonFinite {
                return TrainingOutcome(history: history, divergence: Divergence(component: component, step: epoch + 1, unit: "epoch",
                                                                                quantity: "weights", value: bad))
            }
            for hook in hooks { try hook.epochFinished(m, network: network) }
            progress?(epoch + 1, recipe.epochs)
        }
        return TrainingOutcome(history: history, divergence: nil)
    }

    /// One SGD step; weight gradients (with decay) are masked, so masked weights and their momentum stay exactly zero.
    static func sgdStep(_ net: inout MaskedNetwork, gradient: Parameters, state: inout OptimizerState, lr: Double, opt: SGDConfiguration) {
        let mu = opt.momentum, wd = opt.weightDecay, nesterov = opt.nesterov
        // One loop per case, with no branch inside: the loops vectorise (a branch per element kept this scalar and
        // it was the largest cost beside gemm at batch 64). Each element takes the same operations in the same order.
        func update(_ w: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>, _ buf: UnsafeMutableBufferPointer<Double>, _ mask: UnsafeBufferPointer<Double>?) {
            guard let w = w.baseAddress, let g = g.baseAddress, let b = buf.baseAddress else { return }
            let n = buf.count
            if let m = mask?.baseAddress {
                if mu == 0 {
                    for i in 0..<n { w[i] -= lr * ((g[i] + wd * w[i]) * m[i]) }
                } else if nesterov {
                    for i in 0..<n { let d = (g[i] + wd * w[i]) * m[i]; b[i] = mu * b[i] + d; w[i] -= lr * (d + mu * b[i]) }
                } else {
                    for i in 0..<n { b[i] = mu * b[i] + (g[i] + wd * w[i]) * m[i]; w[i] -= lr * b[i] }
                }
            } else {
                if mu == 0 {
                    for i in 0..<n { w[i] -= lr * (g[i] + wd * w[i]) }
                } else if nesterov {
                    for i in 0..<n { let d = g[i] + wd * w[i]; b[i] = mu * b[i] + d; w[i] -= lr * (d + mu * b[i]) }
                } else {
                    for i in 0..<n { b[i] = mu * b[i] + (g[i] + wd * w[i]); w[i] -= lr * b[i] }
                }
            }
        }
        let masks = net.masks
        for l in net.parameters.weights.indices {
            net.parameters.weights[l].storage.withUnsafeMutableBufferPointer { w in
                gradient.weights[l].storage.withUnsafeBufferPointer { g in
                    state.momentum.weights[l].storage.withUnsafeMutableBufferPointer { b in
                        masks[l].storage.withUnsafeBufferPointer { m in update(w, g, b, m) }
                    }
                }
            }
            net.parameters.biases[l].withUnsafeMutableBufferPointer { w in
                gradient.biases[l].withUnsafeBufferPointer { g in
                    state.momentum.biases[l].withUnsafeMutableBufferPointer { b in update(w, g, b, nil) }
                }
            }
        }
    }

    /// One Adam/AdamW step per weight matrix (masked) and bias vector; masked weights stay exactly zero.
    static func adamStep(_ net: inout MaskedNetwork, gradient: Parameters, state: inout OptimizerState, lr: Double, adam: AdamOptimizer) {
        let masks = net.masks
        for l in net.parameters.weights.indices {
            net.parameters.weights[l].storage.withUnsafeMutableBufferPointer { w in
                gradient.weights[l].storage.withUnsafeBufferPointer { g in
                    masks[l].storage.withUnsafeBufferPointer { m in adam.step(w, gradient: g, mask: m, state: &state.adam[2 * l], learningRate: lr) }
                }
            }
            net.parameters.biases[l].withUnsafeMutableBufferPointer { w in
                gradient.biases[l].withUnsafeBufferPointer { g in adam.step(w, gradient: g, mask: nil, state: &state.adam[2 * l + 1], learningRate: lr) }
            }
        }
    }

    /// Mean loss and accuracy of `network` on `data`, in batches of 512.
    public static func evaluate(_ network: MaskedNetwork, on data: TrainingData) throws -> Evaluation {
        guard data.dimension == network.inputSize else {
            throw SparseNetsError("the data have \(data.dimension) features but the network expects \(network.inputSize)")
        }
        let propagator = Propagator()
        let idx = Array(0..<data.count)
        var loss = 0.0, correct = 0
        var start = 0
        while start < data.count {
            let end = min(start + 512, data.count)
            let (l, c) = try propagator.evaluate(network, data: data.columns, labels: data.labels, columns: idx[start..<end])
            loss += l * Double(end - start)
            correct += c
            start = end
        }
        return Evaluation(loss: loss / Double(max(data.count, 1)), accuracy: Double(correct) / Double(max(data.count, 1)))
    }
}
