import ClaimKit
import Components
import Datasets
import Foundation
import SparseNets
import Statistics
import TextPlot

/// [Re] RigL: by training longer RigL matches gradual magnitude pruning while its FLOPs per step stay constant.
public struct RiglLongerClaim: Claim {
    public init() {}

    public let id = "rigl-longer"
    public let statement = "RigL trained 1×, 2× and 5× as long closes its gap to gradual magnitude pruning (1×): the 5× run beats the 1× run, and at 5× RigL is non-inferior to GMP, on constant FLOPs per step"
    public let proofPath = "proofs/rigl-longer.md"
    public let rule = "digits MLP 64-256-256-10, ERK at 98% sparsity, RigL α = 0.3, ΔT = 100, T_end = 75% of each run, GMP cubic from dense every ΔT over the first 75%; a short budget: 1× = 10 epochs (chosen on calibration master seed 1000, where at 40 epochs RigL 1× was already within 0.5 points of GMP and nothing was left to close); RigL at 1×, 2×, 5× the epochs (cosine learning rate and T_end stretched to the run, ΔT unchanged), 10 paired seeds (same θ₀, data order and initial mask): superiority: the 95% lower end of RigL 5× − RigL 1× > 0 (the gap to GMP shrinks); non-inferiority: the 95% lower end of RigL 5× − GMP 1× ≥ −1 point; each arm's total training FLOPs reported as a fraction of GMP 1×'s"
    public let negativeControl = "RigL 1× in the 5× arm's place must fail the non-inferiority rule"
    static let control = "RigL 1× in the 5× arm's place (control)"
    public let source = "V. Sundar, R. V. Dwaraknath, \"[Re] Rigging the Lottery: Making All Tickets Winners\", ReScience C 7(2), 2021; U. Evci, T. Gale, J. Menick, P. S. Castro, E. Elsen, \"Rigging the lottery: making all tickets winners\", ICML 2020"
    public var controlChecks: [String] { [Self.control] }

