import Components
import Foundation
import Statistics

/// The Markdown report of one `verify` run (`--report FILE.md`): per claim its statement and
/// source, verdict, fitted figures with intervals, checks, negative control, text plot and the
/// command that reproduces it; then the machine, versions, seeds and wall time.
///
/// Numbers are printed in Swift's shortest round-trip form, the same digits the JSON record
/// holds, so a reader (and a test) can match every figure against the record of the same run.
public struct ClaimReport: Sendable {
    /// One claim's run as the report shows it.
    public struct Entry: Sendable {
        public var record: ClaimRecord
        /// The claim's source paper.
        public var source: String
        /// The claim's terminal report (plots and tables), rendered without colour.
        public var text: String
        /// The command line that reproduces this record.
        public var command: String
        /// Wall time of the claim's run in seconds (the record holds none).
        public var wallTimeSeconds: Double

        public init(record: ClaimRecord, source: String, text: String, command: String, wallTimeSeconds: Double = 0) {
            self.record = record
            self.source = source
            self.text = text
            self.command = command
            self.wallTimeSeconds = wallTimeSeconds
        }
    }

    public var entries: [Entry]
    /// Wall time of the whole run in seconds (claims plus rendering).
    public var totalWallTimeSeconds: Double
    /// Machine description lines (OS, processors, memory).
    public var machine: [String]

    public init(entries: [Entry], totalWallTimeSeconds: Double, machine: [String] = ClaimReport.machineDescription()) {
        self.entries = entries
        self.totalWallTimeSeconds = totalWallTimeSeconds
        self.machine = machine
    }

    /// The number as the JSON record spells it (shortest round trip; non-finite as nan/inf).
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    /// The whole document.
    public func render() -> String {
        var out = "# workbench verify report\n\n"
        let counts = Dictionary(grouping: entries, by: { $0.record.verdict.rawValue }).mapValues(\.count)
        let modes = Array(Set(entries.map { $0.record.mode.rawValue })).sorted().joined(separator: ", ")
        out += "\(entries.count) claim\(entries.count == 1 ? "" : "s"), mode \(modes): "
        out += counts.keys.sorted().map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ") + ".\n\n"
        out += "| claim | verdict | source | wall time (s) |\n|---|---|---|---|\n"
        for e in entries {
            out += "| [`\(e.record.claim)`](#\(anchor(e.record.claim))) | \(e.record.verdict.rawValue) | \(cell(e.source)) | \(String(format: "%.1f", e.wallTimeSeconds)) |\n"
        }
        for e in entries { out += "\n" + section(e) }
        out += "\n" + runSection()
        return out
    }

    /// Writes the document atomically (a reader never sees half a report).
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(render().utf8), to: url)
    }

    func section(_ e: Entry) -> String {
        let r = e.record
        var out = "## \(r.claim)\n\n"
        out += "- **Statement:** \(r.statement)\n"
        out += "- **Source:** \(e.source)\n"
        out += "- **Proof:** [\(r.proof)](\(r.proof))\n"
        out += "- **Verdict:** **\(r.verdict.rawValue.uppercased())** — \(r.verdictReason)\n"
        out += "- **Rule (fixed before the run):** \(r.rule)\n"
        if let id = r.ruleIdentity { out += "- **Rule identity:** `\(id.id)` version \(id.version), sha256 `\(id.sha256)`\n" }
        for p in r.previousRules ?? [] { out += "- **Earlier rule v\(p.version) on this run (info):** \(p.verdict.rawValue) — \(cell(p.reason))\n" }
        out += "\n"
        out += "### Fitted figures\n\n"
        if r.fits.isEmpty {
            out += "No fitted rate: this claim is judged on the checks below.\n\n"
        } else {
            out += "| fit | model | window | estimate | 95% interval | interval method | R² |\n|---|---|---|---|---|---|---|\n"
            for f in r.fits {
                let window = "[" + f.window.map(Self.number).joined(separator: ", ") + "]"
                let interval = f.interval.map { "[\(Self.number($0.lower)), \(Self.number($0.upper))]" } ?? "—"
                let method = f.interval.map { "\($0.method.rawValue), n = \($0.sampleSize)" } ?? "—"
                let r2 = f.rSquared.map(Self.number) ?? "—"
                out += "| \(cell(f.name)) | \(f.model) | \(window) | \(Self.number(f.estimate)) | \(interval) | \(method) | \(r2) |\n"
            }
            out += "\n"
        }
        out += "### Checks\n\n| role | check | form | outcome | margin of safety | figures |\n|---|---|---|---|---|---|\n"
        for c in r.checks {
            let margin = c.neededMargin.map { String(format: "%.2f", $0) } ?? "—"
            out += "| \(c.role.rawValue) | \(cell(c.name)) | \(c.judgement?.form.rawValue ?? "—") | \(outcome(c)) | \(margin) | \(cell(c.detail)) |\n"
        }
        out += "\n### Negative control\n\n\(r.negativeControl)\n\n"
        let controls = r.checks.filter { $0.role == .control }
        if controls.isEmpty {
            out += "Outcome: no control check was recorded.\n"
        } else {
            for c in controls {
                out += "- `\(c.name)`: " + (c.satisfied ? "**passed the rule — the check could not fail**" : "failed the rule, as a control must") + " (\(c.detail))\n"
            }
        }
        if !r.notes.isEmpty {
            out += "\n### Boundaries and notes\n\n" + r.notes.map { "- \($0)\n" }.joined()
        }
        out += "\n### Text plot\n\n```text\n\(e.text.hasSuffix("\n") ? e.text : e.text + "\n")```\n"
        out += "\n### Reproduce\n\n```sh\n\(e.command)\n```\n"
        return out
    }

    func runSection() -> String {
        var out = "## Run\n\n"
        out += "- **Machine:** " + machine.joined(separator: "; ") + "\n"
        var versions = [String: String]()
        for e in entries { versions.merge(e.record.versions) { a, _ in a } }
        out += "- **Versions:** " + versions.keys.sorted().map { "\($0) \(versions[$0] ?? "")" }.joined(separator: "; ") + "\n"
        let masters = Array(Set(entries.map(\.record.masterSeed))).sorted().map(String.init).joined(separator: ", ")
        out += "- **Master seed:** \(masters)\n"
        out += "- **Seeds per claim:**\n"
        for e in entries { out += "  - `\(e.record.claim)`: " + e.record.seeds.map(String.init).joined(separator: ", ") + "\n" }
        out += "- **Total wall time:** \(String(format: "%.1f", totalWallTimeSeconds)) s\n"
        return out
    }

    func outcome(_ c: Check) -> String { c.outcomeText }

    /// A table cell: pipes and newlines would break the row.
    func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// GitHub's heading anchor: lower case, spaces to '-', punctuation other than '-' and '_' dropped.
    func anchor(_ id: String) -> String {
        let dashed: [Character] = id.lowercased().map { (c: Character) -> Character in c == " " ? "-" : c }
        return String(dashed.filter { (c: Character) -> Bool in c.isLetter || c.isNumber || c == "-" || c == "_" })
    }

    /// OS, architecture, processor count and memory of this machine.
    public static func machineDescription() -> [String] {
        let info = ProcessInfo.processInfo
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return [
            "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))",
            info.operatingSystemVersionString,
            "\(info.processorCount) processors",
            String(format: "%.1f GiB memory", Double(info.physicalMemory) / 1_073_741_824),
        ]
    }
}
