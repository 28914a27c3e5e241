import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// GraSP's headline: pruned to 80% at initialisation, the network trains to within a small drop of the dense one.
public struct Grasp80Claim: Claim {
    public init() {}

    public let id = "grasp-80"
    public let statement = "GraSP prunes 80% of the weights at initialisation with only a small drop from the dense network trained with the same recipe (the paper: 1.6 points, VGG-16 on ImageNet); here on the digits MLP and CNN"
    public let proofPath = "proofs/grasp-80.md"
    public let source = "C. Wang, G. Zhang, R. Grosse, \"Picking winning tickets before training by preserving gradient flow\" (GraSP), ICLR 2020"
    /// The non-inferiority margin in accuracy (a fraction): the paper's own drop, 1.6 points (see the proofs document).
    static let margin = 0.016
    public var rule: String {
        "non-inferiority: at 80% sparsity, on each network (digits MLP 64-256-256-10 and CNN cnn:8,16), 10 paired seeds: the lower end of the 95% paired t-interval of test accuracy GraSP − dense is ≥ −\(Self.points(Self.margin)) points (the paper's drop as the margin)"
    }
    public let negativeControl = "reverse-GraSP (GraSP's scores, the other end kept) in GraSP's place must fail the same rule on each network"
    static func controlName(_ net: String) -> String { "reverse-GraSP in GraSP's place on \(net) (control)" }
    public var controlChecks: [String] { Self.defaultNets.map(Self.controlName) }
    static let defaultNets = ["mlp:256,256", "cnn:8,16"]

