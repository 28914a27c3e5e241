import Components
import Foundation
import Randomness

/// GD-implicit: full-batch gradient descent on y, then implicit differentiation by conjugate gradients
/// started from zero each time — what jaxopt's GradientDescent solver with implicit diff does.
///
/// Per outer step: T steps y ← y − β∇_y g (warm-started y, as jaxopt's init_params); v from `cg`
/// CG iterations from v = 0; x ← x − α(∇ₓf − ∇ₓ∇_y g·v). Unlike AID-CG, v is not warm-started.
/// Proved: as AID, O(κ³ ε^-1) gradient evaluations on the deterministic problem (unconfirmed for this variant).
public struct GDImplicit: BilevelSolver {
    public static let name = "gd-implicit"
    public static let summary = "GD-implicit: full-batch GD on y + implicit diff by CG from zero (jaxopt's GD solver)"
    public static let proved: ProvedRate = .notApplicable("deterministic: O(ε^-1) full-batch steps; Protocol A's stochastic ε-exponent does not apply")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner y step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 10, "inner gradient steps per outer step"),
        .count("cg", 10, "CG iterations per outer step (from v = 0)"),
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
            for i in 0..<dy { v[i] = 0 }
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
