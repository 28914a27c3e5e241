import Bilevel
import Randomness
import Testing

/// Exact hypergradients and the oracles against finite differences, for every problem in the catalogue.
@Suite struct DerivativeTests {

    /// Fourth-order central difference of a scalar function along `d` at t = 0.
    static func directional(_ f: (Double) throws -> Double, h: Double) rethrows -> Double {
        let a = try f(h), b = try f(-h), c = try f(2 * h), e = try f(-2 * h)
        return (8 * (a - b) - (c - e)) / (12 * h)
    }

    static func along(_ x: [Double], _ d: [Double], _ t: Double) -> [Double] { x.indices.map { x[$0] + t * d[$0] } }

    @Test("exact ∇Φ matches finite differences of Φ (rel. err < 1e-6)", arguments: ProblemCatalog.all.names)
    func hypergradientMatchesFiniteDifferences(name: String) throws {
        let problem = try Fixtures.problem(name)
        let stream = RandomStream(seed: 11)
        let x = Fixtures.point(problem.xDimension, stream, scale: 0.5).enumerated().map { problem.initialX[$0.offset] + $0.element }
        let g = try problem.hypergradient(x)
        // Several random directions: ∇Φ·d against (Φ(x + h d) − Φ(x − h d))/(2h), fourth order.
        var exact = [Double](), numeric = [Double]()
        for _ in 0..<3 {
            let d = stream.gaussianVector(problem.xDimension)
            exact.append(zip(g, d).reduce(0) { $0 + $1.0 * $1.1 })
            numeric.append(try Self.directional({ t in try problem.value(Self.along(x, d, t)) }, h: 1e-3))
        }
        let err = Fixtures.relativeError(numeric, exact)
        #expect(err < 1e-6, "\(problem.name): relative error \(err), exact \(exact), numeric \(numeric)")
    }