    /// The claim's settings, GraSP's temperature and the training recipe, each declared once where it belongs.
    public let parameters: [Parameter] = {
        let grasp = GraSPScore.parameters[0]
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 4, standard: 10, full: 10, 2...100, "paired seeds"),
            .real("sparsity", 0.8, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "fraction of prunable weights removed"),
            .text("nets", Grasp80Claim.defaultNets.joined(separator: ";"), "networks, ';'-separated (mlp:W1,… or cnn:C1,…)"),
            Parameter(grasp.name, grasp.domain, default: grasp.defaultValue, grasp.help),
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(3), standard: epochs.defaultValue(in: .standard) ?? .int(40),
                                                                     full: epochs.defaultValue(in: .full) ?? .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" }
    }()

    /// The arms of one network.
    public struct Network: Sendable {
        var name: String
        var dense: [Double]
        var grasp: [Double]
        var reverse: [Double]
        var graspDisconnected: Int
        var reverseDisconnected: Int
    }

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var sparsity: Double
        var epochs: Int
        var samples: [Int]
        var nets: [Network]
        var divergences: [Divergence]
    }

    static func points(_ x: Double) -> String { String(format: "%.2f", 100 * x) }
    static func signed(_ x: Double) -> String { String(format: "%+.2f", 100 * x) }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let names = run.string("nets").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw InputError("parameter nets is empty") }
        let archs = try names.map { n throws(InputError) -> Architecture in
            do { return try Architecture.parse(n) } catch { throw InputError("nets: \(error)") }
        }
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters) } catch { throw InputError("\(error)") }
        let sparsity = run.real("sparsity")
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<run.int("seeds")).map { master.split($0).seed }
        let data = try PreparedData.digits()
        let (scores, _) = try PruningCatalog.scores("grasp,reverse-grasp", overrides: ["temperature": run.string("temperature")])
        var nets = [Network](), divergences = [Divergence]()
        for (name, arch) in zip(names, archs) {
            let experiment = PairedPruningExperiment(architecture: arch, data: data, recipe: recipe, pruningPerClass: run.int("per-class"))
            let runs = try PruningArms.run(experiment, arms: [nil] + scores.map { $0 }, densities: [1 - sparsity], seeds: seeds,
                                           workers: run.workers, progress: run.progress, label: "grasp-80 \(name)")
            let acc = { (m: String) in PruningArms.accuracies(runs, m, density: 1 - sparsity) }
            nets.append(Network(name: name, dense: acc("dense"), grasp: acc("grasp"), reverse: acc("reverse-grasp"),
                                graspDisconnected: runs.filter { $0.method == "grasp" && $0.disconnected }.count,
                                reverseDisconnected: runs.filter { $0.method == "reverse-grasp" && $0.disconnected }.count))
            divergences += runs.compactMap(\.divergence)
        }
        return Measurement(seeds: seeds, sparsity: sparsity, epochs: recipe.epochs, samples: [data.train.count, data.validation.count, data.test.count],
                           nets: nets, divergences: divergences)
    }

    static func differences(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }

    static func interval(_ d: [Double]) -> String {
        guard let ci = try? ConfidenceInterval(tOver: d) else { return "—" }
        return "\(signed(ci.estimate)) [\(signed(ci.lower)), \(signed(ci.upper))]"
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let rule = NonInferiority(margin: Self.margin, format: { Self.points($0) + " points" })
        var checks = [Check]()
        for n in m.nets {
            let d = Self.differences(n.grasp, n.dense)
            checks.append(Check("GraSP − dense at \(Self.pct(m.sparsity)) sparsity on \(n.name)", role: .primary, rule.judge(d),
                                detail: "GraSP − dense \(Self.interval(d)) points over \(d.count) paired seeds; dense \(Self.meanText(n.dense))%, GraSP \(Self.meanText(n.grasp))%"))
        }
        for n in m.nets {
            let d = Self.differences(n.reverse, n.dense)
            checks.append(Check(Self.controlName(n.name), role: .control, rule.judge(d),
                                detail: "reverse-GraSP − dense \(Self.interval(d)) points; reverse-GraSP \(Self.meanText(n.reverse))%, \(n.reverseDisconnected)/\(n.reverse.count) runs with a class cut off"))
        }
        // The paper's figure itself, beside ours: is the measured drop at least as small as 1.6 points?
        for n in m.nets {
            let drop = Self.differences(n.dense, n.grasp)
            checks.append(Check("drop from dense on \(n.name) within the paper's 1.6 points (info)", role: .info,
                                Boundary(line: Self.margin, paper: .below, accepts: [.reproduces], format: { Self.points($0) + " points" }).judge(drop),
                                detail: "dense − GraSP \(Self.interval(drop)) points; the paper: 1.6 (VGG-16, ImageNet, 80%)"))
        }
        return checks
    }

    static func pct(_ x: Double) -> String { NumberFormat.compact(100 * x) + "%" }
    static func meanText(_ x: [Double]) -> String { String(format: "%.2f", 100 * Descriptive.mean(x)) }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for n in m.nets {
            for (arm, acc) in [("dense", n.dense), ("grasp", n.grasp), ("reverse-grasp", n.reverse)] {
                perSeed.append(PerSeedRecord(name: "test accuracy \(arm) on \(n.name)", seeds: m.seeds, values: acc))
            }
            for (arm, acc) in [("grasp", n.grasp), ("reverse-grasp", n.reverse)] {
                let d = Self.differences(n.dense, acc)
                if let drop = DropFromDense(differences: d), let ci = try? ConfidenceInterval(tOver: d) {
                    fits.append(FitRecord(name: "drop from dense \(arm) on \(n.name)", model: "paired mean dense − pruned", window: [m.sparsity, m.sparsity],
                                          estimate: drop.mean, interval: ci, extra: ["sd": drop.sd]))
                }
            }
        }
        var notes = ["drop = dense − pruned test accuracy on the same seed (same θ₀, pruning batch and data order); \(m.epochs) epochs, the prune command's recipe; the paper's 1.6 points is VGG-16 on ImageNet (top-1), a network and data set three orders of magnitude larger"]
        if !m.divergences.isEmpty {
            notes.append("training diverged, so those accuracies are not results: " + m.divergences.map(\.description).joined(separator: "; "))
        }
        let s = m.samples.map(String.init).joined(separator: "/")
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(s), standardised)", "nets": m.nets.map(\.name).joined(separator: ";")])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let rows = m.nets.map { n -> [String] in
            [n.name, Self.meanText(n.dense), Self.meanText(n.grasp), Self.interval(Self.differences(n.dense, n.grasp)),
             Self.meanText(n.reverse), Self.interval(Self.differences(n.dense, n.reverse))]
        }
        return Table(headers: ["net (\(Self.pct(m.sparsity)) sparsity, \(m.seeds.count) seeds)", "dense %", "GraSP %", "drop GraSP [95% CI]",
                               "reverse %", "drop reverse [95% CI]"], rows: rows).render()
            + "paper: drop 1.6 points (VGG-16 on ImageNet at 80%); the rule: drop's upper end ≤ \(Self.points(Self.margin)) points\n"
    }
}
