import ClaimKit
import Components

/// Every registered claim, in the order `verify all` runs them. Adding a claim is adding its file and one line here.
public enum ClaimRegistry {
    /// All claims, as a catalogue (names, help and unknown-name errors come from it).
    public static let all = Catalogue<any Claim>(kind: "claim", [
        LapackSanityClaim(),
        GreedyDecayClaim(),
        GreedyRateClaim(),
        GraspGradientFlowClaim(),
        BilevelComplexityClaim(),
        LotterySanityClaim(),
        RiglVsStaticClaim(),
        ErkVsUniformClaim(),
        Grasp80Claim(),
        GraspExtremeClaim(),
        GradientFlowAccuracyClaim(),
        GreedyLogToleranceClaim(),
        GreedyVsMagnitudeClaim(),
        GreedyAssumptionClaim(),
        MNIST1DBaselinesClaim(),
    ]) { $0.id }

    /// The known ids, for error messages.
    public static var ids: [String] { all.names }
}
