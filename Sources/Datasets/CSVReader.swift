import Foundation

/// One data line of a CSV file: its 1-based line number and its trimmed, unquoted cells.
struct CSVRow {
    let line: Int
    let cells: [Substring]
}

/// A CSV file split into an optional header and rectangular data rows, positions kept for error messages.
struct CSVDocument {
    let file: String
    let header: [String]?
    let rows: [CSVRow]
    /// Cells per row (every row has been checked to have exactly this many).
    let width: Int
}

/// Splits CSV text into cells. Numbers are interpreted by the loaders, not here.
///
/// Supported: comma separators, blanks around cells, double-quoted cells with `""` escapes, blank
/// lines (skipped), "\n", "\r\n" or "\r" line ends. Not supported: quoted cells spanning lines.
enum CSVReader {
    /// Reads and splits the file at `path`.
    static func read(path: String, header policy: CSVHeaderPolicy) throws(DatasetError) -> CSVDocument {
        try parse(text: DataFile.text(path), file: path, header: policy)
    }

    /// Splits `text`, naming `file` in errors.
    static func parse(text: String, file: String, header policy: CSVHeaderPolicy) throws(DatasetError) -> CSVDocument {
        var header: [String]? = nil
        var headerLine = 0
        var rows: [CSVRow] = []
        for (number, line) in DataFile.lines(text) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let cells = try splitCells(line, file: file, line: number)
            if header == nil && rows.isEmpty && isHeader(cells, policy) {
                header = cells.map { $0.replacingOccurrences(of: "\"\"", with: "\"") }
                headerLine = number
                continue
            }
            rows.append(CSVRow(line: number, cells: cells))
        }
        guard let first = rows.first else { throw .malformed(file: file, message: "no data rows") }
        let width = header?.count ?? first.cells.count
        for row in rows where row.cells.count != width {
            // Point at the first missing cell, or the first surplus one.
            let column = min(row.cells.count, width) + 1
            let expectation = header != nil
                ? "the header on line \(headerLine) has \(width) names"
                : "line \(first.line) has \(width)"
            throw .syntax(file: file, line: row.line, column: column,
                          message: "row has \(row.cells.count) values but \(expectation)")
        }
        return CSVDocument(file: file, header: header, rows: rows, width: width)
    }

    /// Whether the first line is a header under `policy`.
    private static func isHeader(_ cells: [Substring], _ policy: CSVHeaderPolicy) -> Bool {
        switch policy {
        case .present: return true
        case .absent: return false
        case .auto:
            // A mixed line such as "1,2,abc" is treated as data, so its typo is reported rather
            // than silently swallowed as column names.
            return cells.allSatisfy { cell in
                switch NumberSyntax.parse(cell) {
                case .finite, .nonFinite: return false
                case .notANumber, .empty: return true
                }
            }
        }
    }

    /// The cells of one line, blanks trimmed and quotes removed.
    static func splitCells(_ line: Substring, file: String, line number: Int) throws(DatasetError) -> [Substring] {
        var cells: [Substring] = []
        var i = line.startIndex
        func skipBlanks() {
            while i < line.endIndex, line[i] == " " || line[i] == "\t" { i = line.index(after: i) }
        }
        while true {
            skipBlanks()
            if i < line.endIndex, line[i] == "\"" {
                let start = line.index(after: i)
                var j = start
                var closed = false
                while j < line.endIndex {
                    if line[j] == "\"" {
                        let next = line.index(after: j)
                        if next < line.endIndex, line[next] == "\"" { j = line.index(after: next); continue }
                        closed = true
                        break
                    }
                    j = line.index(after: j)
                }
                guard closed else {
                    throw .syntax(file: file, line: number, column: cells.count + 1, message: "unterminated quoted cell")
                }
                cells.append(line[start..<j])
                i = line.index(after: j)
                skipBlanks()
                if i == line.endIndex { break }
                guard line[i] == "," else {
                    throw .syntax(file: file, line: number, column: cells.count, message: "text after a closing quote")
                }
                i = line.index(after: i)
            } else {
                let end = line[i...].firstIndex(of: ",") ?? line.endIndex
                // Trim by moving an index: Substring.dropLast() costs O(length) each time, which
                // made a cell with 40,000 trailing blanks take seconds (quadratic).
                var cellEnd = end
                while cellEnd > i {
                    let before = line.index(before: cellEnd)
                    guard line[before] == " " || line[before] == "\t" else { break }
                    cellEnd = before
                }
                cells.append(line[i..<cellEnd])
                if end == line.endIndex { break }
                i = line.index(after: end)
            }
        }
        return cells
    }
}
