import Foundation

/// Nice tick steps and tick-label text.
enum TickLabels {
    /// Smallest step of the form m·10^k (m from `mantissas`) that is at least `raw`.
    static func niceStep(atLeast raw: Double, mantissas: [Double] = [1, 2, 5]) -> Double? {
        guard raw.isFinite, raw > 0 else { return nil }
        var power = pow(10, floor(log10(raw)))
        guard power.isFinite, power > 0 else { return nil }
        for _ in 0..<3 {
            for m in mantissas where m * power >= raw * (1 - 1e-9) {
                return m * power
            }
            power *= 10
        }
        return nil
    }

    /// The next nice step above `step`.
    static func nextStep(after step: Double, mantissas: [Double] = [1, 2, 5]) -> Double? {
        niceStep(atLeast: step * (1 + 1e-6), mantissas: mantissas)
    }

    /// floor(x / step) that ignores representation noise (0.3 / 0.1 is 2.9999999999999996).
    static func floorMultiple(_ x: Double, _ step: Double) -> Double {
        let q = x / step
        let r = q.rounded()
        return abs(q - r) < 1e-9 * max(1, abs(q)) ? r : floor(q)
    }

    /// ceil(x / step) that ignores representation noise.
    static func ceilMultiple(_ x: Double, _ step: Double) -> Double {
        let q = x / step
        let r = q.rounded()
        return abs(q - r) < 1e-9 * max(1, abs(q)) ? r : ceil(q)
    }

    /// Labels with the fewest digits that still read back within `tolerance` of each value.
    /// One notation per axis: if any value needs e-notation, all non-zero values use it.
    static func format(_ values: [Double], tolerance: (Double) -> Double) -> [String] {
        let scientific = values.contains { v in
            v != 0 && !NumberFormat.isPlainExponent(NumberFormat.decimalExponent(v, significant: 6))
        }
        var labels: [String] = values.map { NumberFormat.compact($0) }
        for digits in 0...16 {
            labels = values.map { v in
                if v == 0 { return "0" }
                return scientific
                    ? NumberFormat.scientific(v, significant: digits + 1)
                    : NumberFormat.plain(v, decimals: digits)
            }
            let exact = zip(values, labels).allSatisfy { v, label in
                guard let back = Double(label) else { return false }
                return abs(back - v) <= tolerance(v)
            }
            if exact { return labels }
        }
        return labels
    }
}
