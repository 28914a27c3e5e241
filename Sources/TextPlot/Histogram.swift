import Foundation

/// Histogram of values (weights, scores) as horizontal bars, one row per bin.
public struct Histogram: Sendable {
    /// Centred above the bars.
    public var title: String
    /// The sample; non-finite values are counted in a note, not binned.
    public var values: [Double]
    /// Target bin count; edges are rounded to nice numbers, so the actual count can differ slightly.
    public var bins: Int
    /// Bar length ∝ log10(1 + count), for spikes such as pruned weights at zero.
    public var logCounts: Bool = false

    /// A histogram with about `bins` bins over the finite values.
    public init(title: String = "", values: [Double], bins: Int = 20) {
        self.title = title
        self.values = values
        self.bins = bins
    }

    /// The histogram as text: "[lo, hi) ┤bar count" rows, last bin closed.
    public func render(_ style: PlotStyle = PlotStyle()) -> String {
        let finite = values.filter(\.isFinite)
        var notes: [String] = []
        let skipped = values.count - finite.count
        var labels: [String] = []
        var counts: [Int] = []
        if let (edges, binCounts) = Self.binned(finite, target: min(max(bins, 1), 200)) {
            counts = binCounts
            let step = edges.count > 1 ? edges[1] - edges[0] : 1
            let text = TickLabels.format(edges) { _ in abs(step) * 1e-3 }
            let width = text.map(\.count).max() ?? 0
            for i in 0..<counts.count {
                let close = i == counts.count - 1 ? "]" : ")"
                labels.append("[" + TextLayout.padLeft(text[i], to: width) + ", "
                    + TextLayout.padLeft(text[i + 1], to: width) + close)
            }
            notes.append("(n = \(finite.count))")
        }
        if skipped > 0 {
            notes.append("(\(skipped) non-finite value\(skipped == 1 ? "" : "s") skipped)")
        }
        if logCounts { notes.append("(bar length ∝ log10(1 + count))") }
        let magnitudes = counts.map { logCounts ? log10(1 + Double($0)) : Double($0) }
        let bars = HorizontalBars(title: title, labels: labels, magnitudes: magnitudes,
                                  valueTexts: counts.map(String.init), notes: notes, maxLabelWidth: 40)
        return bars.render(style)
    }

    /// Nice bin edges covering the values, and the count in each bin; nil for no values.
    static func binned(_ values: [Double], target: Int) -> (edges: [Double], counts: [Int])? {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        // A constant sample is one bar; padding it out would only add empty bins around it.
        guard hi > lo else { return ([lo, hi], [values.count]) }
        let mantissas: [Double] = [1, 2, 2.5, 5]
        var edges: [Double] = []
        if let step = TickLabels.niceStep(atLeast: (hi - lo) / Double(target), mantissas: mantissas) {
            let start = TickLabels.floorMultiple(lo, step)
            let end = TickLabels.ceilMultiple(hi, step)
            let count = end - start
            if count >= 1, count <= Double(target) * 3 {
                edges = (0...Int(count)).map { (start + Double($0)) * step }
            }
        }
        if edges.count < 2 || !edges.allSatisfy(\.isFinite) {
            // Spans too wide for nice steps (near ±Double.max) fall back to plain equal widths.
            // Interpolating, rather than stepping from lo, cannot overflow.
            edges = (0...target).map { i in
                let f = Double(i) / Double(target)
                return lo * (1 - f) + hi * f
            }
        }
        let binCount = edges.count - 1
        var counts = [Int](repeating: 0, count: binCount)
        let first = edges[0]
        let width = edges[1] - edges[0]
        for v in values {
            let position = width.isFinite && width > 0 ? (v / 2 - first / 2) / (width / 2) : 0
            counts[TextLayout.clampedInt(floor(position), 0, binCount - 1)] += 1
        }
        return (edges, counts)
    }
}
