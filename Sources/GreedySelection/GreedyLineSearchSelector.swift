import Components
import Randomness

/// Greedy selection with line search (the mechanism behind Ye, Wu, Liu, NeurIPS 2020): the pair (i, γ) minimising
/// L((1 − γ) f_n + γ φ_i) over all neurons and γ ∈ [0, 1], with γ in closed form; f_1 is the best single neuron.
///
/// Per-step certificate: L_{n+1} ≤ (1 − w_n²/D_n²) L_n (see `SelectionTrace.certificateViolations`).
public enum GreedyLineSearchSelector: Selector {
    public static let name = "greedy-linesearch"
    public static let summary = "the best (neuron, γ) pair: the neuron and step γ ∈ [0, 1] that together minimise L (not the Frank–Wolfe vertex)"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = true
    public static let isControl = false
    public static let isMonotone = true

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let state = try SelectionState.started(problem: problem, selector: name, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            let (i, gamma) = bestStep(state)
            if gamma > 0 { state.move(toward: i, gamma: gamma) }
            try state.record(stepSize: gamma, chosen: i, needScores: true)
        }
        return state.trace
    }

    /// The exact line search along one direction d from f: the γ ∈ [0, cap] minimising ‖e + γ d‖², where
    /// `gap` = −⟨e, d⟩ and `distanceSquared` = ‖d‖² (0 when the direction does not descend).
    ///
    /// The one closed form every Frank–Wolfe-type selector here uses, so tests can check it against a grid.
    @inlinable
    public static func exactStep(gap: Double, distanceSquared dd: Double, cap: Double = 1) -> Double {
        dd > 0 && gap > 0 ? min(cap, gap / dd) : 0
    }

    /// The exact minimiser over (i, γ) from the current scores: ⟨e, φ_i − f⟩ = s_i − ⟨e, f⟩ and
    /// ‖φ_i − f‖² = ‖φ_i − t‖² − 2(s_i − ⟨e, t⟩) + ‖e‖², so each candidate costs O(1).
    static func bestStep(_ state: SelectionState) -> (index: Int, gamma: Double) {
        let n = state.n, ef = state.ef, shift = 2 * state.et + state.ee
        var best = 0, bestGamma = 0.0, bestDecrease = 0.0
        let leaders = state.runnersUp
        leaders.reset(below: 0)
        state.s.withUnsafeBufferPointer { s in
            state.problem.centredSquaredNorms.withUnsafeBufferPointer { h in
                for i in 0..<n {
                    let ed = s[i] - ef
                    guard ed < 0 else { continue }
                    let dd = h[i] - 2 * s[i] + shift
                    guard dd > 0 else { continue }
                    let g = exactStep(gap: -ed, distanceSquared: dd)
                    // Loss change (times M) of the step: 2γ⟨e,d⟩ + γ²‖d‖² < 0.
                    let change = g * (2 * ed + g * dd)
                    if change < bestDecrease { bestDecrease = change; best = i; bestGamma = g }
                    if change < leaders.threshold { leaders.offer(change, i) }
                }
            }
        }
        return (best, bestGamma)
    }
}
