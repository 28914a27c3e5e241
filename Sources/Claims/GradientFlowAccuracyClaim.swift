import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// GraSP's premise, "efficient training requires preserving the gradient flow", tested as a prediction: at a fixed
/// density, does the criterion that leaves the larger ‖g‖² train to the better network?
public struct GradientFlowAccuracyClaim: Claim {
    public init() {}

    public let id = "gradient-flow-to-accuracy"
    public let statement = "preserving gradient flow predicts trainability: at a fixed density, criteria that leave a larger post-pruning ‖g‖² (G/G₀) reach higher test accuracy (GraSP's premise, tested over six criteria × four densities on the digits MLP)"
    public let proofPath = "proofs/gradient-flow-to-accuracy.md"
    public let source = "C. Wang, G. Zhang, R. Grosse, \"Picking winning tickets before training by preserving gradient flow\" (GraSP), ICLR 2020"
    public var rule: String {
        "boundary, digits MLP 64-256-256-10, six criteria (grasp, reverse-grasp, random, snip, magnitude, synflow) × densities 50/20/10/2%, 10 paired seeds, \(Self.epochsText): per seed the Spearman ρ over the six criteria between G/G₀ (T = 200, pruning batch) and test accuracy, averaged over the four densities; its 95% percentile bootstrap interval over seeds (2000 resamples): \(Self.primaryText)"
    }
    static let epochsText = "10 epochs of the prune recipe (lr 0.05 cosine)"
    static let primaryText = "passes when it lies above 0 (the premise reproduces); the losses after epochs 1 and 5 are reported the same way as info"
    public let negativeControl = "G/G₀ shuffled among the criteria (a seeded permutation per seed and density) in G/G₀'s place must fail the same rule"
    static let control = "G/G₀ shuffled among the criteria (control)"
    /// The criteria meant to be good: the info check without reverse-GraSP and random.
    static let sensible = ["grasp", "snip", "magnitude", "synflow"]
    public var controlChecks: [String] { [Self.control] }

