import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// GraSP against the paper's baselines at extreme sparsity: a boundary verdict per sparsity and baseline.
///
/// The paper says GraSP is significantly better than the baselines at extreme sparsity. Here the
/// verdict words come from paired 95% t-intervals of test accuracy GraSP − baseline: reproduces
/// (above 0), does not reproduce (below 0), inconclusive (straddles 0). A power control — random
/// pruning in GraSP's place against SNIP, where SNIP is clearly better — shows that the same
/// interval detects an effect, so "inconclusive" is not "no effect".
public struct GraspExtremeClaim: Claim {
    public init() {}

    public let id = "grasp-extreme"
    public let statement = "at 95–99.5% sparsity on the digits MLP, GraSP is significantly better than random pruning at every sparsity (the paper's direction reproduces); against SNIP it is not worse at 98% but not better at 99% (the paper's direction does not carry over), with 95% and 99.5% reported"
    public let proofPath = "proofs/grasp-extreme.md"
    public let source = "C. Wang, G. Zhang, R. Grosse, \"Picking winning tickets before training by preserving gradient flow\" (GraSP), ICLR 2020"
    public var rule: String {
        "boundary, digits MLP 64-256-256-10, 40 epochs, 10 paired seeds, paired 95% t-intervals of test accuracy (paper: above 0): GraSP − random reproduces at 95, 98, 99 and 99.5%; GraSP − SNIP at 98% passes on reproduces or inconclusive (SNIP not shown better), at 99% on does-not-reproduce or inconclusive (GraSP not shown better); GraSP − SNIP at 95% and 99.5% reported as info"
    }
    public let negativeControl = "power control: SNIP − random (SNIP in GraSP's place, random in SNIP's) must fail the 99% rule 'not shown better', i.e. random − SNIP must be detected, at 99% and 99.5% where SNIP is clearly better"
    /// What the GraSP − SNIP check at a sparsity accepts (calibration, master seeds 1000–1002); absent = info.
    static let snipAccepts: [Double: Set<BoundaryFinding>] = [0.98: [.reproduces, .inconclusive], 0.99: [.doesNotReproduce, .inconclusive]]
    /// Sparsities where the power control is stated (calibration: SNIP − random tens of points there).
    static let powerAt: [Double] = [0.99, 0.995]
    static func controlName(_ s: Double) -> String { "random − SNIP detected at \(pct(s)) (power control)" }
    public var controlChecks: [String] { Self.powerAt.map(Self.controlName) }
    public var controlsNotInQuickMode: [String] { [Self.controlName(0.995)] }

