import Components
import Foundation
import Randomness

/// stocBiO (Ji, Yang, Liang 2021): T warm-started SGD steps on y, then an x-step along the Neumann hypergradient.
public struct StocBiO: BilevelSolver {
    public static let name = "stocbio"
    public static let summary = "stocBiO: inner SGD + Neumann hypergradient, O(ε^-2) (Ji, Yang, Liang 2021)"
    public static let proved: ProvedRate = .epsilonExponent(2, source: "Ji, Yang, Liang 2021; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α₀; α_k = α₀·(k₀/(k₀+k))^p"),
        DerivedParameter("beta", .overSmoothness(0.6), .positive, "inner y step β"),
        NeumannParameters.eta,
    ]
    public static let fixedParameters: [Parameter] = [
        .real("alpha-power", 0.5, .unit, "decay exponent p of the x step (0 = constant)"),
        .real("offset", 10, .positive, "k₀ of the step schedule"),
        .count("T", 2, "inner SGD steps per outer step"),
        .count("batch", 1, "minibatch size B"),
        NeumannParameters.terms, NeumannParameters.hessianBatch,
    ]

    public let values: ParameterValues
    let a: Double, p: Double, k0: Double, b: Double, t: Int, bs: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); p = values.real("alpha-power"); k0 = values.real("offset")
        b = values.real("beta"); t = values.int("T"); bs = try batchSize(values, "batch", problem)
        neumann = try NeumannParameters.make(values, problem)
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let work = NeumannEstimator.Workspace(xDimension: x.count, yDimension: y.count)
        var gy = [Double](repeating: 0, count: y.count), hg = [Double](repeating: 0, count: x.count)
        var k = 0
        repeat {
            for _ in 0..<t {
                oracles.gradYG(x, y, oracles.draw(bs, stream), into: &gy)
                Vec.axpy(-b, gy, &y)
            }
            neumann.estimate(oracles, x, y, neumann.draw(oracles, batch: bs, stream: stream), work: work, into: &hg)
            Vec.axpy(-decayed(a, k, offset: k0, power: p), hg, &x)
            k += 1
        } while recorder.observe(x, y)
    }

    /// Theory: B ∝ 1/ε, T ∝ κ log(1/ε), Q ∝ κ log(1/ε), constant steps.
    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        let kappa = Prescription.kappa(problem)
        return ["batch": Prescription.size((1 / epsilon).rounded(.up), cappedBy: problem),
                "T": .int(Int(max(1, min(1e9, (kappa * log(1 / epsilon)).rounded(.up))))), "alpha-power": .real(0),
                "Q": .int(Prescription.neumannTerms(epsilon, problem))]
    }
}