    public let parameters: [Parameter] = {
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 3, standard: 10, full: 10, 2...100, "paired seeds"),
            .real("margin", 0.01, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "non-inferiority margin on RigL 5× − GMP (fraction; 0.01 = 1 point)"),
            .text("lengths", "1,2,5", "RigL's training lengths as multiples of the 1× epochs (the last is judged; must include 1)"),
        ] + RiglArms.parameters.map { $0.name == "sparsities" ? .text("sparsities", "0.98", "the sparsity (one value)") : $0 } + [
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(5), standard: .int(10), full: .int(10)), epochs.help + " (the 1× length)"),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    /// [Re] RigL's CIFAR-10 WRN-22-2 figures at 80% sparsity (test %, training FLOPs × dense).
    static let paper = "[Re] RigL CIFAR-10 at 80%: pruning 93.2 ± 0.27 (0.41×), RigL (ERK) 1× 93.1 ± 0.09 (0.35×), RigL (ERK) 2× 93.3 ± 0.09 (0.70×): \"by training longer, the performance can match or exceed iterative pruning, while consuming constant FLOPs\""

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var sparsity: Double
        var lengths: [Int]
        var margin: Double
        var epochs: Int
        var samples: [Int]
        /// RigL runs by length (method renamed "rigl Nx") and GMP at 1×.
        var runs: [SparseRunResult]

        static func arm(_ k: Int) -> String { "rigl \(k)x" }
        func gaps(_ a: String, _ b: String) -> [Double] { SparseComparison.pairedGaps(runs, a, b, sparsity: sparsity, seeds: seeds) }
        /// Per seed, the arm's total training FLOPs over GMP 1×'s.
        func flopsOverGMP(_ a: String) -> [Double] {
            seeds.compactMap { seed in
                guard let x = runs.first(where: { $0.method == a && $0.seed == seed }), let g = runs.first(where: { $0.method == "gmp" && $0.seed == seed }) else { return nil }
                return x.flops.trainingTotal / g.flops.trainingTotal
            }
        }
        /// Per seed, the arm's total training FLOPs over dense training at 1× (3 f_D per sample per step over the 1× steps).
        func flopsOverDense1x(_ a: String) -> [Double] {
            seeds.compactMap { seed in
                guard let x = runs.first(where: { $0.method == a && $0.seed == seed }), let g = runs.first(where: { $0.method == "gmp" && $0.seed == seed }) else { return nil }
                return x.flops.trainingTotal / g.ledger.denseTotal()
            }
        }
        func perStep(_ a: String) -> Double { Descriptive.mean(runs.filter { $0.method == a }.map { $0.flops.perStep / (3 * $0.flops.denseForward) }) }
        var longest: String { Self.arm(lengths.max() ?? 1) }
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let setup = try RiglArms.setup(run)
        let sparsities = try RiglArms.sparsities(run)
        guard sparsities.count == 1, let s = sparsities.first else { throw InputError("parameter sparsities: give one sparsity, got \(sparsities.count)") }
        var lengths = [Int]()
        for part in run.string("lengths").split(separator: ",") {
            guard let k = Int(part.trimmingCharacters(in: .whitespaces)), (1...20).contains(k) else {
                throw InputError("parameter lengths: '\(part)' is not a multiple in 1...20")
            }
            lengths.append(k)
        }
        guard lengths.contains(1), lengths.count >= 2, Set(lengths).count == lengths.count else {
            throw InputError("parameter lengths: give at least two distinct multiples including 1, got '\(run.string("lengths"))'")
        }
        let allocation = try setup.allocation(s)
        let rigl = try RiglArms.method("rigl", run)
        var runs = try SparseComparison.run(setup.experiment, methods: [try RiglArms.method("gmp", run)], allocations: [allocation],
                                            seeds: setup.seeds, workers: run.workers, progress: run.progress, label: "rigl-longer gmp")
        // Longest first, so the long runs do not end up alone on one worker at the end.
        for k in lengths.sorted(by: >) {
            var armRuns = try SparseComparison.run(setup.longer(k), methods: [rigl], allocations: [allocation], seeds: setup.seeds, workers: run.workers,
                                                   progress: run.progress, label: "rigl-longer rigl \(k)×")
            for i in armRuns.indices { armRuns[i].method = Measurement.arm(k) }
            runs += armRuns
        }
        return Measurement(seeds: setup.seeds, sparsity: s, lengths: lengths.sorted(), margin: run.real("margin"), epochs: setup.experiment.recipe.epochs,
                           samples: setup.samples, runs: runs)
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        let one = Measurement.arm(1), longest = m.longest
        let shrink = m.gaps(longest, one)
        var checks = [Check("the gap to GMP shrinks: \(longest) beats \(one)", role: .primary, Superiority(margin: 0, format: points).judge(shrink),
                            detail: "\(longest) − \(one): " + GapText.gap(shrink, sd: true))]
        let rule = NonInferiority(margin: m.margin, format: points)
        let g = m.gaps(longest, "gmp")
        checks.append(Check("\(longest) non-inferior to GMP 1×", role: .primary, rule.judge(g), detail: "\(longest) − gmp: " + GapText.gap(g, sd: true)))
        let means = m.lengths.map { Descriptive.mean(m.gaps(Measurement.arm($0), "gmp")) }
        checks.append(Check("mean gap to GMP rises with every length step", role: .info, rule: "mean gap at each length above the shorter one's",
                            satisfied: zip(means, means.dropFirst()).allSatisfy { $0 < $1 },
                            detail: zip(m.lengths, means).map { "\($0)×: \(GapText.pts($1))" }.joined(separator: ", ")))
        let c = m.gaps(one, "gmp")
        checks.append(Check(Self.control, role: .control, rule.judge(c), detail: "\(one) − gmp: " + GapText.gap(c, sd: true)))
        return checks
    }

    public func previousRuleVerdicts(_ m: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] { [] }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        let arms = m.lengths.map(Measurement.arm) + ["gmp"]
        for a in arms {
            perSeed.append(PerSeedRecord(name: "test accuracy \(a)", seeds: m.seeds, values: SparseComparison.accuracies(m.runs, a, sparsity: m.sparsity, seeds: m.seeds)))
            perSeed.append(PerSeedRecord(name: "training FLOPs \(a) / gmp", seeds: m.seeds, values: m.flopsOverGMP(a)))
            perSeed.append(PerSeedRecord(name: "training FLOPs \(a) / dense 1x", seeds: m.seeds, values: m.flopsOverDense1x(a)))
            guard a != "gmp" else { continue }
            let g = m.gaps(a, "gmp")
            perSeed.append(PerSeedRecord(name: "gap \(a) - gmp", seeds: m.seeds, values: g))
            if let ci = try? ConfidenceInterval(tOver: g) {
                fits.append(FitRecord(name: "\(a) - gmp at sparsity \(m.sparsity)", model: "paired mean gap", window: [m.sparsity, m.sparsity], estimate: ci.estimate,
                                      interval: ci, extra: ["sd": Descriptive.standardDeviation(g), "training FLOPs / gmp": Descriptive.mean(m.flopsOverGMP(a))]))
            }
        }
        var figure = Figure(title: "test accuracy against total training FLOPs (mean over \(m.seeds.count) paired seeds, sparsity \(m.sparsity))",
                            xLabel: "training FLOPs / dense training at 1×", yLabel: "test accuracy %")
        let riglArms = m.lengths.map(Measurement.arm)
        figure.add(.init("rigl 1×…\(m.lengths.max() ?? 1)×", record: "accuracy vs training FLOPs rigl",
                         x: riglArms.map { Descriptive.mean(m.flopsOverDense1x($0)) },
                         y: riglArms.map { 100 * Descriptive.mean(SparseComparison.accuracies(m.runs, $0, sparsity: m.sparsity, seeds: m.seeds)) }))
        figure.add(.init("gmp 1×", record: "accuracy vs training FLOPs gmp", x: [Descriptive.mean(m.flopsOverDense1x("gmp"))],
                         y: [100 * Descriptive.mean(SparseComparison.accuracies(m.runs, "gmp", sparsity: m.sparsity, seeds: m.seeds))]))
        var notes = [
            "paired seeds: every arm starts from the seed's θ₀ (RigL from its ERK random mask, GMP dense) and sees the same data order; a longer run continues the same shuffle stream for more epochs, its learning-rate cosine and RigL's T_end stretched to its length, ΔT unchanged",
            "1× = \(m.epochs) epochs; test accuracy on the fixed digits split (\(m.samples.map(String.init).joined(separator: "/")))",
            "paper: " + Self.paper,
        ]
        let divergences = m.runs.compactMap(\.divergence)
        if !divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + divergences.map(\.description).joined(separator: "; ")) }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(m.samples.map(String.init).joined(separator: "/")), standardised)"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        let checks = self.checks(m, run)
        var rows = [[String]]()
        for k in m.lengths {
            let a = Measurement.arm(k)
            let outcome: String
            if a == m.longest { outcome = RiglArms.outcome(checks.first { $0.name == "\(a) non-inferior to GMP 1×" }?.judgement) + " (non-inferiority)" }
            else if k == 1 { outcome = "control: " + RiglArms.outcome(checks.first { $0.name == Self.control }?.judgement) }
            else { outcome = "—" }
            rows.append(["\(k)×", k == m.lengths.max() ? "matches or exceeds pruning" : "below pruning, gap shrinking", RiglArms.interval(m.gaps(a, "gmp")), outcome,
                         String(format: "%.3f", Descriptive.mean(m.flopsOverGMP(a))), String(format: "%.3f", m.perStep(a))])
        }
        rows.append(["GMP 1×", "reference", "—", "—", "1.000", String(format: "%.3f", m.perStep("gmp"))])
        out += Table(headers: ["RigL length", "paper's statement", "gap to GMP 1×, points [95% CI]", "outcome", "total train FLOPs / GMP's", "mean per-step ×dense"], rows: rows).render() + "\n"
        let shrink = m.gaps(m.longest, Measurement.arm(1))
        out += "\(m.longest) − rigl 1x: \(RiglArms.interval(shrink)) points (\(RiglArms.outcome(checks.first?.judgement)))\n"
        out += "paper: \(Self.paper)\n"
        return out
    }
}
