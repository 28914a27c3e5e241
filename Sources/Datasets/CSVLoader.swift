import Foundation
import LinearAlgebra

/// Loads users' comma-separated files: plain numeric tables and labelled data sets.
///
/// Every error names the file, the 1-based line and the 1-based column (field number), e.g.
/// `data.csv:17:4: 'abc' is not a number`. Empty cells, NaN, infinities and ragged rows are rejected.
public enum CSVLoader {
    /// A numeric table; a header is auto-detected when no cell of the first line is a number.
    public static func loadNumeric(path: String, header: CSVHeaderPolicy = .auto) throws(DatasetError) -> NumericTable {
        let document = try CSVReader.read(path: path, header: header)
        let n = document.rows.count
        var values = Matrix(rows: n, cols: document.width)
        for (i, row) in document.rows.enumerated() {
            for (j, cell) in row.cells.enumerated() {
                values.storage[i + j * n] = try number(cell, document, row, j)
            }
        }
        return try NumericTable(values: values, header: document.header, source: path)
    }

    /// A labelled data set: integer labels in `labelColumn` (remapped to 0..<k in sorted order), every other column a feature.
    public static func loadLabeled(
        path: String, labelColumn: LabelColumn = .last, header: CSVHeaderPolicy = .auto
    ) throws(DatasetError) -> LabeledDataset {
        let document = try CSVReader.read(path: path, header: header)
        let width = document.width
        guard width >= 2 else {
            throw .malformed(file: path, message: "rows have \(width) column; need a label and at least one feature")
        }
        let labelIndex: Int
        switch labelColumn {
        case .first: labelIndex = 0
        case .last: labelIndex = width - 1
        case .index(let k):
            guard (0..<width).contains(k) else {
                throw .malformed(file: path, message: "label column index \(k) is outside 0..<\(width) (rows have \(width) columns)")
            }
            labelIndex = k
        }
        let featureColumns = (0..<width).filter { $0 != labelIndex }
        let n = document.rows.count
        var features = Matrix(rows: n, cols: featureColumns.count)
        var rawLabels = [Int](repeating: 0, count: n)
        for (i, row) in document.rows.enumerated() {
            let labelCell = row.cells[labelIndex]
            guard let label = NumberSyntax.integer(labelCell) else {
                let message = labelCell.isEmpty ? "empty label cell" : "\(quoted(labelCell)) is not an integer label"
                throw .syntax(file: path, line: row.line, column: labelIndex + 1, message: message)
            }
            rawLabels[i] = label
            for (f, j) in featureColumns.enumerated() {
                features.storage[i + f * n] = try number(row.cells[j], document, row, j)
            }
        }
        let (labels, original) = LabelRemapping.remap(rawLabels)
        return try LabeledDataset(
            name: URL(fileURLWithPath: path).lastPathComponent, features: features, labels: labels,
            classCount: original.count, featureNames: document.header.map { h in featureColumns.map { h[$0] } },
            originalLabels: original)
    }

    /// The line and column of the label of data row `row` (0-based) in the file `loadLabeled` read, for errors found after loading.
    static func labelPosition(path: String, row: Int, labelColumn: LabelColumn = .last, header: CSVHeaderPolicy = .auto) -> (line: Int, column: Int)? {
        guard let document = try? CSVReader.read(path: path, header: header), document.rows.indices.contains(row) else { return nil }
        switch labelColumn {
        case .first: return (document.rows[row].line, 1)
        case .last: return (document.rows[row].line, document.width)
        case .index(let k): return (document.rows[row].line, k + 1)
        }
    }

    /// The finite number in cell `column` (0-based) of `row`, or an error at its position.
    private static func number(_ cell: Substring, _ document: CSVDocument, _ row: CSVRow, _ column: Int) throws(DatasetError) -> Double {
        let parsed = NumberSyntax.parse(cell)
        guard case .finite(let value) = parsed else {
            throw .syntax(file: document.file, line: row.line, column: column + 1,
                          message: NumberSyntax.complaint(cell, parsed))
        }
        return value
    }
}
