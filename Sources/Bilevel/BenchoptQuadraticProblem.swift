import Components
import Foundation
import LinearAlgebra
import Randomness

/// benchopt's simulated quadratic (benchmark_bilevel `datasets/quadratic.py`), rebuilt in the workbench.
///
/// Sample i is φ_i(y, x) = ½yᵀA_i y + ½xᵀB_i x + xᵀC_i y + a_iᵀy + b_iᵀx; g averages the inner
/// samples, f an independent outer set. A_i = (S g_i)(S g_i)ᵀ with S = U diag(logspace √μ…√L) Uᵀ,
/// B_i the same with a leading 0 in the spectrum, C_i = U_c D w_i w_iᵀ V_cᵀ with D = logspace(μ…L_cross).
/// Matrices are stored densely, per sample, as benchopt stores them, so an oracle reads O(d²) numbers.
/// The draws g_i are plain Gaussians as in benchopt's `gen_matrices`, so E[A_i] = S² has spectrum [μ, L] exactly
/// and the mean over the n samples has it only up to sampling error (S⁻¹ĀS⁻¹ is a Wishart sample covariance,
/// eigenvalues near [(1 − √(d/n))², (1 + √(d/n))²]); μ and L of the instance are the mean's actual extremes.
/// As in benchopt, the instance is redrawn (up to 20 times) until Φ's Hessian is positive definite, and
/// minibatches are contiguous blocks walked in epochs with the block order reshuffled after each
/// (`walksReshuffledBlocks`; `CountingOracles` keeps the walk, one per batch size, the two sets paired by position).
///
/// Remaining differences: our own random generator (the instance is benchopt's construction, not its numbers);
/// float64 storage by default (`precision=float32` stores the samples as benchopt does; sums stay float64); the solvers' default steps scale with tr(Ā), the mean per-sample ‖A_i‖
/// that a batch-1 step meets, where benchopt's solvers take absolute steps (0.1) at batch 64; benchopt's
/// samplers belong to each solver's use (inner, outer, Hessian), ours to each batch size (a Hessian draw of the
/// gradient batch's size advances the same walk).
/// A stored matrix entry, read as a float64 (the identity for Double, a widening for Float).
protocol StoredScalar { var asDouble: Double { get } }
extension Double: StoredScalar { @inline(__always) var asDouble: Double { self } }
extension Float: StoredScalar { @inline(__always) var asDouble: Double { Double(self) } }

public struct BenchoptQuadraticProblem: BilevelProblem {
    /// One set of samples (inner or outer) with its means.
    struct SampleSet: Sendable {
        let n: Int, dy: Int, dx: Int
        /// Per-sample A (dy×dy), B (dx×dx), C (dx×dy) row-major, and a (dy), b (dx).
        let a: [Double], b: [Double], c: [Double], la: [Double], lb: [Double]
        /// The population square root S of E[A_i] = S² (spectrum of S²: logspace μ … L).
        let sqrtA: Matrix
        /// Means over the samples.
        let meanA: Matrix, meanB: Matrix, meanC: Matrix, meanLA: [Double], meanLB: [Double]
        /// float32 copies of A, B, C when the samples are stored as benchopt stores them (nil: float64). The float64
        /// arrays then hold the same rounded values, so the means and exact quantities are the stored instance's.
        var single: (a: [Float], b: [Float], c: [Float])? = nil

        /// The per-sample matrices in the precision the oracles read.
        var storedA: Stored { single.map { .single($0.a) } ?? .double(a) }
        var storedB: Stored { single.map { .single($0.b) } ?? .double(b) }
        var storedC: Stored { single.map { .single($0.c) } ?? .double(c) }
    }

    /// Per-sample matrices as read by the oracles: float64, or float32 (benchopt's default dtype), every product summed in float64.
    enum Stored { case double([Double]), single([Float]) }

    public let name = "benchopt-quadratic"
    public let xDimension: Int
    public let yDimension: Int
    public let lowerSampleCount: Int?
    public let upperSampleCount: Int?
    public let initialX: [Double]
    public let initialY: [Double]
    public let lowerSmoothness: Double
    public let lowerStrongConvexity: Double
    public let metric = ProblemMetric.gradientNormSquared
    public let upperStepScale = 1.0
    let inner: SampleSet, outer: SampleSet
    /// Extreme eigenvalues of Φ's (constant) Hessian.
    public let valueHessianRange: (Double, Double)
    /// The spectrum parameters (μ, L, L_cross).
    public let mu: Double, smoothness: Double, crossSmoothness: Double
    /// Draws needed until Φ's Hessian was positive definite.
    public let trials: Int
    /// Extreme eigenvalues of the inner mean A (μ and L up to sampling error).
    public let innerSpectrum: (Double, Double)

