import Components
import Foundation
import LinearAlgebra
import Randomness

/// The exact reference: L-BFGS on the hyper-objective Φ with exact values and hypergradients.
///
/// Each evaluation solves the lower problem exactly (damped Newton with Cholesky steps, warm-started at the previous
/// y*), then ∇Φ = ∇ₓf − ∇ₓ∇_y g · [∇²_y g]⁻¹ ∇_y f with one Cholesky solve. The x step is L-BFGS with a backtracking
/// (Armijo) line search, so Φ only decreases. It stops when ‖∇Φ‖ ≤ `tolerance`, when Φ no longer moves, or at the
/// budget. Counted: the full-batch ∇_y g, ∇_y f, ∇ₓf, JVP and f-value calls of each evaluation (at the population
/// size); the dense Hessians and their factorisations are LAPACK work outside the oracle count.
/// Proved: none it is measured against (deterministic reference, n/a).
public struct ExactSolver: BilevelSolver {
    public static let name = "exact"
    public static let summary = "exact reference: L-BFGS on Φ with exact inner solves (Newton/Cholesky) and exact hypergradients"
    public static let proved: ProvedRate = .notApplicable("deterministic reference: quasi-Newton on the exact Φ, no stochastic oracle rate")
    public static let acceptsOnlyImprovements = true
    /// Dense lower Hessians: the reference is affordable up to this lower dimension.
    public static let maxLowerDimension: Int? = 2000
    public static let stopsAtConvergence = true
    public static let derivedParameters = [
        DerivedParameter("initial-step", .xStep(1), .positive, "length in x of the first (unscaled) quasi-Newton trial step"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("tolerance", 1e-10, .positive, "stop when ‖∇Φ‖ ≤ tolerance"),
        .count("memory", 20, "L-BFGS pairs kept"),
        .count("iterations", 2000, "most quasi-Newton steps"),
    ]

    public let values: ParameterValues
    let tolerance: Double, memory: Int, maxSteps: Int, firstStep: Double

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        try Self.requireSupport(problem)
        self.values = values
        tolerance = values.real("tolerance"); memory = values.int("memory"); maxSteps = values.int("iterations")
        firstStep = values.real("initial-step")
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["tolerance": .real(min(1e-10, epsilon.squareRoot() / 100))]
    }

    /// Φ(x), ∇Φ(x) and y*(x), the inner solve warm-started at `warm`.
    static func evaluate(_ oracles: CountingOracles, _ x: [Double], warm: [Double]) throws(BilevelError) -> (value: Double, gradient: [Double], y: [Double]) {
        let problem = oracles.problem, full = problem.fullBatch
        let y = try innerSolve(oracles, x, from: warm)
        var fy = [Double](repeating: 0, count: y.count)
        oracles.gradYF(x, y, full, into: &fy)
        let v: [Double]
        let h = try problem.lowerHessian(x, y)
        do { v = try Cholesky(h).solve(fy) } catch { throw .lapack(error, "\(problem.name): exact hypergradient solve") }
        var fx = [Double](repeating: 0, count: x.count), jv = fx
        oracles.gradXF(x, y, full, into: &fx)
        oracles.jacobianVector(x, y, v, full, into: &jv)
        for i in fx.indices { fx[i] -= jv[i] }
        return (oracles.upperValue(x, y, full), fx, y)
    }

