import Components
import Foundation
import LinearAlgebra
import Randomness

/// The synthetic instance the complexity claim runs on: quadratic lower level, nonconvex upper level.
///
/// g(x, y) = ½ yᵀHy − yᵀ(Cx + b), f(x, y) = ½‖Dy − t‖² + λ Σ xᵢ²/(1 + xᵢ²). A sample perturbs
/// H and C multiplicatively by rank-one terms and every gradient additively: with additive
/// noise only, the same-sample differences MRBO and VRBO take would be exact and flatter them.
public struct QuadraticProblem: BilevelProblem {
    /// Instance settings; the defaults are the well-conditioned instance the claim relies on.
    public struct Configuration: Sendable, Equatable {
        /// Dimension of x.
        public var xDimension = 10
        /// Dimension of y (and of the target t).
        public var yDimension = 10
        /// Eigenvalues of H are evenly spaced in this range (μ and L of the lower level).
        public var hessianSpectrum: (Double, Double) = (1, 2)
        /// Singular values of C and D are evenly spaced in this range.
        public var couplingSpectrum: (Double, Double) = (1.0, 1.5)
        /// Weight λ of the nonconvex regulariser.
        public var lambda = 0.5
        /// Multiplicative noise scale s on H and C.
        public var multiplicativeNoise = 0.5
        /// Additive noise σ on every gradient.
        public var additiveNoise = 1.0
        /// x₀ = scale · N(0, I).
        public var initialScale = 2.0

        /// The defaults.
        public init() {}

        public static func == (a: Configuration, b: Configuration) -> Bool {
            a.xDimension == b.xDimension && a.yDimension == b.yDimension && a.hessianSpectrum == b.hessianSpectrum
                && a.couplingSpectrum == b.couplingSpectrum && a.lambda == b.lambda && a.multiplicativeNoise == b.multiplicativeNoise
                && a.additiveNoise == b.additiveNoise && a.initialScale == b.initialScale
        }

        /// Throws on a setting outside its domain.
        public func validate() throws(BilevelError) {
            try requireAtLeast(xDimension, 1, "quadratic x dimension")
            try requireAtLeast(yDimension, 1, "quadratic y dimension")
            guard xDimension <= 5000, yDimension <= 5000 else { throw .invalidOption("quadratic dimensions must be at most 5000") }
            try requirePositive(hessianSpectrum.0, "smallest eigenvalue of H")
            guard hessianSpectrum.1 >= hessianSpectrum.0 else { throw .invalidOption("H spectrum must be increasing") }
            try requirePositive(couplingSpectrum.0, "smallest singular value of C and D")
            guard couplingSpectrum.1 >= couplingSpectrum.0 else { throw .invalidOption("C/D spectrum must be increasing") }
            try requireIn(lambda, 0, 1e6, "lambda")
            try requireIn(multiplicativeNoise, 0, 1e6, "multiplicative noise")
            try requireIn(additiveNoise, 0, 1e6, "additive noise")
            try requireIn(initialScale, 0, 1e6, "initial scale")
        }
    }

    public let configuration: Configuration
    public var xDimension: Int { configuration.xDimension }
    public var yDimension: Int { configuration.yDimension }
    public let lowerSampleCount: Int? = nil
    public let upperSampleCount: Int? = nil
    public let initialX: [Double]
    public let initialY: [Double]
    public let lowerSmoothness: Double
    public let lowerStrongConvexity: Double
    public let metric = ProblemMetric.gradientNormSquared

    let h: DenseOperator, c: DenseOperator, d: DenseOperator
    let b: [Double], t: [Double]
    /// DᵀD and Dᵀt: ∇_y f = DᵀD y − Dᵀt without a temporary.
    let dtd: DenseOperator, dtt: [Double]
    /// H⁻¹C and H⁻¹b: y*(x) = K x + k0.
    let k: DenseOperator, k0: [Double]
    /// CᵀH⁻¹Dᵀ: ∇Φ = ∇r + P (D y* − t).
    let p: DenseOperator
    /// Extreme eigenvalues of A = CᵀH⁻¹DᵀDH⁻¹C (the curvature of the data term of Φ).
    public let curvatureRange: (Double, Double)
    let hMatrix: Matrix
    /// Noise block per sample: H factors a, b (dy each), C factors (dy, dx) as ±1, then Gaussian z_g (dy), z_fy (dy), z_fx (dx).
    let stride: Int

