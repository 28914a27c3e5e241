import Components
import Foundation
import Randomness

/// SRBA (Dagréou, Moreau, Vaiter, Ablin 2023/24): SOBA's three directions with SARAH (recursive) variance
/// reduction on finite sums.
///
/// Every `period` steps the directions are recomputed on the full sums: D_y = ∇_yG, D_z = ∇²_yG·z + ∇_yF,
/// D_x = ∇ₓF + ∇ₓ∇_yG·z. In between, one training index i and one validation index j update each by the
/// difference of the per-sample oracle at the new and the previous iterate (SARAH), then
/// y ← y − ρD_y, z ← z − ρD_z, x ← x − γD_x, with constant steps.
/// Proved: O((n + m)^{1/2} ε^-1) oracle calls, near-optimal for bilevel ERM (theorem number unconfirmed).
public struct SRBA: BilevelSolver {
    public static let name = "srba"
    public static let summary = "SRBA: SARAH variance reduction on SOBA's directions, O((n+m)^{1/2} ε^-1) (Dagréou et al. 2024)"
    public static let proved: ProvedRate = .epsilonExponent(1, source: "Dagréou et al. 2024: O((n+m)^{1/2} ε^-1), exponent at fixed n + m; unconfirmed")
    public static let needsFiniteSum = true
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.0015), .positive, "x step γ (constant)"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("rho", 0.015, .positive, "y and z step ρ (constant, ≲ 1/(per-sample L))"),
        .count("period", 64, "steps between full-sum recomputations"),
    ]

    public let values: ParameterValues
    let a: Double, r: Double, period: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        try Self.requireSupport(problem)
        self.values = values
        a = values.real("alpha"); r = values.real("rho"); period = values.int("period")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let problem = oracles.problem
        guard let n = problem.lowerSampleCount, let m = problem.upperSampleCount, n > 0, m > 0 else { return }
        let dx = x.count, dy = y.count, full = problem.fullBatch
        var z = [Double](repeating: 0, count: dy)
        var dY = z, dZ = z, tmp = z, tmp2 = z
        var dX = [Double](repeating: 0, count: dx), tx = dX, tx2 = dX
        var xo = x, yo = y, zo = z
        var batch = Minibatch(size: 1, lower: [0], upper: [0])
        /// Adds sign·(oracles at (px, py, pz) on `b`) to the three directions.
        func add(_ sign: Double, _ px: [Double], _ py: [Double], _ pz: [Double], _ b: Minibatch) {
            oracles.gradYG(px, py, b, into: &tmp)
            Vec.axpy(sign, tmp, &dY)
            oracles.hessianVector(px, py, pz, b, into: &tmp)
            oracles.gradYF(px, py, b, into: &tmp2)
            for k in 0..<dy { dZ[k] += sign * (tmp[k] + tmp2[k]) }
            oracles.gradXF(px, py, b, into: &tx)
            oracles.jacobianVector(px, py, pz, b, into: &tx2)
            for k in 0..<dx { dX[k] += sign * (tx[k] + tx2[k]) }
        }
        var step = 0
        repeat {
            if step % period == 0 {
                for k in 0..<dy { dY[k] = 0; dZ[k] = 0 }
                for k in 0..<dx { dX[k] = 0 }
                add(1, x, y, z, full)
            } else {
                batch.lower[0] = stream.uniformInt(n); batch.upper[0] = stream.uniformInt(m)
                add(1, x, y, z, batch)
                add(-1, xo, yo, zo, batch)
            }
            xo = x; yo = y; zo = z
            for k in 0..<dy { y[k] -= r * dY[k]; z[k] -= r * dZ[k] }
            for k in 0..<dx { x[k] -= a * dX[k] }
            step += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