    /// The samples of the inner (lower) level, their means and the population square root S (E[A_i] = S²).
    public var innerMatrices: (a: [Matrix], meanA: Matrix, meanB: Matrix, sqrtA: Matrix) { Self.unpack(inner) }
    /// The samples of the outer (upper) level, their means and the population square root S (E[A_i] = S²).
    public var outerMatrices: (a: [Matrix], meanA: Matrix, meanB: Matrix, sqrtA: Matrix) { Self.unpack(outer) }

    static func unpack(_ s: SampleSet) -> (a: [Matrix], meanA: Matrix, meanB: Matrix, sqrtA: Matrix) {
        let d = s.dy
        return ((0..<s.n).map { i in Matrix(rows: d, cols: d) { r, c in s.a[i * d * d + r * d + c] } }, s.meanA, s.meanB, s.sqrtA)
    }

    /// An instance with `dimension` for both x and y, `samples` inner and outer samples.
    /// With `float32`, every sample's matrices and vectors are rounded to float32 and the oracles read them as stored
    /// (benchopt's default dtype, half the bytes per call); all sums stay float64.
    public init(dimension: Int = 10, samples: Int = 1024, mu: Double = 0.1, smoothness: Double = 1, crossSmoothness: Double = 0.1,
                float32: Bool = false, stream: RandomStream) throws(BilevelError) {
        try requireAtLeast(dimension, 2, "benchopt-quadratic dimension")
        try requireAtLeast(samples, 1, "benchopt-quadratic samples")
        try requirePositive(mu, "mu")
        guard smoothness >= mu else { throw .invalidOption("benchopt-quadratic needs mu ≤ L, got mu = \(mu), L = \(smoothness)") }
        try requirePositive(crossSmoothness, "L-cross")
        let d = dimension
        var trial = 0
        var found: (SampleSet, SampleSet, (Double, Double))? = nil
        while trial < 20 && found == nil {
            let s = stream.split(trial)
            let i = try Self.generate(samples, d, d, mu, smoothness, crossSmoothness, float32: float32, s.split("inner"))
            let o = try Self.generate(samples, d, d, mu, smoothness, crossSmoothness, float32: float32, s.split("outer"))
            let range = try Self.valueHessianRange(i, o)
            trial += 1
            if range.0 >= 1e-12 { found = (i, o, range) }
        }
        guard let (i, o, range) = found else { throw .numerical("benchopt-quadratic: no draw in 20 gave Φ a positive definite Hessian") }
        inner = i; outer = o; valueHessianRange = range; trials = trial
        xDimension = d; yDimension = d
        lowerSampleCount = samples; upperSampleCount = samples
        initialX = [Double](repeating: -2, count: d)
        initialY = [Double](repeating: 0, count: d)
        self.mu = mu; self.smoothness = smoothness; self.crossSmoothness = crossSmoothness
        do {
            let e = try SymmetricEigen(i.meanA).values
            innerSpectrum = (e.first ?? .nan, e.last ?? .nan)
        } catch { throw .lapack(error, "benchopt-quadratic: spectrum of the mean A") }
        // The mean A's smallest eigenvalue: μ up to the sampling error of the n draws.
        lowerStrongConvexity = innerSpectrum.0
        // Per-sample ‖A_i‖ = ‖S g_i‖² = tr(A_i), whose mean is tr(Ā): the step scale a batch-1 step meets.
        var tr = 0.0
        for k in 0..<d { tr += i.meanA[k, k] }
        lowerSmoothness = tr
    }

    static func orthogonal(_ n: Int, _ s: RandomStream) throws(BilevelError) -> Matrix {
        do { return try SVD(try Matrix(rows: n, cols: n, columnMajor: s.gaussianVector(n * n))).u } catch { throw .lapack(error, "benchopt-quadratic: orthogonal basis") }
    }

    /// U diag(values) Uᵀ.
    static func symmetric(_ u: Matrix, _ values: [Double]) -> Matrix {
        let d = values.count
        return Matrix(rows: d, cols: d) { p, q in
            var acc = 0.0
            for k in 0..<d { acc += u[p, k] * values[k] * u[q, k] }
            return acc
        }
    }

