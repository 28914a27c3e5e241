import Components
import LinearAlgebra

/// GraSP's scores with the ends swapped: keep the largest S = −θ ⊙ Hg, i.e. remove the weights GraSP keeps (the negative control of `grasp-gradient-flow`).
public struct ReverseGraSPScore: PruningScore {
    public static let name = "reverse-grasp"
    public static let summary = "keep what GraSP removes (largest −θ ⊙ Hg): the negative control of grasp-gradient-flow"
    /// GraSP's own declaration, so the two are always run at the same temperature by default.
    public static var parameters: [Parameter] { GraSPScore.parameters }

    /// Softmax temperature, as for GraSP.
    public var temperature: Double

    /// The control at temperature T.
    public init(temperature: Double) { self.temperature = temperature }
    /// The control at the resolved `temperature`.
    public init(parameters: ParameterValues) { temperature = parameters.real("temperature") }

    public func scores(_ context: PruningContext) throws -> [Matrix] {
        try GraSPScore.removalScores(context, temperature: temperature)
    }
}
