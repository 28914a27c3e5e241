import ClaimKit
import Components
import Datasets
import Foundation
import LinearAlgebra
import Randomness
import SparseNets
import Statistics
import TextPlot

/// MNIST-1D's published baselines (Greydanus 2020): logistic regression 32%, MLP 68%, CNN 94%; shuffling the positions leaves the MLP and costs the CNN.
public struct MNIST1DBaselinesClaim: Claim {
    public init() {}

    public let id = "mnist1d-baselines"
    public let statement = "on MNIST-1D the reference models reach the published test accuracies (logistic regression 32%, MLP 68%, CNN 94%, GRU 91%), and with the 40 positions shuffled the MLP keeps its accuracy (published 68%) while the CNN loses (published 56%): the CNN's gain is spatial bias"
    public let proofPath = "proofs/mnist1d-baselines.md"
    public let source = "S. Greydanus, \"Scaling Down Deep Learning\", arXiv:2011.14439, 2020; repository greydanus/mnist1d (README table; notebooks/models.py, train.py)"
    public let rule = "the reference models (logistic regression = linear 40→10; MLP 40-100 then h + ReLU(W h) 100-100, then 100→10; CNN Conv1d 1→25 k5 s2 p1, 25→25 k3 s2 p1 twice, ReLU, linear 125→10; GRU bidirectional, hidden 6, over the 40 steps, outputs flattened 480→10), PyTorch's default initialisation, Adam lr 1e-2, batch 100 in row order (batch k = rows 100k mod 4000), trained on the package's 4000 training rows and tested on its 1000 test rows, 5 seeds: reproduction: each model's mean test accuracy within ±3 points of the published figure (the GRU, trained 2000 steps instead of the reference's 6000 to fit the time budget, within ±4) (95% t-interval shown); equivalence (TOST): the 90% interval of the paired gap MLP(shuffled) − MLP lies inside ±2 points; superiority: the CNN loses ≥ 20 points on the shuffled data, paired gap CNN − CNN(shuffled) with mean ≥ 20 points and 95% lower end > 0. Quick mode (a smoke test: 320 steps, the GRU 80, 2 seeds) reports the reproduction and equivalence checks as information and judges only the CNN's loss on shuffled data"
    public let ruleVersion = 2
    /// Version 1 (reported 0/10 at --full --replicate 10 before the GRU landed): the same rule without the GRU's rows.
    static let ruleV1 = "the reference models (logistic regression = linear 40→10; MLP 40-100 then h + ReLU(W h) 100-100, then 100→10; CNN Conv1d 1→25 k5 s2 p1, 25→25 k3 s2 p1 twice, ReLU, linear 125→10), PyTorch's default initialisation, Adam lr 1e-2, batch 100 in row order (batch k = rows 100k mod 4000), trained on the package's 4000 training rows and tested on its 1000 test rows, 5 seeds: reproduction: each model's mean test accuracy within ±3 points of the published figure (95% t-interval shown); equivalence (TOST): the 90% interval of the paired gap MLP(shuffled) − MLP lies inside ±2 points; superiority: the CNN loses ≥ 20 points on the shuffled data, paired gap CNN − CNN(shuffled) with mean ≥ 20 points and 95% lower end > 0. Quick mode (a smoke test: 320 steps, 2 seeds) reports the reproduction and equivalence checks as information and judges only the CNN's loss on shuffled data"
    public let negativeControl = "the CNN trained on the shuffled data put in the unshuffled CNN's place must fail the ±3-point reproduction of 94%"
    static let control = "CNN on shuffled data in the CNN's place (control)"
    public var controlChecks: [String] { [Self.control] }

    /// The published table (README of greydanus/mnist1d): accuracy on the data and on the shuffled data.
    static let published: [String: (plain: Double, shuffled: Double)] = [
        "logistic regression": (0.32, 0.32), "MLP": (0.68, 0.68), "CNN": (0.94, 0.56), "GRU": (0.91, 0.57),
    ]

