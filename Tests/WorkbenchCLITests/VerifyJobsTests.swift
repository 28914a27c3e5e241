import Foundation
import Testing

/// `verify --jobs N` runs claims concurrently; what it writes must not depend on N.
@Suite struct VerifyJobsTests {
    /// The record text without its wall times (the one thing that may differ between two runs of the same command).
    static func withoutWallTimes(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("\"wallTimeSeconds\"") && !$0.contains("-seconds\"") }
            .joined(separator: "\n")
    }

    /// The record files of an `--out` folder, by name, without their wall times.
    static func records(in out: URL) throws -> [String: String] {
        var files = [String: String]()
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".json") {
            files[name] = withoutWallTimes(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8))
        }
        return files
    }

    @Test(.timeLimit(.minutes(8)))
    func verifyAllIsByteIdenticalForOneAndTwoJobs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The one-job run uses one core for a minute; it runs beside the shared two-job run, not after it.
        let started = try SweepProcess.start(["verify", "all", "--quick", "--json", "--quiet", "--jobs", "1", "--out", "out1"], in: dir)
        let two = try SharedVerifyAll.run()
        let one = started.wait()
        for (jobs, r) in [("1", one), ("2", two.process)] {
            #expect(r.status == 0 || r.status == 1, "jobs \(jobs): \(r.stderr)")
            #expect(r.stdout.contains("\"wallTimeSeconds\""), "the filter must see the field it removes")
        }
        #expect(Self.withoutWallTimes(one.stdout) == Self.withoutWallTimes(two.process.stdout), "verify all --json differs between --jobs 1 and --jobs 2")
        let records = [try Self.records(in: dir.appendingPathComponent("out1")), try Self.records(in: two.out)]
        #expect(records[0].count >= 8 && records[0].keys.sorted() == records[1].keys.sorted())
        for (name, text) in records[0] { #expect(records[1][name] == text, "\(name) differs between --jobs 1 and --jobs 2") }
    }

    @Test func jobsOutsideItsDomainExitTwo() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "--jobs", "0"])
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("--jobs"), "\(r.stderr)")
    }
}
