import Foundation
import Statistics

/// The statistical form a check states its rule in (the verdict protocol, proofs/README.md).
///
/// The first six are the protocol's forms. Two more name what a claim checks without sampling error or by counting:
/// `invariant` (a deterministic inequality at every point, such as a per-step certificate) and `count` (k of n seeds on
/// one side of a line, primary only where its hold probability from the calibration spread is at least 0.95).
public enum VerdictForm: String, Sendable, Codable, CaseIterable {
    /// The lower end of the 95% paired t-interval of A − B lies above a margin.
    case superiority
    /// The lower end of the 95% paired t-interval of A − B is at least −margin.
    case nonInferiority = "non-inferiority"
    /// Two one-sided tests: the 90% interval lies inside [−margin, +margin].
    case equivalence
    /// A published (or closed-form) figure lies within a stated tolerance of the measured mean.
    case reproduction
    /// A fitted exponent or constant (its interval, or a point statistic of a fit) lies in a stated range.
    case rate
    /// Against the paper's stated direction: reproduces, does not reproduce, or inconclusive (the interval straddles the line).
    case boundary
    /// A deterministic inequality that must hold at every point; there is no interval, so no margin of safety.
    case invariant
    /// k of n seeds on the passing side of a line.
    case count
}

/// A check's outcome under its form.
public enum CheckOutcome: String, Sendable, Codable {
    case passed
    case failed
    /// The interval straddles the line: neither side is shown.
    case inconclusive
}

/// What a boundary check found against the paper's stated direction.
public enum BoundaryFinding: String, Sendable, Codable {
    case reproduces
    case doesNotReproduce = "does-not-reproduce"
    case inconclusive
}

/// A check's statistic, its line and its outcome under its form, as the record keeps them.
///
/// The margin of safety is the distance of the judged end (or estimate) from its line in units of the interval's
/// half-width, positive on the passing side; under 1, one more seed could flip the check. For a boundary check it is the
/// shift that would change the outcome (positive when the check passes, negative when it does not). It is nil where the form has
/// no interval (invariant, a point statistic of a fit) or the interval has no width.
public struct Judgement: Sendable, Codable, Equatable {
    public var form: VerdictForm
    /// The judged statistic: a mean paired gap, a fitted value, a worst ratio.
    public var estimate: Double?
    /// The interval's ends (95%, or 90% for equivalence).
    public var lower: Double?
    public var upper: Double?
    /// The interval's coverage.
    public var level: Double?
    /// The number of independent samples behind the interval (paired seeds).
    public var n: Int?
    /// The line(s), in words with their numbers.
    public var line: String
    public var marginOfSafety: Double?
    public var outcome: CheckOutcome
    /// Boundary form only: what the interval says of the paper's direction.
    public var finding: BoundaryFinding?

    public init(form: VerdictForm, estimate: Double? = nil, lower: Double? = nil, upper: Double? = nil, level: Double? = nil, n: Int? = nil,
                line: String, marginOfSafety: Double? = nil, outcome: CheckOutcome, finding: BoundaryFinding? = nil) {
        self.form = form
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
        self.n = n
        self.line = line
        self.marginOfSafety = marginOfSafety.flatMap { $0.isFinite ? $0 : nil }
        self.outcome = outcome
        self.finding = finding
    }

    /// Several judgements that must all pass, as one: the first's form and statistic, every line, the smallest margin.
    public static func all(_ parts: [Judgement]) -> Judgement {
        guard var out = parts.first else { return Judgement(form: .invariant, line: "nothing to judge", outcome: .failed) }
        out.line = parts.map(\.line).joined(separator: "; and ")
        let margins = parts.compactMap(\.marginOfSafety)
        out.marginOfSafety = margins.min()
        if parts.contains(where: { $0.outcome == .failed }) { out.outcome = .failed }
        else if parts.contains(where: { $0.outcome == .inconclusive }) { out.outcome = .inconclusive }
        else { out.outcome = .passed }
        return out
    }

    /// The margin of safety as the tables print it.
    public var marginText: String { marginOfSafety.map { String(format: "%.2f", $0) } ?? "—" }
}

/// The t-interval of the mean of paired differences at `level`, or nil when there are fewer than two finite values.
func pairedInterval(_ d: [Double], level: Double) -> ConfidenceInterval? {
    guard d.count >= 2, d.allSatisfy(\.isFinite) else { return nil }
    return try? ConfidenceInterval(tOver: d, level: level)
}