    /// A seeded instance.
    public init(configuration: Configuration = Configuration(), stream: RandomStream) throws(BilevelError) {
        try configuration.validate()
        self.configuration = configuration
        let p = configuration.xDimension, q = configuration.yDimension
        func orthogonal(_ n: Int, _ s: RandomStream) throws(BilevelError) -> Matrix {
            do {
                let g = try Matrix(rows: n, cols: n, columnMajor: s.gaussianVector(n * n))
                return try SVD(g).u
            } catch { throw .lapack(error, "quadratic: random orthogonal matrix") }
        }
        /// U diag(s) Vᵀ with s evenly spaced in `range`, for an m×n matrix.
        func withSingularValues(_ m: Int, _ n: Int, _ range: (Double, Double), _ s: RandomStream) throws(BilevelError) -> Matrix {
            let u = try orthogonal(m, s), v = try orthogonal(n, s)
            let r = min(m, n)
            let sv = r == 1 ? [range.0] : Vector.linspace(range.0, range.1, count: r)
            return Matrix(rows: m, cols: n) { i, j in
                var acc = 0.0
                for l in 0..<r { acc += u[i, l] * sv[l] * v[j, l] }
                return acc
            }
        }
        // H = U diag Uᵀ: the same orthogonal factor on both sides keeps it symmetric positive definite.
        let uh = try orthogonal(q, stream.split("H-basis"))
        let eig = q == 1 ? [configuration.hessianSpectrum.0] : Vector.linspace(configuration.hessianSpectrum.0, configuration.hessianSpectrum.1, count: q)
        var hm = Matrix(rows: q, cols: q) { i, j in
            var acc = 0.0
            for l in 0..<q { acc += uh[i, l] * eig[l] * uh[j, l] }
            return acc
        }
        for j in 0..<q { for i in (j + 1)..<q { let s = (hm[i, j] + hm[j, i]) / 2; hm[i, j] = s; hm[j, i] = s } }
        let cm = try withSingularValues(q, p, configuration.couplingSpectrum, stream.split("C"))
        let dm = try withSingularValues(q, q, configuration.couplingSpectrum, stream.split("D"))
        b = stream.split("b").gaussianVector(q)
        t = stream.split("t").gaussianVector(q)
        let x0 = stream.split("x0").gaussianVector(p).map { $0 * configuration.initialScale }
        initialX = x0
        hMatrix = hm
        h = DenseOperator(hm); c = DenseOperator(cm); d = DenseOperator(dm)
        do {
            dtd = DenseOperator(try dm.multiplied(by: dm, transposeSelf: .transpose))
            dtt = try dm.multiplied(by: t, transpose: .transpose)
            let chol = try Cholesky(hm)
            let km = try chol.solve(cm)
            k = DenseOperator(km)
            k0 = try chol.solve(b)
            // P = (H⁻¹C)ᵀ Dᵀ.
            let pm = try km.multiplied(by: dm, transposeSelf: .transpose, transposeOther: .transpose)
            self.p = DenseOperator(pm)
            let dk = try dm.multiplied(by: km)
            let a = try dk.multiplied(by: dk, transposeSelf: .transpose)
            let ae = try SymmetricEigen(a).values
            curvatureRange = (ae.first ?? .nan, ae.last ?? .nan)
        } catch { throw .lapack(error, "quadratic: instance set-up") }
        lowerStrongConvexity = configuration.hessianSpectrum.0
        lowerSmoothness = configuration.hessianSpectrum.1
        stride = 5 * q + 2 * p
        var y0 = [Double](repeating: 0, count: q)
        k.apply(x0, into: &y0)
        for i in 0..<q { y0[i] += k0[i] }
        initialY = y0
    }

    public var summary: [(String, String)] {
        let f = { (x: Double) in String(format: "%.3g", x) }
        return [
            ("dimensions", "x ∈ R^\(xDimension), y ∈ R^\(yDimension)"),
            ("lower Hessian H", "eigenvalues in [\(f(configuration.hessianSpectrum.0)), \(f(configuration.hessianSpectrum.1))], κ_g = \(f(lowerSmoothness / lowerStrongConvexity))"),
            ("A = CᵀH⁻¹DᵀDH⁻¹C", "eigenvalues in [\(f(curvatureRange.0)), \(f(curvatureRange.1))], κ_A = \(f(curvatureRange.1 / curvatureRange.0))"),
            ("noise", "multiplicative s = \(f(configuration.multiplicativeNoise)), additive σ = \(f(configuration.additiveNoise))"),
            ("regulariser", "λ = \(f(configuration.lambda)) (nonconvex λΣx²/(1+x²))"),
        ]
    }

