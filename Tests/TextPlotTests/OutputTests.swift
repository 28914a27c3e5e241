import Foundation
import Testing
@testable import TextPlot

/// Output-wide rules: 80 columns at default size, escapes only when colour is on, determinism.
@Suite struct OutputTests {
    static var renders: [String] {
        var wide = LinePlot(title: String(repeating: "A very long title ", count: 8),
                            xLabel: String(repeating: "x", count: 100), yLabel: String(repeating: "y", count: 100))
        wide.add(Series(name: String(repeating: "long series name ", count: 10), x: [0, 1e6], y: [-1.5e-10, -2.5e-10]))
        wide.add(Series(name: "second", x: [0, 1e6], y: [-2e-10, -1e-10], dashed: true))
        let m = Fixtures.mask
        let charts: [(PlotStyle) -> String] = [
            Fixtures.logYPlot.render, Fixtures.logLogPlot.render, Fixtures.linearPlot.render,
            Fixtures.nonFinitePlot.render, Fixtures.constantPlot.render, Fixtures.singlePointPlot.render,
            Fixtures.emptySeriesPlot.render, wide.render, Fixtures.barChart.render,
            BarChart(labels: [String(repeating: "label", count: 20)], values: [-3.25e-12]).render,
            Histogram(values: Fixtures.weights).render,
            Histogram(values: [-1.234e-7, 9.87e-8, 1e-9]).render,
            SpyPlot(rows: m.rows, cols: m.cols, isNonZero: m.bits).render,
            SpyPlot(rows: 5000, cols: 3, isNonZero: [Bool](repeating: true, count: 15000)).render,
        ]
        return charts.flatMap { render in [render(PlotStyle()), render(PlotStyle(ascii: true))] }
    }

    @Test func everyLineFitsIn80Columns() {
        for text in Self.renders {
            for line in text.split(separator: "\n") {
                #expect(line.count <= 80, "\(line.count) columns: \(line)")
            }
        }
    }

    @Test func noEscapeCharacterWithoutColour() {
        var hostile = Fixtures.logYPlot
        hostile.title = "red \u{1B}[31m title"
        hostile.add(Series(name: "\u{1B}[2J clear", x: [1], y: [1]))
        for text in Self.renders + [hostile.render(), Table(headers: ["\u{1B}x"], rows: [["\u{1B}"]]).render()] {
            #expect(!text.contains("\u{1B}"))
        }
    }

    @Test func colourAddsOnlyEscapes() {
        let colored = PlotStyle(color: true)
        let pairs: [(String, String)] = [
            (Fixtures.logYPlot.render(colored), Fixtures.logYPlot.render()),
            (Fixtures.barChart.render(colored), Fixtures.barChart.render()),
            (Histogram(values: Fixtures.weights).render(colored), Histogram(values: Fixtures.weights).render()),
        ]
        for (withColour, without) in pairs {
            #expect(withColour.contains("\u{1B}["))
            #expect(withColour.strippingANSI == without)
        }
    }

    @Test func renderingIsDeterministic() {
        #expect(Self.renders == Self.renders)
    }

    @Test func terminalStyleHasNoColourForASCII() {
        let style = PlotStyle.forTerminal(ascii: true, width: 40, height: 10)
        #expect(style.color == false)
        #expect(style.width == 40 && style.height == 10 && style.ascii)
    }
}
