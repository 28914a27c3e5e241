import Bilevel
import Components
import LinearAlgebra
import Randomness
import Testing

/// The problem and solvers added for issue #11: benchopt's quadratic, ITD, the first-order and zeroth-order solvers.
@Suite struct BreadthTests {
    static func benchopt(_ d: Int = 10) throws -> BenchoptQuadraticProblem {
        try BenchoptQuadraticProblem(dimension: d, stream: RandomStream(seed: 2442))
    }

    @Test("benchopt-quadratic at d = 10: E[A_i] spectrum [μ, L], the mean's within sampling error of it, every A_i rank 1, Φ and ∇Φ against finite differences")
    func benchoptConstruction() throws {
        let p = try Self.benchopt()
        let inner = p.innerMatrices, outer = p.outerMatrices
        // Marchenko–Pastur edges of a d = 10, n = 1024 Gaussian sample covariance; its extreme eigenvalues fluctuate
        // around them by O(n^{-2/3}) ≈ 0.01, so 0.05 is five such widths.
        let r = (10.0 / 1024).squareRoot(), lo = (1 - r) * (1 - r) - 0.05, hi = (1 + r) * (1 + r) + 0.05
        for (label, set) in [("inner", inner), ("outer", outer)] {
            // The population: E[A_i] = S² has spectrum logspace(μ … L), ends exact.
            let pop = try SymmetricEigen(try set.sqrtA.multiplied(by: set.sqrtA)).values
            #expect(abs(pop.first! - 0.1) < 1e-9 && abs(pop.last! - 1) < 1e-9, "\(label) E[A_i] spectrum \(pop)")
            // The mean over the draws: S⁻¹ĀS⁻¹ is the sample covariance of the g_i, plain Gaussians as in benchopt.
            let sInv = try inverse(set.sqrtA)
            let w = try SymmetricEigen(try sInv.multiplied(by: try set.meanA.multiplied(by: sInv))).values
            #expect(w.first! > lo && w.last! < hi, "\(label) S⁻¹ĀS⁻¹ spectrum \(w) outside [\(lo), \(hi)]")
            #expect(w.last! - w.first! > 0.1, "the draws look whitened (S⁻¹ĀS⁻¹ ≈ I), which benchopt does not do")
            // Ā = S W S lies in [μ·λ_min(W), L·λ_max(W)] (Ostrowski).
            let a = try SymmetricEigen(set.meanA).values
            #expect(a.first! >= 0.1 * w.first! * (1 - 1e-9) && a.last! <= 1 * w.last! * (1 + 1e-9), "\(label) mean A spectrum \(a)")
            // B has benchopt's leading 0 (S_B is singular); the rest lies in [μ·lo, L·hi] by interlacing.
            let b = try SymmetricEigen(set.meanB).values
            #expect(abs(b[0]) < 1e-9, "\(label) B's leading eigenvalue \(b[0])")
            #expect(b.dropFirst().allSatisfy { $0 >= 0.1 * lo && $0 <= hi }, "\(label) mean B spectrum \(b)")
            #expect(set.a.count == 1024)
            for ai in set.a {
                let e = try SymmetricEigen(ai).values
                let top = e.last!
                #expect(top > 0 && e.dropLast().allSatisfy { abs($0) <= 1e-10 * top }, "A_i is not rank 1: \(e)")
            }
        }
        // μ and L of the instance are the inner mean's actual smallest eigenvalue and the mean per-sample ‖A_i‖ = tr(Ā).
        let innerSpectrum = try SymmetricEigen(inner.meanA).values
        #expect(abs(p.lowerStrongConvexity - innerSpectrum.first!) < 1e-12)
        let norms = inner.a.map { (try? SymmetricEigen($0).values.last!) ?? .nan }
        #expect(abs(p.lowerSmoothness - norms.reduce(0, +) / Double(norms.count)) < 1e-9 * p.lowerSmoothness)
        // ∇Φ against central differences of Φ at a random point; y* against ∇_y g = 0.
        let s = RandomStream(seed: 3)
        let x = s.gaussianVector(10)
        let ystar = try p.lowerSolution(x)
        var gy = [Double](repeating: 0, count: 10)
        p.gradYG(x, ystar, p.fullBatch, into: &gy)
        #expect(gy.map { $0 * $0 }.reduce(0, +).squareRoot() < 1e-10)
        let grad = try p.hypergradient(x)
        let h = 1e-5
        var fd = [Double](repeating: 0, count: 10)
        for i in 0..<10 {
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            fd[i] = (try p.value(xp) - p.value(xm)) / (2 * h)
        }
        #expect(Fixtures.relativeError(grad, fd) < 1e-6, "∇Φ vs FD: \(grad) vs \(fd)")
        // The per-sample oracles average to the full-batch ones, and ∇_y g is the derivative of g.
        let y = s.gaussianVector(10)
        var full = gy, sum = [Double](repeating: 0, count: 10), one = sum
        p.gradYG(x, y, p.fullBatch, into: &full)
        for i in 0..<1024 {
            p.gradYG(x, y, Minibatch(size: 1, lower: [i], upper: [i]), into: &one)
            for k in 0..<10 { sum[k] += one[k] / 1024 }
        }
        #expect(Fixtures.relativeError(sum, full) < 1e-12)
        var fdy = [Double](repeating: 0, count: 10)
        for i in 0..<10 {
            var yp = y, ym = y
            yp[i] += h; ym[i] -= h
            fdy[i] = (p.lowerObjective(x, yp) - p.lowerObjective(x, ym)) / (2 * h)
        }
        #expect(Fixtures.relativeError(full, fdy) < 1e-6)
        var gx = [Double](repeating: 0, count: 10), fdx = gx
        p.gradXG(x, y, p.fullBatch, into: &gx)
        for i in 0..<10 {
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            fdx[i] = (p.lowerObjective(xp, y) - p.lowerObjective(xm, y)) / (2 * h)
        }
        #expect(Fixtures.relativeError(gx, fdx) < 1e-6)
    }

