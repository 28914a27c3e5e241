import Components
import Foundation
import Randomness

/// AID-FP (approximate implicit differentiation with a fixed-point solve; Grazzi et al. 2020, Ji, Yang, Liang 2021).
///
/// Per outer step: T full-batch steps y ← y − β∇_y g; K fixed-point steps v ← v − η(∇²_y g·v − ∇_y f)
/// (warm-started); x ← x − α(∇ₓf − ∇ₓ∇_y g·v). Deterministic, constant steps.
/// Proved: O(κ³ ε^-1) gradient evaluations on the deterministic problem (theorem number unconfirmed).
public struct AIDFP: BilevelSolver {
    public static let name = "aid-fp"
    public static let summary = "AID-FP: implicit differentiation with a fixed-point linear solve (deterministic)"
    public static let proved: ProvedRate = .notApplicable("deterministic: O(ε^-1) full-batch steps; Protocol A's stochastic ε-exponent does not apply")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner y step β"),
        DerivedParameter("eta", .overSmoothness(1), .positive, "fixed-point step η"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 10, "inner gradient steps per outer step"),
        .count("K", 10, "fixed-point steps per outer step"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, e: Double, t: Int, kk: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); e = values.real("eta"); t = values.int("T"); kk = values.int("K")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count, full = oracles.problem.fullBatch
        var gy = [Double](repeating: 0, count: dy), fy = gy, v = gy, hv = gy
        var fx = [Double](repeating: 0, count: dx), jv = fx
        repeat {
            for _ in 0..<t {
                oracles.gradYG(x, y, full, into: &gy)
                Vec.axpy(-b, gy, &y)
            }
            oracles.gradYF(x, y, full, into: &fy)
            for _ in 0..<kk {
                oracles.hessianVector(x, y, v, full, into: &hv)
                for i in 0..<dy { v[i] -= e * (hv[i] - fy[i]) }
            }
            oracles.gradXF(x, y, full, into: &fx)
            oracles.jacobianVector(x, y, v, full, into: &jv)
            for i in 0..<dx { x[i] -= a * (fx[i] - jv[i]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["K": .int(Int(max(1, min(1e6, (Prescription.kappa(problem) * log(10 / epsilon)).rounded(.up)))))]
    }
}
