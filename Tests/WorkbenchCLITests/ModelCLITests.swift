import Components
import Datasets
import Foundation
import Testing
import TestSupport

/// `--model` on prune, lottery and sparse-train: a saved network is θ₀, and a bad file is one line and exit 2.
@Suite struct ModelCLITests {
    /// A directory with train.csv / val.csv (4 features, 3 classes) and a network trained on them saved as w.safetensors; returns it and the record.
    static func trainedModel() throws -> (URL, [String: Any]) {
        let dir = try WorkbenchProcess.directory(with: PruneCLITests.rows(60), named: "train.csv")
        try PruneCLITests.rows(30, shift: 0.05).write(to: dir.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        let r = try WorkbenchProcess.run(["prune", "--net", "mlp:5", "--method", "snip", "--sparsity", "0.5", "--epochs", "3", "--seed", "3",
                                          "--train", "train.csv", "--validation", "val.csv", "--json", "--quiet", "--save", "w.safetensors"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (dir, record)
    }

    /// Loading the saved network with no pruning and no training reproduces its accuracy exactly, so the file really is θ₀.
    @Test func savedNetworkIsThetaZeroOfPrune() throws {
        let (dir, first) = try Self.trainedModel()
        let firstRun = try #require((first["runs"] as? [[String: Any]])?.first)
        let r = try WorkbenchProcess.run(["prune", "--model", "w.safetensors", "--method", "random", "--sparsity", "0", "--epochs", "0",
                                          "--train", "train.csv", "--validation", "val.csv", "--json", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let run = try #require((record["runs"] as? [[String: Any]])?.first)
        #expect(run["testAccuracy"] as? Double == firstRun["testAccuracy"] as? Double)
        #expect(run["validationAccuracy"] as? Double == firstRun["validationAccuracy"] as? Double)
        // The trained network kept half its weights; the loaded one is dense in mask but carries those zeros.
        #expect(record["net"] as? String == "mlp:5")
        let model = try #require(record["model"] as? [String: Any])
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("w.safetensors")))
        #expect(model["sha256"] as? String == SHA256.hex(bytes))
        #expect(model["path"] as? String == "w.safetensors")
        #expect(model["architecture"] as? String == "mlp 4-5-3")
        #expect(model["keys"] as? [String] == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect((record["parameters"] as? [String: Any])?["model"] != nil)

        let text = try WorkbenchProcess.run(["prune", "--model", "w.safetensors", "--method", "random", "--sparsity", "0", "--epochs", "0",
                                             "--train", "train.csv", "--validation", "val.csv", "--quiet"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("model: mlp 4-5-3 from w.safetensors (keys 0.weight,0.bias,2.weight,2.bias)\n"))
    }

    /// --model gives the network, so a --net beside it is a contradiction, not something to ignore.
    @Test func netBesideModelIsOneLineAndExitTwo() throws {
        let (dir, _) = try Self.trainedModel()
        for command in ["prune", "sparse-train", "lottery"] {
            let r = try WorkbenchProcess.run([command, "--model", "w.safetensors", "--net", "mlp:5", "--train", "train.csv", "--validation", "val.csv"], in: dir)
            #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("replaces --net"), "\(command): \(r.stderr)")
        }
    }

    /// sparse-train and lottery take the same file; each writes one network with the metadata of the run.
    @Test func sparseTrainAndLotteryTakeTheModelAndSave() throws {
        let (dir, _) = try Self.trainedModel()
        let s = try WorkbenchProcess.run(["sparse-train", "--model", "w.safetensors", "--method", "static", "--sparsity", "0.5", "--seeds", "1",
                                          "--epochs", "1", "--train", "train.csv", "--validation", "val.csv", "--json", "--quiet", "--seed", "5",
                                          "--save-masks", "sm.safetensors", "--save", "sw.safetensors"], in: dir)
        #expect(s.status == 0, "\(s.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        #expect(record["net"] as? String == "mlp:5")
        #expect((record["model"] as? [String: Any])?["architecture"] as? String == "mlp 4-5-3")
        let masks = try SafetensorsFile.read(dir.appendingPathComponent("sm.safetensors").path)
        let weights = try SafetensorsFile.read(dir.appendingPathComponent("sw.safetensors").path)
        #expect(masks.tensors.map(\.shape) == [[5, 4], [3, 5]])
        let run = try #require((record["runs"] as? [[String: Any]])?.first)
        let kept = masks.tensors.map { $0.values.filter { $0 == 1 }.count }.reduce(0, +)
        #expect(kept == (run["finalNonZeros"] as? [Int])?.reduce(0, +))
        for m in masks.tensors {
            let w = try #require(weights[m.name])
            #expect(zip(m.values, w.values).allSatisfy { $0 == 1 || $1 == 0 }, "\(m.name): a masked weight is not zero")
        }
        #expect(weights.metadata["seed"] == "5" && weights.metadata["method"] == "static" && weights.metadata["workbench"] != nil)
        #expect(weights.metadata["command"]?.hasPrefix("workbench sparse-train --model w.safetensors") == true)

        // The lottery's default data are the digits (64 features): a 4-feature network is one line naming both sizes.
        let bad = try WorkbenchProcess.run(["lottery", "--model", "w.safetensors", "--seeds", "1", "--rounds", "1", "--epochs", "2", "--quiet"], in: dir)
        #expect(bad.status == 2 && bad.errorLines.count == 1, "\(bad.stderr)")
        #expect(bad.stderr.contains("w.safetensors") && bad.stderr.contains("4 inputs") && bad.stderr.contains("64 features"))
    }

    @Test func lotterySavesTheLastTicket() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let base = ["--seeds", "1", "--rounds", "2", "--epochs", "1", "--arms", "ticket", "--quiet", "--json", "--seed", "2"]
        let first = try WorkbenchProcess.run(["lottery", "--net", "mlp:8"] + base + ["--save", "t.safetensors", "--save-masks", "m.safetensors"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let masks = try SafetensorsFile.read(dir.appendingPathComponent("m.safetensors").path)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let panel = try #require((record["panels"] as? [[String: Any]])?.first)
        let rounds = try #require(panel["rounds"] as? [[String: Any]])
        let kept = masks.tensors.map { $0.values.filter { $0 == 1 }.count }.reduce(0, +)
        let total = masks.tensors.map { $0.values.count }.reduce(0, +)
        #expect(masks.metadata["arm"] == "ticket" && masks.metadata["round"] == "2")
        #expect(abs(Double(kept) / Double(total) - (rounds.last?["density"] as? Double ?? -1)) < 1e-12)

        // The saved ticket as θ₀ of a new lottery: its architecture replaces --net, and --net beside it is refused.
        let again = try WorkbenchProcess.run(["lottery", "--model", "t.safetensors"] + base, in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let r2 = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect((r2["panels"] as? [[String: Any]])?.first?["net"] as? String == "mlp:8")
        let both = try WorkbenchProcess.run(["lottery", "--model", "t.safetensors", "--net", "mlp:8"] + base, in: dir)
        #expect(both.status == 2 && both.errorLines.count == 1 && both.stderr.contains("replaces --net"), "\(both.stderr)")
    }

    /// The malformed-file corpus: each is exactly one line naming the file and exit 2, never a trap, on every command that reads --model.
    @Test func malformedModelFilesAreOneLineAndExitTwo() throws {
        func header(_ json: String, data: [UInt8]) -> [UInt8] {
            let h = Array(json.utf8)
            let out = withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) }
            return out + h + data
        }
        let f32 = { (xs: [Float]) -> [UInt8] in xs.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } } }
        let good = header(#"{"0.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}}"#, data: f32((0..<12).map(Float.init)))
        var huge = withUnsafeBytes(of: UInt64(1 << 62).littleEndian) { Array($0) }
        huge += Array("{}".utf8)
        let corpus: [(String, [UInt8], String)] = [
            ("truncated", Array(good.prefix(good.count - 10)), "past"),
            ("huge-header", huge, "header length"),
            ("bad-json", header("{\"0.weight\": [1, 2", data: []), "JSON"),
            ("overlap", header(#"{"0.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                               data: f32([1, 2, 3])), "overlap"),
            ("shape-offsets", header(#"{"0.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,40]}}"#, data: f32((0..<10).map(Float.init))), "shape"),
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let commands: [[String]] = [["prune", "--epochs", "1"], ["lottery", "--seeds", "1", "--rounds", "1", "--epochs", "2"],
                                    ["sparse-train", "--seeds", "1", "--method", "static", "--epochs", "1"]]
        for (name, bytes, words) in corpus {
            let file = "\(name).safetensors"
            try Data(bytes).write(to: dir.appendingPathComponent(file))
            for c in commands {
                let r = try WorkbenchProcess.run(c + ["--model", file, "--quiet"], in: dir)
                #expect(r.status == 2, "\(name) \(c[0]): status \(r.status)")
                #expect(r.errorLines.count == 1, "\(name) \(c[0]): \(r.stderr)")
                #expect(r.stderr.contains(file) && r.stderr.contains(words), "\(name) \(c[0]): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(name) \(c[0]) printed a result")
            }
        }
        // A good file of the wrong size for the digits is also one line.
        try Data(good).write(to: dir.appendingPathComponent("good.safetensors"))
        let r = try WorkbenchProcess.run(["prune", "--model", "good.safetensors", "--quiet", "--epochs", "1"], in: dir)
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("good.safetensors"), "\(r.stderr)")
        let l = try WorkbenchProcess.run(["prune", "--layers", "0", "--quiet"], in: dir)
        #expect(l.status == 2 && l.errorLines.count == 1 && l.stderr.contains("--layers"), "\(l.stderr)")
    }
}
