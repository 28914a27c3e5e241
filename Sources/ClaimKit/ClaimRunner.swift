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
        var record = ClaimRecord(claim: claim, run: run, checks: checks, results: results)
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
