import Foundation

/// One axis with its limits and ticks settled, mapping plot coordinates (log10 already applied) to dots.
struct PlotAxis {
    /// Which way the axis runs; vertical dot rows count downwards from the top.
    enum Orientation { case horizontal, vertical }

    let scale: AxisScale
    let orientation: Orientation
    /// Dots along the axis (cells × dots per cell).
    let dots: Int
    let dotsPerCell: Int
    /// Limits in plot coordinates.
    private(set) var lower: Double
    private(set) var upper: Double
    /// Tick positions in plot coordinates, with their labels.
    private(set) var ticks: [Double] = []
    private(set) var labels: [String] = []

    private init(scale: AxisScale, orientation: Orientation, cells: Int, dotsPerCell: Int, lower: Double, upper: Double) {
        self.scale = scale
        self.orientation = orientation
        self.dotsPerCell = max(1, dotsPerCell)
        self.dots = max(1, cells) * self.dotsPerCell
        self.lower = lower
        self.upper = upper
    }

    /// Axis for data spanning `data` (plot coordinates, nil when there is none); explicit `limits` are in data units.
    static func make(scale: AxisScale, data: ClosedRange<Double>?, limits: ClosedRange<Double>?,
                     cells: Int, dotsPerCell: Int, orientation: Orientation) -> PlotAxis {
        if let limits, let lo = scale.transformed(limits.lowerBound), let hi = scale.transformed(limits.upperBound) {
            if hi > lo {
                var axis = PlotAxis(scale: scale, orientation: orientation, cells: cells, dotsPerCell: dotsPerCell, lower: lo, upper: hi)
                axis.placeTicks(extend: false)
                return axis
            }
            return automatic(scale: scale, lo: lo, hi: hi, cells: cells, dotsPerCell: dotsPerCell, orientation: orientation)
        }
        guard let data else {
            // Nothing to show: an arbitrary unit range and no ticks, so no numbers pretend to mean something.
            let hi = 1.0
            return PlotAxis(scale: scale, orientation: orientation, cells: cells, dotsPerCell: dotsPerCell, lower: 0, upper: hi)
        }
        return automatic(scale: scale, lo: data.lowerBound, hi: data.upperBound, cells: cells, dotsPerCell: dotsPerCell, orientation: orientation)
    }

    private static func automatic(scale: AxisScale, lo: Double, hi: Double, cells: Int, dotsPerCell: Int,
                                  orientation: Orientation) -> PlotAxis {
        var lower = lo, upper = hi
        if !(upper > lower) {
            // A constant range gets room around it so the line sits mid-plot instead of vanishing.
            let delta: Double
            switch scale {
            case .linear: delta = lower == 0 ? 1 : abs(lower) * 0.1
            case .log10: delta = 0.5
            }
            lower = max(lower - delta, -Double.greatestFiniteMagnitude)
            upper = min(upper + delta, Double.greatestFiniteMagnitude)
        }
        var axis = PlotAxis(scale: scale, orientation: orientation, cells: cells, dotsPerCell: dotsPerCell, lower: lower, upper: upper)
        axis.placeTicks(extend: true)
        return axis
    }

    /// Position along the axis as a fraction of its length, finite even for extreme inputs.
    func fraction(_ t: Double) -> Double {
        let span = upper - lower
        // Halving keeps spans near ±Double.max finite.
        let f = span.isFinite ? (t - lower) / span : (t / 2 - lower / 2) / (upper / 2 - lower / 2)
        guard !f.isNaN else { return -1e6 }
        return min(max(f, -1e6), 1e6)
    }

    /// Continuous dot coordinate of `t`; 0 is the left or top edge.
    func dotPosition(_ t: Double) -> Double {
        let f = fraction(t)
        let last = Double(dots - 1)
        return orientation == .horizontal ? f * last : (1 - f) * last
    }

    /// The dot `t` is drawn on, clamped to the axis.
    func dot(_ t: Double) -> Int {
        TextLayout.clampedInt(dotPosition(t).rounded(), 0, dots - 1)
    }

    /// The character cell `t` falls in.
    func cell(_ t: Double) -> Int { dot(t) / dotsPerCell }

    private var cells: Int { dots / dotsPerCell }

    // MARK: ticks

    private mutating func placeTicks(extend: Bool) {
        let found: (Double, Double, [Double], [String])?
        switch scale {
        case .linear: found = linearTicks(extend: extend)
        case .log10: found = logTicks(extend: extend)
        }
        if let (lo, hi, t, l) = found {
            lower = lo
            upper = hi
            ticks = t
            labels = l
            return
        }
        let ends = [lower, upper]
        let endLabels = tickLabels(ends, resolution: (upper - lower) / 100)
        if fits(ends, endLabels, lower, upper) {
            ticks = ends
            labels = endLabels
        }
    }

