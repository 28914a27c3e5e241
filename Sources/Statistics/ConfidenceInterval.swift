import Foundation
import Randomness

/// A confidence interval for one estimate, with how it was obtained.
public struct ConfidenceInterval: Sendable, Codable, Equatable {
    /// How an interval was computed.
    public enum Method: String, Sendable, Codable {
        /// Student-t over independent per-seed estimates.
        case tOverSeeds = "t-over-seeds"
        /// Percentile bootstrap over per-seed estimates.
        case bootstrap
        /// From a single regression's standard error.
        case tRegression = "t-regression"
        /// An interval transformed from another one through a monotone map.
        case transformed
    }

    public let estimate: Double
    public let lower: Double
    public let upper: Double
    /// Coverage, e.g. 0.95.
    public let level: Double
    public let method: Method
    /// Number of independent estimates behind it.
    public let sampleSize: Int

    public init(estimate: Double, lower: Double, upper: Double, level: Double, method: Method, sampleSize: Int) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
        self.method = method
        self.sampleSize = sampleSize
    }

    /// t-interval for the mean of independent samples (e.g. one fitted rate per seed).
    public init(tOver samples: [Double], level: Double = 0.95) throws(StatisticsError) {
        guard samples.count >= 2 else { throw .tooFewPoints(needed: 2, got: samples.count, what: "a t-interval") }
        guard samples.allSatisfy(\.isFinite) else { throw .invalidValue("non-finite sample in a t-interval") }
        let m = Descriptive.mean(samples)
        let se = Descriptive.standardError(samples)
        let t = tQuantile(probability: 0.5 + level / 2, degreesOfFreedom: Double(samples.count - 1))
        self.init(estimate: m, lower: m - t * se, upper: m + t * se, level: level, method: .tOverSeeds, sampleSize: samples.count)
    }

    /// Percentile bootstrap interval for the mean, seeded.
    public init(bootstrapOver samples: [Double], level: Double = 0.95, resamples: Int = 2000, stream: RandomStream) throws(StatisticsError) {
        guard samples.count >= 2 else { throw .tooFewPoints(needed: 2, got: samples.count, what: "a bootstrap interval") }
        guard samples.allSatisfy(\.isFinite) else { throw .invalidValue("non-finite sample in a bootstrap interval") }
        let n = samples.count
        var means = [Double](repeating: 0, count: max(1, resamples))
        for b in means.indices {
            var s = 0.0
            for _ in 0..<n { s += samples[stream.uniformInt(n)] }
            means[b] = s / Double(n)
        }
        let alpha = (1 - level) / 2
        self.init(estimate: Descriptive.mean(samples), lower: Descriptive.quantile(means, alpha), upper: Descriptive.quantile(means, 1 - alpha),
                  level: level, method: .bootstrap, sampleSize: n)
    }

    /// Whether `x` lies inside [lower, upper].
    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }

    /// The interval mapped through a monotone function (decreasing maps swap the ends).
    public func mapped(_ f: (Double) -> Double) -> ConfidenceInterval {
        let a = f(lower), b = f(upper)
        return ConfidenceInterval(estimate: f(estimate), lower: min(a, b), upper: max(a, b), level: level, method: .transformed, sampleSize: sampleSize)
    }

    /// "0.058 [0.043, 0.073]" with the given formatter.
    public func formatted(_ f: (Double) -> String) -> String { "\(f(estimate)) [\(f(lower)), \(f(upper))]" }
}

/// The Wilson score interval for a proportion: k successes in n trials, at `z` (1.96 for 95%).
/// Unlike k/n ± z·SE it stays inside [0, 1] and is not empty at k = 0 or k = n (10/10 gives [0.72, 1]).
public func wilsonInterval(successes k: Int, trials n: Int, z: Double = 1.959964) -> (lower: Double, upper: Double) {
    guard n > 0 else { return (0, 1) }
    let kk = Double(k), nn = Double(n), z2 = z * z
    let centre = (kk + z2 / 2) / (nn + z2)
    let half = z * (kk * (nn - kk) / nn + z2 / 4).squareRoot() / (nn + z2)
    return (max(0, centre - half), min(1, centre + half))
}
