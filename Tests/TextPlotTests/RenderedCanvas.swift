/// Reads the plot area back out of a rendered frame, so tests can check where things landed.
struct RenderedCanvas {
    /// Cell characters, row by row.
    let cells: [[Character]]
    /// For each canvas row, the tick label printed left of it ("" when none).
    let rowLabels: [String]
    /// Canvas columns marked with a tick on the bottom border.
    let tickColumns: [Int]

    init?(_ text: String, rows: Int, columns: Int, ascii: Bool = false) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let corner: Character = ascii ? "+" : "┌"
        let horizontal: Character = ascii ? "-" : "─"
        guard let top = lines.firstIndex(where: { line in
            guard let i = line.firstIndex(of: corner) else { return false }
            return i + 1 < line.count && line[i + 1] == horizontal
        }), let left = lines[top].firstIndex(of: corner), top + rows + 1 < lines.count else { return nil }
        var cells: [[Character]] = []
        var labels: [String] = []
        for r in 0..<rows {
            let line = lines[top + 1 + r]
            guard line.count >= left + 2 + columns else { return nil }
            cells.append(Array(line[(left + 1)..<(left + 1 + columns)]))
            labels.append(String(line[0..<left]).trimmingCharacters(in: " "))
        }
        let bottom = lines[top + rows + 1]
        let tick: Character = ascii ? "+" : "┬"
        tickColumns = (0..<columns).filter { left + 1 + $0 < bottom.count && bottom[left + 1 + $0] == tick }
        self.cells = cells
        rowLabels = labels
    }

    /// Braille dots as (x, y) in dot coordinates; non-braille cells count as empty.
    var dots: [(x: Int, y: Int)] {
        let layout: [(bit: UInt32, dx: Int, dy: Int)] = [
            (0x01, 0, 0), (0x02, 0, 1), (0x04, 0, 2), (0x40, 0, 3),
            (0x08, 1, 0), (0x10, 1, 1), (0x20, 1, 2), (0x80, 1, 3),
        ]
        var result: [(x: Int, y: Int)] = []
        for (r, row) in cells.enumerated() {
            for (c, ch) in row.enumerated() {
                guard let scalar = ch.unicodeScalars.first, (0x2800...0x28FF).contains(scalar.value) else { continue }
                let bits = scalar.value - 0x2800
                for d in layout where bits & d.bit != 0 { result.append((c * 2 + d.dx, r * 4 + d.dy)) }
            }
        }
        return result
    }
}

extension String {
    /// Drops leading and trailing occurrences of `ch`.
    func trimmingCharacters(in ch: Character) -> String {
        var s = Substring(self)
        while s.first == ch { s = s.dropFirst() }
        while s.last == ch { s = s.dropLast() }
        return String(s)
    }

    /// The text with ANSI SGR escapes removed.
    var strippingANSI: String {
        var out = ""
        var inEscape = false
        for scalar in unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
