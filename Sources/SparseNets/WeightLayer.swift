import LinearAlgebra

/// A layer that is linear in its weights and in its input (dense or convolution): the building block masks act on.
///
/// Activations travel as matrices with one column per sample (features × batch). Every
/// operation a network needs (forward, both gradients, and the R-operator of the
/// Hessian-vector product) is a composition of the three bilinear maps below, so adding a
/// layer type is implementing these three on gemm.
public protocol WeightLayer: Sendable, CustomStringConvertible {
    /// Features per sample entering the layer.
    var inputSize: Int { get }
    /// Features per sample leaving the layer (before any pooling).
    var outputSize: Int { get }
    /// Rows and columns of the weight matrix (and of its mask).
    var weightRows: Int { get }
    /// Columns of the weight matrix.
    var weightCols: Int { get }
    /// Number of biases (one per output unit or channel).
    var biasCount: Int { get }
    /// Inputs feeding one output unit, for Kaiming initialisation and ER/ERK densities.
    var fanIn: Int { get }
    /// The shape of the weight tensor as the layer sees it (dense: [out, in]; conv: [outC, inC, 3, 3]).
    var kernelShape: [Int] { get }
    /// Multiply-accumulates of one forward pass for one sample with every weight present.
    var denseMACs: Int { get }

    /// z ← W ⊛ a (no bias), for a batch.
    func forward(weights: Matrix, input: Matrix, workspace: LayerWorkspace, into z: inout Matrix) throws
    /// dW ← β·dW + ∂⟨dZ, W ⊛ a⟩/∂W (batch sum).
    func weightGradient(outputGradient dz: Matrix, input: Matrix, workspace: LayerWorkspace, beta: Double, into dw: inout Matrix) throws
    /// da ← β·da + ∂⟨dZ, W ⊛ a⟩/∂a.
    func inputGradient(weights: Matrix, outputGradient dz: Matrix, workspace: LayerWorkspace, beta: Double, into da: inout Matrix) throws
    /// z[:, b] += bias broadcast over the units that share it.
    func addBias(_ bias: [Double], to z: inout Matrix)
    /// db ← β·db + Σ over batch (and positions) of dZ.
    func biasGradient(outputGradient dz: Matrix, beta: Double, into db: inout [Double])
}

/// Scratch buffers of one layer, reused across minibatches of one size (never shared between threads).
public final class LayerWorkspace {
    /// The lowered (im2col) input, when the layer needs one.
    var lowered = Matrix(rows: 0, cols: 0)
    /// A second lowering buffer (for gradients with a different input).
    var loweredOther = Matrix(rows: 0, cols: 0)
    /// Output-gradient reordered to the lowered layout.
    var reordered = Matrix(rows: 0, cols: 0)
    /// Gradient with respect to the lowered input.
    var loweredGradient = Matrix(rows: 0, cols: 0)
    /// Set by the caller while `lowered` holds the lowering of the very input it passes to `weightGradient` (the forward
    /// pass's own input, unchanged since): the gradient then reuses it instead of lowering the input a second time.
    var loweredIsInput = false

    init() {}

    /// Resizes a buffer when its shape differs (contents are then undefined).
    static func ensure(_ m: inout Matrix, _ rows: Int, _ cols: Int) {
        if m.rows != rows || m.cols != cols { m = Matrix(rows: rows, cols: cols) }
    }
}

/// A fully connected layer: z = W a with W of shape out × in.
public struct DenseLayer: WeightLayer {
    public let inputSize: Int
    public let outputSize: Int

    /// A dense layer from `inputs` to `outputs` units.
    public init(inputs: Int, outputs: Int) {
        inputSize = inputs
        outputSize = outputs
    }

    public var weightRows: Int { outputSize }
    public var weightCols: Int { inputSize }
    public var biasCount: Int { outputSize }
    public var fanIn: Int { inputSize }
    public var kernelShape: [Int] { [outputSize, inputSize] }
    public var denseMACs: Int { inputSize * outputSize }
    public var description: String { "dense \(inputSize)→\(outputSize)" }

    public func forward(weights: Matrix, input: Matrix, workspace: LayerWorkspace, into z: inout Matrix) throws {
        try gemm(weights, input, into: &z)
    }

    public func weightGradient(outputGradient dz: Matrix, input: Matrix, workspace: LayerWorkspace, beta: Double, into dw: inout Matrix) throws {
        try gemm(dz, input, transposeB: .transpose, beta: beta, into: &dw)
    }

    public func inputGradient(weights: Matrix, outputGradient dz: Matrix, workspace: LayerWorkspace, beta: Double, into da: inout Matrix) throws {
        try gemm(weights, dz, transposeA: .transpose, beta: beta, into: &da)
    }

    public func addBias(_ bias: [Double], to z: inout Matrix) {
        let rows = z.rows, cols = z.cols
        z.storage.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { b in
                // By pointer: overflow-checked index sums kept these loops scalar.
                for j in 0..<cols { let c = p.baseAddress! + j * rows; for i in 0..<rows { c[i] += b[i] } }
            }
        }
    }

    public func biasGradient(outputGradient dz: Matrix, beta: Double, into db: inout [Double]) {
        let rows = dz.rows, cols = dz.cols
        db.withUnsafeMutableBufferPointer { d in
            dz.storage.withUnsafeBufferPointer { g in
                for i in 0..<rows { d[i] = beta == 0 ? 0 : d[i] * beta }
                for j in 0..<cols { let c = g.baseAddress! + j * rows; for i in 0..<rows { d[i] += c[i] } }
            }
        }
    }
}
