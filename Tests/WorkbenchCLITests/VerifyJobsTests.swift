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

    @Test(.timeLimit(.minutes(8)))
    func verifyAllIsByteIdenticalForOneAndTwoJobs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var outputs = [String]()
        var records = [[String: String]]()
        for jobs in ["1", "2"] {
            let r = try WorkbenchProcess.run(["verify", "all", "--quick", "--json", "--quiet", "--jobs", jobs, "--out", "out\(jobs)"], in: dir)
            #expect(r.status == 0 || r.status == 1, "jobs \(jobs): \(r.stderr)")
            #expect(r.stdout.contains("\"wallTimeSeconds\""), "the filter must see the field it removes")
            outputs.append(Self.withoutWallTimes(r.stdout))
            var files = [String: String]()
            let out = dir.appendingPathComponent("out\(jobs)")
            for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".json") {
                files[name] = Self.withoutWallTimes(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8))
            }
            records.append(files)
        }
        #expect(outputs[0] == outputs[1], "verify all --json differs between --jobs 1 and --jobs 2")
        #expect(records[0].count >= 8 && records[0].keys.sorted() == records[1].keys.sorted())
        for (name, text) in records[0] { #expect(records[1][name] == text, "\(name) differs between --jobs 1 and --jobs 2") }
    }

    @Test func jobsOutsideItsDomainExitTwo() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "--jobs", "0"])
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("--jobs"), "\(r.stderr)")
    }
}
