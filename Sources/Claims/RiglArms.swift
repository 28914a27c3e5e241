import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics

/// What the RigL comparison claims (rigl-vs-gmp, rigl-vs-dst, rigl-longer) share: the digits
/// experiment, the paired seeds, the layer allocations and the methods configured from the
/// claim's schedule parameters. Each claim declares its parameters; this reads them.
enum RiglArms {
    /// The schedule and network parameters the three claims declare alike (RigL's reference α = 0.3, ΔT = 100, T_end = 75%).
    static let parameters: [Parameter] = [
        .text("sparsities", "0.9,0.95,0.98", "target sparsities (comma-separated, each in [0, 1))"),
        .choice("distribution", "erk", DistributionCatalog.all.names, "layer distribution"),
        .text("net", "mlp:256,256", "network (mlp:W1,W2,… or a cnn spec)"),
        ScheduleParameters.alpha,
        ScheduleParameters.deltaT,
        ScheduleParameters.tEnd,
    ]

    /// The experiment of a run: data, network, recipe, paired seeds and layer shapes.
    struct Setup {
        var experiment: SparseTrainingExperiment
        var seeds: [UInt64]
        var layers: [LayerShape]
        var distribution: any SparsityDistribution
        var samples: [Int]

        /// The distribution's allocation at `sparsity`.
        func allocation(_ sparsity: Double) throws -> LayerAllocation {
            do { return try DistributionSolver.allocate(distribution, layers: layers, sparsity: sparsity) } catch { throw InputError("\(error)") }
        }

        /// The same experiment trained `factor` times as many epochs (same θ₀, initial mask and data order per seed).
        func longer(_ factor: Int) -> SparseTrainingExperiment {
            var e = experiment
            e.recipe.epochs *= factor
            return e
        }
    }

    /// The paired digits experiment from the run's `net` and recipe parameters, and its `seeds` seeds from the master seed.
    static func experiment(_ run: ClaimRun) throws -> (experiment: SparseTrainingExperiment, seeds: [UInt64], data: PreparedData) {
        let network: NetworkSpec
        do { network = try NetworkSpec.parse(run.string("net")) } catch { throw InputError("net: \(error)") }
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters) } catch { throw InputError("\(error)") }
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<run.int("seeds")).map { master.split($0).seed }
        let data = try PreparedData.digits()
        return (SparseTrainingExperiment(network: network, data: data, recipe: recipe), seeds, data)
    }

    /// The setup from the run's `seeds`, `net`, `distribution` and recipe parameters.
    static func setup(_ run: ClaimRun) throws -> Setup {
        let (experiment, seeds, data) = try experiment(run)
        let distribution = try DistributionCatalog.distribution(named: run.string("distribution")).distribution
        return Setup(experiment: experiment, seeds: seeds, layers: try experiment.layerShapes(), distribution: distribution,
                     samples: [data.train.count, data.validation.count, data.test.count])
    }

    /// Method `name` with the run's α, ΔT and T_end wherever the method declares them (GMP's t-start stays at its default).
    static func method(_ name: String, _ run: ClaimRun) throws -> SparseMethod {
        let keys = Set(SparseMethodCatalog.parameters(of: try SparseMethodCatalog.all.named(name)).map(\.name))
        let all = ["alpha": run.string("alpha"), "delta-t": run.string("delta-t"), "t-end": run.string("t-end")]
        return try SparseMethodCatalog.method(named: name, overrides: all.filter { keys.contains($0.key) })
    }

    /// The run's `sparsities` list.
    static func sparsities(_ run: ClaimRun, _ name: String = "sparsities") throws -> [Double] {
        try RiglVsStaticClaim.parseList(run.string(name), name: name)
    }

    /// Mean training FLOPs of `method`'s runs at `sparsity` as a fraction of dense training over the same steps.
    static func trainingFraction(_ runs: [SparseRunResult], _ method: String, _ sparsity: Double) -> Double {
        Descriptive.mean(runs.filter { $0.method == method && $0.sparsity == sparsity }.map(\.flops.trainingFraction))
    }

    /// "mean [lo, hi]" of paired gaps in points at 95%.
    static func interval(_ g: [Double]) -> String {
        guard let ci = try? ConfidenceInterval(tOver: g) else { return "—" }
        return "\(GapText.pts(ci.estimate)) [\(GapText.pts(ci.lower)), \(GapText.pts(ci.upper))]"
    }

    /// A judgement's outcome as the tables print it (the boundary finding where there is one).
    static func outcome(_ j: Judgement?) -> String {
        guard let j else { return "—" }
        return j.finding?.rawValue ?? j.outcome.rawValue
    }
}
