import Foundation
import LinearAlgebra
import Randomness
import Statistics

/// The theorem's constant and the pruned network's size, as greedy-decay v2 judges them (issue #30): the rate
/// c_thm = −ln(1 − r²/D²) of L_n ≤ L_1 (1 − r²/D²)^{n−1}, and the discrepancy against the number of distinct neurons.
public enum TheoremRate {
    /// c_thm = −ln(1 − r²/D²); 0 when r ≤ 0 or D ≤ 0 (the theorem then promises nothing).
    public static func constant(r: Double, diameter d: Double) -> Double {
        guard r > 0, d > 0 else { return 0 }
        return -log1p(-min(1, r * r / (d * d)))
    }

    /// L*(k) = the lowest L_n over the steps with |S_n| ≤ k, for k = 1…max_n |S_n|: the best discrepancy the path
    /// reached with a pruned network of k neurons (non-increasing in k).
    public static func sizeCurve(_ t: SelectionTrace) -> [Double] {
        let top = t.distinct.max() ?? 0
        guard top > 0 else { return [] }
        var out = [Double](repeating: .infinity, count: top)
        for (l, s) in zip(t.loss, t.distinct) where s >= 1 { out[s - 1] = min(out[s - 1], l) }
        for k in 1..<top { out[k] = min(out[k], out[k - 1]) }
        return out
    }

    /// The curves of `curves` cut to their common length (the pooled tests need equal lengths).
    public static func common(_ curves: [[Double]]) -> [[Double]] {
        let k = curves.map(\.count).min() ?? 0
        return curves.map { Array($0.prefix(k)) }
    }
}

/// Instances whose geometry is known exactly, so the theorem's constant can be held against a measured rate.
public enum PlantedInstance {
    /// The triangle A = (−1, −r), B = (1, −r), C = (0, 1) in R², target t = 0: the ball of radius r around t touches
    /// edge AB and lies inside the hull for r ≤ 0.5 (the other edges are ≥ 0.6 away), and the diameter is |AB| = 2.
    public static func triangle(r: Double) throws(GreedyError) -> (problem: AtomProblem, inradius: Double, diameter: Double) {
        guard r > 0, r <= 0.5 else { throw .invalidArgument("the planted triangle needs r in (0, 0.5], got \(r)") }
        let atoms = Matrix(rows: 2, cols: 3, columnMajorUnchecked: [-1, -r, 1, -r, 0, 1])
        return (try AtomProblem(atoms: atoms, target: [0, 0]), r, 2)
    }

    /// A target on a face of the hull (r = 0): `face` Gaussian atoms in the hyperplane x_M = 0 and `off` atoms with
    /// x_M = |z| > 0, t = the mean of the face atoms. The hyperplane supports the hull, so no ball around t lies in it.
    public static func faceOfHull(inputs m: Int, face: Int, off: Int, stream: RandomStream) throws(GreedyError) -> AtomProblem {
        guard m >= 2, face >= 2, off >= 1 else { throw .invalidArgument("a face-of-hull instance needs M ≥ 2, ≥ 2 face atoms and ≥ 1 other") }
        var values = stream.gaussianVector(m * (face + off))
        for i in 0..<(face + off) {
            let last = i * m + m - 1
            values[last] = i < face ? 0 : abs(values[last])
        }
        let atoms = Matrix(rows: m, cols: face + off, columnMajorUnchecked: values)
        var t = [Double](repeating: 0, count: m)
        for i in 0..<face { for r in 0..<m { t[r] += values[i * m + r] / Double(face) } }
        return try AtomProblem(atoms: atoms, target: t)
    }
}

/// The pruned network's size needed for a tolerance (`verify greedy-log-tolerance`): the "logarithmic number of
/// winning tickets" reads k(ε) = O(log 1/ε), against k(ε) ∝ (1/ε)^β for a 1/n rate.
public enum ToleranceScaling {
    /// The smallest k with L*(k) ≤ ε·reference on a size curve (relative tolerance), or nil if the curve never gets there.
    public static func neurons(_ sizeCurve: [Double], relative eps: Double, reference: Double) -> Int? {
        guard reference > 0 else { return nil }
        return sizeCurve.firstIndex { $0 <= eps * reference }.map { $0 + 1 }
    }

    /// k(ε) at each of `levels`, or nil when some level is not reached.
    public static func neurons(_ sizeCurve: [Double], levels: [Double], reference: Double) -> [Int]? {
        var out = [Int]()
        for e in levels {
            guard let k = neurons(sizeCurve, relative: e, reference: reference) else { return nil }
            out.append(k)
        }
        return out
    }

    /// The levels ε = 10^{−j·step}, j = first…last.
    public static func levels(decadesFrom first: Double, to last: Double, step: Double) -> [Double] {
        stride(from: first, through: last + step / 2, by: step).map { pow(10, -$0) }
    }
}
