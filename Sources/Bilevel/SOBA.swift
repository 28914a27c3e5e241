import Components
import Foundation
import Randomness

/// SOBA (Dagréou, Ablin, Vaiter, Moreau 2022): single loop that tracks z ≈ −[∇²_y g]⁻¹∇_y f with
/// one stochastic step per iteration instead of a Neumann series; five oracle calls per sample.
public struct SOBA: BilevelSolver {
    public static let name = "soba"
    public static let summary = "SOBA: single loop with a tracked linear-system solution, O(ε^-2) (Dagréou et al. 2022)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Dagréou, Ablin, Vaiter, Moreau 2022; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.1), .positive, "x step γ₀; γ_k = γ₀(k₀/(k₀+k))^{3/5}"),
        DerivedParameter("rho", .overSmoothness(0.6), .positive, "y and z step ρ₀; ρ_k = ρ₀(k₀/(k₀+k))^{2/5}"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("offset", 10, .positive, "k₀ of the schedules"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let a: Double, r: Double, k0: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); r = values.real("rho")
        k0 = values.real("offset"); bs = try batchSize(values, "batch", problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = [Double](repeating: 0, count: dy), gy = z, hz = z, fy = z
        var fx = [Double](repeating: 0, count: dx), jz = fx
        var k = 0
        repeat {
            let batch = oracles.draw(bs, stream)
            oracles.lowerOracles(x, y, z, batch, gradY: &gy, hessianVector: &hz, jacobianVector: &jz)
            oracles.upperGradients(x, y, batch, gradY: &fy, gradX: &fx)
            let rk = decayed(r, k, offset: k0, power: 0.4), ak = decayed(a, k, offset: k0, power: 0.6)
            for i in 0..<dy { y[i] -= rk * gy[i]; z[i] -= rk * (hz[i] + fy[i]) }
            for i in 0..<dx { x[i] -= ak * (fx[i] + jz[i]) }
            k += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
