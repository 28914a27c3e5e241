import LinearAlgebra

/// Random pruning: i.i.d. Gaussian scores, so every layer keeps the global density in expectation.
public struct RandomScore: PruningScore {
    /// The criterion.
    public init() {}
    public var name: String { "random" }

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        let s = context.stream.split("random-score")
        return context.network.parameters.weights.map { w in
            Matrix(rows: w.rows, cols: w.cols, columnMajor: s.gaussianVector(w.storage.count), unchecked: ())
        }
    }
}
