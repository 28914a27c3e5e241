/// `set`: drop the smallest |W|, grow at random (Mocanu et al. 2018), on RigL's cosine drop schedule.
public enum SETMethod: SparseTrainingMethod {
    public static let name = "set"
    public static let summary = "drop the smallest |W|, grow at random (Mocanu et al. 2018); cosine drop schedule"
    public static var drop: (any DropCriterion.Type)? { MagnitudeDrop.self }
    public static var grow: (any GrowCriterion.Type)? { RandomGrow.self }
    public static var schedule: any UpdateSchedule.Type { CosineSchedule.self }
}
