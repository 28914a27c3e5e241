import Components
import Foundation
import Randomness

/// MRBO (Yang, Ji, Liang 2021): single loop with STORM recursive momentum on both levels.
///
/// The momentum weights follow the schedule α_{k+1} = c₁η_k², β_{k+1} = c₂η_k² with
/// η_k = d·(m/(m+k))^{1/3}; the authors' code resets them to constants each step, which is not
/// the analysed method. Each correction evaluates the same samples at the new and the old point.
public struct MRBO: ScheduledSolver {
    public static let name = "mrbo"
    public static let summary = "MRBO: recursive (STORM) momentum on x and y, Õ(ε^-1.5) (Yang, Ji, Liang 2021)"
    public static let proved: ProvedRate = .epsilonExponent(1.5, source: "Yang, Ji, Liang 2021, Õ; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("gamma", .xStep(0.3), .positive, "x step factor γ (x ← x − γη_k u)"),
        DerivedParameter("lambda", .overSmoothness(1), .positive, "y step factor λ (y ← y − λη_k v)"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("d", 1, .positive, "η₀: η_k = η₀·(m/(m+k))^{1/3}"),
        .real("m", 10, .positive, "offset m of η_k"),
        .real("c1", 0.3, .positive, "α_{k+1} = c₁η_k² (x momentum)"),
        .real("c2", 0.3, .positive, "β_{k+1} = c₂η_k² (y momentum)"),
        .count("batch", 1, "minibatch size B"),
        NeumannParameters.terms, NeumannParameters.hessianBatch,
    ]

    public let values: ParameterValues
    let eta0: Double, offset: Double, g: Double, l: Double, k1: Double, k2: Double, bs: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        eta0 = values.real("d"); offset = values.real("m"); g = values.real("gamma")
        l = values.real("lambda"); k1 = values.real("c1"); k2 = values.real("c2")
        bs = try batchSize(values, "batch", problem)
        neumann = try NeumannParameters.make(values, problem)
    }

    /// η_k = d(m/(m+k))^{1/3}; steps γη_k and λη_k; α_{k+1} = min(1, c₁η_k²), β_{k+1} = min(1, c₂η_k²).
    public func rates(at k: Int) -> StepRates {
        let eta = eta0 * pow(offset / (offset + Double(k)), 1.0 / 3)
        return StepRates(x: g * eta, y: l * eta, momentumX: min(1, k1 * eta * eta), momentumY: min(1, k2 * eta * eta))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy), work2 = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var v = [Double](repeating: 0, count: dy), u = [Double](repeating: 0, count: dx)
        var gNew = v, gOld = v, hNew = u, hOld = u
        oracles.gradYG(x, y, oracles.draw(bs, stream), into: &v)
        neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &u)
        var k = 0
        var xOld = x, yOld = y
        repeat {
            let step = rates(at: k)
            xOld = x; yOld = y
            Vec.axpy(-step.x, u, &x)
            Vec.axpy(-step.y, v, &y)
            let alpha = step.momentumX!, beta = step.momentumY!
            let batch = oracles.draw(bs, stream)
            oracles.gradYGPair(x, y, xOld, yOld, batch, into: &gNew, &gOld)
            for i in 0..<dy { v[i] = gNew[i] + (1 - beta) * (v[i] - gOld[i]) }
            let sample = neumann.draw(oracles, batch: bs, stream: stream)
            neumann.estimatePair(oracles, x, y, xOld, yOld, sample, work: work, work2, into: &hNew, &hOld)
            for i in 0..<dx { u[i] = hNew[i] + (1 - alpha) * (u[i] - hOld[i]) }
            k += 1
        } while recorder.observe(x, y)
    }
}
