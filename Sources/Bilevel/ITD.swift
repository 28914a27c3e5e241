import Components
import Foundation
import Randomness

/// ITD (iterative differentiation; Ji, Yang, Liang 2021; Grazzi et al. 2020): reverse-mode differentiation
/// of f(x, y_T(x)) through T full-batch gradient steps y_{t+1} = y_t − β∇_y g(x, y_t) from y_0 (warm start).
///
/// Backward pass: p ← ∇_y f(x, y_T), h ← ∇ₓf(x, y_T); for t = T−1 … 0: h ← h − β ∇ₓ∇_y g(x, y_t)·p,
/// p ← p − β ∇²_y g(x, y_t)·p. h is the exact gradient of the unrolled objective (y_0 held fixed).
/// Deterministic, constant x step. Proved: O(κ³ ε^-1 log(1/ε)) gradient evaluations for the
/// deterministic problem (Ji, Yang, Liang 2021; theorem number unconfirmed) — counts full gradients, not samples.
public struct ITD: BilevelSolver {
    public static let name = "itd"
    public static let summary = "ITD: reverse-mode differentiation through T full-batch inner steps (deterministic)"
    public static let proved: ProvedRate = .notApplicable("deterministic: O(ε^-1) full-batch steps; Protocol A's stochastic ε-exponent does not apply")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 10, "inner steps differentiated through"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, t: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); t = values.int("T")
    }

    /// The gradient of f(x, y_T(x)) through `steps` inner steps of size `beta` from `y0` on `batch`, and y_T.
    public static func unrolled(_ oracles: CountingOracles, _ x: [Double], _ y0: [Double], steps: Int, beta: Double,
                                batch: Minibatch) -> (gradient: [Double], yT: [Double]) {
        let dy = y0.count
        var ys = [y0]
        ys.reserveCapacity(steps + 1)
        var g = [Double](repeating: 0, count: dy)
        var y = y0
        for _ in 0..<steps {
            oracles.gradYG(x, y, batch, into: &g)
            Vec.axpy(-beta, g, &y)
            ys.append(y)
        }
        var p = [Double](repeating: 0, count: dy), hp = p
        var h = [Double](repeating: 0, count: x.count), jp = h
        oracles.gradYF(x, y, batch, into: &p)
        oracles.gradXF(x, y, batch, into: &h)
        for s in stride(from: steps - 1, through: 0, by: -1) {
            oracles.jacobianVector(x, ys[s], p, batch, into: &jp)
            Vec.axpy(-beta, jp, &h)
            oracles.hessianVector(x, ys[s], p, batch, into: &hp)
            Vec.axpy(-beta, hp, &p)
        }
        return (h, y)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let full = oracles.problem.fullBatch
        repeat {
            let (h, yT) = Self.unrolled(oracles, x, y, steps: t, beta: b, batch: full)
            y = yT
            Vec.axpy(-a, h, &x)
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["T": .int(Int(max(1, min(1e6, (Prescription.kappa(problem) * log(10 / epsilon)).rounded(.up)))))]
    }
}
