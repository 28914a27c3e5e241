import LinearAlgebra
import Randomness

/// What the reported trajectory metric measures.
public enum ProblemMetric: String, Sendable, Codable {
    /// The exact squared hypergradient norm ‖∇Φ(x)‖² (cheap closed form).
    case gradientNormSquared = "grad_phi_norm_sq"
    /// The full upper-level (validation) loss f(x, y) at the current iterate.
    case validationLoss = "validation_loss"

    /// The quantity in words, for plots and divergence reports.
    public var symbol: String { self == .gradientNormSquared ? "‖∇Φ‖²" : "validation loss" }
}

/// A stochastic bilevel problem min_x Φ(x) = f(x, y*(x)), y*(x) = argmin_y g(x, y).
///
/// Oracles average over a `Minibatch` (drawn by `drawBatch`, reusable at two points) and write
/// into caller-owned buffers so solvers allocate nothing per step. The exact quantities are
/// for checking only; `CountingOracles` counts the oracles, never these.
public protocol BilevelProblem: Sendable {
    /// Short name ("quadratic", "logreg-l2", …).
    var name: String { get }
    /// Dimension of the upper variable x.
    var xDimension: Int { get }
    /// Dimension of the lower variable y.
    var yDimension: Int { get }
    /// Size of the lower-level sample set, nil for an infinite population.
    var lowerSampleCount: Int? { get }
    /// Size of the upper-level sample set, nil for an infinite population.
    var upperSampleCount: Int? { get }
    /// The default starting point x₀.
    var initialX: [Double] { get }
    /// The default lower starting point y₀.
    var initialY: [Double] { get }
    /// An upper bound on ‖∇²_y g‖ near the start (a safe Neumann step is 1/L).
    var lowerSmoothness: Double { get }
    /// A lower bound on the strong convexity of g in y near the start.
    var lowerStrongConvexity: Double { get }
    /// What trajectories report.
    var metric: ProblemMetric { get }
    /// Multiplier of the solvers' default x steps: the scale of 1/‖∇Φ‖ relative to the quadratic (1 there).
    var upperStepScale: Double { get }
    /// Human-readable facts about the instance (dimensions, conditioning), for reports.
    var summary: [(String, String)] { get }

    /// `size` fresh samples.
    func drawBatch(size: Int, stream: RandomStream) -> Minibatch
    /// `size` fresh samples for Hessian-vector products only.
    func drawHessianBatch(size: Int, stream: RandomStream) -> Minibatch
    /// Whether minibatches are contiguous blocks of the sample order walked in epochs, the block order reshuffled
    /// after each (benchopt's sampler); `CountingOracles` keeps that per-run state and `drawBatch` is not called.
    var walksReshuffledBlocks: Bool { get }
    /// ∇_y g(x, y) averaged over `batch`.
    func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double])
    /// ∇ₓ f(x, y) averaged over `batch`.
    func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double])
    /// ∇_y f(x, y) averaged over `batch`.
    func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double])
    /// ∇²_y g(x, y) · v averaged over `batch`.
    func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double])
    /// ∇ₓ∇_y g(x, y) · v (an x-sized vector) averaged over `batch`.
    func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double])
    /// ∇_y g, ∇²_y g·v and ∇ₓ∇_y g·v at one point on one batch: the same values as the three calls, which a problem
    /// may compute in fewer passes over its samples (benchopt's `oracles` call).
    func lowerOracles(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch,
                      gradY: inout [Double], hessianVector: inout [Double], jacobianVector: inout [Double])
    /// ∇_y g at (x₁, y₁) and at (x₂, y₂) on one batch: the same values as the two calls, possibly in fewer passes.
    func gradYGPair(_ x1: [Double], _ y1: [Double], _ x2: [Double], _ y2: [Double], _ batch: Minibatch,
                    into out1: inout [Double], _ out2: inout [Double])
    /// ∇²_y g(x₁, y₁)·v₁ and ∇²_y g(x₂, y₂)·v₂ on one batch (MRBO's and VRBO's new and old iterates): the same values as
    /// the two calls, possibly in one pass over the samples.
    func hessianVectorPair(_ x1: [Double], _ y1: [Double], _ v1: [Double], _ x2: [Double], _ y2: [Double], _ v2: [Double],
                           _ batch: Minibatch, into out1: inout [Double], _ out2: inout [Double])
    /// ∇_y f and ∇ₓ f at one point on one batch: the same values as the two calls, possibly in fewer passes.
    func upperGradients(_ x: [Double], _ y: [Double], _ batch: Minibatch, gradY: inout [Double], gradX: inout [Double])

    /// Whether `gradXG` is implemented (the fully first-order solvers need it).
    var providesGradXG: Bool { get }
    /// ∇ₓ g(x, y) averaged over `batch` (an x-sized vector).
    func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double])

    /// f(x, y) on `batch` (the default evaluates the whole upper population, which a full batch asks for).
    func upperValue(_ x: [Double], _ y: [Double], _ batch: Minibatch) -> Double

    /// g(x, y) over the whole lower population (for line searches; never counted).
    func lowerObjective(_ x: [Double], _ y: [Double]) -> Double
    /// f(x, y) over the whole upper population (the validation loss on real problems).
    func upperObjective(_ x: [Double], _ y: [Double]) -> Double
    /// The exact lower Hessian ∇²_y g(x, y) as a dense matrix.
    func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix
    /// y*(x), exact to rounding (closed form, or Newton with Cholesky solves).
    func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double]
    /// The exact hypergradient ∇Φ(x).
    func hypergradient(_ x: [Double]) throws(BilevelError) -> [Double]
    /// Φ(x) = f(x, y*(x)).
    func value(_ x: [Double]) throws(BilevelError) -> Double
}

