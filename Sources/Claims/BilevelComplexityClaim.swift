import Bilevel
import ClaimKit
import Components
import Foundation
import LinearAlgebra
import Randomness
import Statistics
import TextPlot

/// MRBO and VRBO need Õ(ε^-1.5) oracle calls to an ε-stationary point, stocBiO O(ε^-2).
///
/// Protocol A (MRBO against stocBiO): the half-window mean of the exact ‖∇Φ‖² against cumulative
/// oracle calls, a log-log fit per seed, exponent −1/slope with a t-interval over seeds.
/// Protocol B (VRBO): calls until the running mean reaches ε over an ε-grid with S₁ ∝ 1/ε and
/// q = S₂ ∝ ε^-½, started near a stationary point found by AID-CG.
public struct BilevelComplexityClaim: Claim {
    public init() {}

    public let id = "bilevel-complexity"
    public let statement = "MRBO and VRBO reach E‖∇Φ‖² ≤ ε in Õ(ε^-1.5) oracle calls; stocBiO needs O(ε^-2)"
    static let controlName = "stocBiO under the accelerated rule (control)"
    static let regimeControl = "MRBO under stocBiO's O(ε^-2) rule (control)"
    public var controlChecks: [String] { [Self.controlName, Self.regimeControl] }
    public let proofPath = "proofs/bilevel-complexity.md"
    public let source = "J. Yang, K. Ji, Y. Liang, \"Provably faster algorithms for bilevel optimization\", NeurIPS 2021"
    public let rule = "rate: accelerated exponent 95% t-CI lower ≤ 1.65 and upper < 1.8; rate: stocBiO CI lower > 1.75 and above the accelerated CI; rate: same verdict with the fit window moved ±¼ decade"
    public let negativeControl = "stocBiO (O(ε^-2)) must fail the accelerated rule under the same protocol; MRBO must fail stocBiO's O(ε^-2) rule"
    public let parameters: [Parameter] = [
        .int("seeds", quick: 6, standard: 10, full: 20, 3...200, "Protocol A run seeds per method"),
        .int("vrbo-seeds", quick: 10, standard: 10, full: 20, 3...200, "Protocol B (VRBO) run seeds; not reduced by --quick, whose 6 seeds gave too wide a CI"),
        .int("budget", 1_800_000, 10_000...100_000_000, "oracle calls per Protocol A run"),
        .real("window-lo", 10_000, .real(10...1e8), "left end of the Protocol A fit window in oracle calls"),
        .real("window-hi", 1_000_000, .real(100...1e9), "right end of the fit window; ≥ 2 decades"),
        .int("points", 40, 5...400, "log-spaced fit points in the window"),
        .flag("vrbo", true, "run VRBO under Protocol B (on in every mode)"),
        .real("eps-max", 0.1, .real(1e-4...10), "largest ε of the VRBO grid"),
        .real("eps-min", quick: 0.01, standard: 0.01, full: 0.003, .real(1e-5...10), "smallest ε of the VRBO grid"),
        .int("eps-points", quick: 5, standard: 5, full: 7, 3...20, "ε values in the VRBO grid"),
        .real("start-spread", 0.25, .real(0...10), "Protocol B start: stationary point + spread·N(0, I)/√d"),
        .real("s1-constant", 300, .real(1...1e6), "VRBO big batch S₁ = ⌈c/ε⌉"),
    ]

    /// The window shifts of the robustness check, in decades: −¼ and +¼.
    static let shifts = [-0.25, 0.25]

    /// One Protocol A method: per-seed slopes, the curves, and the exponent intervals on the window and the shifted windows.
    public struct MethodFit: Sendable {
        var name: String
        var slopes: [Double]
        var curves: [(calls: [Double], halfWindow: [Double])]
        var diverged: Int
        var exponent: ConfidenceInterval
        var exponentLeft: ConfidenceInterval
        var exponentRight: ConfidenceInterval

        /// Fits the exponent intervals (−1/slope, t-interval over seeds) on each window.
        init(name: String, slopes: [Double], shiftedSlopes: [Double: [Double]], curves: [(calls: [Double], halfWindow: [Double])], diverged: Int) throws {
            func ci(_ s: [Double]) throws -> ConfidenceInterval { try ConfidenceInterval(tOver: s).mapped { ProtocolA.exponent(slope: $0) } }
            self.name = name
            self.slopes = slopes
            self.curves = curves
            self.diverged = diverged
            exponent = try ci(slopes)
            exponentLeft = try ci(shiftedSlopes[-0.25] ?? [])
            exponentRight = try ci(shiftedSlopes[0.25] ?? [])
        }