    // The rank-one factors are Rademacher (±1) vectors: the same second moments as Gaussian
    // ones at 1/64 of a generator call each, which keeps big batches (VRBO's S₁) affordable.
    public func drawBatch(size: Int, stream: RandomStream) -> Minibatch {
        let q = yDimension, p = xDimension
        var noise = [Double](repeating: 0, count: size * stride)
        noise.withUnsafeMutableBufferPointer { nb in
            for m in 0..<size {
                let sample = nb.baseAddress! + m * stride
                Self.fillSigns(sample, 3 * q + p, stream)
                for i in (3 * q + p)..<stride { sample[i] = stream.gaussian() }
            }
        }
        return Minibatch(size: size, noise: noise, noiseStride: stride)
    }

    public func drawHessianBatch(size: Int, stream: RandomStream) -> Minibatch {
        let w = 2 * yDimension
        var noise = [Double](repeating: 0, count: size * w)
        noise.withUnsafeMutableBufferPointer { nb in
            for m in 0..<size { Self.fillSigns(nb.baseAddress! + m * w, w, stream) }
        }
        return Minibatch(size: size, noise: noise, noiseStride: w)
    }

    /// Writes `count` independent ±1 values at `out`, one generator call per 64.
    @inline(__always)
    static func fillSigns(_ out: UnsafeMutablePointer<Double>, _ count: Int, _ stream: RandomStream) {
        var i = 0
        while i < count {
            var bits = stream.next()
            let end = min(count, i + 64)
            while i < end {
                // Arithmetic, not a select: compiled to a branch, the random bits mispredicted half the time.
                out[i] = Double(2 * Int(bits & 1) - 1)
                bits >>= 1
                i += 1
            }
        }
    }

    /// out = H_ξ v averaged over the batch (H_ξ = H + s·(a bᵀ + b aᵀ)/2), optionally accumulated.
    @inline(__always)
    func noisyH(_ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        h.apply(v, into: &out)
        let s = configuration.multiplicativeNoise
        guard !batch.isFull, s != 0, batch.size > 0 else { return }
        let q = yDimension, w = s / 2 / Double(batch.size)
        // By pointer: overflow-checked index sums and array checks kept these loops scalar.
        batch.noise.withUnsafeBufferPointer { nz in
            v.withUnsafeBufferPointer { vp in
                out.withUnsafeMutableBufferPointer { op in
                    let st = batch.noiseStride
                    for m in 0..<batch.size {
                        let a = nz.baseAddress! + m * st, b = a + q
                        var av = 0.0, bv = 0.0
                        for i in 0..<q { av += a[i] * vp[i]; bv += b[i] * vp[i] }
                        for i in 0..<q { op[i] += w * (a[i] * bv + b[i] * av) }
                    }
                }
            }
        }
    }

