import Components
import Foundation
import LinearAlgebra
import Randomness

/// One arm's trained outcome at one round of one seed.
public struct ArmOutcome: Sendable {
    /// Accuracy on the held-out part (validation + test).
    public var accuracy: Double
    /// Where training blew up, if it did (the accuracy is then not a result).
    public var divergence: Divergence?
}

/// The dense reference of one seed (round 0 of IMP).
public struct DenseOutcome: Sendable {
    /// Accuracy on the held-out part.
    public var accuracy: Double
    /// Validation accuracy after every epoch, for the plateau check.
    public var validationCurve: [Double]
    /// Where training blew up, if it did.
    public var divergence: Divergence?

    /// max − min of the validation accuracy over the last quarter of the epochs (at least two epochs when there are two), in points.
    public var plateauSpread: Double {
        let n = validationCurve.count
        guard n > 0 else { return .nan }
        let window = min(n, max(n >= 2 ? 2 : 1, Int((Double(n) / 4).rounded(.up))))
        let tail = validationCurve.suffix(window)
        return 100 * ((tail.max() ?? .nan) - (tail.min() ?? .nan))
    }
}

/// One pruning round of one seed: the mask's per-layer counts and every arm's outcome.
public struct LotteryRoundOutcome: Sendable {
    /// 1-based round.
    public var round: Int
    /// Kept weights per layer of the round's IMP mask.
    public var kept: [Int]
    /// Prunable weights per layer.
    public var sizes: [Int]
    /// Outcome per arm name.
    public var arms: [String: ArmOutcome]

    /// Kept fraction over all prunable weights.
    public var density: Double { Double(kept.reduce(0, +)) / Double(max(sizes.reduce(0, +), 1)) }
}

/// Everything one seed produced: the dense reference and the rounds that ran (fewer than asked when the mask chain blew up).
public struct LotterySeedOutcome: Sendable {
    /// The per-run seed.
    public var seed: UInt64
    /// The dense reference.
    public var dense: DenseOutcome
    /// Rounds 1, 2, … in order.
    public var rounds: [LotteryRoundOutcome]

    /// Every divergence of the seed, dense first.
    public var divergences: [Divergence] {
        [dense.divergence].compactMap { $0 } + rounds.flatMap { r in r.arms.keys.sorted().compactMap { r.arms[$0]?.divergence } }
    }
}

/// One arm's training as it happened, for tests that check the starting point and the masks.
public struct ArmObservation: Sendable {
    /// 0 for the dense run, else the pruning round.
    public var round: Int
    /// "dense" or the arm's name.
    public var arm: String
    /// The network training started from.
    public var start: ArmStart
    /// The network training ended with.
    public var trained: MaskedNetwork
}

/// Lottery tickets on paired seeds: per seed, one dense run, then IMP rounds whose mask every arm trains from its own start.
///
/// Paired: within a seed, every arm and the dense run share θ₀, the data order (one training
/// stream, so epoch e sees the same permutation in every arm) and the pruning batch.
public struct LotteryExperiment: Sendable {
    /// Network, data, training recipe and pruning batch size.
    public var base: PairedPruningExperiment
    /// The IMP procedure.
    public var procedure: IMPProcedure
    /// The arms trained at every round, in catalogue order; the procedure's chain arm is always among them.
    public var arms: [any LotteryArm]
    /// Arms other than the chain's are trained from this round on (1 = every round); a quick run skips the early rounds.
    public var armsFromRound: Int

    /// An experiment; adds the chain's arm when `arms` lacks it, and throws when the rewind epoch lies beyond the run.
    public init(base: PairedPruningExperiment, procedure: IMPProcedure, arms: [any LotteryArm], armsFromRound: Int = 1) throws(InputError) {
        if procedure.mode == .rewind || arms.contains(where: { $0.name == RewindArm.name }) { try procedure.validate(epochs: base.recipe.epochs) }
        self.armsFromRound = armsFromRound
        var names = Set(arms.map(\.name))
        if let chain = procedure.mode.chainArm { names.insert(chain) }
        self.base = base
        self.procedure = procedure
        self.arms = LotteryArmCatalog.all.entries.filter { names.contains($0.name) }.map { $0.init() }
    }

    /// The held-out part accuracies are measured on: validation and test together (validation alone when the data have no test part).
    public var heldOut: TrainingData {
        let d = base.data
        guard !d.testIsValidation else { return d.validation }
        var columns = Matrix(rows: d.validation.dimension, cols: d.validation.count + d.test.count)
        columns.storage = d.validation.columns.storage + d.test.columns.storage
        return TrainingData(unchecked: columns, labels: d.validation.labels + d.test.labels, classCount: d.validation.classCount)
    }