    static func generate(_ n: Int, _ dy: Int, _ dx: Int, _ mu: Double, _ l: Double, _ lc: Double, float32: Bool = false,
                         _ s: RandomStream) throws(BilevelError) -> SampleSet {
        let sa = symmetric(try orthogonal(dy, s.split("UA")), Vector.logspace(log10(mu) / 2, log10(l) / 2, count: dy))
        let sb = symmetric(try orthogonal(dx, s.split("UB")), [0] + Vector.logspace(log10(mu) / 2, log10(l) / 2, count: dx - 1))
        let uc = try orthogonal(dx, s.split("UC")), vc = try orthogonal(dy, s.split("VC"))
        let dc = Vector.logspace(log10(mu), log10(lc), count: min(dx, dy))
        let ga = s.split("gA").gaussianVector(n * dy), gb = s.split("gB").gaussianVector(n * dx), gc = s.split("gC").gaussianVector(n * dy)
        var a = [Double](repeating: 0, count: n * dy * dy), b = [Double](repeating: 0, count: n * dx * dx), c = [Double](repeating: 0, count: n * dx * dy)
        var u = [Double](repeating: 0, count: dy), v = [Double](repeating: 0, count: dx), w = [Double](repeating: 0, count: dy)
        for i in 0..<n {
            for p in 0..<dy { var acc = 0.0; for q in 0..<dy { acc += sa[p, q] * ga[i * dy + q] }; u[p] = acc }
            for p in 0..<dy { for q in 0..<dy { a[i * dy * dy + p * dy + q] = u[p] * u[q] } }
            for p in 0..<dx { var acc = 0.0; for q in 0..<dx { acc += sb[p, q] * gb[i * dx + q] }; v[p] = acc }
            for p in 0..<dx { for q in 0..<dx { b[i * dx * dx + p * dx + q] = v[p] * v[q] } }
            // C_i = (U_c D w_i)(V_c w_i)ᵀ: rank one, with mean U_c D V_cᵀ.
            for p in 0..<dx {
                var acc = 0.0
                for k in 0..<min(dx, dy) { acc += uc[p, k] * dc[k] * gc[i * dy + k] }
                v[p] = acc
            }
            for q in 0..<dy { var acc = 0.0; for k in 0..<dy { acc += vc[q, k] * gc[i * dy + k] }; w[q] = acc }
            for p in 0..<dx { for q in 0..<dy { c[i * dx * dy + p * dy + q] = v[p] * w[q] } }
        }
        var la = s.split("a").gaussianVector(n * dy), lb = s.split("b").gaussianVector(n * dx)
        // float32 storage: the instance is the rounded one, its means and exact quantities computed from it.
        if float32 { for k in a.indices { a[k] = Double(Float(a[k])) }; for k in b.indices { b[k] = Double(Float(b[k])) }
                     for k in c.indices { c[k] = Double(Float(c[k])) }; for k in la.indices { la[k] = Double(Float(la[k])) }
                     for k in lb.indices { lb[k] = Double(Float(lb[k])) } }
        func mean(_ m: [Double], _ r: Int, _ cc: Int) -> Matrix {
            var out = Matrix(rows: r, cols: cc)
            for i in 0..<n { for p in 0..<r { for q in 0..<cc { out[p, q] += m[i * r * cc + p * cc + q] / Double(n) } } }
            return out
        }
        func meanVector(_ m: [Double], _ r: Int) -> [Double] {
            var out = [Double](repeating: 0, count: r)
            for i in 0..<n { for p in 0..<r { out[p] += m[i * r + p] / Double(n) } }
            return out
        }
        var set = SampleSet(n: n, dy: dy, dx: dx, a: a, b: b, c: c, la: la, lb: lb, sqrtA: sa,
                            meanA: mean(a, dy, dy), meanB: mean(b, dx, dx), meanC: mean(c, dx, dy),
                            meanLA: meanVector(la, dy), meanLB: meanVector(lb, dx))
        if float32 { set.single = (a.map { Float($0) }, b.map { Float($0) }, c.map { Float($0) }) }
        return set
    }

