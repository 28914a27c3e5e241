@testable import Bilevel
import Components
import Randomness
import Testing

/// benchopt-quadratic's kernels: blocked and fused passes must give exactly the plain one-row-at-a-time sums, so that
/// SOBA and SABA (which call the fused oracles) keep every record bit for bit.
@Suite struct FusedOraclesTests {
    /// Σ_i w·(M_i u) row by row, each row summed over its columns in order.
    static func rows(_ m: [Double], _ r: Int, _ c: Int, _ u: [Double], _ idx: [Int], into out: inout [Double]) {
        let w = 1 / Double(idx.count)
        for i in idx { for p in 0..<r { var acc = 0.0; for q in 0..<c { acc += m[i * r * c + p * c + q] * u[q] }; out[p] += w * acc } }
    }

    /// Σ_i w·(M_iᵀ t) one row of M_i at a time.
    static func transposed(_ m: [Double], _ r: Int, _ c: Int, _ t: [Double], _ idx: [Int], into out: inout [Double]) {
        let w = 1 / Double(idx.count)
        for i in idx { for q in 0..<r { let s = w * t[q]; for p in 0..<c { out[p] += m[i * r * c + q * c + p] * s } } }
    }

    static func linear(_ l: [Double], _ d: Int, _ idx: [Int], into out: inout [Double]) {
        let w = 1 / Double(idx.count)
        for i in idx { for p in 0..<d { out[p] += w * l[i * d + p] } }
    }

    // d = 7 and 10 run the four-row blocks and the single-row remainders; d = 100 runs single rows only.
    @Test("the five oracles, separate and fused, equal the plain row-by-row sums bit for bit", arguments: [7, 10, 100])
    func fusedAndBlockedEqualThePlainSums(d: Int) throws {
        let p = try BenchoptQuadraticProblem(dimension: d, samples: 128, stream: RandomStream(seed: 2442))
        let s = RandomStream(seed: 6)
        let batch = p.drawBatch(size: 16, stream: s)
        let x = s.gaussianVector(d), y = s.gaussianVector(d), v = s.gaussianVector(d)
        let (inner, outer, lo, up) = (p.inner, p.outer, batch.lower, batch.upper)
        let zero = [Double](repeating: 0, count: d)
        var gyRef = zero, hvRef = zero, jvRef = zero, fyRef = zero, fxRef = zero
        Self.rows(inner.a, d, d, y, lo, into: &gyRef); Self.transposed(inner.c, d, d, x, lo, into: &gyRef); Self.linear(inner.la, d, lo, into: &gyRef)
        Self.rows(inner.a, d, d, v, lo, into: &hvRef)
        Self.rows(inner.c, d, d, v, lo, into: &jvRef)
        Self.rows(outer.a, d, d, y, up, into: &fyRef); Self.transposed(outer.c, d, d, x, up, into: &fyRef); Self.linear(outer.la, d, up, into: &fyRef)
        Self.rows(outer.b, d, d, x, up, into: &fxRef); Self.rows(outer.c, d, d, y, up, into: &fxRef); Self.linear(outer.lb, d, up, into: &fxRef)

        var gy = [Double](repeating: .nan, count: d), hv = gy, jv = gy, fy = gy, fx = gy
        p.gradYG(x, y, batch, into: &gy); p.hessianVector(x, y, v, batch, into: &hv); p.jacobianVector(x, y, v, batch, into: &jv)
        p.gradYF(x, y, batch, into: &fy); p.gradXF(x, y, batch, into: &fx)
        #expect(gy == gyRef && hv == hvRef && jv == jvRef && fy == fyRef && fx == fxRef, "separate calls at d = \(d)")

        var gy2 = [Double](repeating: .nan, count: d), hv2 = gy2, jv2 = gy2, fy2 = gy2, fx2 = gy2
        p.lowerOracles(x, y, v, batch, gradY: &gy2, hessianVector: &hv2, jacobianVector: &jv2)
        p.upperGradients(x, y, batch, gradY: &fy2, gradX: &fx2)
        #expect(gy2 == gyRef && hv2 == hvRef && jv2 == jvRef && fy2 == fyRef && fx2 == fxRef, "fused calls at d = \(d)")
        // The references are not trivially equal to each other: a wrong pairing (HVP in place of ∇_yG) would be caught.
        #expect(gyRef != hvRef && fyRef != fxRef)

        // Counted as the calls they replace.
        let oracles = CountingOracles(p)
        oracles.lowerOracles(x, y, v, batch, gradY: &gy2, hessianVector: &hv2, jacobianVector: &jv2)
        oracles.upperGradients(x, y, batch, gradY: &fy2, gradX: &fx2)
        let c = oracles.counts
        #expect(c.gradYG == 16 && c.hessianVector == 16 && c.jacobianVector == 16 && c.gradYF == 16 && c.gradXF == 16 && c.total == 80)
    }
}
