import Components
import Foundation
import LinearAlgebra

/// SynFlow (Tanaka et al., 2020): data-free, iterative pruning by synaptic saliency |θ ⊙ ∂R/∂θ|.
///
/// R = 1ᵀ|W_L|⋯|W_1|1 is the output sum of the network with absolute weights, no biases, and
/// an all-ones input. Over `rounds` rounds the density follows d^{k/n}, re-scoring the surviving
/// weights each round; because R is homogeneous of degree 1 in each layer's weights, every
/// layer's scores sum to R, which is what keeps SynFlow from emptying a layer.
public struct SynFlowScore: PruningScore {
    public static let name = "synflow"
    public static let summary = "data-free, iterative: keep the largest synaptic saliency |θ ⊙ ∂R/∂θ|, re-scored over rounds"
    public static let parameters: [Parameter] = [
        .int("rounds", 100, 1...10_000, "SynFlow prune–rescore rounds (100 in the paper)"),
    ]

    /// Number of prune–rescore rounds.
    public var rounds: Int

    /// The criterion with `rounds` rounds.
    public init(rounds: Int) { self.rounds = rounds }
    /// The criterion with the resolved number of `rounds`.
    public init(parameters: ParameterValues) { rounds = parameters.int("rounds") }

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

    /// `rounds` rounds of the shared iterative schedule.
    public func masks(_ context: PruningContext, density: Double) throws -> [Matrix] {
        try IterativePruning.masks(self, context, density: density, rounds: rounds)
    }
}