    /// Φ's Hessian JᵀÃJ + B̃ + sym(C̃J) with J = −Ā⁻¹C̄ᵀ = dy*/dx (as benchopt checks it).
    static func valueHessianRange(_ i: SampleSet, _ o: SampleSet) throws(BilevelError) -> (Double, Double) {
        do {
            let j = try Cholesky(i.meanA).solve(i.meanC.transposed)
            let dx = i.dx
            let jaj = try j.multiplied(by: try o.meanA.multiplied(by: j), transposeSelf: .transpose)
            let cj = try o.meanC.multiplied(by: j)
            let h = Matrix(rows: dx, cols: dx) { p, q in jaj[p, q] + o.meanB[p, q] - 0.5 * (cj[p, q] + cj[q, p]) }
            let e = try SymmetricEigen(h).values
            return (e.first ?? .nan, e.last ?? .nan)
        } catch { throw .lapack(error, "benchopt-quadratic: Hessian of Φ") }
    }

    public var summary: [(String, String)] {
        let f = { (x: Double) in String(format: "%.3g", x) }
        return [
            ("dimensions", "x ∈ R^\(xDimension), y ∈ R^\(yDimension); \(lowerSampleCount ?? 0) inner and \(upperSampleCount ?? 0) outer samples, dense rank-1 matrices" + (inner.single == nil ? "" : ", stored in float32 (sums in float64)")),
            ("spectra", "E[A_i], E[B_i] in [\(f(mu)), \(f(smoothness))] (B with a leading 0); inner mean A in [\(f(innerSpectrum.0)), \(f(innerSpectrum.1))]; E[C_i] singular values logspace(\(f(mu)) … \(f(crossSmoothness)))"),
            ("Φ Hessian", "eigenvalues in [\(f(valueHessianRange.0)), \(f(valueHessianRange.1))] after \(trials) draw(s)"),
            ("step scale L", "tr(mean A) = \(f(lowerSmoothness)) (mean per-sample ‖A_i‖; μ = \(f(lowerStrongConvexity)), the mean's smallest eigenvalue)"),
        ]
    }

    /// Batches walk reshuffled blocks (through `CountingOracles`), as benchopt's sampler does.
    public var walksReshuffledBlocks: Bool { true }

    /// One block of `size` samples at a uniformly drawn block-aligned start (wrapping), for each level: the stateless
    /// draw for callers outside a run; solvers draw through `CountingOracles`, which walks reshuffled epochs.
    public func drawBatch(size: Int, stream: RandomStream) -> Minibatch {
        func block(_ n: Int) -> [Int] {
            let blocks = max(1, n / max(size, 1))
            let start = stream.uniformInt(blocks) * size
            return (0..<size).map { (start + $0) % n }
        }
        return Minibatch(size: size, lower: block(inner.n), upper: block(outer.n))
    }

    /// Σ_i w·(M_i v) over `indices` (or the mean matrix on a full batch), accumulated into `out` with factor `scale`.
    @inline(__always)
    func accumulate(_ m: Stored, mean: Matrix, rows: Int, cols: Int, transposed: Bool, _ v: [Double], _ batch: Minibatch, lower: Bool,
                    into out: inout [Double]) {
        if batch.isFull {
            for p in 0..<(transposed ? cols : rows) {
                var acc = 0.0
                for q in 0..<(transposed ? rows : cols) { acc += (transposed ? mean[q, p] : mean[p, q]) * v[q] }
                out[p] += acc
            }
            return
        }
        let idx = lower ? batch.lower : batch.upper
        switch m {
        case .double(let d): accumulateSamples(d, rows: rows, cols: cols, transposed: transposed, v, idx, into: &out)
        case .single(let f): accumulateSamples(f, rows: rows, cols: cols, transposed: transposed, v, idx, into: &out)
        }
    }

