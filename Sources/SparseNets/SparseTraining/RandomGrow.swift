import Components
import LinearAlgebra
import Randomness

/// Grow uniformly at random among the positions not kept (SET).
public struct RandomGrow: GrowCriterion {
    public static let name = "random"
    public static let summary = "grow uniformly at random among positions not kept"
    public static let parameters: [Parameter] = []
    public static let gradientUse = GradientUse.none

    public init(parameters: ParameterValues = ParameterValues()) {}

    public func growScores(layer: Int, candidates: [Int], stream: RandomStream) -> [Double] {
        var out = [Double](repeating: 0, count: candidates.count)
        for k in out.indices { out[k] = stream.uniform() }
        return out
    }
}
