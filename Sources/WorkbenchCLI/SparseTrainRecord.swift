import ArgumentParser
import Components
import Datasets
import SparseNets
import Statistics

extension SparsityBudget: ExpressibleByArgument {}

/// A method as the record describes it: its axes, and which gradient it reads.
struct SparseMethodRecord: Codable {
    var name: String
    /// "magnitude drop + gradient grow + cosine schedule".
    var composition: String
    /// "none", "update-step" or "every-step".
    var gradientUse: String
    /// Whether update steps change only the mask (no optimiser update).
    var maskOnlyUpdates: Bool
    /// Whether the method starts dense (gradual pruning).
    var startsDense: Bool

    init(_ m: SparseMethod) {
        name = m.name
        composition = m.composition
        gradientUse = m.gradientUse.rawValue
        maskOnlyUpdates = m.maskOnlyUpdates
        startsDense = m.startsDense
    }
}

/// The per-layer counts behind one sparsity, with how the budget was met.
struct AllocationRecord: Codable {
    /// The sparsity asked for.
    var sparsity: Double
    /// The distribution's own sparsity: equal to `sparsity` under a params budget, solved under a FLOP budget.
    var solvedSparsity: Double
    var distribution: String
    var nonZeros: [Int]
    var densities: [Double]
    var totalNonZeros: Int
    var totalWeights: Int
    /// (1 − solvedSparsity)·N before rounding.
    var target: Double
    var epsilon: Double
    /// 0-based layers dense by the distribution's choice.
    var denseByChoice: [Int]
    /// 0-based layers that would have exceeded density 1 and were made dense.
    var capped: [Int]
    /// Inference FLOPs per sample, and as a fraction of dense.
    var inferenceFLOPs: Double
    var inferenceFLOPsFraction: Double
    /// Under a FLOP budget: the reference distribution, its FLOPs at `sparsity`, and the relative miss.
    var flopsReference: String?
    var flopsTarget: Double?
    var flopsRelativeError: Double?

    init(_ a: LayerAllocation, requested: Double, match: FLOPMatch.Result?) {
        sparsity = requested
        solvedSparsity = a.sparsity
        distribution = a.distribution
        nonZeros = a.nonZeros
        densities = a.densities
        totalNonZeros = a.totalNonZeros
        totalWeights = a.totalWeights
        target = a.target
        epsilon = a.epsilon
        denseByChoice = a.denseByChoice
        capped = a.capped
        inferenceFLOPs = a.inferenceFLOPs
        inferenceFLOPsFraction = a.inferenceFLOPs / a.denseFLOPs
        flopsReference = match?.reference.distribution
        flopsTarget = match?.target
        flopsRelativeError = match?.relativeError
    }
}

/// One run in the `sparse-train` record.
struct SparseRunRecord: Codable {
    var method: String
    var sparsity: Double
    var seed: UInt64
    /// On the part the record's `evaluatedOn` names.
    var testAccuracy: Double
    var validationAccuracy: Double
    var testLoss: Double
    var initialNonZeros: [Int]
    var finalNonZeros: [Int]
    var flops: FLOPSummary
    /// Steps (1-based minibatch counts) of the mask updates and the mask bits each flipped.
    var updateSteps: [Int]
    var maskChanges: [Int]
    /// Per update: f(t) (swap) or pruning progress (gradual pruning).
    var updateAmounts: [Double]
    /// Per update, summed over layers: weights dropped, positions newly grown, positions dropped and regrown.
    var dropped: [Int]
    var grown: [Int]
    var regrown: [Int]
    var collapsedLayers: [Int]
    var disconnectedClasses: [Int]
    var trainLossPerEpoch: [Double]
    var divergence: Divergence?

    init(_ r: SparseRunResult) {
        method = r.method
        sparsity = r.sparsity
        seed = r.seed
        testAccuracy = r.test.accuracy
        validationAccuracy = r.validation.accuracy
        testLoss = r.test.loss
        initialNonZeros = r.initialNonZeros
        finalNonZeros = r.finalNonZeros
        flops = r.flops
        updateSteps = r.updates.map(\.step)
        maskChanges = r.updates.map(\.maskChanges)
        updateAmounts = r.updates.map(\.amount)
        dropped = r.updates.map { $0.dropped.reduce(0, +) }
        grown = r.updates.map { $0.grown.reduce(0, +) }
        regrown = r.updates.map { $0.regrown.reduce(0, +) }
        collapsedLayers = r.connectivity.collapsedLayers
        disconnectedClasses = r.connectivity.disconnectedClasses
        trainLossPerEpoch = r.history.map(\.trainLoss)
        divergence = r.divergence
    }
}

/// The record of `workbench sparse-train` (schema "workbench.sparse-train/1", documented in the README).
struct SparseTrainRecord: CommandRecord {
    var schema = "workbench.sparse-train/1"
    /// Every setting in force: method, sparsity, dist, budget, net, seeds, the recipe, and the methods' and distribution's parameters.
    var parameters: ParameterValues
    var methods: [SparseMethodRecord]
    var sparsities: [Double]
    var budget: String
    var net: String
    var layers: [LayerShape]
    var allocations: [AllocationRecord]
    /// The per-run seeds derived from the master seed (the same θ₀, data order and initial mask for every method).
    var seeds: [UInt64]
    var data: [DataProvenance]
    var dataPolicy: String
    var samples: [Int]
    var evaluatedOn: String
    var runs: [SparseRunRecord]
    /// One row per (sparsity, method): accuracy with a 95% t-interval, the paired gap to static, FLOP fractions.
    var summary: [SparseComparison.Row]
    var divergences: [Divergence]
    /// The --model file θ₀ was read from; absent for a random initialisation.
    var model: ModelProvenance?
    var versions: [String: String]

    /// One row per run: the figures behind the table and the accuracy-against-FLOPs plot.
    var csv: String {
        var out = "method,sparsity,seed,test_accuracy,validation_accuracy,training_flops,training_flops_fraction,inference_flops_fraction,per_step_flops_in_window,mask_updates,mask_changes\n"
        for r in runs {
            out += "\(r.method),\(r.sparsity),\(r.seed),\(r.testAccuracy),\(r.validationAccuracy),\(r.flops.trainingTotal),\(r.flops.trainingFraction),"
            out += "\(r.flops.inferenceFraction),\(r.flops.perStepInWindow),\(r.updateSteps.count),\(r.maskChanges.reduce(0, +))\n"
        }
        return out
    }
}

/// The record of `sparse-train --show-distribution` (schema "workbench.sparse-distribution/1"): per-layer counts, no training.
struct SparseDistributionRecord: CommandRecord {
    var schema = "workbench.sparse-distribution/1"
    var parameters: ParameterValues
    var budget: String
    var net: String
    var layers: [LayerShape]
    var allocations: [AllocationRecord]
    var versions: [String: String]

    /// One row per (sparsity, layer).
    var csv: String {
        var out = "sparsity,solved_sparsity,layer,label,weights,non_zeros,density,dense\n"
        for a in allocations {
            for (l, shape) in layers.enumerated() {
                let dense = a.capped.contains(l) ? "capped" : (a.denseByChoice.contains(l) ? "by-choice" : "")
                out += "\(a.sparsity),\(a.solvedSparsity),\(l + 1),\(shape.label),\(shape.weights),\(a.nonZeros[l]),\(a.densities[l]),\(dense)\n"
            }
        }
        return out
    }
}
