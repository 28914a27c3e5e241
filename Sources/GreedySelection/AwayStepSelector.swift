import Randomness

/// Away-step Frank–Wolfe with exact line search (Guélat & Marcotte 1986; Lacoste-Julien & Jaggi 2015): either move
/// toward the best vertex or away from the worst active one, whichever has the larger gap. Converges linearly
/// without the paper's interior assumption.
public struct AwayStepSelector: Selector {
    /// An away-step Frank–Wolfe selector.
    public init() {}

    public var method: SelectionMethod { .awayStep }

    public func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let state = try SelectionState.started(problem: problem, method: method, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            // Frank–Wolfe vertex: argmin_i ⟨e, φ_i⟩; away vertex: argmax over the support.
            let (fw, fwS) = state.frankWolfeVertex()
            var away = state.support.first ?? fw, awayS = -Double.infinity
            for i in state.support where state.s[i] > awayS { awayS = state.s[i]; away = i }
            let gapFW = state.ef - fwS, gapAway = awayS - state.ef
            guard state.ee > 0, max(gapFW, gapAway) > 0 else {
                state.record(stepSize: 0, chosen: fw, needScores: true)
                continue
            }
            if gapFW >= gapAway {
                let dd = state.distanceSquared(fw)
                let gamma = dd > 0 ? min(1, gapFW / dd) : 0
                if gamma > 0 { state.move(toward: fw, gamma: gamma) }
                state.record(stepSize: gamma, chosen: fw, needScores: true)
            } else {
                let alpha = state.weights[away]
                let gammaMax = alpha < 1 ? alpha / (1 - alpha) : 0
                let dd = state.distanceSquared(away)
                let gamma = dd > 0 ? min(gammaMax, gapAway / dd) : 0
                if gamma > 0 { state.move(awayFrom: away, gamma: gamma, drop: gamma >= gammaMax) }
                state.record(stepSize: -gamma, chosen: away, needScores: true)
            }
        }
        return state.trace
    }
}
