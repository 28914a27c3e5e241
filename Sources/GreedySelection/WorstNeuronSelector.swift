import Components
import Randomness

/// The uniform-weight update with the neuron that MAXIMISES the new loss: the negative control that must break V/n.
public enum WorstNeuronSelector: Selector {
    public static let name = "worst-neuron"
    public static let summary = "uniform weights 1/n, worst neuron each step (control: must break V/n)"
    public static let parameters: [Parameter] = []
    public static let recordsCertificate = false
    public static let isControl = true
    public static let isMonotone = false

    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                           stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try UniformSteps.run(on: problem, steps: steps, options: options, worst: true, selector: name)
    }
}
