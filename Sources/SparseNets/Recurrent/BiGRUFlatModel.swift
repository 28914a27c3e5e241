import LinearAlgebra

/// `BiGRUClassifier` as a `FlatClassifier` for `FlatTraining` (the MNIST-1D baselines), with its own workspace.
///
/// FlatTraining's protocol does not throw: a failure (a non-finite loss after divergence) is kept in `failure`,
/// the gradient is zeroed and the logits are NaN, so training stops moving and the accuracy reads 0; callers check
/// `failure` and report it as one line.
public struct BiGRUFlatModel: FlatClassifier {
    /// The network being trained.
    public var network: BiGRUClassifier
    /// The first error the network raised, if any.
    public private(set) var failure: String?
    private let workspace = BiGRUWorkspace()

    /// Wraps `network`.
    public init(_ network: BiGRUClassifier) { self.network = network }

    public var parameters: [Double] {
        get { network.parameters }
        set { network.parameters = newValue }
    }
    public var mask: [Double] { network.mask }

    public mutating func lossAndGradient(inputs: Matrix, labels: [Int], gradient: inout [Double]) -> Double {
        do {
            return try network.lossAndGradient(inputs: inputs, labels: labels, gradient: &gradient, workspace: workspace)
        } catch {
            if failure == nil { failure = "\(error)" }
            gradient = [Double](repeating: 0, count: network.parameters.count)
            return .nan
        }
    }

    public mutating func logits(inputs: Matrix) -> Matrix {
        do {
            return try network.logits(inputs: inputs, workspace: workspace)
        } catch {
            if failure == nil { failure = "\(error)" }
            return Matrix(rows: network.classes, cols: inputs.cols, repeating: .nan)
        }
    }
}
