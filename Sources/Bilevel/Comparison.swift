import Components
import Datasets
import Foundation
import Randomness

/// Several solvers on one problem with one seed: what `workbench bilevel` runs, prints and records.
public struct Comparison: Sendable, Encodable {
    /// Schema identifier of the JSON record.
    public var schema = "workbench.bilevel/2"
    /// Problem name.
    public var problem: String
    /// The problem's parameters in force.
    public var problemParameters: ParameterValues
    /// The files or shipped data set behind the instance (role, source, sha256, rows); empty for a synthetic problem.
    public var data: [DataProvenance]
    /// How the rows were split and standardised; nil for a synthetic problem.
    public var dataPolicy: String?
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
    /// The parameter values each solver ran with (defaults, derived values, prescriptions and overrides).
    public var parameters: [String: ParameterValues]
    /// One trajectory per solver, in the order asked.
    public var runs: [Trajectory]
    /// Φ* from the exact reference run from the problem's start (nil where it is not affordable: lower dimension above 1000).
    public var optimum: ReferenceOptimum?
    /// Solvers left out because they cannot run on this problem (only when `skipUnsupported`).
    public var skipped: [String] = []
    /// Why each skipped solver cannot run here, by name.
    public var skippedReasons: [String: String] = [:]

    /// The divergences of the runs, in run order.
    public var divergences: [Divergence] { runs.compactMap(\.divergence) }

    /// Validates everything first (names, parameters, data), then runs each solver from the same start.
    ///
    /// - Parameters:
    ///   - overrides: `--set` pairs; each reaches every selected solver (and the problem) that declares the key,
    ///     and a key none of them declares is an error. They win over the prescriptions for `targetEpsilon`.
    ///   - skipUnsupported: leave out solvers that cannot run on the problem (`--algo all`) instead of failing.
    public static func run(problem problemType: any BilevelProblemType.Type, data: DataChoice = .shipped,
                           solvers: [any BilevelSolver.Type], overrides: [String: String] = [:], targetEpsilon: Double? = nil,
                           budget: Int? = nil, seed: UInt64, skipUnsupported: Bool = false,
                           progress: ProgressReporter = .silent) throws(BilevelError) -> Comparison {
        guard !solvers.isEmpty else { throw .invalidOption("name at least one solver") }
        let known = Set(solvers.flatMap { $0.parameters.map(\.name) } + problemType.parameters.map(\.name))
        for key in overrides.keys.sorted() where !known.contains(key) {
            throw .invalidOption("neither a selected solver nor the problem '\(problemType.name)' has a parameter '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let calls = budget ?? problemType.defaultBudget
        try requireAtLeast(calls, 1, "budget")
        let master = RandomStream(seed: seed)
        let built = try problemType.build(overrides, data: data, stream: master.split("instance"), ignoreUnknown: true)
        let problem = built.problem
        // `--algo all` means every solver that can run here; a solver named explicitly still gets its own error.
        var selected = solvers, skipped = [String](), reasons = [String: String]()
        if skipUnsupported {
            skipped = selected.filter { !$0.supports(problem) }.map { $0.name }
            for t in selected { if let r = t.unsupportedReason(problem) { reasons[t.name] = r } }
            selected.removeAll { !$0.supports(problem) }
        }
        var configured = [any BilevelSolver](), params = [String: ParameterValues]()
        for t in selected {
            configured.append(try t.make(overrides, targetEpsilon: targetEpsilon, problem: problem, ignoreUnknown: true))
        }
        for s in configured { params[type(of: s).name] = s.values }
        var runs = [Trajectory]()
        for s in configured {
            let name = type(of: s).name
            progress.update("bilevel: \(name) on \(problem.name)")
            // Exact final figures need a dense Hessian factorisation: skipped above 2000 lower variables.
            runs.append(BilevelRunner.run(s, on: problem, budget: calls, stream: master.split("run").split(name),
                                          exactFinal: problem.yDimension <= 2000))
        }
        progress.update("bilevel: exact reference Φ* on \(problem.name)")
        let optimum = ReferenceOptimum.compute(problem)
        if let o = optimum {
            for i in runs.indices { runs[i].gapToOptimum = runs[i].finalValue.map { $0 - o.value } }
        }
        progress.finish()
        var instance = [String: String]()
        for (k, v) in problem.summary { instance[k] = v }
        return Comparison(problem: problem.name, problemParameters: built.parameters, data: built.data?.split.provenance ?? [],
                          dataPolicy: built.data?.split.policy, seed: seed, budget: calls, targetEpsilon: targetEpsilon,
                          metric: problem.metric, instance: instance, parameters: params, runs: runs, optimum: optimum, skipped: skipped, skippedReasons: reasons)
    }
}
