import Foundation
import TestSupport
import Testing

/// `verify --replicate K` and `verify diff A B`, run as a user runs them.
@Suite struct VerifyReplicateDiffTests {
    static func tempDir(_ tag: String) -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("wb-\(tag)-\(UUID().uuidString)") }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func replicateCountsHoldsPerCheckAndDoesNotDependOnJobs() throws {
        let dir = Self.tempDir("replicate")
        let args = ["verify", "lapack-sanity", "--quick", "--replicate", "3", "--seed", "5", "--json", "--quiet"]
        let one = try WorkbenchProcess.run(args + ["--jobs", "1", "--out", "a"], in: dir)
        let two = try WorkbenchProcess.run(args + ["--jobs", "2", "--out", "b"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == two.stdout)
        #expect(try Data(contentsOf: dir.appendingPathComponent("a/lapack-sanity.json")) == Data(contentsOf: dir.appendingPathComponent("b/lapack-sanity.json")))
        let record = try Self.object(one.stdout)
        #expect(record["masterSeed"] as? Int == 5)
        let rep = try #require(record["replication"] as? [String: Any])
        #expect(rep["masterSeeds"] as? [Int] == [5, 6, 7])
        #expect(rep["holds"] as? Int == 3 && rep["runs"] as? Int == 3)
        // Wilson 95% for 3/3: [0.4385, 1].
        let interval = try #require(rep["holdInterval"] as? [Double])
        #expect(abs(interval[0] - 0.4385) < 5e-4 && abs(interval[1] - 1) < 1e-9)
        let checks = try #require(rep["checks"] as? [[String: Any]])
        #expect(checks.count == 4)
        for c in checks { #expect(c["asNeeded"] as? Int == 3 && c["runs"] as? Int == 3, "\(c)") }
        // A control's margin is reported on the side it needs (it must fail its rule): positive.
        let control = try #require(checks.first { ($0["name"] as? String) == "explicit inverse (control)" })
        #expect((control["smallestMarginOfSafety"] as? Double ?? -1) > 1)
        // The first seed's own record is the one written, with the replication block: its verdict is seed 5's.
        let single = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--seed", "5", "--json", "--quiet", "--out", "c"], in: dir)
        let alone = try Self.object(single.stdout)
        #expect((alone["checks"] as? [[String: Any]])?.count == (record["checks"] as? [[String: Any]])?.count)
        #expect((alone["fits"] as? [[String: Any]])?.first?["estimate"] as? Double == (record["fits"] as? [[String: Any]])?.first?["estimate"] as? Double)
    }

    @Test func replicateTextShowsTheHoldRateWithItsInterval() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "greedy-rate-1/n", "--quick", "--replicate", "2", "--quiet", "--ascii"], in: Self.tempDir("replicate-text"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("holds at 2/2 [0.34, 1.00]"))
        #expect(r.stdout.contains("weakest check"))
        // Two claims: the summary table, one row each.
        #expect(r.stdout.contains("holds [Wilson 95%]"))
        for bad in [["--replicate", "1"], ["--replicate", "2", "--report", "r.md"], ["--replicate", "2", "--list"]] {
            let b = try WorkbenchProcess.run(["verify", "lapack-sanity"] + bad)
            #expect(b.status == 2 && b.errorLines.count == 1, "\(bad): \(b.stderr)")
        }
    }

    @Test func diffIsQuietOnIdenticalRecordsAndNamesAFitNudgedOutsideItsInterval() throws {
        let dir = Self.tempDir("diff")
        let run = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--quiet", "--out", "a"], in: dir)
        #expect(run.status == 0)
        let a = dir.appendingPathComponent("a/lapack-sanity.json")
        let same = try WorkbenchProcess.run(["verify", "diff", a.path, a.path])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("nothing moved"))
        // The same folder against itself.
        #expect(try WorkbenchProcess.run(["verify", "diff", dir.appendingPathComponent("a").path, dir.appendingPathComponent("a").path]).status == 0)

        // Nudge the forward slope's estimate just past its interval's upper end.
        var json = try Self.object(String(decoding: try Data(contentsOf: a), as: UTF8.self))
        var fits = try #require(json["fits"] as? [[String: Any]])
        let i = try #require(fits.firstIndex { ($0["name"] as? String) == "Cholesky forward slope" })
        let interval = try #require(fits[i]["interval"] as? [String: Any])
        let upper = try #require(interval["upper"] as? Double), lower = try #require(interval["lower"] as? Double)
        fits[i]["estimate"] = upper + 0.5 * (upper - lower)
        json["fits"] = fits
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
        let b = dir.appendingPathComponent("b/lapack-sanity.json")
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: b)
        let moved = try WorkbenchProcess.run(["verify", "diff", a.path, b.path])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("fit 'Cholesky forward slope'"), "\(moved.stdout)")
        #expect(moved.stdout.contains("1 change"))
        // A change inside the interval is not a move.
        fits[i]["estimate"] = (upper + lower) / 2
        json["fits"] = fits
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: b)
        #expect(try WorkbenchProcess.run(["verify", "diff", a.path, b.path]).status == 0)

        // Bad input: a malformed record and a missing file are one line and exit 2.
        try Data("{\"claim\": ".utf8).write(to: b)
        for args in [["verify", "diff", a.path, b.path], ["verify", "diff", a.path, dir.appendingPathComponent("nope.json").path], ["verify", "diff", a.path]] {
            let r = try WorkbenchProcess.run(args)
            #expect(r.status == 2 && r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func listCarriesEveryRulesVersionAndHash() throws {
        let r = try WorkbenchProcess.run(["verify", "--list", "--json"])
        #expect(r.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(!rows.isEmpty)
        for row in rows {
            let id = try #require(row["ruleIdentity"] as? [String: Any])
            #expect((id["sha256"] as? String)?.count == 64)
            #expect((id["version"] as? Int ?? 0) >= 1)
        }
    }
}
