import Foundation
import TextPlot

/// Runs a claim, stamps the record with versions and wall time, and renders the report.
public enum ClaimRunner {
    /// Runs `claim` under `context`; input errors propagate for exit status 2.
    public static func run(_ claim: any Claim, _ context: ClaimContext, versions: [String: String]) throws -> ClaimResult {
        try context.validateOverrides(for: claim)
        let start = Date()
        var result = try claim.run(context)
        context.progress.finish()
        result.record.versions = versions
        result.record.wallTimeSeconds = Date().timeIntervalSince(start)
        return result
    }

    /// The full text a user sees: header, the claim's plots and tables, checks and verdict.
    public static func render(_ result: ClaimResult) -> String {
        let r = result.record
        var out = "== \(r.claim): \(r.statement)\n"
        out += "   proof: \(r.proof)   mode: \(r.mode.rawValue)   master seed: \(r.masterSeed)\n\n"
        out += result.report
        if !result.report.hasSuffix("\n") { out += "\n" }
        out += "\nChecks (rule fixed before the run: \(r.rule))\n"
        let rows = r.checks.map { c -> [String] in
            let mark = c.asExpected ? "ok" : "FAIL"
            let outcome: String
            switch c.role {
            case .control: outcome = c.satisfied ? "passed (bad)" : "failed (good)"
            default: outcome = c.satisfied ? "passed" : "failed"
            }
            return [mark, c.role.rawValue, c.name, outcome, c.detail]
        }
        out += Table(headers: ["", "role", "check", "outcome", "figures"], rows: rows,
                     alignments: [.left, .left, .left, .left, .left]).render() + "\n"
        for n in r.notes { out += "note: \(n)\n" }
        out += "verdict: \(r.verdict.rawValue.uppercased()) — \(r.verdictReason)\n"
        return out
    }
}
