import Foundation
import Statistics

/// The verdict figures of the exponential-decay claim, computed from per-seed loss curves of one method.
///
/// The rule (fixed in advance, see proofs/greedy-decay.md): pool the seeds into the geometric-mean curve (mean of
/// log L over seeds), fit on n ∈ [start, n_end] with n_end the first n whose median L is below `floor` (capped at
/// the run length), and call the decay exponential when the semilog R² beats the log-log R² and is ≥ `minR2`.
public struct PooledDecayTest: Sendable {
    /// First step of the window.
    public let start: Int
    /// Last step of the window.
    public let end: Int
    /// exp(mean over seeds of ln L_n), n = 1…steps.
    public let pooled: [Double]
    /// Median over seeds of L_n.
    public let median: [Double]
    /// Semilog fit of the pooled curve on the window.
    public let exponential: ExponentialFit
    /// Log-log fit of the pooled curve on the window.
    public let powerLaw: PowerLawFit
    /// The R² threshold.
    public let minR2: Double

    /// Whether the pooled decay is judged exponential.
    public var passes: Bool { exponential.rSquared > powerLaw.rSquared && exponential.rSquared >= minR2 }

    /// Decades of n the window spans.
    public var windowDecades: Double { log10(Double(end) / Double(start)) }

    /// Fits both models on the pooled curve of `curves` (one loss path per seed, equal lengths).
    public init(curves: [[Double]], start: Int = 10, floor: Double = 1e-24, minR2: Double = 0.97) throws(GreedyError) {
        guard let steps = curves.map(\.count).min(), steps > start, !curves.isEmpty else {
            throw .invalidArgument("the pooled decay test needs curves longer than \(start) steps")
        }
        self.start = start
        self.minR2 = minR2
        pooled = Descriptive.geometricMeanCurve(curves)
        median = Descriptive.pointwiseMedian(curves)
        end = Self.windowEnd(median, floor: floor)
        let (x, y) = Self.window(pooled, start: start, end: max(end, start + 1))
        guard x.count >= 3 else {
            throw .invalidArgument("nothing to fit: the pooled loss is 0 or below \(floor) from n ≈ \(end) on (an instance solved exactly, e.g. N = 1 or M = 1)")
        }
        do {
            exponential = try ExponentialFit(n: x, values: y)
            powerLaw = try PowerLawFit(x: x, values: y)
        } catch {
            throw .numerical("pooled decay fit: \(error.description)")
        }
    }

    /// The first n (1-based) with curve value below `floor`, else the curve's length.
    public static func windowEnd(_ curve: [Double], floor: Double) -> Int {
        (curve.firstIndex { $0 < floor }.map { $0 + 1 }) ?? curve.count
    }

    /// (n, L_n) for n in start…end, positive values only.
    static func window(_ curve: [Double], start: Int, end: Int) -> ([Double], [Double]) {
        var x = [Double](), y = [Double]()
        let last = min(end, curve.count)
        guard start >= 1, start <= last else { return (x, y) }
        for n in start...last where curve[n - 1] > 0 && curve[n - 1].isFinite {
            x.append(Double(n)); y.append(curve[n - 1])
        }
        return (x, y)
    }

    /// The decay constant c of one seed's curve, fitted on [start, its own n_end].
    public static func rate(_ curve: [Double], start: Int = 10, floor: Double = 1e-24) -> Double {
        let end = windowEnd(curve, floor: floor)
        let (x, y) = window(curve, start: start, end: max(end, start + 1))
        return (try? ExponentialFit(n: x, values: y).rate) ?? .nan
    }

    /// The log-log slope of one curve on n ∈ [start, end].
    public static func slope(_ curve: [Double], start: Int, end: Int) -> Double {
        let (x, y) = window(curve, start: start, end: end)
        return (try? PowerLawFit(x: x, values: y).slope) ?? .nan
    }
}
