import Foundation
import Statistics
import TextPlot

/// What moved between two records of the same claim (`verify diff A.json B.json`): every fit and judged check whose
/// value lies outside the other record's interval, every check whose outcome changed, and a changed verdict. This is
/// the regression test on rates a user runs after changing a solver.
public enum RecordDiff {
    /// One change, in one line.
    public struct Change: Sendable, Equatable {
        public var claim: String
        /// "verdict", "fit", "check", "rule" or "missing".
        public var kind: String
        public var name: String
        public var text: String

        public init(claim: String, kind: String, name: String, text: String) {
            self.claim = claim
            self.kind = kind
            self.name = name
            self.text = text
        }

        public var line: String { "\(claim): \(kind) '\(name)': \(text)" }
    }

    /// The changes from `a` to `b` (empty when nothing moved).
    public static func compare(_ a: ClaimRecord, _ b: ClaimRecord) -> [Change] {
        var out = [Change]()
        func add(_ kind: String, _ name: String, _ text: String) { out.append(Change(claim: a.claim, kind: kind, name: name, text: text)) }
        if a.claim != b.claim { return [Change(claim: a.claim, kind: "missing", name: b.claim, text: "the records are of different claims (\(a.claim), \(b.claim))")] }
        if a.verdict != b.verdict { add("verdict", a.claim, "\(a.verdict.rawValue) → \(b.verdict.rawValue)") }
        if a.ruleIdentity != b.ruleIdentity {
            add("rule", a.claim, "\(a.ruleIdentity?.short ?? "none") → \(b.ruleIdentity?.short ?? "none")")
        }
        let bFits = Dictionary(b.fits.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        for f in a.fits {
            guard let g = bFits[f.name] else { add("missing", f.name, "fit only in the first record"); continue }
            if let why = moved(f.estimate, f.interval.map { ($0.lower, $0.upper) }, g.estimate, g.interval.map { ($0.lower, $0.upper) }) {
                add("fit", f.name, why)
            }
        }
        for g in b.fits where !a.fits.contains(where: { $0.name == g.name }) { add("missing", g.name, "fit only in the second record") }
        let bChecks = Dictionary(b.checks.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        for c in a.checks {
            guard let d = bChecks[c.name] else { add("missing", c.name, "check only in the first record"); continue }
            if c.satisfied != d.satisfied || c.inconclusive != d.inconclusive {
                add("check", c.name, "\(c.outcomeText) → \(d.outcomeText)")
            } else if let j = c.judgement, let k = d.judgement, let x = j.estimate, let y = k.estimate,
                      let why = moved(x, interval(j), y, interval(k)) {
                add("check", c.name, why)
            }
        }
        for d in b.checks where !a.checks.contains(where: { $0.name == d.name }) { add("missing", d.name, "check only in the second record") }
        return out
    }

    static func interval(_ j: Judgement) -> (Double, Double)? {
        guard let l = j.lower, let u = j.upper else { return nil }
        return (l, u)
    }

    /// Why two estimates differ: each outside the other's interval, or (without intervals) not equal to 1e-12.
    static func moved(_ x: Double, _ xi: (Double, Double)?, _ y: Double, _ yi: (Double, Double)?) -> String? {
        func fmt(_ v: Double) -> String { NumberFormat.compact(v, significant: 6) }
        func inside(_ v: Double, _ i: (Double, Double)) -> Bool { i.0 <= v && v <= i.1 }
        if x.isNaN && y.isNaN { return nil }
        if let xi, !inside(y, xi) { return "\(fmt(x)) [\(fmt(xi.0)), \(fmt(xi.1))] → \(fmt(y)), outside the first record's interval" }
        if let yi, !inside(x, yi) { return "\(fmt(x)) → \(fmt(y)) [\(fmt(yi.0)), \(fmt(yi.1))]: the first estimate lies outside the second record's interval" }
        if xi == nil && yi == nil && !(abs(x - y) <= 1e-12 * max(1, abs(x), abs(y))) { return "\(fmt(x)) → \(fmt(y)) (no interval)" }
        return nil
    }
}
