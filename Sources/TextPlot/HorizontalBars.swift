/// Rows of "label ┤bar value", shared by bar charts and histograms.
struct HorizontalBars {
    var title: String
    var labels: [String]
    /// Bar lengths before scaling; non-finite entries get no bar.
    var magnitudes: [Double]
    var valueTexts: [String]
    var notes: [String]
    /// Cap on the label column; longer labels are shortened in the middle.
    var maxLabelWidth: Int

    /// Eighth blocks give bars sub-cell resolution in Unicode mode.
    private static let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    func render(_ style: PlotStyle) -> String {
        let labels = self.labels.map { TextLayout.truncatedMiddle(TextLayout.sanitized($0), to: maxLabelWidth) }
        let values = valueTexts.map(TextLayout.sanitized)
        let labelWidth = labels.map(\.count).max() ?? 0
        let valueWidth = values.map(\.count).max() ?? 0
        // Sized like a line plot of the same style: 78 columns at the default width of 60.
        let barColumns = max(8, style.columns + 18 - labelWidth - 2 - valueWidth - 1)
        let axis = style.ascii ? "|" : "┤"
        let limit = max(80, labelWidth + 2 + barColumns + 1 + valueWidth)

        var lines: [String] = []
        let title = TextLayout.sanitized(self.title)
        if !title.isEmpty {
            lines.append(TextLayout.centered(title, start: labelWidth + 2, span: barColumns, limit: limit))
        }
        if labels.isEmpty {
            lines.append(TextLayout.padLeft("", to: labelWidth) + " " + axis + " (no data)")
        }

        let finite = magnitudes.filter(\.isFinite)
        let positive = finite.filter { $0 > 0 }.max() ?? 0
        let negative = -(finite.filter { $0 < 0 }.min() ?? 0)
        let total = positive + negative
        // Negative bars grow left from a zero column placed in proportion to the two extents.
        let zeroColumn = total > 0 ? TextLayout.clampedInt((Double(barColumns) * negative / total).rounded(), 0, barColumns) : 0

        for (index, label) in labels.enumerated() {
            let value = index < magnitudes.count ? magnitudes[index] : .nan
            var lead = zeroColumn
            var bar = ""
            if value.isFinite, total > 0 {
                let share = abs(value) / total * Double(barColumns)
                if value >= 0 {
                    bar = positiveBar(share, ascii: style.ascii)
                } else {
                    let cells = min(zeroColumn, TextLayout.clampedInt(share.rounded(), 0, barColumns))
                    lead = zeroColumn - cells
                    bar = String(repeating: style.ascii ? "=" : "█", count: cells)
                }
            }
            let valueText = index < values.count ? values[index] : ""
            lines.append(TextLayout.padLeft(label, to: labelWidth) + " " + axis
                + String(repeating: " ", count: lead) + ANSIColor.paint(bar, seriesIndex: 0, enabled: style.color)
                + (valueText.isEmpty ? "" : " " + valueText))
        }
        for note in notes {
            lines.append(String(repeating: " ", count: labelWidth + 2) + TextLayout.truncated(note, to: limit - labelWidth - 2))
        }
        return lines.map(TextLayout.trimmedTrailing).joined(separator: "\n")
    }

    /// A bar of `share` cells, rounded to eighths (Unicode) or whole cells (ASCII).
    private func positiveBar(_ share: Double, ascii: Bool) -> String {
        if ascii {
            return String(repeating: "=", count: TextLayout.clampedInt(share.rounded(), 0, 10_000))
        }
        let eighths = TextLayout.clampedInt((share * 8).rounded(), 0, 80_000)
        return String(repeating: "█", count: eighths / 8) + Self.partials[eighths % 8]
    }
}
