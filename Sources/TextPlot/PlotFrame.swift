/// Lays a canvas out with its frame, tick labels, title, axis labels, legend and footer notes.
struct PlotFrame {
    /// A label at a cell row (y) or column (x) of the canvas.
    struct Tick {
        var cell: Int
        var label: String
    }

    /// One legend entry: a sample (possibly coloured) of `sampleWidth` columns and the series name.
    struct LegendItem {
        var sample: String
        var sampleWidth: Int
        var name: String
    }

    var cells: [[String]]
    var columns: Int
    var ascii: Bool
    var title = ""
    var xLabel = ""
    var yLabel = ""
    var yTicks: [Tick] = []
    var xTicks: [Tick] = []
    var legend: [LegendItem] = []
    var notes: [String] = []

    init(cells: [[String]], columns: Int, ascii: Bool) {
        self.cells = cells
        self.columns = columns
        self.ascii = ascii
    }

    /// The finished plot, lines joined with newlines and no trailing newline.
    func render() -> String {
        let box = ascii
            ? (tl: "+", tr: "+", bl: "+", br: "+", h: "-", v: "|", yTick: "+", xTick: "+")
            : (tl: "┌", tr: "┐", bl: "└", br: "┘", h: "─", v: "│", yTick: "┤", xTick: "┬")
        let margin = yTicks.map { $0.label.count }.max() ?? 0
        let plotStart = margin + 2
        let frameWidth = plotStart + columns + 1
        // Default sizes give a frame of about 71 columns; anything hanging past it may use up to 80.
        let limit = max(frameWidth, 80)
        let indent = String(repeating: " ", count: margin + 1)
        var lines: [String] = []

        let title = TextLayout.sanitized(self.title)
        if !title.isEmpty {
            lines.append(TextLayout.centered(title, start: plotStart, span: columns, limit: limit))
        }
        let yLabel = TextLayout.sanitized(self.yLabel)
        if !yLabel.isEmpty {
            lines.append(TextLayout.truncated(yLabel, to: limit))
        }
        lines.append(indent + box.tl + String(repeating: box.h, count: columns) + box.tr)

        var rowLabels = [String?](repeating: nil, count: cells.count)
        for tick in yTicks where tick.cell >= 0 && tick.cell < cells.count && rowLabels[tick.cell] == nil {
            rowLabels[tick.cell] = tick.label
        }
        for (r, row) in cells.enumerated() {
            let label = rowLabels[r]
            let prefix = TextLayout.padLeft(label ?? "", to: margin) + " " + (label == nil ? box.v : box.yTick)
            lines.append(prefix + row.joined() + box.v)
        }

        var bottom = [String](repeating: box.h, count: columns)
        for tick in xTicks where tick.cell >= 0 && tick.cell < columns { bottom[tick.cell] = box.xTick }
        lines.append(indent + box.bl + bottom.joined() + box.br)

        if let tickLine = xTickLine(plotStart: plotStart, limit: limit) { lines.append(tickLine) }
        let xLabel = TextLayout.sanitized(self.xLabel)
        if !xLabel.isEmpty {
            lines.append(TextLayout.centered(xLabel, start: plotStart, span: columns, limit: limit))
        }
        lines += legendLines(indent: plotStart, width: max(frameWidth, min(40, limit)))
        for note in notes {
            lines.append(String(repeating: " ", count: plotStart) + TextLayout.truncated(note, to: limit - plotStart))
        }
        return lines.map(TextLayout.trimmedTrailing).joined(separator: "\n")
    }

    /// Tick labels centred under their ticks; a label that would collide with the previous one is dropped.
    private func xTickLine(plotStart: Int, limit: Int) -> String? {
        guard !xTicks.isEmpty else { return nil }
        var buffer = [Character](repeating: " ", count: limit)
        var previousEnd = -2
        for tick in xTicks {
            let label = Array(tick.label)
            var start = plotStart + tick.cell - (label.count - 1) / 2
            start = min(max(start, 0), limit - label.count)
            guard start >= 0, start > previousEnd + 1 else { continue }
            for (i, ch) in label.enumerated() { buffer[start + i] = ch }
            previousEnd = start + label.count - 1
        }
        return String(buffer)
    }

    /// Legend items packed left to right, wrapping at `width` columns.
    private func legendLines(indent: Int, width: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let available = max(10, width - indent)
        var lines: [String] = []
        var current = ""
        var used = 0
        for item in legend {
            let name = TextLayout.truncated(TextLayout.sanitized(item.name), to: max(1, available - item.sampleWidth - 1))
            let entryWidth = item.sampleWidth + 1 + name.count
            let entry = item.sample + " " + name
            if used > 0 && used + 3 + entryWidth > available {
                lines.append(pad + current)
                current = ""
                used = 0
            }
            if used > 0 {
                current += "   "
                used += 3
            }
            current += entry
            used += entryWidth
        }
        if used > 0 { lines.append(pad + current) }
        return lines
    }
}