    /// y*(x) by damped Newton from `start` until ‖∇_y g‖ ≤ 1e-12·max(1, ‖∇_y g(start)‖): each gradient a counted full-batch
    /// call, each step a dense Cholesky solve, each backtracking test an uncounted g value (as line searches are).
    static func innerSolve(_ oracles: CountingOracles, _ x: [Double], from start: [Double]) throws(BilevelError) -> [Double] {
        let problem = oracles.problem, full = problem.fullBatch
        var y = start, grad = [Double](repeating: 0, count: start.count), trial = start
        oracles.gradYG(x, y, full, into: &grad)
        let target = 1e-12 * max(1, nrm2(grad))
        for _ in 0..<100 {
            let gnorm = nrm2(grad)
            guard gnorm.isFinite else { throw .numerical("\(problem.name): exact inner solve produced a non-finite gradient") }
            if gnorm <= target { return y }
            let step: [Double]
            let h = try problem.lowerHessian(x, y)
            do { step = try Cholesky(h).solve(grad) } catch { throw .lapack(error, "\(problem.name): exact Newton step") }
            let g0 = problem.lowerObjective(x, y), slope = Vec.dot(grad, step)
            var t = 1.0
            while true {
                for i in y.indices { trial[i] = y[i] - t * step[i] }
                // The slack absorbs rounding in g near the solution, where the predicted decrease is below ulp(g).
                if problem.lowerObjective(x, trial) <= g0 - 1e-4 * t * slope + 1e-13 * max(1, abs(g0)) || t < 1e-10 { break }
                t *= 0.5
            }
            y = trial
            oracles.gradYG(x, y, full, into: &grad)
            // A full step that no longer moves y is converged to rounding even when ‖∇g‖ stalls above the target.
            if t == 1 && nrm2(step) <= 1e-15 * (1 + nrm2(y)) { return y }
        }
        if nrm2(grad) <= max(target, 1e-9) { return y }
        throw .numerical("\(problem.name): exact inner solve did not converge in 100 Newton steps")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        guard var current = try? Self.evaluate(oracles, x, warm: y) else {
            // Φ is not defined at the start (the inner solve failed): flagged as a non-finite x at once.
            _ = recorder.observe([Double](repeating: .nan, count: x.count), y)
            return
        }
        y = current.y
        var pairs = [(s: [Double], t: [Double], rho: Double)]()
        var best = nrm2(current.gradient), stalled = 0
        // The calls of a last, rejected line search are recorded too, so the trajectory ends at the total.
        defer { recorder.finish(x, y) }
        for _ in 0..<maxSteps {
            let g = current.gradient, gnorm = nrm2(g)
            if gnorm <= tolerance { return }
            var d = twoLoop(g, pairs)
            var slope = Vec.dot(g, d)
            // A direction that is not one of descent means the curvature pairs went stale: restart from −∇Φ.
            if !(slope < 0) { pairs.removeAll(); d = g.map { -$0 }; slope = -Vec.dot(g, g) }
            // A step without curvature pairs has nothing to scale it: its first trial moves x by `initial-step` at most.
            var t = pairs.isEmpty ? min(1, firstStep / max(gnorm, 1e-300)) : 1
            // Φ carries the inner solve's rounding: near x* a decrease below it is noise, so there a step is taken when it
            // shrinks ‖∇Φ‖ without raising Φ beyond that noise.
            let noise = 1e-12 * max(1, abs(current.value))
            var accepted: (value: Double, gradient: [Double], y: [Double])? = nil
            var trial = x
            for _ in 0..<40 where oracles.counts.total < recorder.budget {
                for i in x.indices { trial[i] = x[i] + t * d[i] }
                if let e = try? Self.evaluate(oracles, trial, warm: y), e.value.isFinite,
                   e.value <= current.value + 1e-4 * t * slope || (e.value <= current.value + noise && nrm2(e.gradient) < gnorm) {
                    accepted = e
                    break
                }
                t *= 0.5
            }
            // No acceptable point along a descent direction: Φ is flat to rounding here (or the budget ran out).
            guard let next = accepted else { return }
            var s = [Double](repeating: 0, count: x.count), dg = s
            for i in x.indices { s[i] = trial[i] - x[i]; dg[i] = next.gradient[i] - g[i] }
            let sy = Vec.dot(s, dg)
            if sy > 1e-12 * nrm2(s) * nrm2(dg) {
                pairs.append((s, dg, 1 / sy))
                if pairs.count > memory { pairs.removeFirst() }
            }
            let decrease = current.value - next.value
            x = trial; y = next.y; current = next
            // Twenty steps in a row that neither lower Φ beyond its noise nor bring ‖∇Φ‖ to a new low: converged as far
            // as double precision allows.
            let now = nrm2(current.gradient)
            if now < best { best = now }
            stalled = decrease <= noise && now > best ? stalled + 1 : (decrease <= noise ? stalled : 0)
            if !recorder.observe(x, y) || stalled >= 20 { return }
        }
    }

    /// The L-BFGS direction −H·g from the stored pairs (two-loop recursion).
    func twoLoop(_ g: [Double], _ pairs: [(s: [Double], t: [Double], rho: Double)]) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in pairs.indices.reversed() {
            alphas[k] = pairs[k].rho * Vec.dot(pairs[k].s, q)
            Vec.axpy(-alphas[k], pairs[k].t, &q)
        }
        if let last = pairs.last {
            let gamma = Vec.dot(last.s, last.t) / max(Vec.dot(last.t, last.t), 1e-300)
            for i in q.indices { q[i] *= gamma }
        }
        for k in pairs.indices {
            let beta = pairs[k].rho * Vec.dot(pairs[k].t, q)
            Vec.axpy(alphas[k] - beta, pairs[k].s, &q)
        }
        return q.map { -$0 }
    }
}

/// The reference optimum Φ* of a problem: `exact` run to its tolerance from the problem's own start.
public struct ReferenceOptimum: Sendable, Codable, Equatable {
    /// Φ* = Φ at the point the reference reached.
    public var value: Double
    /// ‖∇Φ‖² there (how stationary the reference is).
    public var gradNormSq: Double
    /// Quasi-Newton steps taken.
    public var iterations: Int
    /// The point x*.
    public var x: [Double]

    /// Whether the reference is affordable on `problem`: dense lower Hessians of at most 1000 rows and x of at most 5000.
    public static func affordable(_ problem: any BilevelProblem) -> Bool {
        problem.yDimension <= 1000 && problem.xDimension <= 5000
    }

    /// Runs `exact` from the problem's start without a budget (nil when it is not affordable or fails).
    public static func compute(_ problem: any BilevelProblem, tolerance: Double = 1e-10) -> ReferenceOptimum? {
        guard affordable(problem), let solver = try? ExactSolver.make(["tolerance": "\(tolerance)"], problem: problem) else { return nil }
        let run = BilevelRunner.run(solver, on: problem, budget: .max, stream: RandomStream(seed: 0), policy: .logSpaced(perDecade: 1))
        guard !run.diverged, let v = run.finalValue, let g = run.finalGradNormSq, v.isFinite else { return nil }
        return ReferenceOptimum(value: v, gradNormSq: g, iterations: run.iterations, x: run.finalX)
    }
}
