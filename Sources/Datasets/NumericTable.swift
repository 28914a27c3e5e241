import LinearAlgebra

/// A plain numeric table read from a CSV file (e.g. a user's atom matrix), with its header if it had one.
public struct NumericTable: Sendable, Equatable {
    /// The values, one CSV row per matrix row.
    public let values: Matrix
    /// Column names from the header line, if the file had one.
    public let header: [String]?
    /// Where the table came from (the path as given).
    public let source: String

    /// A table over existing values; the header, when given, must name every column.
    public init(values: Matrix, header: [String]? = nil, source: String = "") throws(DatasetError) {
        if let header, header.count != values.cols {
            throw .invalidDataset("\(source): \(header.count) header names for \(values.cols) columns")
        }
        self.values = values
        self.header = header
        self.source = source
    }

    /// Number of rows.
    public var rowCount: Int { values.rows }

    /// Number of columns.
    public var columnCount: Int { values.cols }
}
