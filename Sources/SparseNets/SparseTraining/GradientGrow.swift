import Components
import LinearAlgebra
import Randomness

/// Grow the largest |dense gradient| of the update step among the positions not kept (RigL).
///
/// The dense gradient is the minibatch gradient with respect to every weight position, masked
/// or not; computing it is why RigL's update step costs 2f_S + f_D and changes only the mask.
public struct GradientGrow: GrowCriterion {
    public static let name = "gradient"
    public static let summary = "grow the largest |dense gradient| of the update step among positions not kept"
    public static let parameters: [Parameter] = []
    public static let gradientUse = GradientUse.updateStep

    /// The dense gradient of the last update step.
    var gradient: Parameters?

    public init(parameters: ParameterValues = ParameterValues()) {}

    public mutating func observe(_ gradient: Parameters) { self.gradient = gradient }

    public func growScores(layer: Int, candidates: [Int], stream: RandomStream) -> [Double] {
        guard let g = gradient else { return candidates.map { _ in 0 } }
        return g.weights[layer].storage.withUnsafeBufferPointer { p in candidates.map { abs(p[$0]) } }
    }
}
