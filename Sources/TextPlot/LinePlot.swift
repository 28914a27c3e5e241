/// Line and scatter plot of several series on linear or log10 axes, with legend and footer notes.
public struct LinePlot: Sendable {
    /// Centred above the frame.
    public var title: String
    /// Centred under the x tick labels.
    public var xLabel: String
    /// Shown above the top-left corner of the frame.
    public var yLabel: String
    /// Horizontal scale; on .log10, points with x ≤ 0 are skipped.
    public var xScale: AxisScale
    /// Vertical scale; on .log10, points with y ≤ 0 are skipped.
    public var yScale: AxisScale
    /// Drawn in order, so later series sit on top.
    public var series: [Series]
    /// Fixed x range in data units; nil fits the data and rounds out to nice ticks.
    public var xLimits: ClosedRange<Double>?
    /// Fixed y range in data units; nil fits the data (inside xLimits, if set).
    public var yLimits: ClosedRange<Double>?

    /// An empty plot; add series with `add(_:)` or pass them here.
    public init(title: String = "", xLabel: String = "", yLabel: String = "",
                xScale: AxisScale = .linear, yScale: AxisScale = .linear, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
        xLimits = nil
        yLimits = nil
    }

    /// Appends a series.
    public mutating func add(_ s: Series) {
        series.append(s)
    }

    /// The plot as text: frame, ticks, legend and notes; deterministic for the same input.
    public func render(_ style: PlotStyle = PlotStyle()) -> String {
        var canvas = DotCanvas(columns: style.columns, rows: style.rows, ascii: style.ascii)
        let prepared = prepare()
        let points = prepared.runs.flatMap { $0.flatMap { $0 } }

        let xAxis = PlotAxis.make(scale: xScale, data: Self.span(points.map(\.x)), limits: xLimits,
                                  cells: canvas.columns, dotsPerCell: canvas.dotsPerColumn, orientation: .horizontal)
        // With fixed x limits the y range follows only what is visible.
        let visible = xLimits == nil ? points : points.filter { (0...1).contains(xAxis.fraction($0.x)) }
        let yAxis = PlotAxis.make(scale: yScale, data: Self.span(visible.map(\.y)), limits: yLimits,
                                  cells: canvas.rows, dotsPerCell: canvas.dotsPerRow, orientation: .vertical)

        let looks = seriesLooks(ascii: style.ascii)
        let mapped = prepared.runs.map { runs in
            runs.map { run in run.map { (x: xAxis.dotPosition($0.x), y: yAxis.dotPosition($0.y)) } }
        }
        // Lines first, then markers, so no line hides a data point.
        var tags: [(x: Int, y: Int, index: Int)] = []
        var dashedSeen = 0
        for (index, s) in series.enumerated() where s.kind == .line {
            var dash: DashPattern? = s.dashed ? DashPattern(on: style.ascii ? 1 : 2, off: style.ascii ? 1 : 2) : nil
            var path: [(x: Int, y: Int)] = []
            for run in mapped[index] where run.count > 1 {
                for k in 1..<run.count {
                    canvas.drawLine(from: run[k - 1], to: run[k], continuing: k > 1, owner: index,
                                    asciiGlyph: looks[index].glyph, dash: &dash, path: &path)
                }
            }
            // A reference line is tagged once, part-way along and away from data vertices, where
            // markers would read as data points; staggered so two lines' tags do not coincide.
            if s.dashed, looks[index].marked, !path.isEmpty {
                let at = max(0.3, 0.85 - 0.2 * Double(dashedSeen % 3))
                let spot = path[TextLayout.clampedInt((Double(path.count - 1) * at).rounded(), 0, path.count - 1)]
                tags.append((spot.x, spot.y, index))
            }
            if s.dashed { dashedSeen += 1 }
        }
        for tag in tags {
            canvas.setGlyph(x: tag.x, y: tag.y, glyph: looks[tag.index].glyph, owner: tag.index)
        }
        // Scatter points are data, so they go last and no line marker covers them.
        for kind in [Series.Kind.line, .scatter] {
            for (index, s) in series.enumerated() where s.kind == kind {
                placeMarkers(on: &canvas, runs: mapped[index], series: s, marked: looks[index].marked,
                             glyph: looks[index].glyph, owner: index)
            }
        }

        let hasData = !points.isEmpty
        if !hasData { canvas.overlay("(no data)", row: canvas.rows / 2) }

        var frame = PlotFrame(cells: canvas.cellRows(color: style.color), columns: canvas.columns, ascii: style.ascii)
        frame.title = title
        frame.xLabel = xLabel
        frame.yLabel = yLabel
        if hasData || xLimits != nil {
            frame.xTicks = zip(xAxis.ticks, xAxis.labels).map { PlotFrame.Tick(cell: xAxis.cell($0), label: $1) }
        }
        if hasData || yLimits != nil {
            frame.yTicks = zip(yAxis.ticks, yAxis.labels).map { PlotFrame.Tick(cell: yAxis.cell($0), label: $1) }
        }
        let named = series.count > 1 || series.contains { !$0.name.isEmpty }
        if named {
            frame.legend = series.enumerated().map { index, s in
                // A lone point is drawn as a marker, so the sample shows it too.
                let marked = looks[index].marked || prepared.runs[index].contains { $0.count == 1 }
                let sample = SeriesMarker.legendSample(kind: s.kind, dashed: s.dashed, marked: marked,
                                                       glyph: looks[index].glyph, ascii: style.ascii)
                return PlotFrame.LegendItem(sample: ANSIColor.paint(sample, seriesIndex: index, enabled: style.color),
                                            sampleWidth: sample.count,
                                            name: s.name.isEmpty ? "series \(index + 1)" : s.name)
            }
        }
        frame.notes = prepared.notes
        return frame.render()
    }

