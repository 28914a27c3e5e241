import Claims
import Foundation
import Testing
import TestSupport

/// `verify --jobs N` runs claims concurrently; what it writes must not depend on N.
@Suite struct VerifyJobsTests {
    /// The record files of an `--out` folder, by name.
    static func records(in out: URL) throws -> [String: Data] {
        var files = [String: Data]()
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".json") {
            files[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        return files
    }

    /// The claims in groups, each run with `--jobs 1` as its own test case. One `verify all --jobs 1` is a minute
    /// of one core, and it was the last thing `make test` waited for; split, the groups share both cores. The two
    /// slowest claims go alone; the last group is every other registered claim, so a new claim is covered.
    static let groups: [[String]] = {
        let alone = ["bilevel-complexity", "erk-vs-uniform", "lottery-sanity"]
        return alone.map { [$0] } + [ClaimRegistry.all.names.filter { !alone.contains($0) }]
    }()

    @Test(.timeLimit(.minutes(8)), arguments: groups)
    func recordsAndJSONAreByteIdenticalForOneAndTwoJobs(claims: [String]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let one = try WorkbenchProcess.run(["verify"] + claims + ["--quick", "--json", "--quiet", "--jobs", "1", "--out", "out1"], in: dir)
        let two = try SharedVerifyAll.run()
        #expect(one.status == 0 || one.status == 1, "\(claims): \(one.stderr)")
        #expect(two.process.status == 0 || two.process.status == 1, "\(two.process.stderr)")
        // Each claim's record, exactly as both runs wrote it.
        let recordsOne = try Self.records(in: dir.appendingPathComponent("out1")), recordsTwo = try Self.records(in: two.out)
        let names = try claims.map { try ClaimRegistry.all.named($0).resultFileName }
        #expect(recordsOne.keys.sorted() == names.sorted())
        for name in names {
            #expect(recordsOne[name] != nil && recordsOne[name] == recordsTwo[name], "\(name) differs between --jobs 1 and --jobs 2")
        }
        // What --json printed: the same records, in the order given, as verify all printed them.
        // One claim prints its record as an object, several as an array.
        let parsedOne = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8))
        let printedOne = try #require(claims.count == 1 ? (parsedOne as? [String: Any]).map { [$0] } : parsedOne as? [[String: Any]])
        let printedTwo = try #require(try JSONSerialization.jsonObject(with: Data(two.process.stdout.utf8)) as? [[String: Any]])
        let byClaim = Dictionary(printedTwo.map { (($0["claim"] as? String) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(printedOne.map { $0["claim"] as? String } == claims.map { $0 as String? })
        for p in printedOne {
            let id = (p["claim"] as? String) ?? ""
            let other = try #require(byClaim[id], "\(id) missing from verify all --json")
            #expect(try JSONSerialization.data(withJSONObject: p, options: .sortedKeys) == JSONSerialization.data(withJSONObject: other, options: .sortedKeys),
                    "\(id): --json differs between --jobs 1 and --jobs 2")
        }
    }

    @Test func jobsOutsideItsDomainExitTwo() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "--jobs", "0"])
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("--jobs"), "\(r.stderr)")
    }
}
