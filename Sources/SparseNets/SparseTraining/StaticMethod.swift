/// `static`: the random mask drawn from the distribution at the start never changes.
public enum StaticMethod: SparseTrainingMethod {
    public static let name = "static"
    public static let summary = "the random mask drawn at the start never changes"
    public static var drop: (any DropCriterion.Type)? { nil }
    public static var grow: (any GrowCriterion.Type)? { nil }
    public static var schedule: any UpdateSchedule.Type { NoUpdates.self }
}
