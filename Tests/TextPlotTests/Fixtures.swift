import Foundation
@testable import TextPlot

/// Deterministic plots shared by golden and property tests (closed-form data, no randomness).
enum Fixtures {
    static let steps = (0...200).map(Double.init)

    /// Three loss curves on log-y plus a dashed bound: e^{-0.05n} must come out as a straight line.
    static var logYPlot: LinePlot {
        var plot = LinePlot(title: "Loss vs. step", xLabel: "step n", yLabel: "loss", yScale: .log10)
        plot.add(Series(name: "e^{-0.05n}", x: steps, y: steps.map { exp(-0.05 * $0) }))
        plot.add(Series(name: "0.01 + e^{-0.03n}", x: steps, y: steps.map { 0.01 + exp(-0.03 * $0) }))
        plot.add(Series(name: "0.5/(1+n)", x: steps, y: steps.map { 0.5 / (1 + $0) }))
        plot.add(Series(name: "bound 1/sqrt(1+n)", x: steps, y: steps.map { 1 / sqrt(1 + $0) }, dashed: true))
        return plot
    }

    static let sampleSizes: [Double] = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]

    /// Error against sample size on log-log: two methods as points, their fitted rates dashed.
    static var logLogPlot: LinePlot {
        var plot = LinePlot(title: "Excess risk vs. n", xLabel: "n", yLabel: "excess risk", xScale: .log10, yScale: .log10)
        let wobble: [Double] = [1.1, 0.9, 1.05, 0.95, 1.08, 0.93, 1.02, 0.97, 1.04, 0.99]
        plot.add(Series(name: "greedy", x: sampleSizes, y: zip(sampleSizes, wobble).map { 2 / sqrt($0) * $1 }, kind: .scatter))
        plot.add(Series(name: "random", x: sampleSizes, y: zip(sampleSizes, wobble).map { 5 / $0 * $1 }, kind: .scatter))
        plot.add(Series(name: "rate n^-1/2", x: sampleSizes, y: sampleSizes.map { 2 / sqrt($0) }, dashed: true))
        plot.add(Series(name: "rate n^-1", x: sampleSizes, y: sampleSizes.map { 5 / $0 }, dashed: true))
        return plot
    }

    /// Linear axes, two solid curves.
    static var linearPlot: LinePlot {
        var plot = LinePlot(title: "Test accuracy", xLabel: "epoch", yLabel: "accuracy")
        let epochs = (0...50).map(Double.init)
        plot.add(Series(name: "dense", x: epochs, y: epochs.map { 0.97 - 0.6 * exp(-$0 / 6) }))
        plot.add(Series(name: "90% pruned", x: epochs, y: epochs.map { 0.95 - 0.55 * exp(-$0 / 9) }))
        return plot
    }

    static var nonFinitePlot: LinePlot {
        var plot = LinePlot(title: "Diverging run", xLabel: "step", yLabel: "loss")
        let x = (0..<40).map(Double.init)
        var y = x.map { 2 - 0.04 * $0 }
        y[10] = .nan
        y[25] = .infinity
        y[26] = -.infinity
        plot.add(Series(name: "loss", x: x, y: y))
        return plot
    }

    static var constantPlot: LinePlot {
        LinePlot(title: "Constant", series: [Series(name: "y = 0.5", x: [0, 1, 2, 3, 4], y: [0.5, 0.5, 0.5, 0.5, 0.5])])
    }

    static var singlePointPlot: LinePlot {
        LinePlot(title: "One point", series: [Series(name: "only", x: [3], y: [0.25])])
    }

    static var emptySeriesPlot: LinePlot {
        LinePlot(title: "Nothing yet", xLabel: "x", yLabel: "y", series: [Series(name: "pending", x: [], y: [])])
    }

    static var barChart: BarChart {
        BarChart(title: "Density per layer",
                 labels: ["conv1", "conv2", "conv3", "features.denseblock4.conv2", "fc1", "fc2"],
                 values: [1.0, 0.42, 0.31, 0.118, 0.05, 0.2])
    }

    /// Roughly bell-shaped weights from a fixed linear congruential sequence, plus a NaN.
    static var weights: [Double] {
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(UInt64(1) << 53)
        }
        var values = (0..<3000).map { _ in (uniform() + uniform() + uniform() + uniform() - 2) * 0.15 }
        values.append(.nan)
        return values
    }

    /// A 96 × 160 mask: a banded diagonal, a dense block and a pruned-away region.
    static var mask: (rows: Int, cols: Int, bits: [Bool]) {
        let rows = 96, cols = 160
        var bits = [Bool](repeating: false, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                let band = abs(c - r * cols / rows) < 6
                let block = r >= 60 && r < 80 && c >= 10 && c < 50
                let stripes = c >= 120 && (r + c) % 9 == 0
                bits[r * cols + c] = band || block || stripes
            }
        }
        return (rows, cols, bits)
    }

    static var table: Table {
        Table(headers: ["method", "n", "error", "rate"],
              rows: [["greedy", "100", NumberFormat.compact(0.0581), "-0.51"],
                     ["random", "10000", NumberFormat.compact(0.00123), "-0.98"],
                     ["oracle", "400", NumberFormat.compact(3.2e-8), "n/a"]])
    }
}
