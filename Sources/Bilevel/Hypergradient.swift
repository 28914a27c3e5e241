import Foundation
import LinearAlgebra
import Randomness

/// The stocBiO Neumann-series hypergradient estimator.
///
/// v_Q = η Σ_{q=0}^{Q} Π_{j=1}^{q} (I − η H_j) ∇_y F with an independent minibatch for every
/// Hessian factor H_j, then ∇̂Φ = ∇ₓF − ∇ₓ∇_y G · v_Q. The factor η matters: without it the
/// series estimates H⁻¹/η. Reusing one minibatch for all factors would bias the product.
/// With `randomTruncation` (BSA) a single product of random length p ~ U{0…Q−1} is scaled by Q,
/// unbiased for the Q-term series at a fraction of the cost.
public struct NeumannEstimator: Sendable {
    /// Neumann step η (≤ 1/L for the series to converge).
    public var eta: Double
    /// Number of Hessian factors Q.
    public var terms: Int
    /// Samples per Hessian factor.
    public var hessianBatch: Int
    /// BSA's randomly truncated single product instead of the full sum.
    public var randomTruncation: Bool

    /// Checked settings.
    public init(eta: Double, terms: Int, hessianBatch: Int = 1, randomTruncation: Bool = false) throws(BilevelError) {
        try requirePositive(eta, "Neumann step eta")
        try requireAtLeast(terms, 1, "Neumann terms Q")
        try requireAtLeast(hessianBatch, 1, "Hessian batch size")
        self.eta = eta
        self.terms = terms
        self.hessianBatch = hessianBatch
        self.randomTruncation = randomTruncation
    }

    /// The bias factor (1 − ημ)^Q of the truncated series, for a lower level with strong convexity μ.
    public func biasFactor(mu: Double) -> Double { pow(max(0, 1 - eta * mu), Double(terms)) }

    /// The samples one estimate uses, drawn up front so MRBO/VRBO can evaluate it at two points.
    public struct Sample: Sendable {
        /// Samples for ∇ₓF, ∇_yF and the Jacobian product.
        public var outer: Minibatch
        /// One independent batch per Hessian factor.
        public var hessian: [Minibatch]

        /// A sample from given batches (tests use full batches to get the exact series).
        public init(outer: Minibatch, hessian: [Minibatch]) {
            self.outer = outer
            self.hessian = hessian
        }
    }

    /// Draws the samples of one estimate with `batch` outer samples.
    /// `factorBatch` replaces `hessianBatch` (VRBO estimates everything on one batch size).
    public func draw(_ oracles: CountingOracles, batch: Int, factorBatch: Int? = nil, stream: RandomStream) -> Sample {
        let outer = oracles.draw(batch, stream)
        let factors = randomTruncation ? stream.uniformInt(terms) : terms
        var hessian = [Minibatch]()
        hessian.reserveCapacity(factors)
        for _ in 0..<factors { hessian.append(oracles.drawHessian(factorBatch ?? hessianBatch, stream)) }
        return Sample(outer: outer, hessian: hessian)
    }

    /// ∇̂Φ(x, y) on `sample` into `out`; `work` holds the scratch vectors.
    public func estimate(_ oracles: CountingOracles, _ x: [Double], _ y: [Double], _ sample: Sample, work: Workspace, into out: inout [Double]) {
        oracles.gradYF(x, y, sample.outer, into: &work.r)
        Self.begin(work.r, &work.p, &work.v, truncated: randomTruncation)
        for hb in sample.hessian {
            oracles.hessianVector(x, y, work.p, hb, into: &work.hp)
            Self.factor(work.hp, &work.p, &work.v, eta: eta, truncated: randomTruncation)
        }
        Self.finish(work.p, &work.v, scale: randomTruncation ? eta * Double(terms) : eta, truncated: randomTruncation)
        oracles.gradXF(x, y, sample.outer, into: &out)
        oracles.jacobianVector(x, y, work.v, sample.outer, into: &work.jv)
        Self.subtract(work.jv, from: &out)
    }

