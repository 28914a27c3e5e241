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

    /// The default instance of `verify greedy-decay` (d = 3, M = 10, N = 1000, tanh, 200 held-out inputs).
    public static let standard = GreedyInstance(dimension: 3, inputs: 10, width: 1000, activation: .tanh, heldOutInputs: 200)

    /// An instance description (validated by `build`).
    public init(dimension: Int, inputs: Int, width: Int, activation: Activation, heldOutInputs: Int = 200) {
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