    /// The batched products sum several rows at once for speed; each row must still be summed in the plain order,
    /// so the result equals the one-row-at-a-time reference bit for bit (d = 7 and 10 run the 4-row block and single rows; d = 100 runs single rows only).
    @Test("benchopt-quadratic's batched Hessian-vector product equals the one-row-at-a-time sum exactly", arguments: [7, 10, 100])
    func batchedProductIsTheRowByRowSum(d: Int) throws {
        let problem = try BenchoptQuadraticProblem(dimension: d, samples: 128, stream: RandomStream(seed: 2442))
        let stream = RandomStream(seed: 5)
        let batch = problem.drawBatch(size: 16, stream: stream)
        let v = stream.gaussianVector(d), x = stream.gaussianVector(d), y = stream.gaussianVector(d)
        var out = [Double](repeating: .nan, count: d)
        problem.hessianVector(x, y, v, batch, into: &out)
        let a = problem.innerMatrices.a
        var reference = [Double](repeating: 0, count: d)
        let w = 1 / Double(batch.lower.count)
        for i in batch.lower {
            for p in 0..<d {
                var acc = 0.0
                for q in 0..<d { acc += a[i][p, q] * v[q] }
                reference[p] += w * acc
            }
        }
        #expect(out == reference)
        #expect(Set(batch.lower).count == 16)
    }

    @Test("benchopt-quadratic batches are contiguous blocks, every sample once per epoch, the block order reshuffled after each")
    func benchoptEpochs() throws {
        let p = try Self.benchopt()
        let oracles = CountingOracles(p)
        let stream = RandomStream(seed: 9)
        // 1024 samples in blocks of 100: ten blocks of 100 and one of 24 per epoch.
        var orders = [[Int]]()
        for _ in 0..<3 {
            var seen = Set<Int>(), order = [Int]()
            for _ in 0..<11 {
                let batch = oracles.draw(100, stream)
                #expect(batch.size == batch.lower.count && batch.lower == batch.upper)
                #expect(batch.lower == Array(batch.lower[0]..<(batch.lower[0] + batch.lower.count)), "not contiguous: \(batch.lower.prefix(3))…")
                #expect(batch.lower[0] % 100 == 0 && (batch.lower.count == 100 || batch.lower == Array(1000..<1024)))
                seen.formUnion(batch.lower)
                order.append(batch.lower[0] / 100)
            }
            #expect(seen == Set(0..<1024), "an epoch must visit every sample once")
            orders.append(order)
        }
        #expect(orders[0] == Array(0..<11), "the first epoch walks the blocks in order, as benchopt's sampler does")
        #expect(orders[1] != orders[0] && orders[2] != orders[1], "later epochs reshuffle the block order: \(orders)")
        // Hessian draws walk the lower set only; a batch size has one walk, whichever draw advances it.
        let h = oracles.drawHessian(64, stream), g = oracles.draw(64, stream)
        #expect(h.lower == Array(0..<64) && h.upper.isEmpty && g.lower == Array(64..<128))
    }

