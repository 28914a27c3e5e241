import Foundation
import Testing
@testable import TextPlot

/// Properties of line plots that must hold whatever the golden files say.
@Suite struct LinePlotTests {
    @Test func logTicksSitAtPowersOfTenWhereThePointsAre() throws {
        let xs: [Double] = [1, 10, 100, 1000, 10000]
        let ys: [Double] = [1, 0.1, 0.01, 0.001, 0.0001]
        let plot = LinePlot(xScale: .log10, yScale: .log10, series: [Series(name: "p", x: xs, y: ys, kind: .scatter)])
        let canvas = try #require(RenderedCanvas(plot.render(), rows: 15, columns: 60))
        let labelled = canvas.rowLabels.enumerated().filter { !$0.element.isEmpty }
        #expect(labelled.count == 5)
        for (_, label) in labelled {
            let value = try #require(Double(label))
            let exponent = log10(value)
            #expect(abs(exponent - exponent.rounded()) < 1e-9, "tick \(label) is not a power of ten")
        }
        #expect(canvas.tickColumns.count == 5)
        // The i-th point is 10^i across and 10^-i down, so it must sit on the i-th tick of each axis.
        for i in 0..<5 {
            let row = try #require(canvas.rowLabels.firstIndex(of: NumberFormat.scientific(ys[i], significant: 1)))
            let column = canvas.tickColumns[i]
            #expect(canvas.cells[row][column] == "●", "point \(i) not at row \(row), column \(column)")
        }
    }

