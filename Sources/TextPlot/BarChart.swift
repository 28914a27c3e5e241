/// Horizontal bars with a label and value per row, e.g. per-layer density.
public struct BarChart: Sendable {
    /// Centred above the bars.
    public var title: String
    /// One per bar; long labels are shortened in the middle to keep both ends.
    public let labels: [String]
    /// Bar values; non-finite ones are listed without a bar.
    public let values: [Double]
    /// Value texts, formatted once at init so the chart stays Sendable whatever closure was passed.
    private let valueTexts: [String]

    /// A bar chart; `valueFormat` defaults to `NumberFormat.compact`.
    public init(title: String = "", labels: [String], values: [Double], valueFormat: ((Double) -> String)? = nil) {
        self.title = title
        self.labels = labels
        self.values = values
        let format = valueFormat ?? { NumberFormat.compact($0) }
        valueTexts = values.map(format)
    }

    /// The chart as text, one row per bar.
    public func render(_ style: PlotStyle = PlotStyle()) -> String {
        let count = min(labels.count, values.count)
        var notes: [String] = []
        if labels.count != values.count {
            notes.append("(\(labels.count) labels but \(values.count) values; showing \(count))")
        }
        let nonFinite = values.prefix(count).filter { !$0.isFinite }.count
        if nonFinite > 0 {
            notes.append("(\(nonFinite) non-finite value\(nonFinite == 1 ? "" : "s") drawn without a bar)")
        }
        let bars = HorizontalBars(title: title, labels: Array(labels.prefix(count)), magnitudes: Array(values.prefix(count)),
                                  valueTexts: Array(valueTexts.prefix(count)), notes: notes, maxLabelWidth: 16)
        return bars.render(style)
    }
}
