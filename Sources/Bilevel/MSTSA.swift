import Components
import Foundation
import Randomness

/// MSTSA (Khanduri et al. 2021, momentum-assisted single-timescale stochastic approximation).
///
/// y ← y − β_k ∇_yG(x_k, y_k; ξ) (plain SGD, no momentum); the x direction is a STORM average of the
/// Neumann hypergradient, d_k = h(x_k, y_k; ζ) + (1 − η_k)(d_{k−1} − h(x_{k−1}, y_{k−1}; ζ)), x ← x − α_k d_k.
/// Single timescale: α_k = a·(w/(w+k))^{1/3}, β_k = b·(w/(w+k))^{1/3}, η_k = min(1, c_η (w/(w+k))^{1/3}):
/// the momentum weight on the order of the step, as a single-timescale O(ε^-2) method needs (with η ∝ α²,
/// the y noise entering every STORM difference accumulates over a 1/α² window).
/// Proved: Õ(ε^-2) (unconfirmed: read from the MRBO paper's comparison table, not from the MSTSA paper).
public struct MSTSA: ScheduledSolver {
    public static let name = "mstsa"
    public static let summary = "MSTSA: SGD on y, STORM momentum on the hypergradient, single timescale, Õ(ε^-2) unconfirmed (Khanduri et al. 2021)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Khanduri et al. 2021 (MSTSA); unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.1), .positive, "x step a: α_k = a·(w/(w+k))^{1/3}"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "y step b: β_k = b·(w/(w+k))^{1/3}"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("w", 10, .positive, "offset w of the schedules"),
        .real("c-eta", 0.5, .positive, "momentum η_k = c_η·(w/(w+k))^{1/3}"),
        .count("batch", 1, "minibatch size"),
        NeumannParameters.terms, NeumannParameters.hessianBatch,
    ]

    public let values: ParameterValues
    let a: Double, b: Double, w: Double, ce: Double, bs: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta"); w = values.real("w"); ce = values.real("c-eta")
        bs = try batchSize(values, "batch", problem)
        neumann = try NeumannParameters.make(values, problem)
    }

    /// r_k = (w/(w+k))^{1/3}; steps a·r_k and b·r_k; momentum η_k = min(1, c_η r_k) on x's direction.
    public func rates(at k: Int) -> StepRates {
        let r = pow(w / (w + Double(k)), 1.0 / 3)
        return StepRates(x: a * r, y: b * r, momentumX: min(1, ce * r))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var gy = [Double](repeating: 0, count: dy), d = [Double](repeating: 0, count: dx), hNew = d, hOld = d
        neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &d)
        var xOld = x, yOld = y
        var k = 0
        repeat {
            let step = rates(at: k)
            xOld = x; yOld = y
            oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
            Vec.axpy(-step.y, gy, &y)
            Vec.axpy(-step.x, d, &x)
            let eta = step.momentumX!
            let sample = neumann.draw(oracles, batch: bs, stream: stream)
            neumann.estimate(oracles, x, y, sample, work: work, into: &hNew)
            neumann.estimate(oracles, xOld, yOld, sample, work: work, into: &hOld)
            for i in 0..<dx { d[i] = hNew[i] + (1 - eta) * (d[i] - hOld[i]) }
            k += 1
        } while recorder.observe(x, y)
    }
}
