import Components
import Foundation
import Randomness

/// Watches a run: records the metric against cumulative oracle calls, stops at the budget or on divergence.
public final class Recorder {
    /// When the (uncounted) metric is evaluated.
    public enum Policy: Sendable, Equatable {
        /// After every outer iteration (what the half-window mean needs).
        case everyIteration
        /// About `perDecade` points per decade of oracle calls (cheap trajectories for plots).
        case logSpaced(perDecade: Int)
    }

    let problem: any BilevelProblem
    let oracles: CountingOracles
    let policy: Policy
    /// The solver being watched, for the divergence report.
    public let component: String
    /// Stop once this many oracle calls have been spent.
    public let budget: Int
    /// Stop after this many outer iterations.
    public let maxIterations: Int
    /// Cumulative oracle calls at each record.
    public private(set) var calls: [Double] = []
    /// The metric at each record.
    public private(set) var values: [Double] = []
    /// Outer iterations so far.
    public private(set) var iterations = 0
    /// Where and how the iterates left every sane range (non-finite, or the metric 10¹⁰ × the start); nil while they stay in it.
    public private(set) var divergence: Divergence?
    /// Whether the run was stopped for divergence.
    public var diverged: Bool { divergence != nil }
    var nextCheckpoint = 0.0
    var startValue = Double.nan
    var runningSum = 0.0
    /// Stop as soon as the running mean of the metric over all records (start included) is ≤ this (Protocol B).
    public var stopWhenRunningMeanBelow: Double?
    /// Oracle calls at which the running-mean target was met, if it was.
    public private(set) var hitCalls: Double?

    /// A recorder for one run of the solver called `component`.
    public init(problem: any BilevelProblem, oracles: CountingOracles, budget: Int, maxIterations: Int = .max, policy: Policy,
                component: String) {
        self.component = component
        self.problem = problem
        self.oracles = oracles
        self.budget = budget
        self.maxIterations = maxIterations
        self.policy = policy
    }

    /// The metric at (x, y): exact ‖∇Φ(x)‖² or the full validation loss f(x, y).
    public func metric(_ x: [Double], _ y: [Double]) -> Double {
        switch problem.metric {
        case .gradientNormSquared: return (try? problem.hypergradientNormSquared(x)) ?? .nan
        case .validationLoss: return problem.upperObjective(x, y)
        }
    }

    /// Records the start (0 calls).
    public func start(_ x: [Double], _ y: [Double]) {
        startValue = metric(x, y)
        runningSum = startValue
        calls.append(0)
        values.append(startValue)
        nextCheckpoint = 1
    }

    /// Called after each outer iteration; returns whether the solver should continue.
    public func observe(_ x: [Double], _ y: [Double]) -> Bool {
        iterations += 1
        let n = Double(oracles.counts.total)
        let done = n >= Double(budget) || iterations >= maxIterations
        var due = done
        switch policy {
        case .everyIteration: due = true
        case .logSpaced(let k):
            if n >= nextCheckpoint {
                due = true
                nextCheckpoint = max(n + 1, nextCheckpoint * pow(10, 1 / Double(max(k, 1))))
            }
        }
        if due {
            let v = metric(x, y)
            calls.append(n)
            values.append(v)
            let limit = 1e10 * max(abs(startValue), 1)
            if let d = nonFinite(x, y, calls: n) ?? ((!v.isFinite || abs(v) > limit) ? flag(problem.metric.symbol, v, calls: n) : nil) {
                divergence = d
                return false
            }
            runningSum += v
            if let target = stopWhenRunningMeanBelow, runningSum / Double(values.count) <= target {
                hitCalls = n
                return false
            }
        } else if let d = nonFinite(x, y, calls: n) {
            divergence = d
            return false
        }
        return !done
    }

    /// Records the end of a run that stopped on its own before the budget (a converged reference): one more iteration
    /// at the final point when calls were spent since the last record, so the trajectory ends at the total.
    public func finish(_ x: [Double], _ y: [Double]) {
        let n = Double(oracles.counts.total)
        guard !diverged, let last = calls.last, n > last else { return }
        iterations += 1
        calls.append(n)
        values.append(metric(x, y))
    }

