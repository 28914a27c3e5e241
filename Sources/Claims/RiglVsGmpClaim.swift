import ClaimKit
import Components
import Datasets
import Foundation
import SparseNets
import Statistics
import TextPlot

/// RigL (sparse from the start, 1× epochs) is non-inferior to gradual magnitude pruning (dense to sparse) at 90/95/98% on fewer training FLOPs.
public struct RiglVsGmpClaim: Claim {
    public init() {}

    public let id = "rigl-vs-gmp"
    public let statement = "RigL trained sparse from the start is non-inferior to gradual magnitude pruning at the same final sparsity (90%, 95%, 98%, ERK) while spending fewer training FLOPs"
    public let proofPath = "proofs/rigl-vs-gmp.md"
    public let rule = "on the digits MLP 64-256-256-10 (ERK, RigL α = 0.3, ΔT = 100, T_end = 75%; GMP cubic from dense over the first 75% every ΔT; same 40-epoch recipe), 10 paired seeds (same θ₀, data order and initial mask): non-inferiority at each of 90%, 95%, 98%: the 95% t-interval of the paired gap RigL − GMP has lower end ≥ −margin (margin 2 points, fixed on calibration master seed 1000: gaps −0.50 ± 0.99 points at 98%, lower end −1.20); invariant: RigL's training FLOPs are below GMP's on every seed at every sparsity"
    public let negativeControl = "static sparse training (the same ERK random mask, never changed) in RigL's place at 98% must fail the same non-inferiority rule"
    static let control = "static in RigL's place at the extreme sparsity (control)"
    public let source = "U. Evci, T. Gale, J. Menick, P. S. Castro, E. Elsen, \"Rigging the lottery: making all tickets winners\", ICML 2020; V. Sundar, R. V. Dwaraknath, \"[Re] Rigging the Lottery: Making All Tickets Winners\", ReScience C 7(2), 2021"
    public var controlChecks: [String] { [Self.control] }

