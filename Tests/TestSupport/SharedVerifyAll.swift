import Foundation

/// One `verify all --quick --json --jobs 2 --report` run of the built binary, shared by every test in the process
/// that reads a claim's quick record at master seed 1: the claim contract and per-claim tests, the report's
/// figures against the records, and `--jobs 1` against `--jobs 2`. The quick claims are most of what `make test`
/// computes, and each test ran them again.
///
/// With `WORKBENCH_SHARED_RECORDS=DIR` (set by `make test`) the run writes into DIR (`records/`, `report.md`, and
/// last `complete`, holding the exit status), where the notebooks step reads the quick records instead of running
/// the same command a second time.
public enum SharedVerifyAll {
    public struct Run: Sendable {
        public let process: WorkbenchProcess
        /// The `--out` folder holding one record per claim.
        public let out: URL
        /// The `--report` Markdown file.
        public let report: URL

        /// The record file of a claim, by its result file name.
        public func record(_ fileName: String) throws -> Data { try Data(contentsOf: out.appendingPathComponent(fileName)) }

        /// The report's section of claim `id` (its text plots and tables among them).
        public func section(_ id: String) throws -> String? {
            SharedVerifyAll.section(try String(contentsOf: report, encoding: .utf8), id)
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var result: Result<Run, any Error>?

    /// The run; the first caller starts it and later callers wait for it.
    public static func run() throws -> Run {
        try lock.withLock {
            if result == nil {
                result = Result {
                    let shared = ProcessInfo.processInfo.environment["WORKBENCH_SHARED_RECORDS"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                    let dir = shared ?? FileManager.default.temporaryDirectory.appendingPathComponent("wb-verify-all-\(UUID().uuidString)")
                    let out = dir.appendingPathComponent("records"), report = dir.appendingPathComponent("report.md")
                    let complete = dir.appendingPathComponent("complete")
                    try? FileManager.default.removeItem(at: complete)
                    let p = try WorkbenchProcess.run(["verify", "all", "--quick", "--json", "--quiet", "--jobs", "2",
                                                      "--out", out.path, "--report", report.path], in: dir)
                    try "\(p.status)\n".write(to: complete, atomically: true, encoding: .utf8)
                    return Run(process: p, out: out, report: report)
                }
            }
            return try result!.get()
        }
    }

    /// The section of `id` in a `--report` document: from its "## id" heading to the next "## " heading.
    public static func section(_ report: String, _ id: String) -> String? {
        guard let start = report.range(of: "\n## \(id)\n") else { return nil }
        let rest = report[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }
}
