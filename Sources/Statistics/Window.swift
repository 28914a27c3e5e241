import Foundation

/// Choosing the stretch of a curve to fit: after burn-in, before a numerical floor.
public enum Window {
    /// Index of the first value strictly below `floor`, or nil.
    public static func firstIndex(of values: [Double], below floor: Double) -> Int? {
        values.firstIndex { $0 < floor }
    }

    /// Indices i with lo ≤ x[i] ≤ hi.
    public static func indices(of x: [Double], from lo: Double, through hi: Double) -> [Int] {
        x.indices.filter { x[$0] >= lo && x[$0] <= hi }
    }

    /// The (x, y) pairs whose x lies in [lo, hi] and whose y is finite and positive (fit-ready for logs).
    public static func positivePoints(x: [Double], y: [Double], from lo: Double, through hi: Double) -> (x: [Double], y: [Double]) {
        var xs = [Double](), ys = [Double]()
        for i in 0..<min(x.count, y.count) where x[i] >= lo && x[i] <= hi && y[i] > 0 && y[i].isFinite {
            xs.append(x[i]); ys.append(y[i])
        }
        return (xs, ys)
    }

    /// Number of decades spanned by [lo, hi].
    public static func decades(from lo: Double, to hi: Double) -> Double { log10(hi / lo) }

    /// The window shifted by `decades` on a log axis (e.g. ±0.25 for the robustness check).
    public static func shifted(from lo: Double, to hi: Double, byDecades d: Double) -> (Double, Double) {
        (lo * pow(10, d), hi * pow(10, d))
    }

    /// Linear interpolation of a monotone-in-x curve at the points `at` (log-log when `logLog`).
    public static func interpolate(x: [Double], y: [Double], at points: [Double], logLog: Bool = true) -> [Double] {
        guard x.count == y.count, x.count >= 2 else { return points.map { _ in .nan } }
        let tx = logLog ? x.map { log10($0) } : x
        let ty = logLog ? y.map { log10($0) } : y
        var out = [Double]()
        out.reserveCapacity(points.count)
        var k = 0
        for p in points {
            let tp = logLog ? log10(p) : p
            while k + 1 < tx.count - 1 && tx[k + 1] < tp { k += 1 }
            let x0 = tx[k], x1 = tx[k + 1]
            let w = x1 > x0 ? (tp - x0) / (x1 - x0) : 0
            let v = ty[k] + w * (ty[k + 1] - ty[k])
            out.append(logLog ? pow(10, v) : v)
        }
        return out
    }
}

/// `count` points evenly spaced in log10 between `from` and `to`, inclusive.
public func logGrid(from a: Double, to b: Double, count: Int) -> [Double] {
    guard count > 1, a > 0, b > 0 else { return count == 1 ? [a] : [] }
    let la = log10(a), lb = log10(b)
    var grid = (0..<count).map { pow(10, la + (lb - la) * Double($0) / Double(count - 1)) }
    // pow(10, log10(b)) can land an ulp past b, which puts the last point outside a curve that ends at b.
    grid[0] = a
    grid[count - 1] = b
    return grid
}
