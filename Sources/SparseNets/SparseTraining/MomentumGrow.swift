import Components
import LinearAlgebra
import Randomness

/// Grow the largest |exponential moving average of the dense gradient| among the positions not kept (SNFS, without its layer redistribution).
///
/// The average m ← β·m + (1 − β)·g is updated on every step, which is why SNFS pays the dense
/// weight gradient (2f_S + f_D) on every step.
public struct MomentumGrow: GrowCriterion {
    public static let name = "momentum"
    public static let summary = "grow the largest |EMA of the dense gradient| among positions not kept"
    public static let parameters: [Parameter] = [
        .real("grow-momentum", 0.9, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "decay β of the gradient's moving average SNFS grows by"),
    ]
    public static let gradientUse = GradientUse.everyStep

    /// β.
    public var beta: Double
    /// The moving average of the dense gradient (weights only).
    var average: [[Double]] = []

    public init(parameters: ParameterValues) { beta = parameters.real("grow-momentum") }

    public mutating func observe(_ gradient: Parameters) {
        if average.isEmpty { average = gradient.weights.map { [Double](repeating: 0, count: $0.storage.count) } }
        let b = beta
        for l in gradient.weights.indices {
            average[l].withUnsafeMutableBufferPointer { m in
                gradient.weights[l].storage.withUnsafeBufferPointer { g in
                    for i in m.indices { m[i] = b * m[i] + (1 - b) * g[i] }
                }
            }
        }
    }

    public func growScores(layer: Int, candidates: [Int], stream: RandomStream) -> [Double] {
        guard layer < average.count else { return candidates.map { _ in 0 } }
        return average[layer].withUnsafeBufferPointer { m in candidates.map { abs(m[$0]) } }
    }
}
