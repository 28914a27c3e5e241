import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// A boundary claim: [Re] RigL's "uniform beats ERK at fixed FLOPs" does not carry over to the small digits CNN.
///
/// The verdict words map onto the check roles: the claim holds ("does not reproduce") when at
/// no sparsity the paired 95% interval of uniform − ERK at fixed FLOPs lies above 0; it is
/// violated ("reproduces") when at some sparsity it does; and it cannot fail ("inconclusive")
/// when the power control — the fixed-parameter comparison at the highest sparsity, where
/// uniform's starved fc layer costs accuracy — is not detected by the same interval, because
/// then the experiment could not have seen an effect of that size either.
public struct ErkVsUniformClaim: Claim {
    public init() {}

    public let id = "erk-vs-uniform"
    public let statement = "on the small digits CNN, [Re] RigL's finding that uniform beats ERK at fixed FLOPs does not reproduce (uniform is never significantly better); ERK's fixed-parameter win at 95% comes from uniform's starved fc layer"
    public let proofPath = "proofs/erk-vs-uniform.md"
    public let rule = "boundary: small CNN (1→8→16→pool→32→pool→64→GAP→fc), RigL, ≥ 10 paired seeds, at 90% and 95%: at every sparsity the paired 95% t-interval of test accuracy uniform − ERK at equal inference FLOPs does not lie above 0 (passes on does-not-reproduce or inconclusive; else: reproduces); invariant: budgets exact (params) and within 0.5% (FLOPs)"
    public let negativeControl = "power control: the same interval must detect ERK's fixed-parameter advantage over uniform at the highest sparsity (else: inconclusive)"
    static let control = "ERK at fixed params in uniform-at-fixed-FLOPs' place (power control)"
    public let source = "[Re] Rigging the Lottery: Making All Tickets Winners, ML Reproducibility Challenge 2020 (ReScience C); U. Evci et al., ICML 2020"
    public var controlChecks: [String] { [Self.control] }

