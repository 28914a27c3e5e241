import Components
import Randomness

/// Away-step Frank–Wolfe with exact line search (Guélat & Marcotte 1986; Lacoste-Julien & Jaggi 2015): either move
/// toward the best vertex or away from the worst active one, whichever has the larger gap. Converges linearly
/// without the paper's interior assumption.
public enum AwayStepSelector: Selector {
    public static let name = "away-step"
    public static let summary = "away-step Frank–Wolfe with exact line search"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = true
    public static let isControl = false
    public static let isMonotone = true

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let state = try SelectionState.started(problem: problem, selector: name, steps: steps, options: options)
        for _ in 1..<max(1, steps) {
            // Frank–Wolfe vertex: argmin_i ⟨e, φ_i⟩; away vertex: argmax over the support.
            let (fw, fwS) = state.frankWolfeVertex()
            var away = state.support.first ?? fw, awayS = -Double.infinity
            for i in state.support where state.s[i] > awayS { awayS = state.s[i]; away = i }
            let gapFW = state.ef - fwS, gapAway = awayS - state.ef
            guard state.ee > 0, max(gapFW, gapAway) > 0 else {
                try state.record(stepSize: 0, chosen: fw, needScores: true)
                continue
            }
            if gapFW >= gapAway {
                let gamma = GreedyLineSearchSelector.exactStep(gap: gapFW, distanceSquared: state.distanceSquared(fw))
                if gamma > 0 { state.move(toward: fw, gamma: gamma) }
                try state.record(stepSize: gamma, chosen: fw, needScores: true)
            } else {
                let alpha = state.weights[away]
                let gammaMax = alpha < 1 ? alpha / (1 - alpha) : 0
                let gamma = GreedyLineSearchSelector.exactStep(gap: gapAway, distanceSquared: state.distanceSquared(away), cap: gammaMax)
                if gamma > 0 { state.move(awayFrom: away, gamma: gamma, drop: gamma >= gammaMax) }
                try state.record(stepSize: -gamma, chosen: away, needScores: true)
            }
        }
        return state.trace
    }
}
