import Components
import LinearAlgebra
import Randomness

/// One mask update as it happened, summed over its layers per layer.
public struct MaskUpdateRecord: Sendable, Codable, Equatable {
    /// The step (1-based count of minibatches) the update came after.
    public var step: Int
    /// The drop fraction f(t) of a swap, or the pruning progress of gradual pruning.
    public var amount: Double
    /// Weights removed per layer: floor(f(t)·n_active) for a swap.
    public var dropped: [Int]
    /// Positions revived per layer that were inactive before the update (they start at exactly 0, with zero momentum).
    public var grown: [Int]
    /// Positions dropped and grown back in the same update, per layer; they keep their weight (rigl's convention).
    public var regrown: [Int]

    /// Mask bits that flipped: dropped − regrown + grown, over all layers.
    public var maskChanges: Int { zip(zip(dropped, regrown), grown).reduce(0) { $0 + $1.0.0 - $1.0.1 + $1.1 } }
}

/// The positions one layer's update touched (what the invariant tests inspect).
public struct LayerChange: Sendable, Equatable {
    /// Active positions before the update (column-major indices into the weight matrix).
    public var activeBefore: [Int]
    /// Dropped positions, ascending.
    public var dropped: [Int]
    /// Grown positions (regrown ones included), ascending.
    public var grown: [Int]
}

/// Dynamic sparse training as a training hook: applies a method's mask updates on its plan and books FLOPs on the actual masks.
///
/// On an update step, each layer drops the smallest keep-scores among its active weights and
/// grows the largest grow-scores among the positions not kept (those just dropped included: a
/// weight dropped and grown back keeps its value, as in rigl). Newly grown weights start at
/// exactly 0 with zero momentum. When the grow criterion reads the update step's own gradient
/// (RigL), that step changes only the mask: the optimiser update is skipped.
public final class DynamicSparsity: TrainingHook {
    /// The method, with the grow criterion's running state.
    public private(set) var method: SparseMethod
    /// The update steps, fixed before training.
    public let plan: UpdatePlan
    /// The FLOPs spent, step by step.
    public private(set) var ledger: FLOPLedger
    /// Every update, in order.
    public private(set) var updates: [MaskUpdateRecord] = []
    /// The positions touched by the last update, per layer.
    public private(set) var lastChanges: [LayerChange] = []

    let layers: [LayerShape]
    let finalCounts: [Int]
    let sampleCount: Int
    let batchSize: Int
    let stepsPerEpoch: Int
    let dropStream: RandomStream
    let growStream: RandomStream
    var counts: [Int]?
    var next = 0
    var updating = false

    /// A hook applying `method` toward the per-layer counts `targets` over a run of `totalSteps` minibatches of `batchSize` from `samples` samples.
    public init(method: SparseMethod, targets: [Int], layers: [LayerShape], totalSteps: Int, samples: Int, batchSize: Int, stream: RandomStream) {
        self.method = method
        self.layers = layers
        finalCounts = targets
        plan = UpdatePlan(method.schedule, totalSteps: method.drop == nil ? 0 : totalSteps, maskOnly: method.maskOnlyUpdates)
        ledger = FLOPLedger(dense: FLOPCount.forward(nonZeros: layers.map(\.weights), layers: layers))
        sampleCount = samples
        self.batchSize = max(1, min(batchSize, samples))
        stepsPerEpoch = max(1, (samples + self.batchSize - 1) / self.batchSize)
        dropStream = stream.split("drop")
        growStream = stream.split("grow")
    }

    /// Samples in the minibatch of step `i` (0-based): the last batch of an epoch may be smaller.
    func samples(ofStep i: Int) -> Int {
        i % stepsPerEpoch == stepsPerEpoch - 1 ? sampleCount - (stepsPerEpoch - 1) * batchSize : batchSize
    }

    public func gradientComputed(step: Int, network: MaskedNetwork, gradient: inout Parameters) throws {
        updating = next < plan.steps.count && plan.steps[next] == step + 1
        switch method.gradientUse {
        case .everyStep: method.grow?.observe(gradient)
        case .updateStep: if updating { method.grow?.observe(gradient) }
        case .none: break
        }
    }

    public func skipsOptimizerStep(step: Int) -> Bool { updating && plan.maskOnly }

    public func stepFinished(step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws {
        if counts == nil { counts = network.layerNonZeros }
        let fS = FLOPCount.forward(nonZeros: counts ?? [], layers: layers)
        let denseGradient = method.gradientUse == .everyStep || (updating && plan.maskOnly)
        ledger.book(perSample: FLOPCount.trainingStep(sparse: fS, dense: ledger.dense, denseGradient: denseGradient), samples: samples(ofStep: step))
        guard updating else { return }
        updating = false
        let amount = method.schedule.amount(step: step + 1, end: plan.end, update: next, of: plan.steps.count)
        next += 1
        try apply(amount, step: step + 1, network: &network, state: &state)
    }

    /// Drops and grows every layer by `amount` and records what changed.
    func apply(_ amount: UpdateAmount, step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws {
        guard let drop = method.drop else { return }
        var masks = network.masks
        var record = MaskUpdateRecord(step: step, amount: amount.value, dropped: [], grown: [], regrown: [])
        var changes = [LayerChange]()
        var newlyGrown = [[Int]]()
        for l in masks.indices {
            let n = masks[l].storage.count
            var active = [Int]()
            active.reserveCapacity(counts?[l] ?? 0)
            masks[l].storage.withUnsafeBufferPointer { m in for i in 0..<n where m[i] != 0 { active.append(i) } }
            let nDrop: Int, nGrow: Int
            switch amount {
            case .swap(let f):
                nDrop = Int((f * Double(active.count)).rounded(.down))
                nGrow = method.grow == nil ? 0 : nDrop
            case .prune(let p):
                let keep = Int((Double(n) - Double(n - finalCounts[l]) * p).rounded())
                nDrop = max(0, active.count - keep)
                nGrow = 0
            }
            var dropped = [Int](), grown = [Int](), regrown = 0, fresh = [Int]()
            if nDrop > 0 {
                let scores = drop.keepScores(weights: network.parameters.weights[l], active: active, stream: dropStream)
                dropped = TopK.smallest(scores, nDrop).map { active[$0] }
                for i in dropped { masks[l].storage[i] = 0 }
            }
            if nGrow > 0, let grow = method.grow {
                var candidates = [Int]()
                candidates.reserveCapacity(n - active.count + nDrop)
                masks[l].storage.withUnsafeBufferPointer { m in for i in 0..<n where m[i] == 0 { candidates.append(i) } }
                let scores = grow.growScores(layer: l, candidates: candidates, stream: growStream)
                grown = TopK.largest(scores, nGrow).map { candidates[$0] }
                let wasDropped = Set(dropped)
                for i in grown {
                    masks[l].storage[i] = 1
                    if wasDropped.contains(i) { regrown += 1 } else { fresh.append(i) }
                }
            }
            record.dropped.append(dropped.count)
            record.grown.append(fresh.count)
            record.regrown.append(regrown)
            changes.append(LayerChange(activeBefore: active, dropped: dropped.sorted(), grown: grown.sorted()))
            newlyGrown.append(fresh)
        }
        // setMasks zeroes the dropped weights; a regrown weight is in the new mask and keeps its value.
        try network.setMasks(masks)
        state.applyMask(masks)
        for (l, fresh) in newlyGrown.enumerated() {
            for i in fresh {
                network.parameters.weights[l].storage[i] = 0
                state.momentum.weights[l].storage[i] = 0
            }
        }
        counts = network.layerNonZeros
        updates.append(record)
        lastChanges = changes
    }
}
