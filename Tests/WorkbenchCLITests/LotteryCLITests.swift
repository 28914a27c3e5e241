import Foundation
import Testing
import TestSupport

@Suite struct LotteryCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["lottery", "--prune-fraction", "0"],
            ["lottery", "--prune-fraction", "1"],
            ["lottery", "--prune-fraction", "1.5"],
            ["lottery", "--output-fraction", "1"],
            ["lottery", "--rounds", "0"],
            ["lottery", "--rewind-epoch", "40"],
            ["lottery", "--rewind-epoch", "5", "--epochs", "10,3"],
            ["lottery", "--rewind-epoch", "1", "--arms", "ticket,reinit"],
            ["lottery", "--net", "transformer:12"],
            ["lottery", "--net", "mlp:64,,64"],
            ["lottery", "--arms", "ticket,lottery"],
            ["lottery", "--arms", "ticket,ticket"],
            ["lottery", "--rule", "magic"],
            ["lottery", "--imp", "sometimes"],
            ["lottery", "--lr", "0.01,0"],
            ["lottery", "--epochs", "0"],
            ["lottery", "--seeds", "0"],
            ["lottery", "--agreement", "0"],
            ["lottery", "--data", "mnist-on-the-moon"],
            ["lottery", "--set", "temperature=1"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func sameSeedGivesAByteIdenticalRecord() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-lottery-\(UUID().uuidString)")
        let args = ["lottery", "--net", "mlp:8", "--lr", "0.01,0.05", "--epochs", "3", "--rounds", "2", "--seeds", "2", "--json", "--quiet", "--seed", "4"]
        let a = try WorkbenchProcess.run(args + ["--out", "a"], in: dir)
        let b = try WorkbenchProcess.run(args + ["--out", "b"], in: dir)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(!a.stdout.isEmpty && a.stdout == b.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a").path)
        #expect(files.count == 1 && files[0].hasPrefix("lottery-"))
        let fa = try Data(contentsOf: dir.appendingPathComponent("a/\(files[0])"))
        let fb = try Data(contentsOf: dir.appendingPathComponent("b/\(files[0])"))
        #expect(fa == fb && fa == Data(a.stdout.utf8))

        let record = try #require(try JSONSerialization.jsonObject(with: fa) as? [String: Any])
        #expect(record["schema"] as? String == "workbench.lottery/1")
        #expect(record["evaluatedOn"] as? String == "validation+test")
        let panels = try #require(record["panels"] as? [[String: Any]])
        #expect(panels.map { $0["lr"] as? Double } == [0.01, 0.05])
        let rounds = try #require(panels[0]["rounds"] as? [[String: Any]])
        #expect(rounds.count == 2)
        let arms = try #require(rounds[0]["arms"] as? [[String: Any]])
        #expect(arms.map { $0["arm"] as? String } == ["ticket", "rewind", "reinit", "random"])
        let parameters = try #require(record["parameters"] as? [String: Any])
        #expect(parameters["output-fraction"] as? Double == 0.1 && parameters["rounds"] as? Int == 2 && parameters["seeds"] as? Int == 2)

        let text = try WorkbenchProcess.run(Array(args.dropLast(4)) + ["--quiet", "--ascii", "--seed", "4", "--out", "c"], in: dir)
        #expect(text.status == 0)
        #expect(text.stdout.contains("ticket − re-init") && text.stdout.contains("dense"))
        let csv = try WorkbenchProcess.run(Array(args.dropLast(4)) + ["--quiet", "--csv", "--seed", "4", "--out", "c"], in: dir)
        #expect(csv.stdout.hasPrefix("net,lr,epochs,round,density,arm,seed,accuracy\n"))
        #expect(csv.stdout.split(separator: "\n").count == 1 + 2 * (2 + 2 * 4 * 2))
    }
}
