import Foundation
import Statistics

/// How claims print paired accuracy gaps (fractions) in points, so every table and record detail reads alike.
enum GapText {
    /// "+3.10": a signed gap in points.
    static func pts(_ x: Double) -> String { String(format: "%+.2f", 100 * x) }
    /// "97.25": an accuracy in percent.
    static func pct(_ x: Double) -> String { String(format: "%.2f", 100 * x) }

    /// "mean +3.10 [+1.95, +4.25] points (95%)[, sd 2.06], positive on 14/15 seeds".
    static func gap(_ g: [Double], level: Double = 0.95, sd: Bool) -> String {
        let ci = try? ConfidenceInterval(tOver: g, level: level)
        let interval = ci.map { String(format: "[%+.2f, %+.2f]", 100 * $0.lower, 100 * $0.upper) } ?? "[—]"
        let spread = sd ? ", sd " + String(format: "%.2f", 100 * (g.count > 1 ? Descriptive.standardDeviation(g) : .nan)) : ""
        return "mean \(pts(Descriptive.mean(g))) \(interval) points (\(Int(level * 100))%)\(spread), positive on \(g.filter { $0 > 0 }.count)/\(g.count) seeds"
    }
}
