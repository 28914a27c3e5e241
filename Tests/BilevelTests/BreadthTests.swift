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

    @Test("benchopt-quadratic at d = 10: mean A and B spectra in [μ, L], every A_i rank 1, Φ and ∇Φ against finite differences")
    func benchoptConstruction() throws {
        let p = try Self.benchopt()
        let inner = p.innerMatrices, outer = p.outerMatrices
        for (label, set) in [("inner", inner), ("outer", outer)] {
            let a = try SymmetricEigen(set.meanA).values
            #expect(a.first! >= 0.1 * (1 - 1e-9) && a.last! <= 1 * (1 + 1e-9), "\(label) mean A spectrum \(a)")
            #expect(abs(a.first! - 0.1) < 1e-9 && abs(a.last! - 1) < 1e-9)
            // B has benchopt's leading 0; the rest of its spectrum lies in [μ, L].
            let b = try SymmetricEigen(set.meanB).values
            #expect(abs(b[0]) < 1e-9, "\(label) B's leading eigenvalue \(b[0])")
            #expect(b.dropFirst().allSatisfy { $0 >= 0.1 * (1 - 1e-9) && $0 <= 1 + 1e-9 }, "\(label) mean B spectrum \(b)")
            #expect(set.a.count == 1024)
            for ai in set.a {
                let e = try SymmetricEigen(ai).values
                let top = e.last!
                #expect(top > 0 && e.dropLast().allSatisfy { abs($0) <= 1e-10 * top }, "A_i is not rank 1: \(e)")
            }
        }
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
