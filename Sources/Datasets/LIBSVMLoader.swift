import Foundation
import LinearAlgebra

/// Loads the LIBSVM / SVMlight sparse text format: `label index:value index:value …` per line.
///
/// Indices are 1-based and must ascend within a line; missing entries are 0. Labels must be
/// integers (±1 for binary sets is typical) and are remapped to 0..<k in sorted order (−1 → 0,
/// +1 → 1). Text after `#` is a comment. Error columns are the 1-based character position of
/// the offending token (or of the value part of an `index:value` pair).
public enum LIBSVMLoader {
    /// The largest dense matrix (rows × features) a file is expanded to: 2^28 entries, 2 GiB of
    /// doubles. A sparse file can name index 10^12 in a dozen bytes; beyond this it is refused.
    public static let maxDenseEntries = 1 << 28

    /// The data set in `path`, densified; `featureCount` fixes the width (default: the largest index seen).
    public static func load(path: String, featureCount: Int? = nil) throws(DatasetError) -> LabeledDataset {
        if let featureCount, featureCount < 1 {
            throw .invalidArgument("featureCount \(featureCount) must be at least 1")
        }
        let text = try DataFile.text(path)
        var rawLabels: [Int] = []
        // (row, 0-based column, value) triples; densified once the width is known.
        var entries: [(row: Int, column: Int, value: Double)] = []
        var maxIndex = 0
        var maxIndexAt = (line: 0, column: 0)
        for (number, line) in DataFile.lines(text) {
            let tokens = tokenize(line)
            guard let labelToken = tokens.first else { continue }
            guard let label = NumberSyntax.integer(labelToken.text) else {
                throw .syntax(file: path, line: number, column: labelToken.column,
                              message: "\(quoted(labelToken.text)) is not an integer label")
            }
            let row = rawLabels.count
            rawLabels.append(label)
            var previous = 0
            for token in tokens.dropFirst() {
                guard let colon = token.text.firstIndex(of: ":") else {
                    throw .syntax(file: path, line: number, column: token.column,
                                  message: "\(quoted(token.text)) is not index:value")
                }
                let indexText = token.text[..<colon]
                let valueText = token.text[token.text.index(after: colon)...]
                let valueColumn = token.column + indexText.count + 1
                guard let index = Int(indexText), index >= 1 else {
                    throw .syntax(file: path, line: number, column: token.column,
                                  message: "index \(quoted(indexText)) in \(quoted(token.text)) is not a positive integer")
                }
                guard index > previous else {
                    throw .syntax(file: path, line: number, column: token.column,
                                  message: "index \(index) does not ascend (previous index \(previous))")
                }
                if let featureCount, index > featureCount {
                    throw .syntax(file: path, line: number, column: token.column,
                                  message: "index \(index) exceeds the feature count \(featureCount)")
                }
                let parsed = NumberSyntax.parse(valueText)
                guard case .finite(let value) = parsed else {
                    throw .syntax(file: path, line: number, column: valueColumn,
                                  message: NumberSyntax.complaint(valueText, parsed) + " (in \(quoted(token.text)))")
                }
                previous = index
                if index > maxIndex { (maxIndex, maxIndexAt) = (index, (number, token.column)) }
                entries.append((row, index - 1, value))
            }
        }
        guard !rawLabels.isEmpty else { throw .malformed(file: path, message: "no data lines") }
        let width = featureCount ?? maxIndex
        guard width >= 1 else { throw .malformed(file: path, message: "no feature has a value; pass featureCount") }
        let n = rawLabels.count
        let (dense, overflow) = n.multipliedReportingOverflow(by: width)
        if overflow || dense > maxDenseEntries {
            let size = "the dense matrix \(n) × \(width), more than \(maxDenseEntries) entries"
            if let featureCount {
                throw .malformed(file: path, message: "featureCount \(featureCount) would make \(size)")
            }
            throw .syntax(file: path, line: maxIndexAt.line, column: maxIndexAt.column, message: "index \(maxIndex) would make \(size)")
        }
        var features = Matrix(rows: n, cols: width)
        for e in entries { features.storage[e.row + e.column * n] = e.value }
        let (labels, original) = LabelRemapping.remap(rawLabels)
        return try LabeledDataset(name: URL(fileURLWithPath: path).lastPathComponent, features: features,
                                  labels: labels, classCount: original.count, originalLabels: original)
    }

    /// The line and column of the label of data line `row` (0-based) in the file at `path`, for errors found after loading.
    static func labelPosition(path: String, row: Int) -> (line: Int, column: Int)? {
        guard let text = try? DataFile.text(path) else { return nil }
        var seen = 0
        for (number, line) in DataFile.lines(text) {
            guard let label = tokenize(line).first else { continue }
            if seen == row { return (number, label.column) }
            seen += 1
        }
        return nil
    }

    /// Blank-separated tokens with their 1-based character columns, stopping at a `#` comment.
    static func tokenize(_ line: Substring) -> [(column: Int, text: Substring)] {
        var tokens: [(column: Int, text: Substring)] = []
        var start: Substring.Index? = nil
        var startColumn = 0
        var column = 0
        var i = line.startIndex
        while i < line.endIndex {
            column += 1
            let ch = line[i]
            if ch == " " || ch == "\t" || ch == "#" {
                if let s = start { tokens.append((startColumn, line[s..<i])) }
                start = nil
                if ch == "#" { return tokens }
            } else if start == nil {
                start = i
                startColumn = column
            }
            i = line.index(after: i)
        }
        if let s = start { tokens.append((startColumn, line[s...])) }
        return tokens
    }
}
