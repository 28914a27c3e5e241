import Components
import Foundation
import Randomness
import Statistics

/// Protocol A: the half-window mean of ‖∇Φ(x_j)‖² against cumulative oracle calls, fitted log-log per seed.
///
/// The half-window mean A(k) = mean of v_j over j ∈ [⌈k/2⌉, k] forgets the initial transient,
/// which dominates the running mean from j = 0 and made stocBiO look accelerated in the
/// prototype. Exponent of the complexity = −1/slope of log A on log N.
public struct ProtocolA: Sendable {
    /// Oracle-call budget per run (must reach the right end of the shifted window).
    public var budget: Int
    /// The fit window [N₀, N₁] in oracle calls.
    public var window: (Double, Double)
    /// Log-spaced fit points in the window.
    public var points: Int

    /// A protocol with the spec's defaults: 40 points over [5.6e3, 5.6e5], budget 10⁶.
    public init(budget: Int = 1_000_000, window: (Double, Double) = (5.6e3, 5.6e5), points: Int = 40) {
        self.budget = budget
        self.window = window
        self.points = points
    }

    /// A(k) for every record index k.
    public static func halfWindowMeans(_ values: [Double]) -> [Double] {
        var prefix = [Double](repeating: 0, count: values.count + 1)
        for (i, v) in values.enumerated() { prefix[i + 1] = prefix[i] + v }
        return values.indices.map { k in
            let lo = (k + 1) / 2
            return (prefix[k + 1] - prefix[lo]) / Double(k - lo + 1)
        }
    }

    /// The curve at each grid point: its value at the first record whose call count reaches the point.
    public static func sample(calls: [Double], curve: [Double], at grid: [Double]) -> [Double] {
        var out = [Double](), i = 0
        for n in grid {
            while i < calls.count && calls[i] < n { i += 1 }
            out.append(i < calls.count ? curve[i] : .nan)
        }
        return out
    }

    /// The log-log slope of the half-window mean over `window` (x·10^shift on both ends).
    public func slope(calls: [Double], halfWindow: [Double], shiftDecades: Double = 0) throws(StatisticsError) -> PowerLawFit {
        let f = pow(10, shiftDecades)
        let grid = logGrid(from: window.0 * f, to: window.1 * f, count: points)
        let y = Self.sample(calls: calls, curve: halfWindow, at: grid)
        let usable = Window.positivePoints(x: grid, y: y, from: grid.first ?? 0, through: grid.last ?? 0)
        return try PowerLawFit(x: usable.x, values: usable.y)
    }

    /// One run on `problem`: (calls, half-window means, diverged).
    public func run(_ solver: any BilevelSolver, on problem: any BilevelProblem, stream: RandomStream) -> (calls: [Double], halfWindow: [Double], diverged: Bool) {
        let t = BilevelRunner.run(solver, on: problem, budget: budget, stream: stream, policy: .everyIteration, exactFinal: false)
        return (t.calls, Self.halfWindowMeans(t.values), t.diverged)
    }

    /// Complexity exponent −1/slope (the ε-exponent when A ≈ N^slope).
    public static func exponent(slope: Double) -> Double { -1 / slope }
}

/// Protocol B: oracle calls until the running mean of ‖∇Φ‖² reaches ε, over a grid of ε, with
/// VRBO's theory-prescribed sizes S₁ = ⌈c/ε⌉, q = S₂ = ⌈ε^-½⌉ and constant steps.
///
/// Constant-step methods with a fixed batch stall at a noise floor, so VRBO is judged here and not
/// under Protocol A. The run starts near a stationary point (found by AID-CG) so the transient
/// mass Σ‖∇Φ‖² paid once does not swamp the budget; the exponent is the slope of log N on log 1/ε.
public struct ProtocolB: Sendable {
    /// The ε grid (descending is customary).
    public var epsilons: [Double]
    /// S₁ = ⌈c·/ε⌉.
    public var bigBatchConstant: Double
    /// VRBO settings that stay fixed across ε.
    public var alpha = 0.2, beta = 0.3, innerSteps = 3, neumannTerms = 15
    /// A run gives up after `budgetFactor`·ε^-1.5 calls (then the point is censored).
    public var budgetFactor: Double

    /// A protocol over `epsilons`.
    public init(epsilons: [Double], bigBatchConstant: Double = 100, budgetFactor: Double = 1e5) {
        self.epsilons = epsilons
        self.bigBatchConstant = bigBatchConstant
        self.budgetFactor = budgetFactor
    }

    /// The big batch S₁ = ⌈c/ε⌉.
    public func bigBatch(_ epsilon: Double) -> Int { Int(min(1e12, (bigBatchConstant / epsilon).rounded(.up))) }

    /// The inner batch and refresh period q = S₂ = ⌈ε^-½⌉.
    public func innerBatch(_ epsilon: Double) -> Int { Int(min(1e12, (1 / epsilon.squareRoot()).rounded(.up))) }

    /// The VRBO settings for one ε, as `--set` would give them.
    public func overrides(_ epsilon: Double) -> [String: String] {
        let root = String(innerBatch(epsilon))
        return ["S1": String(bigBatch(epsilon)), "S2": root, "q": root, "m": String(innerSteps),
                "alpha": ParameterValue.real(alpha).description, "beta": ParameterValue.real(beta).description, "Q": String(neumannTerms)]
    }

    /// The settings in words, for records: the ε-dependent sizes as formulas and the fixed values.
    public var settingsSummary: String {
        "S1 = ⌈\(ParameterValue.real(bigBatchConstant))/ε⌉, S2 = q = ⌈ε^-½⌉, alpha = \(ParameterValue.real(alpha)), beta = \(ParameterValue.real(beta)), m = \(innerSteps), Q = \(neumannTerms)"
    }

    /// Calls to reach running mean ≤ ε from (x₀, y₀), or nil when the budget ran out or the run diverged.
    public func hittingCalls(_ epsilon: Double, problem: any BilevelProblem, x0: [Double], y0: [Double], stream: RandomStream) throws(BilevelError) -> Double? {
        let solver = try VRBO.make(overrides(epsilon), problem: problem)
        let oracles = CountingOracles(problem)
        let budget = Int(min(4e9, budgetFactor * pow(epsilon, -1.5)))
        let recorder = Recorder(problem: problem, oracles: oracles, budget: budget, policy: .everyIteration, component: VRBO.name)
        recorder.stopWhenRunningMeanBelow = epsilon
        var x = x0, y = y0
        recorder.start(x, y)
        solver.run(oracles, x: &x, y: &y, stream: stream, recorder: recorder)
        return recorder.diverged ? nil : recorder.hitCalls
    }

    /// A stationary point of Φ found by AID-CG (deterministic), refined until ‖∇Φ‖² ≤ 1e-20 or 20 000 steps.
    public static func stationaryPoint(_ problem: any BilevelProblem) throws(BilevelError) -> [Double] {
        let solver = try AIDCG.make(problem: problem)
        let oracles = CountingOracles(problem)
        let recorder = Recorder(problem: problem, oracles: oracles, budget: .max, maxIterations: 20_000, policy: .logSpaced(perDecade: 1),
                                component: AIDCG.name)
        var x = problem.initialX, y = problem.initialY
        recorder.start(x, y)
        recorder.stopWhenRunningMeanBelow = nil
        solver.run(oracles, x: &x, y: &y, stream: RandomStream(seed: 0), recorder: recorder)
        return x
    }
}
