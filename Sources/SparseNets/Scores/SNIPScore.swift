import Components
import LinearAlgebra

/// SNIP (Lee et al., 2019): connection sensitivity |θ ⊙ g| = |∂L/∂m| at m = 1, with g the gradient of the mean loss over the pruning batch.
public struct SNIPScore: PruningScore {
    public static let name = "snip"
    public static let summary = "keep the largest connection sensitivity |θ ⊙ ∂L/∂θ| on the pruning batch"
    public static let parameters: [Parameter] = []

    /// The criterion (it takes no parameters).
    public init(parameters: ParameterValues = ParameterValues()) {}

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        let net = context.network, batch = context.batch
        var g = Parameters(zerosLike: net.parameters)
        try Propagator().lossAndGradient(net, data: batch.columns, labels: batch.labels, columns: Array(0..<batch.count)[...], into: &g)
        return net.parameters.weights.indices.map { l in
            var s = net.parameters.weights[l]
            for i in s.storage.indices { s.storage[i] = abs(s.storage[i] * g.weights[l].storage[i]) }
            return s
        }
    }
}
