import ClaimKit
import Components
import Datasets
import Foundation
import GreedySelection
import LinearAlgebra
import Randomness
import SparseNets
import Statistics
import TextPlot

/// Layer-wise greedy neuron selection keeps more test accuracy than magnitude and random selection at k ≤ 16 neurons per layer.
public struct GreedyVsMagnitudeClaim: Claim {
    public init() {}

    public let id = "greedy-vs-magnitude"
    public let statement = "layer-wise greedy forward selection of a trained MLP's neurons (Ye, Wu, Liu 2020's local imitation) keeps more test accuracy than magnitude (incoming L1 norm) and random selection at k ≤ 16 neurons per hidden layer, before and after a short fine-tune"
    public let proofPath = "proofs/greedy-vs-magnitude.md"
    public let source = "M. Ye, L. Wu, Q. Liu, \"Greedy Optimization Provably Wins the Lottery: Logarithmic Number of Winning Tickets is Enough\", NeurIPS 2020 (arXiv 2010.15969), \"improves prior arts\"; baselines after H. Li et al., \"Pruning Filters for Efficient ConvNets\", ICLR 2017"
    public let rule = "on the digits MLP 64-64-64-10 and the breast-cancer MLP 30-32-32-2 (40 epochs of SGD, then every hidden layer pruned to k ∈ {4, 8, 16} neurons; a fine-tune of 5 epochs at lr 0.01), 10 paired seeds (one trained network per seed for every selector): superiority of the per-seed test accuracy gap averaged over k, 95% paired t-interval's lower end > 0, for greedy − magnitude and greedy − random on each data set, without and with the fine-tune (8 primary checks)"
    public let negativeControl = "random selection in greedy's place (random − magnitude, on each data set, without and with the fine-tune) must fail the same superiority rule"
    static func control(_ data: String, _ tuned: Bool) -> String { "random in greedy's place vs magnitude, \(data), \(tuned ? "fine-tuned" : "no fine-tune") (control)" }
    public var controlChecks: [String] { Self.dataSets.flatMap { d in [false, true].map { Self.control(d, $0) } } }

    static let dataSets = ["digits", "breast-cancer"]
    /// The compared selections: greedy, the primary magnitude score, random; the other magnitude scores are information (no fine-tune).
    static let selectors = ["greedy", "magnitude", "random"]
    static let infoScores: [LayerwiseNeuronPruning.MagnitudeScore] = [.outgoing, .product]

    public let parameters: [Parameter] = [
        .int("seeds", quick: 3, standard: 10, full: 10, 2...100, "paired seeds (one trained network each, shared by every selector)"),
        .text("keep", "4,8,16", "neurons kept per hidden layer (comma-separated, each ≤ 16 and ≤ the widths)"),
        .text("digits-net", "mlp:64,64", "the digits MLP's hidden widths"),
        .text("breast-cancer-net", "mlp:32,32", "the breast-cancer MLP's hidden widths"),
        .int("epochs", quick: 20, standard: 40, full: 40, 1...1000, "training epochs of the dense network (SGD, batch 32, lr 0.05, cosine)"),
        .int("finetune-epochs", 5, 1...1000, "fine-tune epochs of each pruned network (SGD, batch 32, cosine)"),
        .real("finetune-lr", 0.01, .positive, "fine-tune learning rate"),
        .int("batch", quick: 100, standard: 200, full: 200, 10...10_000, "training inputs the greedy selection matches the next layer's pre-activations on"),
        .int("global-seeds", quick: 0, standard: 1, full: 3, 0...100, "seeds of the one-hidden-layer digits MLP on which `greedy prune-mlp --mode both`'s local and global variants are printed (information)"),
    ]