    public let parameters: [Parameter] = {
        let grasp = GraSPScore.parameters[0]
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 3, standard: 10, full: 10, 2...100, "paired seeds"),
            .text("densities", "0.5,0.2,0.1,0.02", "kept fractions, comma-separated, each in (0, 1)"),
            Parameter("net", .text, default: .byMode(quick: .text("mlp:64,64"), standard: .text("mlp:256,256"), full: .text("mlp:256,256")),
                      "network (mlp:W1,… or cnn:C1,…)"),
            Parameter(grasp.name, grasp.domain, default: grasp.defaultValue, "softmax temperature T of the GraSP scores and of the measured gradient"),
            .int("resamples", 2000, 100...100_000, "bootstrap resamples over seeds"),
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(5), standard: .int(10), full: .int(10)),
                      "training epochs (at least 5: the loss after epoch 5 is an outcome)"),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" }
    }()

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var densities: [Double]
        var net: String
        var epochs: Int
        var resamples: Int
        var samples: [Int]
        var cells: [FlowTrainability.Cell]
        /// The control's permuted G/G₀ per cell, in `cells` order.
        var shuffled: [Double]
        var masterSeed: UInt64

        func rho(_ o: FlowTrainability.Outcome, shuffledFlow: Bool = false) -> [Double] {
            let lookup = Dictionary(uniqueKeysWithValues: cells.indices.map { ("\(cells[$0].seedIndex)|\(cells[$0].method)|\(cells[$0].density)", shuffled[$0]) })
            return FlowTrainability.withinDensityRho(cells, outcome: o, seeds: seeds.count, densities: densities,
                                                     gradient: shuffledFlow ? { lookup["\($0.seedIndex)|\($0.method)|\($0.density)"] ?? .nan } : { $0.gradientRatio })
        }

        /// The percentile bootstrap interval over seeds of the mean of `x` (a stream of its own per statistic).
        func bootstrap(_ x: [Double], _ name: String) -> ConfidenceInterval? {
            try? ConfidenceInterval(bootstrapOver: x, resamples: resamples, stream: RandomStream(seed: masterSeed).split("bootstrap-\(name)"))
        }
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let densities = try GraspGradientFlowClaim.parseDensities(run.string("densities"))
        let arch: Architecture
        do { arch = try Architecture.parse(run.string("net")) } catch { throw InputError("net: \(error)") }
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters) } catch { throw InputError("\(error)") }
        guard recipe.epochs >= 5 else { throw InputError("parameter epochs must be at least 5 (the loss after epoch 5 is an outcome), got \(recipe.epochs)") }
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<run.int("seeds")).map { master.split($0).seed }
        let data = try PreparedData.digits()
        let experiment = PairedPruningExperiment(architecture: arch, data: data, recipe: recipe, pruningPerClass: run.int("per-class"))
        let methods = try PruningCatalog.scores(GraspGradientFlowClaim.compared.map { name throws(InputError) in try PruningCatalog.all.named(name) },
                                                overrides: ["temperature": run.string("temperature")]).scores
        let study = GradientFlowStudy(experiment: experiment, temperature: run.real("temperature"), densities: densities, methods: methods)
        let cells = try FlowTrainability(study: study).run(seeds: seeds, workers: run.workers, progress: run.progress, label: id)
        // The control: each (seed, density)'s G/G₀ values dealt to the criteria by a seeded permutation.
        var shuffled = [Double](repeating: .nan, count: cells.count)
        for s in seeds.indices {
            for d in densities {
                let idx = cells.indices.filter { cells[$0].seedIndex == s && cells[$0].density == d }
                let perm = RandomStream(seed: seeds[s]).split("shuffle-flow-\(d)").permutation(idx.count)
                for (k, i) in idx.enumerated() { shuffled[i] = cells[idx[perm[k]]].gradientRatio }
            }
        }
        return Measurement(seeds: seeds, densities: densities, net: arch.description, epochs: recipe.epochs, resamples: run.int("resamples"),
                           samples: [data.train.count, data.validation.count, data.test.count], cells: cells, shuffled: shuffled, masterSeed: run.seed)
    }

    static func f(_ x: Double) -> String { String(format: "%+.2f", x) }
    static func ci(_ c: ConfidenceInterval?) -> String { c.map { "\(f($0.estimate)) [\(f($0.lower)), \(f($0.upper))]" } ?? "—" }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let rule = Boundary(line: 0, paper: .above, accepts: [.reproduces], format: { String(format: "%.2f", $0) })
        func judge(_ x: [Double], _ name: String) -> Judgement {
            guard let c = m.bootstrap(x, name) else { return rule.judge([]) }
            return rule.judge(c)
        }
        var checks = [Check]()
        let acc = m.rho(.testAccuracy)
        let accName = FlowTrainability.Outcome.testAccuracy.rawValue
        checks.append(Check("G/G₀ predicts test accuracy within a density", role: .primary, judge(acc, accName),
                            detail: "mean within-density Spearman ρ(G/G₀, test accuracy) \(Self.ci(m.bootstrap(acc, accName))) over \(acc.count) seeds (bootstrap)"))
        for o in [FlowTrainability.Outcome.lossAfter1, .lossAfter5] {
            let x = m.rho(o)
            checks.append(Check("G/G₀ predicts −(\(o.rawValue)) within a density (info)", role: .info, judge(x, o.rawValue),
                                detail: "mean within-density Spearman ρ(G/G₀, −loss) \(Self.ci(m.bootstrap(x, o.rawValue)))"))
        }
        let shuffled = m.rho(.testAccuracy, shuffledFlow: true)
        checks.append(Check(Self.control, role: .control, judge(shuffled, "shuffled"),
                            detail: "mean within-density ρ(shuffled G/G₀, test accuracy) \(Self.ci(m.bootstrap(shuffled, "shuffled")))"))
        // Without the two criteria built to be bad (reverse-GraSP, random), does more flow still mean more accuracy?
        let sensible = FlowTrainability.withinDensityRho(m.cells.filter { Self.sensible.contains($0.method) }, outcome: .testAccuracy,
                                                         seeds: m.seeds.count, densities: m.densities)
        checks.append(Check("G/G₀ predicts test accuracy among \(Self.sensible.joined(separator: ", ")) (info)", role: .info, judge(sensible, "sensible"),
                            detail: "mean within-density Spearman ρ over these four criteria \(Self.ci(m.bootstrap(sensible, "sensible")))"))
        let pooled = FlowTrainability.pooledRho(m.cells, outcome: .testAccuracy, seeds: m.seeds.count)
        checks.append(Check("G/G₀ and test accuracy, densities pooled (info: density drives both)", role: .info, judge(pooled, "pooled"),
                            detail: "Spearman over all \(GraspGradientFlowClaim.compared.count * m.densities.count) cells \(Self.ci(m.bootstrap(pooled, "pooled")))"))
        return checks
    }

    func meanCell(_ m: Measurement, _ method: String, _ d: Double) -> (flow: Double, acc: Double, loss1: Double, loss5: Double) {
        let at = m.cells.filter { $0.method == method && $0.density == d }
        let flow = exp(Descriptive.mean(at.map { log($0.gradientRatio) }))
        return (flow, Descriptive.mean(at.map(\.testAccuracy)), -Descriptive.mean(at.map { FlowTrainability.Outcome.lossAfter1.value($0) }),
                -Descriptive.mean(at.map { FlowTrainability.Outcome.lossAfter5.value($0) }))
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for o in FlowTrainability.Outcome.allCases {
            let x = m.rho(o)
            perSeed.append(PerSeedRecord(name: "within-density spearman G/G0 vs \(o.rawValue)", seeds: m.seeds, values: x))
            if let c = m.bootstrap(x, o.rawValue) {
                fits.append(FitRecord(name: "within-density spearman G/G0 vs \(o.rawValue)", model: "mean over densities of Spearman over criteria",
                                      window: [m.densities.min() ?? 0, m.densities.max() ?? 1], estimate: c.estimate, interval: c))
            }
        }
        for name in GraspGradientFlowClaim.compared {
            for d in m.densities {
                let at = m.cells.filter { $0.method == name && $0.density == d }.sorted { $0.seedIndex < $1.seedIndex }
                perSeed.append(PerSeedRecord(name: "G/G0 \(name) at density \(d)", seeds: m.seeds, values: at.map(\.gradientRatio)))
                perSeed.append(PerSeedRecord(name: "test accuracy \(name) at density \(d)", seeds: m.seeds, values: at.map(\.testAccuracy)))
            }
        }
        var figure = Figure(title: "test accuracy against G/G₀ at init (mean over \(m.seeds.count) seeds; one curve per density)",
                            xLabel: "G / G₀ (geometric mean)", yLabel: "test accuracy %", xScale: .log10)
        for d in m.densities {
            let pts = GraspGradientFlowClaim.compared.map { meanCell(m, $0, d) }.sorted { $0.flow < $1.flow }
            figure.add(.init("density \(NumberFormat.compact(100 * d))%", record: "accuracy vs G/G0 at density \(d)", x: pts.map(\.flow), y: pts.map { 100 * $0.acc }))
        }
        var notes = ["within a density the budget is fixed, so density cannot drive the correlation; pooled over densities it can (both G/G₀ and accuracy fall with density), which is why the pooled figure is info only",
                     "G/G₀ at T = 200 on the pruning batch, every weight position (the grasp-gradient-flow quantity); the trained networks are pruned with the same masks (same seed streams)"]
        let divergences = m.cells.compactMap(\.divergence)
        if !divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + divergences.map(\.description).joined(separator: "; ")) }
        let s = m.samples.map(String.init).joined(separator: "/")
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(s), standardised)", "net": m.net,
                                    "methods": GraspGradientFlowClaim.compared.joined(separator: ",")])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for d in m.densities {
            for name in GraspGradientFlowClaim.compared {
                let c = meanCell(m, name, d)
                rows.append([NumberFormat.compact(100 * d) + "%", name, NumberFormat.compact(c.flow), String(format: "%.1f", 100 * c.acc),
                             String(format: "%.3f", c.loss1), String(format: "%.3f", c.loss5)])
            }
        }
        out += Table(headers: ["density", "criterion", "G/G₀ (geo-mean)", "test acc %", "loss ep 1", "loss ep 5"], rows: rows).render() + "\n"
        let stat = FlowTrainability.Outcome.allCases.map { o -> [String] in
            let c = m.bootstrap(m.rho(o), o.rawValue)
            let finding = c.map { Boundary(line: 0, paper: .above).judge($0).finding?.rawValue ?? "—" } ?? "—"
            return ["ρ(G/G₀, \(o == .testAccuracy ? "" : "−")\(o.rawValue))", "> 0 (preserving flow → trainable)", Self.ci(c), finding]
        }
        out += Table(headers: ["within-density Spearman", "paper", "measured [95% bootstrap CI]", "outcome"], rows: stat).render()
        return out
    }
}
