import Components
import Foundation
import Randomness

/// HOAG (Pedregosa, ICML 2016): approximate implicit differentiation with decreasing tolerances.
///
/// Outer step k: full-batch gradient steps on y until ‖∇_y g‖ ≤ ε_k (at most `max-inner`), conjugate
/// gradients on ∇²_y g·v = ∇_y f until the residual is ≤ ε_k (warm start, at most `max-cg`),
/// x ← x − α(∇ₓf − ∇ₓ∇_y g·v), with ε_k = ε₀·ρ^k (summable, as the paper's convergence theorem asks).
/// Proved: convergence to a stationary point when Σε_k < ∞ (Pedregosa 2016, Theorem 1); no rate.
public struct HOAG: BilevelSolver {
    public static let name = "hoag"
    public static let summary = "HOAG: implicit differentiation with decreasing tolerances ε_k = ε₀ρ^k (Pedregosa 2016)"
    public static let proved: ProvedRate = .notApplicable("asymptotic convergence only (Pedregosa 2016, Theorem 1), no rate")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner y step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("tol0", 0.1, .positive, "ε₀ of the tolerances ε_k = ε₀ρ^k"),
        .real("rho", 0.9, .real(lower: 0, upper: 1, lowerOpen: true, upperOpen: true), "decrease ρ of the tolerances"),
        .count("max-inner", 100, "cap on inner steps per outer step"),
        .count("max-cg", 100, "cap on CG iterations per outer step"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, tol0: Double, rho: Double, maxInner: Int, maxCG: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); tol0 = values.real("tol0"); rho = values.real("rho")
        maxInner = values.int("max-inner"); maxCG = values.int("max-cg")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count, full = oracles.problem.fullBatch
        var gy = [Double](repeating: 0, count: dy), fy = gy, v = gy
        var fx = [Double](repeating: 0, count: dx), jv = fx
        var k = 0
        repeat {
            let tol = max(1e-14, tol0 * pow(rho, Double(k)))
            for _ in 0..<maxInner {
                oracles.gradYG(x, y, full, into: &gy)
                if Vec.normSquared(gy).squareRoot() <= tol { break }
                Vec.axpy(-b, gy, &y)
            }
            oracles.gradYF(x, y, full, into: &fy)
            let scale = max(Vec.normSquared(fy).squareRoot(), 1e-300)
            if let cg = try? ConjugateGradient(iterations: maxCG, tolerance: tol / scale) { cg.solve(oracles, x, y, fy, &v) }
            oracles.gradXF(x, y, full, into: &fx)
            oracles.jacobianVector(x, y, v, full, into: &jv)
            for i in 0..<dx { x[i] -= a * (fx[i] - jv[i]) }
            k += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
