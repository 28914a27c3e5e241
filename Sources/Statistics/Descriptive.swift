import CGSL
import GSLSupport

/// Summary statistics of a sample (GSL's numerically careful implementations).
public enum Descriptive {
    /// Arithmetic mean (NaN for an empty sample).
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : gsl_stats_mean(x, 1, x.count)
    }

    /// Unbiased sample variance (NaN for fewer than two values).
    public static func variance(_ x: [Double]) -> Double {
        x.count < 2 ? .nan : gsl_stats_variance(x, 1, x.count)
    }

    /// Sample standard deviation.
    public static func standardDeviation(_ x: [Double]) -> Double { variance(x).squareRoot() }

    /// Standard error of the mean, sd/√n.
    public static func standardError(_ x: [Double]) -> Double {
        standardDeviation(x) / Double(x.count).squareRoot()
    }

    /// The q-quantile (0 ≤ q ≤ 1) by linear interpolation of the sorted sample.
    public static func quantile(_ x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return .nan }
        var s = x
        s.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        return gsl_stats_quantile_from_sorted_data(s, 1, s.count, min(1, max(0, q)))
    }

    /// The median.
    public static func median(_ x: [Double]) -> Double { quantile(x, 0.5) }

    /// Pearson correlation (NaN when either sample is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count >= 2 else { return .nan }
        return gsl_stats_correlation(x, 1, y, 1, x.count)
    }

    /// Spearman rank correlation (average ranks for ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count >= 2 else { return .nan }
        return pearson(ranks(x), ranks(y))
    }

    /// 1-based ranks with ties given their average rank.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    /// Element-wise mean of several equally long curves (e.g. per-seed trajectories).
    public static func pointwiseMean(_ curves: [[Double]]) -> [Double] {
        guard let n = curves.map(\.count).min(), !curves.isEmpty else { return [] }
        return (0..<n).map { i in curves.reduce(0) { $0 + $1[i] } / Double(curves.count) }
    }

    /// Element-wise median of several curves.
    public static func pointwiseMedian(_ curves: [[Double]]) -> [Double] {
        guard let n = curves.map(\.count).min(), !curves.isEmpty else { return [] }
        return (0..<n).map { i in median(curves.map { $0[i] }) }
    }

    /// Geometric-mean curve: exp of the mean of log values (the seed-pooled curve).
    public static func geometricMeanCurve(_ curves: [[Double]]) -> [Double] {
        pointwiseMean(curves.map { $0.map { v in log(v > 0 ? v : .leastNonzeroMagnitude) } }).map { exp($0) }
    }
}

import Foundation
