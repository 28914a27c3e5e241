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
        """)

    @Argument(help: "A claim id, or 'all'.")
    var claim: String?

    @Flag(help: "List the registered claims and exit.")
    var list = false

    @Flag(help: "Small settings (for tests).")
    var quick = false

    @Flag(help: "Paper-grade settings: more seeds, wider ranges.")
    var full = false

    @Option(name: .customLong("param"), help: ArgumentHelp("Override an experiment parameter.", valueName: "key=value"))
    var params: [String] = []

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !(quick && full) else { throw ValidationError("--quick and --full are exclusive") }
        if !list && claim == nil { throw ValidationError("name a claim (one of: \(ClaimRegistry.ids.joined(separator: ", ")), all) or use --list") }
    }

    func run() throws {
        if list {
            let rows = ClaimRegistry.all.entries.map { [$0.id, $0.statement] }
            emit(TextTable.render(headers: ["claim", "statement"], rows: rows))
            return
        }
        let claims: [any Claim] = claim == "all" ? ClaimRegistry.all.entries : [try ClaimRegistry.all.named(claim ?? "")]
        let overrides = try Settings.parse(params, flag: "--param")
        if claims.count > 1 && !overrides.isEmpty {
            throw InputError("--param applies to a single claim, not to 'all'")
        }
        let mode: RunMode = quick ? .quick : (full ? .full : .standard)
        let versions = CommonOptions.versions
        var worst: Int32 = 0
        var records = [ClaimRecord]()
        let text = !(common.json || common.csv)
        for c in claims {
            let result = try ClaimRunner.run(any: c, seed: common.seed, mode: mode, overrides: overrides, plotStyle: common.plotStyle,
                                             progress: common.progress, text: text, versions: versions)
            let url = URL(fileURLWithPath: common.out).appendingPathComponent(c.resultFileName)
            try AtomicFile.writeJSON(result.record, to: url)
            records.append(result.record)
            if text { emit(ClaimRunner.render(result) + "\n") }
            if !common.quiet {
                FileHandle.standardError.write(Data("\(c.id): \(result.record.verdict.rawValue) in \(String(format: "%.1f", result.record.wallTimeSeconds)) s, record written to \(url.path)\n".utf8))
            }
            worst = max(worst, result.record.verdict.exitCode)
        }
        if common.json {
            emit(String(decoding: try JSONOutput.encode(claims.count == 1 ? AnyEncodable(records[0]) : AnyEncodable(records)), as: UTF8.self))
        } else if common.csv {
            emit(CSVOutput.series(records))
        }
        if worst != 0 { throw VerdictExit(worst) }
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