    public let parameters: [Parameter] = {
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 6, standard: 10, full: 10, 2...100, "paired seeds"),
            .real("margin", 0.02, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "non-inferiority margin on RigL − GMP (fraction of test accuracy; 0.02 = 2 points)"),
            Parameter("control-sparsity", .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), default: .byMode(quick: .real(0.95), standard: .real(0.98), full: .real(0.98)),
                      "the sparsity at which static replaces RigL (must be one of the sparsities)"),
        ] + RiglArms.parameters.map {
            $0.name == "sparsities" ? Parameter("sparsities", .text, default: .byMode(quick: .text("0.9,0.95"), standard: .text("0.9,0.95,0.98"), full: .text("0.9,0.95,0.98")),
                                                "target sparsities (comma-separated, each in [0, 1); quick mode leaves out 98%, where 10 epochs are too few for RigL)") : $0
        } + [
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(10), standard: .int(40), full: .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    /// [Re] RigL's CIFAR-10 table (WideResNet-22-2, 80% sparsity): RigL (ERK) 1× against pruning, accuracy and training FLOPs.
    static let paper = "[Re] RigL, CIFAR-10 WRN-22-2 at 80%: RigL (ERK) 93.1 ± 0.09% vs pruning 93.2 ± 0.27% (gap −0.1 points) on 0.35× vs 0.41× dense training FLOPs; RigL abstract: \"without sacrificing accuracy relative to existing dense-to-sparse training methods\", \"fewer FLOPs\""

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var sparsities: [Double]
        var controlSparsity: Double
        var margin: Double
        var samples: [Int]
        var runs: [SparseRunResult]

        func gaps(_ a: String, _ b: String, _ s: Double) -> [Double] { SparseComparison.pairedGaps(runs, a, b, sparsity: s, seeds: seeds) }
        func fractions(_ m: String, _ s: Double) -> [Double] {
            seeds.compactMap { seed in runs.first { $0.method == m && $0.sparsity == s && $0.seed == seed }?.flops.trainingFraction }
        }
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let setup = try RiglArms.setup(run)
        let sparsities = try RiglArms.sparsities(run)
        let control = run.real("control-sparsity")
        guard sparsities.contains(control) else { throw InputError("parameter control-sparsity: \(control) is not one of the sparsities \(sparsities)") }
        let allocations = try sparsities.map(setup.allocation)
        var runs = try SparseComparison.run(setup.experiment, methods: [try RiglArms.method("rigl", run), try RiglArms.method("gmp", run)],
                                            allocations: allocations, seeds: setup.seeds, workers: run.workers, progress: run.progress, label: "rigl-vs-gmp")
        runs += try SparseComparison.run(setup.experiment, methods: [try RiglArms.method("static", run)], allocations: [try setup.allocation(control)],
                                         seeds: setup.seeds, workers: run.workers, progress: run.progress, label: "rigl-vs-gmp control")
        return Measurement(seeds: setup.seeds, sparsities: sparsities, controlSparsity: control, margin: run.real("margin"), samples: setup.samples, runs: runs)
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        let rule = NonInferiority(margin: m.margin, format: points)
        var checks = [Check]()
        for s in m.sparsities {
            let g = m.gaps("rigl", "gmp", s)
            checks.append(Check("RigL non-inferior to GMP at \(s)", role: .primary, rule.judge(g), detail: "rigl − gmp: " + GapText.gap(g, sd: true)))
        }
        var worst = -Double.infinity, violations = 0, points_ = 0
        var rows = [String]()
        for s in m.sparsities {
            let r = m.fractions("rigl", s), g = m.fractions("gmp", s)
            for (a, b) in zip(r, g) {
                points_ += 1
                worst = max(worst, a / b)
                if !(a < b) { violations += 1 }
            }
            rows.append("\(s): rigl \(String(format: "%.3f", Descriptive.mean(r)))×, gmp \(String(format: "%.3f", Descriptive.mean(g)))× dense")
        }
        checks.append(Check("RigL trains on fewer FLOPs than GMP", role: .primary,
                            Invariant.judge(worst: worst, limit: "RigL's training FLOPs / GMP's < 1", violations: violations, points: points_),
                            detail: "largest ratio \(String(format: "%.3f", worst)); " + rows.joined(separator: "; ")))
        let c = m.gaps("static", "gmp", m.controlSparsity)
        checks.append(Check(Self.control, role: .control, rule.judge(c), detail: "static − gmp: " + GapText.gap(c, sd: true)))
        return checks
    }

    public func previousRuleVerdicts(_ m: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] { [] }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for s in m.sparsities {
            for name in ["rigl", "gmp"] + (s == m.controlSparsity ? ["static"] : []) {
                perSeed.append(PerSeedRecord(name: "test accuracy \(name) at \(s)", seeds: m.seeds, values: SparseComparison.accuracies(m.runs, name, sparsity: s, seeds: m.seeds)))
                perSeed.append(PerSeedRecord(name: "training FLOPs fraction \(name) at \(s)", seeds: m.seeds, values: m.fractions(name, s)))
            }
            for a in ["rigl"] + (s == m.controlSparsity ? ["static"] : []) {
                let g = m.gaps(a, "gmp", s)
                perSeed.append(PerSeedRecord(name: "gap \(a) - gmp at \(s)", seeds: m.seeds, values: g))
                if let ci = try? ConfidenceInterval(tOver: g) {
                    fits.append(FitRecord(name: "\(a) - gmp at sparsity \(s)", model: "paired mean gap", window: [s, s], estimate: ci.estimate, interval: ci,
                                          extra: ["sd": Descriptive.standardDeviation(g)]))
                }
            }
        }
        var figure = Figure(title: "test accuracy against training FLOPs (mean over \(m.seeds.count) paired seeds)",
                            xLabel: "training FLOPs / dense training", yLabel: "test accuracy %", xScale: .log10)
        let summary = SparseComparison.summarise(m.runs, methods: ["rigl", "gmp"], sparsities: m.sparsities, baseline: "gmp")
        for name in ["rigl", "gmp"] {
            let rows = summary.filter { $0.method == name }
            figure.add(.init(name, record: "accuracy vs training FLOPs \(name)", x: rows.map(\.trainingFLOPsFraction), y: rows.map { 100 * $0.meanTestAccuracy }))
        }
        var notes = [
            "paired seeds: RigL and static start from the seed's θ₀ and ERK random mask, GMP from the same θ₀ dense; all three see the same data order; test accuracy on the fixed digits split (\(m.samples.map(String.init).joined(separator: "/")))",
            "training FLOPs are counted step by step on the masks in force (RigL's mask-only update steps pay the dense gradient, GMP pays for its denser early masks) and divided by dense training over the same steps",
            "paper: " + Self.paper,
        ]
        let divergences = m.runs.compactMap(\.divergence)
        if !divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + divergences.map(\.description).joined(separator: "; ")) }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(m.samples.map(String.init).joined(separator: "/")), standardised)",
                                    "methods": ["rigl", "gmp", "static"].map { name in (try? SparseMethodCatalog.method(named: name).composition).map { "\(name) = \($0)" } ?? name }.joined(separator: "; ")])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        let checks = self.checks(m, run)
        var rows = [[String]]()
        for s in m.sparsities {
            let g = m.gaps("rigl", "gmp", s)
            let j = checks.first { $0.name == "RigL non-inferior to GMP at \(s)" }?.judgement
            rows.append(["\(s)", "RigL ≈ pruning (≥ −\(GapText.pts(m.margin).dropFirst()) points)", RiglArms.interval(g), RiglArms.outcome(j),
                         String(format: "%.3f", Descriptive.mean(m.fractions("rigl", s))), String(format: "%.3f", Descriptive.mean(m.fractions("gmp", s)))])
        }
        let c = m.gaps("static", "gmp", m.controlSparsity)
        rows.append(["\(m.controlSparsity)", "control: static − GMP must fail", RiglArms.interval(c), RiglArms.outcome(checks.first { $0.name == Self.control }?.judgement),
                     String(format: "%.3f", Descriptive.mean(m.fractions("static", m.controlSparsity))), "—"])
        out += Table(headers: ["S", "paper's statement", "measured gap RigL − GMP, points [95% CI]", "outcome", "RigL train FLOPs ×dense", "GMP train FLOPs ×dense"], rows: rows).render() + "\n"
        out += "paper: \(Self.paper)\n"
        return out
    }
}