        /// The interval on the window moved by `shift` decades (0, −¼ or +¼).
        func exponentCI(_ shift: Double = 0) -> ConfidenceInterval { shift < 0 ? exponentLeft : (shift > 0 ? exponentRight : exponent) }
    }

    /// Protocol B's grid: calls to ε per (seed, ε) (nil: censored) and the per-seed exponents.
    public struct VRBOGrid: Sendable {
        var epsilons: [Double]
        var calls: [[Double?]]
        var exponents: [Double]
        var stationaryGradSq: Double
        var interval: ConfidenceInterval?

        /// Geometric mean over seeds of the calls to each ε (nan where every run was censored).
        var geometricMeans: [Double] {
            epsilons.indices.map { j -> Double in
                let xs = calls.compactMap { $0[j] }
                return xs.isEmpty ? .nan : exp(xs.map { log($0) }.reduce(0, +) / Double(xs.count))
            }
        }
    }

    /// Everything the checks, the record and the report read.
    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var vrboSeeds: [UInt64]
        var mrbo: MethodFit
        var stocbio: MethodFit
        var vrbo: VRBOGrid?
        var protocolB: ProtocolB
        var instance: [(String, String)]
        var problemParameters: ParameterValues
        var solverValues: [String: ParameterValues]
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let seedCount = run.int("seeds"), vrboSeedCount = run.int("vrbo-seeds"), budget = run.int("budget")
        let lo = run.real("window-lo"), hi = run.real("window-hi"), points = run.int("points")
        let epsMax = run.real("eps-max"), epsMin = run.real("eps-min"), epsPoints = run.int("eps-points")
        let spread = run.real("start-spread"), s1c = run.real("s1-constant")
        guard Window.decades(from: lo, to: hi) >= 2 else { throw InputError("the fit window must span at least 2 decades, got [\(lo), \(hi)]") }
        guard Double(budget) >= hi * pow(10, 0.25) else {
            throw InputError("budget \(budget) must reach the window's right end moved by +¼ decade (\(Int(hi * pow(10, 0.25))))")
        }
        guard epsMin < epsMax else { throw InputError("eps-min must be below eps-max") }

        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }
        let vrboSeeds = (0..<vrboSeedCount).map { master.split($0).seed }
        let built = try QuadraticProblem.build(stream: master.split("instance"))
        let problem = built.problem
        let protocolA = ProtocolA(budget: budget, window: (lo, hi), points: points)

        var fits = [MethodFit](), values = [String: ParameterValues]()
        for name in ["mrbo", "stocbio"] {
            let solver = try SolverCatalog.make(name, problem: problem)
            values[name] = solver.values
            var slopes = [Double](), shifted = [Double: [Double]](), curves = [(calls: [Double], halfWindow: [Double])](), diverged = 0
            // Seeds run concurrently (each has its own stream); the fits below read them in seed order.
            let runs = try ParallelRuns.map(seeds.count, workers: run.workers) { i in
                run.progress.update("bilevel-complexity: \(name) seed \(i + 1)/\(seedCount)")
                return protocolA.run(solver, on: problem, stream: RandomStream(seed: seeds[i]).split(name))
            }
            for r in runs {
                if r.diverged { diverged += 1 }
                curves.append((r.calls, r.halfWindow))
                slopes.append(try protocolA.slope(calls: r.calls, halfWindow: r.halfWindow).slope)
                for s in Self.shifts { shifted[s, default: []].append(try protocolA.slope(calls: r.calls, halfWindow: r.halfWindow, shiftDecades: s).slope) }
            }
            fits.append(try MethodFit(name: name, slopes: slopes, shiftedSlopes: shifted, curves: curves, diverged: diverged))
        }

        let epsilons = Vector.logspace(log10(epsMax), log10(epsMin), count: epsPoints)
        let protocolB = ProtocolB(epsilons: epsilons, bigBatchConstant: s1c)
        var vrbo: VRBOGrid? = nil
        if run.flag("vrbo") {
            let xs = try ProtocolB.stationaryPoint(problem)
            let statGrad = try problem.hypergradientNormSquared(xs)
            var table = [[Double?]](), exps = [Double]()
            let rows = try ParallelRuns.map(vrboSeeds.count, workers: run.workers) { i -> [Double?] in
                run.progress.update("bilevel-complexity: vrbo ε-grid seed \(i + 1)/\(vrboSeedCount)")
                let s = RandomStream(seed: vrboSeeds[i]).split("vrbo")
                let d = Double(problem.xDimension).squareRoot()
                let x0 = zip(xs, s.split("start").gaussianVector(problem.xDimension)).map { $0 + spread * $1 / d }
                let y0 = try problem.lowerSolution(x0)
                return try epsilons.map { e throws -> Double? in try protocolB.hittingCalls(e, problem: problem, x0: x0, y0: y0, stream: s.split("\(e)")) }
            }
            for row in rows {
                table.append(row)
                if row.allSatisfy({ $0 != nil }) {
                    exps.append(try PowerLawFit(x: epsilons.map { 1 / $0 }, values: row.map { $0 ?? 1 }).slope)
                }
            }
            let ci = exps.count >= 2 ? try? ConfidenceInterval(tOver: exps) : nil
            vrbo = VRBOGrid(epsilons: epsilons, calls: table, exponents: exps, stationaryGradSq: statGrad, interval: ci)
        }
        return Measurement(seeds: seeds, vrboSeeds: vrboSeeds, mrbo: fits[0], stocbio: fits[1], vrbo: vrbo, protocolB: protocolB,
                           instance: problem.summary, problemParameters: built.parameters, solverValues: values)
    }

    static func accelerated(_ ci: ConfidenceInterval) -> Bool { ci.lower <= 1.65 && ci.upper < 1.8 }

    private static func f(_ x: Double) -> String { NumberFormat.compact(x) }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let f = Self.f
        let mrbo = m.mrbo, stoc = m.stocbio
        let mCI = mrbo.exponentCI(), sCI = stoc.exponentCI()
        let accelerated = Rate([.lowerAtMost(1.65), .upperBelow(1.8)], format: f)
        // The three rules at one window: MRBO accelerated, stocBiO in its regime and above MRBO, stocBiO not accelerated.
        func verdictParts(_ shift: Double) -> (holds: Bool, parts: [Judgement]) {
            let a = mrbo.exponentCI(shift), s = stoc.exponentCI(shift)
            let parts = [accelerated.judge(a), Rate([.lowerAbove(1.75), .lowerAbove(a.upper)], format: f).judge(s)]
            return (Self.accelerated(a) && s.lower > 1.75 && s.lower > a.upper && !Self.accelerated(s), parts)
        }
        let base = verdictParts(0).holds
        let shifted = Self.shifts.map(verdictParts)
        // Robustness: the margin is the smallest of the shifted windows' own margins.
        var window = Judgement.all(shifted.flatMap(\.parts))
        window.form = .rate
        window.line = "the verdict of the rules above is the same at both shifted windows"
        window.outcome = shifted.allSatisfy { $0.holds == base } ? .passed : .failed
        var checks = [
            Check("MRBO exponent (Protocol A)", role: .primary, accelerated.judge(mCI), rule: "CI lower ≤ 1.65 and upper < 1.8",
                  detail: "ε-exponent \(mCI.formatted(f)) over \(m.seeds.count) seeds"),
            Check("stocBiO in its O(ε^-2) regime", role: .primary, Rate([.lowerAbove(1.75)], format: f).judge(sCI), rule: "stocBiO CI lower > 1.75",
                  detail: "ε-exponent \(sCI.formatted(f))"),
            Check("separated", role: .primary, Rate([.lowerAbove(mCI.upper)], format: f).judge(sCI), rule: "stocBiO CI lower > MRBO CI upper",
                  detail: "\(f(sCI.lower)) vs \(f(mCI.upper))"),
            Check("window ±¼ decade", role: .primary, window, rule: "the verdict of the three rules above is the same with the window moved by −¼ and +¼ decade",
                  detail: zip(Self.shifts, shifted).map { "\($0 > 0 ? "+" : "−")¼: \($1.holds ? "holds" : "fails") (MRBO \(mrbo.exponentCI($0).formatted(f)), stocBiO \(stoc.exponentCI($0).formatted(f)))" }.joined(separator: "; ")),
            Check(Self.controlName, role: .control, accelerated.judge(sCI), rule: "CI lower ≤ 1.65 and upper < 1.8",
                  detail: "ε-exponent \(sCI.formatted(f))"),
            Check(Self.regimeControl, role: .control, Rate([.lowerAbove(1.75)], format: f).judge(mCI), rule: "CI lower > 1.75",
                  detail: "ε-exponent \(mCI.formatted(f))"),
            Check("no divergence", role: .regime,
                  Invariant.judge(worst: Double(mrbo.diverged + stoc.diverged), limit: "no diverged run", violations: mrbo.diverged + stoc.diverged, points: 2 * m.seeds.count),
                  rule: "every Protocol A run stays finite", detail: "MRBO \(mrbo.diverged), stocBiO \(stoc.diverged) diverged runs"),
        ]
        if let v = m.vrbo {
            let censored = v.calls.flatMap { $0 }.filter { $0 == nil }.count
            checks.append(Check("VRBO ε-grid reached", role: .regime,
                                Invariant.judge(worst: Double(censored), limit: "no censored run, ≥ 3 seeds with an exponent", violations: censored + (v.exponents.count >= 3 ? 0 : 1),
                                                points: v.calls.flatMap { $0 }.count),
                                rule: "every (seed, ε) run reaches running mean ≤ ε within 10⁵·ε^-1.5 calls", detail: "\(censored) censored runs"))
            if let ci = v.interval {
                checks.append(Check("VRBO exponent (Protocol B)", role: .primary, accelerated.judge(ci), rule: "CI lower ≤ 1.65 and upper < 1.8",
                                    detail: "ε-exponent \(ci.formatted(f)) over \(v.exponents.count) seeds, ε ∈ [\(f(run.real("eps-min"))), \(f(run.real("eps-max")))]"))
            }
        }
        return checks
    }

    /// The pooled half-window curves: geometric mean over seeds on a log grid that stops where the shortest run stops.
    static func pooledCurves(_ m: Measurement, budget: Int) -> (grid: [Double], mrbo: [Double], stocbio: [Double]) {
        // Runs end within one step of the budget, so the shortest decides how far the pooled curve can go.
        let reach = [m.mrbo, m.stocbio].flatMap { $0.curves.map { $0.calls.last ?? 0 } }.min() ?? Double(budget)
        let grid = logGrid(from: 100, to: max(1000, reach), count: 60)
        func pooled(_ fit: MethodFit) -> [Double] {
            Descriptive.geometricMeanCurve(fit.curves.map { ProtocolA.sample(calls: $0.calls, curve: $0.halfWindow, at: grid).map { $0.isFinite && $0 > 0 ? $0 : 1e-300 } })
        }
        return (grid, pooled(m.mrbo), pooled(m.stocbio))
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        let f = Self.f
        let lo = run.real("window-lo"), hi = run.real("window-hi")
        let (grid, pm, ps) = Self.pooledCurves(m, budget: run.int("budget"))
        var halfWindow = Figure(title: "Half-window mean of ‖∇Φ‖² vs oracle calls (geometric mean over \(m.seeds.count) seeds)",
                                xLabel: "oracle calls N", yLabel: "mean ‖∇Φ(x_j)‖², j ∈ [k/2, k]", xScale: .log10, yScale: .log10)
        halfWindow.add(.init("MRBO", record: "mrbo-half-window-mean", x: grid, y: pm))
        halfWindow.add(.init("stocBiO", record: "stocbio-half-window-mean", x: grid, y: ps))
        if let anchor = pm.last, let last = grid.last {
            halfWindow.add(.init("N^(-2/3) (ε^-1.5)", record: nil, x: [lo, last], y: [anchor * pow(lo / last, -2.0 / 3), anchor], dashed: true))
        }
        if let anchor = ps.last, let last = grid.last {
            halfWindow.add(.init("N^(-1/2) (ε^-2)", record: nil, x: [lo, last], y: [anchor * pow(lo / last, -0.5), anchor], dashed: true))
        }
        var figures = [halfWindow]

        let model = "power-law (half-window mean vs calls), exponent = −1/slope"
        var fits = [m.mrbo, m.stocbio].map { fit in
            FitRecord(name: "\(fit.name) ε-exponent", model: model, window: [lo, hi], estimate: fit.exponentCI().estimate, interval: fit.exponentCI(),
                      extra: ["shift-0.25": fit.exponentCI(-0.25).estimate, "shift+0.25": fit.exponentCI(0.25).estimate])
        }
        var perSeed = [
            PerSeedRecord(name: "mrbo slope", seeds: m.seeds, values: m.mrbo.slopes),
            PerSeedRecord(name: "stocbio slope", seeds: m.seeds, values: m.stocbio.slopes),
        ]
        var notes = [String]()
        var facts = [
            "statistic": "half-window mean of exact ‖∇Φ(x_j)‖², j ∈ [k/2, k]",
            "problem": "quadratic (" + Self.listing(m.problemParameters) + ")",
        ]
        for (name, values) in m.solverValues { facts[name] = Self.listing(values) }
        if let v = m.vrbo {
            let g = v.geometricMeans
            // The curve is drawn against ε itself, so the plot and the record hold the same numbers.
            var calls = Figure(title: "VRBO (Protocol B): oracle calls until running mean ≤ ε", xLabel: "ε", yLabel: "oracle calls",
                               xScale: .log10, yScale: .log10)
            calls.add(.init("VRBO (geometric mean)", record: "vrbo-calls-to-eps", x: v.epsilons, y: g))
            if let first = g.first, first.isFinite, let e0 = v.epsilons.first {
                calls.add(.init("ε^-1.5", record: nil, x: v.epsilons, y: v.epsilons.map { first * pow(e0 / $0, 1.5) }, dashed: true))
            }
            figures.append(calls)
            perSeed.append(PerSeedRecord(name: "vrbo ε-exponent", seeds: Array(m.vrboSeeds.prefix(v.exponents.count)), values: v.exponents))
            if let ci = v.interval {
                fits.append(FitRecord(name: "vrbo ε-exponent", model: "power-law (calls to running mean ≤ ε vs 1/ε)",
                                      window: [run.real("eps-min"), run.real("eps-max")], estimate: ci.estimate, interval: ci))
            }
            facts["vrbo-settings"] = m.protocolB.settingsSummary
            notes.append("VRBO (Protocol B) started at AID-CG's stationary point (‖∇Φ‖² = \(f(v.stationaryGradSq))) + \(f(run.real("start-spread")))·N(0, I)/√d")
            notes.append("Protocol B's cost per outer step ∝ ε^-½ gives 1.5 by construction; what it tests is that the noise floor stays below ε and the transient is paid once")
        } else {
            notes.append("VRBO was NOT checked in this run (--param vrbo=off): the verdict speaks about MRBO and stocBiO only")
        }
        for (k, v) in m.instance { notes.append("instance \(k): \(v)") }
        notes.append("the conditioning above is an assumption of the claim: with ill-conditioned A (smallest eigenvalue ≈ 0.1) MRBO fell into an SGD-like regime in the prototype")
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: figures, notes: notes, facts: facts)
    }

    /// "key=value, …" in name order: a solver's or the problem's parameters in force, for the facts.
    static func listing(_ values: ParameterValues) -> String {
        values.names.map { "\($0)=\(values[$0])" }.joined(separator: ", ")
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f
        let lo = run.real("window-lo"), hi = run.real("window-hi")
        var report = results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for fit in [m.mrbo, m.stocbio] {
            for s in [0.0] + Self.shifts {
                let ci = fit.exponentCI(s)
                let fl = pow(10, s)
                rows.append([fit.name, "[\(f(lo * fl)), \(f(hi * fl))]", f(ci.estimate), "[\(f(ci.lower)), \(f(ci.upper))]", Self.accelerated(ci) ? "yes" : "no"])
            }
        }
        if let ci = m.vrbo?.interval {
            rows.append(["vrbo (Protocol B)", "ε ∈ [\(f(run.real("eps-min"))), \(f(run.real("eps-max")))]", f(ci.estimate), "[\(f(ci.lower)), \(f(ci.upper))]",
                         Self.accelerated(ci) ? "yes" : "no"])
        }
        report += Table(headers: ["method", "window", "ε-exponent", "95% t-CI over seeds", "accelerated rule"], rows: rows).render()
        if let v = m.vrbo, results.figures.count > 1 {
            report += "\n\n" + results.figures[1].render(run.plotStyle) + "\n"
            let g = v.geometricMeans
            report += Table(headers: ["ε", "S₁", "q = S₂", "calls to ε (geometric mean)"],
                            rows: v.epsilons.indices.map { j in
                                [f(v.epsilons[j]), String(m.protocolB.bigBatch(v.epsilons[j])), String(m.protocolB.innerBatch(v.epsilons[j])), f(g[j])]
                            }).render()
        }
        report += "\n" + Table(headers: ["instance", "value"], rows: m.instance.map { [$0.0, $0.1] }).render()
        return report
    }
}
