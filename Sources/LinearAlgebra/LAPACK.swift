import Foundation
import CLAPACKE

// LAPACK wrappers (LAPACKE, column-major). Every `info` becomes a LinearAlgebraError;
// inputs are checked for NaN/inf first because LAPACK's behaviour on them is undefined.

@usableFromInline let upper = CChar(UInt8(ascii: "U"))
@usableFromInline let lower = CChar(UInt8(ascii: "L"))

func requireFinite(_ m: Matrix, _ what: String) throws(LinearAlgebraError) {
    guard m.isFinite else { throw .nonFinite(what) }
}

func requireFinite(_ v: [Double], _ what: String) throws(LinearAlgebraError) {
    guard v.allSatisfy({ $0.isFinite }) else { throw .nonFinite(what) }
}

func requireSquare(_ m: Matrix, _ routine: String) throws(LinearAlgebraError) {
    guard m.isSquare else { throw .dimensionMismatch("\(routine) needs a square matrix, got \(m.rows)×\(m.cols)") }
}

/// Maps a negative info to an illegal-argument error; positive infos are routine-specific.
func checkArguments(_ info: Int32, _ routine: String) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(routine: routine, index: Int(-info)) }
}

/// Cholesky factorisation A = L Lᵀ of a symmetric positive definite matrix (dpotrf).
public struct Cholesky: Sendable {
    /// The factor, lower triangle holds L (upper triangle is left as it was in A).
    public let factor: Matrix

    /// Factorises `a`; throws `.notPositiveDefinite` with the failing leading minor.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        try requireSquare(a, "Cholesky")
        try requireFinite(a, "matrix passed to Cholesky")
        var f = a
        let n = Int32(a.rows)
        let info = n == 0 ? 0 : LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, n, &f.storage, max(1, n))
        try checkArguments(info, "dpotrf")
        if info > 0 { throw .notPositiveDefinite(leadingMinor: Int(info)) }
        factor = f
    }

    /// Solves A X = B for several right-hand sides (dpotrs).
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == factor.rows else { throw .dimensionMismatch("Cholesky solve: \(factor.rows)×\(factor.rows) with right-hand side \(b.rows)×\(b.cols)") }
        try requireFinite(b, "right-hand side")
        var x = b
        let n = Int32(factor.rows)
        if n == 0 || b.cols == 0 { return x }
        let info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, lower, n, Int32(b.cols), factor.storage, max(1, n), &x.storage, max(1, n))
        try checkArguments(info, "dpotrs")
        return x
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, columnMajor: b)).storage
    }

    /// log det A = 2 Σ log L_ii.
    public var logDeterminant: Double {
        2 * factor.diagonalEntries.reduce(0) { $0 + log($1) }
    }
}

/// Solves the SPD system A x = b in one call (dposv).
public func choleskySolve(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try Cholesky(a).solve(b)
}

/// LU factorisation with partial pivoting, P A = L U (dgetrf).
public struct LU: Sendable {
    /// L (unit lower, implicit) and U packed in one matrix.
    public let factors: Matrix
    /// 1-based pivot rows, as LAPACK returns them.
    public let pivots: [Int32]

    /// Factorises a square matrix; throws `.singular` on an exactly zero pivot.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        try requireSquare(a, "LU")
        try requireFinite(a, "matrix passed to LU")
        var f = a
        let n = Int32(a.rows)
        var ipiv = [Int32](repeating: 0, count: a.rows)
        let info = n == 0 ? 0 : LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, &f.storage, max(1, n), &ipiv)
        try checkArguments(info, "dgetrf")
        if info > 0 { throw .singular(pivot: Int(info)) }
        factors = f
        pivots = ipiv
    }

    /// Solves A X = B (dgetrs).
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == factors.rows else { throw .dimensionMismatch("LU solve: \(factors.rows)×\(factors.rows) with right-hand side \(b.rows)×\(b.cols)") }
        try requireFinite(b, "right-hand side")
        var x = b
        let n = Int32(factors.rows)
        if n == 0 || b.cols == 0 { return x }
        let trans = CChar(UInt8(ascii: "N"))
        let info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, trans, n, Int32(b.cols), factors.storage, max(1, n), pivots, &x.storage, max(1, n))
        try checkArguments(info, "dgetrs")
        return x
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, columnMajor: b)).storage
    }

    /// The explicit inverse (dgetri). Needed only to show why one should not form it.
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var inv = factors
        let n = Int32(factors.rows)
        if n == 0 { return inv }
        let info = LAPACKE_dgetri(LAPACK_COL_MAJOR, n, &inv.storage, max(1, n), pivots)
        try checkArguments(info, "dgetri")
        if info > 0 { throw .singular(pivot: Int(info)) }
        return inv
    }
}

