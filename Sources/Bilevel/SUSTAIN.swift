import Components
import Foundation
import Randomness

/// SUSTAIN (Khanduri, Zeng, Hong, Wai, Wang, Yang, NeurIPS 2021): single loop, STORM momentum on both levels.
///
/// h_g ← ∇_yG(x_k, y_k; ξ) + (1 − η_k)(h_g − ∇_yG(x_{k−1}, y_{k−1}; ξ)), and h_f the same with the
/// randomly truncated Neumann hypergradient (Ghadimi–Wang/BSA estimator); y ← y − β_k h_g, x ← x − α_k h_f.
/// Schedule: α_k = a/(w + k)^{1/3}, β_k = c_β α_k, η_{k+1} = min(1, c_η α_k²).
/// Proved: Õ(ε^-1.5) stochastic oracle calls (paper's main theorem; theorem number unconfirmed).
/// Differs from MRBO in the truncated (one-product) hypergradient and the absolute-step schedule.
public struct SUSTAIN: ScheduledSolver {
    public static let name = "sustain"
    public static let summary = "SUSTAIN: STORM momentum on both levels, one-product Neumann estimate, Õ(ε^-1.5) (Khanduri et al. 2021)"
    public static let proved: ProvedRate = .epsilonExponent(1.5, source: "Khanduri et al. 2021, Õ; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.3), .positive, "x step scale a: α_k = a·(w/(w+k))^{1/3}"),
        DerivedParameter("beta", .overSmoothness(0.5), .positive, "y step scale: β_k = beta·(w/(w+k))^{1/3}"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("w", 10, .positive, "offset w of the schedules"),
        .real("c-eta", 0.5, .positive, "momentum η_{k+1} = c_η·(α_k/a)²"),
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
        neumann = try NeumannParameters.make(values, problem, randomTruncation: true)
    }

    /// r_k = (w/(w+k))^{1/3}; steps a·r_k and β·r_k; momentum η = min(1, c_η r_k²) on both levels.
    public func rates(at k: Int) -> StepRates {
        let r = pow(w / (w + Double(k)), 1.0 / 3)
        let eta = min(1, ce * r * r)
        return StepRates(x: a * r, y: b * r, momentumX: eta, momentumY: eta)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var hg = [Double](repeating: 0, count: dy), hf = [Double](repeating: 0, count: dx)
        var gNew = hg, gOld = hg, fNew = hf, fOld = hf
        oracles.gradYG(x, y, oracles.draw(bs, stream), into: &hg)
        neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &hf)
        var xOld = x, yOld = y
        var k = 0
        repeat {
            let step = rates(at: k)
            xOld = x; yOld = y
            Vec.axpy(-step.x, hf, &x)
            Vec.axpy(-step.y, hg, &y)
            let eta = step.momentumX!
            let batch = oracles.draw(bs, stream)
            oracles.gradYG(x, y, batch, into: &gNew)
            oracles.gradYG(xOld, yOld, batch, into: &gOld)
            for i in 0..<dy { hg[i] = gNew[i] + (1 - eta) * (hg[i] - gOld[i]) }
            let sample = neumann.draw(oracles, batch: bs, stream: stream)
            neumann.estimate(oracles, x, y, sample, work: work, into: &fNew)
            neumann.estimate(oracles, xOld, yOld, sample, work: work, into: &fOld)
            for i in 0..<dx { hf[i] = fNew[i] + (1 - eta) * (hf[i] - fOld[i]) }
            k += 1
        } while recorder.observe(x, y)
    }
}