    /// Records validation accuracy after every epoch and keeps the weights of epoch k.
    final class DenseWatcher: TrainingHook {
        let validation: TrainingData
        let snapshotEpoch: Int
        var curve = [Double]()
        var snapshot: Parameters?

        init(validation: TrainingData, snapshotEpoch: Int) {
            self.validation = validation
            self.snapshotEpoch = snapshotEpoch
        }

        func epochFinished(_ metrics: EpochMetrics, network: MaskedNetwork) throws {
            curve.append(try Trainer.evaluate(network, on: validation).accuracy)
            if metrics.epoch == snapshotEpoch { snapshot = network.parameters }
        }
    }

    /// Runs the dense reference and every round for one seed.
    /// - Parameters:
    ///   - label: how divergences and progress name the seed ("seed 3").
    ///   - progress: called before each training with a short description.
    ///   - observe: called after each training with its start and end (tests use it; nil in runs).
    public func run(seed: UInt64, label: String, progress: ((String) -> Void)? = nil,
                    observe: ((ArmObservation) -> Void)? = nil) throws -> LotterySeedOutcome {
        let data = base.data, recipe = base.recipe, eval = heldOut
        let initial = try base.initialNetwork(seed: seed)
        let batch = try base.pruningBatch(seed: seed)
        let root = RandomStream(seed: seed)
        let train = root.split("train")
        let magnitude = try PruningCatalog.score(named: MagnitudeScore.name)

        progress?("\(label): dense")
        let watcher = DenseWatcher(validation: data.validation, snapshotEpoch: procedure.rewindEpoch)
        var dense = initial
        let denseRun = try Trainer.train(&dense, on: data.train, recipe: recipe, stream: train, hooks: [watcher], component: "dense \(label)")
        observe?(ArmObservation(round: 0, arm: "dense", start: ArmStart(network: initial), trained: dense))
        let denseOutcome = DenseOutcome(accuracy: try Trainer.evaluate(dense, on: eval).accuracy, validationCurve: watcher.curve,
                                        divergence: denseRun.divergence)
        guard denseRun.divergence == nil else { return LotterySeedOutcome(seed: seed, dense: denseOutcome, rounds: []) }
        let rewound = procedure.rewindEpoch == 0 ? initial.parameters : (watcher.snapshot ?? initial.parameters)
        let reinitialised = try MaskedNetwork(base.architecture, inputSize: data.train.dimension, classCount: data.train.classCount,
                                              stream: root.split("reinit"))
        let chain = procedure.mode.chainArm
        // The chain's arm trains first: its weights give the next round's scores.
        let order = arms.filter { $0.name == chain } + arms.filter { $0.name != chain }

        var masks = initial.masks
        var scored = dense
        var rounds = [LotteryRoundOutcome]()
        for r in 1...max(procedure.rounds, 1) {
            let scores = try magnitude.scores(PruningContext(network: scored, batch: batch, stream: root.split("scores").split(r)))
            masks = try procedure.rule.next(scores: scores, masks: masks, fraction: procedure.fraction, outputFraction: procedure.outputFraction)
            var outcomes = [String: ArmOutcome]()
            var chainTrained: MaskedNetwork?
            for arm in order where arm.name == chain || r >= armsFromRound {
                progress?("\(label): round \(r)/\(procedure.rounds), \(arm.name)")
                let context = ArmContext(initial: initial, rewound: rewound, rewindEpoch: procedure.rewindEpoch, reinitialised: reinitialised,
                                         mask: masks, round: r, stream: root.split("arm-\(arm.name)").split(r))
                let start = try arm.start(context)
                var net = start.network
                let outcome = try Trainer.train(&net, on: data.train, recipe: recipe, stream: train, component: "\(arm.name) round \(r) \(label)",
                                                startEpoch: start.startEpoch)
                // A blown-up run may carry NaN into masked weights (NaN · 0); it is reported as diverged instead.
                guard outcome.divergence != nil || net.maskedWeightsAreZero else {
                    throw SparseNetsError("internal: a masked weight of the \(arm.name) arm became non-zero during training")
                }
                observe?(ArmObservation(round: r, arm: arm.name, start: start, trained: net))
                outcomes[arm.name] = ArmOutcome(accuracy: try Trainer.evaluate(net, on: eval).accuracy, divergence: outcome.divergence)
                if arm.name == chain { chainTrained = net }
            }
            rounds.append(LotteryRoundOutcome(round: r, kept: masks.map(IMPCount.kept), sizes: masks.map { $0.storage.count }, arms: outcomes))
            if let c = chain {
                // A blown-up chain has no magnitudes to prune by: the later rounds are not run.
                guard let trained = chainTrained, outcomes[c]?.divergence == nil else { break }
                scored = trained
            }
        }
        return LotterySeedOutcome(seed: seed, dense: denseOutcome, rounds: rounds)
    }
}