    /// A divergence when x or y has a non-finite entry (x first: the y level follows it), else nil.
    func nonFinite(_ x: [Double], _ y: [Double], calls: Double) -> Divergence? {
        // The norm of a vector with a non-finite entry is nan (any nan) or inf.
        if !Vec.isFinite(x) { return flag("‖x‖", x.contains { $0.isNaN } ? .nan : .infinity, calls: calls) }
        if !Vec.isFinite(y) { return flag("‖y‖", y.contains { $0.isNaN } ? .nan : .infinity, calls: calls) }
        return nil
    }

    func flag(_ quantity: String, _ value: Double, calls: Double) -> Divergence {
        Divergence(component: component, step: Int(calls), unit: "oracle calls", quantity: quantity, value: value)
    }
}

/// One solver's run: the trajectory, the counts and the final exact figures.
public struct Trajectory: Sendable, Codable {
    /// Solver name.
    public var algorithm: String
    /// Problem name.
    public var problem: String
    /// What `values` measures.
    public var metric: ProblemMetric
    /// Cumulative oracle calls at each record.
    public var calls: [Double]
    /// The metric at each record.
    public var values: [Double]
    /// Outer iterations run.
    public var iterations: Int
    /// Oracle calls by kind.
    public var counts: OracleCounts
    /// Where the run was stopped for divergence (absent from the record when it was not).
    public var divergence: Divergence?
    /// Whether the run was stopped for divergence.
    public var diverged: Bool { divergence != nil }
    /// Exact ‖∇Φ(x_final)‖² (nil when it could not be computed).
    public var finalGradNormSq: Double?
    /// Exact Φ(x_final).
    public var finalValue: Double?
    /// f(x_final, y_final) (validation loss on the real problems).
    public var finalUpperLoss: Double
    /// Φ(x_final) − Φ*, with Φ* from the exact reference (`ReferenceOptimum`); nil where the reference is not affordable.
    public var gapToOptimum: Double?
    /// The final upper iterate.
    public var finalX: [Double]
    /// Wall time in seconds: printed beside the counts, never instead of them, and left out of the record
    /// (records are byte-identical for the same command and seed).
    public var seconds: Double = 0

    // Every field but `seconds`, which therefore decodes as 0.
    enum CodingKeys: String, CodingKey {
        case algorithm, problem, metric, calls, values, iterations, counts, divergence, finalGradNormSq, finalValue, finalUpperLoss, gapToOptimum, finalX
    }
}

/// Runs a solver on a problem under a budget of oracle calls.
public enum BilevelRunner {
    /// One run from `x0`/`y0` (default: the problem's start) with a seeded stream.
    public static func run(_ solver: any BilevelSolver, on problem: any BilevelProblem, budget: Int, stream: RandomStream,
                           policy: Recorder.Policy = .logSpaced(perDecade: 20), maxIterations: Int = .max,
                           x0: [Double]? = nil, y0: [Double]? = nil, exactFinal: Bool = true) -> Trajectory {
        let started = Date()
        let oracles = CountingOracles(problem)
        let name = type(of: solver).name
        let recorder = Recorder(problem: problem, oracles: oracles, budget: budget, maxIterations: maxIterations, policy: policy, component: name)
        var x = x0 ?? problem.initialX
        var y = y0 ?? problem.initialY
        recorder.start(x, y)
        solver.run(oracles, x: &x, y: &y, stream: stream, recorder: recorder)
        var gradSq: Double? = nil, value: Double? = nil
        if exactFinal && !recorder.diverged {
            gradSq = try? problem.hypergradientNormSquared(x)
            value = try? problem.value(x)
        }
        return Trajectory(algorithm: name, problem: problem.name, metric: problem.metric,
                          calls: recorder.calls, values: recorder.values, iterations: recorder.iterations,
                          counts: oracles.counts, divergence: recorder.divergence, finalGradNormSq: gradSq, finalValue: value,
                          finalUpperLoss: problem.upperObjective(x, y), gapToOptimum: nil, finalX: x, seconds: Date().timeIntervalSince(started))
    }
}
