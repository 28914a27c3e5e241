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
    // float32 storage: the float64 arrays hold the same rounded values, and widening a float32 is exact, so the plain
    // sums over them are what the float32 kernels (four-row blocks at every size) must give.
    @Test("the five oracles, separate and fused, equal the plain row-by-row sums bit for bit, in both storages",
          arguments: [7, 10, 100], [false, true])
    func fusedAndBlockedEqualThePlainSums(d: Int, float32: Bool) throws {
        let p = try BenchoptQuadraticProblem(dimension: d, samples: 128, float32: float32, stream: RandomStream(seed: 2442))
        if float32 {
            for set in [p.inner, p.outer] {
                let single = try #require(set.single)
                #expect(single.a.map(Double.init) == set.a && single.b.map(Double.init) == set.b && single.c.map(Double.init) == set.c)
                #expect(set.la.allSatisfy { Double(Float($0)) == $0 } && set.lb.allSatisfy { Double(Float($0)) == $0 })
            }
            // The rounding is real: the float64 instance from the same stream differs.
            #expect(try BenchoptQuadraticProblem(dimension: d, samples: 128, stream: RandomStream(seed: 2442)).inner.a != p.inner.a)
        } else {
            #expect(p.inner.single == nil)
        }
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

    /// MRBO and VRBO evaluate ∇_yG and the Neumann series at their new and old iterates on one sample: the pair calls
    /// must equal two separate calls exactly, on the fused problem and through the default of any other.
    @Test("two-point pairs (∇_yG, HVP) equal two separate calls bit for bit and count as two", arguments: [7, 10, 100], [false, true])
    func pairsEqualTwoCalls(d: Int, float32: Bool) throws {
        let p = try BenchoptQuadraticProblem(dimension: d, samples: 128, float32: float32, stream: RandomStream(seed: 2442))
        let s = RandomStream(seed: 8)
        let batch = p.drawBatch(size: 16, stream: s)
        let x1 = s.gaussianVector(d), y1 = s.gaussianVector(d), x2 = s.gaussianVector(d), y2 = s.gaussianVector(d)
        let v1 = s.gaussianVector(d), v2 = s.gaussianVector(d)
        var a1 = [Double](repeating: .nan, count: d), a2 = a1, b1 = a1, b2 = a1
        p.gradYG(x1, y1, batch, into: &a1); p.gradYG(x2, y2, batch, into: &a2)
        p.gradYGPair(x1, y1, x2, y2, batch, into: &b1, &b2)
        #expect(a1 == b1 && a2 == b2 && a1 != a2, "∇_yG pair at d = \(d)")
        p.hessianVector(x1, y1, v1, batch, into: &a1); p.hessianVector(x2, y2, v2, batch, into: &a2)
        p.hessianVectorPair(x1, y1, v1, x2, y2, v2, batch, into: &b1, &b2)
        #expect(a1 == b1 && a2 == b2 && a1 != a2, "HVP pair at d = \(d)")
        let oracles = CountingOracles(p)
        oracles.gradYGPair(x1, y1, x2, y2, batch, into: &b1, &b2)
        oracles.hessianVectorPair(x1, y1, v1, x2, y2, v2, batch, into: &b1, &b2)
        #expect(oracles.counts.gradYG == 32 && oracles.counts.hessianVector == 32 && oracles.counts.total == 64)
    }

    /// The paired Neumann estimate is the two single estimates, on the fused problem and on one that only has the defaults.
    @Test("Neumann estimatePair equals estimate at each point, with the same counts")
    func neumannPairEqualsTwoEstimates() throws {
        let problems: [any BilevelProblem] = [try BenchoptQuadraticProblem(dimension: 10, samples: 128, stream: RandomStream(seed: 2442)),
                                              try Fixtures.logreg()]
        for p in problems {
            for truncated in [false, true] {
                let neumann = try NeumannEstimator(eta: 0.1, terms: 6, hessianBatch: 4, randomTruncation: truncated)
                let single = CountingOracles(p), paired = CountingOracles(p)
                let s = RandomStream(seed: 12)
                let sample = neumann.draw(single, batch: 8, stream: s)
                let x1 = Fixtures.point(p.xDimension, s.split("x1")), y1 = Fixtures.point(p.yDimension, s.split("y1"))
                let x2 = Fixtures.point(p.xDimension, s.split("x2")), y2 = Fixtures.point(p.yDimension, s.split("y2"))
                let w1 = NeumannEstimator.Workspace(xDimension: p.xDimension, yDimension: p.yDimension)
                let w2 = NeumannEstimator.Workspace(xDimension: p.xDimension, yDimension: p.yDimension)
                var e1 = [Double](repeating: .nan, count: p.xDimension), e2 = e1, f1 = e1, f2 = e1
                neumann.estimate(single, x1, y1, sample, work: w1, into: &e1)
                neumann.estimate(single, x2, y2, sample, work: w1, into: &e2)
                neumann.estimatePair(paired, x1, y1, x2, y2, sample, work: w1, w2, into: &f1, &f2)
                #expect(e1 == f1 && e2 == f2 && e1 != e2, "\(p.name) truncated \(truncated)")
                #expect(single.counts == paired.counts, "\(p.name): \(single.counts) vs \(paired.counts)")
            }
        }
    }

    @Test("float32 storage: the means are the stored samples' (full oracles = the average over all samples), y* zeroes ∇_y g, ∇Φ matches differences of Φ")
    func float32InstanceIsConsistent() throws {
        let n = 128
        let p = try BenchoptQuadraticProblem(dimension: 10, samples: n, float32: true, stream: RandomStream(seed: 2442))
        let s = RandomStream(seed: 4)
        let x = s.gaussianVector(10), y = s.gaussianVector(10)
        let all = Minibatch(size: n, lower: Array(0..<n), upper: Array(0..<n))
        var full = [Double](repeating: 0, count: 10), sampled = full
        for (name, oracle) in [("∇_yG", p.gradYG), ("∇ₓF", p.gradXF), ("∇_yF", p.gradYF)] as [(String, ([Double], [Double], Minibatch, inout [Double]) -> Void)] {
            oracle(x, y, p.fullBatch, &full)
            oracle(x, y, all, &sampled)
            let scale = max(1, full.map(abs).max() ?? 0)
            #expect(zip(full, sampled).allSatisfy { abs($0 - $1) <= 1e-12 * scale }, "\(name): full \(full) vs average \(sampled)")
        }
        let ystar = try p.lowerSolution(x)
        p.gradYG(x, ystar, p.fullBatch, into: &full)
        #expect(full.map { $0 * $0 }.reduce(0, +).squareRoot() < 1e-10)
        let grad = try p.hypergradient(x), h = 1e-5
        for i in 0..<10 {
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            let fd = (try p.value(xp) - p.value(xm)) / (2 * h)
            #expect(abs(fd - grad[i]) <= 1e-6 * max(1, abs(grad[i])), "∂Φ/∂x\(i): \(fd) vs \(grad[i])")
        }
    }
}
