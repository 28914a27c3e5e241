import Components
import Foundation
import Randomness

/// PZOBO (Sow, Ji, Liang 2022): zeroth-order (finite-difference) estimate of the Jacobian of y_N(x).
///
/// Per outer step: y_N(x) from N inner steps y ← y − β∇_yg(x, y; ξ_t) warm-started at y; for Q Gaussian
/// directions u_j the same N steps (same batches ξ_t, same start) at x + μu_j give
/// δ_j = (y_N(x + μu_j) − y_N(x))/μ; ĥ = ∇ₓf(x, y_N) + (1/Q)Σ_j ⟨δ_j, ∇_yf(x, y_N)⟩ u_j; x ← x − α_k ĥ with α_k = α₀(k₀/(k₀+k))^p.
/// Only gradients are called: N(Q + 1) ∇_yg, one ∇ₓf, one ∇_yf per step — every one counted.
/// Proved: Õ(d² ε^-2)-type gradient complexity in the deterministic setting (unconfirmed).
public struct PZOBO: BilevelSolver {
    public static let name = "pzobo"
    public static let summary = "PZOBO: zeroth-order Jacobian of the inner trajectory by Gaussian finite differences (Sow, Ji, Liang 2022)"
    public static let proved: ProvedRate = .notApplicable("rate counts full gradients with a dimension factor (deterministic analysis; unconfirmed)")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.1), .positive, "x step α₀; α_k = α₀(k₀/(k₀+k))^p"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "inner step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("N", 10, "inner steps per trajectory"),
        .count("directions", 10, "Gaussian directions Q per estimate"),
        .real("smoothing", 1e-3, .positive, "finite-difference step μ"),
        .count("batch", 1, "minibatch size per inner step"),
        .real("alpha-power", 0.5, .unit, "decay exponent p of the x step α_k = α(k₀/(k₀+k))^p (0 = constant)"),
        .real("offset", 10, .positive, "k₀ of the step schedule"),
    ]

    public let values: ParameterValues
    let power: Double, k0: Double
    let a: Double, b: Double, n: Int, q: Int, mu: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        power = values.real("alpha-power"); k0 = values.real("offset")
        a = values.real("alpha"); b = values.real("beta"); n = values.int("N"); q = values.int("directions")
        mu = values.real("smoothing"); bs = try batchSize(values, "batch", problem)
    }

    /// The PZOBO estimate at x from y0 along `directions` with smoothing `mu`, one batch per inner step; and y_N(x).
    public static func estimate(_ oracles: CountingOracles, _ x: [Double], _ y0: [Double], directions: [[Double]], smoothing mu: Double,
                                beta: Double, batches: [Minibatch], outer: Minibatch) -> (hypergradient: [Double], yN: [Double]) {
        let dy = y0.count
        var g = [Double](repeating: 0, count: dy)
        func trajectory(_ at: [Double]) -> [Double] {
            var y = y0
            for batch in batches {
                oracles.gradYG(at, y, batch, into: &g)
                Vec.axpy(-beta, g, &y)
            }
            return y
        }
        let yN = trajectory(x)
        var fy = [Double](repeating: 0, count: dy), h = [Double](repeating: 0, count: x.count)
        oracles.gradYF(x, yN, outer, into: &fy)
        oracles.gradXF(x, yN, outer, into: &h)
        var xp = x
        let w = 1 / Double(max(directions.count, 1))
        for u in directions {
            for i in 0..<x.count { xp[i] = x[i] + mu * u[i] }
            let yp = trajectory(xp)
            var s = 0.0
            for i in 0..<dy { s += (yp[i] - yN[i]) / mu * fy[i] }
            Vec.axpy(w * s, u, &h)
        }
        return (h, yN)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        var directions = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: q)
        var batches = [Minibatch]()
        batches.reserveCapacity(n)
        var k = 0
        repeat {
            let ak = decayed(a, k, offset: k0, power: power)
            k += 1
            batches.removeAll(keepingCapacity: true)
            for _ in 0..<n { batches.append(oracles.draw(bs, stream)) }
            for j in 0..<q { for i in 0..<x.count { directions[j][i] = stream.gaussian() } }
            let (h, yN) = Self.estimate(oracles, x, y, directions: directions, smoothing: mu, beta: b, batches: batches,
                                        outer: oracles.draw(bs, stream))
            y = yN
            Vec.axpy(-ak, h, &x)
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
