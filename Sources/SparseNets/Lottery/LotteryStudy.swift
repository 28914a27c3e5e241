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
                           arms: [any LotteryArm], armsFromRound: Int = 1, seeds: [UInt64], model: MaskedNetwork? = nil,
                           progress: ((String) -> Void)? = nil, observe: ((ArmObservation) -> Void)? = nil) throws -> [LotteryPanel] {
        let experiments = try configurations.map { c throws(InputError) in
            try LotteryExperiment(base: PairedPruningExperiment(architecture: c.architecture, data: data, recipe: c.recipe, pruningPerClass: pruningPerClass,
                                                                model: model),
                                  procedure: procedure, arms: arms, armsFromRound: armsFromRound)
        }
        var panels = [LotteryPanel]()
        for (i, (c, e)) in zip(configurations, experiments).enumerated() {
            let name = "\(c.architecture) lr \(c.recipe.optimizer.learningRate) \(c.recipe.epochs) epochs"
            var outcomes = [LotterySeedOutcome]()
            for (k, seed) in seeds.enumerated() {
                let label = "seed \(k + 1)"
                outcomes.append(try e.run(seed: seed, label: label, progress: { step in
                    progress?("lottery: \(name) (\(i + 1)/\(configurations.count)), \(label)/\(seeds.count) \(step.dropFirst(label.count + 2))")
                }, observe: observe))
            }
            panels.append(LotteryPanel(architecture: c.architecture, recipe: c.recipe, seeds: outcomes, arms: e.arms.map(\.name)))
        }
        return panels
    }
}
