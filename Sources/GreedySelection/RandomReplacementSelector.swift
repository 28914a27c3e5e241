import Components
import Randomness

/// Uniform weights on n draws WITH replacement (E L_n = V/n): the negative control of the without-replacement formula.
public enum RandomReplacementSelector: Selector {
    public static let name = "random-replacement"
    public static let summary = "uniform weights on n draws with replacement (control of the without-replacement formula)"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = false
    public static let isControl = true
    public static let isMonotone = false

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try RandomDraws.run(on: problem, steps: steps, options: options, stream: stream, withReplacement: true, selector: name)
    }
}