    @Test func logAxisTicksAreWholeDecades() {
        let axis = PlotAxis.make(scale: .log10, data: -7.5 ... -0.05, limits: nil, cells: 15, dotsPerCell: 4, orientation: .vertical)
        #expect(axis.ticks.count >= 3)
        for t in axis.ticks { #expect(t == t.rounded()) }
        #expect(axis.lower <= -7.5 && axis.upper >= -0.05)
    }

    @Test func knownPointLandsInExpectedCell() throws {
        for ascii in [false, true] {
            var plot = LinePlot(series: [Series(name: "p", x: [0, 10, 5], y: [10, 0, 5], kind: .scatter)])
            plot.xLimits = 0...10
            plot.yLimits = 0...10
            let style = PlotStyle(width: 10, height: 5, ascii: ascii)
            let canvas = try #require(RenderedCanvas(plot.render(style), rows: 5, columns: 10, ascii: ascii))
            let marker: Character = ascii ? "*" : "●"
            #expect(canvas.cells[0][0] == marker)
            #expect(canvas.cells[4][9] == marker)
            // Braille: dot (10, 10) of 20×20 is cell (5, 2); ASCII: 4.5 rounds away from zero to column 5.
            #expect(canvas.cells[2][5] == marker)
            #expect(canvas.cells.joined().filter { $0 == marker }.count == 3)
        }
    }

    @Test func exponentialDecayIsStraightOnLogY() throws {
        let n = (0...120).map(Double.init)
        let plot = LinePlot(yScale: .log10, series: [Series(name: "decay", x: n, y: n.map { exp(-0.05 * $0) })])
        let canvas = try #require(RenderedCanvas(plot.render(), rows: 15, columns: 60))
        let dots = canvas.dots
        #expect(dots.count > 100)
        // Least-squares line through the dots; every dot must stay within about a dot of it.
        let count = Double(dots.count)
        let xs: [Double] = dots.map { Double($0.x) }, ys: [Double] = dots.map { Double($0.y) }
        let mx: Double = xs.reduce(0, +) / count
        let my: Double = ys.reduce(0, +) / count
        let sxy: Double = zip(xs, ys).map { (x: Double, y: Double) -> Double in (x - mx) * (y - my) }.reduce(0, +)
        let sxx: Double = xs.map { (x: Double) -> Double in (x - mx) * (x - mx) }.reduce(0, +)
        let slope = sxy / sxx
        let worst: Double = zip(xs, ys).map { (x: Double, y: Double) -> Double in abs(y - (my + slope * (x - mx))) }.max() ?? .infinity
        #expect(worst <= 1.5, "largest deviation from a straight line: \(worst) dots")
    }

    @Test func bresenhamLineHasNoGaps() throws {
        var plot = LinePlot(series: [Series(name: "", x: [0, 10], y: [0, 10])])
        plot.xLimits = 0...10
        plot.yLimits = 0...10
        let canvas = try #require(RenderedCanvas(plot.render(PlotStyle(width: 10, height: 5)), rows: 5, columns: 10))
        let columns = Set(canvas.dots.map(\.x))
        let rows = Set(canvas.dots.map(\.y))
        #expect(columns == Set(0..<20))
        #expect(rows == Set(0..<20))
    }

    @Test func dashedLineHasGapsAndSolidDoesNot() throws {
        for dashed in [false, true] {
            for ascii in [false, true] {
                var plot = LinePlot(series: [Series(name: "", x: [0, 10], y: [1, 1], dashed: dashed)])
                plot.yLimits = 0...2
                let canvas = try #require(RenderedCanvas(plot.render(PlotStyle(ascii: ascii)), rows: 15, columns: 60, ascii: ascii))
                let row = try #require(canvas.cells.first { $0.contains { $0 != " " } })
                let drawn = row.indices.filter { row[$0] != " " }
                let first = try #require(drawn.first), last = try #require(drawn.last)
                let gaps = (first...last).filter { row[$0] == " " }.count
                #expect(dashed ? gaps > 10 : gaps == 0, "dashed=\(dashed) ascii=\(ascii) gaps=\(gaps)")
            }
        }
    }

    @Test func legendListsEverySeriesName() {
        for plot in [Fixtures.logYPlot, Fixtures.logLogPlot, Fixtures.linearPlot] {
            for style in [PlotStyle(), PlotStyle(ascii: true), PlotStyle(width: 20, height: 5)] {
                let text = plot.render(style)
                for s in plot.series { #expect(text.contains(s.name), "legend lacks \(s.name)") }
            }
        }
    }

    @Test func asciiLegendShowsTheMarkerUsed() {
        let text = Fixtures.logLogPlot.render(PlotStyle(ascii: true))
        #expect(text.contains("*  greedy"))
        #expect(text.contains("+  random"))
        #expect(text.contains(": : rate n^-1/2"))
    }

    @Test func notesReportSkippedPoints() {
        #expect(Fixtures.nonFinitePlot.render().contains("(3 non-finite points skipped)"))
        let logPlot = LinePlot(yScale: .log10, series: [Series(name: "s", x: [1, 2, 3, 4], y: [1, 0, -2, 0.5])])
        #expect(logPlot.render().contains("(2 non-positive points skipped on log axis)"))
        let mismatched = LinePlot(series: [Series(name: "m", x: [1, 2, 3], y: [1, 2])])
        #expect(mismatched.render().contains("3 x values but 2 y values"))
    }

    @Test func emptyAndDegenerateInputsRenderAFrame() {
        let plots: [LinePlot] = [
            LinePlot(),
            Fixtures.emptySeriesPlot,
            LinePlot(series: [Series(name: "nan", x: [.nan, .infinity], y: [1, 2])]),
            LinePlot(yScale: .log10, series: [Series(name: "neg", x: [1, 2], y: [-1, 0])]),
        ]
        for plot in plots {
            let text = plot.render()
            #expect(text.contains("(no data)"))
            #expect(text.contains("┌") && text.contains("┘"))
        }
        #expect(Fixtures.singlePointPlot.render().contains("●"))
        #expect(Fixtures.constantPlot.render(PlotStyle(ascii: true)).contains("*****"))
    }

    @Test func extremeValuesAndSizesDoNotCrash() {
        let big = Double.greatestFiniteMagnitude
        let cases: [LinePlot] = [
            LinePlot(series: [Series(name: "huge", x: [-big, big], y: [big, -big])]),
            LinePlot(series: [Series(name: "tiny", x: [0, 0x1p-1063], y: [Double.leastNonzeroMagnitude, 0x1p-1063])]),
            LinePlot(xScale: .log10, yScale: .log10, series: [Series(name: "sub", x: [Double.leastNonzeroMagnitude, big], y: [big, Double.leastNonzeroMagnitude])]),
            LinePlot(series: [Series(name: "flat", x: [1, 1, 1], y: [2, 2, 2])]),
        ]
        var limited = LinePlot(series: [Series(name: "out", x: [-1e300, 0, 1e300], y: [1e300, 0, -1e300])])
        limited.xLimits = -1...1
        limited.yLimits = 5...5
        var badLog = LinePlot(xScale: .log10, series: [Series(name: "l", x: [1, 10], y: [1, 2])])
        badLog.xLimits = 0...100
        badLog.yLimits = -Double.infinity...Double.infinity
        for plot in cases + [limited, badLog] {
            for style in [PlotStyle(), PlotStyle(width: 0, height: 0), PlotStyle(width: -5, height: 1, ascii: true)] {
                #expect(!plot.render(style).isEmpty)
            }
        }
    }
}