    public let parameters: [Parameter] = [
        .int("seeds", quick: 2, standard: 5, full: 5, 2...100, "seeds per model and data set (the issue's 5)"),
        .int("steps", quick: 320, standard: 6000, full: 6000, 40...1_000_000, "Adam steps of batch 100 (a multiple of 40 = 4000/100; the reference's 6000, later 8000)"),
        .real("lr", 0.01, .positive, "Adam learning rate (the reference's 1e-2)"),
        .int("batch-size", 100, 1...4000, "minibatch size (the reference's 100; must divide 4000)"),
        .choice("init", "pytorch", Initialization.allCases.map(\.rawValue), "initialisation: pytorch (U(±1/√fan-in) weights and biases, the reference's) or kaiming-normal"),
        .real("tolerance", 0.03, .real(0...1), "reproduction tolerance around each published accuracy (3 points)"),
        .int("gru-steps", quick: 80, standard: 2000, full: 2000, 40...1_000_000, "the GRU's Adam steps (a multiple of 4000/batch; fewer than the reference's 6000 to fit the time budget: 4.3 s per 1000 steps)"),
        .real("gru-tolerance", 0.04, .real(0...1), "the GRU's reproduction tolerance (4 points: its steps shrink, as the issue allows)"),
        .real("shuffle-margin", 0.02, .real(0...1), "equivalence margin of MLP(shuffled) − MLP (2 points)"),
        .real("cnn-drop", 0.20, .real(0...1), "minimum mean accuracy the CNN loses on shuffled data (20 points)"),
        .int("eval-every", quick: 80, standard: 400, full: 400, 40...1_000_000, "steps between test evaluations of the first seed's curve (a multiple of 4000/batch)"),
        .text("mlp-net", "resmlp:100,100", "the MLP's --net spec (the reference's residual MLP)"),
        .text("cnn-net", "cnn1d:25,25,25:k5,3,3:s2:p1", "the CNN's --net spec (the reference's)"),
    ]

    /// One trained model on one data set and seed.
    public struct Run: Sendable {
        var model: String
        var shuffled: Bool
        var seed: UInt64
        var accuracy: Double
        /// (step, test accuracy) every `eval-every` steps (first seed only).
        var curve: [(Int, Double)]
    }

    /// A baseline: its name and how one seed of it trains on one data set (train rows, test rows) to a test accuracy and curve.
    struct Baseline: Sendable {
        var name: String
        var train: @Sendable (_ train: TrainingData, _ test: TrainingData, _ seed: UInt64, _ evalEvery: Int?) throws -> (Double, [(Int, Double)])
    }

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var steps: Int
        var runs: [Run]
        var models: [String]
        var architectures: [String: String]

        func accuracies(_ model: String, shuffled: Bool) -> [Double] {
            seeds.map { s in runs.first { $0.model == model && $0.shuffled == shuffled && $0.seed == s }?.accuracy ?? .nan }
        }

