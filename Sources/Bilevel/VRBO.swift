import Foundation
import Randomness

/// VRBO (Yang, Ji, Liang 2021): SARAH/SPIDER variance reduction on both levels, double loop.
///
/// Every q outer steps the estimates u (of ∇_yG) and v (of ∇Φ) are refreshed on a big batch S₁.
/// After the x-step, m + 1 inner corrections on batches of S₂ each move the estimates from the
/// previous evaluation point to the new one (the first correction follows the x move, the rest
/// the y moves), and y takes a step after each.
public struct VRBO: BilevelSolver {
    public static let name = "vrbo"
    public static let summary = "VRBO: SARAH/SPIDER estimators, double loop, Õ(ε^-1.5) (Yang, Ji, Liang 2021)"
    static let alpha = SolverParameter("alpha", 0.2, .positive, "x step α", upperStep: true)
    static let beta = SolverParameter("beta", 0, .positive, "y step β (default 0.6/L: 0.3 on quadratic)")
    static let period = SolverParameter("q", 10, .integer(atLeast: 1), "big-batch refresh period q")
    static let s1 = SolverParameter("S1", 1000, .integer(atLeast: 1), "big batch S₁ (theory ∝ σ²/ε)")
    static let s2 = SolverParameter("S2", 10, .integer(atLeast: 1), "inner batch S₂ (theory ∝ ε^-1/2)")
    static let inner = SolverParameter("m", 3, .integer(atLeast: 0), "inner y steps m (m + 1 corrections)")
    // Every Hessian factor is estimated on the same batch size as the rest (S₁ or S₂), so hessian-batch does not apply.
    public static let parameters = [alpha, beta, period, s1, s2, inner, NeumannParameters.eta, NeumannParameters.terms]

    let a: Double, b: Double, q: Int, big: Int, small: Int, m: Int
    let neumann: NeumannEstimator

    public init(settings s: SolverSettings) throws(BilevelError) {
        a = try s.value(Self.alpha); b = try s.value(Self.beta, default: 0.6 / s.lowerSmoothness)
        q = try s.int(Self.period); big = try s.batch(Self.s1, default: min(1000, s.lowerSampleCount ?? 1000)); small = try s.batch(Self.s2); m = try s.int(Self.inner)
        neumann = try NeumannParameters.make(s)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var u = [Double](repeating: 0, count: dy), v = [Double](repeating: 0, count: dx)
        var gNew = u, gOld = u, hNew = v, hOld = v
        var ax = x, ay = y
        var k = 0
        repeat {
            if k % q == 0 {
                let sample = neumann.draw(oracles, batch: big, factorBatch: big, stream: stream)
                oracles.gradYG(x, y, sample.outer, into: &u)
                neumann.estimate(oracles, x, y, sample, work: work, into: &v)
                ax = x; ay = y
            }
            Vec.axpy(-a, v, &x)
            for _ in 0...m {
                let sample = neumann.draw(oracles, batch: small, factorBatch: small, stream: stream)
                neumann.estimate(oracles, x, y, sample, work: work, into: &hNew)
                neumann.estimate(oracles, ax, ay, sample, work: work, into: &hOld)
                oracles.gradYG(x, y, sample.outer, into: &gNew)
                oracles.gradYG(ax, ay, sample.outer, into: &gOld)
                for i in 0..<dx { v[i] += hNew[i] - hOld[i] }
                for i in 0..<dy { u[i] += gNew[i] - gOld[i] }
                ax = x; ay = y
                Vec.axpy(-b, u, &y)
            }
            k += 1
        } while recorder.observe(x, y)
    }

    /// Theory: S₁ ∝ σ²/ε (constant 100), q = S₂ = ⌈ε^-1/2⌉, m ∝ κ log κ (at least 3).
    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: Double] {
        let kappa = Prescription.kappa(problem)
        let root = min(Double(problem.lowerSampleCount ?? Int.max), (1 / epsilon.squareRoot()).rounded(.up))
        let cap = Double(problem.lowerSampleCount ?? Int.max)
        return ["S1": min(cap, (100 / epsilon).rounded(.up)), "S2": root, "q": root, "m": max(3, (kappa * log(max(kappa, 1))).rounded(.up)),
                "Q": Double(Prescription.neumannTerms(epsilon, problem))]
    }
}
