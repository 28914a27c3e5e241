/// Which CSV column holds the label.
public enum LabelColumn: Sendable, Equatable {
    /// The first column.
    case first
    /// The last column (scikit-learn's and most exports' layout).
    case last
    /// The column at this 0-based index (error messages still count columns from 1).
    case index(Int)
}

/// Whether a CSV file starts with a header line.
public enum CSVHeaderPolicy: Sendable, Equatable {
    /// A header is present when no cell of the first non-blank line looks like a number.
    case auto
    /// The first non-blank line is a header.
    case present
    /// Every line is data.
    case absent
}
