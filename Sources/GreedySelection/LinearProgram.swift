/// A small dense linear-program solver: maximise cᵀx subject to A x = b, x ≥ 0, by the two-phase tableau simplex
/// method (Dantzig pricing, Bland's rule after a run of degenerate pivots so that it cannot cycle).
///
/// Meant for the inradius bounds: a dozen rows and a few thousand columns.
public enum LinearProgram {
    /// The outcome of a solve.
    public enum Outcome: Equatable, Sendable {
        /// The optimum and a maximiser.
        case optimal(value: Double, x: [Double])
        /// No x satisfies the constraints.
        case infeasible
        /// The objective grows without bound.
        case unbounded
    }

    /// Solves max cᵀx, A x = b, x ≥ 0; `a` is m×n.
    public static func maximize(c: [Double], a: [[Double]], b: [Double], tolerance: Double = 1e-9) throws(GreedyError) -> Outcome {
        let m = a.count, n = c.count
        guard b.count == m, a.allSatisfy({ $0.count == n }) else {
            throw .invalidArgument("linear program: \(m) rows, \(b.count) right-hand sides, \(n) costs")
        }
        guard c.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite), a.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw .nonFinite("a linear program")
        }
        // Tableau rows 0..<m are constraints, row m the reduced costs; columns: n originals, m artificials, rhs.
        let width = n + m + 1, rhs = n + m
        var t = [Double](repeating: 0, count: (m + 1) * width)
        for i in 0..<m {
            let flip = b[i] < 0 ? -1.0 : 1.0
            for j in 0..<n { t[i * width + j] = flip * a[i][j] }
            t[i * width + n + i] = 1
            t[i * width + rhs] = flip * b[i]
        }
        var basis = (0..<m).map { n + $0 }

        // Phase 1: maximise −Σ artificials; reduced cost of column j is −Σ_i T_ij for originals.
        for j in 0..<width where j < n || j == rhs {
            var sum = 0.0
            for i in 0..<m { sum += t[i * width + j] }
            t[m * width + j] = -sum
        }
        guard try iterate(&t, &basis, m: m, width: width, eligible: n + m, tolerance: tolerance) else { return .unbounded }
        let scale = max(1, b.map(abs).max() ?? 1)
        if -t[m * width + rhs] > 1e-7 * scale { return .infeasible }
        // Drive remaining (zero-level) artificials out of the basis where an original column allows it.
        for i in 0..<m where basis[i] >= n {
            if let j = (0..<n).first(where: { abs(t[i * width + $0]) > tolerance }) {
                pivot(&t, &basis, row: i, col: j, m: m, width: width)
            }
        }
        // Phase 2: reduced costs of the true objective for the current basis.
        for j in 0..<width {
            var z = (j < n) ? -c[j] : 0
            if j >= n && j < n + m { z = 0 }
            for i in 0..<m where basis[i] < n { z += c[basis[i]] * t[i * width + j] }
            t[m * width + j] = (j >= n && j < n + m) ? 0 : z
        }
        guard try iterate(&t, &basis, m: m, width: width, eligible: n, tolerance: tolerance) else { return .unbounded }
        var x = [Double](repeating: 0, count: n)
        for i in 0..<m where basis[i] < n { x[basis[i]] = t[i * width + rhs] }
        var value = 0.0
        for j in 0..<n { value += c[j] * x[j] }
        return .optimal(value: value, x: x)
    }

    /// Pivots until no eligible column has a negative reduced cost; false when the objective is unbounded.
    static func iterate(_ t: inout [Double], _ basis: inout [Int], m: Int, width: Int, eligible: Int, tolerance: Double) throws(GreedyError) -> Bool {
        let rhs = width - 1
        var degenerate = 0
        let cap = 50 * (m + eligible) + 1000
        for _ in 0..<cap {
            let useBland = degenerate > 2 * m + 20
            var enter = -1, bestCost = -tolerance
            for j in 0..<eligible {
                let r = t[m * width + j]
                if r < bestCost {
                    enter = j
                    if useBland { break }
                    bestCost = r
                }
            }
            if enter < 0 { return true }
            var leave = -1, bestRatio = Double.infinity
            for i in 0..<m {
                let aij = t[i * width + enter]
                guard aij > tolerance else { continue }
                let ratio = t[i * width + rhs] / aij
                if ratio < bestRatio - 1e-12 || (abs(ratio - bestRatio) <= 1e-12 && leave >= 0 && basis[i] < basis[leave]) {
                    bestRatio = ratio
                    leave = i
                }
            }
            if leave < 0 { return false }
            degenerate = bestRatio <= tolerance ? degenerate + 1 : 0
            pivot(&t, &basis, row: leave, col: enter, m: m, width: width)
        }
        throw .numerical("linear program: no convergence within \(cap) pivots")
    }

    static func pivot(_ t: inout [Double], _ basis: inout [Int], row: Int, col: Int, m: Int, width: Int) {
        t.withUnsafeMutableBufferPointer { p in
            let inv = 1 / p[row * width + col]
            for j in 0..<width { p[row * width + j] *= inv }
            for i in 0...m where i != row {
                let factor = p[i * width + col]
                if factor == 0 { continue }
                for j in 0..<width { p[i * width + j] -= factor * p[row * width + j] }
            }
        }
        basis[row] = col
    }
}
