import Foundation
import Testing
import TestSupport

@Suite struct PruneCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["prune", "--sparsity=1.0"],
            ["prune", "--sparsity=-0.1"],
            ["prune", "--sparsity", "nan"],
            ["prune", "--net", "mlp:300,,100"],
            ["prune", "--net", "mlp:0,100"],
            ["prune", "--net", "transformer:12"],
            ["prune", "--method", "oracle"],
            ["prune", "--data", "mnist-on-the-moon"],
            ["prune", "--lr", "0"],
            ["prune", "--lr", "-0.1"],
            ["prune", "--momentum", "1"],
            ["prune", "--schedule", "step:0:0.1"],
            // The per-score flags are gone: score parameters are --set only, and must belong to a selected score.
            ["prune", "--temperature", "100"],
            ["prune", "--synflow-rounds", "50"],
            ["prune", "--method", "snip", "--set", "temperature=100"],
            ["prune", "--method", "grasp", "--set", "rounds=50"],
            ["prune", "--method", "grasp", "--set", "temperature=0"],
            ["prune", "--set", "temperature"],
            ["prune", "--train", "a.csv"],
            ["prune", "--test", "a.csv"],
            ["prune", "--data", "digits", "--train", "a.csv", "--validation", "b.csv"],
            ["prune", "--method", "grasp,snip", "--spy-layer", "2"],
            ["prune", "--spy-layer", "4"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet", "--epochs", "1"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func dataFilesWithBadLabelsOrShapesAreRejected() throws {
        let frac = try WorkbenchProcess.directory(with: "0.1,0.2,1\n0.3,0.4,0.5\n", named: "frac.csv")
        let r1 = try WorkbenchProcess.run(["prune", "--data", "frac.csv", "--quiet", "--epochs", "1"], in: frac)
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("frac.csv:2:3"), "\(r1.stderr)")
        let ragged = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,1\n", named: "ragged.csv")
        let r2 = try WorkbenchProcess.run(["prune", "--data", "ragged.csv", "--quiet", "--epochs", "1"], in: ragged)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("ragged.csv:3:"), "\(r2.stderr)")
    }

    /// Three separable classes in four features, `n` rows.
    static func rows(_ n: Int, shift: Double = 0) -> String {
        var out = ""
        for i in 0..<n {
            let y = i % 3
            var cells = [String]()
            for j in 0..<4 {
                let jitter: Double = 0.1 * Double((i * 7 + j * 3) % 5)
                cells.append(String(Double(y) + jitter + shift))
            }
            out += cells.joined(separator: ",") + ",\(y)\n"
        }
        return out
    }

    @Test func ownSplitFilesAreRecordedWithTheirDigestsAndBadOnesNamePosition() throws {
        let dir = try WorkbenchProcess.directory(with: Self.rows(60), named: "train.csv")
        try Self.rows(30, shift: 0.05).write(to: dir.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        try Self.rows(30, shift: -0.05).write(to: dir.appendingPathComponent("test.csv"), atomically: true, encoding: .utf8)
        try "1,2,3,4,0\n1,2,x,4,1\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let base = ["prune", "--net", "mlp:8", "--method", "snip", "--sparsity", "0.5", "--epochs", "3", "--quiet"]

        let withTest = try WorkbenchProcess.run(base + ["--train", "train.csv", "--validation", "val.csv", "--test", "test.csv", "--json"], in: dir)
        #expect(withTest.status == 0, "\(withTest.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(withTest.stdout.utf8)) as? [String: Any])
        #expect(record["schema"] as? String == "workbench.prune/2")
        #expect(record["evaluatedOn"] as? String == "test")
        #expect(record["samples"] as? [Int] == [60, 30, 30])
        let data = try #require(record["data"] as? [[String: Any]])
        #expect(data.map { $0["role"] as? String } == ["train", "validation", "test"])
        #expect(data.map { $0["source"] as? String } == ["train.csv", "val.csv", "test.csv"])
        #expect(data.allSatisfy { ($0["sha256"] as? String)?.count == 64 })

        let noTest = try WorkbenchProcess.run(base + ["--train", "train.csv", "--validation", "val.csv", "--ascii"], in: dir)
        #expect(noTest.status == 0, "\(noTest.stderr)")
        #expect(noTest.stdout.contains("no --test file"), "\(noTest.stdout)")

        for args in [["--train", "train.csv", "--validation", "bad.csv"], ["--train", "bad.csv", "--validation", "val.csv"]] {
            let r = try WorkbenchProcess.run(base + args, in: dir)
            #expect(r.status == 2)
            #expect(r.errorLines.count == 1 && r.stderr.contains("bad.csv:2:3"), "\(r.stderr)")
        }
    }

    @Test func scoreParametersAreSetWithSetAndRecorded() throws {
        let r = try WorkbenchProcess.run(["prune", "--method", "grasp,synflow", "--sparsity", "0.9", "--seeds", "1", "--epochs", "1",
                                          "--set", "temperature=100", "--set", "rounds=50", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let parameters = try #require(record["parameters"] as? [String: Any])
        #expect(parameters["temperature"] as? Double == 100 && parameters["rounds"] as? Int == 50)
        #expect(parameters["epochs"] as? Int == 1 && parameters["lr"] as? Double == 0.05 && parameters["per-class"] as? Int == 10)
        #expect(parameters["method"] as? String == "grasp,synflow")
    }

    @Test func divergingTrainingIsRecordedAndExitsOne() throws {
        let dir = try WorkbenchProcess.directory(with: "", named: "placeholder")
        let r = try WorkbenchProcess.run(["prune", "--method", "grasp", "--sparsity", "0.5", "--lr", "1e6", "--epochs", "2", "--ascii", "--quiet"], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("grasp at sparsity 0.5, seed 1 diverged at epoch 1: training loss"), "\(r.stderr)")
        #expect(r.stdout.contains("diverged:"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path)
        let file = try #require(files.first { $0.hasPrefix("prune-") && $0.hasSuffix(".json") })
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results/\(file)"))) as? [String: Any])
        let divergences = try #require(record["divergences"] as? [[String: Any]])
        #expect(divergences.count == 1 && divergences[0]["quantity"] as? String == "training loss" && divergences[0]["step"] as? Int == 1)
    }

    @Test func pruneReportsLayerCollapseAndDisconnectedClasses() throws {
        let r = try WorkbenchProcess.run(["prune", "--method", "magnitude", "--sparsity", "0.995", "--epochs", "1", "--quiet", "--ascii", "--seed", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.lowercased().contains("collapse"))
        #expect(r.stdout.lowercased().contains("disconnected") || r.stdout.lowercased().contains("no input-to-output path"))
    }

    /// On an MLP every kept weight costs one multiply-add per sample, so the FLOP fraction is the kept fraction;
    /// the text prints it beside a measured wall time, which the record leaves out.
    @Test func flopsOnTheFinalMasksAreRecordedAndWallTimeIsPrintedOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-prune-flops-\(UUID().uuidString)")
        let r = try WorkbenchProcess.run(["prune", "--method", "snip,random", "--sparsity", "0.8", "--epochs", "1", "--seeds", "2", "--net", "mlp:32,16",
                                          "--ascii", "--quiet", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("FLOPs ×dense") && r.stdout.contains("wall s/run"))
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasSuffix(".json") })
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        #expect(!text.contains("seconds") && !text.contains("wall"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 4)
        for run in runs {
            let kept = try #require(run["keptWeights"] as? Double), all = try #require(run["prunableWeights"] as? Double)
            let fraction = try #require(run["inferenceFLOPsFraction"] as? Double)
            #expect(abs(fraction - kept / all) < 1e-12, "\(fraction) vs \(kept)/\(all)")
        }
    }

    /// The dense arm runs once per seed (recorded at sparsity 0) and every other row carries its drop from dense,
    /// paired by seed: the recorded mean is the mean of the per-seed differences of the recorded runs.
    @Test func denseArmGivesEachMethodItsPairedDropFromDense() throws {
        let r = try WorkbenchProcess.run(["prune", "--method", "dense,snip,random", "--sparsity", "0.5,0.9", "--epochs", "2", "--seeds", "3",
                                          "--net", "mlp:16", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["methods"] as? [String] == ["dense", "snip", "random"])
        let runs = try #require(json["runs"] as? [[String: Any]])
        let dense = runs.filter { $0["method"] as? String == "dense" }
        #expect(dense.count == 3 && dense.allSatisfy { $0["sparsity"] as? Double == 0 && $0["density"] as? Double == 1 })
        #expect(runs.count == 3 + 2 * 2 * 3)
        let summary = try #require(json["summary"] as? [[String: Any]])
        #expect(summary.count == 5)
        #expect(summary[0]["method"] as? String == "dense" && summary[0]["dropFromDense"] == nil)
        for row in summary.dropFirst() {
            let method = try #require(row["method"] as? String), sparsity = try #require(row["sparsity"] as? Double)
            let drop = try #require(row["dropFromDense"] as? [String: Any], "\(method) at \(sparsity) has no drop")
            var d = [Double]()
            for run in runs where run["method"] as? String == method && run["sparsity"] as? Double == sparsity {
                let mate = try #require(dense.first { ($0["seed"] as? NSNumber) == (run["seed"] as? NSNumber) })
                d.append(try #require(mate["testAccuracy"] as? Double) - (try #require(run["testAccuracy"] as? Double)))
            }
            #expect(d.count == 3)
            let mean = try #require(drop["mean"] as? Double), lower = try #require(drop["lower"] as? Double), upper = try #require(drop["upper"] as? Double)
            #expect(abs(mean - d.reduce(0, +) / 3) < 1e-12)
            #expect(drop["n"] as? Int == 3 && lower <= mean && mean <= upper)
        }
        let text = try WorkbenchProcess.run(["prune", "--method", "dense,snip", "--sparsity", "0.5", "--epochs", "1", "--seeds", "2", "--net", "mlp:16", "--ascii", "--quiet"])
        #expect(text.status == 0 && text.stdout.contains("drop from dense, points [95% CI, paired]"), "\(text.stderr)")
        let bad = try WorkbenchProcess.run(["prune", "--method", "dense", "--set", "temperature=100", "--epochs", "1", "--quiet"])
        #expect(bad.status == 2 && bad.errorLines.count == 1, "\(bad.stderr)")
    }
}
