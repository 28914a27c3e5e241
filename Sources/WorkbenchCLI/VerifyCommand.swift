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
        Prints a text plot, a table, the checks (each in its verdict form, with its margin of \
        safety) and the verdict, and writes <out>/<claim>.json atomically. Exit status: 0 holds, \
        1 violated (or a negative control passed, or the regime was not reached), 2 bad input, \
        3 inconclusive (an interval straddles its line and nothing failed).

        --replicate K runs each claim at master seeds --seed … --seed + K − 1 and prints how often \
        the verdict and each check held (Wilson 95% intervals) and the smallest margins of safety; \
        the record (of the first seed) carries a replication block, and the exit status is that of \
        the first seed's verdict.

        verify diff A B compares two records of one claim (or two --out folders): every fit and \
        check whose value moved outside the other's interval, every changed outcome and verdict; \
        exit 0 when nothing moved, 1 otherwise.

        Examples:
          workbench verify --list
          workbench verify lapack-sanity
          workbench verify lapack-sanity --param kmax=10 --seed 7
          workbench verify all --quick --json
          workbench verify rigl-vs-static --full --replicate 10 --jobs 2
          workbench verify diff before/rigl-vs-static.json after/rigl-vs-static.json
          workbench verify greedy-decay bilevel-complexity --report r.md
          workbench verify all --report report.md
        """)

    @Argument(help: "Claim ids, or 'all'; or 'diff A B' with two records (or two --out folders).")
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

    @Option(help: ArgumentHelp("Run each claim at this many consecutive master seeds (from --seed) and report how often it holds.", valueName: "K"))
    var replicate: Int?

    @OptionGroup var common: CommonOptions

    /// Whether this is `verify diff A B`.
    var isDiff: Bool { claims.first == "diff" }

    func validate() throws {
        if isDiff {
            guard claims.count == 3 else { throw ValidationError("verify diff takes two records or two folders: verify diff A.json B.json") }
            guard !list, !quick, !full, params.isEmpty, report == nil, replicate == nil else {
                throw ValidationError("verify diff takes only two paths (and --json/--quiet)")
            }
            return
        }
        guard !(quick && full) else { throw ValidationError("--quick and --full are exclusive") }
        if let k = replicate, !(2...1000).contains(k) { throw ValidationError("--replicate must be in 2...1000, got \(k)") }
        if list && replicate != nil { throw ValidationError("--list takes no --replicate") }
        if replicate != nil && report != nil { throw ValidationError("--replicate writes records, not a --report") }
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
        if isDiff { return try runDiff(claims[1], claims[2]) }
        if list && common.json {
            let rows = ClaimRegistry.all.entries.map { c in ListedClaim(claim: c.id, statement: c.statement, ruleIdentity: c.ruleIdentity) }
            emit(String(decoding: try JSONOutput.encode(rows), as: UTF8.self))
            return
        }
        if list {
            let rows = ClaimRegistry.all.entries.map { c -> [String] in
                let r = c.ruleIdentity
                return [c.id, "v\(r.version)", String(r.sha256.prefix(12)), c.statement]
            }
            emit(TextTable.render(headers: ["claim", "rule", "sha256", "statement"], rows: rows))
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
        if let k = replicate {
            return try runReplicated(claims, count: k, mode: mode, overrides: overrides, versions: versions, jobs: jobCount, text: text)
        }
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
        let worst = Verdict.exitCode(of: records.map(\.verdict))
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

extension VerifyCommand {
    /// `--replicate K`: every claim × seed on the shared threads; records of the first seed with the replication block.
    func runReplicated(_ claims: [any Claim], count: Int, mode: RunMode, overrides: [String: String], versions: [String: String],
                       jobs: Int, text: Bool) throws {
        let records = try Replicator.run(claims, seed: common.seed, count: count, mode: mode, overrides: overrides, versions: versions,
                                         workers: jobs, progress: common.progress)
        for (c, r) in zip(claims, records) {
            let url = URL(fileURLWithPath: common.out).appendingPathComponent(c.resultFileName)
            try AtomicFile.writeJSON(r, to: url)
            if !common.quiet { FileHandle.standardError.write(Data("\(c.id): holds at \(r.replication?.holdText ?? "—"), record written to \(url.path)\n".utf8)) }
        }
        if common.json {
            emit(String(decoding: try JSONOutput.encode(records.count == 1 ? AnyEncodable(records[0]) : AnyEncodable(records)), as: UTF8.self))
        } else if common.csv {
            emit(CSVOutput.series(records))
        } else {
            emit(records.map(ClaimRunner.renderReplication).joined(separator: "\n") + (records.count > 1 ? "\n" + ClaimRunner.replicationSummary(records) : ""))
        }
        let worst = Verdict.exitCode(of: records.map(\.verdict))
        if worst != 0 { throw VerdictExit(worst) }
    }

    /// `verify diff A B`: two records, or two folders of records matched by file name.
    func runDiff(_ a: String, _ b: String) throws {
        let pairs = try RecordFiles.pairs(a, b)
        var changes = [RecordDiff.Change]()
        for p in pairs {
            switch p {
            case .both(let x, let y): changes += RecordDiff.compare(x, y)
            case .onlyFirst(let name): changes.append(.init(claim: name, kind: "missing", name: name, text: "record only in \(a)"))
            case .onlySecond(let name): changes.append(.init(claim: name, kind: "missing", name: name, text: "record only in \(b)"))
            }
        }
        if common.json {
            let rows = changes.map { ["claim": $0.claim, "kind": $0.kind, "name": $0.name, "change": $0.text] }
            emit(String(decoding: try JSONOutput.encode(["records": AnyEncodable(pairs.count), "changes": AnyEncodable(rows)]), as: UTF8.self))
        } else {
            emit(changes.isEmpty ? "verify diff: \(pairs.count) record\(pairs.count == 1 ? "" : "s") compared, nothing moved\n"
                                 : changes.map(\.line).joined(separator: "\n") + "\n\(changes.count) change\(changes.count == 1 ? "" : "s") in \(pairs.count) record\(pairs.count == 1 ? "" : "s")\n")
        }
        if !changes.isEmpty { throw VerdictExit(1) }
    }
}

/// One row of `verify --list --json`.
struct ListedClaim: Encodable {
    var claim: String
    var statement: String
    var ruleIdentity: RuleIdentity
}

/// Reads claim records for `verify diff`: two files, or two folders whose *.json records are matched by name.
enum RecordFiles {
    enum Pair {
        case both(ClaimRecord, ClaimRecord)
        case onlyFirst(String)
        case onlySecond(String)
    }

    static func pairs(_ a: String, _ b: String) throws -> [Pair] {
        var isDirA: ObjCBool = false, isDirB: ObjCBool = false
        guard FileManager.default.fileExists(atPath: a, isDirectory: &isDirA) else { throw InputError("\(a): no such file or folder") }
        guard FileManager.default.fileExists(atPath: b, isDirectory: &isDirB) else { throw InputError("\(b): no such file or folder") }
        guard isDirA.boolValue == isDirB.boolValue else { throw InputError("verify diff compares two records or two folders, not one of each") }
        if !isDirA.boolValue { return [.both(try read(a), try read(b))] }
        let na = try names(a), nb = try names(b)
        guard !na.isEmpty || !nb.isEmpty else { throw InputError("\(a) and \(b) hold no claim records (*.json)") }
        return Array(Set(na).union(nb)).sorted().map { n in
            if na.contains(n) && nb.contains(n) {
                return (try? Pair.both(read(a + "/" + n), read(b + "/" + n))) ?? .onlyFirst(n)
            }
            return na.contains(n) ? .onlyFirst(n) : .onlySecond(n)
        }
    }

    /// The claim records in a folder (files that decode as one are kept; others, such as a sweep's, are skipped).
    static func names(_ dir: String) throws -> [String] {
        let all = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }
        return all.filter { (try? read(dir + "/" + $0)) != nil }
    }

    static func read(_ path: String) throws -> ClaimRecord {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw InputError("\(path): cannot be read") }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(ClaimRecord.self, from: data) } catch {
            throw InputError("\(path): not a workbench.claim record (\(JSONErrorText.describe(error)))")
        }
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

/// A decoding error in one line: the missing or mistyped key with its path, or where the JSON broke.
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        func path(_ p: [CodingKey]) -> String { p.isEmpty ? "top level" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx):
            let under = (ctx.underlyingError as NSError?).map { ($0.userInfo[NSDebugDescriptionErrorKey] as? String) ?? $0.localizedDescription }
            return "malformed JSON at \(path(ctx.codingPath))" + (under.map { ": \($0)" } ?? "")
        default: return "\(error)"
        }
    }
}
