import Components
import LinearAlgebra

/// Magnitude pruning at initialisation: keep the largest |θ| over the whole network.
///
/// With Kaiming initialisation the weight scale is √(2/fan-in), so a global threshold favours
/// layers with small fan-in and can empty a wide-fan-in layer entirely (layer collapse).
public struct MagnitudeScore: PruningScore {
    public static let name = "magnitude"
    public static let summary = "keep the largest |θ| over the whole network"
    public static let parameters: [Parameter] = []

    /// The criterion (it takes no parameters).
    public init(parameters: ParameterValues = ParameterValues()) {}

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        context.network.parameters.weights.map { w in
            var m = w
            for i in m.storage.indices { m.storage[i] = abs(m.storage[i]) }
            return m
        }
    }
}