    /// One selector's test accuracies on one (data set, seed), per k: without and with the fine-tune; nil where not fine-tuned.
    struct Row: Sendable {
        var data: String
        var seed: Int
        var selector: String
        var k: Int
        var kept: [Int]
        var accuracy: Double
        var tuned: Double?
    }

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var keep: [Int]
        var dense: [String: [Double]]
        var rows: [Row]
        var widths: [String: [Int]]
        var samples: [String: [Int]]
        /// `greedy prune-mlp --mode both` per info seed: (k, magnitude, local, global).
        var localGlobal: [[(k: Int, magnitude: Double, local: Double, global: Double)]]

        /// Per seed, the accuracy of `selector` on `data` at `k` (with or without the fine-tune).
        func accuracies(_ data: String, _ selector: String, k: Int, tuned: Bool) -> [Double] {
            seeds.indices.map { s in
                guard let r = rows.first(where: { $0.data == data && $0.seed == s && $0.selector == selector && $0.k == k }) else { return .nan }
                return tuned ? (r.tuned ?? .nan) : r.accuracy
            }
        }

        /// Per seed, the gap a − b averaged over the kept counts.
        func meanGap(_ data: String, _ a: String, _ b: String, tuned: Bool) -> [Double] {
            var out = [Double](repeating: 0, count: seeds.count)
            for k in keep {
                let x = accuracies(data, a, k: k, tuned: tuned), y = accuracies(data, b, k: k, tuned: tuned)
                for s in out.indices { out[s] += (x[s] - y[s]) / Double(keep.count) }
            }
            return out
        }
    }

    static func parseKeep(_ text: String) throws(InputError) -> [Int] {
        var out = [Int]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let k = Int(part.trimmingCharacters(in: .whitespaces)), (1...16).contains(k) else {
                throw InputError("parameter keep: '\(part)' is not a neuron count in 1...16")
            }
            out.append(k)
        }
        guard !out.isEmpty, Set(out).count == out.count else { throw InputError("parameter keep must list distinct counts") }
        return out.sorted()
    }

    static func widths(_ text: String, name: String, keep: [Int]) throws(InputError) -> [Int] {
        let arch: Architecture
        do { arch = try Architecture.parse(text) } catch { throw InputError("parameter \(name): \(error)") }
        guard case .mlp(let h) = arch, !h.isEmpty else { throw InputError("parameter \(name): '\(text)' must be an MLP with hidden layers, e.g. mlp:64,64") }
        guard let widest = keep.max(), h.allSatisfy({ $0 >= widest }), h.allSatisfy({ $0 <= 1024 }) else {
            throw InputError("parameter \(name): every hidden width must lie in \(keep.max() ?? 1)...1024 (the largest kept count up to 1024)")
        }
        return h
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let keep = try Self.parseKeep(run.string("keep"))
        let widths = ["digits": try Self.widths(run.string("digits-net"), name: "digits-net", keep: keep),
                      "breast-cancer": try Self.widths(run.string("breast-cancer-net"), name: "breast-cancer-net", keep: keep)]
        let train = TrainingRecipe(epochs: run.int("epochs"), batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05))
        let tune = TrainingRecipe(epochs: run.int("finetune-epochs"), batchSize: 32, optimizer: SGDConfiguration(learningRate: run.real("finetune-lr")))
        let batch = run.int("batch"), seedCount = run.int("seeds")
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }
        var data = [String: PreparedData]()
        data["digits"] = try PreparedData(DataPolicy.split(BuiltinDatasets.digits()))
        data["breast-cancer"] = try PreparedData(DataPolicy.split(BuiltinDatasets.breastCancer()))
        let prepared = data
        let jobs = Self.dataSets.flatMap { d in seeds.indices.map { (d, $0) } }
        let results = try ParallelRuns.map(jobs.count, workers: run.workers) { j -> (dense: Double, rows: [Row]) in
            let (name, s) = jobs[j]
            guard let d = prepared[name], let h = widths[name] else { throw InputError("no data set \(name)") }
            run.progress.update("greedy-vs-magnitude: \(name), seed \(s + 1)/\(seedCount)")
            return try Self.compare(data: d, name: name, hidden: h, keep: keep, train: train, tune: tune, batch: batch,
                                    seed: s, stream: RandomStream(seed: seeds[s]).split(name))
        }
        var dense = [String: [Double]](), rows = [Row]()
        for (j, r) in results.enumerated() { dense[jobs[j].0, default: []].append(r.dense); rows += r.rows }
        let globalSeeds = min(run.int("global-seeds"), seedCount)
        let localGlobal = try ParallelRuns.map(globalSeeds, workers: run.workers) { s in
            run.progress.update("greedy-vs-magnitude: local vs global, seed \(s + 1)/\(globalSeeds)")
            let c = try PruningComparison(data: BuiltinDatasets.digits(), hidden: 64, activation: .relu, keep: keep, batch: batch,
                                          selector: GreedyLineSearchSelector.self, stream: RandomStream(seed: seeds[s]).split("local-global"))
            return keep.indices.map { (k: keep[$0], magnitude: c.magnitude[$0], local: c.local[$0], global: c.global[$0]) }
        }
        return Measurement(seeds: seeds, keep: keep, dense: dense, rows: rows, widths: widths,
                           samples: prepared.mapValues { [$0.train.count, $0.validation.count, $0.test.count] }, localGlobal: localGlobal)
    }

    /// Trains one MLP, then prunes it every way at every k and evaluates each pruned network without and with the fine-tune.
    static func compare(data: PreparedData, name: String, hidden: [Int], keep: [Int], train: TrainingRecipe, tune: TrainingRecipe, batch: Int,
                        seed: Int, stream: RandomStream) throws -> (dense: Double, rows: [Row]) {
        var net = try MaskedNetwork(.mlp(hidden: hidden), inputSize: data.train.dimension, classCount: data.train.classCount, stream: stream.split("init"))
        try Trainer.train(&net, on: data.train, recipe: train, stream: stream.split("train"), component: "\(name) seed \(seed + 1)")
        let dense = try Trainer.evaluate(net, on: data.test).accuracy
        let relu = try ReLUNetwork(weights: net.parameters.weights, biases: net.parameters.biases)
        let xb = data.train.columns.columns(Array(0..<min(batch, data.train.count)))
        let validation = (x: data.validation.columns, labels: data.validation.labels)
        var rows = [Row]()
        for k in keep {
            let counts = hidden.map { min(k, $0) }
            let greedy = try LayerwiseNeuronPruning.prune(relu, batch: xb, budget: .keep(k), validation: validation, stream: stream.split("greedy")).map(\.scales)
            var choices: [(String, [[Double]], Bool)] = [
                ("greedy", greedy, true),
                ("magnitude", LayerwiseNeuronPruning.magnitude(relu, keep: counts, score: .incoming), true),
                ("random", LayerwiseNeuronPruning.random(relu, keep: counts, stream: stream.split("random").split(k)), true),
            ]
            for score in infoScores { choices.append(("magnitude-\(score.rawValue)", LayerwiseNeuronPruning.magnitude(relu, keep: counts, score: score), false)) }
            for (selector, scales, tuned) in choices {
                let (small, kept) = try relu.reduced(scales: scales.map { Optional($0) })
                var pruned = try MaskedNetwork(.mlp(hidden: kept.map(\.count)), inputSize: data.train.dimension, classCount: data.train.classCount,
                                               stream: stream.split("shell"))
                pruned.parameters = Parameters(weights: small.weights, biases: small.biases)
                let before = try Trainer.evaluate(pruned, on: data.test).accuracy
                var after: Double?
                if tuned {
                    // The same data order for every selector at this seed: the fine-tune is paired too.
                    try Trainer.train(&pruned, on: data.train, recipe: tune, stream: stream.split("finetune"), component: "\(name) \(selector) k = \(k) seed \(seed + 1)")
                    after = try Trainer.evaluate(pruned, on: data.test).accuracy
                }
                rows.append(Row(data: name, seed: seed, selector: selector, k: k, kept: kept.map(\.count), accuracy: before, tuned: after))
            }
        }
        return (dense, rows)
    }


    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        let rule = Superiority(margin: 0, format: points)
        let ks = m.keep.map(String.init).joined(separator: ", ")
        var checks = [Check]()
        for d in Self.dataSets {
            for tuned in [false, true] {
                let when = tuned ? "fine-tuned" : "no fine-tune"
                for b in ["magnitude", "random"] {
                    let g = m.meanGap(d, "greedy", b, tuned: tuned)
                    checks.append(Check("greedy beats \(b), \(d), \(when)", role: .primary, rule.judge(g),
                                        detail: "test accuracy gap greedy − \(b) averaged over k ∈ {\(ks)}: " + GapText.gap(g, sd: false)))
                }
                let c = m.meanGap(d, "random", "magnitude", tuned: tuned)
                checks.append(Check(Self.control(d, tuned), role: .control, rule.judge(c),
                                    detail: "random − magnitude averaged over k ∈ {\(ks)}: " + GapText.gap(c, sd: false)))
            }
        }
        // Per k, and the other magnitude scores: information.
        for d in Self.dataSets {
            for k in m.keep {
                let parts = ["magnitude", "random"].flatMap { b in [false, true].map { t -> String in
                    let g = zip(m.accuracies(d, "greedy", k: k, tuned: t), m.accuracies(d, b, k: k, tuned: t)).map { $0 - $1 }
                    return "− \(b)\(t ? " tuned" : ""): \(GapText.pts(Descriptive.mean(g)))"
                } }
                checks.append(Check("greedy per k, \(d), k = \(k)", role: .info, rule: "mean paired gaps in points (information)",
                                    satisfied: true, detail: parts.joined(separator: "; ")))
            }
            for score in Self.infoScores {
                let g = m.meanGap(d, "greedy", "magnitude-\(score.rawValue)", tuned: false)
                checks.append(Check("greedy vs magnitude by \(score.rawValue) weights, \(d), no fine-tune", role: .info, rule: "superiority as the primary rule (information)",
                                    satisfied: rule.judge(g).outcome == .passed, detail: GapText.gap(g, sd: false)))
            }
        }
        if !m.localGlobal.isEmpty {
            let rows = m.keep.indices.map { i -> String in
                let mean = { (f: ((k: Int, magnitude: Double, local: Double, global: Double)) -> Double) in Descriptive.mean(m.localGlobal.map { f($0[i]) }) }
                return "k = \(m.keep[i]): magnitude \(GapText.pct(mean { $0.magnitude })), local \(GapText.pct(mean { $0.local })), global \(GapText.pct(mean { $0.global }))"
            }
            checks.append(Check("local vs global (greedy prune-mlp --mode both)", role: .info,
                                rule: "one-hidden-layer ReLU digits MLP (64), test accuracy %, mean over \(m.localGlobal.count) seed(s), no fine-tune (information)",
                                satisfied: true, detail: rows.joined(separator: "; ")))
        }
        return checks
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for d in Self.dataSets {
            perSeed.append(PerSeedRecord(name: "dense test accuracy \(d)", seeds: m.seeds, values: m.dense[d] ?? []))
            for tuned in [false, true] {
                let suffix = tuned ? " fine-tuned" : ""
                for sel in Self.selectors {
                    for k in m.keep {
                        perSeed.append(PerSeedRecord(name: "test accuracy \(d) \(sel) k=\(k)\(suffix)", seeds: m.seeds, values: m.accuracies(d, sel, k: k, tuned: tuned)))
                    }
                }
                for (a, b) in [("greedy", "magnitude"), ("greedy", "random"), ("random", "magnitude")] {
                    let g = m.meanGap(d, a, b, tuned: tuned)
                    if let ci = try? ConfidenceInterval(tOver: g) {
                        fits.append(FitRecord(name: "\(a) - \(b) \(d)\(suffix)", model: "paired mean gap over k", window: [Double(m.keep.min() ?? 0), Double(m.keep.max() ?? 0)],
                                              estimate: ci.estimate, interval: ci, extra: ["sd": Descriptive.standardDeviation(g)]))
                    }
                }
            }
            for score in Self.infoScores {
                for k in m.keep {
                    perSeed.append(PerSeedRecord(name: "test accuracy \(d) magnitude-\(score.rawValue) k=\(k)", seeds: m.seeds,
                                                 values: m.accuracies(d, "magnitude-\(score.rawValue)", k: k, tuned: false)))
                }
            }
        }
        var figure = Figure(title: "digits: test accuracy against neurons kept per layer (mean over \(m.seeds.count) paired seeds)",
                            xLabel: "neurons kept per hidden layer", yLabel: "test accuracy %", xScale: .log10)
        for sel in Self.selectors {
            for tuned in [false, true] {
                figure.add(.init("\(sel)\(tuned ? " tuned" : "")", record: "digits \(sel)\(tuned ? " fine-tuned" : "")", x: m.keep.map(Double.init),
                                 y: m.keep.map { 100 * Descriptive.mean(m.accuracies("digits", sel, k: $0, tuned: tuned)) }, dashed: tuned))
            }
        }
        let underK = m.rows.filter { r in r.selector == "greedy" && r.kept.contains { $0 < r.k } }.count
        let notes = [
            "paired: per seed one trained MLP for every selector and k, one data order for every fine-tune; digits and breast cancer on the fixed split (split seed \(DataPolicy.defaultSplitSeed)), standardised",
            "greedy: forward selection layer by layer from the input side (greedy line search matching the dense network's next-layer pre-activations on training inputs), kept neurons' outgoing weights scaled by N·λ; magnitude: the k neurons with the largest incoming L1 norm, unchanged (Li et al. 2017's filter criterion); random: k uniform neurons, unchanged",
            "greedy's path keeps the last step with at most k neurons, so a layer may keep fewer than k: \(underK) of \(m.rows.filter { $0.selector == "greedy" }.count) greedy prunings did",
            "a small-scale stand-in for the paper's ImageNet comparisons (ResNet, MobileNetV2/V3 against published pruning methods), not a test of them",
        ]
        var facts = ["keep": m.keep.map(String.init).joined(separator: ","), "magnitude": "incoming L1 norm (primary); outgoing L1 and the ‖in‖₂‖out‖₂ product as information"]
        for d in Self.dataSets {
            facts["\(d) widths"] = (m.widths[d] ?? []).map(String.init).joined(separator: ",")
            facts["\(d) split"] = (m.samples[d] ?? []).map(String.init).joined(separator: "/")
        }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes, facts: facts)
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for d in Self.dataSets {
            for k in m.keep {
                var row = [d, "\(k)", GapText.pct(Descriptive.mean(m.dense[d] ?? []))]
                for sel in Self.selectors { row.append(GapText.pct(Descriptive.mean(m.accuracies(d, sel, k: k, tuned: false)))) }
                for sel in Self.selectors { row.append(GapText.pct(Descriptive.mean(m.accuracies(d, sel, k: k, tuned: true)))) }
                for score in Self.infoScores { row.append(GapText.pct(Descriptive.mean(m.accuracies(d, "magnitude-\(score.rawValue)", k: k, tuned: false)))) }
                rows.append(row)
            }
        }
        out += Table(headers: ["data", "k", "dense", "greedy", "magnitude", "random", "greedy tuned", "magnitude tuned", "random tuned", "mag. outgoing", "mag. product"],
                     rows: rows).render() + "\n"
        return out
    }
}
