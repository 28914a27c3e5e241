import LinearAlgebra

/// min ‖Yλ − t‖² over the probability simplex {λ ≥ 0, Σλ = 1}: a primal active-set method (Lawson–Hanson style)
/// whose equality-constrained sub-problems are solved by LAPACK least squares (dgelsd).
public enum SimplexLeastSquares {
    /// Solves from a feasible start `lambda0` (non-negative, summing to 1); `enter` indices join the passive set first.
    public static func solve(_ y: Matrix, target t: [Double], start lambda0: [Double], enter: [Int] = [], maxIterations: Int? = nil) throws(GreedyError) -> [Double] {
        let k = y.cols, m = y.rows
        guard k >= 1, lambda0.count == k, t.count == m else {
            throw .invalidArgument("simplex least squares: \(m)×\(k) columns, start of length \(lambda0.count), target of length \(t.count)")
        }
        var lam = lambda0
        var passive = Set((0..<k).filter { lam[$0] > 0 })
        for j in enter where (0..<k).contains(j) { passive.insert(j) }
        if passive.isEmpty { lam = [Double](repeating: 0, count: k); lam[0] = 1; passive = [0] }
        let cap = maxIterations ?? (3 * k + 30)
        var ymax = 0.0
        for j in 0..<k { ymax = max(ymax, nrm2(y.column(j))) }
        for _ in 0..<cap {
            let p = passive.sorted()
            let mu = try affineSolve(y, p, t)
            if p.allSatisfy({ mu[$0] > 0 }) {
                lam = [Double](repeating: 0, count: k)
                for i in p { lam[i] = mu[i] }
                // Optimality over the whole set: ⟨y_i, r⟩ ≥ the common value κ on the passive set.
                var r = t.map { -$0 }
                try? gemv(y, lam, alpha: 1, beta: 1, into: &r)
                var g = [Double](repeating: 0, count: k)
                try? gemv(y, r, transpose: .transpose, into: &g)
                let kappa = p.map { g[$0] }.min() ?? 0
                let tol = 1e-11 * max(1e-300, nrm2(r) * max(ymax, 1e-300))
                var enterIndex = -1, enterValue = kappa - tol
                for i in 0..<k where !passive.contains(i) && g[i] < enterValue { enterValue = g[i]; enterIndex = i }
                if enterIndex < 0 { return lam }
                passive.insert(enterIndex)
                continue
            }
            // Step toward μ until the first passive weight hits zero, then drop it.
            var theta = 1.0
            for i in p where mu[i] <= 0 {
                let denom = lam[i] - mu[i]
                if denom > 0 { theta = min(theta, lam[i] / denom) }
            }
            for i in p { lam[i] += theta * (mu[i] - lam[i]) }
            var dropped = false
            for i in p where lam[i] <= 1e-15 || mu[i] <= 0 && lam[i] <= 1e-12 {
                lam[i] = 0
                passive.remove(i)
                dropped = true
            }
            if !dropped, let worst = p.min(by: { mu[$0] < mu[$1] }) {
                lam[worst] = 0
                passive.remove(worst)
            }
            if passive.isEmpty, let top = (0..<k).max(by: { lam[$0] < lam[$1] }) { passive.insert(top); lam[top] = max(lam[top], 1e-16) }
            let total = lam.reduce(0, +)
            if total > 0 { for i in 0..<k { lam[i] /= total } }
        }
        return lam
    }

    /// The minimiser of ‖Y_P μ − t‖² subject to Σ_P μ = 1 (μ = 0 off P): eliminate the last weight and solve the
    /// unconstrained problem on the differences y_i − y_last by least squares (minimum norm when degenerate).
    static func affineSolve(_ y: Matrix, _ p: [Int], _ t: [Double]) throws(GreedyError) -> [Double] {
        var mu = [Double](repeating: 0, count: y.cols)
        guard let last = p.last else { return mu }
        if p.count == 1 { mu[last] = 1; return mu }
        let m = y.rows
        var a = Matrix(rows: m, cols: p.count - 1)
        let ylast = y.column(last)
        for (c, i) in p.dropLast().enumerated() {
            for r in 0..<m { a[r, c] = y[r, i] - ylast[r] }
        }
        let b = (0..<m).map { t[$0] - ylast[$0] }
        let z: [Double]
        do { z = try LeastSquares(a, b).solution } catch { throw .numerical("simplex least squares: \(error.description)") }
        var sum = 0.0
        for (c, i) in p.dropLast().enumerated() { mu[i] = z[c]; sum += z[c] }
        mu[last] = 1 - sum
        return mu
    }
}
