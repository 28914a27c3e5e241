import ArgumentParser
import ClaimKit
import Claims
import Components
import Foundation

/// `workbench verify`: run the experiment behind a claim and judge it.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the experiment behind a theoretical claim, fit its rate and judge it.",
        discussion: """
        Prints a text plot, a table, the checks and the verdict, and writes <out>/<claim>.json \
        atomically. Exit status: 0 holds, 1 violated (or a negative control passed, or the \
        regime was not reached), 2 bad input.

        Examples:
          workbench verify --list
          workbench verify lapack-sanity
          workbench verify lapack-sanity --param kmax=10 --seed 7
          workbench verify all --quick --json
          workbench verify greedy-decay bilevel-complexity --report r.md
          workbench verify all --report report.md
        """)

    @Argument(help: "Claim ids, or 'all'.")
    var claims: [String] = []

    @Flag(help: "List the registered claims and exit.")
    var list = false

    @Flag(help: "Small settings (for tests).")
    var quick = false

    @Flag(help: "Paper-grade settings: more seeds, wider ranges.")
    var full = false

    @Option(name: .customLong("param"), help: ArgumentHelp("Override an experiment parameter.", valueName: "key=value"))
    var params: [String] = []

    @Option(help: ArgumentHelp("Also write one Markdown report of the run to FILE (atomically).", valueName: "FILE.md"))
    var report: String?

    @Option(help: ArgumentHelp("Claims, and a claim's independent seeds, run concurrently on this many threads (default: the number of cores); the records and the output do not depend on it.", valueName: "N"))
    var jobs: Int?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !(quick && full) else { throw ValidationError("--quick and --full are exclusive") }
        if !list && claims.isEmpty { throw ValidationError("name a claim (one of: \(ClaimRegistry.ids.joined(separator: ", ")), all) or use --list") }
        if list && (!claims.isEmpty || report != nil) { throw ValidationError("--list takes no claim and no --report") }
        if let report, report.isEmpty { throw ValidationError("--report needs a file name") }
        if let j = jobs, !(1...64).contains(j) { throw ValidationError("--jobs must be in 1...64, got \(j)") }
    }

    /// The claims named on the command line, in registry order for 'all' and in the given order otherwise, each once.
    func selectedClaims() throws -> [any Claim] {
        if claims.contains("all") { return ClaimRegistry.all.entries }
        var seen = Set<String>(), out = [any Claim]()
        for id in claims where seen.insert(id).inserted { out.append(try ClaimRegistry.all.named(id)) }
        return out
    }

    /// The command line that reproduces one claim's record of this run.
    func reproduceCommand(_ c: any Claim, overrides: [String: String]) -> String {
        var parts = ["workbench verify", c.id, "--seed \(common.seed)"]
        if quick { parts.append("--quick") }
        if full { parts.append("--full") }
        for k in overrides.keys.sorted() { parts.append("--param \(k)=\(overrides[k] ?? "")") }
        return parts.joined(separator: " ")
    }

    func run() throws {
        if list {
            let rows = ClaimRegistry.all.entries.map { [$0.id, $0.statement] }
            emit(TextTable.render(headers: ["claim", "statement"], rows: rows))
            return
        }
        let started = Date()
        let claims = try selectedClaims()
        let overrides = try Settings.parse(params, flag: "--param")
        if claims.count > 1 && !overrides.isEmpty {
            throw InputError("--param applies to a single claim, not to several")
        }
        let mode: RunMode = quick ? .quick : (full ? .full : .standard)
        let versions = CommonOptions.versions
        let text = !(common.json || common.csv)
        // A Markdown file holds no escape codes: with --report the plots are drawn without colour.
        var style = common.plotStyle
        if report != nil { style.color = false }
        let jobCount = jobs ?? ParallelRuns.cores
        let workers = min(jobCount, claims.count)
        // One claim at a time shows its own progress line; concurrent claims share one line of claims done.
        let claimProgress = workers == 1 ? common.progress : .silent
        let overall = workers == 1 ? ProgressReporter.silent : common.progress
        let commands = claims.map { reproduceCommand($0, overrides: overrides) }
        let out = common.out, quiet = common.quiet, renders = text || report != nil, seed = common.seed, plotStyle = style
        let ordered = OrderedOutput(count: claims.count)
        overall.update("verify: 0 of \(claims.count) claims done, \(workers) at a time")
        let results = try ParallelRuns.map(claims.count, workers: workers) { i -> ClaimResult in
            let c = claims[i]
            let result = try ClaimRunner.run(any: c, seed: seed, mode: mode, overrides: overrides, plotStyle: plotStyle,
                                             progress: claimProgress, text: renders, versions: versions, workers: jobCount)
            let url = URL(fileURLWithPath: out).appendingPathComponent(c.resultFileName)
            try AtomicFile.writeJSON(result.record, to: url)
            // Output appears in claim order whatever finishes first, so it is the same for every --jobs.
            ordered.finished(i) {
                overall.finish()
                if text { emit(ClaimRunner.render(result) + "\n") }
                if !quiet {
                    FileHandle.standardError.write(Data("\(c.id): \(result.record.verdict.rawValue) in \(String(format: "%.1f", result.wallTimeSeconds)) s, record written to \(url.path)\n".utf8))
                }
            } progress: { done in
                overall.update("verify: \(done) of \(claims.count) claims done, \(workers) at a time")
            }
            return result
        }
        overall.finish()
        let records = results.map(\.record)
        let entries = zip(claims, zip(results, commands)).map { c, rc in
            ClaimReport.Entry(record: rc.0.record, source: c.source, text: rc.0.report, command: rc.1, wallTimeSeconds: rc.0.wallTimeSeconds)
        }
        let worst = records.map { $0.verdict.exitCode }.max() ?? 0
        if let report {
            let url = URL(fileURLWithPath: report)
            try ClaimReport(entries: entries, totalWallTimeSeconds: Date().timeIntervalSince(started)).write(to: url)
            if !common.quiet { FileHandle.standardError.write(Data("report written to \(url.path)\n".utf8)) }
        }
        if common.json {
            emit(String(decoding: try JSONOutput.encode(claims.count == 1 ? AnyEncodable(records[0]) : AnyEncodable(records)), as: UTF8.self))
        } else if common.csv {
            emit(CSVOutput.series(records))
        }
        if worst != 0 { throw VerdictExit(worst) }
    }
}

