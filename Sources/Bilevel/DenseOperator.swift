import LinearAlgebra

/// A dense matrix kept in both layouts so A·x and Aᵀ·x are each a run of contiguous dot products.
///
/// The problems here are small (d ≈ 10–1000) and called millions of times: a BLAS dot per row
/// avoids gemv's per-call set-up on tiny matrices and needs no error path in the hot loop.
struct DenseOperator: Sendable {
    let rows: Int
    let cols: Int
    /// Column-major (column j contiguous): rows of Aᵀ.
    let columnMajor: [Double]
    /// Row-major (row i contiguous).
    let rowMajor: [Double]

    init(_ m: Matrix) {
        rows = m.rows
        cols = m.cols
        columnMajor = m.storage
        rowMajor = m.transposed.storage
    }

    /// out = A x (+ out when `accumulate`), scaled by `alpha`.
    func apply(_ x: [Double], into out: inout [Double], alpha: Double = 1, accumulate: Bool = false) {
        let c = cols
        rowMajor.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { o in
                    guard let ab = a.baseAddress, let xb = xp.baseAddress else { return }
                    for i in 0..<rows {
                        let v = alpha * dot(c, ab + i * c, xb)
                        o[i] = accumulate ? o[i] + v : v
                    }
                }
            }
        }
    }

    /// out = Aᵀ x (+ out when `accumulate`), scaled by `alpha`.
    func applyTransposed(_ x: [Double], into out: inout [Double], alpha: Double = 1, accumulate: Bool = false) {
        let r = rows
        columnMajor.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { o in
                    guard let ab = a.baseAddress, let xb = xp.baseAddress else { return }
                    for j in 0..<cols {
                        let v = alpha * dot(r, ab + j * r, xb)
                        o[j] = accumulate ? o[j] + v : v
                    }
                }
            }
        }
    }
}

/// Plain loops for short vectors, where a BLAS call costs more than the arithmetic.
enum Vec {
    /// x·y over the first n entries.
    @inline(__always)
    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in 0..<min(x.count, y.count) { s += x[i] * y[i] }
        return s
    }

    /// y ← y + a x.
    @inline(__always)
    static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for i in 0..<y.count { y[i] += a * x[i] }
    }

    /// ‖x‖².
    @inline(__always)
    static func normSquared(_ x: [Double]) -> Double { dot(x, x) }

    /// Whether every entry is finite.
    static func isFinite(_ x: [Double]) -> Bool { x.allSatisfy { $0.isFinite } }
}