/// (value − line) / half-width, the margin of safety of one end against one line.
func safety(_ distance: Double, _ halfWidth: Double) -> Double? {
    halfWidth > 0 && distance.isFinite ? distance / halfWidth : nil
}

/// The lines a fitted value's interval (or estimate) must satisfy in the `rate` form.
public enum RateCondition: Sendable, Equatable {
    /// lower end > x
    case lowerAbove(Double)
    /// lower end ≤ x (the interval reaches down to x: consistent with a faster rate)
    case lowerAtMost(Double)
    /// upper end < x
    case upperBelow(Double)
    /// estimate in [a, b]
    case estimateIn(Double, Double)
    /// estimate ≥ x
    case estimateAtLeast(Double)
    /// estimate > x
    case estimateAbove(Double)
}

/// Superiority: the lower end of the 95% paired interval of A − B lies above `margin`, and optionally the mean is at least `minimumMean`.
public struct Superiority: Sendable {
    public var margin: Double
    public var minimumMean: Double?
    public var level: Double
    /// How the line's numbers are printed (e.g. in points).
    public var format: @Sendable (Double) -> String

    public init(margin: Double = 0, minimumMean: Double? = nil, level: Double = 0.95, format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.margin = margin
        self.minimumMean = minimumMean
        self.level = level
        self.format = format
    }

    /// Judges the paired differences A − B.
    public func judge(_ d: [Double]) -> Judgement {
        var line = "\(Int((level * 100).rounded()))% lower end > \(format(margin))"
        if let m = minimumMean { line += " and mean ≥ \(format(m))" }
        guard let ci = pairedInterval(d, level: level) else {
            return Judgement(form: .superiority, n: d.count, line: line, outcome: .failed)
        }
        let hw = ci.upper - ci.estimate
        var pass = ci.lower > margin, mos = safety(ci.lower - margin, hw)
        if let m = minimumMean {
            pass = pass && ci.estimate >= m
            if let s = safety(ci.estimate - m, hw) { mos = min(mos ?? s, s) }
        }
        return Judgement(form: .superiority, estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: level, n: d.count, line: line,
                         marginOfSafety: mos, outcome: pass ? .passed : .failed)
    }
}

/// Non-inferiority: the lower end of the 95% paired interval of A − B is at least −margin.
public struct NonInferiority: Sendable {
    public var margin: Double
    public var level: Double
    public var format: @Sendable (Double) -> String

    public init(margin: Double, level: Double = 0.95, format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.margin = margin
        self.level = level
        self.format = format
    }

    /// Judges the paired differences A − B.
    public func judge(_ d: [Double]) -> Judgement {
        let line = "\(Int((level * 100).rounded()))% lower end ≥ −\(format(margin))"
        guard let ci = pairedInterval(d, level: level) else { return Judgement(form: .nonInferiority, n: d.count, line: line, outcome: .failed) }
        return Judgement(form: .nonInferiority, estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: level, n: d.count, line: line,
                         marginOfSafety: safety(ci.lower + margin, ci.upper - ci.estimate), outcome: ci.lower >= -margin ? .passed : .failed)
    }
}

/// Equivalence by two one-sided tests: the 90% paired interval of A − B lies inside [−margin, +margin].
public struct Equivalence: Sendable {
    public var margin: Double
    public var format: @Sendable (Double) -> String

    public init(margin: Double, format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.margin = margin
        self.format = format
    }

    /// Judges the paired differences A − B.
    public func judge(_ d: [Double]) -> Judgement {
        let line = "90% interval inside ±\(format(margin))"
        guard let ci = pairedInterval(d, level: 0.90) else { return Judgement(form: .equivalence, n: d.count, line: line, outcome: .failed) }
        let inside = ci.lower >= -margin && ci.upper <= margin
        return Judgement(form: .equivalence, estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: 0.90, n: d.count, line: line,
                         marginOfSafety: safety(min(margin - ci.upper, ci.lower + margin), ci.upper - ci.estimate), outcome: inside ? .passed : .failed)
    }
}

/// Reproduction: a published (or closed-form) figure lies within ±tolerance of the measured mean; the 95% interval is shown.
public struct Reproduction: Sendable {
    public var published: Double
    public var tolerance: Double
    public var format: @Sendable (Double) -> String

    public init(published: Double, tolerance: Double, format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.published = published
        self.tolerance = tolerance
        self.format = format
    }

