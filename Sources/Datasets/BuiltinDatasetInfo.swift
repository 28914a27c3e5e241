/// What a shipped data set is and where it came from, for `list`-style commands and reports.
public struct BuiltinDatasetInfo: Sendable, Equatable, Encodable {
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
    /// The files under data/ the embedded copy was made from, with their SHA-256.
    public let files: [ShippedFile]
    /// The last `publishedTestRows` rows are the source's own test split, which the policy keeps as the test
    /// part (validation is carved from the rows before them); nil: the policy splits all rows.
    public let publishedTestRows: Int?

    /// Rows in the train, validation and test parts the data policy makes (at the default split seed).
    public var splitSizes: [Int] {
        let s = try? DataPolicy.sizes(rows: count, publishedTestRows: publishedTestRows)
        return s.map { [$0.train, $0.validation, $0.test] } ?? []
    }

    /// The data policy for this set in one line, as records state it.
    public var splitPolicy: String { DataPolicy.summary(rows: count, publishedTestRows: publishedTestRows) }

    private enum CodingKeys: String, CodingKey {
        case name, title, rows, features, classes, source, citation, licence, files, publishedTestRows, splitPolicy, samples
    }

    /// The catalogue's JSON (`workbench data list --json`): the facts above with the split they give.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(title, forKey: .title)
        try c.encode(count, forKey: .rows)
        try c.encode(dimension, forKey: .features)
        try c.encode(classCount, forKey: .classes)
        try c.encode(source, forKey: .source)
        try c.encode(citation, forKey: .citation)
        try c.encode(licence, forKey: .licence)
        try c.encode(files, forKey: .files)
        try c.encodeIfPresent(publishedTestRows, forKey: .publishedTestRows)
        try c.encode(splitPolicy, forKey: .splitPolicy)
        try c.encode(splitSizes, forKey: .samples)
    }
}

/// A file under data/ behind a shipped data set, named with the SHA-256 of its bytes.
public struct ShippedFile: Sendable, Equatable, Encodable {
    /// The file name under data/.
    public let name: String
    /// 64 lowercase hex digits.
    public let sha256: String
}