    // MARK: preparation

    /// A point in plot coordinates (log10 already applied).
    private struct Point {
        var x: Double
        var y: Double
    }

    /// Per series, the runs of consecutive placeable points, plus notes about what was dropped.
    private func prepare() -> (runs: [[[Point]]], notes: [String]) {
        var nonFinite = 0
        var nonPositive = 0
        var notes: [String] = []
        var all: [[[Point]]] = []
        for (index, s) in series.enumerated() {
            let n = min(s.x.count, s.y.count)
            if s.x.count != s.y.count {
                let name = s.name.isEmpty ? "series \(index + 1)" : s.name
                notes.append("(\(name): \(s.x.count) x values but \(s.y.count) y values; extra ignored)")
            }
            // An unplottable point breaks the line rather than bridging the gap, which would invent data.
            var runs: [[Point]] = [[]]
            for i in 0..<n {
                let x = s.x[i], y = s.y[i]
                guard x.isFinite, y.isFinite else {
                    nonFinite += 1
                    if runs[runs.count - 1].isEmpty == false { runs.append([]) }
                    continue
                }
                guard let tx = xScale.transformed(x), let ty = yScale.transformed(y) else {
                    nonPositive += 1
                    if runs[runs.count - 1].isEmpty == false { runs.append([]) }
                    continue
                }
                runs[runs.count - 1].append(Point(x: tx, y: ty))
            }
            all.append(runs.filter { !$0.isEmpty })
        }
        if nonFinite > 0 {
            notes.append("(\(nonFinite) non-finite point\(nonFinite == 1 ? "" : "s") skipped)")
        }
        if nonPositive > 0 {
            notes.append("(\(nonPositive) non-positive point\(nonPositive == 1 ? "" : "s") skipped on log axis)")
        }
        return (all, notes)
    }

    private static func span(_ values: [Double]) -> ClosedRange<Double>? {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        return lo...hi
    }

    /// Marker glyph per series and whether its line needs markers to be told apart without colour:
    /// only when another line shares its dash style (colour may be off, so colour alone cannot tell them apart).
    private func seriesLooks(ascii: Bool) -> [(glyph: Character, marked: Bool)] {
        var dashedCount = 0
        var solidCount = 0
        return series.enumerated().map { index, s in
            let glyph = SeriesMarker.glyph(seriesIndex: index, dashedOrdinal: dashedCount, solidOrdinal: solidCount,
                                           dashed: s.dashed, ascii: ascii)
            if s.dashed { dashedCount += 1 } else { solidCount += 1 }
            let twins = series.filter { $0.kind == .line && $0.dashed == s.dashed }.count
            return (glyph, !ascii && s.kind == .line && twins > 1)
        }
    }

    /// Scatter points always get markers; lines get them at isolated points and, when `marked`, about
    /// every six columns (or three rows); marked dashed lines are tagged while drawing instead.
    private func placeMarkers(on canvas: inout DotCanvas, runs: [[(x: Double, y: Double)]], series s: Series,
                              marked: Bool, glyph: Character, owner: Int) {
        var last: (column: Int, row: Int)?
        for run in runs {
            for p in run where canvas.contains(x: p.x, y: p.y) {
                let x = TextLayout.clampedInt(p.x.rounded(), 0, canvas.dotColumns - 1)
                let y = TextLayout.clampedInt(p.y.rounded(), 0, canvas.dotRows - 1)
                let cell = (column: x / canvas.dotsPerColumn, row: y / canvas.dotsPerRow)
                let place: Bool
                switch s.kind {
                case .scatter:
                    place = true
                case .line:
                    if run.count == 1 {
                        place = true
                    } else if marked && !s.dashed {
                        place = last.map { abs(cell.column - $0.column) >= 6 || abs(cell.row - $0.row) >= 3 } ?? true
                    } else {
                        place = false
                    }
                }
                if place {
                    canvas.setGlyph(x: x, y: y, glyph: glyph, owner: owner)
                    last = cell
                }
            }
        }
    }
}
