import Foundation
import LinearAlgebra
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
    sparseKernelBenchmark(data: data)
    dynamicSparseTrainingBenchmark(data: data)
}

/// Masked-dense gemm against CSR per training step, every layer at the same density, and the density below which CSR wins.
///
/// `SparseKernels.densityThreshold` is set from this table's crossover.
func sparseKernelBenchmark(data: PreparedData) {
    print("\n== SparseNets: masked-dense vs CSR per training step (MLP 64-256-256-10, every layer at the density, random masks, SGD momentum 0.9)")
    print("  batch   density   dense µs/step   CSR µs/step   dense/CSR")
    let densities = [0.5, 0.2, 0.1, 0.05, 0.02, 0.01]
    var crossovers = [String]()
    for batch in [32, 64] {
        let recipe = TrainingRecipe(epochs: 1, batchSize: batch, optimizer: SGDConfiguration(learningRate: 0.01))
        let steps = Double((data.train.count + batch - 1) / batch)
        var fasterBelow: Double?
        for d in densities {
            guard var net0 = try? MaskedNetwork(.mlp(hidden: [256, 256]), inputSize: 64, classCount: 10, stream: RandomStream(seed: 1)) else { return }
            let s = RandomStream(seed: 2)
            let masks = net0.masks.enumerated().map { l, m -> Matrix in
                var k = Matrix(rows: m.rows, cols: m.cols)
                for p in s.split(l).permutation(m.storage.count).prefix(Int((d * Double(m.storage.count)).rounded())) { k.storage[p] = 1 }
                return k
            }
            guard (try? net0.setMasks(masks)) != nil else { return }
            func perStep(_ kernels: KernelChoice) -> Double {
                var net = net0
                _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: 3), kernels: kernels) // warm-up
                var best = Double.infinity, total = 0.0, rep = 0
                repeat {
                    net = net0
                    let start = Date()
                    _ = try? Trainer.train(&net, on: data.train, recipe: recipe, stream: RandomStream(seed: UInt64(rep)), kernels: kernels)
                    let t = Date().timeIntervalSince(start)
                    best = min(best, t); total += t; rep += 1
                } while total < 0.4 || rep < 3
                return best / steps
            }
            let tDense = perStep(.dense), tSparse = perStep(.sparse)
            if tSparse < tDense { if fasterBelow == nil { fasterBelow = d } } else { fasterBelow = nil }
            print(String(format: "  %5d %8.0f%% %15.1f %13.1f %11.2f", batch, 100 * d, 1e6 * tDense, 1e6 * tSparse, tDense / tSparse))
        }
        crossovers.append("batch \(batch): " + (fasterBelow.map { String(format: "CSR faster at every density ≤ %.0f%%", 100 * $0) } ?? "CSR never faster at every lower density"))
    }
    print("  crossover: " + crossovers.joined(separator: "; ") + String(format: " (selection threshold in use: density < %.1f%%)", 100 * SparseKernels.densityThreshold))
}

/// RigL's wall-time overhead over static sparse training at ΔT = 100, beside its FLOP overhead (both up to T_end, where the mask changes).
///
/// Layers below `SparseKernels.densityThreshold` train on CSR, except on RigL's update steps
/// (which need the dense gradient), so the wall-time ratio includes RigL's dense steps and its
/// mask updates (top-k selections, the skipped optimiser step, rebuilt CSR patterns).
func dynamicSparseTrainingBenchmark(data: PreparedData) {
    print("\n== SparseNets: RigL over static at ΔT = 100 (MLP 64-256-256-10, ER, 10 epochs, T_end = 75%)")
    print("  sparsity   static s   rigl s   wall-time ×   FLOPs/step × (update window)   FLOPs × (whole run)")
    let recipe = TrainingRecipe(epochs: 10, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05))
    let exp = SparseTrainingExperiment(network: .architecture(.mlp(hidden: [256, 256])), data: data, recipe: recipe)
    guard let layers = try? exp.layerShapes(),
          let stat = try? SparseMethodCatalog.method(named: "static"),
          let rigl = try? SparseMethodCatalog.method(named: "rigl", overrides: ["delta-t": "100"]) else { return }
    for s in [0.9, 0.95, 0.98] {
        guard let a = try? DistributionSolver.allocate(ERDistribution(), layers: layers, sparsity: s) else { continue }
        func timed(_ m: SparseMethod) -> (Double, SparseRunResult?) {
            var best = Double.infinity, result: SparseRunResult?
            for rep in 0..<3 {
                let start = Date()
                let r = try? exp.run(m, allocation: a, seed: UInt64(rep + 1))
                best = min(best, Date().timeIntervalSince(start))
                result = r
            }
            return (best, result)
        }
        let (ts, rs) = timed(stat), (tr, rr) = timed(rigl)
        guard let rs, let rr else { continue }
        let window = rr.plan.steps.last ?? rr.ledger.perSample.count
        let stepRatio = rr.ledger.meanPerStep(0..<window) / rs.ledger.meanPerStep(0..<window)
        print(String(format: "  %8.2f %10.2f %8.2f %13.3f %31.3f %21.3f", s, ts, tr, tr / ts, stepRatio, rr.flops.trainingTotal / rs.flops.trainingTotal))
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
