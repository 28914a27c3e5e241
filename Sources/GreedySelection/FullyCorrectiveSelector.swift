import LinearAlgebra
import Randomness

/// Fully-corrective Frank–Wolfe: add the Frank–Wolfe vertex argmin_i ⟨e, φ_i⟩, then re-optimise the simplex weights
/// on every chosen neuron (`SimplexLeastSquares`). Converges in finitely many steps once t is reached exactly.
public struct FullyCorrectiveSelector: Selector {
    /// A fully-corrective selector.
    public init() {}

    public var method: SelectionMethod { .fullyCorrective }

    public func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let state = try SelectionState.started(problem: problem, method: method, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            let (fw, fwS) = state.frankWolfeVertex()
            // Stop correcting once the Frank–Wolfe gap vanishes or t is represented to rounding (L < 1e-30).
            guard state.ef - fwS > 0, state.ee / Double(state.m) > 1e-30 else {
                state.record(stepSize: 0, chosen: fw, needScores: true)
                continue
            }
            var set = state.support
            if !set.contains(fw) { set.append(fw) }
            let start = set.map { state.weights[$0] }
            let y = problem.atoms.columns(set)
            let lam = try SimplexLeastSquares.solve(y, target: problem.target, start: start, enter: [set.count - 1])
            let newWeight = lam[set.firstIndex(of: fw) ?? 0]
            state.setWeights(set, lam)
            state.record(stepSize: newWeight, chosen: fw, needScores: true)
        }
        return state.trace
    }
}