    @Test("HVP and JVP match finite differences of the gradient oracles, on full and on stochastic batches", arguments: ProblemCatalog.all.names)
    func secondOrderOraclesMatchFiniteDifferences(name: String) throws {
        let problem = try Fixtures.problem(name)
        let stream = RandomStream(seed: 12)
        let x = Fixtures.point(problem.xDimension, stream).enumerated().map { problem.initialX[$0.offset] + $0.element }
        let y = Fixtures.point(problem.yDimension, stream)
        let v = stream.gaussianVector(problem.yDimension), e = stream.gaussianVector(problem.xDimension)
        for batch in [problem.fullBatch, problem.drawBatch(size: 3, stream: stream)] {
            var hv = [Double](repeating: 0, count: problem.yDimension), jv = [Double](repeating: 0, count: problem.xDimension)
            problem.hessianVector(x, y, v, batch, into: &hv)
            problem.jacobianVector(x, y, v, batch, into: &jv)
            // HVP: derivative of ∇_y g along v, component by component.
            var numericHV = [Double]()
            for i in 0..<min(problem.yDimension, 40) {
                numericHV.append(Self.directional({ t in
                    var g = [Double](repeating: 0, count: problem.yDimension)
                    problem.gradYG(x, Self.along(y, v, t), batch, into: &g)
                    return g[i]
                }, h: 1e-3))
            }
            let hvErr = Fixtures.relativeError(numericHV, Array(hv.prefix(numericHV.count)))
            #expect(hvErr < 1e-6, "\(problem.name) HVP relative error \(hvErr)")
            // JVP: e·(∇ₓ∇_y g v) = d/dt [v·∇_y g(x + t e, y)].
            let numericJ = Self.directional({ t in
                var g = [Double](repeating: 0, count: problem.yDimension)
                problem.gradYG(Self.along(x, e, t), y, batch, into: &g)
                return zip(g, v).reduce(0) { $0 + $1.0 * $1.1 }
            }, h: 1e-3)
            let exactJ = zip(jv, e).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(numericJ - exactJ) <= 1e-6 * max(abs(exactJ), 1e-3), "\(problem.name) JVP \(exactJ) vs \(numericJ)")
        }
    }

    @Test("full-batch gradients match finite differences of g and f", arguments: ProblemCatalog.all.names)
    func gradientsMatchObjectives(name: String) throws {
        let problem = try Fixtures.problem(name)
        let stream = RandomStream(seed: 13)
        let x = Fixtures.point(problem.xDimension, stream).enumerated().map { problem.initialX[$0.offset] + $0.element }
        let y = Fixtures.point(problem.yDimension, stream)
        let d = stream.gaussianVector(problem.yDimension), dxv = stream.gaussianVector(problem.xDimension)
        var gy = [Double](repeating: 0, count: problem.yDimension), fy = gy, fx = [Double](repeating: 0, count: problem.xDimension)
        problem.gradYG(x, y, problem.fullBatch, into: &gy)
        problem.gradYF(x, y, problem.fullBatch, into: &fy)
        problem.gradXF(x, y, problem.fullBatch, into: &fx)
        let ng = Self.directional({ t in problem.lowerObjective(x, Self.along(y, d, t)) }, h: 1e-3)
        let nf = Self.directional({ t in problem.upperObjective(x, Self.along(y, d, t)) }, h: 1e-3)
        let nfx = Self.directional({ t in problem.upperObjective(Self.along(x, dxv, t), y) }, h: 1e-3)
        let eg = zip(gy, d).reduce(0) { $0 + $1.0 * $1.1 }, ef = zip(fy, d).reduce(0) { $0 + $1.0 * $1.1 }
        let efx = zip(fx, dxv).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(ng - eg) <= 1e-7 * max(abs(eg), 1), "\(problem.name) ∇_y g")
        #expect(abs(nf - ef) <= 1e-7 * max(abs(ef), 1), "\(problem.name) ∇_y f")
        #expect(abs(nfx - efx) <= 1e-7 * max(abs(efx), 1), "\(problem.name) ∇ₓ f")
    }

    @Test("stochastic oracles are unbiased: the mean of many quadratic samples approaches the exact value")
    func quadraticOraclesAreUnbiased() throws {
        let problem = try Fixtures.quadratic()
        let stream = RandomStream(seed: 14)
        let x = problem.initialX, y = problem.initialY.map { $0 + 0.3 }, v = stream.gaussianVector(problem.yDimension)
        var exact = [Double](repeating: 0, count: problem.yDimension)
        problem.hessianVector(x, y, v, problem.fullBatch, into: &exact)
        var mean = [Double](repeating: 0, count: problem.yDimension), one = mean
        let n = 20_000
        for _ in 0..<n {
            problem.hessianVector(x, y, v, problem.drawHessianBatch(size: 1, stream: stream), into: &one)
            for i in mean.indices { mean[i] += one[i] / Double(n) }
        }
        #expect(Fixtures.relativeError(mean, exact) < 0.03)
        // And the noise is real: a single sample differs from the exact product.
        problem.hessianVector(x, y, v, problem.drawHessianBatch(size: 1, stream: stream), into: &one)
        #expect(Fixtures.relativeError(one, exact) > 0.05)
    }

    @Test("the Neumann estimator with large Q and exact oracles reproduces the exact hypergradient")
    func neumannConvergesToExact() throws {
        let problem = try Fixtures.quadratic()
        let oracles = CountingOracles(problem)
        let x = problem.initialX, y = try problem.lowerSolution(x)
        let est = try NeumannEstimator(eta: 0.4, terms: 200)
        let sample = NeumannEstimator.Sample(outer: problem.fullBatch, hessian: Array(repeating: problem.fullBatch, count: 200))
        var g = [Double](repeating: 0, count: problem.xDimension)
        est.estimate(oracles, x, y, sample, work: .init(xDimension: problem.xDimension, yDimension: problem.yDimension), into: &g)
        #expect(Fixtures.relativeError(g, try problem.hypergradient(x)) < 1e-10)
        #expect(oracles.counts.hessianVector == 200 && oracles.counts.jacobianVector == 1 && oracles.counts.gradYF == 1)
        // Dropping η (the authors' code) estimates H⁻¹/η instead: visibly wrong.
        #expect(est.biasFactor(mu: 1) < 1e-40)
    }
}
