import Foundation
import TestSupport
import Testing

@Suite struct CLIFoundationTests {
    @Test func unknownClaimExitsTwoWithOneLineNamingTheKnownClaims() throws {
        let r = try WorkbenchProcess.run(["verify", "nonsense"])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(r.stderr.contains("nonsense") && r.stderr.contains("lapack-sanity"))
    }

    @Test func unknownSubcommandAndOptionExitTwo() throws {
        for args in [["frobnicate"], ["verify", "lapack-sanity", "--no-such-option"], ["verify", "lapack-sanity", "--seed", "abc"],
                     ["verify", "lapack-sanity", "--param", "kmax"], ["verify", "lapack-sanity", "--param", "bogus=1"],
                     ["verify", "lapack-sanity", "--param", "kmax=99"], ["verify", "lapack-sanity", "--quick", "--full"]] {
            let r = try WorkbenchProcess.run(args)
            #expect(r.status == 2, "\(args): status \(r.status)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func helpShowsExamplesAndExitsZero() throws {
        let r = try WorkbenchProcess.run(["verify", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:"))
    }

    @Test func listNamesEveryRegisteredClaim() throws {
        let r = try WorkbenchProcess.run(["verify", "--list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("lapack-sanity"))
    }

    @Test func lapackSanityHoldsWritesARecordAndIsDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-lapack-\(UUID().uuidString)")
        let a = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--ascii", "--quiet", "--seed", "3"], in: dir)
        #expect(a.status == 0, "stdout: \(a.stdout)\nstderr: \(a.stderr)")
        #expect(a.stdout.contains("verdict: HOLDS"))
        #expect(a.stdout.contains("Cholesky backward"))
        let b = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--ascii", "--quiet", "--seed", "3"], in: dir)
        #expect(a.stdout == b.stdout)
        let data = try Data(contentsOf: dir.appendingPathComponent("results/lapack-sanity.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.claim/3")
        #expect(json["verdict"] as? String == "holds")
        #expect((json["checks"] as? [Any])?.count == 4)
        // No temporary file is left behind by the atomic write.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path)
        #expect(left == ["lapack-sanity.json"])
    }

    @Test func jsonOutputIsTheRecord() throws {
        let r = try WorkbenchProcess.run(["verify", "lapack-sanity", "--quick", "--json", "--quiet"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["claim"] as? String == "lapack-sanity")
        let fits = try #require(json["fits"] as? [[String: Any]])
        let backward = try #require(fits.first { ($0["name"] as? String) == "Cholesky backward slope" })
        let slope = try #require(backward["estimate"] as? Double)
        #expect(abs(slope) < 0.1)
    }
}
