import ClaimKit
import Components
import Foundation
import GreedySelection
import Randomness
import Statistics
import TextPlot

/// Greedy selection with line search drives the in-sample discrepancy down like e^{−cn} (Ye, Wu, Liu, NeurIPS 2020).
public struct GreedyDecayClaim: Claim {
    public init() {}

    public let id = "greedy-decay"
    public let statement = "greedy forward selection with line search: the in-sample discrepancy L_n of a pruned two-layer network decays like e^{-cn}"
    public let proofPath = "proofs/greedy-decay.md"
    public let source = "M. Ye, L. Wu, Q. Liu, \"Greedy optimization provably wins the lottery: logarithmic number of winning tickets is enough\", NeurIPS 2020 (arXiv 2010.15969); companion: M. Ye, C. Gong, L. Nie, D. Zhou, A. Klivans, Q. Liu, \"Good subnetworks provably exist: pruning via greedy forward selection\", ICML 2020 (arXiv 2003.01794)"
    public let rule = "invariant: line search never breaks L_{n+1} ≤ (1 − w_n²/D_n²)L_n (1e-12 relative, L > 1e-30) nor the LP envelope; invariant: greedy-uniform ≤ V/n; rate (a point statistic of the pooled fit): on the seed-pooled curve over n ∈ [10, n_end] line search has semilog R² > log-log R² and ≥ 0.97; regime: the pooled curve falls ≥ 5.5 decades over a window ≥ 1 decade of n"
    public let negativeControl = "greedy-uniform (weights 1/n) must fail the same pooled test, and a worst-neuron selector must break V/n"
    public let controlChecks = [Self.uniformControl, Self.worstControl]
    static let uniformControl = "pooled exponential fit (greedy-uniform)", worstControl = "worst-neuron ≤ V/n"
    /// The instance's parameters as GreedySelection declares them, the run length and the seed count.
    public let parameters: [Parameter] = GreedyInstance.parameters + [
        DecayExperiment.stepsParameter(atLeast: 20, help: "selection steps per run (the fit window starts at n = 10)"),
        .int("seeds", quick: 20, standard: 20, full: 40, 2...1000, "independent instances"),
    ]

    static let windowStart = 10
    static let floor = 1e-24

    /// The runs of every selector on every seed's instance, and the verdict's figures computed from them.
    public struct Measurement: Sendable {
        var instance: GreedyInstance
        var steps: Int
        var seeds: [UInt64]
        var selectors: [any Selector.Type]
        var runs: [DecayExperiment.SeedRun]
        var figures: DecayFigures
        /// The t-interval of the per-seed line-search decay constants.
        var rate: ConfidenceInterval
        /// The seed-pooled held-out curve of line search (empty without held-out inputs).
        var heldOut: [Double]
        /// The n at which the held-out plateau is measured.
        var plateauAt: Int
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let instance = try GreedyInstance(run.parameters)
        let steps = run.int("n_max")
        let seeds = DecayExperiment.seeds(master: run.seed, count: run.int("seeds"))
        // Quick mode keeps the instance and seeds (the verdict needs them) and drops the two extra solvers.
        var selectors: [any Selector.Type] = [RandomSelector.self, GreedyUniformSelector.self, GreedyLineSearchSelector.self, WorstNeuronSelector.self]
        if run.mode != .quick { selectors += [AwayStepSelector.self, FullyCorrectiveSelector.self] }
        let experiment = DecayExperiment(instance: instance, steps: steps, seeds: seeds, selectors: selectors, computeBounds: true)
        let runs = try experiment.run { run.progress.update("greedy-decay: \($0)") }
        let figures = try DecayFigures(runs, start: Self.windowStart, floor: Self.floor)
        let rate = try ConfidenceInterval(tOver: figures.rates.filter(\.isFinite))
        let held = runs.heldOutCurves(GreedyLineSearchSelector.self)
        return Measurement(instance: instance, steps: steps, seeds: seeds, selectors: selectors, runs: runs, figures: figures, rate: rate,
                           heldOut: held.isEmpty ? [] : Descriptive.geometricMeanCurve(held), plateauAt: min(25, steps))
    }

