import Foundation
import LinearAlgebra

/// SynFlow (Tanaka et al., 2020): data-free, iterative pruning by synaptic saliency |θ ⊙ ∂R/∂θ|.
///
/// R = 1ᵀ|W_L|⋯|W_1|1 is the output sum of the network with absolute weights, no biases, and
/// an all-ones input. Over `rounds` rounds the density follows d^{k/n}, re-scoring the surviving
/// weights each round; because R is homogeneous of degree 1 in each layer's weights, every
/// layer's scores sum to R, which is what keeps SynFlow from emptying a layer.
public struct SynFlowScore: PruningScore {
    /// Number of prune–rescore rounds (100 in the paper).
    public var rounds: Int

    /// The criterion with `rounds` rounds.
    public init(rounds: Int = 100) { self.rounds = rounds }
    public var name: String { "synflow" }

    /// One round's scores on the network as masked now.
    public func scores(_ context: PruningContext) throws -> [Matrix] {
        try Self.saliency(context.network).scores
    }

    /// Scores |θ ⊙ ∂R/∂θ| (zero on masked weights) and R for the network as masked.
    public static func saliency(_ network: MaskedNetwork) throws -> (scores: [Matrix], r: Double) {
        var g = Parameters(zerosLike: network.parameters)
        let r = try Propagator().synapticFlow(network, into: &g)
        let s = network.parameters.weights.indices.map { l in
            var m = network.parameters.weights[l]
            for i in m.storage.indices { m.storage[i] = abs(m.storage[i] * g.weights[l].storage[i]) }
            return m
        }
        return (s, r)
    }

    public func masks(_ context: PruningContext, density: Double) throws -> [Matrix] {
        guard rounds >= 1 else { throw SparseNetsError("SynFlow needs at least one round") }
        var net = context.network
        var masks = net.masks
        for k in 1...rounds {
            let dk = pow(density, Double(k) / Double(rounds))
            masks = try GlobalThreshold.keep(density: dk, scores: try Self.saliency(net).scores, within: masks)
            try net.setMasks(masks)
        }
        return masks
    }
}
