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

    /// Process exit status: 0 holds, 1 otherwise (2 is reserved for bad input).
    public var exitCode: Int32 { self == .holds ? 0 : 1 }
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

    public init(_ name: String, role: Role, rule: String, satisfied: Bool, detail: String) {
        self.name = name
        self.role = role
        self.rule = rule
        self.satisfied = satisfied
        self.detail = detail
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
    /// first; then a regime that was not reached; then the primary checks.
    public static func judge(_ checks: [Check]) -> (verdict: Verdict, reason: String) {
        if let c = checks.first(where: { $0.role == .control && $0.satisfied }) {
            return (.cannotFail, "negative control '\(c.name)' passed the rule: \(c.detail)")
        }
        if let r = checks.first(where: { $0.role == .regime && !$0.satisfied }) {
            return (.regimeNotReached, "\(r.name): \(r.detail)")
        }
        if let p = checks.first(where: { $0.role == .primary && !$0.satisfied }) {
            return (.violated, "\(p.name) failed: \(p.detail)")
        }
        let n = checks.filter { $0.role == .primary }.count
        let k = checks.filter { $0.role == .control }.count
        return (.holds, "all \(n) primary checks passed and all \(k) negative controls failed the rule")
    }
}
