import Components
import Foundation
import Randomness

/// FSLA (Li, Gu, Huang, AAAI 2022): fully single loop; z is moved by ONE step on the linear system per
/// iteration and the x direction carries STORM variance reduction.
///
/// y ← y − β∇_yG(ξ); z ← z − η(H_ξ z + ∇_yF(ξ)); h_k = ∇ₓF + J_ξ z;
/// d_k = h_k(x_k, y_k, z_k) + (1 − ρ_k)(d_{k−1} − h(x_{k−1}, y_{k−1}, z_{k−1}; same ξ)); x ← x − α_k d_k.
/// Schedule (single timescale): r_k = (w/(w+k))^{1/3}; α_k = a·r_k, β_k = β·r_k, η_k = η·r_k, ρ_k = min(1, c_ρ r_k).
/// With constant y and z steps the z noise enters every STORM difference and accumulates over the 1/ρ_k
/// window; decaying them with α keeps that error bounded.
/// Proved: Õ(ε^-2) (theorem number unconfirmed).
public struct FSLA: ScheduledSolver {
    public static let name = "fsla"
    public static let summary = "FSLA: fully single loop, one linear-system step per iteration, STORM on x, Õ(ε^-2) (Li, Gu, Huang 2022)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Li, Gu, Huang 2022; unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.05), .positive, "x step a: α_k = a·(w/(w+k))^{1/3} (x must move slower than z tracks: 0.2·s diverges on quadratic)"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "y step scale: β_k = β·(w/(w+k))^{1/3}"),
        DerivedParameter("eta", .overSmoothness(0.5), .positive, "linear-system step scale: η_k = η·(w/(w+k))^{1/3}"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("w", 10, .positive, "offset w of the schedules"),
        .real("c-rho", 0.5, .positive, "momentum ρ_k = c_ρ·(w/(w+k))^{1/3}"),
        .count("batch", 1, "minibatch size"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, e: Double, w: Double, cr: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); e = values.real("eta")
        w = values.real("w"); cr = values.real("c-rho"); bs = try batchSize(values, "batch", problem)
    }

    /// r_k = (w/(w+k))^{1/3}; steps a·r_k, β·r_k, η·r_k on x, y, z; momentum ρ_k = min(1, c_ρ r_k) from k = 1 on.
    public func rates(at k: Int) -> StepRates {
        let r = pow(w / (w + Double(k)), 1.0 / 3)
        return StepRates(x: a * r, y: b * r, z: e * r, momentumX: k == 0 ? nil : min(1, cr * r))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var z = [Double](repeating: 0, count: dy), gy = z, hz = z, fy = z
        var fx = [Double](repeating: 0, count: dx), jz = fx, d = fx
        var xOld = x, yOld = y, zOld = z
        var k = 0
        repeat {
            let step = rates(at: k)
            let batch = oracles.draw(bs, stream)
            oracles.gradXF(x, y, batch, into: &fx)
            oracles.jacobianVector(x, y, z, batch, into: &jz)
            if k == 0 {
                for i in 0..<dx { d[i] = fx[i] + jz[i] }
            } else {
                let rho = step.momentumX!
                for i in 0..<dx { d[i] = fx[i] + jz[i] + (1 - rho) * d[i] }
                oracles.gradXF(xOld, yOld, batch, into: &fx)
                oracles.jacobianVector(xOld, yOld, zOld, batch, into: &jz)
                for i in 0..<dx { d[i] -= (1 - rho) * (fx[i] + jz[i]) }
            }
            oracles.gradYG(x, y, batch, into: &gy)
            oracles.hessianVector(x, y, z, batch, into: &hz)
            oracles.gradYF(x, y, batch, into: &fy)
            xOld = x; yOld = y; zOld = z
            let ys = step.y, zs = step.z!
            for i in 0..<dy { y[i] -= ys * gy[i]; z[i] -= zs * (hz[i] + fy[i]) }
            Vec.axpy(-step.x, d, &x)
            k += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
