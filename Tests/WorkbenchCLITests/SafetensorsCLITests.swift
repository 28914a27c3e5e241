import Datasets
import Foundation
import Testing
import TestSupport

@Suite struct SafetensorsCLITests {
    /// `prune --save-masks/--save` writes a PyTorch Sequential state dict whose masks match the record and zero the weights.
    @Test func pruneSavesMasksAndWeightsInPyTorchLayout() throws {
        let dir = try WorkbenchProcess.directory(with: PruneCLITests.rows(60), named: "train.csv")
        try PruneCLITests.rows(30, shift: 0.05).write(to: dir.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        let r = try WorkbenchProcess.run(["prune", "--net", "mlp:5", "--method", "snip", "--sparsity", "0.5", "--epochs", "2", "--seed", "7",
                                          "--train", "train.csv", "--validation", "val.csv", "--json", "--quiet",
                                          "--save-masks", "masks.safetensors", "--save", "weights.safetensors"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let run = try #require((record["runs"] as? [[String: Any]])?.first)

        let masks = try SafetensorsFile.read(dir.appendingPathComponent("masks.safetensors").path)
        let weights = try SafetensorsFile.read(dir.appendingPathComponent("weights.safetensors").path)
        // nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)): modules 0 and 2.
        #expect(masks.tensors.map(\.name) == ["0.weight", "2.weight"])
        #expect(masks.tensors.map(\.shape) == [[5, 4], [3, 5]] && masks.tensors.allSatisfy { $0.dtype == .f32 })
        #expect(weights.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(weights.tensors.map(\.shape) == [[5, 4], [5], [3, 5], [3]] && weights.tensors.allSatisfy { $0.dtype == .f64 })
        let kept = masks.tensors.map { $0.values.filter { $0 == 1 }.count }.reduce(0, +)
        #expect(masks.tensors.allSatisfy { $0.values.allSatisfy { $0 == 0 || $0 == 1 } })
        #expect(kept == run["keptWeights"] as? Int)
        for m in masks.tensors {
            let w = try #require(weights[m.name])
            #expect(zip(m.values, w.values).allSatisfy { $0 == 1 || $1 == 0 }, "\(m.name): a masked weight is not zero")
        }
        for file in [masks, weights] {
            #expect(file.metadata["workbench"] != nil && file.metadata["seed"] == "7" && file.metadata["method"] == "snip")
            #expect(file.metadata["command"]?.hasPrefix("workbench prune --net mlp:5") == true)
            #expect(file.metadata["module"] == "nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))")
        }
    }

    @Test func saveNeedsOneNetwork() throws {
        for args in [["--method", "snip,grasp", "--save", "w.safetensors"], ["--sparsity", "0.5,0.9", "--save-masks", "m.safetensors"],
                     ["--seeds", "2", "--save", "w.safetensors"]] {
            let r = try WorkbenchProcess.run(["prune", "--quiet", "--epochs", "1"] + args)
            #expect(r.status == 2 && r.errorLines.count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("one method, one sparsity and one seed"))
        }
    }
}
