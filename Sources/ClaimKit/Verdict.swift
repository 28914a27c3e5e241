/// The outcome of a claim's verdict rule.
public enum Verdict: String, Sendable, Codable, Equatable {
    /// Every primary check passed and every negative control failed the rule.
    case holds
    /// A primary check failed.
    case violated
    /// A negative control passed the rule: the check could not have failed, so it proves nothing.
    case cannotFail = "cannot-fail"
    /// The experiment stayed outside the regime the claim speaks about (a documented boundary).
    case regimeNotReached = "regime-not-reached"
    /// No primary check failed, but at least one interval straddles its line: the run shows neither side.
    case inconclusive

    /// Process exit status: 0 holds, 3 inconclusive, 1 otherwise (2 is reserved for bad input).
    public var exitCode: Int32 {
        switch self {
        case .holds: return 0
        case .inconclusive: return Verdict.inconclusiveExitCode
        default: return 1
        }
    }

    /// The exit status of an inconclusive verdict: neither holds (0), violated (1) nor bad input (2).
    public static let inconclusiveExitCode: Int32 = 3

    /// The exit status of several verdicts: any failure (1) outranks inconclusive (3), which outranks holds (0).
    public static func exitCode(of verdicts: [Verdict]) -> Int32 {
        if verdicts.contains(where: { $0.exitCode == 1 }) { return 1 }
        if verdicts.contains(.inconclusive) { return inconclusiveExitCode }
        return 0
    }
}

/// One check that enters a verdict.
public struct Check: Sendable, Codable, Equatable {
    /// Whether a check is the claim itself, a negative control, or a boundary of its regime.
    public enum Role: String, Sendable, Codable {
        /// Must satisfy its rule for the claim to hold.
        case primary
        /// Must NOT satisfy the rule (the negative control).
        case control
        /// Must satisfy its rule for the experiment to be in the claim's regime at all.
        case regime
        /// Reported beside the verdict, not part of it.
        case info
    }

    public let name: String
    public let role: Role
    /// The rule, in words.
    public let rule: String
    /// Whether the measured figures satisfy the rule.
    public let satisfied: Bool
    /// The figures behind it, in words.
    public let detail: String
    /// The check's form, statistic, interval, line, margin of safety and outcome (nil for a check stated in words only).
    public let judgement: Judgement?

    public init(_ name: String, role: Role, rule: String, satisfied: Bool, detail: String) {
        self.name = name
        self.role = role
        self.rule = rule
        self.satisfied = satisfied
        self.detail = detail
        self.judgement = nil
    }

    /// A check judged in a verdict form: it is satisfied exactly when the form's outcome is `passed`.
    public init(_ name: String, role: Role, _ judgement: Judgement, rule: String? = nil, detail: String) {
        self.name = name
        self.role = role
        self.rule = rule ?? "\(judgement.form.rawValue): \(judgement.line)"
        self.satisfied = judgement.outcome == .passed
        self.detail = detail
        self.judgement = judgement
    }

    /// The same check with its outcome forced (tests: what the verdict would be had it gone the other way).
    public func forced(_ satisfied: Bool) -> Check {
        guard var j = judgement else { return Check(name, role: role, rule: rule, satisfied: satisfied, detail: detail) }
        j.outcome = satisfied ? .passed : .failed
        return Check(name, role: role, j, rule: rule, detail: detail)
    }

    /// Whether the check's interval straddles its line (no side shown).
    public var inconclusive: Bool { judgement?.outcome == .inconclusive }

    /// The check's outcome in words, as the tables print it.
    public var outcomeText: String {
        if inconclusive { return "inconclusive" }
        switch role {
        case .control: return satisfied ? "passed (bad)" : "failed (good)"
        default: return satisfied ? "passed" : "failed"
        }
    }

    /// Whether this check behaved as the claim needs (a control must fail its rule).
    public var asExpected: Bool {
        switch role {
        case .primary, .regime: return satisfied
        case .control: return !satisfied
        case .info: return true
        }
    }
}

extension Verdict {
    /// The verdict the checks imply, with the reason in one line.
    ///
    /// Order matters: a control that passes makes any result meaningless, so it is judged
    /// first; then a regime that was not reached; then the primary checks, where a failure
    /// outranks an interval that straddles its line.
    public static func judge(_ checks: [Check]) -> (verdict: Verdict, reason: String) {
        if let c = checks.first(where: { $0.role == .control && $0.satisfied }) {
            return (.cannotFail, "negative control '\(c.name)' passed the rule: \(c.detail)")
        }
        if let r = checks.first(where: { $0.role == .regime && !$0.satisfied }) {
            return (.regimeNotReached, "\(r.name): \(r.detail)")
        }
        if let p = checks.first(where: { $0.role == .primary && !$0.satisfied && !$0.inconclusive }) {
            return (.violated, "\(p.name) failed: \(p.detail)")
        }
        if let p = checks.first(where: { $0.role == .primary && $0.inconclusive }) {
            return (.inconclusive, "\(p.name) is inconclusive (its interval straddles the line): \(p.detail)")
        }
        let n = checks.filter { $0.role == .primary }.count
        let k = checks.filter { $0.role == .control }.count
        return (.holds, "all \(n) primary checks passed and all \(k) negative controls failed the rule")
    }
}
