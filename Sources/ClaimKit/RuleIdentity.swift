import Components
import Foundation

/// A claim's pre-registered rule as the record names it: id, version and the sha256 of its canonical text.
///
/// The canonical text holds everything a rule is: the statement, the rule with its forms and margins, the negative
/// control, the controls' names, every parameter's domain and per-mode default (the seed counts among them) and the
/// protocol. A test pins each claim's (version, hash): changing any of it without a new version fails that test.
public struct RuleIdentity: Sendable, Codable, Equatable {
    /// The claim id the rule belongs to.
    public var id: String
    public var version: Int
    /// sha256 of `canonicalText`, 64 lowercase hex digits.
    public var sha256: String

    public init(id: String, version: Int, sha256: String) {
        self.id = id
        self.version = version
        self.sha256 = sha256
    }

    /// "rigl-vs-static v2 (sha256 1a2b3c4d…)".
    public var short: String { "\(id) v\(version) (sha256 \(sha256.prefix(12)))" }
}

/// The verdict an earlier version of a claim's rule gives on the same run, kept in the record as information.
public struct PreviousRuleVerdict: Sendable, Codable, Equatable {
    public var version: Int
    /// The earlier rule, in words.
    public var rule: String
    public var verdict: Verdict
    public var reason: String
    /// The earlier rule's checks on this run.
    public var checks: [Check]

    /// The verdict of `checks` under an earlier version (derived, never declared).
    public init(version: Int, rule: String, checks: [Check]) {
        self.version = version
        self.rule = rule
        (self.verdict, self.reason) = Verdict.judge(checks)
        self.checks = checks
    }
}

/// The calibration and reporting protocol every rule is registered under (proofs/README.md).
public enum VerdictProtocol {
    /// Its text, part of every rule's canonical text.
    public static let text = "verdict protocol 1: thresholds, margins and seed counts fixed on calibration runs at master seeds ≥ 1000; hold rate reported on master seeds 1–10 (verify <claim> --replicate 10 --full); a rule never changes because of what seeds 1–10 showed"
    /// The first master seed of calibration runs.
    public static let firstCalibrationSeed: UInt64 = 1000
}

extension Claim {
    /// The rule's canonical text: what its sha256 is taken over.
    public var canonicalRuleText: String {
        var out = "rule id: \(id)\nversion: \(ruleVersion)\nstatement: \(statement)\nrule: \(rule)\nnegative control: \(negativeControl)\n"
        out += "controls: " + controlChecks.joined(separator: "; ") + "\n"
        out += "protocol: \(VerdictProtocol.text)\nparameters:\n"
        for p in parameters {
            let modes = RunMode.allCases.map { m in "\(m.rawValue)=\(p.defaultValue(in: m)?.description ?? "derived")" }.joined(separator: " ")
            out += "  \(p.name) [\(p.domain.summary)] \(modes)\n"
        }
        return out
    }

    /// The rule's id, version and hash.
    public var ruleIdentity: RuleIdentity {
        RuleIdentity(id: id, version: ruleVersion, sha256: SHA256.hex(Array(canonicalRuleText.utf8)))
    }
}
