/// What a shipped data set is and where it came from, for `list`-style commands and reports.
public struct BuiltinDatasetInfo: Sendable, Equatable {
    /// The name `BuiltinDatasets.named` accepts.
    public let name: String
    /// A one-line description.
    public let title: String
    /// Number of samples.
    public let count: Int
    /// Number of features.
    public let dimension: Int
    /// Number of classes.
    public let classCount: Int
    /// Where the data come from.
    public let source: String
    /// The paper to cite.
    public let citation: String
    /// The licence the data are shipped under.
    public let licence: String
}
