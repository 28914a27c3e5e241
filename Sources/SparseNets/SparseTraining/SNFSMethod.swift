/// `snfs`: drop the smallest |W|, grow the largest |EMA of the dense gradient| (Dettmers & Zettlemoyer 2019, without its layer redistribution, as rigl implements it).
public enum SNFSMethod: SparseTrainingMethod {
    public static let name = "snfs"
    public static let summary = "drop the smallest |W|, grow the largest |EMA of the dense gradient| (Dettmers & Zettlemoyer 2019); cosine drop schedule"
    public static var drop: (any DropCriterion.Type)? { MagnitudeDrop.self }
    public static var grow: (any GrowCriterion.Type)? { MomentumGrow.self }
    public static var schedule: any UpdateSchedule.Type { CosineSchedule.self }
}
