import LinearAlgebra

/// The trainable values of a network (or a gradient, or a direction): one weight matrix and one bias vector per layer.
///
/// Weights are the prunable part; biases are never pruned. The same type carries gradients and
/// Hessian-vector products, so the vector-space helpers below serve all three.
public struct Parameters: Sendable, Equatable {
    /// One weight tensor per layer, stored as a matrix (dense: out×in; conv: outC×(inC·9)).
    public var weights: [Matrix]
    /// One bias vector per layer (dense: out; conv: one per output channel).
    public var biases: [[Double]]

    /// Parameters from their parts.
    public init(weights: [Matrix], biases: [[Double]]) {
        self.weights = weights
        self.biases = biases
    }

    /// Zeros with the shape of `other`.
    public init(zerosLike other: Parameters) {
        weights = other.weights.map { Matrix(rows: $0.rows, cols: $0.cols) }
        biases = other.biases.map { [Double](repeating: 0, count: $0.count) }
    }

    /// Number of prunable weights.
    public var weightCount: Int { weights.reduce(0) { $0 + $1.storage.count } }

    /// Number of biases.
    public var biasCount: Int { biases.reduce(0) { $0 + $1.count } }

    /// Inner product over weights (and biases when `includeBiases`).
    public func dot(_ other: Parameters, includeBiases: Bool = true) -> Double {
        var s = 0.0
        for l in weights.indices {
            s += LinearAlgebra.dot(weights[l].storage, other.weights[l].storage)
            if includeBiases { s += LinearAlgebra.dot(biases[l], other.biases[l]) }
        }
        return s
    }

    /// Squared Euclidean norm over weights (and biases when `includeBiases`).
    public func squaredNorm(includeBiases: Bool = true) -> Double { dot(self, includeBiases: includeBiases) }

    /// self ← self + α·other.
    public mutating func add(_ other: Parameters, scaledBy alpha: Double = 1) {
        for l in weights.indices {
            axpy(alpha, other.weights[l].storage, &weights[l].storage)
            axpy(alpha, other.biases[l], &biases[l])
        }
    }

    /// self ← α·self.
    public mutating func scale(by alpha: Double) {
        for l in weights.indices {
            scal(alpha, &weights[l].storage)
            scal(alpha, &biases[l])
        }
    }

    /// self + α·other.
    public func adding(_ other: Parameters, scaledBy alpha: Double = 1) -> Parameters {
        var p = self
        p.add(other, scaledBy: alpha)
        return p
    }

    /// Multiplies every weight by the matching mask entry (biases untouched).
    public mutating func applyMask(_ masks: [Matrix]) {
        for l in weights.indices {
            weights[l].storage.withUnsafeMutableBufferPointer { w in
                masks[l].storage.withUnsafeBufferPointer { m in
                    for i in w.indices { w[i] *= m[i] }
                }
            }
        }
    }

    /// The same parameters with every bias set to zero.
    public func withoutBiases() -> Parameters {
        Parameters(weights: weights, biases: biases.map { [Double](repeating: 0, count: $0.count) })
    }

    /// The first weight or bias that is NaN or infinite, if any (the trainer's divergence check, once per epoch).
    public var firstNonFinite: Double? {
        for l in weights.indices {
            if let v = weights[l].storage.first(where: { !$0.isFinite }) { return v }
            if let v = biases[l].first(where: { !$0.isFinite }) { return v }
        }
        return nil
    }

    /// All weights of all layers, concatenated in layer order.
    public var flatWeights: [Double] { weights.flatMap(\.storage) }
}
