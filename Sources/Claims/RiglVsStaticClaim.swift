import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// RigL and SET beat static sparse training at extreme sparsity on the digits MLP; at moderate sparsity nothing separates them.
public struct RiglVsStaticClaim: Claim {
    public init() {}

    public let id = "rigl-vs-static"
    public let statement = "dynamic sparse training beats a fixed random mask at 98% sparsity (RigL by ≥ 2 points, SET by ≥ 1.5, each with a paired 95% interval above 0) and brings no benefit at 90% (every pairwise gap equivalent within ±1 point)"
    public let proofPath = "proofs/rigl-vs-static.md"
    public let rule = "on the digits MLP 64-256-256-10 (ER distribution, α = 0.3, ΔT = 20, T_end = 75%, 40 epochs), 15 paired seeds: superiority at 98% sparsity: mean paired gap RigL − static ≥ 2 points with the 95% t-interval's lower end > 0, and SET − static ≥ 1.5 points with the lower end > 0; equivalence (TOST) at 90%: the 90% t-interval of every pairwise gap among static, SET and RigL lies inside ±1 point"
    public let ruleVersion = 2
    /// Version 1, judged on the same run's first seeds (as many as version 1 used in the mode) and kept as information.
    static let ruleV1 = "at 98% sparsity the mean paired gap RigL − static ≥ 2 points and SET − static ≥ 1.5 points, each positive on every seed; at 90% the mean test accuracies of static, SET and RigL lie within 1 point of each other (5 paired seeds; quick 3, full 10)"
    public let negativeControl = "static put in RigL's place must fail the 98% superiority rule (its paired gap to static is 0); RigL − static at 98% must fail the ±1-point equivalence rule"
    static let control = "static in RigL's place (control)"
    static let equivalenceControl = "RigL − static at the extreme sparsity under the 90% equivalence rule (control)"
    public let source = "U. Evci, T. Gale, J. Menick, P. S. Castro, E. Elsen, \"Rigging the lottery: making all tickets winners\", ICML 2020; [Re] Rigging the Lottery, ML Reproducibility Challenge 2020"
    public var controlChecks: [String] { [Self.control, Self.equivalenceControl] }

    /// The claim's settings, the schedule's (with the prototype's ΔT = 20) and the training recipe, each declared once where it belongs.
    public let parameters: [Parameter] = {
        let deltaT = ScheduleParameters.deltaT
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 8, standard: 15, full: 15, 2...100, "paired seeds (15: hold probability ≈ 0.99 from the 30-seed spread, verdicts protocol)"),
            .real("sparsity-high", 0.98, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "the extreme sparsity of the rule"),
            .real("sparsity-moderate", 0.9, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "the moderate sparsity of the rule"),
            .choice("distribution", "er", DistributionCatalog.all.names, "layer distribution"),
            .text("net", "mlp:256,256", "network (mlp:W1,W2,… or a cnn spec)"),
            ScheduleParameters.alpha,
            Parameter(deltaT.name, deltaT.domain, default: .fixed(.int(20)), deltaT.help + " (the prototype's 20: ≈ 50 updates in 40 epochs)"),
            ScheduleParameters.tEnd,
            Parameter("boundary-delta-t", .integer(0...100_000_000), default: .byMode(quick: .int(0), standard: .int(100), full: .int(100)),
                      "second ΔT at which RigL and SET are rerun for the RigL-vs-SET boundary (0 skips it)"),
            .text("overhead-sparsities", "0.9,0.95,0.98", "sparsities at which RigL's training-FLOP overhead over static is reported"),
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(20), standard: epochs.defaultValue(in: .standard) ?? .int(40), full: epochs.defaultValue(in: .full) ?? .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    /// The prototype's figures (numpy, digits, 5 paired seeds), printed beside the measured ones.
    static let prototype = (riglGap: 3.7, setGap: 2.6, overhead20: [0.9: 1.14, 0.95: 1.30, 0.98: 1.78], overhead100: [0.9: 1.03, 0.95: 1.06, 0.98: 1.16])

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var high: Double
        var moderate: Double
        var deltaT: Int
        var boundaryDeltaT: Int
        var epochs: Int
        var samples: [Int]
        /// static, set, rigl at both sparsities, ΔT.
        var runs: [SparseRunResult]
        /// set, rigl at both sparsities, the boundary ΔT (empty when skipped).
        var boundaryRuns: [SparseRunResult]
        /// RigL's per-step training FLOPs in the update window over 3f_S: (sparsity, ΔT, formula on the allocation's counts, measured or nil).
        var overhead: [(sparsity: Double, deltaT: Int, formula: Double, measured: Double?)]
        var allocations: [Double: LayerAllocation]

