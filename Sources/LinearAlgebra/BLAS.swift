import CBLAS

// Thin wrappers over CBLAS (OpenBLAS). Shapes are checked by callers through the
// throwing Matrix operations below; the vector helpers require equal lengths, which
// every internal caller guarantees by construction.

/// Dot product xᵀy.
@inlinable
public func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: length mismatch")
    return cblas_ddot(Int32(x.count), x, 1, y, 1)
}

/// Dot product over raw buffers of length n.
@inlinable
public func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
    cblas_ddot(Int32(n), x, 1, y, 1)
}

/// Euclidean norm ‖x‖₂ (scaled to avoid overflow).
@inlinable
public func nrm2(_ x: [Double]) -> Double {
    cblas_dnrm2(Int32(x.count), x, 1)
}

/// y ← αx + y.
@inlinable
public func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count, "axpy: length mismatch")
    cblas_daxpy(Int32(x.count), alpha, x, 1, &y, 1)
}

/// x ← αx.
@inlinable
public func scal(_ alpha: Double, _ x: inout [Double]) {
    cblas_dscal(Int32(x.count), alpha, &x, 1)
}

/// Whether to use a matrix as stored or transposed.
public enum Transpose: Sendable {
    case none, transpose
    @usableFromInline var cblas: CBLAS_TRANSPOSE {
        self == .none ? CblasNoTrans : CblasTrans
    }
}

/// y ← α op(A) x + β y.
public func gemv(_ a: Matrix, _ x: [Double], transpose: Transpose = .none, alpha: Double = 1, beta: Double = 0, into y: inout [Double]) throws(LinearAlgebraError) {
    let (outLen, inLen) = transpose == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    guard x.count == inLen, y.count == outLen else {
        throw .dimensionMismatch("gemv: \(a.rows)×\(a.cols)\(transpose == .none ? "" : "ᵀ") times vector of length \(x.count) into \(y.count)")
    }
    if a.rows == 0 || a.cols == 0 {
        if beta == 0 { for i in y.indices { y[i] = 0 } } else { scal(beta, &y) }
        return
    }
    cblas_dgemv(CblasColMajor, transpose.cblas, Int32(a.rows), Int32(a.cols), alpha, a.storage, Int32(a.rows), x, 1, beta, &y, 1)
}

/// C ← α op(A) op(B) + β C.
public func gemm(_ a: Matrix, _ b: Matrix, transposeA: Transpose = .none, transposeB: Transpose = .none, alpha: Double = 1, beta: Double = 0, into c: inout Matrix) throws(LinearAlgebraError) {
    let (m, ka) = transposeA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    let (kb, n) = transposeB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
    guard ka == kb, c.rows == m, c.cols == n else {
        throw .dimensionMismatch("gemm: (\(m)×\(ka)) · (\(kb)×\(n)) into \(c.rows)×\(c.cols)")
    }
    if m == 0 || n == 0 { return }
    if ka == 0 {
        if beta == 0 { for i in c.storage.indices { c.storage[i] = 0 } } else { scal(beta, &c.storage) }
        return
    }
    cblas_dgemm(CblasColMajor, transposeA.cblas, transposeB.cblas, Int32(m), Int32(n), Int32(ka),
                alpha, a.storage, Int32(max(1, a.rows)), b.storage, Int32(max(1, b.rows)), beta, &c.storage, Int32(max(1, c.rows)))
}

extension Matrix {
    /// The product self · other.
    public func multiplied(by other: Matrix, transposeSelf: Transpose = .none, transposeOther: Transpose = .none) throws(LinearAlgebraError) -> Matrix {
        let m = transposeSelf == .none ? rows : cols
        let n = transposeOther == .none ? other.cols : other.rows
        var c = Matrix(rows: m, cols: n)
        try gemm(self, other, transposeA: transposeSelf, transposeB: transposeOther, into: &c)
        return c
    }

    /// The product self · x (or selfᵀ · x).
    public func multiplied(by x: [Double], transpose: Transpose = .none) throws(LinearAlgebraError) -> [Double] {
        var y = [Double](repeating: 0, count: transpose == .none ? rows : cols)
        try gemv(self, x, transpose: transpose, into: &y)
        return y
    }
}

/// Naive triple-loop matrix product, the baseline `make bench` compares gemm against.
public func naiveMultiply(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    guard a.cols == b.rows else { throw .dimensionMismatch("naive multiply: \(a.rows)×\(a.cols) · \(b.rows)×\(b.cols)") }
    var c = Matrix(rows: a.rows, cols: b.cols)
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                for j in 0..<b.cols {
                    for k in 0..<a.cols {
                        let bkj = pb[k + j * b.rows]
                        for i in 0..<a.rows { pc[i + j * a.rows] += pa[i + k * a.rows] * bkj }
                    }
                }
            }
        }
    }
    return c
}

/// out ← Aᵀ·A_J for a column-major A (m×n) and a few of its own columns J: the Gram columns of J in one pass over A.
///
/// One gemv per column reads all of A once per column, so a pass costs the matrix's size in memory traffic; here A
/// is taken `chunk` columns at a time (a block that stays in cache) and multiplied by all of A_J with one small gemm,
/// so A streams from memory once for the whole block. Column c of `out` (n entries) starts at `out + c·n`. With
/// `leading` (m entries), Aᵀ·leading comes first and the Gram columns follow it.
public func gramColumns(_ a: Matrix, _ columns: [Int], leading x: [Double]? = nil, chunk: Int = 128, into out: UnsafeMutablePointer<Double>) {
    let m = a.rows, n = a.cols, first = x == nil ? 0 : 1, k = first + columns.count
    guard m > 0, n > 0, k > 0, x == nil || x!.count == m else { return }
    var block = [Double](repeating: 0, count: m * k)
    if let x { for r in 0..<m { block[r] = x[r] } }
    a.storage.withUnsafeBufferPointer { p in
        for (c, j) in columns.enumerated() {
            let to = (first + c) * m
            for r in 0..<m { block[to + r] = p[j * m + r] }
        }
        var start = 0
        while start < n {
            let width = min(chunk, n - start)
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(width), Int32(k), Int32(m),
                        1, p.baseAddress! + start * m, Int32(m), block, Int32(m), 0, out + start, Int32(n))
            start += width
        }
    }
}
