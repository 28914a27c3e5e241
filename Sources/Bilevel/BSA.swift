import Components
import Foundation
import Randomness

/// BSA (Ghadimi & Wang 2018): decaying outer steps, a growing inner SGD loop, and the randomly
/// truncated Neumann estimator.
///
/// Schedule used here: α_k = α/√(k+1); T_k = min(T_max, ⌈T₀√(k+1)⌉) warm-started inner steps
/// with a constant step β (the paper's inner steps decay like 1/t; a constant step on a
/// strongly convex lower level with warm starts behaves the same on these problems).
public struct BSA: ScheduledSolver {
    public static let name = "bsa"
    public static let summary = "BSA: growing inner loop, random-truncation Neumann, O(ε^-2) f / O(ε^-3) g calls (Ghadimi & Wang 2018)"
    public static let proved: ProvedRate = .epsilonExponent(3, source: "Ghadimi & Wang 2018: O(ε^-3) lower-level samples dominate the count; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α; α_k = α/√(k+1)"),
        DerivedParameter("beta", .overSmoothness(0.6), .positive, "inner y step β"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("T0", 1, .positive, "inner loop length T_k = ⌈T₀√(k+1)⌉"),
        .count("Tmax", 20, "cap on the inner loop length"),
        .count("batch", 1, "minibatch size"),
        NeumannParameters.terms, NeumannParameters.hessianBatch,
    ]

    public let values: ParameterValues
    let a: Double, b: Double, tStart: Double, cap: Int, bs: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta")
        tStart = values.real("T0"); cap = values.int("Tmax"); bs = try batchSize(values, "batch", problem)
        neumann = try NeumannParameters.make(values, problem, randomTruncation: true)
    }

    /// α_k = α/√(k+1), constant β, T_k = min(T_max, ⌈T₀√(k+1)⌉) inner steps.
    public func rates(at k: Int) -> StepRates {
        let root = Double(k + 1).squareRoot()
        return StepRates(x: a / root, y: b, innerSteps: min(cap, max(1, Int((tStart * root).rounded(.up)))))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let work = NeumannEstimator.Workspace(xDimension: x.count, yDimension: y.count)
        var gy = [Double](repeating: 0, count: y.count), hg = [Double](repeating: 0, count: x.count)
        var k = 0
        repeat {
            let step = rates(at: k)
            for _ in 0..<step.innerSteps! {
                oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
                Vec.axpy(-step.y, gy, &y)
            }
            neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &hg)
            Vec.axpy(-step.x, hg, &x)
            k += 1
        } while recorder.observe(x, y)
    }
}
