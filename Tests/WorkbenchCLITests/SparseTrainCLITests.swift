import Foundation
import Testing
import TestSupport

@Suite struct SparseTrainCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["--sparsity", "1"],
            ["--sparsity", "-0.1"],
            ["--sparsity", "0.9,abc"],
            ["--set", "alpha=0"],
            ["--set", "alpha=1.5"],
            ["--set", "delta-t=0"],
            ["--set", "t-end=1.5"],
            ["--set", "no-such-key=1"],
            ["--method", "static", "--set", "alpha=0.3"],
            ["--dist", "gaussian"],
            ["--method", "rigl,deepr"],
            ["--method", "rigl,rigl"],
            ["--budget", "tokens"],
            ["--flops-reference", "erk"],
            ["--budget", "flops", "--flops-reference", "er", "--dist", "uniform", "--set", "dense-first=true", "--net", "small-cnn", "--sparsity", "0.995"],
            ["--dist", "uniform", "--set", "dense-first=true", "--sparsity", "0.9"],
            ["--net", "cnn:8,16p,32p,64p,128p"],
            ["--show-distribution", "--method", "rigl"],
            ["--show-distribution", "--epochs", "3"],
            ["--show-distribution", "--set", "alpha=0.3"],
            ["--seeds", "0"],
            ["--lr", "0"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(["sparse-train"] + args + ["--quiet"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func showDistributionPrintsPerLayerCountsAsJSONWithoutTraining() throws {
        let r = try WorkbenchProcess.run(["sparse-train", "--show-distribution", "--dist", "erk", "--net", "small-cnn", "--sparsity", "0.9,0.95", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.sparse-distribution/1")
        let allocations = try #require(json["allocations"] as? [[String: Any]])
        #expect(allocations.count == 2)
        #expect(allocations[0]["capped"] as? [Int] == [0, 4])
        #expect(allocations[0]["totalNonZeros"] as? Int == 2490 && allocations[1]["totalNonZeros"] as? Int == 1245)
        #expect((allocations[1]["nonZeros"] as? [Int])?.reduce(0, +) == 1245)
        let text = try WorkbenchProcess.run(["sparse-train", "--show-distribution", "--dist", "erk", "--net", "small-cnn", "--sparsity", "0.9", "--quiet"])
        #expect(text.stdout.contains("dense (capped)") && text.stdout.contains("capped at sparsity 0.9"))
    }

    @Test func aShortRunWritesOneRecordWithFLOPsBesideAccuracy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-sparse-\(UUID().uuidString)")
        let r = try WorkbenchProcess.run(["sparse-train", "--method", "static,rigl", "--sparsity", "0.95", "--net", "mlp:32", "--epochs", "2",
                                          "--seeds", "2", "--set", "delta-t=5", "--out", dir.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gap to static") && r.stdout.contains("train FLOPs ×dense") && r.stdout.contains("mask bits flipped per update"))
        // Measured wall time is printed beside the FLOPs and kept out of the record.
        #expect(r.stdout.contains("wall ms/step"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("sparse-train-") }
        #expect(files.count == 1)
        let data = try Data(contentsOf: dir.appendingPathComponent(files[0]))
        #expect(!String(decoding: data, as: UTF8.self).contains("seconds"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.sparse-train/1")
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 4)
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["delta-t"] as? Int == 5 && parameters["alpha"] as? Double == 0.3 && parameters["epochs"] as? Int == 2)
        let summary = try #require(json["summary"] as? [[String: Any]])
        let rigl = try #require(summary.first { $0["method"] as? String == "rigl" })
        #expect((rigl["trainingFLOPsFraction"] as? Double ?? 0) > 0.05 && rigl["gapToBaseline"] != nil)
    }
}
