/// Sparsity pattern of a 0/1 mask, e.g. which weights survive pruning.
public struct SpyPlot: Sendable {
    /// Centred above the frame.
    public var title: String
    /// Mask rows (drawn top to bottom).
    public var rows: Int
    /// Mask columns (drawn left to right).
    public var cols: Int
    /// Row-major entries; missing entries count as zero and extra ones are ignored (both noted).
    public var isNonZero: [Bool]

    /// Large masks are downsampled to fit width/height: a cell is set if any entry in its block is non-zero.
    public init(title: String = "", rows: Int, cols: Int, isNonZero: [Bool]) {
        self.title = title
        self.rows = rows
        self.cols = cols
        self.isNonZero = isNonZero
    }

    /// The pattern in a frame labelled with first/last row and column indices; nnz and density in the footer.
    public func render(_ style: PlotStyle = PlotStyle()) -> String {
        let rows = max(0, self.rows), cols = max(0, self.cols)
        let (entries, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard rows > 0, cols > 0, !overflow else {
            var canvas = DotCanvas(columns: style.columns, rows: style.rows, ascii: style.ascii)
            canvas.overlay("(no data)", row: canvas.rows / 2)
            var frame = PlotFrame(cells: canvas.cellRows(color: false), columns: canvas.columns, ascii: style.ascii)
            frame.title = title
            frame.notes = ["(\(self.rows) × \(self.cols) mask)"]
            return frame.render()
        }
        let dotsX = style.ascii ? 1 : 2, dotsY = style.ascii ? 1 : 4
        // Braille dots are roughly square, so one block size keeps the aspect; ASCII cells are about
        // twice as tall as wide, so their blocks are twice as tall once the mask has to shrink.
        var blockCols = max(1, ceilDiv(cols, style.columns * dotsX), ceilDiv(rows, style.rows * dotsY))
        var blockRows = blockCols
        if style.ascii, blockCols > 1 {
            blockCols = max(1, ceilDiv(cols, style.columns), ceilDiv(rows, 2 * style.rows))
            blockRows = 2 * blockCols
        }
        let dotCols = ceilDiv(cols, blockCols), dotRows = ceilDiv(rows, blockRows)
        var canvas = DotCanvas(columns: ceilDiv(dotCols, dotsX), rows: ceilDiv(dotRows, dotsY), ascii: style.ascii)

        var nnz = 0
        for r in 0..<rows {
            let base = r * cols
            guard base < isNonZero.count else { break }
            for c in 0..<min(cols, isNonZero.count - base) where isNonZero[base + c] {
                nnz += 1
                canvas.setDot(x: c / blockCols, y: r / blockRows, owner: 0, asciiGlyph: "#")
            }
        }

        var frame = PlotFrame(cells: canvas.cellRows(color: style.color), columns: canvas.columns, ascii: style.ascii)
        frame.title = title
        frame.yTicks = [PlotFrame.Tick(cell: 0, label: "1"), PlotFrame.Tick(cell: canvas.rows - 1, label: String(rows))]
        frame.xTicks = [PlotFrame.Tick(cell: 0, label: "1"), PlotFrame.Tick(cell: canvas.columns - 1, label: String(cols))]
        let density = Double(nnz) / Double(entries)
        var notes = ["nnz = \(nnz) of \(entries) (\(rows) × \(cols)), density = \(NumberFormat.compact(density))"]
        if blockCols > 1 || blockRows > 1 {
            let unit = style.ascii ? "character" : "dot"
            notes.append("(each \(unit) is a \(blockRows) × \(blockCols) block, set if any entry is non-zero)")
        }
        if isNonZero.count != entries {
            notes.append("(mask has \(isNonZero.count) entries, expected \(entries))")
        }
        frame.notes = notes
        return frame.render()
    }

    private func ceilDiv(_ a: Int, _ b: Int) -> Int {
        b <= 0 ? a : (a + b - 1) / b
    }
}