    /// Judges the per-seed measurements.
    public func judge(_ x: [Double]) -> Judgement {
        let line = "published \(format(published)) within ±\(format(tolerance)) of the measured mean"
        guard let ci = pairedInterval(x, level: 0.95) else { return Judgement(form: .reproduction, n: x.count, line: line, outcome: .failed) }
        let off = abs(ci.estimate - published)
        return Judgement(form: .reproduction, estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: 0.95, n: x.count, line: line,
                         marginOfSafety: safety(tolerance - off, ci.upper - ci.estimate), outcome: off <= tolerance ? .passed : .failed)
    }

    /// A closed form checked by standard scores at several points: |z| ≤ `limit` at each, judged at the worst.
    /// The interval is the worst point's 95% normal interval in SE units, so the margin is (limit − |z|)/1.96.
    public static func zScores(maxAbsZ: Double, limit: Double, points: Int) -> Judgement {
        Judgement(form: .reproduction, estimate: maxAbsZ, level: 0.95, n: points, line: "closed form within ±\(limit) SE of the measured mean at each of \(points) points",
                  marginOfSafety: safety(limit - maxAbsZ, 1.959964), outcome: maxAbsZ <= limit ? .passed : .failed)
    }
}

/// Rate: a fitted value's interval (or, for a point statistic of a fit, its estimate) satisfies every condition.
public struct Rate: Sendable {
    public var conditions: [RateCondition]
    public var format: @Sendable (Double) -> String

    public init(_ conditions: [RateCondition], format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.conditions = conditions
        self.format = format
    }

    /// Judges an interval (or a point estimate when `interval` has no width).
    public func judge(_ ci: ConfidenceInterval) -> Judgement {
        judge(estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: ci.level, n: ci.sampleSize)
    }

    /// Judges a point statistic (no interval: no margin of safety).
    public func judge(point: Double) -> Judgement { judge(estimate: point, lower: nil, upper: nil, level: nil, n: nil) }

    func judge(estimate: Double, lower: Double?, upper: Double?, level: Double?, n: Int?) -> Judgement {
        let hw = max((upper ?? estimate) - estimate, estimate - (lower ?? estimate))
        var pass = estimate.isFinite, margins = [Double](), lines = [String]()
        for c in conditions {
            let (ok, distance, text): (Bool, Double, String)
            switch c {
            case .lowerAbove(let x): (ok, distance, text) = ((lower ?? estimate) > x, (lower ?? estimate) - x, "lower end > \(format(x))")
            case .lowerAtMost(let x): (ok, distance, text) = ((lower ?? estimate) <= x, x - (lower ?? estimate), "lower end ≤ \(format(x))")
            case .upperBelow(let x): (ok, distance, text) = ((upper ?? estimate) < x, x - (upper ?? estimate), "upper end < \(format(x))")
            case .estimateIn(let a, let b): (ok, distance, text) = (a <= estimate && estimate <= b, min(estimate - a, b - estimate), "estimate in [\(format(a)), \(format(b))]")
            case .estimateAtLeast(let x): (ok, distance, text) = (estimate >= x, estimate - x, "estimate ≥ \(format(x))")
            case .estimateAbove(let x): (ok, distance, text) = (estimate > x, estimate - x, "estimate > \(format(x))")
            }
            pass = pass && ok
            lines.append(text)
            if let s = safety(distance, hw) { margins.append(s) }
        }
        return Judgement(form: .rate, estimate: estimate, lower: lower, upper: upper, level: level, n: n, line: lines.joined(separator: " and "),
                         marginOfSafety: lower == nil ? nil : margins.min(), outcome: pass ? .passed : .failed)
    }
}

/// Boundary: the interval against a line in the paper's stated direction gives reproduces, does not reproduce, or
/// inconclusive (it straddles the line). The check passes when the finding is one the claim accepts.
public struct Boundary: Sendable {
    /// The side of the line the paper says the quantity lies on.
    public enum Direction: String, Sendable { case above, below }

    public var line: Double
    public var paper: Direction
    /// The findings under which the check passes; an inconclusive finding outside them makes the check inconclusive.
    public var accepts: Set<BoundaryFinding>
    public var level: Double
    public var format: @Sendable (Double) -> String

    public init(line: Double = 0, paper: Direction = .above, accepts: Set<BoundaryFinding> = [.reproduces], level: Double = 0.95,
                format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.line = line
        self.paper = paper
        self.accepts = accepts
        self.level = level
        self.format = format
    }

    /// Judges paired differences (t-interval at `level`).
    public func judge(_ d: [Double]) -> Judgement {
        guard let ci = pairedInterval(d, level: level) else {
            return Judgement(form: .boundary, n: d.count, line: lineText, outcome: accepts.contains(.inconclusive) ? .passed : .inconclusive, finding: .inconclusive)
        }
        return judge(ci)
    }

