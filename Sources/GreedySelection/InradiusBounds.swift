import Foundation
import LinearAlgebra
import Randomness

/// Bounds on the geometry behind the exponential rate: r, the radius of a ball around t (in the affine hull of
/// the atoms) inside conv{φ_i}, and D, the diameter of the atom set.
///
/// r is certified one of two ways (issue #30, item 2): exactly, by enumerating the hull's facets when the affine
/// dimension k and the number of k-subsets are small (`Tightening`); otherwise as the best (largest) of several LP
/// lower bounds, one per orthonormal basis of the span. Each is a valid lower bound on r, so their maximum is one.
public struct InradiusBounds: Sendable {
    /// Where the certified lower bound came from.
    public enum Source: String, Sendable, Codable {
        /// The exact r: the distance from t to the nearest facet of the hull (facet enumeration).
        case exact
        /// The best of the cross-polytope LP bounds over the eigenbasis and random orthonormal bases.
        case lpBest = "LP-best"
        /// The cross-polytope LP bound in the eigenbasis only (greedy-decay v1–v2's r_lb).
        case lpEigenbasis = "LP-eigenbasis"
    }

    /// How hard to work for a tighter certified r, declared as data.
    public struct Tightening: Sendable, Equatable {
        /// Exact facet enumeration only for affine dimension k ≤ this.
        public var exactMaxDimension: Int
        /// …and only when C(N, k)·N (subsets × the one-side test over all atoms) is at most this.
        public var exactMaxWork: Double
        /// Random orthonormal bases tried besides the eigenbasis (2k LPs each).
        public var rotations: Int

        /// A budget.
        public init(exactMaxDimension: Int, exactMaxWork: Double, rotations: Int) {
            self.exactMaxDimension = exactMaxDimension
            self.exactMaxWork = exactMaxWork
            self.rotations = rotations
        }

        /// greedy-decay v3's budget: exact for k ≤ 4 and ≤ 2·10⁷ subset-atom tests (well under a second), else
        /// the eigenbasis plus 8 random bases (18k LPs; ~10 ms per instance at k = 10, N = 1000).
        public static let standard = Tightening(exactMaxDimension: 4, exactMaxWork: 2e7, rotations: 8)
        /// Today's bound only: the eigenbasis cross-polytope (2k LPs), no enumeration.
        public static let eigenbasisOnly = Tightening(exactMaxDimension: 0, exactMaxWork: 0, rotations: 0)
    }

    /// The certified lower bound on r (exact where `source == .exact`).
    public let lowerBound: Double
    /// How `lowerBound` was obtained.
    public let source: Source
    /// Why the exact r was not computed (nil when it was, or when no enumeration was asked for).
    public let fallbackReason: String?
    /// The eigenbasis cross-polytope bound (greedy-decay v2's r_lb); `lowerBound` ≥ it by construction.
    public let eigenbasisLowerBound: Double
    /// Whether facet enumeration found t outside the hull (then r = 0 by definition: no ball around t lies in it).
    public let targetOutsideHull: Bool
    /// Upper bound on r: the smallest of max_i ⟨u, φ_i − t⟩ over random unit directions u and of the LP reaches along
    /// the bases' axes (NOT a lower bound).
    public let upperBound: Double
    /// Diameter D = max_{i,j} ‖φ_i − φ_j‖ (or 2 max_i ‖φ_i − t‖ when N is large).
    public let diameter: Double
    /// Dimension k of span{φ_i − t}.
    public let dimension: Int

    /// The certified rate r²/D² of the envelope L_n ≤ L_1 e^{−(n−1) r²/D²} (with the lower bound on r).
    public var envelopeRate: Double { diameter > 0 ? lowerBound * lowerBound / (diameter * diameter) : 0 }

