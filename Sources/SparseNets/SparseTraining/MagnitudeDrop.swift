import Components
import LinearAlgebra
import Randomness

/// Drop the smallest |W| among the active weights, ties broken by a seeded tiny Gaussian noise (rigl adds N(0, 10⁻⁵)).
public struct MagnitudeDrop: DropCriterion {
    public static let name = "magnitude"
    public static let summary = "drop the smallest |W|, ties broken by seeded noise N(0, σ²)"
    public static let parameters: [Parameter] = [
        .real("tie-noise", 1e-5, .nonNegative, "sd σ of the seeded noise added to |W| before dropping (breaks ties, e.g. between grown weights still at 0)"),
    ]

    /// σ.
    public var noise: Double

    public init(parameters: ParameterValues) { noise = parameters.real("tie-noise") }

    public func keepScores(weights: Matrix, active: [Int], stream: RandomStream) -> [Double] {
        var out = [Double](repeating: 0, count: active.count)
        weights.storage.withUnsafeBufferPointer { w in
            for (k, i) in active.enumerated() { out[k] = abs(w[i]) + (noise > 0 ? stream.gaussian(sd: noise) : 0) }
        }
        return out
    }
}
