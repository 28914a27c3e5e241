import Components
import LinearAlgebra

/// GraSP (Wang, Zhang, Grosse, 2020): remove the weights whose removal least reduces, or most raises, the gradient norm.
///
/// With logits divided by T, g = g₁ + g₂ is the sum of the weight gradients of the two halves of
/// the pruning batch and Hg = H₁g + H₂g (exact Hessian-vector products, weights only). Zeroing
/// a set R changes ‖g‖² by about −2 θ_Rᵀ(Hg)_R, so the removal score is S = −θ ⊙ Hg and GraSP
/// removes the LARGEST S. As a keep-score (larger = keep) this is θ ⊙ Hg. The paper normalises S
/// by |Σ S|, a positive factor that does not change the ranking.
public struct GraSPScore: PruningScore {
    public static let name = "grasp"
    public static let summary = "keep the weights whose removal most raises the gradient norm (largest θ ⊙ Hg)"
    public static let parameters: [Parameter] = [
        .real("temperature", 200, .positive, "softmax temperature T of the loss behind g and Hg (200 in the paper)"),
    ]

    /// Softmax temperature.
    public var temperature: Double

    /// The criterion at temperature T.
    public init(temperature: Double) { self.temperature = temperature }
    /// The criterion at the resolved `temperature`.
    public init(parameters: ParameterValues) { temperature = parameters.real("temperature") }

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        let s = try Self.removalScores(context, temperature: temperature)
        return s.map { m in var k = m; scal(-1, &k.storage); return k }
    }

    /// S = −θ ⊙ Hg per weight (the score GraSP removes from the top).
    public static func removalScores(_ context: PruningContext, temperature: Double) throws -> [Matrix] {
        let net = context.network
        let hg = try gradientAndHessianGradient(context, temperature: temperature).hg
        return net.parameters.weights.indices.map { l in
            var s = net.parameters.weights[l]
            for i in s.storage.indices { s.storage[i] = -s.storage[i] * hg.weights[l].storage[i] }
            return s
        }
    }

    /// g = g₁ + g₂ and Hg = H₁g + H₂g over the two halves of the pruning batch (weights only; bias entries zero).
    public static func gradientAndHessianGradient(_ context: PruningContext, temperature: Double) throws -> (g: Parameters, hg: Parameters) {
        let net = context.network, batch = context.batch
        guard batch.count >= 2 else { throw SparseNetsError("GraSP needs a pruning batch of at least 2 samples") }
        let half = batch.count / 2
        let halves = [Array(0..<half)[...], Array(half..<batch.count)[...]]
        let p = Propagator()
        var g = Parameters(zerosLike: net.parameters), part = g
        for h in halves {
            try p.lossAndGradient(net, data: batch.columns, labels: batch.labels, columns: h, temperature: temperature, into: &part)
            g.add(part)
        }
        g = g.withoutBiases()
        g.applyMask(net.masks)
        var hg = Parameters(zerosLike: net.parameters), hv = hg
        for h in halves {
            _ = try p.hessianVectorProduct(net, data: batch.columns, labels: batch.labels, columns: h, temperature: temperature,
                                           direction: g, gradient: &part, product: &hv)
            hg.add(hv)
        }
        return (g, hg.withoutBiases())
    }
}
