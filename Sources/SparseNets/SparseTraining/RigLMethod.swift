/// `rigl`: drop the smallest |W|, grow the largest |dense gradient| on a mask-only update step (Evci et al. 2020).
public enum RigLMethod: SparseTrainingMethod {
    public static let name = "rigl"
    public static let summary = "drop the smallest |W|, grow the largest |dense gradient| on a mask-only step (Evci et al. 2020); cosine drop schedule"
    public static var drop: (any DropCriterion.Type)? { MagnitudeDrop.self }
    public static var grow: (any GrowCriterion.Type)? { GradientGrow.self }
    public static var schedule: any UpdateSchedule.Type { CosineSchedule.self }
}
