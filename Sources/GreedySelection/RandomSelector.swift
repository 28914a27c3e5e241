import Randomness

/// Uniform weights on randomly drawn neurons: the baseline whose expected loss is (V/n)(N−n)/(N−1) (without
/// replacement) or V/n (with replacement). Without replacement a run stops after N steps.
public struct RandomSelector: Selector {
    /// Draw with replacement (atoms may repeat).
    public let withReplacement: Bool

    /// A random selector.
    public init(withReplacement: Bool) { self.withReplacement = withReplacement }

    public var method: SelectionMethod { withReplacement ? .randomWithReplacement : .random }

    public func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try GreedyValidation.checkSteps(steps)
        let n = problem.neuronCount
        let total = withReplacement ? steps : min(steps, n)
        let state = SelectionState(problem: problem, method: method, steps: total, options: options)
        // Without replacement only the first `total` positions of a random order are needed.
        let order = withReplacement ? [] : stream.permutation(n)
        for k in 0..<total {
            let i = withReplacement ? stream.uniformInt(n) : order[k]
            let gamma = 1 / Double(k + 1)
            state.move(toward: i, gamma: gamma)
            state.record(stepSize: gamma, chosen: i, needScores: false)
        }
        return state.trace
    }
}
