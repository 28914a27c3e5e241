import Foundation
import Randomness
import SparseNets

/// The workbench's side of the MLP anchor: SGD training of MLP 64-256-256-10 in float64 on the digits.
struct MLPThroughput {
    let batch: Int
    let samplesPerSecond: Double
    let gflops: Double
}

/// Samples/s and GFLOP/s at batches 64 and 256 (best of 3 one-second windows), the shapes bench/mlp.py times.
///
/// Timed here rather than read from the SparseNets section so the summary does not parse printed text.
func mlpThroughput() -> [MLPThroughput] {
    print("\n== MLP 64-256-256-10, float64 SGD on the digits (1078 training samples): the figures the numpy anchor matches")
    guard let data = try? PreparedData.digits(),
          let net0 = try? MaskedNetwork(.mlp(hidden: [256, 256]), inputSize: 64, classCount: 10, stream: RandomStream(seed: 1)) else {
        print("  (digits or network unavailable)")
        return []
    }
    // Forward 2·MAC, weight gradient 2·MAC, input gradient 2·MAC except into the first layer.
    let macs = net0.layers.map { $0.denseMACs }
    let flopsPerSample = Double(6 * macs.reduce(0, +) - 2 * (macs.first ?? 0))
    var out = [MLPThroughput]()
    for batch in [64, 256] {
        let recipe = TrainingRecipe(epochs: 1, batchSize: batch, optimizer: SGDConfiguration(learningRate: 0.01))
        var net = net0
        _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: 2)) // warm-up
        var best = 0.0
        for rep in 0..<3 {
            var epochs = 0
            let start = Date()
            repeat {
                _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: UInt64(100 * rep + epochs)))
                epochs += 1
            } while Date().timeIntervalSince(start) < 1.0
            best = max(best, Double(epochs * data.train.count) / Date().timeIntervalSince(start))
        }
        out.append(MLPThroughput(batch: batch, samplesPerSecond: best, gflops: best * flopsPerSample / 1e9))
        print(String(format: "  batch %3d: %8.0f samples/s  %6.2f GFLOP/s", batch, best, best * flopsPerSample / 1e9))
    }
    return out
}
