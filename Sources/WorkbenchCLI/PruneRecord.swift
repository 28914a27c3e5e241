import Components
import Datasets
import SparseNets
import Statistics

/// One prune-then-train run in the `workbench prune` record.
struct PruneRunRecord: Codable {
    var method: String
    var sparsity: Double
    var seed: UInt64
    var density: Double
    var keptWeights: Int
    var prunableWeights: Int
    var layerDensities: [Double]
    /// Forward FLOPs per sample on the final masks over the dense network's (training after pruning is static
    /// sparse, so its FLOPs per step are the same fraction of dense training).
    var inferenceFLOPsFraction: Double
    /// On the part the record's `evaluatedOn` names (the validation file when no test file was given).
    var testAccuracy: Double
    var validationAccuracy: Double
    var testLoss: Double
    var gradNormBefore: Double
    var gradNormAfter: Double
    var gradNormAfterKept: Double
    /// 0-based layer indices with an all-zero mask.
    var collapsedLayers: [Int]
    var disconnectedClasses: [Int]
    var trainLossPerEpoch: [Double]
    /// Where training blew up; absent for a run that did not.
    var divergence: Divergence?

    init(_ r: PrunedRunResult, sparsity: Double, seed: UInt64) {
        method = r.method
        self.sparsity = sparsity
        self.seed = seed
        density = r.network.density
        keptWeights = r.network.layerNonZeros.reduce(0, +)
        prunableWeights = r.network.prunableCount
        layerDensities = r.layerDensities
        let shapes = r.network.layerShapes
        inferenceFLOPsFraction = FLOPCount.forward(nonZeros: r.network.layerNonZeros, layers: shapes)
            / FLOPCount.forward(nonZeros: r.network.layerSizes, layers: shapes)
        testAccuracy = r.test.accuracy
        validationAccuracy = r.validation.accuracy
        testLoss = r.test.loss
        gradNormBefore = r.gradientNormBefore
        gradNormAfter = r.gradientNormAfter
        gradNormAfterKept = r.gradientNormAfterKept
        collapsedLayers = r.connectivity.collapsedLayers
        disconnectedClasses = r.connectivity.disconnectedClasses
        trainLossPerEpoch = r.history.map(\.trainLoss)
        divergence = r.divergence
    }
}

/// Mean figures per (method, sparsity).
struct PruneSummary: Codable {
    var method: String
    var sparsity: Double
    var meanTestAccuracy: Double
    var sdTestAccuracy: Double
    var minTestAccuracy: Double
    var runsWithCollapse: Int
    var runsWithDisconnectedClass: Int
    /// Dense − this arm's test accuracy, paired by seed, with its 95% t-interval; absent without a dense arm (and for it).
    var dropFromDense: DropFromDense?
}

/// The record of one `workbench prune` run (schema "workbench.prune/2", documented in the README).
struct PruneRecord: CommandRecord {
    /// The `--method` name of the unpruned arm.
    static let denseName = "dense"

    var schema = "workbench.prune/2"
    /// Every setting in force: method, sparsity, net, seeds (count), the training recipe and the selected scores' parameters.
    var parameters: ParameterValues
    var methods: [String]
    var sparsities: [Double]
    var net: String
    var layers: [String]
    /// The per-run seeds derived from the master seed.
    var seeds: [UInt64]
    /// The shipped set or the files behind the data, with their sha256.
    var data: [DataProvenance]
    /// The split-and-standardise policy applied.
    var dataPolicy: String
    /// Train / validation / test sizes (the test size is the validation size when `evaluatedOn` is "validation").
    var samples: [Int]
    /// "test", or "validation" when no test file was given and the test figures are validation figures.
    var evaluatedOn: String
    var runs: [PruneRunRecord]
    var summary: [PruneSummary]
    /// Runs whose training blew up (the command then exits 1).
    var divergences: [Divergence]
    /// The --model file θ₀ was read from; absent for a random initialisation.
    var model: ModelProvenance?
    var versions: [String: String]

    /// Mean, sd and minimum test accuracy and connectivity counts per (method, sparsity), in the order given; the dense
    /// arm first (once, at sparsity 0), and every other row's drop from it paired by seed.
    static func summarise(_ runs: [PruneRunRecord], methods: [String], sparsities: [Double]) -> [PruneSummary] {
        let denseRuns = runs.filter { $0.method == denseName }
        let dense = Dictionary(denseRuns.map { ($0.seed, $0.testAccuracy) }, uniquingKeysWith: { a, _ in a })
        func summary(_ m: String, _ s: Double, _ rs: [PruneRunRecord]) -> PruneSummary {
            let acc = rs.map(\.testAccuracy)
            let drop = m == denseName || dense.isEmpty ? nil
                : DropFromDense(dense: dense, pruned: Dictionary(rs.map { ($0.seed, $0.testAccuracy) }, uniquingKeysWith: { a, _ in a }))
            return PruneSummary(method: m, sparsity: s, meanTestAccuracy: Descriptive.mean(acc),
                                sdTestAccuracy: acc.count > 1 ? Descriptive.standardDeviation(acc) : 0,
                                minTestAccuracy: acc.min() ?? .nan,
                                runsWithCollapse: rs.filter { !$0.collapsedLayers.isEmpty }.count,
                                runsWithDisconnectedClass: rs.filter { !$0.disconnectedClasses.isEmpty }.count, dropFromDense: drop)
        }
        var out = [PruneSummary]()
        if methods.contains(denseName) { out.append(summary(denseName, 0, denseRuns)) }
        for s in sparsities {
            for m in methods where m != denseName {
                out.append(summary(m, s, runs.filter { $0.method == m && $0.sparsity == s }))
            }
        }
        return out
    }

    /// One row per run: the figures of the plots and tables.
    var csv: String {
        var out = "method,sparsity,seed,density,test_accuracy,validation_accuracy,test_loss,grad_norm_before,grad_norm_after,grad_norm_after_kept,collapsed_layers,disconnected_classes\n"
        for r in runs {
            out += "\(r.method),\(r.sparsity),\(r.seed),\(r.density),\(r.testAccuracy),\(r.validationAccuracy),\(r.testLoss),\(r.gradNormBefore),\(r.gradNormAfter),\(r.gradNormAfterKept),"
            out += "\(r.collapsedLayers.map { String($0 + 1) }.joined(separator: ";")),\(r.disconnectedClasses.map(String.init).joined(separator: ";"))\n"
        }
        return out
    }
}