        func gaps(_ a: String, _ b: String, _ s: Double, boundary: Bool = false) -> [Double] {
            SparseComparison.pairedGaps(boundary ? boundaryRuns : runs, a, b, sparsity: s, seeds: seeds)
        }

        func mean(_ m: String, _ s: Double) -> Double { Descriptive.mean(SparseComparison.accuracies(runs, m, sparsity: s, seeds: seeds)) }

        var divergences: [Divergence] { (runs + boundaryRuns).compactMap(\.divergence) }
    }

    static let methods = ["static", "set", "rigl"]

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let seedCount = run.int("seeds"), high = run.real("sparsity-high"), moderate = run.real("sparsity-moderate")
        let deltaT = run.int("delta-t"), boundaryDeltaT = run.int("boundary-delta-t")
        let network: NetworkSpec
        do { network = try NetworkSpec.parse(run.string("net")) } catch { throw InputError("net: \(error)") }
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters) } catch { throw InputError("\(error)") }
        let overheadSparsities = try Self.parseList(run.string("overhead-sparsities"), name: "overhead-sparsities")
        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }
        let data = try PreparedData.digits()
        let experiment = SparseTrainingExperiment(network: network, data: data, recipe: recipe)
        let layers = try experiment.layerShapes()
        let distribution = try DistributionCatalog.distribution(named: run.string("distribution")).distribution
        func allocation(_ s: Double) throws -> LayerAllocation {
            do { return try DistributionSolver.allocate(distribution, layers: layers, sparsity: s) } catch { throw InputError("\(error)") }
        }
        func methods(_ names: [String], deltaT: Int) throws -> [SparseMethod] {
            try names.map { name in
                let keys = Set(SparseMethodCatalog.parameters(of: try SparseMethodCatalog.all.named(name)).map(\.name))
                let all = ["alpha": run.string("alpha"), "delta-t": String(deltaT), "t-end": run.string("t-end")]
                return try SparseMethodCatalog.method(named: name, overrides: all.filter { keys.contains($0.key) })
            }
        }
        let sparsities = [moderate, high]
        let allocations = try sparsities.map(allocation)
        let workers = run.workers
        let runs = try SparseComparison.run(experiment, methods: try methods(Self.methods, deltaT: deltaT), allocations: allocations,
                                            seeds: seeds, workers: workers, progress: run.progress, label: "rigl-vs-static ΔT = \(deltaT)")
        var boundaryRuns = [SparseRunResult]()
        if boundaryDeltaT > 0 {
            boundaryRuns = try SparseComparison.run(experiment, methods: try methods(["set", "rigl"], deltaT: boundaryDeltaT), allocations: allocations,
                                                    seeds: seeds, workers: workers, progress: run.progress, label: "rigl-vs-static ΔT = \(boundaryDeltaT)")
        }
        var overhead = [(sparsity: Double, deltaT: Int, formula: Double, measured: Double?)]()
        var table = [Double: LayerAllocation]()
        for s in sparsities { table[s] = allocations[sparsities.firstIndex(of: s) ?? 0] }
        for s in overheadSparsities {
            let a = try table[s] ?? allocation(s)
            table[s] = a
            let fS = a.inferenceFLOPs, fD = a.denseFLOPs
            for dt in [deltaT] + (boundaryDeltaT > 0 ? [boundaryDeltaT] : []) {
                let pool = dt == deltaT ? runs : boundaryRuns
                let measured = pool.filter { $0.method == "rigl" && $0.sparsity == s }.map { $0.flops.perStepInWindow / (3 * fS) }
                overhead.append((s, dt, FLOPCount.riglAverage(sparse: fS, dense: fD, deltaT: dt) / (3 * fS), measured.isEmpty ? nil : Descriptive.mean(measured)))
            }
        }
        return Measurement(seeds: seeds, high: high, moderate: moderate, deltaT: deltaT, boundaryDeltaT: boundaryDeltaT, epochs: recipe.epochs,
                           samples: [data.train.count, data.validation.count, data.test.count], runs: runs, boundaryRuns: boundaryRuns,
                           overhead: overhead, allocations: table)
    }


    /// "mean gap ≥ margin and positive on every seed", with the figures.
    static func beats(_ gaps: [Double], margin: Double) -> (Bool, String) {
        let m = Descriptive.mean(gaps), wins = gaps.filter { $0 > 0 }.count
        return (m >= margin && wins == gaps.count && !gaps.isEmpty,
                "mean gap \(GapText.pts(m)) points (min \(GapText.pts(gaps.min() ?? .nan)), positive on \(wins)/\(gaps.count) seeds; per seed \(gaps.map(GapText.pts).joined(separator: ", ")))")
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let hi = m.high, mo = m.moderate
        var checks = [Check]()
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        let rigl = m.gaps("rigl", "static", hi), set = m.gaps("set", "static", hi)
        checks.append(Check("RigL beats static at \(hi)", role: .primary, Superiority(margin: 0, minimumMean: 0.02, format: points).judge(rigl),
                            detail: GapText.gap(rigl, sd: true)))
        checks.append(Check("SET beats static at \(hi)", role: .primary, Superiority(margin: 0, minimumMean: 0.015, format: points).judge(set),
                            detail: GapText.gap(set, sd: true)))
        for (a, b) in [("static", "set"), ("static", "rigl"), ("set", "rigl")] {
            let g = m.gaps(a, b, mo)
            checks.append(Check("\(a) ≡ \(b) at \(mo)", role: .primary, Equivalence(margin: 0.01, format: points).judge(g),
                                detail: "\(a) − \(b): " + GapText.gap(g, level: 0.90, sd: true)))
        }
        let same = m.gaps("static", "static", hi)
        checks.append(Check(Self.control, role: .control, Superiority(margin: 0, minimumMean: 0.02, format: points).judge(same), detail: GapText.gap(same, sd: true)))
        checks.append(Check(Self.equivalenceControl, role: .control, Equivalence(margin: 0.01, format: points).judge(rigl),
                            detail: "rigl − static at \(hi): " + GapText.gap(rigl, level: 0.90, sd: true)))
        // Boundary: RigL − SET against twice the seed spread of the gap.
        for (boundary, dt) in [(false, m.deltaT)] + (m.boundaryDeltaT > 0 ? [(true, m.boundaryDeltaT)] : []) {
            for s in [mo, hi] {
                let g = m.gaps("rigl", "set", s, boundary: boundary)
                let mean = Descriptive.mean(g), sd = g.count > 1 ? Descriptive.standardDeviation(g) : .nan
                checks.append(Check("RigL − SET within twice the seed spread at \(s), ΔT = \(dt) (boundary)", role: .info,
                                    rule: "mean paired gap RigL − SET ≤ 2 × its sd over seeds (the prototype: never cleared)",
                                    satisfied: mean <= 2 * sd,
                                    detail: "mean \(GapText.pts(mean)), sd \(String(format: "%.2f", 100 * sd)) points, RigL ahead on \(g.filter { $0 > 0 }.count)/\(g.count)"))
            }
        }
        let rows = m.overhead.map { o in
            "\(o.sparsity) ΔT \(o.deltaT): \(String(format: "%.2f", o.measured ?? o.formula))×\(o.measured == nil ? " (formula)" : "")"
        }
        checks.append(Check("RigL's training-FLOP overhead over static (boundary)", role: .info,
                            rule: "per-step training FLOPs up to the last update ÷ 3f_S, counted on the actual masks; not negligible at high sparsity",
                            satisfied: m.overhead.allSatisfy { o in o.measured.map { abs($0 - o.formula) <= 1e-9 * o.formula } ?? true },
                            detail: rows.joined(separator: "; ")))
        return checks
    }

    /// Version 1's checks on the first seeds of this run (3 quick, 5 standard, 10 full, as version 1 ran).
    public func previousRuleVerdicts(_ m: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] {
        let n = min(m.seeds.count, run.mode == .quick ? 3 : (run.mode == .full ? 10 : 5))
        let hi = m.high, mo = m.moderate
        func first(_ g: [Double]) -> [Double] { Array(g.prefix(n)) }
        let rigl = Self.beats(first(m.gaps("rigl", "static", hi)), margin: 0.02)
        let set = Self.beats(first(m.gaps("set", "static", hi)), margin: 0.015)
        let seeds = Array(m.seeds.prefix(n))
        let means = Self.methods.map { Descriptive.mean(Array(SparseComparison.accuracies(m.runs, $0, sparsity: mo, seeds: seeds))) }
        let spread = (means.max() ?? .nan) - (means.min() ?? .nan)
        let control = Self.beats(first(m.gaps("static", "static", hi)), margin: 0.02)
        return [PreviousRuleVerdict(version: 1, rule: Self.ruleV1, checks: [
            Check("RigL beats static at \(hi)", role: .primary, rule: "mean paired gap ≥ 2 points and positive on every seed", satisfied: rigl.0, detail: rigl.1),
            Check("SET beats static at \(hi)", role: .primary, rule: "mean paired gap ≥ 1.5 points and positive on every seed", satisfied: set.0, detail: set.1),
            Check("no benefit at \(mo)", role: .primary, rule: "mean test accuracies of static, SET and RigL within 1 point of each other",
                  satisfied: spread <= 0.01,
                  detail: zip(Self.methods, means).map { "\($0) \(GapText.pct($1))%" }.joined(separator: ", ") + "; spread \(String(format: "%.2f", 100 * spread)) points"),
            Check(Self.control, role: .control, rule: "mean paired gap ≥ 2 points and positive on every seed", satisfied: control.0, detail: control.1),
        ])]
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        for s in [m.moderate, m.high] {
            for name in Self.methods {
                perSeed.append(PerSeedRecord(name: "test accuracy \(name) at \(s)", seeds: m.seeds, values: SparseComparison.accuracies(m.runs, name, sparsity: s, seeds: m.seeds)))
            }
            for (a, b) in [("rigl", "static"), ("set", "static"), ("rigl", "set")] {
                let g = m.gaps(a, b, s)
                perSeed.append(PerSeedRecord(name: "gap \(a) - \(b) at \(s)", seeds: m.seeds, values: g))
                if let ci = try? ConfidenceInterval(tOver: g) {
                    fits.append(FitRecord(name: "\(a) - \(b) at sparsity \(s), ΔT = \(m.deltaT)", model: "paired mean gap", window: [s, s],
                                          estimate: ci.estimate, interval: ci, extra: ["sd": Descriptive.standardDeviation(g)]))
                }
            }
            if m.boundaryDeltaT > 0 {
                let g = m.gaps("rigl", "set", s, boundary: true)
                perSeed.append(PerSeedRecord(name: "gap rigl - set at \(s), delta-t \(m.boundaryDeltaT)", seeds: m.seeds, values: g))
                for name in ["set", "rigl"] {
                    perSeed.append(PerSeedRecord(name: "test accuracy \(name) at \(s), delta-t \(m.boundaryDeltaT)", seeds: m.seeds,
                                                 values: SparseComparison.accuracies(m.boundaryRuns, name, sparsity: s, seeds: m.seeds)))
                }
            }
        }
        for o in m.overhead {
            perSeed.append(PerSeedRecord(name: "rigl training-FLOP overhead at \(o.sparsity), delta-t \(o.deltaT)", seeds: [], values: [o.measured ?? o.formula]))
        }
        // Accuracy against training FLOPs (fraction of dense), one curve per method over the two sparsities.
        var figure = Figure(title: "test accuracy against training FLOPs (mean over \(m.seeds.count) paired seeds)",
                            xLabel: "training FLOPs / dense training", yLabel: "test accuracy %", xScale: .log10)
        let summary = SparseComparison.summarise(m.runs, methods: Self.methods, sparsities: [m.moderate, m.high])
        for name in Self.methods {
            let rows = summary.filter { $0.method == name }
            figure.add(.init(name, record: "accuracy vs training FLOPs \(name)", x: rows.map(\.trainingFLOPsFraction), y: rows.map { 100 * $0.meanTestAccuracy }))
        }
        // Mask changes over time: first seed at the extreme sparsity.
        var curves = [Figure.Curve]()
        for name in ["set", "rigl"] {
            if let r = m.runs.first(where: { $0.method == name && $0.sparsity == m.high && $0.seed == m.seeds[0] }) {
                curves.append(.init(name, record: "mask changes per update \(name) at \(m.high)", x: r.updates.map { Double($0.step) }, y: r.updates.map { Double($0.maskChanges) }))
            }
        }
        var notes = [
            "paired seeds: every method starts from the same θ₀, initial ER mask and data order; test accuracy on the fixed digits split (\(m.samples.map(String.init).joined(separator: "/")))",
            "a connection dropped and regrown in the same update keeps its weight (rigl's convention), so newly grown counts can be below floor(f·n); drop counts are exactly floor(f(t)·n_active)",
            "prototype (numpy, 5 seeds): RigL − static +\(Self.prototype.riglGap), SET − static +\(Self.prototype.setGap) at 98%, both 5/5; RigL's overhead 1.14/1.30/1.78× at ΔT = 20 and 1.03/1.06/1.16× at ΔT = 100 (90/95/98%)",
            "RigL's overhead is the per-step cost while the mask still changes; over the whole run (the last 25% without updates) it is smaller, see the record's FLOP fractions",
        ]
        if !m.divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + m.divergences.map(\.description).joined(separator: "; ")) }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure, .recordOnly(curves)], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(m.samples.map(String.init).joined(separator: "/")), standardised)",
                                    "methods": Self.methods.map { name in (try? SparseMethodCatalog.method(named: name).composition).map { "\(name) = \($0)" } ?? name }.joined(separator: "; ")])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        let summary = SparseComparison.summarise(m.runs, methods: Self.methods, sparsities: [m.moderate, m.high])
        var rows = [[String]]()
        for r in summary {
            let ci = r.testAccuracyInterval.map { "[\(GapText.pct($0.lower)), \(GapText.pct($0.upper))]" } ?? ""
            let gap = r.gapToBaseline.map { "\(GapText.pts($0.estimate)) [\(GapText.pts($0.lower)), \(GapText.pts($0.upper))] (\(r.winsOverBaseline ?? 0)/\(r.seeds))" } ?? "—"
            let proto = r.sparsity == m.high ? (r.method == "rigl" ? "+\(Self.prototype.riglGap) (5/5)" : r.method == "set" ? "+\(Self.prototype.setGap) (5/5)" : "—") : "within 1"
            rows.append(["\(r.sparsity)", r.method, "\(GapText.pct(r.meanTestAccuracy)) \(ci)", gap, proto, String(format: "%.4f", r.trainingFLOPsFraction), String(format: "%.4f", r.inferenceFLOPsFraction), "\(r.maskUpdates)"])
        }
        out += Table(headers: ["S", "method", "test acc % [95% CI]", "gap to static, points [95% CI] (wins)", "prototype gap", "train FLOPs ×dense", "inference ×dense", "updates"], rows: rows).render() + "\n"
        var orow = [[String]]()
        for s in Array(Set(m.overhead.map(\.sparsity))).sorted() {
            var row = ["\(s)"]
            for dt in [m.deltaT] + (m.boundaryDeltaT > 0 ? [m.boundaryDeltaT] : []) {
                guard let o = m.overhead.first(where: { $0.sparsity == s && $0.deltaT == dt }) else { continue }
                let proto = (dt == 20 ? Self.prototype.overhead20[s] : dt == 100 ? Self.prototype.overhead100[s] : nil).map { String(format: "%.2f", $0) } ?? "—"
                row += [o.measured.map { String(format: "%.3f", $0) } ?? "—", String(format: "%.3f", o.formula), proto]
            }
            orow.append(row)
        }
        var oh = ["S"]
        for dt in [m.deltaT] + (m.boundaryDeltaT > 0 ? [m.boundaryDeltaT] : []) { oh += ["ΔT=\(dt) counted", "formula", "prototype"] }
        out += "\nRigL's training FLOPs per step over static's (3f_S), while the mask changes:\n" + Table(headers: oh, rows: orow).render() + "\n"
        return out
    }

    /// A comma-separated list of sparsities in [0, 1), as a claim parameter.
    static func parseList(_ text: String, name: String) throws(InputError) -> [Double] {
        var out = [Double]()
        for part in text.split(separator: ",") {
            guard let d = Double(part.trimmingCharacters(in: .whitespaces)), d.isFinite, d >= 0, d < 1 else {
                throw InputError("parameter \(name): '\(part)' is not a sparsity in [0, 1)")
            }
            out.append(d)
        }
        guard !out.isEmpty else { throw InputError("parameter \(name) is empty") }
        return out
    }
}