    /// Σ_i w·(M_i v) (or M_iᵀ v) over the samples `idx`, M stored as `T`.
    @inline(__always)
    func accumulateSamples<T: StoredScalar>(_ m: [T], rows: Int, cols: Int, transposed: Bool, _ v: [Double], _ idx: [Int],
                                            into out: inout [Double]) {
        let w = 1 / Double(max(idx.count, 1)), size = rows * cols
        // Small matrices (d = 10) go four rows at a time (the rest one by one), each summed over q in the same order as
        // one row alone: the same bits, but four independent chains of adds where one chain's add latency held the loop
        // to a quarter of the rate.
        // Large float64 ones (d = 100, 80 KB, read from memory) stay one row at a time: four interleaved row streams measured
        // slower there (SOBA 0.081 against 0.144 M calls/s at batch 64). Large float32 ones (40 KB) go four rows at a time:
        // one row at a time they ran no faster than float64 (0.140), four at a time 0.198, the add chains' latency binding.
        let blocked = size <= 4096 || T.self == Float.self
        m.withUnsafeBufferPointer { mp in
            v.withUnsafeBufferPointer { vp in
                out.withUnsafeMutableBufferPointer { op in
                    for i in idx {
                        // Rows by pointer: index sums carry overflow checks, an add and a branch per element.
                        let rowsAt = mp.baseAddress! + i * size
                        if transposed {
                            // Small matrices: four rows per sweep over `out`, each element taking the four rows' terms in row
                            // order (the same sums as one row per sweep) with one load and store instead of four.
                            var q = 0
                            while blocked && q + 4 <= rows {
                                let s0 = w * vp[q], s1 = w * vp[q + 1], s2 = w * vp[q + 2], s3 = w * vp[q + 3]
                                let r0 = rowsAt + q * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols
                                for p in 0..<cols {
                                    var t = op[p]
                                    t += r0[p].asDouble * s0
                                    t += r1[p].asDouble * s1
                                    t += r2[p].asDouble * s2
                                    t += r3[p].asDouble * s3
                                    op[p] = t
                                }
                                q += 4
                            }
                            while q < rows {
                                let s = w * vp[q], row = rowsAt + q * cols
                                for p in 0..<cols { op[p] += row[p].asDouble * s }
                                q += 1
                            }
                        } else {
                            var p = 0
                            while blocked && p + 4 <= rows {
                                let r0 = rowsAt + p * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols
                                var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
                                for q in 0..<cols {
                                    let vq = vp[q]
                                    a0 += r0[q].asDouble * vq
                                    a1 += r1[q].asDouble * vq
                                    a2 += r2[q].asDouble * vq
                                    a3 += r3[q].asDouble * vq
                                }
                                op[p] += w * a0
                                op[p + 1] += w * a1
                                op[p + 2] += w * a2
                                op[p + 3] += w * a3
                                p += 4
                            }
                            while p < rows {
                                let r = rowsAt + p * cols
                                var acc = 0.0
                                for q in 0..<cols { acc += r[q].asDouble * vp[q] }
                                op[p] += w * acc
                                p += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// One pass over each sample's square matrix M_i serving two products: Σ_i w·(M_i u₁) into `o1` and Σ_i w·(M_i u₂)
    /// into `o2`, each row summed over q in `accumulate`'s order, so both equal its results bit for bit.
    @inline(__always)
    func accumulatePair(_ m: Stored, dim: Int, _ u1: [Double], _ u2: [Double], _ idx: [Int], into o1: inout [Double], _ o2: inout [Double]) {
        switch m {
        case .double(let d): accumulatePairSamples(d, dim: dim, u1, u2, idx, into: &o1, &o2)
        case .single(let f): accumulatePairSamples(f, dim: dim, u1, u2, idx, into: &o1, &o2)
        }
    }

    @inline(__always)
    func accumulatePairSamples<T: StoredScalar>(_ m: [T], dim: Int, _ u1: [Double], _ u2: [Double], _ idx: [Int],
                                                into o1: inout [Double], _ o2: inout [Double]) {
        let w = 1 / Double(max(idx.count, 1)), size = dim * dim
        // As in `accumulate`: small or float32 matrices two rows at a time (four independent chains), large float64 ones one row per stream.
        let blocked = size <= 4096 || T.self == Float.self
        m.withUnsafeBufferPointer { mp in
            u1.withUnsafeBufferPointer { ap in
                u2.withUnsafeBufferPointer { bp in
                    o1.withUnsafeMutableBufferPointer { p1 in
                        o2.withUnsafeMutableBufferPointer { p2 in
                            for i in idx {
                                let rowsAt = mp.baseAddress! + i * size
                                var p = 0
                                while blocked && p + 2 <= dim {
                                    let r0 = rowsAt + p * dim, r1 = r0 + dim
                                    var a0 = 0.0, a1 = 0.0, b0 = 0.0, b1 = 0.0
                                    for q in 0..<dim {
                                        let m0 = r0[q].asDouble, m1 = r1[q].asDouble
                                        a0 += m0 * ap[q]; b0 += m0 * bp[q]
                                        a1 += m1 * ap[q]; b1 += m1 * bp[q]
                                    }
                                    p1[p] += w * a0; p2[p] += w * b0
                                    p1[p + 1] += w * a1; p2[p + 1] += w * b1
                                    p += 2
                                }
                                while p < dim {
                                    let r = rowsAt + p * dim
                                    var a = 0.0, b = 0.0
                                    for q in 0..<dim { let mq = r[q].asDouble; a += mq * ap[q]; b += mq * bp[q] }
                                    p1[p] += w * a; p2[p] += w * b
                                    p += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One pass over each sample's C_i (rows × cols) serving Σ_i w·(C_iᵀ t) into `transposedOut` and Σ_i w·(C_i u) into
    /// `out`, in `accumulate`'s orders (transposed: by sample, row, column; rows: each summed over its columns).
    @inline(__always)
    func accumulateCross(_ m: Stored, rows: Int, cols: Int, _ t: [Double], _ u: [Double], _ idx: [Int],
                         transposedOut: inout [Double], out: inout [Double]) {
        switch m {
        case .double(let d): accumulateCrossSamples(d, rows: rows, cols: cols, t, u, idx, transposedOut: &transposedOut, out: &out)
        case .single(let f): accumulateCrossSamples(f, rows: rows, cols: cols, t, u, idx, transposedOut: &transposedOut, out: &out)
        }
    }

    @inline(__always)
    func accumulateCrossSamples<T: StoredScalar>(_ m: [T], rows: Int, cols: Int, _ t: [Double], _ u: [Double], _ idx: [Int],
                                                 transposedOut: inout [Double], out: inout [Double]) {
        let w = 1 / Double(max(idx.count, 1)), size = rows * cols, blocked = size <= 4096 || T.self == Float.self
        m.withUnsafeBufferPointer { mp in
            t.withUnsafeBufferPointer { tp in
                u.withUnsafeBufferPointer { up in
                    transposedOut.withUnsafeMutableBufferPointer { ot in
                        out.withUnsafeMutableBufferPointer { on in
                            for i in idx {
                                let rowsAt = mp.baseAddress! + i * size
                                var q = 0
                                // Small matrices four rows at a time: four independent dot chains, one load and store of each
                                // transposed element per four rows, every sum in the one-row order.
                                while blocked && q + 4 <= rows {
                                    let s0 = w * tp[q], s1 = w * tp[q + 1], s2 = w * tp[q + 2], s3 = w * tp[q + 3]
                                    let r0 = rowsAt + q * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols
                                    var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
                                    for p in 0..<cols {
                                        let c0 = r0[p].asDouble, c1 = r1[p].asDouble, c2 = r2[p].asDouble, c3 = r3[p].asDouble, u = up[p]
                                        var t = ot[p]
                                        t += c0 * s0
                                        t += c1 * s1
                                        t += c2 * s2
                                        t += c3 * s3
                                        ot[p] = t
                                        a0 += c0 * u; a1 += c1 * u; a2 += c2 * u; a3 += c3 * u
                                    }
                                    on[q] += w * a0; on[q + 1] += w * a1; on[q + 2] += w * a2; on[q + 3] += w * a3
                                    q += 4
                                }
                                while q < rows {
                                    let s = w * tp[q], row = rowsAt + q * cols
                                    var acc = 0.0
                                    for p in 0..<cols {
                                        let c = row[p].asDouble
                                        ot[p] += c * s
                                        acc += c * up[p]
                                    }
                                    on[q] += w * acc
                                    q += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func addLinear(_ l: [Double], mean: [Double], dim: Int, _ batch: Minibatch, lower: Bool, into out: inout [Double]) {
        if batch.isFull { for p in 0..<dim { out[p] += mean[p] }; return }
        let idx = lower ? batch.lower : batch.upper
        let w = 1 / Double(max(idx.count, 1))
        for i in idx { for p in 0..<dim { out[p] += w * l[i * dim + p] } }
    }

    /// ∇_y φ = A y + Cᵀx + a over the set.
    func gradY(_ s: SampleSet, _ x: [Double], _ y: [Double], _ batch: Minibatch, lower: Bool, into out: inout [Double]) {
        for p in 0..<s.dy { out[p] = 0 }
        accumulate(s.storedA, mean: s.meanA, rows: s.dy, cols: s.dy, transposed: false, y, batch, lower: lower, into: &out)
        accumulate(s.storedC, mean: s.meanC, rows: s.dx, cols: s.dy, transposed: true, x, batch, lower: lower, into: &out)
        addLinear(s.la, mean: s.meanLA, dim: s.dy, batch, lower: lower, into: &out)
    }

    /// ∇ₓ φ = B x + C y + b over the set.
    func gradX(_ s: SampleSet, _ x: [Double], _ y: [Double], _ batch: Minibatch, lower: Bool, into out: inout [Double]) {
        for p in 0..<s.dx { out[p] = 0 }
        accumulate(s.storedB, mean: s.meanB, rows: s.dx, cols: s.dx, transposed: false, x, batch, lower: lower, into: &out)
        accumulate(s.storedC, mean: s.meanC, rows: s.dx, cols: s.dy, transposed: false, y, batch, lower: lower, into: &out)
        addLinear(s.lb, mean: s.meanLB, dim: s.dx, batch, lower: lower, into: &out)
    }

    public func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) { gradY(inner, x, y, batch, lower: true, into: &out) }
    public func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) { gradX(outer, x, y, batch, lower: false, into: &out) }
    public func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) { gradY(outer, x, y, batch, lower: false, into: &out) }
    public var providesGradXG: Bool { true }
    public func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) { gradX(inner, x, y, batch, lower: true, into: &out) }

    public func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        for p in 0..<yDimension { out[p] = 0 }
        accumulate(inner.storedA, mean: inner.meanA, rows: yDimension, cols: yDimension, transposed: false, v, batch, lower: true, into: &out)
    }

    public func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        for p in 0..<xDimension { out[p] = 0 }
        accumulate(inner.storedC, mean: inner.meanC, rows: xDimension, cols: yDimension, transposed: false, v, batch, lower: true, into: &out)
    }

    /// One pass over the batch's A_i for ∇_y g and the HVP, one over its C_i for ∇_y g's Cᵀx and the JVP: two matrix reads
    /// per sample where the three calls make four, with the same bits.
    public func lowerOracles(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch,
                             gradY: inout [Double], hessianVector hv: inout [Double], jacobianVector jv: inout [Double]) {
        guard !batch.isFull else {
            gradYG(x, y, batch, into: &gradY); hessianVector(x, y, v, batch, into: &hv); jacobianVector(x, y, v, batch, into: &jv)
            return
        }
        for p in 0..<yDimension { gradY[p] = 0; hv[p] = 0 }
        for p in 0..<xDimension { jv[p] = 0 }
        accumulatePair(inner.storedA, dim: yDimension, y, v, batch.lower, into: &gradY, &hv)
        accumulateCross(inner.storedC, rows: xDimension, cols: yDimension, x, v, batch.lower, transposedOut: &gradY, out: &jv)
        addLinear(inner.la, mean: inner.meanLA, dim: yDimension, batch, lower: true, into: &gradY)
    }

    /// One pass over the batch's A_i for both points' A y; C_iᵀx and a per point, each sum in `gradY`'s order.
    public func gradYGPair(_ x1: [Double], _ y1: [Double], _ x2: [Double], _ y2: [Double], _ batch: Minibatch,
                           into out1: inout [Double], _ out2: inout [Double]) {
        guard !batch.isFull else { gradYG(x1, y1, batch, into: &out1); gradYG(x2, y2, batch, into: &out2); return }
        for p in 0..<yDimension { out1[p] = 0; out2[p] = 0 }
        accumulatePair(inner.storedA, dim: yDimension, y1, y2, batch.lower, into: &out1, &out2)
        accumulate(inner.storedC, mean: inner.meanC, rows: xDimension, cols: yDimension, transposed: true, x1, batch, lower: true, into: &out1)
        accumulate(inner.storedC, mean: inner.meanC, rows: xDimension, cols: yDimension, transposed: true, x2, batch, lower: true, into: &out2)
        addLinear(inner.la, mean: inner.meanLA, dim: yDimension, batch, lower: true, into: &out1)
        addLinear(inner.la, mean: inner.meanLA, dim: yDimension, batch, lower: true, into: &out2)
    }

    /// The Hessian (A, the same at every point) read once for both products.
    public func hessianVectorPair(_ x1: [Double], _ y1: [Double], _ v1: [Double], _ x2: [Double], _ y2: [Double], _ v2: [Double],
                                  _ batch: Minibatch, into out1: inout [Double], _ out2: inout [Double]) {
        guard !batch.isFull else { hessianVector(x1, y1, v1, batch, into: &out1); hessianVector(x2, y2, v2, batch, into: &out2); return }
        for p in 0..<yDimension { out1[p] = 0; out2[p] = 0 }
        accumulatePair(inner.storedA, dim: yDimension, v1, v2, batch.lower, into: &out1, &out2)
    }

    /// ∇_y f and ∇ₓ f with one pass over each outer C_i for both (three matrix reads per sample where two calls make four).
    public func upperGradients(_ x: [Double], _ y: [Double], _ batch: Minibatch, gradY: inout [Double], gradX: inout [Double]) {
        guard !batch.isFull else { gradYF(x, y, batch, into: &gradY); gradXF(x, y, batch, into: &gradX); return }
        for p in 0..<yDimension { gradY[p] = 0 }
        for p in 0..<xDimension { gradX[p] = 0 }
        accumulate(outer.storedA, mean: outer.meanA, rows: yDimension, cols: yDimension, transposed: false, y, batch, lower: false, into: &gradY)
        accumulate(outer.storedB, mean: outer.meanB, rows: xDimension, cols: xDimension, transposed: false, x, batch, lower: false, into: &gradX)
        accumulateCross(outer.storedC, rows: xDimension, cols: yDimension, x, y, batch.upper, transposedOut: &gradY, out: &gradX)
        addLinear(outer.la, mean: outer.meanLA, dim: yDimension, batch, lower: false, into: &gradY)
        addLinear(outer.lb, mean: outer.meanLB, dim: xDimension, batch, lower: false, into: &gradX)
    }

    /// The mean φ of a set at (x, y).
    func objective(_ s: SampleSet, _ x: [Double], _ y: [Double]) -> Double {
        var v = 0.0
        for p in 0..<s.dy { for q in 0..<s.dy { v += 0.5 * y[p] * s.meanA[p, q] * y[q] } }
        for p in 0..<s.dx { for q in 0..<s.dx { v += 0.5 * x[p] * s.meanB[p, q] * x[q] } }
        for p in 0..<s.dx { for q in 0..<s.dy { v += x[p] * s.meanC[p, q] * y[q] } }
        for p in 0..<s.dy { v += s.meanLA[p] * y[p] }
        for p in 0..<s.dx { v += s.meanLB[p] * x[p] }
        return v
    }

    public func lowerObjective(_ x: [Double], _ y: [Double]) -> Double { objective(inner, x, y) }
    public func upperObjective(_ x: [Double], _ y: [Double]) -> Double { objective(outer, x, y) }
    public func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix { inner.meanA }

    public func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double] {
        var rhs = [Double](repeating: 0, count: yDimension)
        for q in 0..<yDimension {
            var acc = inner.meanLA[q]
            for p in 0..<xDimension { acc += inner.meanC[p, q] * x[p] }
            rhs[q] = -acc
        }
        do { return try Cholesky(inner.meanA).solve(rhs) } catch { throw .lapack(error, "benchopt-quadratic: lower solution") }
    }
}

extension BenchoptQuadraticProblem: BilevelProblemType {
    public static let name = "benchopt-quadratic"
    public static let summary = "benchopt's simulated quadratic: finite sums of dense rank-1 quadratics, inner and outer sets independent"
    public static let parameters: [Parameter] = [
        .int("dim", 10, 2...200, "dimension of x and of y (benchopt: 10 or 100)"),
        .int("samples", 1024, 1...100_000, "inner and outer samples each"),
        .real("mu-g", 0.1, .positive, "μ: smallest eigenvalue of the mean A and B"),
        .real("L-g", 1, .positive, "L: largest eigenvalue of the mean A and B"),
        .real("L-cross", 0.1, .positive, "largest singular value of the mean C"),
        .choice("precision", "float64", ["float64", "float32"], "storage of the samples' matrices and vectors: float32 is benchopt's default (half the bytes per oracle call); sums stay float64"),
    ]
    public static let defaultBudget = 1_000_000
    public static let defaultData: String? = nil
    public static let isFiniteSum = true
    public static let upperStepScale = 1.0

    public static func make(_ parameters: ParameterValues, data: ProblemData?, stream: RandomStream) throws(BilevelError) -> BenchoptQuadraticProblem {
        try BenchoptQuadraticProblem(dimension: parameters.int("dim"), samples: parameters.int("samples"), mu: parameters.real("mu-g"),
                                     smoothness: parameters.real("L-g"), crossSmoothness: parameters.real("L-cross"),
                                     float32: parameters.string("precision") == "float32", stream: stream)
    }
}
