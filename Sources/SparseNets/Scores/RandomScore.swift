import Components
import LinearAlgebra

/// Random pruning: i.i.d. Gaussian scores, so every layer keeps the global density in expectation.
public struct RandomScore: PruningScore {
    public static let name = "random"
    public static let summary = "keep weights at random (i.i.d. Gaussian scores)"
    public static let parameters: [Parameter] = []

    /// The criterion (it takes no parameters).
    public init(parameters: ParameterValues = ParameterValues()) {}

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        let s = context.stream.split("random-score")
        return context.network.parameters.weights.map { w in
            Matrix(rows: w.rows, cols: w.cols, columnMajor: s.gaussianVector(w.storage.count), unchecked: ())
        }
    }
}
