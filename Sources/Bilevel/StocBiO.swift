import Foundation
import Randomness

/// stocBiO (Ji, Yang, Liang 2021): T warm-started SGD steps on y, then an x-step along the Neumann hypergradient.
public struct StocBiO: BilevelSolver {
    public static let name = "stocbio"
    public static let summary = "stocBiO: inner SGD + Neumann hypergradient, O(ε^-2) (Ji, Yang, Liang 2021)"
    static let alpha = SolverParameter("alpha", 0.2, .positive, "x step α₀; α_k = α₀·(k₀/(k₀+k))^p", upperStep: true)
    static let alphaPower = SolverParameter("alpha-power", 0.5, .unit, "decay exponent p of the x step (0 = constant)")
    static let offset = SolverParameter("offset", 10, .positive, "k₀ of the step schedule")
    static let beta = SolverParameter("beta", 0, .positive, "inner y step β (default 0.6/L: 0.3 on quadratic)")
    static let inner = SolverParameter("T", 2, .integer(atLeast: 1), "inner SGD steps per outer step")
    static let batch = SolverParameter("batch", 1, .integer(atLeast: 1), "minibatch size B")
    public static let parameters = [alpha, alphaPower, offset, beta, inner, batch] + NeumannParameters.all

    let a: Double, p: Double, k0: Double, b: Double, t: Int, bs: Int
    let neumann: NeumannEstimator

    public init(settings s: SolverSettings) throws(BilevelError) {
        a = try s.value(Self.alpha); p = try s.value(Self.alphaPower); k0 = try s.value(Self.offset)
        b = try s.value(Self.beta, default: 0.6 / s.lowerSmoothness); t = try s.int(Self.inner); bs = try s.batch(Self.batch)
        neumann = try NeumannParameters.make(s)
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
    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: Double] {
        let kappa = Prescription.kappa(problem)
        return ["batch": min(Double(problem.lowerSampleCount ?? Int.max), (1 / epsilon).rounded(.up)), "T": max(1, (kappa * log(1 / epsilon)).rounded(.up)), "alpha-power": 0,
                "Q": Double(Prescription.neumannTerms(epsilon, problem))]
    }
}
