import Datasets
import Foundation
import GreedySelection
import Randomness
import SparseNets
import Testing
@testable import WorkbenchCLI
import TestSupport

/// `greedy prune-mlp --model`: a network trained by the workbench prunes the same from memory and from its file.
@Suite struct GreedyModelTests {
    @Test func savedAndReloadedNetworkGivesTheSameSelections() throws {
        let data = try PreparedData.digits()
        var net = try MaskedNetwork(.mlp(hidden: [24, 12]), inputSize: 64, classCount: 10, stream: RandomStream(seed: 7))
        var recipe = TrainingRecipe.digits
        recipe.epochs = 5
        try Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: 8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wb-greedy-\(UUID().uuidString).safetensors").path
        try NetworkFile.weights(net, metadata: [:]).write(to: path)
        let reloaded = try NetworkFile.network(SafetensorsFile.read(path), path: path, inputSize: 64)

        let memory = try ReLUNetwork(net), file = try ReLUNetwork(reloaded)
        #expect(memory == file)
        let batch = data.train.columns.columns(Array(0..<200))
        let validation = (x: data.validation.columns, labels: data.validation.labels)
        for budget in [LayerwiseNeuronPruning.Budget.keep(6), .tolerance(0.02)] {
            let a = try LayerwiseNeuronPruning.prune(memory, batch: batch, budget: budget, validation: validation, stream: RandomStream(seed: 1))
            let b = try LayerwiseNeuronPruning.prune(file, batch: batch, budget: budget, validation: validation, stream: RandomStream(seed: 1))
            #expect(a == b, "\(budget)")
            #expect(a.allSatisfy { !$0.kept.isEmpty })
        }
        // The dense accuracy through ReLUNetwork is the trainer's.
        #expect(abs(try memory.accuracy(data.test.columns, data.test.labels) - Trainer.evaluate(net, on: data.test).accuracy) < 1e-12)
    }

    /// The CLI end to end: --save writes the reduced sizes under the file's keys, and that file alone reproduces the greedy accuracy.
    @Test func saveWritesTheReducedNetworkThatReproducesTheAccuracy() throws {
        let dir = try WorkbenchProcess.directory(with: PruneCLITests.rows(90), named: "train.csv")
        try PruneCLITests.rows(45, shift: 0.05).write(to: dir.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        let first = try WorkbenchProcess.run(["prune", "--net", "mlp:12,8", "--method", "random", "--sparsity", "0", "--epochs", "5",
                                              "--train", "train.csv", "--validation", "val.csv", "--quiet", "--save", "net.safetensors"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let r = try WorkbenchProcess.run(["greedy", "prune-mlp", "--model", "net.safetensors", "--train", "train.csv", "--validation", "val.csv",
                                          "--keep", "3", "--save", "small.safetensors", "--json", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let point = try #require((record["pruning"] as? [[String: Any]])?.first)
        let kept = try #require(point["keptPerLayer"] as? [Int])
        let small = try SafetensorsFile.read(dir.appendingPathComponent("small.safetensors").path)
        #expect(small.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(small.tensors.map(\.shape) == [[kept[0], 4], [kept[0]], [kept[1], kept[0]], [kept[1]], [3, kept[1]], [3]])
        let again = try WorkbenchProcess.run(["greedy", "prune-mlp", "--model", "small.safetensors", "--train", "train.csv", "--validation", "val.csv",
                                              "--keep", "100", "--json", "--quiet"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let r2 = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let dense = (r2["facts"] as? [String: String])?["denseAccuracy"].flatMap(Double.init)
        #expect(dense == point["local"] as? Double, "the reduced file's accuracy \(dense ?? -1) vs the greedy row's \(point["local"] ?? "nil")")

        for args in [["--keep", "2,3", "--save", "x.safetensors"], ["--tolerance", "0.1", "--keep", "2"], ["--hidden", "8"], ["--mode", "global"]] {
            let bad = try WorkbenchProcess.run(["greedy", "prune-mlp", "--model", "net.safetensors", "--quiet"] + args, in: dir)
            #expect(bad.status == 2 && bad.errorLines.count == 1, "\(args): \(bad.stderr)")
        }
        let noModel = try WorkbenchProcess.run(["greedy", "prune-mlp", "--tolerance", "0.1", "--quiet"], in: dir)
        #expect(noModel.status == 2 && noModel.stderr.contains("--model"), "\(noModel.stderr)")
    }
}
