/// The raster behind line, scatter and spy plots: braille cells of 2×4 dots, or one ASCII character per cell.
struct DotCanvas {
    let columns: Int
    let rows: Int
    let ascii: Bool
    private var bits: [UInt8]
    /// Whole-cell glyphs: the line character in ASCII mode, point markers in both modes.
    private var glyphs: [Character?]
    private var dotOwner: [Int]
    private var glyphOwner: [Int]

    /// Bit of braille dot (column, row) within a cell, per the Unicode braille layout.
    private static let brailleBit: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    init(columns: Int, rows: Int, ascii: Bool) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        self.ascii = ascii
        let count = self.columns * self.rows
        bits = Array(repeating: 0, count: count)
        glyphs = Array(repeating: nil, count: count)
        dotOwner = Array(repeating: -1, count: count)
        glyphOwner = Array(repeating: -1, count: count)
    }

    var dotsPerColumn: Int { ascii ? 1 : 2 }
    var dotsPerRow: Int { ascii ? 1 : 4 }
    var dotColumns: Int { columns * dotsPerColumn }
    var dotRows: Int { rows * dotsPerRow }

    /// Whether a continuous dot coordinate rounds onto the canvas.
    func contains(x: Double, y: Double) -> Bool {
        x >= -0.5 && x < Double(dotColumns) - 0.5 && y >= -0.5 && y < Double(dotRows) - 0.5
    }

    /// Sets one dot; in ASCII mode the whole cell shows `asciiGlyph`.
    mutating func setDot(x: Int, y: Int, owner: Int, asciiGlyph: Character) {
        guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
        let index = (y / dotsPerRow) * columns + x / dotsPerColumn
        if ascii {
            glyphs[index] = asciiGlyph
            glyphOwner[index] = owner
        } else {
            bits[index] |= Self.brailleBit[y % 4][x % 2]
            dotOwner[index] = owner
        }
    }

    /// Puts a marker over the whole cell containing dot (x, y).
    mutating func setGlyph(x: Int, y: Int, glyph: Character, owner: Int) {
        guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
        let index = (y / dotsPerRow) * columns + x / dotsPerColumn
        glyphs[index] = glyph
        glyphOwner[index] = owner
    }

    /// Writes text into a row over whatever is drawn there, for messages like "(no data)".
    mutating func overlay(_ text: String, row: Int) {
        guard row >= 0, row < rows else { return }
        let clipped = TextLayout.truncated(text, to: columns)
        let start = max(0, (columns - clipped.count) / 2)
        for (offset, ch) in clipped.enumerated() {
            let index = row * columns + start + offset
            glyphs[index] = ch
            glyphOwner[index] = -1
        }
    }

    /// Draws the segment between continuous dot coordinates, clipped to the canvas, with a Bresenham walk.
    /// `dash` carries the on/off phase across segments so dense series still look dashed; `continuing`
    /// skips the start dot already drawn by the previous segment so it does not count twice in the phase.
    /// Every walked dot, drawn or in a gap, is appended to `path`.
    mutating func drawLine(from a: (x: Double, y: Double), to b: (x: Double, y: Double), continuing: Bool,
                           owner: Int, asciiGlyph: Character, dash: inout DashPattern?, path: inout [(x: Int, y: Int)]) {
        let box = (x: Double(dotColumns) - 0.5, y: Double(dotRows) - 0.5)
        guard let (p, q) = Self.clip(a, b, maxX: box.x, maxY: box.y) else { return }
        let x0 = TextLayout.clampedInt(p.x.rounded(), 0, dotColumns - 1)
        let y0 = TextLayout.clampedInt(p.y.rounded(), 0, dotRows - 1)
        let x1 = TextLayout.clampedInt(q.x.rounded(), 0, dotColumns - 1)
        let y1 = TextLayout.clampedInt(q.y.rounded(), 0, dotRows - 1)
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var skip = continuing && p.x == a.x && p.y == a.y
        while true {
            if skip {
                skip = false
            } else {
                path.append((x, y))
                if dash?.advance() ?? true {
                    setDot(x: x, y: y, owner: owner, asciiGlyph: asciiGlyph)
                }
            }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Liang–Barsky clipping of a segment to [-0.5, maxX] × [-0.5, maxY]; nil when nothing is left.
    static func clip(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double), maxX: Double, maxY: Double)
        -> ((x: Double, y: Double), (x: Double, y: Double))? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        let edges: [(Double, Double)] = [(-dx, a.x + 0.5), (dx, maxX - a.x), (-dy, a.y + 0.5), (dy, maxY - a.y)]
        for (p, q) in edges {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let r = q / p
            if p < 0 {
                if r > t1 { return nil }
                t0 = max(t0, r)
            } else {
                if r < t0 { return nil }
                t1 = min(t1, r)
            }
        }
        guard t0.isFinite, t1.isFinite else { return nil }
        return ((a.x + t0 * dx, a.y + t0 * dy), (a.x + t1 * dx, a.y + t1 * dy))
    }

    /// One string per cell, row by row; colour escapes only when `color` is set.
    func cellRows(color: Bool) -> [[String]] {
        (0..<rows).map { r in
            (0..<columns).map { c in
                let index = r * columns + c
                if let glyph = glyphs[index] {
                    let owner = glyphOwner[index]
                    return ANSIColor.paint(String(glyph), seriesIndex: owner >= 0 ? owner : nil, enabled: color)
                }
                let b = bits[index]
                guard b != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(b)) else { return " " }
                let owner = dotOwner[index]
                return ANSIColor.paint(String(Character(scalar)), seriesIndex: owner >= 0 ? owner : nil, enabled: color)
            }
        }
    }
}

/// On/off counter along a walked line: `on` dots drawn, then `off` skipped.
struct DashPattern {
    let on: Int
    let off: Int
    private var phase = 0

    init(on: Int, off: Int) {
        self.on = max(1, on)
        self.off = max(0, off)
    }

    /// Whether the next dot is drawn.
    mutating func advance() -> Bool {
        let draw = phase < on
        phase = (phase + 1) % (on + off)
        return draw
    }
}
