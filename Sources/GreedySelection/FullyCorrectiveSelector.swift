import Components
import LinearAlgebra
import Randomness

/// Fully-corrective Frank–Wolfe: add the Frank–Wolfe vertex argmin_i ⟨e, φ_i⟩, then re-optimise the simplex weights
/// on every chosen neuron (`SimplexLeastSquares`). Converges in finitely many steps once t is reached exactly.
public enum FullyCorrectiveSelector: Selector {
    public static let name = "fully-corrective"
    public static let summary = "Frank–Wolfe vertex, then simplex weights re-optimised on the chosen set"
    public static let parameters: [Parameter] = [
        .real("stop_loss", 1e-30, .nonNegative, "stop re-optimising once L_n falls below this (t represented to rounding)"),
    ]
    public static let recordsCertificate = false
    public static let isControl = false
    public static let isMonotone = true

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let stopLoss = parameters.real("stop_loss")
        let state = try SelectionState.started(problem: problem, selector: name, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            let (fw, fwS) = state.frankWolfeVertex()
            // Stop correcting once the Frank–Wolfe gap vanishes or t is represented to rounding.
            guard state.ef - fwS > 0, state.ee / Double(state.m) > stopLoss else {
                try state.record(stepSize: 0, chosen: fw, needScores: true)
                continue
            }
            var set = state.support
            if !set.contains(fw) { set.append(fw) }
            let start = set.map { state.weights[$0] }
            let y = problem.atoms.columns(set)
            let lam = try SimplexLeastSquares.solve(y, target: problem.target, start: start, enter: [set.count - 1])
            let newWeight = lam[set.firstIndex(of: fw) ?? 0]
            state.setWeights(set, lam)
            try state.record(stepSize: newWeight, chosen: fw, needScores: true)
        }
        return state.trace
    }
}