/// Solves the general square system A x = b (dgesv).
public func luSolve(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try LU(a).solve(b)
}

/// The explicit inverse of a square matrix.
public func inverse(_ a: Matrix) throws(LinearAlgebraError) -> Matrix {
    try LU(a).inverse()
}

/// Eigen-decomposition of a symmetric matrix, A = V diag(λ) Vᵀ (dsyevd).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors, one per column, in the order of `values`.
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a` (its lower triangle is read).
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        try requireSquare(a, "symmetric eigen-decomposition")
        try requireFinite(a, "matrix passed to the eigen-solver")
        var v = a
        let n = Int32(a.rows)
        var w = [Double](repeating: 0, count: a.rows)
        let jobz = CChar(UInt8(ascii: "V"))
        let info = n == 0 ? 0 : LAPACKE_dsyevd(LAPACK_COL_MAJOR, jobz, lower, n, &v.storage, max(1, n), &w)
        try checkArguments(info, "dsyevd")
        if info > 0 { throw .noConvergence(routine: "dsyevd", info: Int(info)) }
        values = w
        vectors = v
    }
}

/// Singular value decomposition A = U diag(s) Vᵀ, thin form (dgesdd).
public struct SVD: Sendable {
    /// Left singular vectors, m × min(m, n).
    public let u: Matrix
    /// Singular values, descending.
    public let singularValues: [Double]
    /// Right singular vectors transposed, min(m, n) × n.
    public let vt: Matrix

    /// Decomposes `a`.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        try requireFinite(a, "matrix passed to the SVD")
        let m = a.rows, n = a.cols, k = min(m, n)
        var work = a
        var s = [Double](repeating: 0, count: k)
        var uu = Matrix(rows: m, cols: k)
        var vv = Matrix(rows: k, cols: n)
        if k > 0 {
            let jobz = CChar(UInt8(ascii: "S"))
            let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, jobz, Int32(m), Int32(n), &work.storage, Int32(max(1, m)), &s,
                                      &uu.storage, Int32(max(1, m)), &vv.storage, Int32(max(1, k)))
            try checkArguments(info, "dgesdd")
            if info > 0 { throw .noConvergence(routine: "dgesdd", info: Int(info)) }
        }
        u = uu
        singularValues = s
        vt = vv
    }

    /// The 2-norm condition number σ_max/σ_min (infinity when rank-deficient).
    public var conditionNumber: Double {
        guard let hi = singularValues.first, let lo = singularValues.last else { return .nan }
        return lo == 0 ? .infinity : hi / lo
    }
}

/// Minimum-norm least-squares solution of min ‖A x − b‖ (dgelsd), with its effective rank.
public struct LeastSquares: Sendable {
    /// The solution x.
    public let solution: [Double]
    /// Effective rank of A at the cut-off `rcond`.
    public let rank: Int
    /// Singular values of A, descending.
    public let singularValues: [Double]

    /// Solves; singular values below `rcond`·σ_max count as zero (a negative rcond means machine precision).
    public init(_ a: Matrix, _ b: [Double], rcond: Double = -1) throws(LinearAlgebraError) {
        guard b.count == a.rows else { throw .dimensionMismatch("least squares: \(a.rows)×\(a.cols) with right-hand side of length \(b.count)") }
        try requireFinite(a, "least-squares matrix")
        try requireFinite(b, "least-squares right-hand side")
        let m = a.rows, n = a.cols
        var aw = a
        let ldb = max(1, max(m, n))
        var bw = [Double](repeating: 0, count: ldb)
        for i in 0..<m { bw[i] = b[i] }
        var s = [Double](repeating: 0, count: min(m, n))
        var r: Int32 = 0
        if m > 0 && n > 0 {
            let info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, Int32(m), Int32(n), 1, &aw.storage, Int32(max(1, m)), &bw, Int32(ldb), &s, rcond, &r)
            try checkArguments(info, "dgelsd")
            if info > 0 { throw .noConvergence(routine: "dgelsd", info: Int(info)) }
        }
        solution = Array(bw.prefix(n))
        rank = Int(r)
        singularValues = s
    }
}

/// Shorthand for the least-squares solution vector.
public func leastSquares(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    try LeastSquares(a, b).solution
}
