import Testing
@testable import TextPlot

/// Bar charts, histograms, spy plots and tables beyond their golden renders.
@Suite struct ChartTests {
    @Test func histogramCountsEveryFiniteValueOnce() throws {
        let values = Fixtures.weights
        let finite = values.filter(\.isFinite)
        let (edges, counts) = try #require(Histogram.binned(finite, target: 20))
        #expect(counts.reduce(0, +) == finite.count)
        #expect(edges.count == counts.count + 1)
        #expect(try #require(edges.first) <= finite.min() ?? 0)
        #expect(try #require(edges.last) >= finite.max() ?? 0)
        let text = Histogram(values: values).render()
        #expect(text.contains("(n = 3000)"))
        #expect(text.contains("(1 non-finite value skipped)"))
        let printed = text.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("[") else { return nil }
            return line.split(separator: " ").last.flatMap { Int($0) }
        }
        #expect(printed.reduce(0, +) == 3000)
    }

    @Test func histogramEdgeCasesRender() {
        let cases: [[Double]] = [[], [.nan, .infinity], [3, 3, 3], [0], [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude]]
        for values in cases {
            for bins in [-3, 0, 1, 20, 100_000] {
                #expect(!Histogram(values: values, bins: bins).render().isEmpty)
            }
        }
        #expect(Histogram(values: []).render().contains("(no data)"))
    }

    @Test func barChartHandlesOddValues() {
        let chart = BarChart(labels: ["a", "b", "c", "d"], values: [0, -2, .nan, 4], valueFormat: { String(format: "%.1f", $0) })
        let text = chart.render()
        #expect(text.contains("-2.0"))
        #expect(text.contains("(1 non-finite value drawn without a bar)"))
        #expect(BarChart(labels: [], values: []).render().contains("(no data)"))
        #expect(BarChart(labels: ["x", "y"], values: [1]).render().contains("2 labels but 1 values"))
        #expect(!BarChart(labels: ["z"], values: [0]).render().isEmpty)
    }

    @Test func barLengthsAreProportional() {
        let text = BarChart(labels: ["full", "half"], values: [1, 0.5]).render(PlotStyle(ascii: true))
        let bars = text.split(separator: "\n").map { line in line.filter { $0 == "=" }.count }
        #expect(bars.count == 2)
        #expect(abs(Double(bars[1]) - Double(bars[0]) / 2) <= 1)
    }

    @Test func spyDownsamplesWithAnyNonZero() throws {
        var bits = [Bool](repeating: false, count: 1000 * 1000)
        bits[500 * 1000 + 700] = true
        let spy = SpyPlot(rows: 1000, cols: 1000, isNonZero: bits)
        let text = spy.render()
        #expect(text.contains("nnz = 1 of 1000000"))
        #expect(text.contains("density = 1e-6"))
        let lines = text.split(separator: "\n")
        let set = lines.flatMap { $0.filter { ("\u{2801}"..."\u{28FF}").contains($0) } }
        #expect(set.count == 1)
    }

    @Test func spyReportsDensityAndMismatch() {
        let full = SpyPlot(rows: 2, cols: 3, isNonZero: [true, false, true, false, true, false]).render()
        #expect(full.contains("nnz = 3 of 6 (2 × 3), density = 0.5"))
        #expect(SpyPlot(rows: 2, cols: 2, isNonZero: [true]).render().contains("(mask has 1 entries, expected 4)"))
        #expect(SpyPlot(rows: 0, cols: 5, isNonZero: []).render().contains("(no data)"))
        #expect(SpyPlot(rows: -3, cols: Int.max, isNonZero: [true]).render().contains("(no data)"))
        #expect(!SpyPlot(rows: Int.max / 2, cols: 2, isNonZero: [true]).render().isEmpty)
    }

    @Test func tableAlignsColumns() {
        let lines = Table(headers: ["name", "value"], rows: [["a", "1"], ["long name", "12345"]]).render()
            .split(separator: "\n").map(String.init)
        #expect(lines == ["name       value", "---------  -----", "a              1", "long name  12345"])
        let left = Table(headers: ["x", "y"], rows: [["1", "2"], ["333", "4"]], alignments: [.right, .left]).render()
        #expect(left.split(separator: "\n").map(String.init) == ["  x  y", "---  -", "  1  2", "333  4"])
        #expect(Table(headers: [], rows: []).render() == "")
        #expect(Table(headers: ["a"], rows: [["1", "extra"], []]).render().contains("extra"))
    }
}
