import Foundation
import Randomness

/// AID-CG: the deterministic reference. Full-batch gradient steps on y, conjugate gradients for
/// the linear system (warm-started), then an x-step along the resulting hypergradient.
/// Full-batch calls are counted at the population size (1 on the synthetic quadratic).
public struct AIDCG: BilevelSolver {
    public static let name = "aid-cg"
    public static let summary = "AID-CG: deterministic implicit differentiation with conjugate gradients (reference)"
    static let alpha = SolverParameter("alpha", 0.2, .positive, "x step α", upperStep: true)
    static let beta = SolverParameter("beta", 0, .positive, "inner y step β (default 1/L)")
    static let inner = SolverParameter("T", 10, .integer(atLeast: 1), "inner gradient steps per outer step")
    static let cg = SolverParameter("cg", 10, .integer(atLeast: 1), "CG iterations per outer step")
    public static let parameters = [alpha, beta, inner, cg]

    let a: Double, b: Double, t: Int
    let solver: ConjugateGradient

    public init(settings s: SolverSettings) throws(BilevelError) {
        a = try s.value(Self.alpha); b = try s.value(Self.beta, default: 1 / s.lowerSmoothness); t = try s.int(Self.inner)
        solver = try ConjugateGradient(iterations: try s.int(Self.cg))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count, full = oracles.problem.fullBatch
        var gy = [Double](repeating: 0, count: dy), fy = gy, v = gy
        var fx = [Double](repeating: 0, count: dx), jv = fx
        repeat {
            for _ in 0..<t {
                oracles.gradYG(x, y, full, into: &gy)
                Vec.axpy(-b, gy, &y)
            }
            oracles.gradYF(x, y, full, into: &fy)
            solver.solve(oracles, x, y, fy, &v)
            oracles.gradXF(x, y, full, into: &fx)
            oracles.jacobianVector(x, y, v, full, into: &jv)
            for i in 0..<dx { x[i] -= a * (fx[i] - jv[i]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: Double] {
        ["cg": max(10, (Prescription.kappa(problem).squareRoot() * log(10 / epsilon)).rounded(.up))]
    }
}
