/// `gmp`: gradual magnitude pruning from the dense network to the distribution's counts (Zhu & Gupta 2017), the dense-to-sparse reference.
public enum GMPMethod: SparseTrainingMethod {
    public static let name = "gmp"
    public static let summary = "gradual magnitude pruning from dense to the target (Zhu & Gupta 2017): the dense-to-sparse reference"
    public static var drop: (any DropCriterion.Type)? { MagnitudeDrop.self }
    public static var grow: (any GrowCriterion.Type)? { nil }
    public static var schedule: any UpdateSchedule.Type { CubicSchedule.self }
    public static var startsDense: Bool { true }
}