    /// Computes the bounds. The LP bound: for an orthonormal basis v_j of the span, the largest s_j± with
    /// t ± s_j± v_j in the hull is one LP each; the hull then contains the cross-polytope with half-axes
    /// m_j = min(s_j+, s_j−), whose inradius is (Σ_j 1/m_j²)^(−1/2). Any orthonormal basis gives a valid bound.
    public init(_ problem: AtomProblem, directions: Int = 200, tightening: Tightening = .standard, stream: RandomStream) throws(GreedyError) {
        let m = problem.inputCount, n = problem.neuronCount
        let t = problem.target
        var centred = problem.atoms
        for i in 0..<n { for r in 0..<m { centred[r, i] -= t[r] } }
        var gram = Matrix(rows: m, cols: m)
        do { try gemm(centred, centred, transposeB: .transpose, into: &gram) } catch { throw .numerical(error.description) }
        let eig: SymmetricEigen
        do { eig = try SymmetricEigen(gram) } catch { throw .numerical(error.description) }
        let top = eig.values.max() ?? 0
        let keep = (0..<m).filter { eig.values[$0] > 1e-12 * max(top, 1e-300) }
        dimension = keep.count
        diameter = try problem.diameter()
        guard !keep.isEmpty else {
            lowerBound = 0; upperBound = 0; eigenbasisLowerBound = 0; source = .lpEigenbasis
            fallbackReason = "the atoms and the target coincide (affine dimension 0)"; targetOutsideHull = false
            return
        }
        let basis = eig.vectors.columns(keep)
        var coords = Matrix(rows: keep.count, cols: n)   // coordinates of φ_i − t in the basis
        do { try gemm(basis, centred, transposeA: .transpose, into: &coords) } catch { throw .numerical(error.description) }
        let k = keep.count
        let identity = (0..<k).map { j in (0..<k).map { $0 == j ? 1.0 : 0 } }
        let eigen = try Self.crossPolytopeBound(coords, axes: identity)
        let eigenBound = eigen.bound
        var minReach = eigen.minReach
        eigenbasisLowerBound = eigenBound

        // The exact r where enumeration is affordable; otherwise the best LP bound, with the reason named.
        let work = Self.binomial(n, k) * Double(n)
        var exact: (r: Double, outside: Bool)? = nil
        var reason: String? = nil
        if tightening.exactMaxDimension > 0 || tightening.rotations > 0 {
            if k > tightening.exactMaxDimension {
                reason = "affine dimension k = \(k) > \(tightening.exactMaxDimension) (exact facet enumeration needs C(N, k) subsets; N = \(n))"
            } else if work > tightening.exactMaxWork {
                reason = "C(N, k)·N = \(String(format: "%.3g", work)) > \(String(format: "%.3g", tightening.exactMaxWork)) (N = \(n), k = \(k))"
            } else {
                exact = Self.facetDistance(coords)
            }
        }
        if let e = exact {
            // The exact r is ≥ every valid lower bound; a value below the LP bound would be a bug, not a tighter r.
            lowerBound = e.r; source = .exact; targetOutsideHull = e.outside
        } else {
            var best = eigenBound
            if tightening.rotations > 0 {
                let rot = stream.split("bases")
                for _ in 0..<tightening.rotations {
                    let b = try Self.crossPolytopeBound(coords, axes: Self.randomOrthonormal(k, stream: rot))
                    best = max(best, b.bound)
                    minReach = min(minReach, b.minReach)
                }
            }
            lowerBound = best; source = tightening.rotations > 0 ? .lpBest : .lpEigenbasis; targetOutsideHull = false
        }
        fallbackReason = reason
        // Upper bounds: the hull's support in direction u is max_i ⟨u, z_i⟩, and r ≤ it for every unit u in the span;
        // and every LP reach s(u) (t + s u on the boundary) is ≥ r, since t + r u lies in the ball inside the hull.
        var upper = minReach
        for _ in 0..<max(1, directions) {
            var u = stream.gaussianVector(k)
            let norm = nrm2(u)
            guard norm > 0 else { continue }
            scal(1 / norm, &u)
            var proj = [Double](repeating: 0, count: n)
            try? gemv(coords, u, transpose: .transpose, into: &proj)
            upper = min(upper, proj.max() ?? 0)
        }
        upperBound = upper
    }

    /// The cross-polytope bound for the orthonormal `axes` (k vectors of length k, in span coordinates): 2k LPs, each
    /// the largest s with s·(±v_j) = Σ λ_i z_i, Σ λ_i = 1, λ ≥ 0. Valid because the hull is convex and contains
    /// the 2k points ±m_j v_j, hence their convex hull, whose inradius about 0 is (Σ_j 1/m_j²)^(−1/2) (its facet
    /// in the orthant σ passes through σ_j m_j v_j, at that distance, since the v_j are orthonormal).
    /// Also returns the smallest reach, an upper bound on r.
    static func crossPolytopeBound(_ coords: Matrix, axes: [[Double]]) throws(GreedyError) -> (bound: Double, minReach: Double) {
        let k = coords.rows, n = coords.cols
        var invSquares = 0.0, minReach = Double.infinity
        for v in axes {
            var reach = Double.infinity
            for sign in [1.0, -1.0] {
                // Variables (λ_1…λ_N, s): Σ λ_i z_i − s·(±v) = 0, Σ λ_i = 1, maximise s.
                var rows = [[Double]]()
                for r in 0..<k {
                    var row = coords.row(r)
                    row.append(-sign * v[r])
                    rows.append(row)
                }
                rows.append([Double](repeating: 1, count: n) + [0])
                var c = [Double](repeating: 0, count: n + 1)
                c[n] = 1
                let rhs = [Double](repeating: 0, count: k) + [1]
                switch try LinearProgram.maximize(c: c, a: rows, b: rhs) {
                case .optimal(let value, _): reach = min(reach, max(0, value))
                case .infeasible, .unbounded: reach = 0
                }
            }
            invSquares += reach > 0 ? 1 / (reach * reach) : .infinity
            minReach = min(minReach, reach)
        }
        return (invSquares.isFinite && invSquares > 0 ? 1 / invSquares.squareRoot() : 0, minReach)
    }