        func gaps(_ a: (String, Bool), _ b: (String, Bool)) -> [Double] {
            zip(accuracies(a.0, shuffled: a.1), accuracies(b.0, shuffled: b.1)).map { $0 - $1 }
        }
    }

    /// The GRU row's baseline: the reference's bidirectional GRU (hidden 6 over the 40 steps, outputs flattened into 480→10), trained by Adam.
    static func gruBaseline(steps: Int, batch: Int, lr: Double) -> Baseline {
        Baseline(name: "GRU") { train, test, seed, evalEvery in
            var model = BiGRUFlatModel(try BiGRUClassifier(length: 40, hidden: 6, classes: 10, stream: RandomStream(seed: seed).split("init")))
            let out = FlatTraining.train(&model, train: train, test: test, steps: steps, batch: batch, adam: .adam(learningRate: lr), evalEvery: evalEvery)
            if let failure = model.failure { throw InputError("GRU seed \(seed): \(failure)") }
            return out
        }
    }

    /// A baseline for a `FlatClassifier` built from a seed's stream, trained by `trainFlat` with the claim's Adam and batches.
    static func flatBaseline<M: FlatClassifier>(_ name: String, steps: Int, batch: Int, lr: Double, build: @escaping @Sendable (RandomStream) -> M) -> Baseline {
        Baseline(name: name) { train, test, seed, evalEvery in
            var model = build(RandomStream(seed: seed).split("init"))
            return FlatTraining.train(&model, train: train, test: test, steps: steps, batch: batch, adam: .adam(learningRate: lr), evalEvery: evalEvery)
        }
    }

    /// Records test accuracy every `every` epochs.
    final class Curve: TrainingHook {
        let test: TrainingData, every: Int, stepsPerEpoch: Int
        var points = [(Int, Double)]()
        init(test: TrainingData, every: Int, stepsPerEpoch: Int) { self.test = test; self.every = every; self.stepsPerEpoch = stepsPerEpoch }
        func epochFinished(_ metrics: EpochMetrics, network: MaskedNetwork) throws {
            if metrics.epoch % every == 0 { points.append((metrics.epoch * stepsPerEpoch, try Trainer.evaluate(network, on: test).accuracy)) }
        }
        func needsDenseGradient(step: Int) -> Bool { false }
    }

    /// A masked-network baseline: `arch` with `init`, Adam, sequential batches.
    static func networkBaseline(_ name: String, _ arch: Architecture, recipe: TrainingRecipe, initialization: Initialization) -> Baseline {
        Baseline(name: name) { train, test, seed, evalEvery in
            var net = try MaskedNetwork(arch, inputSize: train.dimension, classCount: 10, stream: RandomStream(seed: seed).split("init"), initialization: initialization)
            let spe = train.count / recipe.batchSize
            let curve = evalEvery.map { Curve(test: test, every: max(1, $0 / spe), stepsPerEpoch: spe) }
            let outcome = try Trainer.train(&net, on: train, recipe: recipe, stream: RandomStream(seed: seed).split("order"), hooks: curve.map { [$0] } ?? [],
                                            component: "\(name) seed \(seed)")
            if let div = outcome.divergence { throw InputError("\(name): \(div.description)") }
            return (try Trainer.evaluate(net, on: test).accuracy, curve?.points ?? [])
        }
    }

    /// The package's split: rows 0..<4000 train, 4000..<5000 test, as generated (already standardised by the generator).
    static func split(_ data: LabeledDataset) -> (TrainingData, TrainingData) {
        (TrainingData(data.subset(Array(0..<4000), name: data.name + "/train")), TrainingData(data.subset(Array(4000..<data.count), name: data.name + "/test")))
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let seedCount = run.int("seeds"), steps = run.int("steps"), batch = run.int("batch-size"), evalEvery = run.int("eval-every")
        guard 4000 % batch == 0 else { throw InputError("parameter batch-size: \(batch) does not divide the 4000 training rows") }
        let spe = 4000 / batch
        guard steps % spe == 0 else { throw InputError("parameter steps: \(steps) is not a multiple of \(spe) (4000 / batch-size)") }
        let gruSteps = run.int("gru-steps")
        guard gruSteps % spe == 0 else { throw InputError("parameter gru-steps: \(gruSteps) is not a multiple of \(spe) (4000 / batch-size)") }
        guard evalEvery % spe == 0 else { throw InputError("parameter eval-every: \(evalEvery) is not a multiple of \(spe) (4000 / batch-size)") }
        guard let initialization = Initialization(rawValue: run.string("init")) else { throw InputError("parameter init: unknown '\(run.string("init"))'") }
        func arch(_ name: String) throws -> Architecture {
            do { return try Architecture.parse(run.string(name)) } catch { throw InputError("parameter \(name): \(error)") }
        }
        let recipe = TrainingRecipe(epochs: steps / spe, batchSize: batch,
                                    optimizer: SGDConfiguration(learningRate: run.real("lr"), momentum: 0, weightDecay: 0, schedule: .constant),
                                    kind: .adam, dataOrder: .sequential)
        do { try recipe.validate() } catch { throw InputError("\(error)") }
        let archs: [(String, Architecture)] = [("logistic regression", .mlp(hidden: [])), ("MLP", try arch("mlp-net")), ("CNN", try arch("cnn-net"))]
        var baselines = archs.map { Self.networkBaseline($0.0, $0.1, recipe: recipe, initialization: initialization) }
        baselines.append(Self.gruBaseline(steps: gruSteps, batch: batch, lr: run.real("lr")))
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }
        let plain = Self.split(BuiltinDatasets.mnist1d()), shuffled = Self.split(BuiltinDatasets.mnist1dShuffle())
        // The costliest jobs first, so two workers finish together.
        var jobs = [(Int, Bool, Int)]()
        for b in baselines.indices.reversed() { for sh in [false, true] { for s in seeds.indices { jobs.append((b, sh, s)) } } }
        let allJobs = jobs, all = baselines
        let runs = try ParallelRuns.map(allJobs.count, workers: run.workers) { i -> Run in
            let (b, sh, s) = allJobs[i]
            let (train, test) = sh ? shuffled : plain
            let (acc, curve) = try all[b].train(train, test, seeds[s], s == 0 ? evalEvery : nil)
            run.progress.update("mnist1d-baselines \(all[b].name)\(sh ? " shuffled" : "") seed \(s + 1)/\(seeds.count)")
            return Run(model: all[b].name, shuffled: sh, seed: seeds[s], accuracy: acc, curve: curve)
        }
        var architectures = [String: String]()
        for (n, a) in archs { architectures[n] = a.description }
        return Measurement(seeds: seeds, steps: steps, runs: runs, models: baselines.map(\.name), architectures: architectures)
    }

    /// Version 1's checks on this run, kept as information: every check but the GRU's.
    public func previousRuleVerdicts(_ m: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] {
        [PreviousRuleVerdict(version: 1, rule: Self.ruleV1, checks: checks(m, run).filter { !$0.name.hasPrefix("GRU") })]
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let tol = run.real("tolerance"), quick = run.mode == .quick
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        let percent: @Sendable (Double) -> String = { String(format: "%g%%", 100 * $0) }
        var checks = [Check]()
        for model in m.models {
            guard let pub = Self.published[model] else { continue }
            let acc = m.accuracies(model, shuffled: false)
            let j = Reproduction(published: pub.plain, tolerance: Self.tolerance(model, run), format: percent).judge(acc)
            checks.append(Check("\(model) reproduces \(GapText.pct(pub.plain))%", role: quick ? .info : .primary, j,
                                detail: Self.accuracyText(acc) + (quick ? " (quick mode: \(m.steps) steps, reported only)" : "")))
        }
        let mlpGap = m.gaps(("MLP", true), ("MLP", false))
        checks.append(Check("MLP(shuffled) ≡ MLP", role: quick ? .info : .primary, Equivalence(margin: run.real("shuffle-margin"), format: points).judge(mlpGap),
                            detail: "MLP(shuffled) − MLP: " + GapText.gap(mlpGap, level: 0.90, sd: true)))
        let cnnGap = m.gaps(("CNN", false), ("CNN", true))
        checks.append(Check("CNN loses on shuffled data", role: .primary, Superiority(margin: 0, minimumMean: run.real("cnn-drop"), format: points).judge(cnnGap),
                            detail: "CNN − CNN(shuffled): " + GapText.gap(cnnGap, sd: true)))
        let control = m.accuracies("CNN", shuffled: true)
        checks.append(Check(Self.control, role: .control, Reproduction(published: Self.published["CNN"]!.plain, tolerance: tol, format: percent).judge(control),
                            detail: Self.accuracyText(control)))
        for model in m.models {
            guard let pub = Self.published[model] else { continue }
            let acc = m.accuracies(model, shuffled: true)
            let j = Reproduction(published: pub.shuffled, tolerance: Self.tolerance(model, run), format: percent).judge(acc)
            checks.append(Check("\(model) on shuffled data vs published \(GapText.pct(pub.shuffled))%", role: .info, j, detail: Self.accuracyText(acc)))
        }
        return checks
    }

    /// The reproduction tolerance of `model`: the GRU's own (its steps shrink), the common one otherwise.
    static func tolerance(_ model: String, _ run: ClaimRun) -> Double { model == "GRU" ? run.real("gru-tolerance") : run.real("tolerance") }

    /// "mean 93.12% [92.40, 93.84] (95%), per seed 93.1, …".
    static func accuracyText(_ a: [Double]) -> String {
        let ci = try? ConfidenceInterval(tOver: a)
        return "mean \(GapText.pct(Descriptive.mean(a)))% " + (ci.map { "[\(GapText.pct($0.lower)), \(GapText.pct($0.upper))]" } ?? "[—]")
            + " (95%), per seed " + a.map { String(format: "%.1f", 100 * $0) }.joined(separator: ", ")
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for model in m.models {
            for sh in [false, true] {
                let a = m.accuracies(model, shuffled: sh)
                let name = "test accuracy \(model)\(sh ? " shuffled" : "")"
                perSeed.append(PerSeedRecord(name: name, seeds: m.seeds, values: a))
                if let ci = try? ConfidenceInterval(tOver: a) {
                    fits.append(FitRecord(name: name, model: "mean over seeds", window: [Double(m.steps), Double(m.steps)], estimate: ci.estimate, interval: ci,
                                          extra: ["published": sh ? Self.published[model]?.shuffled ?? .nan : Self.published[model]?.plain ?? .nan]))
                }
            }
        }
        var figure = Figure(title: "test accuracy against Adam steps (first seed)", xLabel: "step", yLabel: "test accuracy %")
        for model in m.models {
            for sh in [false, true] {
                guard let r = m.runs.first(where: { $0.model == model && $0.shuffled == sh && $0.seed == m.seeds[0] }), !r.curve.isEmpty else { continue }
                let label = "\(model)\(sh ? " shuffled" : "")"
                figure.add(.init(label, record: "test accuracy vs steps \(label)", x: r.curve.map { Double($0.0) }, y: r.curve.map { 100 * $0.1 }))
            }
        }
        var notes = [
            "data: the package's own split, 4000 training rows in generated order (batch k = rows 100k mod 4000, as the reference's train.py) and 1000 test rows, features as generated (the generator standardises them); no validation split is carved, as in the reference",
            "mirrors the reference: models, PyTorch's default initialisation, Adam (lr 1e-2, β 0.9/0.999, ε 1e-8, no weight decay), batch 100, sequential batches; differs: \(m.steps) steps (the reference's 6000; its newer train.py 8000), the GRU \(run.int("gru-steps")) steps (to fit the time budget; tolerance ±\(GapText.pct(run.real("gru-tolerance"))) points), our own seeds (the reference trains one seed), float64",
        ]
        if run.mode == .quick { notes.append("quick mode trains \(m.steps) steps on \(m.seeds.count) seeds: the reproduction and equivalence checks are reported, not judged; the CNN's loss on shuffled data is") }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "mnist1d and mnist1d-shuffle (mnist1d 0.0.2.post1, seed 42): 4000 train / 1000 test",
                                    "models": m.models.map { "\($0) = \(m.architectures[$0] ?? "flat model")" }.joined(separator: "; "),
                                    "steps": "\(m.steps)"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].curves.isEmpty ? "" : results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for sh in [false, true] {
            for model in Self.published.keys.sorted(by: { (Self.published[$0]!.plain, $0) < (Self.published[$1]!.plain, $1) }) {
                let pub = Self.published[model]!
                let p = sh ? pub.shuffled : pub.plain
                guard m.models.contains(model) else {
                    rows.append([sh ? "shuffled" : "mnist1d", model, GapText.pct(p), "not measured", "—"]); continue
                }
                let a = m.accuracies(model, shuffled: sh)
                let ci = try? ConfidenceInterval(tOver: a)
                let tol = Self.tolerance(model, run)
                let within = abs(Descriptive.mean(a) - p) <= tol
                rows.append([sh ? "shuffled" : "mnist1d", model, GapText.pct(p),
                             "\(GapText.pct(Descriptive.mean(a))) " + (ci.map { "[\(GapText.pct($0.lower)), \(GapText.pct($0.upper))]" } ?? ""),
                             (sh ? "info: " : "") + (within ? "within ±\(Int(100 * tol))" : "outside ±\(Int(100 * tol))")])
            }
        }
        out += Table(headers: ["data", "model", "published %", "measured mean % [95% CI]", "reproduction"], rows: rows).render() + "\n"
        return out
    }
}
