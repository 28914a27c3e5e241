/// Plain-text table with aligned columns and a dashed rule under the header.
public struct Table: Sendable {
    /// How cell text sits within its column.
    public enum Alignment: Sendable, Equatable {
        /// Flush left (names, labels).
        case left
        /// Flush right (numbers).
        case right
    }

    /// Column headings; may be empty for a headerless table.
    public var headers: [String]
    /// Cells row by row; short rows are padded with empty cells.
    public var rows: [[String]]
    /// Per-column alignment; missing entries follow the default.
    public var alignments: [Alignment]

    /// A table; by default the first column is left-aligned and the others right-aligned.
    public init(headers: [String], rows: [[String]], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.rows = rows
        self.alignments = alignments ?? []
    }

    /// The table as text, columns separated by two spaces; plain ASCII so it survives any log.
    public func render() -> String {
        let columnCount = max(headers.count, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return "" }
        func padded(_ cells: [String]) -> [String] {
            (0..<columnCount).map { $0 < cells.count ? TextLayout.sanitized(cells[$0]) : "" }
        }
        let head = padded(headers)
        let body = rows.map(padded)
        let widths = (0..<columnCount).map { c in
            max(head[c].count, body.map { $0[c].count }.max() ?? 0)
        }
        func alignment(_ c: Int) -> Alignment {
            c < alignments.count ? alignments[c] : (c == 0 ? .left : .right)
        }
        func line(_ cells: [String]) -> String {
            let text = cells.enumerated().map { c, cell in
                alignment(c) == .left ? TextLayout.padRight(cell, to: widths[c]) : TextLayout.padLeft(cell, to: widths[c])
            }
            return TextLayout.trimmedTrailing(text.joined(separator: "  "))
        }
        var lines: [String] = []
        if !headers.isEmpty {
            lines.append(line(head))
            lines.append(widths.map { String(repeating: "-", count: max(1, $0)) }.joined(separator: "  "))
        }
        lines += body.map(line)
        return lines.joined(separator: "\n")
    }
}