extension BilevelProblem {
    public var providesGradXG: Bool { false }

    /// Problems without ∇ₓg return NaN, so a solver that skipped the `providesGradXG` check diverges at once instead of using zeros.
    public func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        for i in out.indices { out[i] = .nan }
    }

    public func upperValue(_ x: [Double], _ y: [Double], _ batch: Minibatch) -> Double { upperObjective(x, y) }

    public func drawHessianBatch(size: Int, stream: RandomStream) -> Minibatch { drawBatch(size: size, stream: stream) }

    public var walksReshuffledBlocks: Bool { false }

    public func lowerOracles(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch,
                             gradY: inout [Double], hessianVector hv: inout [Double], jacobianVector jv: inout [Double]) {
        gradYG(x, y, batch, into: &gradY)
        hessianVector(x, y, v, batch, into: &hv)
        jacobianVector(x, y, v, batch, into: &jv)
    }

    public func upperGradients(_ x: [Double], _ y: [Double], _ batch: Minibatch, gradY: inout [Double], gradX: inout [Double]) {
        gradYF(x, y, batch, into: &gradY)
        gradXF(x, y, batch, into: &gradX)
    }

    public func gradYGPair(_ x1: [Double], _ y1: [Double], _ x2: [Double], _ y2: [Double], _ batch: Minibatch,
                           into out1: inout [Double], _ out2: inout [Double]) {
        gradYG(x1, y1, batch, into: &out1)
        gradYG(x2, y2, batch, into: &out2)
    }

    public func hessianVectorPair(_ x1: [Double], _ y1: [Double], _ v1: [Double], _ x2: [Double], _ y2: [Double], _ v2: [Double],
                                  _ batch: Minibatch, into out1: inout [Double], _ out2: inout [Double]) {
        hessianVector(x1, y1, v1, batch, into: &out1)
        hessianVector(x2, y2, v2, batch, into: &out2)
    }

    /// The full-population batch (exact oracles).
    public var fullBatch: Minibatch { Minibatch(size: 1, isFull: true) }

    public func value(_ x: [Double]) throws(BilevelError) -> Double {
        upperObjective(x, try lowerSolution(x))
    }

    /// ∇Φ = ∇ₓf − ∇ₓ∇_y g · [∇²_y g]⁻¹ ∇_y f at y*(x), with a Cholesky solve.
    public func hypergradient(_ x: [Double]) throws(BilevelError) -> [Double] {
        let y = try lowerSolution(x)
        return try hypergradient(x, at: y)
    }

    /// The implicit-function hypergradient formula evaluated at a given y (exact when y = y*(x)).
    public func hypergradient(_ x: [Double], at y: [Double]) throws(BilevelError) -> [Double] {
        let full = fullBatch
        var fy = [Double](repeating: 0, count: yDimension)
        gradYF(x, y, full, into: &fy)
        let h = try lowerHessian(x, y)
        let v: [Double]
        do { v = try Cholesky(h).solve(fy) } catch { throw .lapack(error, "\(name): lower Hessian solve") }
        var fx = [Double](repeating: 0, count: xDimension)
        gradXF(x, y, full, into: &fx)
        var jv = [Double](repeating: 0, count: xDimension)
        jacobianVector(x, y, v, full, into: &jv)
        for i in 0..<xDimension { fx[i] -= jv[i] }
        return fx
    }

    /// Damped Newton on g(x, ·) from `start` until ‖∇_y g‖ ≤ `tolerance` (Cholesky solves).
    public func newtonLowerSolution(_ x: [Double], from start: [Double], tolerance: Double = 1e-12, maxIterations: Int = 200) throws(BilevelError) -> [Double] {
        var y = start
        var grad = [Double](repeating: 0, count: yDimension)
        let full = fullBatch
        for _ in 0..<maxIterations {
            gradYG(x, y, full, into: &grad)
            let gnorm = nrm2(grad)
            guard gnorm.isFinite else { throw .numerical("\(name): Newton on the lower problem produced a non-finite gradient") }
            if gnorm <= tolerance { return y }
            let h = try lowerHessian(x, y)
            let step: [Double]
            do { step = try Cholesky(h).solve(grad) } catch { throw .lapack(error, "\(name): Newton step") }
            // Backtracking keeps Newton globally convergent on the logistic losses.
            let g0 = lowerObjective(x, y)
            let slope = dot(grad, step)
            var t = 1.0
            var trial = y
            while true {
                for i in 0..<yDimension { trial[i] = y[i] - t * step[i] }
                let gt = lowerObjective(x, trial)
                // The slack absorbs rounding in g: near the solution the predicted decrease is below ulp(g).
                if gt <= g0 - 1e-4 * t * slope + 1e-13 * max(1, abs(g0)) || t < 1e-10 { break }
                t *= 0.5
            }
            y = trial
            // A full Newton step that no longer moves y is converged to rounding even when ‖∇g‖ stalls above the tolerance.
            if t == 1 && nrm2(step) <= 1e-15 * (1 + nrm2(y)) { return y }
        }
        gradYG(x, y, full, into: &grad)
        if nrm2(grad) <= max(tolerance, 1e-9) { return y }
        throw .numerical("\(name): Newton on the lower problem did not reach ‖∇g‖ ≤ \(tolerance) in \(maxIterations) iterations")
    }

    /// ‖∇Φ(x)‖².
    public func hypergradientNormSquared(_ x: [Double]) throws(BilevelError) -> Double {
        let g = try hypergradient(x)
        return dot(g, g)
    }
}