    public func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        noisyH(y, batch, into: &out)
        c.apply(x, into: &out, alpha: -1, accumulate: true)
        let q = yDimension, p = xDimension
        for i in 0..<q { out[i] -= b[i] }
        guard !batch.isFull, batch.size > 0 else { return }
        let s = configuration.multiplicativeNoise / 2.0.squareRoot(), sigma = configuration.additiveNoise
        let inv = 1 / Double(batch.size)
        batch.noise.withUnsafeBufferPointer { nz in
            x.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    for m in 0..<batch.size {
                        // C_ξ = C + s·u wᵀ/√2 with u = nz[2q..<3q], w = nz[3q..<3q+p]; then the additive noise.
                        let u = nz.baseAddress! + m * stride + 2 * q, wv = u + q, zg = wv + p
                        var wx = 0.0
                        for j in 0..<p { wx += wv[j] * xp[j] }
                        for i in 0..<q { op[i] += inv * (sigma * zg[i] - s * wx * u[i]) }
                    }
                }
            }
        }
    }

    public func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let lambda = configuration.lambda
        for i in 0..<xDimension {
            let d2 = 1 + x[i] * x[i]
            out[i] = 2 * lambda * x[i] / (d2 * d2)
        }
        guard !batch.isFull, batch.size > 0 else { return }
        let sigma = configuration.additiveNoise / Double(batch.size), q = yDimension, p = xDimension
        batch.noise.withUnsafeBufferPointer { nz in
            for m in 0..<batch.size {
                let base = m * stride + 5 * q + p
                for i in 0..<p { out[i] += sigma * nz[base + i] }
            }
        }
    }

    public func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        dtd.apply(y, into: &out)
        for i in 0..<yDimension { out[i] -= dtt[i] }
        guard !batch.isFull, batch.size > 0 else { return }
        let sigma = configuration.additiveNoise / Double(batch.size), q = yDimension, p = xDimension
        batch.noise.withUnsafeBufferPointer { nz in
            for m in 0..<batch.size {
                let base = m * stride + 4 * q + p
                for i in 0..<q { out[i] += sigma * nz[base + i] }
            }
        }
    }

    public func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        noisyH(v, batch, into: &out)
    }

    public func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        // ∇ₓ∇_y g = −C_ξᵀ.
        c.applyTransposed(v, into: &out, alpha: -1)
        guard !batch.isFull, batch.size > 0 else { return }
        let s = configuration.multiplicativeNoise / 2.0.squareRoot() / Double(batch.size), q = yDimension, p = xDimension
        batch.noise.withUnsafeBufferPointer { nz in
            v.withUnsafeBufferPointer { vp in
                out.withUnsafeMutableBufferPointer { op in
                    for m in 0..<batch.size {
                        let u = nz.baseAddress! + m * stride + 2 * q, wv = u + q
                        var uv = 0.0
                        for i in 0..<q { uv += u[i] * vp[i] }
                        for j in 0..<p { op[j] -= s * uv * wv[j] }
                    }
                }
            }
        }
    }

    public var providesGradXG: Bool { true }

    /// g is bilinear in (x, y) apart from ½yᵀHy, so ∇ₓg = −C_ξᵀy is the Jacobian product applied to y.
    public func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        jacobianVector(x, y, y, batch, into: &out)
    }

    public func lowerObjective(_ x: [Double], _ y: [Double]) -> Double {
        var hy = [Double](repeating: 0, count: yDimension), cx = hy
        h.apply(y, into: &hy)
        c.apply(x, into: &cx)
        var s = 0.0
        for i in 0..<yDimension { s += 0.5 * y[i] * hy[i] - y[i] * (cx[i] + b[i]) }
        return s
    }

    public func upperObjective(_ x: [Double], _ y: [Double]) -> Double {
        var r = [Double](repeating: 0, count: d.rows)
        d.apply(y, into: &r)
        var s = 0.0
        for i in 0..<r.count { s += 0.5 * (r[i] - t[i]) * (r[i] - t[i]) }
        for xi in x { s += configuration.lambda * xi * xi / (1 + xi * xi) }
        return s
    }

    public func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix { hMatrix }

    public func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double] {
        var y = [Double](repeating: 0, count: yDimension)
        k.apply(x, into: &y)
        for i in 0..<yDimension { y[i] += k0[i] }
        return y
    }

    public func hypergradient(_ x: [Double]) throws(BilevelError) -> [Double] {
        let y = try lowerSolution(x)
        var r = [Double](repeating: 0, count: d.rows)
        d.apply(y, into: &r)
        for i in 0..<r.count { r[i] -= t[i] }
        var g = [Double](repeating: 0, count: xDimension)
        p.apply(r, into: &g)
        let lambda = configuration.lambda
        for i in 0..<xDimension {
            let d2 = 1 + x[i] * x[i]
            g[i] += 2 * lambda * x[i] / (d2 * d2)
        }
        return g
    }
}

extension QuadraticProblem: BilevelProblemType {
    public static let name = "quadratic"
    public static let summary = "quadratic lower level, nonconvex upper level, fresh multiplicative and additive noise per sample"
    public static let parameters: [Parameter] = [.int("dim", 10, 1...5000, "dimension of x and of y")]
    public static let defaultBudget = 1_000_000
    public static let defaultData: String? = nil
    public static let isFiniteSum = false
    public static let upperStepScale = 1.0

    public static func make(_ parameters: ParameterValues, data: ProblemData?, stream: RandomStream) throws(BilevelError) -> QuadraticProblem {
        var c = Configuration()
        c.xDimension = parameters.int("dim")
        c.yDimension = parameters.int("dim")
        return try QuadraticProblem(configuration: c, stream: stream)
    }
}
