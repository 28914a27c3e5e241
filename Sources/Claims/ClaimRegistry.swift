import ClaimKit

/// Every registered claim, in the order `verify all` runs them. Adding a claim is adding its file and one line here.
public enum ClaimRegistry {
    /// All claims.
    public static let all: [any Claim] = [
        LapackSanityClaim(),
        GreedyDecayClaim(),
        GreedyRateClaim(),
        GraspGradientFlowClaim(),
        BilevelComplexityClaim(),
    ]

    /// The claim with this id, or nil.
    public static func claim(id: String) -> (any Claim)? {
        all.first { $0.id == id }
    }

    /// The known ids, for error messages.
    public static var ids: [String] { all.map(\.id) }
}