    /// `estimate` at two points on one sample (MRBO's and VRBO's new and old iterates), into `out1` and `out2`: the same
    /// two results, each chain's steps in its own order, with every Hessian factor of both chains taken as one pair call.
    public func estimatePair(_ oracles: CountingOracles, _ x1: [Double], _ y1: [Double], _ x2: [Double], _ y2: [Double], _ sample: Sample,
                             work w1: Workspace, _ w2: Workspace, into out1: inout [Double], _ out2: inout [Double]) {
        let truncated = randomTruncation
        oracles.gradYF(x1, y1, sample.outer, into: &w1.r)
        oracles.gradYF(x2, y2, sample.outer, into: &w2.r)
        Self.begin(w1.r, &w1.p, &w1.v, truncated: truncated)
        Self.begin(w2.r, &w2.p, &w2.v, truncated: truncated)
        for hb in sample.hessian {
            oracles.hessianVectorPair(x1, y1, w1.p, x2, y2, w2.p, hb, into: &w1.hp, &w2.hp)
            Self.factor(w1.hp, &w1.p, &w1.v, eta: eta, truncated: truncated)
            Self.factor(w2.hp, &w2.p, &w2.v, eta: eta, truncated: truncated)
        }
        let scale = truncated ? eta * Double(terms) : eta
        Self.finish(w1.p, &w1.v, scale: scale, truncated: truncated)
        Self.finish(w2.p, &w2.v, scale: scale, truncated: truncated)
        oracles.gradXF(x1, y1, sample.outer, into: &out1)
        oracles.jacobianVector(x1, y1, w1.v, sample.outer, into: &w1.jv)
        Self.subtract(w1.jv, from: &out1)
        oracles.gradXF(x2, y2, sample.outer, into: &out2)
        oracles.jacobianVector(x2, y2, w2.v, sample.outer, into: &w2.jv)
        Self.subtract(w2.jv, from: &out2)
    }

    // The chain's steps take the workspace's vectors as arguments: one exclusivity check per vector and step, where
    // indexing the class's properties element by element paid one per element (about 6% of MRBO's time at d = 10).

    /// The series' first term from r = ∇_yF: p = r, and v = r (0 for the truncated product).
    @inline(__always)
    static func begin(_ r: [Double], _ p: inout [Double], _ v: inout [Double], truncated: Bool) {
        for i in 0..<r.count { p[i] = r[i]; v[i] = truncated ? 0 : r[i] }
    }

    /// One Hessian factor: p ← p − η·Hp, and v accumulates p (not for the truncated product).
    @inline(__always)
    static func factor(_ hp: [Double], _ p: inout [Double], _ v: inout [Double], eta: Double, truncated: Bool) {
        for i in 0..<p.count {
            p[i] -= eta * hp[i]
            if !truncated { v[i] += p[i] }
        }
    }

    /// v ← scale·v (scale·p for the truncated product).
    @inline(__always)
    static func finish(_ p: [Double], _ v: inout [Double], scale: Double, truncated: Bool) {
        for i in 0..<v.count { v[i] = scale * (truncated ? p[i] : v[i]) }
    }

    @inline(__always)
    static func subtract(_ a: [Double], from out: inout [Double]) {
        for i in 0..<out.count { out[i] -= a[i] }
    }

    /// Scratch vectors for `estimate`, allocated once per run.
    public final class Workspace {
        var r: [Double], p: [Double], hp: [Double], v: [Double], jv: [Double]
        /// Buffers for a problem with these dimensions.
        public init(xDimension: Int, yDimension: Int) {
            r = [Double](repeating: 0, count: yDimension)
            p = r; hp = r; v = r
            jv = [Double](repeating: 0, count: xDimension)
        }
    }
}

/// Conjugate gradients on the exact lower Hessian: v ≈ [∇²_y g]⁻¹ b, each iteration one counted full-batch HVP.
public struct ConjugateGradient: Sendable {
    /// Maximum iterations.
    public var iterations: Int
    /// Stop when ‖residual‖ ≤ tolerance·‖b‖.
    public var tolerance: Double

    /// Checked settings.
    public init(iterations: Int, tolerance: Double = 1e-10) throws(BilevelError) {
        try requireAtLeast(iterations, 1, "CG iterations")
        self.iterations = iterations
        self.tolerance = tolerance
    }

    /// Solves H v = b from the warm start `v`, in place.
    public func solve(_ oracles: CountingOracles, _ x: [Double], _ y: [Double], _ b: [Double], _ v: inout [Double]) {
        let n = b.count, full = oracles.problem.fullBatch
        var hv = [Double](repeating: 0, count: n)
        oracles.hessianVector(x, y, v, full, into: &hv)
        var r = (0..<n).map { b[$0] - hv[$0] }
        var d = r
        var rr = Vec.normSquared(r)
        let stop = tolerance * tolerance * max(Vec.normSquared(b), 1e-300)
        for _ in 0..<iterations where rr > stop {
            oracles.hessianVector(x, y, d, full, into: &hv)
            let dhd = Vec.dot(d, hv)
            guard dhd > 0 else { break }
            let a = rr / dhd
            for i in 0..<n { v[i] += a * d[i]; r[i] -= a * hv[i] }
            let rrNew = Vec.normSquared(r)
            let beta = rrNew / rr
            rr = rrNew
            for i in 0..<n { d[i] = r[i] + beta * d[i] }
        }
    }
}
