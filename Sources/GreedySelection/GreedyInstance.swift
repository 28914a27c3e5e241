import Components
import Foundation
import LinearAlgebra
import Randomness

/// A random-network selection instance: a Gaussian-initialised two-layer network evaluated on M Gaussian inputs.
public struct GreedyInstance: Sendable, Equatable {
    /// Input dimension d.
    public var dimension: Int
    /// Number of inputs M (rows of Φ).
    public var inputs: Int
    /// Width N (columns of Φ).
    public var width: Int
    /// σ.
    public var activation: Activation
    /// Number of fresh inputs for the held-out discrepancy (0: none).
    public var heldOutInputs: Int
    /// Train the output layer by ridge least squares on a teacher y = sin(vᵀx) (200 samples) instead of keeping b random.
    public var trainedOutput: Bool = false

    /// An instance description (validated by `build`).
    public init(dimension: Int, inputs: Int, width: Int, activation: Activation, heldOutInputs: Int) {
        self.dimension = dimension
        self.inputs = inputs
        self.width = width
        self.activation = activation
        self.heldOutInputs = heldOutInputs
    }

    /// Draws the network and inputs from `stream` (split by label, so each part is reproducible on its own).
    public func build(stream: RandomStream) throws(GreedyError) -> AtomProblem {
        try GreedyValidation.checkSizes(width: width, inputs: inputs, dimension: dimension)
        guard heldOutInputs >= 0, heldOutInputs <= GreedyValidation.maxInputs else {
            throw .invalidArgument("held-out inputs must be in 0...\(GreedyValidation.maxInputs), got \(heldOutInputs)")
        }
        var net = try TwoLayerNetwork.random(width: width, dimension: dimension, activation: activation, stream: stream.split("network"))
        if trainedOutput {
            let teacher = stream.split("teacher")
            let v = teacher.gaussianVector(dimension)
            let xt = Matrix(rows: 200, cols: dimension, columnMajorUnchecked: teacher.gaussianVector(200 * dimension))
            let y = (0..<200).map { i in sin((0..<dimension).reduce(0.0) { $0 + v[$1] * xt[i, $1] }) }
            try net.fitOutputWeights(inputs: xt, targets: y, ridge: 1e-3)
        }
        let x = Matrix(rows: inputs, cols: dimension, columnMajorUnchecked: stream.split("inputs").gaussianVector(inputs * dimension))
        let phi = try net.atoms(x)
        var held: Matrix? = nil
        if heldOutInputs > 0 {
            let xh = Matrix(rows: heldOutInputs, cols: dimension, columnMajorUnchecked: stream.split("held-out").gaussianVector(heldOutInputs * dimension))
            held = try net.atoms(xh)
        }
        return try AtomProblem(atoms: phi, heldOutAtoms: held)
    }
}

// The instance family's parameters, declared once. The greedy claims' `--param` and `workbench greedy`'s `--set`
// resolve these declarations, so a default (N = 1000, …) is written here and nowhere else.
extension GreedyInstance {
    /// The network and its inputs: M, N, d, activation.
    public static let networkParameters: [Parameter] = [
        .int("M", 10, 1...GreedyValidation.maxInputs, "inputs M (rows of the atom matrix)"),
        .int("N", 1000, 1...GreedyValidation.maxWidth, "width N of the network (neurons to select from)"),
        .int("d", 3, 1...GreedyValidation.maxDimension, "input dimension d"),
        .choice("activation", Activation.tanh.rawValue, Activation.allCases.map(\.rawValue), "hidden non-linearity σ"),
    ]

    /// Fresh inputs for the held-out discrepancy.
    public static let heldOutParameter = Parameter.int("heldout", 200, 0...GreedyValidation.maxInputs,
                                                       "fresh inputs for the held-out discrepancy (0: none)")

    /// The trained-output variant (the claims keep the random output layer).
    public static let trainedParameter = Parameter.flag("trained", false,
                                                        "train the output layer by least squares on a teacher sin(vᵀx) before selecting")

    /// The instance as the decay claim sees it: the network, its inputs and the held-out inputs.
    public static var parameters: [Parameter] { networkParameters + [heldOutParameter] }

    /// The declared defaults of `parameters`.
    public static var defaults: ParameterValues {
        (try? ParameterValues(resolving: parameters, owner: "greedy instance")) ?? ParameterValues()
    }

    /// The instance `values` describe (resolved from these declarations); a list that leaves out `heldout`
    /// or `trained` means no held-out inputs and a random output layer.
    public init(_ values: ParameterValues) throws(GreedyError) {
        let name = values.string("activation")
        guard let activation = Activation(rawValue: name) else {
            throw .unknownName(kind: "activation", name: name, known: Activation.allCases.map(\.rawValue))
        }
        self.init(dimension: values.int("d"), inputs: values.int("M"), width: values.int("N"), activation: activation,
                  heldOutInputs: values.values[Self.heldOutParameter.name].flatMap(\.double).map { Int($0) } ?? 0)
        if case .flag(let trained)? = values.values[Self.trainedParameter.name] { trainedOutput = trained }
        try GreedyValidation.checkSizes(width: width, inputs: inputs, dimension: dimension)
    }

    /// The default instance of `verify greedy-decay`, from the declarations.
    public static func standard() throws(GreedyError) -> GreedyInstance { try GreedyInstance(defaults) }
}