    private static func f(_ x: Double) -> String { NumberFormat.compact(x) }
    private static func r2(_ x: Double) -> String { NumberFormat.compact(x, significant: 4) }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let f = Self.f, fig = m.figures, pooledLS = fig.lineSearch, pooledGU = fig.uniform
        let windowText = "n ∈ [\(pooledLS.start), \(pooledLS.end)]"
        func pooledFit(_ a: PooledDecayTest) -> Judgement {
            Rate([.estimateAbove(a.powerLaw.rSquared), .estimateAtLeast(a.minR2)], format: Self.r2).judge(point: a.exponential.rSquared)
        }
        let seeds = m.seeds.count, n = m.steps
        var checks = [
            Check("line-search certificate", role: .primary,
                  Invariant.judge(worst: fig.certificateWorstRatio, limit: "L_{n+1}/bound ≤ 1 + 1e-12", violations: fig.certificateViolations, points: fig.certificateSteps),
                  rule: "L_{n+1} ≤ (1 − w_n²/D_n²) L_n (1 + 1e-12) at every step with L_n > 1e-30",
                  detail: "\(fig.certificateViolations) violations in \(fig.certificateSteps) steps; largest L_{n+1}/bound = \(NumberFormat.compact(fig.certificateWorstRatio, significant: 6))"),
            Check("LP envelope", role: .primary,
                  Invariant.judge(worst: Double(fig.envelopeBreaks), limit: "L_n ≤ L_1 e^{−(n−1) r_lb²/D²}", violations: fig.envelopeBreaks, points: fig.envelopeSeeds),
                  rule: "L_n ≤ L_1 e^{−(n−1) r_lb²/D²} while L_n > 1e-30",
                  detail: "\(fig.envelopeBreaks) breaks over \(fig.envelopeSeeds) seeds"),
            Check("greedy-uniform ≤ V/n", role: .primary,
                  Invariant.judge(worst: fig.uniformWorstRatio, limit: "L_n/(V/n) ≤ 1 + 1e-12", violations: fig.uniformExceedances, points: seeds * n),
                  rule: "L_n ≤ V/n (1 + 1e-12) at every n and seed",
                  detail: "\(fig.uniformExceedances) exceedances; max L_n/(V/n) = \(f(fig.uniformWorstRatio))"),
            Check("pooled exponential fit (line search)", role: .primary, pooledFit(pooledLS),
                  rule: "semilog R² > log-log R² and semilog R² ≥ 0.97 on the pooled curve, \(windowText)",
                  detail: "semilog R² \(Self.r2(pooledLS.exponential.rSquared)) vs log-log \(Self.r2(pooledLS.powerLaw.rSquared))"),
            Check(Self.uniformControl, role: .control, pooledFit(pooledGU), rule: "the same pooled test, \(windowText)",
                  detail: "semilog R² \(Self.r2(pooledGU.exponential.rSquared)) vs log-log \(Self.r2(pooledGU.powerLaw.rSquared))"),
            Check(Self.worstControl, role: .control,
                  Invariant.judge(worst: fig.worstWorstRatio, limit: "L_n/(V/n) ≤ 1", violations: fig.worstExceedances, points: seeds * n),
                  rule: "L_n ≤ V/n at every n and seed",
                  detail: "\(fig.worstExceedances) exceedances; max L_n/(V/n) = \(f(fig.worstWorstRatio))"),
            Check("exponential regime reached", role: .regime,
                  .all([Rate([.estimateAtLeast(DecayFigures.regimeDecades)], format: f).judge(point: fig.decadesFallen),
                        Rate([.estimateAtLeast(1)], format: f).judge(point: pooledLS.windowDecades)]),
                  rule: "pooled line-search curve falls ≥ \(f(DecayFigures.regimeDecades)) decades over a window spanning ≥ 1 decade of n",
                  detail: "fell \(f(fig.decadesFallen)) decades over \(windowText) (\(f(pooledLS.windowDecades)) decades of n); M = \(m.instance.inputs)"),
        ]
        if !m.heldOut.isEmpty {
            let plateauRatio = m.heldOut[m.steps - 1] / m.heldOut[m.plateauAt - 1]
            checks.append(Check("held-out discrepancy plateaus", role: .info, rule: "reported, not judged: held-out L at n_max / at n = \(m.plateauAt)",
                                satisfied: plateauRatio > 0.1,
                                detail: "ratio \(f(plateauRatio)); held-out L at n_max: line search \(f(m.heldOut[m.steps - 1]))"))
        }
        return checks
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        let f = Self.f, steps = m.steps
        var fits = [FitRecord](), perSeed = [PerSeedRecord]()
        let xs = (1...steps).map(Double.init)
        var figure = Figure(title: "In-sample discrepancy L_n (geometric mean over \(m.seeds.count) seeds; M = \(m.instance.inputs), N = \(m.instance.width))",
                            xLabel: "n (selection steps)", yLabel: "L_n", xScale: .linear, yScale: .log10)
        for s in m.selectors {
            let curves = m.runs.curves(s)
            guard let test = try? PooledDecayTest(curves: curves, start: Self.windowStart, floor: Self.floor) else { continue }
            let rates = curves.map { PooledDecayTest.rate($0, start: Self.windowStart, floor: Self.floor) }
            let ci = try? ConfidenceInterval(tOver: rates.filter(\.isFinite))
            let distinct = Descriptive.median(m.runs.compactMap { $0.traces[s.name]?.distinct.last.map(Double.init) })
            fits.append(FitRecord(name: "\(s.name) decay constant", model: "exponential", window: [Double(test.start), Double(test.end)],
                                  estimate: ci?.estimate ?? test.exponential.rate, interval: ci, rSquared: test.exponential.rSquared,
                                  extra: ["pooledRate": test.exponential.rate, "logLogRSquared": test.powerLaw.rSquared, "logLogSlope": test.powerLaw.slope,
                                          "medianDistinctNeurons": distinct]))
            perSeed.append(PerSeedRecord(name: "\(s.name) decay constant", seeds: m.seeds, values: rates))
            // The controls are recorded, not drawn: the worst neuron does not decay at all.
            figure.add(.init(s.name, record: "pooled-\(s.name)", x: xs, y: test.pooled, plotted: !s.isControl))
            let held = m.runs.heldOutCurves(s)
            // Held-out curves go to the report's second plot.
            if !held.isEmpty { figure.add(.init(s.name, record: "heldout-\(s.name)", x: xs, y: Descriptive.geometricMeanCurve(held), plotted: false)) }
        }
        let fig = m.figures
        let meanV = Descriptive.mean(m.runs.map(\.variance))
        figure.add(.init("V/n", record: "V/n", x: xs, y: xs.map { meanV / $0 }, dashed: true))
        if !fig.envelopes.isEmpty {
            figure.add(.init("LP envelope", record: "envelope", x: xs, y: Descriptive.geometricMeanCurve(fig.envelopes), dashed: true))
        }
        if !fig.certificatePaths.isEmpty {
            figure.add(.init("certificate path", record: "certificate-path", x: xs, y: Descriptive.geometricMeanCurve(fig.certificatePaths), dashed: true))
        }
        let (_, envRate, certRate) = Self.geometry(m)
        let notes = [
            "c is the mean of the per-seed decay constants with a 95% t-interval over \(fig.rates.count) seeds: \(m.rate.formatted(f)); the verdict rests on the pooled model comparison, not on this interval",
            "held-out discrepancy plateaus (line search: \(f(m.heldOut.isEmpty ? .nan : m.heldOut[m.plateauAt - 1])) at n = \(m.plateauAt), \(f(m.heldOut.last ?? .nan)) at n = \(steps)); the claim concerns the in-sample discrepancy only",
            "bounds, not predictions: path certificate rate \(f(certRate)) and LP envelope rate \(f(envRate)) vs observed c = \(f(m.rate.estimate))",
            "boundary: with M ≥ 15 inputs the exponential regime is not reached within 400 steps (the verdict then says regime-not-reached)",
            "the residual e = f − t is its own vector, updated by the same convex step as f and never expanded into a sum of terms, so L has no numerical floor; the fit window ends where the median L < 1e-24",
        ]
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes, facts: [
            "init": "w ~ N(0, I_d), c ~ N(0, 1), b ~ N(0, 1); inputs x ~ N(0, I_d)",
            "window": "[\(Self.windowStart), n_end], n_end = first n with median L < \(Self.floor)",
        ])
    }

    /// Medians over seeds of the geometric bounds: (per-seed bounds, envelope rate r_lb²/D²), and the mean path-certificate rate.
    private static func geometry(_ m: Measurement) -> ([InradiusBounds], Double, Double) {
        let bounds = m.runs.compactMap(\.bounds)
        return (bounds, Descriptive.median(bounds.map(\.envelopeRate)), Descriptive.mean(m.figures.certificateRates.filter(\.isFinite)))
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f, steps = m.steps
        let figure = results.figures[0]
        // The fully-corrective curve drops to rounding (~1e-31) within M + 1 steps; the axis follows line search instead.
        let lowest = (m.figures.lineSearch.pooled.filter { $0 > 0 }.min() ?? 1e-30) / 10
        let highest = (figure.curves.first { $0.record == "V/n" }?.y.first ?? 1) * 2
        var report = Self.render(figure, yLimits: max(lowest, 1e-32)...max(highest, lowest * 10), run.plotStyle) + "\n"
        let controls = Set(m.selectors.filter { $0.isControl }.map { $0.name })
        var held = Figure(title: "Held-out discrepancy on \(m.instance.heldOutInputs) fresh inputs", xLabel: "n", yLabel: "held-out L_n",
                          xScale: .linear, yScale: .log10)
        for c in figure.curves where c.record?.hasPrefix("heldout-") == true && !controls.contains(c.label) {
            var drawn = c
            drawn.plotted = true
            held.add(drawn)
        }
        if !held.curves.isEmpty { report += held.render(run.plotStyle) + "\n" }

        // One row per fitted selector, from the record's fits and pooled curves.
        let shown: [Int] = [10, 50, 100, 200, 400].filter { $0 <= steps } + (steps % 100 == 0 && steps <= 400 ? [] : [steps])
        var rows = [[String]]()
        for fit in results.fits {
            let name = String(fit.name.dropLast(" decay constant".count))
            guard let pooled = figure.curves.first(where: { $0.record == "pooled-\(name)" })?.y else { continue }
            let start = fit.window.first ?? 1, end = fit.window.last ?? 1
            // A rate needs a window of at least a decade of n; the worst-neuron control does not decay at all.
            let meaningful = log10(end / start) >= 1 && !controls.contains(name)
            // A pooled curve ends where a seed's loss reaches the floor (e.g. fully corrective fits t within M + 1 steps
            // at small N), so it can be shorter than the run: those cells stay empty, as `greedy decay`'s table leaves them.
            var row = [name] + shown.map { (n: Int) -> String in n <= pooled.count ? f(pooled[n - 1]) : "" }
            row.append(meaningful ? (fit.interval.map { "\(f($0.estimate)) [\(f($0.lower)), \(f($0.upper))]" } ?? "—") : "— (n_end = \(Int(end)))")
            row.append("\(Self.r2(fit.rSquared ?? .nan)) / \(Self.r2(fit.extra["logLogRSquared"] ?? .nan))")
            row.append(f(fit.extra["medianDistinctNeurons"] ?? .nan))
            rows.append(row)
        }
        let headers = ["method"] + shown.map { "L@\($0)" } + ["c, 95% t-CI over seeds", "R² semilog / log-log", "distinct"]
        report += Table(headers: headers, rows: rows).render() + "\n"

        let (bounds, envRate, certRate) = Self.geometry(m)
        let rLow = Descriptive.median(bounds.map(\.lowerBound)), rUp = Descriptive.median(bounds.map(\.upperBound))
        let diam = Descriptive.median(bounds.map(\.diameter))
        report += Table(headers: ["geometry (median over seeds)", "value"], rows: [
            ["inradius r: LP lower bound", f(rLow)],
            ["inradius r: random-direction upper bound", f(rUp)],
            ["diameter D", f(diam)],
            ["r_lb/D", f(diam > 0 ? rLow / diam : .nan)],
            ["envelope rate r_lb²/D²", f(envRate)],
            ["path certificate rate −ln(1 − w²/D²) (mean)", f(certRate)],
            ["observed c (mean of per-seed fits)", f(m.rate.estimate)],
        ]).render()
        return report
    }

    /// The drawn curves of `figure` with a fixed y-range (Figure.render picks the range from the data).
    private static func render(_ figure: Figure, yLimits: ClosedRange<Double>, _ style: PlotStyle) -> String {
        var plot = LinePlot(title: figure.title, xLabel: figure.xLabel, yLabel: figure.yLabel, xScale: figure.xScale, yScale: figure.yScale)
        for c in figure.curves where c.plotted { plot.add(Series(name: c.label, x: c.x, y: c.y, kind: .line, dashed: c.dashed)) }
        plot.yLimits = yLimits
        return plot.render(style)
    }
}