    public let parameters: [Parameter] = {
        let grasp = GraSPScore.parameters[0]
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 5, standard: 10, full: 10, 2...100, "paired seeds"),
            Parameter("sparsities", .text, default: .byMode(quick: .text("0.99"), standard: .text("0.95,0.98,0.99,0.995"), full: .text("0.95,0.98,0.99,0.995")),
                      "sparsities, comma-separated, each in [0, 1)"),
            Parameter("net", .text, default: .byMode(quick: .text("mlp:256,256"), standard: .text("mlp:256,256"), full: .text("mlp:256,256")),
                      "network (mlp:W1,… or cnn:C1,…)"),
            Parameter(grasp.name, grasp.domain, default: grasp.defaultValue, grasp.help),
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(10), standard: epochs.defaultValue(in: .standard) ?? .int(40),
                                                                     full: epochs.defaultValue(in: .full) ?? .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" }
    }()

    static let arms = ["grasp", "snip", "random"]

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var sparsities: [Double]
        var net: String
        var epochs: Int
        var samples: [Int]
        var runs: [PruningArms.Run]
        var divergences: [Divergence]

        func accuracy(_ m: String, _ s: Double) -> [Double] { PruningArms.accuracies(runs, m, density: 1 - s) }
        func gap(_ a: String, _ b: String, _ s: Double) -> [Double] { zip(accuracy(a, s), accuracy(b, s)).map { $0 - $1 } }
        func disconnected(_ m: String, _ s: Double) -> Int { runs.filter { $0.method == m && $0.density == 1 - s && $0.disconnected }.count }
    }

    static func pct(_ x: Double) -> String { NumberFormat.compact(100 * x) + "%" }
    static func points(_ x: Double) -> String { String(format: "%+.2f", 100 * x) }
    static func interval(_ d: [Double]) -> String {
        guard let ci = try? ConfidenceInterval(tOver: d) else { return "—" }
        return "\(points(ci.estimate)) [\(points(ci.lower)), \(points(ci.upper))]"
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let sparsities = try RiglVsStaticClaim.parseList(run.string("sparsities"), name: "sparsities")
        let arch: Architecture
        do { arch = try Architecture.parse(run.string("net")) } catch { throw InputError("net: \(error)") }
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters) } catch { throw InputError("\(error)") }
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<run.int("seeds")).map { master.split($0).seed }
        let data = try PreparedData.digits()
        let (scores, _) = try PruningCatalog.scores(Self.arms.joined(separator: ","), overrides: ["temperature": run.string("temperature")])
        let experiment = PairedPruningExperiment(architecture: arch, data: data, recipe: recipe, pruningPerClass: run.int("per-class"))
        let runs = try PruningArms.run(experiment, arms: scores.map { $0 }, densities: sparsities.map { 1 - $0 }, seeds: seeds,
                                       workers: run.workers, progress: run.progress, label: "grasp-extreme")
        return Measurement(seeds: seeds, sparsities: sparsities, net: arch.description, epochs: recipe.epochs,
                           samples: [data.train.count, data.validation.count, data.test.count], runs: runs, divergences: runs.compactMap(\.divergence))
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let format: @Sendable (Double) -> String = { Self.points($0) + " points" }
        let notBetter = Boundary(line: 0, paper: .above, accepts: [.doesNotReproduce, .inconclusive], format: format)
        let better = Boundary(line: 0, paper: .above, accepts: [.reproduces], format: format)
        var checks = [Check]()
        for s in m.sparsities {
            let d = m.gap("grasp", "random", s)
            let j = better.judge(d)
            checks.append(Check("GraSP − random at \(Self.pct(s)): better", role: .primary, j,
                                detail: "GraSP − random \(Self.interval(d)) points: \(j.finding?.rawValue ?? "—"); a class cut off in \(m.disconnected("grasp", s)) GraSP and \(m.disconnected("random", s)) random runs of \(d.count)"))
        }
        for s in m.sparsities {
            let d = m.gap("grasp", "snip", s)
            let accepts = Self.snipAccepts.first { abs($0.key - s) < 1e-12 }?.value
            let j = Boundary(line: 0, paper: .above, accepts: accepts ?? [.reproduces, .doesNotReproduce, .inconclusive], format: format).judge(d)
            let name = accepts == [.reproduces, .inconclusive] ? "SNIP not better" : accepts != nil ? "not better" : "(info)"
            checks.append(Check("GraSP − SNIP at \(Self.pct(s)): \(name)", role: accepts == nil ? .info : .primary, j,
                                detail: "GraSP − SNIP \(Self.interval(d)) points over \(d.count) paired seeds: \(j.finding?.rawValue ?? "—")"))
        }
        for s in m.sparsities where Self.powerAt.contains(where: { abs($0 - s) < 1e-12 }) {
            let d = m.gap("random", "snip", s)
            let j = notBetter.judge(d.map { -$0 })
            checks.append(Check(Self.controlName(s), role: .control, j,
                                rule: "boundary: SNIP − random (random in GraSP's place, sign as the GraSP − SNIP check reads it) must be detected: the rule 'does not lie above 0' must fail",
                                detail: "random − SNIP \(Self.interval(d)) points"))
        }
        return checks
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for s in m.sparsities {
            for a in Self.arms { perSeed.append(PerSeedRecord(name: "test accuracy \(a) at \(s)", seeds: m.seeds, values: m.accuracy(a, s))) }
            for (a, b) in [("grasp", "snip"), ("grasp", "random"), ("random", "snip")] {
                let d = m.gap(a, b, s)
                if let ci = try? ConfidenceInterval(tOver: d) {
                    fits.append(FitRecord(name: "\(a) - \(b) at \(s)", model: "paired mean gap", window: [s, s], estimate: ci.estimate, interval: ci,
                                          extra: ["sd": Descriptive.standardDeviation(d)]))
                }
            }
        }
        var figure = Figure(title: "test accuracy after pruning at init and training (mean over \(m.seeds.count) paired seeds, \(m.net))",
                            xLabel: "density (kept fraction)", yLabel: "test accuracy %", xScale: .log10)
        for a in Self.arms {
            figure.add(.init(a, record: "test accuracy \(a)", x: m.sparsities.map { 1 - $0 }, y: m.sparsities.map { 100 * Descriptive.mean(m.accuracy(a, $0)) },
                             dashed: a == "random"))
        }
        var notes = ["paired seeds: the same θ₀, pruning batch and data order for every arm; \(m.epochs) epochs of the prune command's recipe; the paper's setting is VGG-19/ResNet-32 on CIFAR-10/100 and Tiny-ImageNet at 90–98% sparsity"]
        if !m.divergences.isEmpty {
            notes.append("training diverged, so those accuracies are not results: " + m.divergences.map(\.description).joined(separator: "; "))
        }
        let s = m.samples.map(String.init).joined(separator: "/")
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(s), standardised)", "net": m.net])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for s in m.sparsities {
            for b in ["snip", "random"] {
                let d = m.gap("grasp", b, s)
                let finding = Boundary(line: 0, paper: .above).judge(d).finding?.rawValue ?? "—"
                rows.append([Self.pct(s), "GraSP − \(b)", "> 0 (significantly better)", Self.interval(d), finding])
            }
        }
        out += Table(headers: ["sparsity", "comparison", "paper", "measured, points [95% CI]", "outcome"], rows: rows).render()
        return out
    }
}
