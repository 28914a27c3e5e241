import Components
import Foundation
import Randomness

/// F2SA (Kwon, Kwon, Wright, Nowak, ICML 2023): fully first-order stochastic bilevel, no HVP or JVP.
///
/// Penalty L_λ(x, y) = f(x, y) + λ(g(x, y) − g(x, z)) with z ≈ y*(x). Per step, one batch ξ:
/// z ← z − γ∇_yg(x, z; ξ); y ← y − (γ/λ_k)(∇_yf(x, y; ξ) + λ_k∇_yg(x, y; ξ));
/// x ← x − α_k(∇ₓf(x, y; ξ) + λ_k(∇ₓg(x, y; ξ) − ∇ₓg(x, z; ξ))).
/// Schedules: λ_k = min(λ_max, λ₀ + δ·k), α_k = a/λ_k·λ₀ (the x step shrinks as the penalty grows, which
/// keeps α_kλ_k constant). Calls per step: 2 ∇_yg, 2 ∇ₓg, 1 ∇_yf, 1 ∇ₓf — all first order.
/// Proved: Õ(ε^-3.5) stochastic gradient calls (theorem number unconfirmed).
public struct F2SA: BilevelSolver {
    public static let name = "f2sa"
    public static let summary = "F2SA: fully first-order penalty method, no Hessian/Jacobian products, Õ(ε^-3.5) (Kwon et al. 2023)"
    public static let proved: ProvedRate = .epsilonExponent(3.5, source: "Kwon et al. 2023, Õ, stochastic; theorem number unconfirmed")
    public static let needsLowerCrossGradient = true
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step at λ₀; α_k = alpha·λ₀/λ_k"),
        DerivedParameter("gamma", .overSmoothness(0.5), .positive, "y and z step γ"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("lambda0", 10, .positive, "initial penalty λ₀"),
        .real("lambda-rate", 0.01, .nonNegative, "penalty growth δ per step: λ_k = λ₀ + δk"),
        .real("lambda-max", 300, .positive, "penalty cap λ_max (bias of the stationary point is O(1/λ))"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let a: Double, g: Double, l0: Double, dl: Double, lmax: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        try Self.requireSupport(problem)
        self.values = values
        a = values.real("alpha"); g = values.real("gamma"); l0 = values.real("lambda0")
        dl = values.real("lambda-rate"); lmax = values.real("lambda-max"); bs = try batchSize(values, "batch", problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = y, gz = [Double](repeating: 0, count: dy), gy = gz, fy = gz
        var fx = [Double](repeating: 0, count: dx), gxy = fx, gxz = fx
        var k = 0
        repeat {
            let lambda = min(lmax, max(l0, l0 + dl * Double(k)))
            let batch = oracles.draw(bs, stream)
            oracles.gradYG(x, z, batch, into: &gz)
            oracles.gradYG(x, y, batch, into: &gy)
            oracles.gradYF(x, y, batch, into: &fy)
            oracles.gradXF(x, y, batch, into: &fx)
            oracles.gradXG(x, y, batch, into: &gxy)
            oracles.gradXG(x, z, batch, into: &gxz)
            let ak = a * l0 / lambda
            for i in 0..<dx { x[i] -= ak * (fx[i] + lambda * (gxy[i] - gxz[i])) }
            for i in 0..<dy { z[i] -= g * gz[i]; y[i] -= g * (fy[i] / lambda + gy[i]) }
            k += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["lambda-max": .real(max(1, min(1e8, 1 / epsilon.squareRoot())))]
    }
}
