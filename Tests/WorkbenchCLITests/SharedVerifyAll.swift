import Foundation

/// One `verify all --quick --json --jobs 2 --report` run, shared by the tests that read it (the report's
/// figures against the records, and `--jobs 1` against `--jobs 2`); it is the longest process these tests
/// start, and running it once per test cost about half a minute of `make test`.
enum SharedVerifyAll {
    struct Run: Sendable {
        let process: WorkbenchProcess
        /// The `--out` folder holding one record per claim.
        let out: URL
        /// The `--report` Markdown file.
        let report: URL
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var result: Result<Run, any Error>?

    /// The run; the first caller starts it and later callers wait for it.
    static func run() throws -> Run {
        try lock.withLock {
            if result == nil {
                result = Result {
                    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-verify-all-\(UUID().uuidString)")
                    let out = dir.appendingPathComponent("out2"), report = dir.appendingPathComponent("r.md")
                    let p = try WorkbenchProcess.run(["verify", "all", "--quick", "--json", "--quiet", "--jobs", "2",
                                                      "--out", out.path, "--report", report.path], in: dir)
                    return Run(process: p, out: out, report: report)
                }
            }
            return try result!.get()
        }
    }
}
