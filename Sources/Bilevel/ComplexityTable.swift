import Components
import Foundation
import Randomness
import Statistics

/// What a solver's paper proves about its oracle complexity, as `--complexity` compares it.
public enum ProvedRate: Sendable, Equatable {
    /// Stochastic calls to reach E‖∇Φ‖² ≤ ε grow like ε^-exponent (logarithms dropped); `source` names the result.
    case epsilonExponent(Double, source: String)
    /// The theory counts something Protocol A does not (full gradients, a finite-sum rate, no rate at all): why.
    case notApplicable(String)

    /// The exponent, when there is one to compare with.
    public var exponent: Double? { if case .epsilonExponent(let e, _) = self { return e } else { return nil } }

    /// The proved result in words.
    public var text: String {
        switch self {
        case .epsilonExponent(let e, let source): return "ε^-\(ParameterValue.real(e)) (\(source))"
        case .notApplicable(let why): return why
        }
    }
}

/// One solver on one problem under Protocol A: per-seed exponents, their interval, the proved exponent and the flag.
public struct ComplexityRow: Sendable, Encodable {
    /// Solver name.
    public var solver: String
    /// Problem name.
    public var problem: String
    /// The proved rate in words.
    public var proved: String
    /// The proved ε-exponent (nil when n/a).
    public var provedExponent: Double?
    /// Per-seed log-log slopes of the half-window mean against oracle calls.
    public var slopes: [Double]
    /// The measured ε-exponent −1/mean slope (nil when the half-window mean did not decrease).
    public var exponent: Double?
    /// Lower end of its 95% t-interval over seeds (−1/slope at the slope interval's lower end).
    public var exponentLower: Double?
    /// Upper end; nil when the slope interval reaches 0 (no finite upper end).
    public var exponentUpper: Double?
    /// "consistent", "slower than proved", "n/a", "not run" or "diverged".
    public var flag: String
    /// Why the flag is n/a or the solver did not run.
    public var note: String?
    /// The first seed's half-window mean on a log grid of oracle calls (for the plot and the notebook).
    public var calls: [Double]
    /// The half-window mean at `calls`.
    public var halfWindow: [Double]
    /// The parameter values the solver ran with.
    public var parameters: ParameterValues?
}

/// The `--complexity` table: Protocol A for every selected solver on every given problem.
public struct ComplexityTable: Sendable, Encodable {
    /// Schema identifier of the JSON record.
    public var schema = "workbench.bilevel-complexity/1"
    /// Master seed.
    public var seed: UInt64
    /// Seeds per solver and problem.
    public var seeds: Int
    /// Oracle-call budget per run.
    public var budget: Int
    /// The fit window in oracle calls.
    public var window: [Double]
    /// The flag's rule.
    public var rule = "consistent when the interval's lower end ≤ proved exponent + 0.15, else slower than proved; n/a when the theory counts something else"
    /// One row per solver and problem.
    public var rows: [ComplexityRow]
    /// Divergences of the runs (the command exits 1 on any).
    public var divergences: [Divergence]
    /// The `--set` values in force (absent when none was given).
    public var settings: [String: String]?
    /// Each problem's parameter values as built (its dimension, spectrum bounds, …), by problem name.
    public var problemParameters: [String: ParameterValues]

    /// The problems the table runs on: the synthetic quadratic and benchopt's.
    public static let problems: [any BilevelProblemType.Type] = [QuadraticProblem.self, BenchoptQuadraticProblem.self]

    /// The flag for a measured interval against a proved rate.
    public static func flag(lower: Double?, _ proved: ProvedRate) -> String {
        guard let e = proved.exponent else { return "n/a" }
        guard let lower, lower.isFinite else { return "slower than proved" }
        return lower <= e + 0.15 ? "consistent" : "slower than proved"
    }

