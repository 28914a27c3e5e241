import Components
import Foundation
import TextPlot

/// Runs a claim (measure → checks → results), stamps the record, and renders the report.
public enum ClaimRunner {
    /// Runs `claim` with `overrides` in `mode`; input errors propagate for exit status 2.
    ///
    /// - Parameter text: whether to render the terminal report (JSON and CSV output skip it).
    public static func run<C: Claim>(_ claim: C, seed: UInt64, mode: RunMode, overrides: [String: String] = [:],
                                     plotStyle: PlotStyle = PlotStyle(), progress: ProgressReporter = .silent,
                                     text: Bool = true, versions: [String: String] = [:], workers: Int = 1) throws -> ClaimResult {
        let parameters = try claim.resolveParameters(overrides: overrides, mode: mode)
        let run = ClaimRun(seed: seed, mode: mode, parameters: parameters, plotStyle: plotStyle, progress: progress, workers: workers)
        let start = Date()
        let measurement = try claim.measure(run)
        progress.finish()
        let checks = claim.checks(measurement, run)
        let results = claim.results(measurement, run)
        var record = ClaimRecord(claim: claim, run: run, checks: checks, results: results,
                                 previousRules: claim.previousRuleVerdicts(measurement, run))
        record.versions = versions
        let seconds = Date().timeIntervalSince(start)
        let report = text ? claim.report(measurement, results, run) : ""
        return ClaimResult(record: record, report: report, wallTimeSeconds: seconds)
    }

    /// Type-erased entry for catalogue iteration (`[any Claim]`).
    public static func run(any claim: any Claim, seed: UInt64, mode: RunMode, overrides: [String: String] = [:],
                           plotStyle: PlotStyle = PlotStyle(), progress: ProgressReporter = .silent,
                           text: Bool = true, versions: [String: String] = [:], workers: Int = 1) throws -> ClaimResult {
        try run(claim, seed: seed, mode: mode, overrides: overrides, plotStyle: plotStyle, progress: progress, text: text, versions: versions,
                workers: workers)
    }

    /// The full text a user sees: header, the claim's plots and tables, checks and verdict.
    public static func render(_ result: ClaimResult) -> String {
        let r = result.record
        var out = "== \(r.claim): \(r.statement)\n"
        out += "   proof: \(r.proof)   mode: \(r.mode.rawValue)   master seed: \(r.masterSeed)"
        if let id = r.ruleIdentity { out += "   rule: v\(id.version) (sha256 \(id.sha256.prefix(12)))" }
        out += "\n\n"
        out += result.report
        if !result.report.hasSuffix("\n") { out += "\n" }
        out += "\nChecks (rule fixed before the run: \(r.rule))\n"
        out += checkTable(r.checks)
        for n in r.notes { out += "note: \(n)\n" }
        for p in r.previousRules ?? [] {
            out += "earlier rule v\(p.version) on this run (info): \(p.verdict.rawValue.uppercased()) — \(p.reason)\n"
        }
        out += "verdict: \(r.verdict.rawValue.uppercased()) — \(r.verdictReason)\n"
        return out
    }

    /// The checks as a table: role, name, form, outcome, margin of safety (oriented: positive is the side the claim
    /// needs; under 1, one more seed could flip it), figures.
    public static func checkTable(_ checks: [Check]) -> String {
        let rows = checks.map { c -> [String] in
            let mark = c.inconclusive ? "?" : (c.asExpected ? "ok" : "FAIL")
            return [mark, c.role.rawValue, c.name, c.judgement?.form.rawValue ?? "—", c.outcomeText,
                    c.neededMargin.map { String(format: "%.2f", $0) } ?? "—", c.detail]
        }
        return Table(headers: ["", "role", "check", "form", "outcome", "margin", "figures"], rows: rows,
                     alignments: [.left, .left, .left, .left, .left, .right, .left]).render() + "\n"
    }

    /// The text of `verify --replicate K`: the claim's hold count and, per check, how often it behaved as needed.
    public static func renderReplication(_ record: ClaimRecord) -> String {
        guard let rep = record.replication else { return "" }
        let first = rep.masterSeeds.first ?? 0, last = rep.masterSeeds.last ?? 0
        var out = "== \(record.claim): replicated at master seeds \(first)–\(last) (\(record.mode.rawValue) mode)"
        if let id = record.ruleIdentity { out += ", rule v\(id.version) (sha256 \(id.sha256.prefix(12)))" }
        out += "\n"
        let rows = rep.checks.map { c -> [String] in
            [c.role.rawValue, c.name, c.form?.rawValue ?? "—",
             "\(c.asNeeded)/\(c.runs)" + (c.inconclusive > 0 ? " (\(c.inconclusive) inconclusive)" : ""),
             String(format: "[%.2f, %.2f]", c.interval[0], c.interval[1]),
             c.smallestMarginOfSafety.map { String(format: "%.2f", $0) } ?? "—"]
        }
        out += Table(headers: ["role", "check", "form", "as needed", "Wilson 95%", "smallest margin"], rows: rows,
                     alignments: [.left, .left, .left, .right, .left, .right]).render() + "\n"
        let verdicts = zip(rep.masterSeeds, rep.verdicts).map { "\($0): \($1.rawValue)" }.joined(separator: ", ")
        out += "verdicts: \(verdicts)\n"
        out += "holds at \(rep.holdText)"
        if let w = rep.weakestCheck { out += "; weakest check: \(w), smallest margin of safety \(rep.weakestMarginOfSafety.map { String(format: "%.2f", $0) } ?? "—")" }
        out += "\n"
        return out
    }

    /// One row per claim of a replicated run: claim, hold k/K with its Wilson interval, the weakest check and its margin.
    public static func replicationSummary(_ records: [ClaimRecord]) -> String {
        let rows = records.compactMap { r -> [String]? in
            guard let rep = r.replication else { return nil }
            return [r.claim, "v\(r.ruleIdentity?.version ?? 1)", rep.holdText, rep.weakestCheck ?? "—",
                    rep.weakestMarginOfSafety.map { String(format: "%.2f", $0) } ?? "—"]
        }
        return Table(headers: ["claim", "rule", "holds [Wilson 95%]", "weakest check", "smallest margin"], rows: rows,
                     alignments: [.left, .left, .left, .left, .right]).render() + "\n"
    }
}
