import LinearAlgebra

/// GraSP's scores with the ends swapped: keep the largest S = −θ ⊙ Hg, i.e. remove the weights GraSP keeps (the negative control of `grasp-gradient-flow`).
public struct ReverseGraSPScore: PruningScore {
    /// Softmax temperature, as for GraSP.
    public var temperature: Double

    /// The control at temperature T.
    public init(temperature: Double = 200) { self.temperature = temperature }
    public var name: String { "reverse-grasp" }

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        try GraSPScore.removalScores(context, temperature: temperature)
    }
}
