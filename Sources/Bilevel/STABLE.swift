import Components
import Foundation
import LinearAlgebra
import Randomness

/// STABLE (Chen, Sun, Xiao, Yin, "A single-timescale method for stochastic bilevel optimization", arXiv 2102.04671,
/// AISTATS 2022): single loop, single timescale, dense recursive estimates of the lower Hessian and cross Jacobian.
///
/// On one batch φ_k, evaluated at the new and at the old point (STORM form, as the paper's estimator):
///   J_k = (1 − τ_k)(J_{k−1} − ∇ₓ∇_y g(x_{k−1}, y_{k−1}; φ_k)) + ∇ₓ∇_y g(x_k, y_k; φ_k)            (d_x × d_y),
///   H_k = P[(1 − τ_k)(H_{k−1} − ∇²_y g(x_{k−1}, y_{k−1}; φ_k)) + ∇²_y g(x_k, y_k; φ_k)]           (d_y × d_y),
/// P symmetrises and clamps the eigenvalues at the floor μ' (the paper projects on {H ⪰ μ_g I}); then
///   x_{k+1} = x_k − α_k (∇ₓf(x_k, y_k; ξ_k) − J_k H_k⁻¹ ∇_y f(x_k, y_k; ξ_k)),
///   y_{k+1} = y_k − β_k ∇_y g(x_k, y_k; φ_k) − H_k⁻¹ J_kᵀ (x_{k+1} − x_k),
/// the last term following y*(x) to first order (dy*/dx = −H⁻¹Jᵀ). J_0, H_0 are one batch at the start.
/// The matrices come from the counted oracles, one HVP and one JVP per unit vector e_j and point, so a step costs
/// 4·d_y·B second-order calls plus 3B gradients (43 at d_y = 10, B = 1) and the start 2·d_y·B more.
/// Steps: α_k = a·r_k, β_k = b·r_k, τ_k = min(1, c_τ·r_k), r_k = (k₀/(k₀+k))^{1/2}: one timescale, the anytime form
/// of the theorem's α, β, τ ∝ 1/√K. (The authors' MRVRBO code keeps τ = 0.5 and draws different batches at the two points.)
/// Proved: O(ε^-2) samples (stated in the paper's abstract; theorem number unconfirmed).
/// At batch 1 the first estimates are rank one and H⁻¹ is 1/μ' off the sampled span: on benchopt-quadratic at d = 100
/// the defaults diverge within four steps, while floor = 1, alpha = 0.05 run (‖∇Φ‖² 8.7 after 2·10⁵ calls, 497 steps
/// of 403 calls each); the dense estimates pay for themselves only when d_y is small.
public struct STABLE: ScheduledSolver {
    public static let name = "stable"
    public static let summary = "STABLE: single timescale with recursive dense Hessian and Jacobian estimates, O(ε^-2) (Chen, Sun, Xiao, Yin 2021)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Chen, Sun, Xiao, Yin 2021, abstract; theorem number unconfirmed")
    public static let maxLowerDimension: Int? = 200
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step a: α_k = a·(k₀/(k₀+k))^{1/2}"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "y step b: β_k = b·(k₀/(k₀+k))^{1/2}"),
        DerivedParameter("floor", .strongConvexity(1), .positive, "eigenvalue floor μ' of the Hessian estimate (projection on H ⪰ μ'I)"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("c-tau", 0.5, .positive, "recursion weight τ_k = min(1, c_τ·(k₀/(k₀+k))^{1/2})"),
        .real("offset", 10, .positive, "k₀ of the schedules"),
        .count("batch", 1, "minibatch size B (one batch for g's gradient and matrices, one for f's gradients)"),
    ]

    public let values: ParameterValues
    let a: Double, b: Double, floor: Double, cTau: Double, k0: Double, bs: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        try Self.requireSupport(problem)
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); floor = values.real("floor")
        cTau = values.real("c-tau"); k0 = values.real("offset")
        bs = try batchSize(values, "batch", problem)
    }

    /// H = ∇²_y g (row-major d_y × d_y) and J = ∇ₓ∇_y g (row-major d_x × d_y) on `batch` at (x, y), column by column.
    static func matrices(_ oracles: CountingOracles, _ x: [Double], _ y: [Double], _ batch: Minibatch,
                         h: inout [Double], j: inout [Double], unit: inout [Double], hc: inout [Double], jc: inout [Double]) {
        let dx = x.count, dy = y.count
        for q in 0..<dy {
            unit[q] = 1
            oracles.hessianVector(x, y, unit, batch, into: &hc)
            oracles.jacobianVector(x, y, unit, batch, into: &jc)
            unit[q] = 0
            for p in 0..<dy { h[p * dy + q] = hc[p] }
            for p in 0..<dx { j[p * dy + q] = jc[p] }
        }
    }

    /// Symmetrises `h`, clamps its eigenvalues at `floor` and writes the projection back; returns (V, 1/λ) for solves.
    static func project(_ h: inout [Double], _ dy: Int, floor: Double) -> (vectors: Matrix, inverse: [Double])? {
        let sym = Matrix(rows: dy, cols: dy) { p, q in 0.5 * (h[p * dy + q] + h[q * dy + p]) }
        guard let e = try? SymmetricEigen(sym) else { return nil }
        let lam = e.values.map { max($0, floor) }
        for p in 0..<dy {
            for q in 0..<dy {
                var acc = 0.0
                for k in 0..<dy { acc += e.vectors[p, k] * lam[k] * e.vectors[q, k] }
                h[p * dy + q] = acc
            }
        }
        return (e.vectors, lam.map { 1 / $0 })
    }

    /// out = V diag(inv) Vᵀ r.
    static func solve(_ v: Matrix, _ inv: [Double], _ r: [Double], into out: inout [Double], work: inout [Double]) {
        let d = r.count
        for k in 0..<d {
            var acc = 0.0
            for p in 0..<d { acc += v[p, k] * r[p] }
            work[k] = acc * inv[k]
        }
        for p in 0..<d {
            var acc = 0.0
            for k in 0..<d { acc += v[p, k] * work[k] }
            out[p] = acc
        }
    }

    /// r_k = (k₀/(k₀+k))^{1/2}; steps a·r_k and b·r_k; recursion weight τ_k = min(1, c_τ r_k) from k = 1 on.
    public func rates(at k: Int) -> StepRates {
        let r = pow(k0 / (k0 + Double(k)), 0.5)
        return StepRates(x: a * r, y: b * r, momentumX: k == 0 ? nil : min(1, cTau * r))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        var h = [Double](repeating: 0, count: dy * dy), j = [Double](repeating: 0, count: dx * dy)
        var hNew = h, jNew = j, hOld = h, jOld = j
        var unit = [Double](repeating: 0, count: dy), hc = unit, jc = [Double](repeating: 0, count: dx)
        var gy = unit, fy = unit, w = unit, u = unit, c = unit, work = unit
        var fx = [Double](repeating: 0, count: dx), dir = fx
        var xOld = x, yOld = y
        var k = 0
        repeat {
            let step = rates(at: k)
            let batch = oracles.draw(bs, stream)
            if k == 0 {
                Self.matrices(oracles, x, y, batch, h: &h, j: &j, unit: &unit, hc: &hc, jc: &jc)
            } else {
                let tau = step.momentumX!
                Self.matrices(oracles, x, y, batch, h: &hNew, j: &jNew, unit: &unit, hc: &hc, jc: &jc)
                Self.matrices(oracles, xOld, yOld, batch, h: &hOld, j: &jOld, unit: &unit, hc: &hc, jc: &jc)
                for i in h.indices { h[i] = (1 - tau) * (h[i] - hOld[i]) + hNew[i] }
                for i in j.indices { j[i] = (1 - tau) * (j[i] - jOld[i]) + jNew[i] }
            }
            guard let (vectors, inverse) = Self.project(&h, dy, floor: floor) else {
                // A non-finite estimate: hand the recorder a non-finite x, which it reports as divergence.
                x = [Double](repeating: .nan, count: dx)
                _ = recorder.observe(x, y)
                return
            }
            oracles.gradYG(x, y, batch, into: &gy)
            oracles.gradXF(x, y, batch, into: &fx)
            oracles.gradYF(x, y, batch, into: &fy)
            Self.solve(vectors, inverse, fy, into: &w, work: &work)
            let ak = step.x, bk = step.y
            for p in 0..<dx {
                var acc = 0.0
                for q in 0..<dy { acc += j[p * dy + q] * w[q] }
                dir[p] = fx[p] - acc
            }
            xOld = x; yOld = y
            Vec.axpy(-ak, dir, &x)
            for q in 0..<dy {
                var acc = 0.0
                for p in 0..<dx { acc += j[p * dy + q] * (x[p] - xOld[p]) }
                u[q] = acc
            }
            Self.solve(vectors, inverse, u, into: &c, work: &work)
            for q in 0..<dy { y[q] -= bk * gy[q] + c[q] }
            k += 1
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
