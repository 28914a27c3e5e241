import Testing
@testable import TextPlot

/// Whole renders compared with files in Golden/ (regenerate with UPDATE_GOLDEN=1).
@Suite struct GoldenTests {
    let ascii = PlotStyle(ascii: true)

    @Test func linearLinePlot() {
        GoldenFile.check(Fixtures.linearPlot.render(), named: "line_braille")
        GoldenFile.check(Fixtures.linearPlot.render(ascii), named: "line_ascii")
    }

    @Test func logYWithDashedBound() {
        GoldenFile.check(Fixtures.logYPlot.render(), named: "logy_braille")
        GoldenFile.check(Fixtures.logYPlot.render(ascii), named: "logy_ascii")
    }

    @Test func logLogSeveralSeries() {
        GoldenFile.check(Fixtures.logLogPlot.render(), named: "loglog_braille")
        GoldenFile.check(Fixtures.logLogPlot.render(ascii), named: "loglog_ascii")
    }

    @Test func emptyPlots() {
        GoldenFile.check(LinePlot(title: "No series").render(), named: "empty_no_series")
        GoldenFile.check(Fixtures.emptySeriesPlot.render(ascii), named: "empty_series_ascii")
    }

    @Test func singlePoint() {
        GoldenFile.check(Fixtures.singlePointPlot.render(), named: "single_point")
    }

    @Test func nonFiniteValues() {
        GoldenFile.check(Fixtures.nonFinitePlot.render(), named: "nonfinite")
    }

    @Test func constantSeries() {
        GoldenFile.check(Fixtures.constantPlot.render(ascii), named: "constant_ascii")
    }

    @Test func barChart() {
        GoldenFile.check(Fixtures.barChart.render(), named: "bar")
        GoldenFile.check(Fixtures.barChart.render(ascii), named: "bar_ascii")
    }

    @Test func histogram() {
        GoldenFile.check(Histogram(title: "Weights", values: Fixtures.weights).render(), named: "histogram")
        GoldenFile.check(Histogram(title: "Weights", values: Fixtures.weights, bins: 8).render(ascii), named: "histogram_ascii")
    }

    @Test func spyPlot() {
        let m = Fixtures.mask
        let spy = SpyPlot(title: "Layer 2 mask", rows: m.rows, cols: m.cols, isNonZero: m.bits)
        GoldenFile.check(spy.render(), named: "spy")
        GoldenFile.check(spy.render(ascii), named: "spy_ascii")
    }

    @Test func table() {
        GoldenFile.check(Fixtures.table.render(), named: "table")
    }
}
