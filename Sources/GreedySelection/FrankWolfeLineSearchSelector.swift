import Components
import Randomness

/// Plain Frank–Wolfe with exact line search (the paper's "global" variant as issue #30 reads it): the linear-oracle
/// vertex argmin_i ⟨e, φ_i⟩, then the γ ∈ [0, 1] minimising L((1 − γ) f_n + γ φ_i); f_1 is the best single neuron.
///
/// Its step toward the vertex is the one the certificate's proof takes (the vertex maximises ⟨u, t − φ_i⟩ = w_n), so
/// L_{n+1} ≤ (1 − w_n²/D_n²) L_n holds for it as for greedy-linesearch, which picks the best (neuron, γ) pair instead.
public enum FrankWolfeLineSearchSelector: Selector {
    public static let name = "fw-linesearch"
    public static let summary = "Frank–Wolfe vertex argmin_i ⟨e, φ_i⟩, then the exact step γ ∈ [0, 1]"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = true
    public static let isControl = false
    public static let isMonotone = true

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let state = try SelectionState.started(problem: problem, selector: name, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            let (fw, fwS) = state.frankWolfeVertex()
            let gamma = state.ee > 0
                ? GreedyLineSearchSelector.exactStep(gap: state.ef - fwS, distanceSquared: state.distanceSquared(fw)) : 0
            if gamma > 0 { state.move(toward: fw, gamma: gamma) }
            try state.record(stepSize: gamma, chosen: fw, needScores: true)
        }
        return state.trace
    }
}