/// Runs each finished job's output in job order: job i's output waits until jobs 0..<i have written theirs.
final class OrderedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [(() -> Void)?]
    private var next = 0, done = 0

    init(count: Int) { pending = Array(repeating: nil, count: count) }

    /// Records job `i`'s output and writes every output now due; `progress` gets the number of jobs finished.
    func finished(_ i: Int, _ output: @escaping () -> Void, progress: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        pending[i] = output
        done += 1
        while next < pending.count, let write = pending[next] {
            write()
            pending[next] = nil
            next += 1
        }
        if next < pending.count { progress(done) }
    }
}

/// Type erasure so one record or a list encodes through the same stable encoder.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}

/// The CSV layout of `--csv`: one row per point of every series of every record.
enum CSVOutput {
    /// Header `claim,series,x,y`, values with full precision.
    static func series(_ records: [ClaimRecord]) -> String {
        var out = "claim,series,x,y\n"
        for r in records {
            for s in r.series {
                for i in 0..<min(s.x.count, s.y.count) { out += "\(r.claim),\(s.name),\(s.x[i]),\(s.y[i])\n" }
            }
        }
        return out
    }
}

import TextPlot

/// A plain table through TextPlot's renderer.
enum TextTable {
    static func render(headers: [String], rows: [[String]]) -> String {
        Table(headers: headers, rows: rows, alignments: Array(repeating: .left, count: headers.count)).render() + "\n"
    }
}
