import LinearAlgebra
import Randomness

/// A two-layer mean-field network f_N(x) = (1/N) Σ_i b_i σ(w_iᵀx + c_i).
public struct TwoLayerNetwork: Sendable {
    /// Input weights, d×N: column i is w_i.
    public var inputWeights: Matrix
    /// Hidden biases c_i.
    public var biases: [Double]
    /// Output weights b_i.
    public var outputWeights: [Double]
    /// The non-linearity σ.
    public var activation: Activation

    /// Input dimension d.
    public var dimension: Int { inputWeights.rows }
    /// Width N.
    public var width: Int { inputWeights.cols }

    /// A network over given parameters; shapes must agree.
    public init(inputWeights: Matrix, biases: [Double], outputWeights: [Double], activation: Activation) throws(GreedyError) {
        guard biases.count == inputWeights.cols, outputWeights.count == inputWeights.cols else {
            throw .invalidArgument("network: \(inputWeights.cols) neurons but \(biases.count) biases and \(outputWeights.count) output weights")
        }
        self.inputWeights = inputWeights
        self.biases = biases
        self.outputWeights = outputWeights
        self.activation = activation
    }

    /// Standard Gaussian initialisation: w_i ~ N(0, I_d), c_i ~ N(0, 1), b_i ~ N(0, 1).
    public static func random(width: Int, dimension: Int, activation: Activation, stream: RandomStream) throws(GreedyError) -> TwoLayerNetwork {
        try GreedyValidation.checkSizes(width: width, inputs: 1, dimension: dimension)
        let w = Matrix(rows: dimension, cols: width, columnMajorUnchecked: stream.split("w").gaussianVector(dimension * width))
        return try TwoLayerNetwork(inputWeights: w, biases: stream.split("c").gaussianVector(width),
                                   outputWeights: stream.split("b").gaussianVector(width), activation: activation)
    }

    /// Hidden activations σ(Xᵀ-row · w_i + c_i) for inputs X (M×d, one input per row): an M×N matrix.
    public func hidden(_ inputs: Matrix) throws(GreedyError) -> Matrix {
        guard inputs.cols == dimension else {
            throw .invalidArgument("inputs have \(inputs.cols) features but the network expects \(dimension)")
        }
        var z = Matrix(rows: inputs.rows, cols: width)
        do { try gemm(inputs, inputWeights, into: &z) } catch { throw .numerical(error.description) }
        let m = inputs.rows
        z.storage.withUnsafeMutableBufferPointer { p in
            for j in 0..<width {
                let c = biases[j]
                for i in 0..<m { p[i + j * m] = activation(p[i + j * m] + c) }
            }
        }
        return z
    }

    /// The atom matrix Φ (M×N): entry (j, i) = b_i σ(w_iᵀx_j + c_i), the output of neuron i on input j.
    public func atoms(_ inputs: Matrix) throws(GreedyError) -> Matrix {
        var h = try hidden(inputs)
        let m = inputs.rows
        h.storage.withUnsafeMutableBufferPointer { p in
            for j in 0..<width {
                let b = outputWeights[j]
                for i in 0..<m { p[i + j * m] *= b }
            }
        }
        return h
    }

    /// The network output f_N on each input (the mean of the atoms).
    public func callAsFunction(_ inputs: Matrix) throws(GreedyError) -> [Double] {
        AtomProblem.rowMeans(try atoms(inputs))
    }

    /// Trains the output layer by ridge least squares (LAPACK dgelsd) so that f_N fits `targets` on `inputs`.
    public mutating func fitOutputWeights(inputs: Matrix, targets: [Double], ridge: Double = 1e-6) throws(GreedyError) {
        guard targets.count == inputs.rows else { throw .invalidArgument("\(inputs.rows) inputs but \(targets.count) targets") }
        guard ridge >= 0, ridge.isFinite else { throw .invalidArgument("ridge must be finite and ≥ 0, got \(ridge)") }
        let h = try hidden(inputs)
        let m = h.rows, n = width
        // f = (1/N) H b, so fit b against the stacked system [H/N; √ridge I] b ≈ [y; 0].
        var a = Matrix(rows: m + n, cols: n)
        let root = ridge.squareRoot()
        for j in 0..<n {
            for i in 0..<m { a[i, j] = h[i, j] / Double(n) }
            a[m + j, j] = root
        }
        let rhs = targets + [Double](repeating: 0, count: n)
        do { outputWeights = try LeastSquares(a, rhs).solution } catch { throw .numerical(error.description) }
    }
}

extension Matrix {
    /// Wraps storage whose size the caller has just made right.
    init(rows: Int, cols: Int, columnMajorUnchecked s: [Double]) {
        self.init(rows: rows, cols: cols)
        storage = s
    }
}
