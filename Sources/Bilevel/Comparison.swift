import Foundation
import Randomness

/// Several solvers on one problem with one seed: what `workbench bilevel` runs and prints.
public struct Comparison: Sendable, Codable {
    /// Schema identifier of the JSON output.
    public var schema = "workbench.bilevel/1"
    /// Problem name.
    public var problem: String
    /// Data file, when the user gave one.
    public var data: String?
    /// Master seed.
    public var seed: UInt64
    /// Oracle-call budget per solver.
    public var budget: Int
    /// Target ε when theory-prescribed parameters were asked for.
    public var targetEpsilon: Double?
    /// What the trajectories' values measure.
    public var metric: ProblemMetric
    /// Facts about the instance (dimensions, conditioning).
    public var instance: [String: String]
    /// Parameter values in force for each solver (defaults, prescriptions and overrides).
    public var parameters: [String: [String: Double]]
    /// One trajectory per solver, in the order asked.
    public var runs: [Trajectory]
    /// Solvers left out because they cannot run on this problem (only when `skipUnsupported`).
    public var skipped: [String] = []

    /// Validates everything first (names, options, data), then runs each solver from the same start.
    public static func run(problem name: String, dataPath: String? = nil, algorithms: [String], overrides: [String: Double] = [:],
                           targetEpsilon: Double? = nil, budget: Int? = nil, seed: UInt64, quadratic: QuadraticProblem.Configuration = .init(),
                           skipUnsupported: Bool = false, progress: (String) -> Void = { _ in }) throws(BilevelError) -> Comparison {
        guard !algorithms.isEmpty else { throw .invalidOption("name at least one algorithm") }
        for a in algorithms { _ = try SolverCatalog.type(named: a) }
        guard ProblemCatalog.names.contains(name) else { throw .unknownName(kind: "problem", name: name, known: ProblemCatalog.names) }
        try SolverCatalog.checkOverrideKeys(Array(overrides.keys), solvers: algorithms)
        let calls = budget ?? defaultBudget(name)
        try requireAtLeast(calls, 1, "budget")
        let master = RandomStream(seed: seed)
        let problem = try ProblemCatalog.make(name, dataPath: dataPath, quadratic: quadratic, stream: master.split("instance"))
        // `--algo all` means every solver that can run here; a solver named explicitly still gets its own error.
        var algorithms = algorithms, skipped = [String]()
        if skipUnsupported {
            for a in algorithms where try !SolverCatalog.type(named: a).supports(problem) { skipped.append(a) }
            algorithms.removeAll { skipped.contains($0) }
        }
        var solvers = [any BilevelSolver](), params = [String: [String: Double]]()
        for a in algorithms {
            solvers.append(try SolverCatalog.make(a, overrides: overrides, targetEpsilon: targetEpsilon, problem: problem))
            params[a] = try effectiveParameters(a, overrides: overrides, targetEpsilon: targetEpsilon, problem: problem)
        }
        var runs = [Trajectory]()
        for (a, s) in zip(algorithms, solvers) {
            progress("bilevel: \(a) on \(name)")
            // Exact final figures need a dense Hessian factorisation: skipped above 2000 lower variables.
            runs.append(BilevelRunner.run(s, on: problem, budget: calls, stream: master.split("run").split(a),
                                          exactFinal: problem.yDimension <= 2000))
        }
        var instance = [String: String]()
        for (k, v) in problem.summary { instance[k] = v }
        return Comparison(problem: name, data: dataPath, seed: seed, budget: calls, targetEpsilon: targetEpsilon, metric: problem.metric,
                          instance: instance, parameters: params, runs: runs, skipped: skipped)
    }

    /// Default budgets: 10⁶ calls on the cheap quadratic, fewer on the real problems.
    public static func defaultBudget(_ problem: String) -> Int {
        switch problem {
        case "logreg-l2": return 300_000
        case "hyper-cleaning": return 100_000
        default: return 1_000_000
        }
    }

    /// The numbers a solver runs with: its defaults resolved against the problem, then prescriptions and overrides.
    public static func effectiveParameters(_ algorithm: String, overrides: [String: Double], targetEpsilon: Double?,
                                           problem: any BilevelProblem) throws(BilevelError) -> [String: Double] {
        let t = try SolverCatalog.type(named: algorithm)
        var o = targetEpsilon.map { t.prescribed(forTarget: $0, problem: problem) } ?? [:]
        for (k, v) in overrides where t.parameters.contains(where: { $0.name == k }) { o[k] = v }
        let s = SolverSettings(overrides: o, for: problem)
        var out = [String: Double]()
        for p in t.parameters {
            // Zero defaults mean "derived from the problem"; mirror the solvers' derivations.
            var fallback: Double? = nil
            if p.defaultValue == 0 {
                switch p.name {
                case "eta": fallback = 0.8 / problem.lowerSmoothness
                case "lambda": fallback = 1 / problem.lowerSmoothness
                case "beta" where algorithm == "aid-cg": fallback = 1 / problem.lowerSmoothness
                default: fallback = 0.6 / problem.lowerSmoothness
                }
            }
            if p.name == "S1" { fallback = Double(min(1000, problem.lowerSampleCount ?? 1000)) }
            out[p.name] = try s.value(p, default: fallback)
        }
        return out
    }
}
