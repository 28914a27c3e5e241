import Components
import Foundation
import Randomness

/// TTSA (Hong, Wai, Wang, Yang 2020): single-loop two-timescale stochastic approximation,
/// α_k ∝ k^{-3/5} on x and β_k ∝ k^{-2/5} on y, one lower step per upper step.
public struct TTSA: ScheduledSolver {
    public static let name = "ttsa"
    public static let summary = "TTSA: two-timescale single loop, O(ε^-2.5) (Hong et al. 2020)"
    public static let proved: ProvedRate = .epsilonExponent(2.5, source: "Hong, Wai, Wang, Yang 2020; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α₀; α_k = α₀(k₀/(k₀+k))^{3/5}"),
        DerivedParameter("beta", .overSmoothness(0.6), .positive, "y step β₀; β_k = β₀(k₀/(k₀+k))^{2/5}"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("offset", 10, .positive, "k₀ of the schedules"),
        .count("batch", 1, "minibatch size"),
        NeumannParameters.terms, NeumannParameters.hessianBatch,
    ]

    public let values: ParameterValues
    let a: Double, b: Double, k0: Double, bs: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta")
        k0 = values.real("offset"); bs = try batchSize(values, "batch", problem)
        neumann = try NeumannParameters.make(values, problem)
    }

    /// α_k = α₀(k₀/(k₀+k))^{3/5}, β_k = β₀(k₀/(k₀+k))^{2/5} (Hong et al.'s two timescales).
    public func rates(at k: Int) -> StepRates {
        StepRates(x: decayed(a, k, offset: k0, power: 0.6), y: decayed(b, k, offset: k0, power: 0.4))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let work = NeumannEstimator.Workspace(xDimension: x.count, yDimension: y.count)
        var gy = [Double](repeating: 0, count: y.count), hg = [Double](repeating: 0, count: x.count)
        var k = 0
        repeat {
            oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
            let step = rates(at: k)
            Vec.axpy(-step.y, gy, &y)
            neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &hg)
            Vec.axpy(-step.x, hg, &x)
            k += 1
        } while recorder.observe(x, y)
    }
}