    /// Runs Protocol A (`budget` calls, window [budget·5.6e-3, budget·0.56]) with `seeds` seeds for every solver on every problem.
    ///
    /// - Parameter overrides: `--set` values, each applied to the problems and solvers that declare it (e.g. `dim=100`);
    ///   a key that none of them declares is bad input.
    public static func run(solvers: [any BilevelSolver.Type], problems: [any BilevelProblemType.Type], seeds: Int, budget: Int, seed: UInt64,
                           overrides: [String: String] = [:], progress: ProgressReporter = .silent) throws(BilevelError) -> ComplexityTable {
        let declared = Set(solvers.flatMap { t in t.parameters.map { $0.name } } + problems.flatMap { t in t.parameters.map { $0.name } })
        if let unknown = overrides.keys.sorted().first(where: { !declared.contains($0) }) {
            throw .invalidOption("--set \(unknown): no selected solver and neither problem (\(problems.map { $0.name }.joined(separator: ", "))) declares it")
        }
        try requireAtLeast(seeds, 2, "seeds (a t-interval needs two)")
        try requireAtLeast(budget, 1000, "complexity budget")
        let protocolA = ProtocolA(budget: budget, window: (Double(budget) * 5.6e-3, Double(budget) * 0.56), points: 40)
        let master = RandomStream(seed: seed)
        var rows = [ComplexityRow](), divergences = [Divergence](), problemParameters = [String: ParameterValues]()
        for problemType in problems {
            let instance = try problemType.build(overrides, stream: master.split("instance").split(problemType.name), ignoreUnknown: true)
            let problem = instance.problem
            problemParameters[problemType.name] = instance.parameters
            for t in solvers {
                let proved = t.proved
                guard t.supports(problem) else {
                    rows.append(ComplexityRow(solver: t.name, problem: problem.name, proved: proved.text, provedExponent: proved.exponent, slopes: [],
                                              exponent: nil, exponentLower: nil, exponentUpper: nil, flag: "not run", note: t.unsupportedReason(problem), calls: [], halfWindow: [], parameters: nil))
                    continue
                }
                let solver = try t.make(overrides, problem: problem, ignoreUnknown: true)
                var slopes = [Double](), first: (calls: [Double], halfWindow: [Double])? = nil
                var diverged: Divergence? = nil
                for s in 0..<seeds {
                    progress.update("bilevel --complexity: \(t.name) on \(problem.name), seed \(s + 1)/\(seeds)")
                    let run = BilevelRunner.run(solver, on: problem, budget: budget, stream: master.split(s).split(problem.name).split(t.name),
                                                policy: .everyIteration, exactFinal: false)
                    if let d = run.divergence { diverged = d; break }
                    let hw = ProtocolA.halfWindowMeans(run.values)
                    if first == nil { first = (run.calls, hw) }
                    if let fit = try? protocolA.slope(calls: run.calls, halfWindow: hw) { slopes.append(fit.slope) }
                }
                var exponent: Double? = nil, lower: Double? = nil, upper: Double? = nil
                if slopes.count >= 2, let ci = try? ConfidenceInterval(tOver: slopes), ci.estimate < 0 {
                    // −1/slope increases with a negative slope: the slope interval's lower end gives the exponent's lower end,
                    // and an interval reaching slope ≥ 0 has no finite upper end.
                    exponent = ProtocolA.exponent(slope: ci.estimate)
                    lower = ProtocolA.exponent(slope: ci.lower)
                    upper = ci.upper < 0 ? ProtocolA.exponent(slope: ci.upper) : nil
                }
                var flag = flag(lower: lower, proved), note: String? = nil
                if case .notApplicable(let why) = proved { note = why }
                if let d = diverged { divergences.append(d); flag = "diverged"; note = "diverged at \(d.step) \(d.unit): \(d.quantity)" }
                else if exponent == nil && proved.exponent != nil { note = "no decrease to fit (slopes \(slopes.map { String(format: "%.2f", $0) }))" }
                let grid = logGrid(from: 10, to: Double(budget), count: 60)
                let sampled = first.map { ProtocolA.sample(calls: $0.calls, curve: $0.halfWindow, at: grid) } ?? []
                let keep = sampled.indices.filter { sampled[$0].isFinite }
                rows.append(ComplexityRow(solver: t.name, problem: problem.name, proved: proved.text, provedExponent: proved.exponent, slopes: slopes,
                                          exponent: exponent, exponentLower: lower, exponentUpper: upper, flag: flag, note: note, calls: keep.map { grid[$0] }, halfWindow: keep.map { sampled[$0] },
                                          parameters: solver.values))
            }
        }
        progress.finish()
        return ComplexityTable(seed: seed, seeds: seeds, budget: budget, window: [protocolA.window.0, protocolA.window.1], rows: rows,
                               divergences: divergences, settings: overrides.isEmpty ? nil : overrides, problemParameters: problemParameters)
    }
}
