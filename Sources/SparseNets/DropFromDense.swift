import Statistics

/// How far a pruned arm falls below the dense network trained with the same recipe: dense − pruned, paired by seed.
///
/// Pairing matters: every seed fixes the initial weights, the pruning batch and the data order of
/// both arms, so the per-seed differences cancel most of the split's and the initialisation's spread
/// (the dense digits MLP alone moves by about ±0.6 points from seed to seed).
public struct DropFromDense: Sendable, Codable, Equatable {
    /// Mean of dense − pruned over the paired seeds (accuracy as a fraction; positive is a drop).
    public var mean: Double
    /// Ends of the t-interval of that mean at `level`.
    public var lower: Double
    public var upper: Double
    /// The interval's coverage.
    public var level: Double
    /// The standard deviation of the per-seed differences.
    public var sd: Double
    /// Paired seeds behind it.
    public var n: Int

    /// The paired drop over the seeds both arms ran; nil with fewer than two such seeds or a non-finite accuracy.
    public init?(dense: [UInt64: Double], pruned: [UInt64: Double], level: Double = 0.95) {
        let seeds = dense.keys.filter { pruned[$0] != nil }.sorted()
        self.init(differences: seeds.map { dense[$0]! - pruned[$0]! }, level: level)
    }

    /// The drop from per-seed differences dense − pruned already paired.
    public init?(differences d: [Double], level: Double = 0.95) {
        guard d.count >= 2, d.allSatisfy(\.isFinite), let ci = try? ConfidenceInterval(tOver: d, level: level) else { return nil }
        mean = ci.estimate
        lower = ci.lower
        upper = ci.upper
        self.level = level
        sd = Descriptive.standardDeviation(d)
        n = d.count
    }

    /// "1.23 [0.80, 1.66]" in points.
    public var pointsText: String {
        String(format: "%.2f [%.2f, %.2f]", 100 * mean, 100 * lower, 100 * upper)
    }
}
