import Components
import Foundation

/// A sweep of lottery experiments over networks, learning rates and epochs (Ma et al.'s three deciding factors), on one set of paired seeds.
public enum LotteryStudy {
    /// One point of the sweep.
    public struct Configuration: Sendable {
        /// The network.
        public var architecture: Architecture
        /// The recipe (with this point's learning rate and epochs).
        public var recipe: TrainingRecipe

        /// A configuration.
        public init(architecture: Architecture, recipe: TrainingRecipe) {
            self.architecture = architecture
            self.recipe = recipe
        }
    }

    /// Every combination, networks outermost, then epochs, then learning rates.
    public static func grid(nets: [Architecture], learningRates: [Double], epochs: [Int], recipe: TrainingRecipe) -> [Configuration] {
        var out = [Configuration]()
        for a in nets {
            for e in epochs {
                for lr in learningRates {
                    var r = recipe
                    r.epochs = e
                    r.optimizer.learningRate = lr
                    out.append(Configuration(architecture: a, recipe: r))
                }
            }
        }
        return out
    }

    /// Runs every configuration on the same paired seeds; one panel per configuration, in order.
    ///
    /// Throws `InputError` before any training when a rewind epoch lies beyond some configuration's run.
    /// A `model` is θ₀ of every seed (its architecture must be each configuration's); `observe` sees every training as it ends.
    public static func run(_ configurations: [Configuration], data: PreparedData, pruningPerClass: Int, procedure: IMPProcedure,
                           arms: [any LotteryArm], armsFromRound: Int = 1, seeds: [UInt64], model: MaskedNetwork? = nil, workers: Int = 1,
                           progress: ((String) -> Void)? = nil, observe: ((ArmObservation) -> Void)? = nil) throws -> [LotteryPanel] {
        let experiments = try configurations.map { c throws(InputError) in
            try LotteryExperiment(base: PairedPruningExperiment(architecture: c.architecture, data: data, recipe: c.recipe, pruningPerClass: pruningPerClass,
                                                                model: model),
                                  procedure: procedure, arms: arms, armsFromRound: armsFromRound)
        }
        // Every (configuration, seed) is an independent job drawing only from its seed's streams, so results do not depend
        // on `workers`. Observers see the runs in order, so with one the runs stay serial.
        let jobs = configurations.indices.flatMap { i in seeds.indices.map { (i, $0) } }
        let callbacks = Callbacks(progress: progress, observe: observe)
        let outcomes = try ParallelRuns.map(jobs.count, workers: observe == nil ? workers : 1) { j -> LotterySeedOutcome in
            let (i, k) = jobs[j]
            let c = configurations[i]
            let name = "\(c.architecture) lr \(c.recipe.optimizer.learningRate) \(c.recipe.epochs) epochs"
            let label = "seed \(k + 1)"
            return try experiments[i].run(seed: seeds[k], label: label, progress: { step in
                callbacks.report("lottery: \(name) (\(i + 1)/\(configurations.count)), \(label)/\(seeds.count) \(step.dropFirst(label.count + 2))")
            }, observe: callbacks.observe)
        }
        var panels = [LotteryPanel]()
        for (i, (c, e)) in zip(configurations, experiments).enumerated() {
            let mine = outcomes[(i * seeds.count)..<((i + 1) * seeds.count)]
            panels.append(LotteryPanel(architecture: c.architecture, recipe: c.recipe, seeds: Array(mine), arms: e.arms.map(\.name)))
        }
        return panels
    }
}

/// The caller's callbacks, shared by the parallel runs: progress lines are serialised by a lock, and `observe` is only
/// given when the runs are serial.
private final class Callbacks: @unchecked Sendable {
    let lock = NSLock()
    let progress: ((String) -> Void)?
    let observe: ((ArmObservation) -> Void)?
    init(progress: ((String) -> Void)?, observe: ((ArmObservation) -> Void)?) {
        self.progress = progress
        self.observe = observe
    }
    func report(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        progress?(line)
    }
}
