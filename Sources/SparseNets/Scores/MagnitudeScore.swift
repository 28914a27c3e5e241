import LinearAlgebra

/// Magnitude pruning at initialisation: keep the largest |θ| over the whole network.
///
/// With Kaiming initialisation the weight scale is √(2/fan-in), so a global threshold favours
/// layers with small fan-in and can empty a wide-fan-in layer entirely (layer collapse).
public struct MagnitudeScore: PruningScore {
    /// The criterion.
    public init() {}
    public var name: String { "magnitude" }

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        context.network.parameters.weights.map { w in
            var m = w
            for i in m.storage.indices { m.storage[i] = abs(m.storage[i]) }
            return m
        }
    }
}