    /// A Haar-random orthonormal basis of R^k (Gram–Schmidt, twice, on Gaussian vectors).
    static func randomOrthonormal(_ k: Int, stream: RandomStream) -> [[Double]] {
        var out = [[Double]]()
        while out.count < k {
            var v = stream.gaussianVector(k)
            for _ in 0..<2 {
                for q in out {
                    let d = zip(v, q).reduce(0.0) { $0 + $1.0 * $1.1 }
                    for j in 0..<k { v[j] -= d * q[j] }
                }
            }
            let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-8 else { continue }
            out.append(v.map { $0 / norm })
        }
        return out
    }

    /// C(n, k) as a double (enough to compare with a budget).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var c = 1.0
        for j in 0..<min(k, n - k) { c = c * Double(n - j) / Double(j + 1) }
        return c
    }

    /// The exact distance from 0 (= t) to the boundary of conv{z_i} in R^k (z_i the columns of `coords`, which span
    /// R^k): every facet of a k-dimensional polytope lies on a hyperplane through k affinely independent vertices
    /// with all points on one side, so r = min over such k-subsets of the signed distance from 0 to the hyperplane
    /// (positive on the points' side). A negative minimum means t is outside the hull: r = 0, `outside` = true.
    static func facetDistance(_ coords: Matrix) -> (r: Double, outside: Bool) {
        let k = coords.rows, n = coords.cols
        let z = (0..<n).map { coords.column($0) }
        let scale = z.map { $0.reduce(0.0) { max($0, abs($1)) } }.max() ?? 1
        let tol = 1e-10 * max(scale, 1e-300)
        var best = Double.infinity
        var subset = Array(0..<k)
        var diffs = [[Double]](repeating: [Double](repeating: 0, count: k), count: max(k - 1, 0))
        while true {
            // The hyperplane's normal: the generalized cross product of z_{a_j} − z_{a_0}, j = 1…k−1 (cofactors).
            for j in 1..<max(k, 1) where k > 1 { for c in 0..<k { diffs[j - 1][c] = z[subset[j]][c] - z[subset[0]][c] } }
            var normal = [Double](repeating: 0, count: k)
            if k == 1 {
                normal[0] = 1
            } else {
                for c in 0..<k {
                    let minor = diffs.map { row in (0..<k).filter { $0 != c }.map { row[$0] } }
                    normal[c] = ((c % 2 == 0) ? 1 : -1) * determinant(minor)
                }
            }
            let length = normal.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            // Affinely dependent subsets (length ≈ 0 relative to the edge lengths^(k−1)) span no hyperplane.
            if length > 1e-12 * pow(max(scale, 1e-300), Double(k - 1)) {
                for c in 0..<k { normal[c] /= length }
                let offset = zip(normal, z[subset[0]]).reduce(0.0) { $0 + $1.0 * $1.1 }
                var above = false, below = false
                for i in 0..<n {
                    let s = zip(normal, z[i]).reduce(0.0) { $0 + $1.0 * $1.1 } - offset
                    if s > tol { above = true } else if s < -tol { below = true }
                    if above && below { break }
                }
                if !(above && below) {
                    // A facet: the points lie on the side where ⟨n, z⟩ − offset has sign `side`; t = 0 is at signed
                    // distance side·(0 − offset) from it, positive when t is on the points' side.
                    let side: Double = above ? 1 : -1
                    best = min(best, -side * offset)
                }
            }
            // Next k-subset in lexicographic order.
            var j = k - 1
            while j >= 0 && subset[j] == n - k + j { j -= 1 }
            if j < 0 { break }
            subset[j] += 1
            for l in (j + 1)..<k { subset[l] = subset[l - 1] + 1 }
        }
        guard best.isFinite else { return (0, false) }
        return best < -tol ? (0, true) : (max(0, best), false)
    }

    /// Determinant of a small square matrix by Gaussian elimination with partial pivoting.
    static func determinant(_ a: [[Double]]) -> Double {
        var a = a
        let k = a.count
        var det = 1.0
        for c in 0..<k {
            guard let p = (c..<k).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), a[p][c] != 0 else { return 0 }
            if p != c { a.swapAt(p, c); det = -det }
            det *= a[c][c]
            for r in (c + 1)..<k {
                let f = a[r][c] / a[c][c]
                for j in c..<k { a[r][j] -= f * a[c][j] }
            }
        }
        return det
    }
}
