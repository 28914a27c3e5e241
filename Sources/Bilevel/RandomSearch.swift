import Components
import Foundation
import Randomness

/// Random search in x: the baseline that tells when a hypergradient is not worth it.
///
/// Candidate x' = x_best + σ_k·N(0, I); y' from T full-batch gradient steps on g(x', ·) warm-started
/// at y_best; accept when f(x', y') (one counted full-population value call) beats f(x_best, y_best).
/// σ follows the 1/5 success rule: ×2 on success, ×2^{-1/4} on failure. No gradient of f is used.
/// Proved: none for this baseline (n/a).
public struct RandomSearch: BilevelSolver {
    public static let name = "random-search"
    public static let summary = "random search in x with inner GD and the 1/5 success rule (baseline, no hypergradient)"
    public static let acceptsOnlyImprovements = true
    public static let proved: ProvedRate = .notApplicable("baseline: no rate")
    public static let derivedParameters = [
        DerivedParameter("sigma", .xStep(0.5), .positive, "initial search radius σ₀"),
        DerivedParameter("beta", .overSmoothness(1), .positive, "inner y step β"),
    ]
    public static let fixedParameters: [Parameter] = [
        .count("T", 10, "inner gradient steps per candidate"),
    ]

    public let values: ParameterValues
    let s0: Double, b: Double, t: Int

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        self.values = values
        s0 = values.real("sigma"); b = values.real("beta"); t = values.int("T")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let full = oracles.problem.fullBatch
        var gy = [Double](repeating: 0, count: y.count)
        for _ in 0..<t {
            oracles.gradYG(x, y, full, into: &gy)
            Vec.axpy(-b, gy, &y)
        }
        var best = oracles.upperValue(x, y, full)
        var sigma = s0
        var cx = x, cy = y
        repeat {
            for i in 0..<x.count { cx[i] = x[i] + sigma * stream.gaussian() }
            cy = y
            for _ in 0..<t {
                oracles.gradYG(cx, cy, full, into: &gy)
                Vec.axpy(-b, gy, &cy)
            }
            let value = oracles.upperValue(cx, cy, full)
            if value < best {
                best = value; x = cx; y = cy
                sigma *= 2
            } else {
                sigma *= pow(2, -0.25)
            }
            // A collapsed radius would stall forever; restart it from the initial scale.
            if sigma < 1e-12 * s0 { sigma = s0 }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
