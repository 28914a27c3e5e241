import Foundation
import Randomness
import SparseNets

/// Training throughput of the digits MLP 64-256-256-10 and the cost of computing pruning masks.
func sparseNetsBenchmarks() {
    print("\n== SparseNets: SGD training of MLP 64-256-256-10 on the digits (1078 training samples)")
    guard let data = try? PreparedData.digits() else { print("  (digits unavailable)"); return }
    let arch = Architecture.mlp(hidden: [256, 256])
    guard let net0 = try? MaskedNetwork(arch, inputSize: 64, classCount: 10, stream: RandomStream(seed: 1)) else { return }
    // Forward 2·MAC, weight gradient 2·MAC, input gradient 2·MAC except into the first layer.
    let macs = net0.layers.map(\.denseMACs)
    let flopsPerSample = Double(6 * macs.reduce(0, +) - 2 * (macs.first ?? 0))
    print(String(format: "  %.3g FLOPs per sample per step (forward + backward, dense gemm)", flopsPerSample))
    print("  batch   samples/s   GFLOP/s   s per 40-epoch run")
    for batch in [32, 64, 256] {
        let recipe = TrainingRecipe(epochs: 1, batchSize: batch, optimizer: SGDConfiguration(learningRate: 0.01))
        var net = net0
        _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: 2)) // warm-up
        var epochs = 0
        let start = Date()
        repeat {
            _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: UInt64(epochs)))
            epochs += 1
        } while Date().timeIntervalSince(start) < 1.0
        let seconds = Date().timeIntervalSince(start)
        let samples = Double(epochs * data.train.count) / seconds
        print(String(format: "  %5d %11.0f %9.2f %12.2f", batch, samples, samples * flopsPerSample / 1e9, 40 * Double(data.train.count) / samples))
    }
    print("\n== SparseNets: mask computation at density 1% (pruning batch 10 per class)")
    let exp = PairedPruningExperiment(architecture: arch, data: data)
    guard let batch = try? exp.pruningBatch(seed: 1) else { return }
    print("  method         ms per mask")
    for t in PruningCatalog.all.entries {
        let s = t.withDefaults()
        var reps = 0
        let start = Date()
        repeat {
            _ = try? s.masks(PruningContext(network: net0, batch: batch, stream: RandomStream(seed: 3)), density: 0.01)
            reps += 1
        } while Date().timeIntervalSince(start) < 0.5
        let name = s.name.padding(toLength: 13, withPad: " ", startingAt: 0)
        print("  " + name + String(format: " %11.1f", 1000 * Date().timeIntervalSince(start) / Double(reps)))
    }
}

/// The cost of one IMP round on each net: magnitude masks by the global rule, and one 40-epoch training of one arm.
func lotteryBenchmarks() {
    print("\n== SparseNets: one IMP round on the digits (global magnitude rule at 20%/10%, then 40 epochs of one arm, lr 0.01, batch 32)")
    guard let data = try? PreparedData.digits() else { print("  (digits unavailable)"); return }
    print("  net            weights   ms per mask   s per arm   s per round (4 arms)")
    let recipe = TrainingRecipe(epochs: 40, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.01))
    for spec in ["mlp:64,64", "mlp:256,256", "cnn:8,16"] {
        guard let arch = try? Architecture.parse(spec),
              let net0 = try? MaskedNetwork(arch, inputSize: 64, classCount: 10, stream: RandomStream(seed: 1)),
              let magnitude = try? PruningCatalog.score(named: "magnitude"),
              let batch = try? PairedPruningExperiment(architecture: arch, data: data).pruningBatch(seed: 1) else { continue }
        var reps = 0
        var start = Date()
        repeat {
            guard let scores = try? magnitude.scores(PruningContext(network: net0, batch: batch, stream: RandomStream(seed: 2))),
                  (try? GlobalIMPRule().next(scores: scores, masks: net0.masks, fraction: 0.2, outputFraction: 0.1)) != nil else { return }
            reps += 1
        } while Date().timeIntervalSince(start) < 0.2
        let maskMs = 1000 * Date().timeIntervalSince(start) / Double(reps)
        var net = net0
        start = Date()
        _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: 3))
        let train = Date().timeIntervalSince(start)
        print("  " + spec.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: " %9d %13.2f %11.2f %22.2f", net0.prunableCount, maskMs, train, 4 * train + maskMs / 1000))
    }
}
