import Components
import Foundation
import Randomness

/// AID-CG: the deterministic reference. Full-batch gradient steps on y, conjugate gradients for
/// the linear system (warm-started), then an x-step along the resulting hypergradient.
/// Full-batch calls are counted at the population size (1 on the synthetic quadratic).
public struct AIDCG: BilevelSolver {
    public static let name = "aid-cg"
    public static let summary = "AID-CG: deterministic implicit differentiation with conjugate gradients (reference)"
    public static let proved: ProvedRate = .notApplicable("deterministic: O(ε^-1) full-batch steps; Protocol A's stochastic ε-exponent does not apply")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner y step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 10, "inner gradient steps per outer step"),
        .count("cg", 10, "CG iterations per outer step"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, t: Int
    let solver: ConjugateGradient

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); t = values.int("T")
        solver = try ConjugateGradient(iterations: values.int("cg"))
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

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["cg": .int(Int(max(10, min(1e9, (Prescription.kappa(problem).squareRoot() * log(10 / epsilon)).rounded(.up)))))]
    }
}