    private func tickLabels(_ positions: [Double], resolution: Double) -> [String] {
        switch scale {
        case .linear:
            let tol = abs(resolution) * 1e-3
            return TickLabels.format(positions) { _ in tol }
        case .log10:
            return TickLabels.format(positions.map { scale.value($0) }) { abs($0) * 1e-3 }
        }
    }

    private func linearTicks(extend: Bool) -> (Double, Double, [Double], [String])? {
        let span = upper - lower
        guard span.isFinite, span > 0 else { return nil }
        let target = Double(orientation == .vertical ? max(2, cells / 3) : max(2, cells / 10))
        var step = TickLabels.niceStep(atLeast: span / target)
        for _ in 0..<40 {
            guard let s = step, s.isFinite, s > 0 else { return nil }
            var lo = lower, hi = upper
            if extend {
                let l = TickLabels.floorMultiple(lower, s) * s
                let h = TickLabels.ceilMultiple(upper, s) * s
                if l.isFinite, h.isFinite, h > l { lo = l; hi = h }
            }
            let first = TickLabels.ceilMultiple(lo, s)
            let last = TickLabels.floorMultiple(hi, s)
            let count = last - first + 1
            if count >= 1, count <= 200 {
                let positions = (0..<Int(count)).map { (first + Double($0)) * s }
                let text = tickLabels(positions, resolution: s)
                if fits(positions, text, lo, hi) { return (lo, hi, positions, text) }
            }
            step = TickLabels.nextStep(after: s)
        }
        return nil
    }

    private func logTicks(extend: Bool) -> (Double, Double, [Double], [String])? {
        var lo = lower, hi = upper
        if extend {
            // Rounding out to 1, 2 or 5 × 10^k, not whole decades, keeps up to 80% of the height for data.
            lo = Self.niceLogFloor(lower)
            hi = Self.niceLogCeil(upper)
        }
        let span = hi - lo
        guard span.isFinite, span > 0 else { return nil }
        // Within a couple of decades, 2× and 5× ticks make the scale readable.
        if span <= 2.0001 {
            var dense: [Double] = []
            for d in Int(floor(lo))...Int(ceil(hi)) {
                for m in [1.0, 2, 5] {
                    let t = Double(d) + log10(m)
                    if t >= lo - 1e-9, t <= hi + 1e-9 { dense.append(t) }
                }
            }
            let text = tickLabels(dense, resolution: 0)
            if dense.count >= 2, fits(dense, text, lo, hi) { return (lo, hi, dense, text) }
        }
        for k in [1.0, 2, 3, 5, 10, 20, 25, 50, 100, 200] {
            let first = TickLabels.ceilMultiple(lo, k)
            let last = TickLabels.floorMultiple(hi, k)
            guard last >= first, last - first <= 400 else { continue }
            let decades = (0...Int(last - first)).map { (first + Double($0)) * k }
            let text = tickLabels(decades, resolution: 0)
            if fits(decades, text, lo, hi) { return (lo, hi, decades, text) }
        }
        return nil
    }

    /// Largest 1, 2 or 5 × 10^k at or below 10^t, in log10 units.
    private static func niceLogFloor(_ t: Double) -> Double {
        let d = floor(t)
        guard d.isFinite else { return t }
        for m in [5.0, 2, 1] where d + log10(m) <= t + 1e-9 { return d + log10(m) }
        return d
    }

    /// Smallest 1, 2, 5 or 10 × 10^k at or above 10^t, in log10 units.
    private static func niceLogCeil(_ t: Double) -> Double {
        let d = floor(t)
        guard d.isFinite else { return t }
        for m in [1.0, 2, 5, 10] where d + log10(m) >= t - 1e-9 { return d + log10(m) }
        return d + 1
    }

    /// Whether labels at these positions stay legible: separated rows, or non-overlapping text.
    private func fits(_ positions: [Double], _ text: [String], _ lo: Double, _ hi: Double) -> Bool {
        var probe = self
        probe.lower = lo
        probe.upper = hi
        switch orientation {
        case .vertical:
            let gap = cells >= 8 ? 2 : 1
            var previous: Int?
            for t in positions {
                let row = probe.cell(t)
                if let previous, abs(row - previous) < gap { return false }
                previous = row
            }
            return true
        case .horizontal:
            var previousEnd = Int.min / 2
            for (t, label) in zip(positions, text) {
                let start = probe.cell(t) - (label.count - 1) / 2
                if start < previousEnd + 2 { return false }
                previousEnd = start + label.count - 1
            }
            return positions.count <= max(2, cells / 4)
        }
    }
}
