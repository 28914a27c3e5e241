import Components
import Foundation
import Randomness

/// VRBO (Yang, Ji, Liang 2021): SARAH/SPIDER variance reduction on both levels, double loop.
///
/// Every q outer steps the estimates u (of ∇_yG) and v (of ∇Φ) are refreshed on a big batch S₁.
/// After the x-step, m + 1 inner corrections on batches of S₂ each move the estimates from the
/// previous evaluation point to the new one (the first correction follows the x move, the rest
/// the y moves), and y takes a step after each.
public struct VRBO: BilevelSolver {
    public static let name = "vrbo"
    public static let summary = "VRBO: SARAH/SPIDER estimators, double loop, Õ(ε^-1.5) (Yang, Ji, Liang 2021)"
    public static let proved: ProvedRate = .epsilonExponent(1.5, source: "Yang, Ji, Liang 2021, Õ, with ε-dependent batches; theorem number unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.2), .positive, "x step α"),
        DerivedParameter("beta", .overSmoothness(0.6), .positive, "y step β"),
        DerivedParameter("S1", .cappedBySamples(1000), .integer(atLeast: 1), "big batch S₁ (theory ∝ σ²/ε)"),
        NeumannParameters.eta,
    ]
    // Every Hessian factor is estimated on the same batch size as the rest (S₁ or S₂), so hessian-batch does not apply.
    public static let fixedParameters: [Parameter] = [
        .count("q", 10, "big-batch refresh period q"),
        .count("S2", 10, "inner batch S₂ (theory ∝ ε^-1/2)"),
        .count("m", 3, atLeast: 0, "inner y steps m (m + 1 corrections)"),
        NeumannParameters.terms,
    ]

    public let values: ParameterValues
    let a: Double, b: Double, q: Int, big: Int, small: Int, m: Int
    let neumann: NeumannEstimator

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        a = values.real("alpha"); b = values.real("beta")
        q = values.int("q"); big = try batchSize(values, "S1", problem); small = try batchSize(values, "S2", problem); m = values.int("m")
        neumann = try NeumannEstimator(eta: values.real("eta"), terms: values.int("Q"))
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let work = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy), work2 = NeumannEstimator.Workspace(xDimension: dx, yDimension: dy)
        var u = [Double](repeating: 0, count: dy), v = [Double](repeating: 0, count: dx)
        var gNew = u, gOld = u, hNew = v, hOld = v
        var ax = x, ay = y
        var k = 0
        repeat {
            if k % q == 0 {
                let sample = neumann.draw(oracles, batch: big, factorBatch: big, stream: stream)
                oracles.gradYG(x, y, sample.outer, into: &u)
                neumann.estimate(oracles, x, y, sample, work: work, into: &v)
                ax = x; ay = y
            }
            Vec.axpy(-a, v, &x)
            for _ in 0...m {
                let sample = neumann.draw(oracles, batch: small, factorBatch: small, stream: stream)
                neumann.estimatePair(oracles, x, y, ax, ay, sample, work: work, work2, into: &hNew, &hOld)
                oracles.gradYGPair(x, y, ax, ay, sample.outer, into: &gNew, &gOld)
                for i in 0..<dx { v[i] += hNew[i] - hOld[i] }
                for i in 0..<dy { u[i] += gNew[i] - gOld[i] }
                ax = x; ay = y
                Vec.axpy(-b, u, &y)
            }
            k += 1
        } while recorder.observe(x, y)
    }

    /// Theory: S₁ ∝ σ²/ε (constant 100), q = S₂ = ⌈ε^-1/2⌉, m ∝ κ log κ (at least 3).
    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        let kappa = Prescription.kappa(problem)
        let root = Prescription.size((1 / epsilon.squareRoot()).rounded(.up), cappedBy: problem)
        return ["S1": Prescription.size((100 / epsilon).rounded(.up), cappedBy: problem), "S2": root, "q": root,
                "m": .int(Int(max(3, min(1e9, (kappa * log(max(kappa, 1))).rounded(.up))))),
                "Q": .int(Prescription.neumannTerms(epsilon, problem))]
    }
}
