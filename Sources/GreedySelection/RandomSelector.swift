import Components
import Randomness

/// Uniform weights on n neurons drawn without replacement: the baseline with E L_n = (V/n)(N−n)/(N−1).
/// A run stops after N steps (every neuron chosen, f = t).
public enum RandomSelector: Selector {
    public static let name = "random"
    public static let summary = "uniform weights on n neurons drawn without replacement"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = false
    public static let isControl = false
    public static let isMonotone = false

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try RandomDraws.run(on: problem, steps: steps, options: options, stream: stream, withReplacement: false, selector: name)
    }
}

/// The random selectors' one loop: uniform weights on drawn neurons, with or without replacement.
enum RandomDraws {
    static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, stream: RandomStream,
                    withReplacement: Bool, selector: String) throws(GreedyError) -> SelectionTrace {
        try GreedyValidation.checkSteps(steps)
        let n = problem.neuronCount
        let total = withReplacement ? steps : min(steps, n)
        let state = SelectionState(problem: problem, selector: selector, steps: total, options: options)
        // Without replacement only the first `total` positions of a random order are needed.
        let order = withReplacement ? [] : stream.permutation(n)
        for k in 0..<total {
            let i = withReplacement ? stream.uniformInt(n) : order[k]
            let gamma = 1 / Double(k + 1)
            state.move(toward: i, gamma: gamma)
            try state.record(stepSize: gamma, chosen: i, needScores: false)
        }
        return state.trace
    }
}
