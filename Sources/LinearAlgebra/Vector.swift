import Foundation

/// Small vector helpers used across modules; the hot paths call BLAS directly.
public enum Vector {
    /// Element-wise a − b.
    public static func subtract(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "subtract: length mismatch")
        var r = a
        axpy(-1, b, &r)
        return r
    }

    /// Element-wise a + b.
    public static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "add: length mismatch")
        var r = a
        axpy(1, b, &r)
        return r
    }

    /// α a.
    public static func scaled(_ a: [Double], by alpha: Double) -> [Double] {
        var r = a
        scal(alpha, &r)
        return r
    }

    /// Squared Euclidean norm.
    public static func squaredNorm(_ a: [Double]) -> Double { dot(a, a) }

    /// Largest absolute entry (0 for an empty vector).
    public static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { Swift.max($0, abs($1)) } }

    /// n points evenly spaced in log10 between 10^a and 10^b, inclusive.
    public static func logspace(_ a: Double, _ b: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [Foundation_pow10(a)] : [] }
        return (0..<count).map { Foundation_pow10(a + (b - a) * Double($0) / Double(count - 1)) }
    }

    /// n points evenly spaced between a and b, inclusive.
    public static func linspace(_ a: Double, _ b: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [a] : [] }
        return (0..<count).map { a + (b - a) * Double($0) / Double(count - 1) }
    }
}

@usableFromInline func Foundation_pow10(_ x: Double) -> Double { pow(10, x) }
