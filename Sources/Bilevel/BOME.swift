import Components
import Foundation
import Randomness

/// BOME (Liu, Ye, Wright, Stone, Liu, NeurIPS 2022): bilevel optimisation made easy, fully first order.
///
/// Per step on one batch ξ: z ← T gradient steps on g(x, ·) from y; q(x, y) = g(x, y) − g(x, z);
/// ∇q = (∇ₓg(x, y) − ∇ₓg(x, z), ∇_yg(x, y)); λ = max(0, (η‖∇q‖² − ⟨∇f, ∇q⟩)/‖∇q‖²);
/// (x, y) ← (x, y) − ξ_k(∇f + λ∇q), ξ_k = ξ(k₀/(k₀+k))^p (p = 0: the paper's constant step); no HVP or JVP.
/// Calls per step: T + 1 ∇_yg, 2 ∇ₓg, 1 ∇ₓf, 1 ∇_yf.
/// Proved: O(ε^-4)-type rate for the deterministic KKT residual (unconfirmed; stochastic rate not claimed).
///
/// Under sampling noise BOME stalls at a biased point, a property of the method rather than of this code (measured on
/// the quadratic, T = 20, distance of the final x to AID-CG's stationary point): noise-free oracles converge
/// (0.0034 after 4·10⁵ calls, 0.0012 after 4·10⁶); with noise s = σ = 0.05 it ends 0.52 away after 4·10⁵ calls and
/// 0.53 after 4·10⁶, with constant steps 0.59, with ξ_k ∝ 1/k 0.47 — more calls and smaller steps do not help, so the
/// offset is in the mean update, not its variance. It shrinks with the noise (0.11 at 0.005, 0.025 at 0.0005), with a
/// larger η (0.36 at η = 2, 0.82 at η = 0.1) and with the batch, roughly as b^-⅓ (0.21 at 16, 0.13 at 64, 0.084 at 256,
/// 0.054 at 1024, each after ≥ 1250 steps): at batch 1024 it meets the 0.1 the other solvers meet. Why: λ∇q = η∇q − (⟨∇f, ∇q⟩/‖∇q‖²)∇q removes
/// from ∇f its projection on ∇q's direction only, and near y* the sampled ∇q ≈ (−C_ξᵀ, H_ξ)(y − y*_ξ) points along
/// the sample's own y*_ξ − y*: once ‖y − y*‖ is that small, E[∇f + λ∇q] removes a noise-direction projection of ∇f,
/// not the implicit-gradient term, and vanishes away from the stationary point.
public struct BOME: BilevelSolver {
    public static let name = "bome"
    public static let summary = "BOME: fully first-order value-function method with a dynamic barrier (Liu et al. 2022)"
    public static let proved: ProvedRate = .notApplicable("rate proved for the deterministic KKT residual, not E‖∇Φ‖² under sampling (unconfirmed)")
    public static let needsLowerCrossGradient = true
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.1), .positive, "step ξ on (x, y)"),
        DerivedParameter("gamma", .overSmoothness(0.5), .positive, "inner step on z"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 5, "inner steps on z per outer step"),
        .real("eta-bome", 0.5, .positive, "barrier weight η: λ = max(0, (η‖∇q‖² − ⟨∇f, ∇q⟩)/‖∇q‖²)"),
        .real("alpha-power", 0.5, .unit, "decay exponent p of the x step α_k = α(k₀/(k₀+k))^p (0 = constant)"),
        .real("offset", 10, .positive, "k₀ of the step schedule"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let power: Double, k0: Double
    let a: Double, g: Double, t: Int, eta: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        try Self.requireSupport(problem)
        self.values = values
        power = values.real("alpha-power"); k0 = values.real("offset")
        a = values.real("alpha"); g = values.real("gamma"); t = values.int("T"); eta = values.real("eta-bome")
        bs = try batchSize(values, "batch", problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = y, gz = [Double](repeating: 0, count: dy), qy = gz, fy = gz
        var fx = [Double](repeating: 0, count: dx), gxy = fx, gxz = fx, qx = fx
        var k = 0
        repeat {
            let ak = decayed(a, k, offset: k0, power: power)
            k += 1
            let batch = oracles.draw(bs, stream)
            z = y
            for _ in 0..<t {
                oracles.gradYG(x, z, batch, into: &gz)
                Vec.axpy(-g, gz, &z)
            }
            oracles.gradYG(x, y, batch, into: &qy)
            oracles.gradXG(x, y, batch, into: &gxy)
            oracles.gradXG(x, z, batch, into: &gxz)
            oracles.gradXF(x, y, batch, into: &fx)
            oracles.gradYF(x, y, batch, into: &fy)
            for i in 0..<dx { qx[i] = gxy[i] - gxz[i] }
            let qq = Vec.normSquared(qx) + Vec.normSquared(qy)
            let fq = Vec.dot(fx, qx) + Vec.dot(fy, qy)
            let lambda = qq > 0 ? max(0, (eta * qq - fq) / qq) : 0
            for i in 0..<dx { x[i] -= ak * (fx[i] + lambda * qx[i]) }
            for i in 0..<dy { y[i] -= ak * (fy[i] + lambda * qy[i]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