    @Test("ITD's hypergradient is the gradient of its own unrolled objective f(x, y_T(x)) to 1e-6", arguments: ["quadratic", "logreg-l2", "benchopt-quadratic"])
    func itdMatchesFiniteDifferences(problemName: String) throws {
        let p = try Fixtures.problem(problemName)
        let oracles = CountingOracles(p)
        let s = RandomStream(seed: 4)
        let x = p.initialX.map { $0 + 0.3 * s.gaussian() }
        let beta = 0.8 / p.lowerSmoothness, steps = 12
        let (grad, _) = ITD.unrolled(oracles, x, p.initialY, steps: steps, beta: beta, batch: p.fullBatch)
        func unrolledValue(_ x: [Double]) -> Double {
            p.upperObjective(x, ITD.unrolled(oracles, x, p.initialY, steps: steps, beta: beta, batch: p.fullBatch).yT)
        }
        let h = 1e-5
        var fd = [Double](repeating: 0, count: x.count)
        for i in x.indices {
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            fd[i] = (unrolledValue(xp) - unrolledValue(xm)) / (2 * h)
        }
        #expect(Fixtures.relativeError(grad, fd) < 1e-6, "\(problemName): ITD \(grad.prefix(4)) vs FD \(fd.prefix(4))")
    }

    @Test("F2SA and BOME make no HVP or JVP calls; their ∇ₓg calls are counted and the kinds add up", arguments: ["f2sa", "bome"])
    func firstOrderSolversAreFirstOrder(name: String) throws {
        for problemName in ["quadratic", "benchopt-quadratic"] {
            let p = try Fixtures.problem(problemName)
            let run = BilevelRunner.run(try SolverCatalog.make(name, problem: p), on: p, budget: 20_000, stream: RandomStream(seed: 1))
            let c = run.counts
            #expect(c.hessianVector == 0 && c.jacobianVector == 0 && c.secondOrder == 0, "\(name) on \(problemName): \(c)")
            #expect(c.gradXG > 0 && c.gradYG > 0 && c.gradXF > 0 && c.gradYF > 0)
            #expect(c.total == OracleKind.allCases.map { c[$0] }.reduce(0, +))
            // Per step: F2SA 2 ∇_yg + 2 ∇ₓg + ∇_yf + ∇ₓf; BOME (T + 1) ∇_yg + 2 ∇ₓg + ∇_yf + ∇ₓf with T = 5 (batch 1).
            #expect(c.gradXG == 2 * run.iterations && c.gradXF == run.iterations)
            #expect(c.gradYG == (name == "f2sa" ? 2 : 6) * run.iterations)
        }
        // Problems without ∇ₓg are refused with the reason.
        let logreg = try Fixtures.problem("logreg-l2")
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make(name, problem: logreg) }
    }

    @Test("PZOBO's estimate tends to the exact hypergradient as the smoothing μ → 0")
    func pzoboConverges() throws {
        // Coordinate directions √d·e_j make (1/Q)Σ u uᵀ = I, so what remains is the smoothing and inner-loop error.
        for problemName in ["quadratic", "logreg-l2"] {
            let p = try Fixtures.problem(problemName)
            let oracles = CountingOracles(p)
            let d = p.xDimension
            let x = p.initialX.map { $0 * 0.5 }
            let exact = try p.hypergradient(x)
            let directions = (0..<d).map { j in (0..<d).map { $0 == j ? Double(d).squareRoot() : 0 } }
            let batches = [Minibatch](repeating: p.fullBatch, count: 300)
            var errors = [Double]()
            for mu in [1e-1, 1e-2, 1e-3, 1e-4] {
                let (h, _) = PZOBO.estimate(oracles, x, p.initialY, directions: directions, smoothing: mu, beta: 0.9 / p.lowerSmoothness,
                                            batches: batches, outer: p.fullBatch)
                errors.append(Fixtures.relativeError(h, exact))
            }
            if problemName == "logreg-l2" {
                // y_N is nonlinear in x there: forward differences leave an O(μ) error, about 10× less per decade of μ.
                #expect(errors[0] > 5 * errors[1] && errors[1] > 5 * errors[2] && errors[2] > 5 * errors[3], "\(errors)")
                #expect(errors.last! < 1e-3, "\(problemName): relative errors \(errors)")
            } else {
                // y_N is affine in x on the quadratic: the differences are exact and only the inner loop's error remains.
                #expect(errors.allSatisfy { $0 < 1e-6 }, "\(problemName): relative errors \(errors)")
            }
        }
    }

    @Test("corruption outside [0, 1) is refused")
    func corruptionDomain() throws {
        for bad in ["1", "1.5", "-0.1"] {
            #expect(throws: BilevelError.self) { _ = try ProblemCatalog.build("hyper-cleaning", set: ["corruption": bad], stream: RandomStream(seed: 1)) }
        }
    }
}
