import Foundation
import Testing
import TestSupport

/// `workbench data list` / `export`, and `--data mnist1d` through the one data path.
@Suite struct DataCommandTests {
    @Test func listShowsEveryShippedSetWithItsDigestsAndSplit() throws {
        let r = try WorkbenchProcess.run(["data", "list"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("mnist1d          5000        40       10         3000/1000/1000  Apache-2.0"), "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("digits ") && $0.contains("1078/359/360") && $0.hasSuffix("CC BY 4.0") })
        #expect(r.stdout.contains("  sha256:   8e79751726f3a4e92f3a2dc060538682bf1db5a734ea11879f4590c376bc02aa  mnist1d.x.f64"))
        #expect(r.stdout.contains("  sha256:   6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8  digits.csv"))
        #expect(r.stdout.contains("Greydanus. Scaling Down Deep Learning"))

        let j = try WorkbenchProcess.run(["data", "list", "--json"])
        #expect(j.status == 0)
        let sets = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [[String: Any]])
        #expect(sets.map { $0["name"] as? String } == ["digits", "breast-cancer", "mnist1d", "mnist1d-shuffle"])
        let m = sets[2]
        #expect(m["rows"] as? Int == 5000 && m["features"] as? Int == 40 && m["classes"] as? Int == 10)
        #expect(m["samples"] as? [Int] == [3000, 1000, 1000] && m["publishedTestRows"] as? Int == 1000 && m["licence"] as? String == "Apache-2.0")
        let files = try #require(m["files"] as? [[String: String]])
        #expect(files.map { $0["name"] } == ["mnist1d.x.f64", "mnist1d.y.u8"] && files.allSatisfy { $0["sha256"]?.count == 64 })
        #expect(sets[0]["samples"] as? [Int] == [1078, 359, 360] && sets[0]["publishedTestRows"] == nil)
    }

    @Test func exportWritesThePartAsCSVAtomically() throws {
        let dir = try WorkbenchProcess.directory(with: "", named: "empty.txt")
        let r = try WorkbenchProcess.run(["data", "export", "mnist1d", "--split", "test", "--out", "t.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "wrote t.csv: 1000 rows, 40 features and a label (mnist1d/test)\n")
        let lines = try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1001)
        #expect(lines[0] == Substring((0..<40).map { "x\($0)" }.joined(separator: ",") + ",label"))
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 41 })
        // x_test[0, 0] and y_test[0], x_test[999, 39] and y_test[999] as numpy prints them.
        #expect(lines[1].hasPrefix("-0.07877078047732886,") && lines[1].hasSuffix(",2"))
        #expect(lines[1000].hasSuffix(",1.193151836835276,\(lines[1000].split(separator: ",").last!)"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)

        let v = try WorkbenchProcess.run(["data", "export", "breast_cancer", "--split", "validation", "--out", "v.csv"], in: dir)
        #expect(v.status == 0 && v.stderr.contains("114 rows, 30 features"), "\(v.stderr)")
    }

    @Test func unknownNamesAndSplitsExitTwoWithOneLineListingTheValidOnes() throws {
        let name = try WorkbenchProcess.run(["data", "export", "mnist", "--split", "test", "--out", "t.csv"])
        #expect(name.status == 2 && name.errorLines == ["workbench: unknown data set 'mnist' (known: digits, breast-cancer, mnist1d, mnist1d-shuffle)"], "\(name.stderr)")
        let split = try WorkbenchProcess.run(["data", "export", "mnist1d", "--split", "dev", "--out", "t.csv"])
        #expect(split.status == 2 && split.errorLines.count == 1, "\(split.stderr)")
        #expect(split.stderr.contains("'train'") && split.stderr.contains("'validation'") && split.stderr.contains("'test'"), "\(split.stderr)")
        let prune = try WorkbenchProcess.run(["prune", "--data", "mnist-1d", "--epochs", "1"])
        #expect(prune.status == 2 && prune.errorLines.count == 1 && prune.stderr.contains("mnist1d, mnist1d-shuffle"), "\(prune.stderr)")
    }

    @Test func pruneTrainsOnMNIST1DWithThePackagesTestSplit() throws {
        let r = try WorkbenchProcess.run(["prune", "--data", "mnist1d-shuffle", "--net", "mlp:16", "--method", "random", "--sparsity", "0.5",
                                          "--epochs", "1", "--seeds", "1", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(record["samples"] as? [Int] == [3000, 1000, 1000] && record["evaluatedOn"] as? String == "test")
        #expect((record["dataPolicy"] as? String)?.hasPrefix("the source's own 4000/1000 train/test split") == true)
        let data = try #require((record["data"] as? [[String: Any]])?.first)
        #expect(data["source"] as? String == "mnist1d-shuffle" && data["rows"] as? Int == 5000 && data["features"] as? Int == 40)
        let accuracy = try #require((record["runs"] as? [[String: Any]])?.first?["testAccuracy"] as? Double)
        // One epoch of a 40-16-10 net at half density: above chance (10%), far from the published MLP's 68%.
        #expect(accuracy > 0.15 && accuracy < 0.8, "\(accuracy)")
    }
}