    /// Judges an interval.
    public func judge(_ ci: ConfidenceInterval) -> Judgement {
        let aboveLine = ci.lower > line, belowLine = ci.upper < line
        let finding: BoundaryFinding = aboveLine ? (paper == .above ? .reproduces : .doesNotReproduce)
            : belowLine ? (paper == .below ? .reproduces : .doesNotReproduce) : .inconclusive
        let hw = max(ci.upper - ci.estimate, ci.estimate - ci.lower)
        let outcome: CheckOutcome = accepts.contains(finding) ? .passed : (finding == .inconclusive ? .inconclusive : .failed)
        return Judgement(form: .boundary, estimate: ci.estimate, lower: ci.lower, upper: ci.upper, level: ci.level, n: ci.sampleSize, line: lineText,
                         marginOfSafety: distanceToOtherOutcome(ci).flatMap { safety($0, hw) }, outcome: outcome, finding: finding)
    }

    /// How far the interval must shift to change the check's outcome: to the nearest finding the check does not accept
    /// when it passes (positive), to the nearest one it accepts when it does not (negative); nil when every finding is
    /// accepted. A boundary check may accept a straddling interval, so the distance to the line alone has the wrong sign.
    func distanceToOtherOutcome(_ ci: ConfidenceInterval) -> Double? {
        let above: BoundaryFinding = paper == .above ? .reproduces : .doesNotReproduce
        let below: BoundaryFinding = paper == .above ? .doesNotReproduce : .reproduces
        // Shifted by s, the interval lies above the line once s > line − lower, below once s < line − upper, straddles between.
        let reach: [(BoundaryFinding, Double)] = [
            (above, max(0, line - ci.lower)),
            (below, max(0, ci.upper - line)),
            (.inconclusive, ci.lower > line ? ci.lower - line : ci.upper < line ? line - ci.upper : 0),
        ]
        let current = ci.lower > line ? above : ci.upper < line ? below : .inconclusive
        if accepts.contains(current) {
            return reach.filter { !accepts.contains($0.0) }.map(\.1).min()
        }
        return reach.filter { accepts.contains($0.0) }.map(\.1).min().map { -$0 }
    }

    var lineText: String {
        "paper: \(paper.rawValue) \(format(line)); passes on " + accepts.map(\.rawValue).sorted().joined(separator: " or ")
    }
}

/// Invariant: a deterministic inequality that must hold at every point; `worst` is the judged statistic (e.g. the
/// largest ratio to its bound) and `violations` the points that broke it.
public enum Invariant {
    public static func judge(worst: Double, limit: String, violations: Int, points: Int) -> Judgement {
        Judgement(form: .invariant, estimate: worst, n: points, line: "\(limit) at every one of \(points) points",
                  outcome: violations == 0 && points > 0 ? .passed : .failed)
    }
}

/// Count: at least `required` of the per-seed values lie on the passing side of `line` (≥ line).
/// Its margin of safety is the worst seed's distance from the line in units of the per-seed standard deviation.
public struct Count: Sendable {
    public var line: Double
    public var required: Int?
    public var format: @Sendable (Double) -> String

    /// `required` nil means every seed.
    public init(line: Double, required: Int? = nil, format: @escaping @Sendable (Double) -> String = { "\($0)" }) {
        self.line = line
        self.required = required
        self.format = format
    }

    /// Judges a tally without per-seed values (no margin of safety): `k` of `n` passed, `required` needed.
    public static func judge(successes k: Int, of n: Int, required: Int? = nil, what: String) -> Judgement {
        let need = required ?? n
        return Judgement(form: .count, estimate: Double(k), n: n, line: "\(what) on at least \(need) of \(n)", outcome: n > 0 && k >= need ? .passed : .failed)
    }

    /// Judges per-seed values.
    public func judge(_ x: [Double]) -> Judgement {
        let need = required ?? x.count
        let k = x.filter { $0 >= line }.count
        // The value that decides: the need-th best seed (the worst one when every seed must pass).
        let sorted = x.sorted(by: >)
        let decisive = need >= 1 && need <= sorted.count ? sorted[need - 1] : .nan
        let sd = x.count > 1 ? Descriptive.standardDeviation(x) : .nan
        return Judgement(form: .count, estimate: Double(k), n: x.count, line: "≥ \(format(line)) on at least \(need) of \(x.count) seeds",
                         marginOfSafety: safety(decisive - line, sd), outcome: !x.isEmpty && k >= need ? .passed : .failed)
    }
}
