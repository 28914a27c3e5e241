@testable import Bilevel
import LinearAlgebra
import Randomness
import Testing

/// The exact reference: closed form on the quadratic, finite differences of Φ, and the gap column.
@Suite struct ExactSolverTests {

    /// With λ = 0 the quadratic's Φ is a convex quadratic in x: ∇Φ(x) = A x + g₀ with A read column by column from the
    /// exact hypergradient, so x* = −A⁻¹g₀ (Cholesky) and Φ* = Φ(x*) in closed form.
    @Test func quadraticClosedFormOptimum() throws {
        let problem = try Fixtures.quadratic { $0.lambda = 0 }
        let n = problem.xDimension
        let zero = [Double](repeating: 0, count: n)
        let g0 = try problem.hypergradient(zero)
        var columns = [[Double]]()
        for c in 0..<n {
            var e = zero
            e[c] = 1
            columns.append(zip(try problem.hypergradient(e), g0).map { $0 - $1 })
        }
        let a = Matrix(rows: n, cols: n) { r, c in 0.5 * (columns[c][r] + columns[r][c]) }
        let xStar = try Cholesky(a).solve(g0.map { -$0 })
        let phiStar = try problem.value(xStar)
        let reference = try #require(ReferenceOptimum.compute(problem, tolerance: 1e-12))
        #expect(abs(reference.value - phiStar) <= 1e-8 * max(1, abs(phiStar)))
        #expect(Fixtures.relativeError(reference.x, xStar) <= 1e-8)
        #expect(reference.gradNormSq <= 1e-20)
    }

    /// `exact`'s hypergradient (the one its line search and curvature pairs use) against a central difference of Φ,
    /// on the nonconvex quadratic and on logreg-l2 (a Newton inner solve).
    @Test func hypergradientMatchesFiniteDifferencesOfPhi() throws {
        let problems: [any BilevelProblem] = [try Fixtures.quadratic(), try Fixtures.problem("logreg-l2")]
        for problem in problems {
            let stream = RandomStream(seed: 11)
            let x = zip(problem.initialX, Fixtures.point(problem.xDimension, stream.split("x"))).map { $0 + $1 }
            let d = Fixtures.point(problem.xDimension, stream.split("d"), scale: 1)
            let e = try ExactSolver.evaluate(CountingOracles(problem), x, warm: problem.initialY)
            let fd = try DerivativeTests.directional({ t in try problem.value(zip(x, d).map { $0 + t * $1 }) }, h: 1e-3)
            let analytic = zip(e.gradient, d).map { $0 * $1 }.reduce(0, +)
            #expect(abs(analytic - fd) <= 1e-7 * max(1, abs(fd)), "\(problem.name): \(analytic) vs \(fd)")
            #expect(abs(e.value - (try problem.value(x))) <= 1e-10 * max(1, abs(e.value)))
        }
    }

    /// On the nonconvex quadratic `exact` reaches a stationary point far below every stochastic solver's floor, and Φ only decreases.
    @Test func exactReachesTightStationarity() throws {
        let problem = try Fixtures.quadratic()
        let run = BilevelRunner.run(try ExactSolver.make(problem: problem), on: problem, budget: .max, stream: RandomStream(seed: 1),
                                    policy: .everyIteration)
        #expect(!run.diverged)
        #expect(try #require(run.finalGradNormSq) <= 1e-18)
        #expect(try #require(run.finalValue) < (try problem.value(problem.initialX)))
    }

    /// Every solver's gap to Φ* is ≥ 0 up to the reference's tolerance on logreg-l2 (each stops at a worse point than the
    /// reference's local minimum), and `exact` under the same budget is at the reference.
    @Test func gapToOptimumIsNonNegative() throws {
        let c = try Comparison.run(problem: LogisticL2Problem.self, solvers: [ExactSolver.self, AIDCG.self, MRBO.self, StocBiO.self], budget: 500_000, seed: 1)
        // Some log λ_j run off to +∞ (that feature's weight is best at 0), where ∇Φ_j decays like e^{-x_j}: Φ* is an infimum
        // approached along those directions, so the reference's ‖∇Φ‖² is small but not at rounding.
        let optimum = try #require(c.optimum)
        #expect(optimum.gradNormSq <= 1e-12)
        for r in c.runs {
            let gap = try #require(r.gapToOptimum, "\(r.algorithm) has no gap")
            #expect(gap >= -1e-9, "\(r.algorithm): gap \(gap)")
        }
        #expect(abs(try #require(c.runs[0].gapToOptimum)) <= 1e-9)
        #expect(try #require(c.runs[2].gapToOptimum) > 1e-6)
    }
}
