/// The path of one selection run; entry k describes the sub-network after k + 1 steps (n = k + 1).
public struct SelectionTrace: Sendable {
    /// The name of the selector that produced it.
    public var selector: String
    /// In-sample discrepancy L_n = ‖f_n − t‖²/M, n = 1…steps.
    public var loss: [Double] = []
    /// Held-out discrepancy on fresh inputs (empty without held-out atoms).
    public var heldOutLoss: [Double] = []
    /// Step size γ of step n (1 for the first atom; negative for an away step of away-step Frank–Wolfe).
    public var stepSize: [Double] = []
    /// Neurons with non-zero weight in f_n.
    public var distinct: [Int] = []
    /// The neuron chosen at step n (for away steps: the neuron moved away from).
    public var chosen: [Int] = []
    /// w_n = max_i ⟨u, t − φ_i⟩ with u = (f_n − t)/‖f_n − t‖ (NaN when not recorded or L_n = 0).
    public var certificateW: [Double] = []
    /// D_n = max_i ‖φ_i − f_n‖ (NaN when not recorded).
    public var certificateD: [Double] = []
    /// Sparse weights (neuron, weight) of f_n, when `recordWeights` was asked for.
    public var weights: [[(neuron: Int, weight: Double)]] = []
    /// Steps whose pick came from screening (`ScoreScreen`), and the exact scores they computed (0 when none did).
    public var screenedSteps = 0, exactScores = 0

    /// An empty trace.
    public init(selector: String) { self.selector = selector }

    /// Number of steps recorded.
    public var count: Int { loss.count }

    /// Step numbers n = 1…count as doubles (the x-axis of every plot).
    public var steps: [Double] { (1...max(1, count)).prefix(count).map(Double.init) }

    /// The certified one-step factor 1 − w_n²/D_n² (NaN where not recorded).
    public var certifiedFactor: [Double] {
        zip(certificateW, certificateD).map { w, d in d > 0 ? 1 - max(0, w) * max(0, w) / (d * d) : .nan }
    }

    /// Steps n (1-based) where L_{n+1} > (1 − w_n²/D_n²) L_n (1 + tolerance), checked only while L_n > floor.
    public func certificateViolations(relativeTolerance: Double = 1e-12, floor: Double = 1e-30) -> [Int] {
        let f = certifiedFactor
        var bad = [Int]()
        for k in 0..<max(0, count - 1) where loss[k] > floor && f[k].isFinite {
            if loss[k + 1] > f[k] * loss[k] * (1 + relativeTolerance) { bad.append(k + 1) }
        }
        return bad
    }

    /// The first n with L_n ≤ ε, or nil.
    public func stepsToReach(_ eps: Double) -> Int? {
        loss.firstIndex { $0 <= eps }.map { $0 + 1 }
    }

    /// Distinct neurons in f_n at the first n with L_n ≤ ε, or nil.
    public func neuronsToReach(_ eps: Double) -> Int? {
        loss.firstIndex { $0 <= eps }.map { distinct[$0] }
    }
}