    /// The claim's settings, the method's schedule and uniform's dense first layer, and the training recipe, each declared once where it belongs.
    public let parameters: [Parameter] = {
        let deltaT = ScheduleParameters.deltaT
        let epochs = TrainingRecipe.parameter("epochs")
        let denseFirst = UniformDistribution.parameters[0]
        return [
            .int("seeds", quick: 5, standard: 10, full: 20, 2...200, "paired seeds (the CNN's seed spread reached 17 points in the prototype)"),
            Parameter("sparsities", .text, default: .byMode(quick: .text("0.9"), standard: .text("0.9,0.95"), full: .text("0.9,0.95")),
                      "sparsities, comma-separated, each in [0, 1) (the power control uses the highest)"),
            .text("net", "small-cnn", "network (small-cnn is 1→8→16→pool→32→pool→64→GAP→fc on 8×8 digits)"),
            .choice("method", "rigl", SparseMethodCatalog.all.names, "sparse-training method of every arm"),
            ScheduleParameters.alpha,
            Parameter(deltaT.name, deltaT.domain, default: .fixed(.int(20)), deltaT.help + " (as in rigl-vs-static)"),
            ScheduleParameters.tEnd,
            Parameter(denseFirst.name, denseFirst.domain, default: .fixed(.flag(true)), denseFirst.help + " (the prototype's uniform: its fc keeps 30 weights at 95%)"),
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(15), standard: epochs.defaultValue(in: .standard) ?? .int(40), full: epochs.defaultValue(in: .full) ?? .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    /// The three arms at one sparsity.
    public struct Arms: Sendable {
        var sparsity: Double
        /// Uniform at S: the reference of both budgets.
        var uniform: LayerAllocation
        /// ERK at S: the same total of weights.
        var erkParams: LayerAllocation
        /// ERK at the sparsity whose inference FLOPs equal uniform's at S.
        var erkFLOPs: FLOPMatch.Result
        /// Test accuracy per seed of each arm.
        var uniformAccuracy: [Double] = []
        var erkParamsAccuracy: [Double] = []
        var erkFLOPsAccuracy: [Double] = []
        /// Runs that ended with a class cut off from every input, per arm.
        var disconnected: [Int] = [0, 0, 0]
    }

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var method: String
        var epochs: Int
        var samples: [Int]
        var arms: [Arms]
        var divergences: [Divergence]
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let sparsities = try RiglVsStaticClaim.parseList(run.string("sparsities"), name: "sparsities")
        let (experiment, seeds, data) = try RiglArms.experiment(run)
        let layers = try experiment.layerShapes()
        let uniform = UniformDistribution(parameters: ParameterValues(["dense-first": .flag(run.flag("dense-first"))]))
        let erk = ERKDistribution()
        let name = run.string("method")
        let keys = Set(SparseMethodCatalog.parameters(of: try SparseMethodCatalog.all.named(name)).map(\.name))
        let settings = ["alpha": run.string("alpha"), "delta-t": run.string("delta-t"), "t-end": run.string("t-end")].filter { keys.contains($0.key) }
        let method = try SparseMethodCatalog.method(named: name, overrides: settings)
        var arms = [Arms]()
        do {
            for s in sparsities {
                arms.append(Arms(sparsity: s, uniform: try DistributionSolver.allocate(uniform, layers: layers, sparsity: s),
                                 erkParams: try DistributionSolver.allocate(erk, layers: layers, sparsity: s),
                                 erkFLOPs: try FLOPMatch.solve(erk, reference: uniform, layers: layers, sparsity: s)))
            }
        } catch { throw InputError("\(error)") }
        let allocations = arms.flatMap { [$0.uniform, $0.erkParams, $0.erkFLOPs.allocation] }
        let runs = try SparseComparison.run(experiment, methods: [method], allocations: allocations, seeds: seeds,
                                            workers: run.workers, progress: run.progress, label: "erk-vs-uniform")
        // Runs come back in (allocation, method, seed) order.
        for a in arms.indices {
            for arm in 0..<3 {
                let slice = runs[((3 * a + arm) * seeds.count)..<((3 * a + arm + 1) * seeds.count)]
                let acc = slice.map(\.test.accuracy)
                switch arm {
                case 0: arms[a].uniformAccuracy = acc
                case 1: arms[a].erkParamsAccuracy = acc
                default: arms[a].erkFLOPsAccuracy = acc
                }
                arms[a].disconnected[arm] = slice.filter { !$0.connectivity.disconnectedClasses.isEmpty }.count
            }
        }
        return Measurement(seeds: seeds, method: name, epochs: experiment.recipe.epochs, samples: [data.train.count, data.validation.count, data.test.count],
                           arms: arms, divergences: runs.compactMap(\.divergence))
    }

    /// The paired 95% t-interval of a − b (nil with fewer than two seeds).
    static func interval(_ a: [Double], _ b: [Double]) -> ConfidenceInterval? { try? ConfidenceInterval(tOver: zip(a, b).map { $0 - $1 }) }

    /// A boundary judgement of an interval; no interval (too few finite seeds) is inconclusive.
    static func judge(_ b: Boundary, _ ci: ConfidenceInterval?) -> Judgement {
        ci.map { b.judge($0) } ?? Boundary(line: b.line, paper: b.paper, accepts: b.accepts, format: b.format).judge([])
    }

    /// [Re] RigL's direction measured by a paired interval: "reproduces" above 0, "contradicted" below, else "inconclusive".
    static func outcome(_ ci: ConfidenceInterval?) -> String {
        guard let ci else { return "inconclusive" }
        return ci.lower > 0 ? "reproduces" : ci.upper < 0 ? "contradicted" : "inconclusive"
    }

    static func pts(_ ci: ConfidenceInterval?) -> String {
        guard let ci else { return "—" }
        return String(format: "%+.2f [%+.2f, %+.2f]", 100 * ci.estimate, 100 * ci.lower, 100 * ci.upper)
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        var checks = [Check]()
        let budgets = m.arms.allSatisfy { $0.uniform.totalNonZeros == $0.erkParams.totalNonZeros && $0.erkFLOPs.relativeError <= SparsityBudget.flopTolerance }
        let missed = m.arms.filter { !($0.uniform.totalNonZeros == $0.erkParams.totalNonZeros && $0.erkFLOPs.relativeError <= SparsityBudget.flopTolerance) }.count
        checks.append(Check("budgets met", role: .regime,
                            Invariant.judge(worst: m.arms.map(\.erkFLOPs.relativeError).max() ?? .nan, limit: "equal weights and FLOPs within 0.5%", violations: budgets ? 0 : max(1, missed), points: m.arms.count),
                            rule: "ERK keeps as many weights as uniform (fixed params) and matches its inference FLOPs within 0.5% (fixed FLOPs)",
                            detail: m.arms.map { a in "\(a.sparsity): \(a.erkParams.totalNonZeros) = \(a.uniform.totalNonZeros) weights; ERK at \(String(format: "%.4f", a.erkFLOPs.allocation.sparsity)) within \(String(format: "%.3f", 100 * a.erkFLOPs.relativeError))% of uniform's FLOPs" }.joined(separator: "; ")))
        // The claim (version 1) registered "[Re] RigL's direction is not shown here": a boundary check that passes unless
        // the interval lies on the paper's side, and records which of the three findings it was.
        let notShown = Boundary(line: 0, paper: .above, accepts: [.doesNotReproduce, .inconclusive], format: { String(format: "%+.2f", 100 * $0) })
        for a in m.arms {
            let ci = Self.interval(a.uniformAccuracy, a.erkFLOPsAccuracy)
            checks.append(Check("fixed FLOPs at \(a.sparsity): uniform not better than ERK", role: .primary, Self.judge(notShown, ci),
                                rule: "paired 95% interval of uniform − ERK (equal inference FLOPs) does not lie above 0",
                                detail: "uniform − ERK \(Self.pts(ci)) points over \(m.seeds.count) seeds: [Re] RigL's direction \(Self.outcome(ci))"))
        }
        if let top = m.arms.max(by: { $0.sparsity < $1.sparsity }) {
            let ci = Self.interval(top.erkParamsAccuracy, top.uniformAccuracy)
            checks.append(Check(Self.control, role: .control, Self.judge(notShown, ci),
                                rule: "paired 95% interval of ERK (fixed params) − uniform at \(top.sparsity) does not lie above 0",
                                detail: "ERK − uniform \(Self.pts(ci)) points; uniform's fc keeps \(top.uniform.nonZeros.last ?? 0) of \(top.uniform.layers.last?.weights ?? 0) weights"))
        }
        for a in m.arms {
            let ci = Self.interval(a.erkParamsAccuracy, a.uniformAccuracy)
            checks.append(Check("fixed params at \(a.sparsity): [Re] RigL's ERK > uniform (info)", role: .info,
                                Self.judge(Boundary(line: 0, paper: .above, accepts: [.reproduces], format: { String(format: "%+.2f", 100 * $0) }), ci),
                                rule: "paired 95% interval of ERK − uniform (equal weights) above 0",
                                detail: "ERK − uniform \(Self.pts(ci)) points: \(Self.outcome(ci)); uniform's fc keeps \(a.uniform.nonZeros.last ?? 0) weights, ERK's \(a.erkParams.nonZeros.last ?? 0)"))
        }
        return checks
    }

    /// The verdict in the issue's words, derived from the checks.
    static func outcomeWord(_ checks: [Check]) -> String {
        switch Verdict.judge(checks).verdict {
        case .holds: return "does not reproduce"
        case .violated: return "reproduces"
        case .cannotFail, .regimeNotReached, .inconclusive: return "inconclusive"
        }
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for a in m.arms {
            perSeed.append(PerSeedRecord(name: "test accuracy uniform at \(a.sparsity)", seeds: m.seeds, values: a.uniformAccuracy))
            perSeed.append(PerSeedRecord(name: "test accuracy erk fixed params at \(a.sparsity)", seeds: m.seeds, values: a.erkParamsAccuracy))
            perSeed.append(PerSeedRecord(name: "test accuracy erk fixed flops at \(a.sparsity)", seeds: m.seeds, values: a.erkFLOPsAccuracy))
            for (name, x, y) in [("erk - uniform, fixed params", a.erkParamsAccuracy, a.uniformAccuracy), ("uniform - erk, fixed flops", a.uniformAccuracy, a.erkFLOPsAccuracy)] {
                if let ci = Self.interval(x, y) {
                    fits.append(FitRecord(name: "\(name) at \(a.sparsity)", model: "paired mean gap", window: [a.sparsity, a.sparsity], estimate: ci.estimate, interval: ci,
                                          extra: ["sd": Descriptive.standardDeviation(zip(x, y).map { $0 - $1 })]))
                }
            }
        }
        var figure = Figure(title: "test accuracy against inference FLOPs (mean over \(m.seeds.count) paired seeds, \(m.method))",
                            xLabel: "inference FLOPs / dense", yLabel: "test accuracy %", xScale: .log10)
        func curve(_ label: String, _ pick: (Arms) -> (LayerAllocation, [Double])) -> Figure.Curve {
            let pts = m.arms.map(pick)
            return .init(label, record: "accuracy vs inference FLOPs \(label)", x: pts.map { $0.0.inferenceFLOPs / $0.0.denseFLOPs }, y: pts.map { 100 * Descriptive.mean($0.1) })
        }
        figure.add(curve("uniform", { ($0.uniform, $0.uniformAccuracy) }))
        figure.add(curve("erk (fixed params)", { ($0.erkParams, $0.erkParamsAccuracy) }))
        figure.add(curve("erk (fixed flops)", { ($0.erkFLOPs.allocation, $0.erkFLOPsAccuracy) }))
        let outcome = Self.outcomeWord(checks(m, run))
        var notes = [
            "outcome: \(outcome) — holds = does not reproduce, violated = reproduces, cannot-fail or regime-not-reached = inconclusive",
            "[Re] RigL (WRN-22-2, CIFAR-10, 80%): ERK beats uniform at fixed parameters, uniform beats ERK at fixed FLOPs; the prototype (numpy, digits CNN) found the fixed-FLOP finding did not reproduce",
            "ERK makes the first conv (72 weights at 64 pixels) dense or nearly so, which costs FLOPs: at fixed FLOPs ERK must be sparser overall",
        ]
        if !m.divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + m.divergences.map(\.description).joined(separator: "; ")) }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["outcome": outcome, "data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(m.samples.map(String.init).joined(separator: "/")), standardised)"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        func acc(_ x: [Double]) -> String { String(format: "%.2f ± %.2f", 100 * Descriptive.mean(x), 100 * Descriptive.standardDeviation(x)) }
        var rows = [[String]]()
        for a in m.arms {
            rows.append(["\(a.sparsity)", "uniform", String(format: "%.4f", a.uniform.sparsity), String(format: "%.4f", a.uniform.inferenceFLOPs / a.uniform.denseFLOPs), "\(a.uniform.nonZeros.last ?? 0)", acc(a.uniformAccuracy), "\(a.disconnected[0])", "—"])
            rows.append(["", "ERK, fixed params", String(format: "%.4f", a.erkParams.sparsity), String(format: "%.4f", a.erkParams.inferenceFLOPs / a.erkParams.denseFLOPs), "\(a.erkParams.nonZeros.last ?? 0)", acc(a.erkParamsAccuracy), "\(a.disconnected[1])",
                         "ERK − uniform \(Self.pts(Self.interval(a.erkParamsAccuracy, a.uniformAccuracy))): \(Self.outcome(Self.interval(a.erkParamsAccuracy, a.uniformAccuracy)))"])
            rows.append(["", "ERK, fixed FLOPs", String(format: "%.4f", a.erkFLOPs.allocation.sparsity), String(format: "%.4f", a.erkFLOPs.allocation.inferenceFLOPs / a.erkFLOPs.allocation.denseFLOPs), "\(a.erkFLOPs.allocation.nonZeros.last ?? 0)", acc(a.erkFLOPsAccuracy), "\(a.disconnected[2])",
                         "uniform − ERK \(Self.pts(Self.interval(a.uniformAccuracy, a.erkFLOPsAccuracy))): \(Self.outcome(Self.interval(a.uniformAccuracy, a.erkFLOPsAccuracy)))"])
        }
        out += Table(headers: ["S", "arm", "own sparsity", "inference ×dense", "fc weights", "test acc % (mean ± sd)", "disconnected runs", "[Re] RigL's direction, points [95% CI]"], rows: rows).render() + "\n"
        out += "[Re] RigL claims ERK > uniform at fixed params and uniform > ERK at fixed FLOPs; the prototype found ERK wins at 95% fixed params only through uniform's starved fc, and uniform never won at fixed FLOPs\n"
        out += "outcome: \(results.facts["outcome"] ?? "?")\n"
        return out
    }
}
