import Components
import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

@Suite("Training")
struct TrainingTests {
    @Test("dense MLP 64-256-256-10 on the fixed digits split reaches ≥ 96.5% test accuracy (seeds 1–3)")
    func denseDigits() throws {
        let data = try PreparedData.digits()
        #expect(data.train.count == 1078 && data.validation.count == 359 && data.test.count == 360)
        let exp = PairedPruningExperiment(architecture: .mlp(hidden: [256, 256]), data: data)
        for seed in 1...3 as ClosedRange<UInt64> {
            let r = try exp.run(method: nil, density: 1, seed: seed)
            #expect(r.test.accuracy >= 0.965, "seed \(seed): test accuracy \(r.test.accuracy)")
            #expect(r.history.count == 40)
        }
    }

    @Test("masked weights stay exactly zero and per-layer counts stay constant through training (momentum, Nesterov, weight decay)")
    func masksHold() throws {
        let data = try PreparedData.digits()
        let exp = PairedPruningExperiment(architecture: .mlp(hidden: [32, 32]), data: data,
                                          recipe: TrainingRecipe(epochs: 3, batchSize: 64, optimizer: SGDConfiguration(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3)))
        var net = try exp.initialNetwork(seed: 4)
        try Pruning.prune(&net, with: RandomScore(), density: 0.3, batch: try exp.pruningBatch(seed: 4), stream: RandomStream(seed: 9))
        let before = net.layerNonZeros
        let masks = net.masks
        final class Watch: TrainingHook {
            var violations = 0, steps = 0
            func stepFinished(step: Int, network: inout MaskedNetwork, state: inout OptimizerState) throws {
                steps += 1
                if !network.maskedWeightsAreZero { violations += 1 }
            }
        }
        let watch = Watch()
        try Trainer.train(&net, on: data.train, recipe: exp.recipe, stream: RandomStream(seed: 5), hooks: [watch])
        #expect(watch.steps == 3 * 17)
        #expect(watch.violations == 0)
        #expect(net.masks == masks)
        // Every kept weight moved (training did something), every removed one is exactly 0.
        let moved = zip(net.parameters.flatWeights, net.masks.flatMap(\.storage)).filter { $0.1 == 1 && $0.0 != 0 }.count
        #expect(moved == before.reduce(0, +))
        #expect(net.layerNonZeros == before)
    }

    @Test("the same seed gives the same run; the data order does not depend on the mask")
    func deterministic() throws {
        let data = try PreparedData.digits()
        let exp = PairedPruningExperiment(architecture: .mlp(hidden: [16]), data: data,
                                          recipe: TrainingRecipe(epochs: 2, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05)))
        let a = try exp.run(method: SNIPScore(), density: 0.5, seed: 3)
        let b = try exp.run(method: SNIPScore(), density: 0.5, seed: 3)
        #expect(a.network.parameters == b.network.parameters)
        #expect(a.test == b.test)
    }

    @Test("one SGD step matches PyTorch's plain, heavy-ball and Nesterov formulas with weight decay, entry by entry; masked weights stay 0")
    func sgdFormulas() throws {
        var (net0, _) = try Fixtures.mlp()
        var masks = net0.masks
        masks[0].storage[5] = 0
        try net0.setMasks(masks)
        var g = Parameters(zerosLike: net0.parameters)
        for l in g.weights.indices {
            g.weights[l].storage = g.weights[l].storage.indices.map { Double($0 % 5) - 2 }
            g.biases[l] = g.biases[l].indices.map { 0.25 * Double($0 % 3) - 0.3 }
        }
        for (mu, nesterov) in [(0.9, false), (0.9, true), (0.0, false)] {
            var net = net0
            var state = OptimizerState(momentum: Parameters(zerosLike: net.parameters), step: 0)
            for l in state.momentum.weights.indices {
                for i in state.momentum.weights[l].storage.indices { state.momentum.weights[l].storage[i] = masks[l].storage[i] * 0.5 }
                for i in state.momentum.biases[l].indices { state.momentum.biases[l][i] = -0.25 }
            }
            let before = state
            let opt = SGDConfiguration(learningRate: 0.1, momentum: mu, nesterov: nesterov, weightDecay: 0.01)
            Trainer.sgdStep(&net, gradient: g, state: &state, lr: 0.1, opt: opt)
            // (w, g, buffer, mask) → (new w, new buffer), PyTorch's order of operations.
            func expected(_ w0: Double, _ g0: Double, _ b0: Double, _ m: Double) -> (Double, Double) {
                let d = (g0 + 0.01 * w0) * m
                guard mu != 0 else { return (w0 - 0.1 * d, b0) }
                let buf = mu * b0 + d
                return (w0 - 0.1 * (nesterov ? d + mu * buf : buf), buf)
            }
            for l in net.parameters.weights.indices {
                for i in net.parameters.weights[l].storage.indices {
                    let (w, b) = expected(net0.parameters.weights[l].storage[i], g.weights[l].storage[i], before.momentum.weights[l].storage[i], masks[l].storage[i])
                    #expect(abs(net.parameters.weights[l].storage[i] - w) < 1e-15 && abs(state.momentum.weights[l].storage[i] - b) < 1e-15, "µ \(mu) nesterov \(nesterov) weight \(l),\(i)")
                }
                for i in net.parameters.biases[l].indices {
                    let (w, b) = expected(net0.parameters.biases[l][i], g.biases[l][i], before.momentum.biases[l][i], 1)
                    #expect(abs(net.parameters.biases[l][i] - w) < 1e-15 && abs(state.momentum.biases[l][i] - b) < 1e-15, "µ \(mu) nesterov \(nesterov) bias \(l),\(i)")
                }
            }
            #expect(net.parameters.weights[0].storage[5] == 0 && state.momentum.weights[0].storage[5] == 0)
        }
    }

    @Test("learning-rate schedules: cosine from lr₀ to 0, step divides every k epochs")
    func schedules() {
        let c = LearningRateSchedule.cosine
        #expect(c.rate(base: 0.05, step: 0, total: 100, stepsPerEpoch: 10) == 0.05)
        #expect(abs(c.rate(base: 0.05, step: 50, total: 100, stepsPerEpoch: 10) - 0.025) < 1e-15)
        #expect(c.rate(base: 0.05, step: 100, total: 100, stepsPerEpoch: 10) < 1e-17)
        let s = LearningRateSchedule.step(everyEpochs: 2, factor: 0.1)
        #expect(s.rate(base: 1, step: 19, total: 100, stepsPerEpoch: 10) == 1)
        #expect(abs(s.rate(base: 1, step: 20, total: 100, stepsPerEpoch: 10) - 0.1) < 1e-15)
        #expect(abs(s.rate(base: 1, step: 45, total: 100, stepsPerEpoch: 10) - 0.01) < 1e-15)
    }

    @Test("a small CNN trains on the digits well above chance")
    func cnnTrains() throws {
        let data = try PreparedData.digits()
        let exp = PairedPruningExperiment(architecture: .cnn(channels: [8], pooling: true), data: data,
                                          recipe: TrainingRecipe(epochs: 5, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05)))
        let r = try exp.run(method: nil, density: 1, seed: 1)
        #expect(r.test.accuracy > 0.85, "CNN test accuracy \(r.test.accuracy)")
    }
}

@Suite("Recipe declaration, data path and divergence")
struct RecipeAndDataTests {
    @Test("the declared recipe defaults are the prototype's digits recipe, and every default lies in its domain")
    func declaredRecipe() throws {
        let r = TrainingRecipe.digits
        #expect(r.epochs == 40 && r.batchSize == 32)
        #expect(r.optimizer == SGDConfiguration(learningRate: 0.05, momentum: 0.9, nesterov: false, weightDecay: 0, schedule: .cosine))
        #expect(TrainingRecipe.defaultPruningPerClass == 10)
        for p in TrainingRecipe.parameters {
            for mode in RunMode.allCases { if let v = p.defaultValue(in: mode) { try p.check(v) } }
        }
        // Overrides go through the declaration's domains.
        let v = try ParameterValues(resolving: TrainingRecipe.parameters, overrides: ["lr": "0.1", "nesterov": "true", "schedule": "step:10:0.5"], owner: "test")
        let custom = try TrainingRecipe(parameters: v, epochs: 3)
        #expect(custom.epochs == 3 && custom.optimizer.learningRate == 0.1 && custom.optimizer.nesterov)
        #expect(custom.optimizer.schedule == .step(everyEpochs: 10, factor: 0.5))
        #expect(throws: InputError.self) { try ParameterValues(resolving: TrainingRecipe.parameters, overrides: ["momentum": "1"], owner: "test") }
        #expect(throws: SparseNetsError.self) {
            try TrainingRecipe(parameters: ParameterValues(resolving: TrainingRecipe.parameters, overrides: ["schedule": "linear"], owner: "test"))
        }
    }

    @Test("PreparedData.digits is DataPolicy's split at split seed 1: the same 1078/359/360 rows as the old RandomStream(seed: 1) split")
    func digitsSplit() throws {
        let data = try PreparedData.digits()
        let direct = try stratifiedSplit(BuiltinDatasets.digits(), fractions: (0.6, 0.2), stream: RandomStream(seed: 1))
        let s = try Standardizer(fitting: direct.train)
        #expect(data.train.columns == TrainingData(try s.apply(direct.train)).columns)
        #expect(data.test.labels == TrainingData(try s.apply(direct.test)).labels)
        #expect(!data.testIsValidation)
        #expect(data.provenance.map(\.source) == ["digits"] && data.provenance[0].sha256 == nil)
    }

    @Test("a user's own split without a test file evaluates on the validation file and says so")
    func ownSplitWithoutTest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sparsenets-own-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.csv").path, val = dir.appendingPathComponent("val.csv").path
        try "0,0,0\n1,1,1\n0,1,0\n1,0,1\n".write(toFile: train, atomically: true, encoding: .utf8)
        try "0,0.5,0\n1,0.5,1\n".write(toFile: val, atomically: true, encoding: .utf8)
        let data = try PreparedData(DataPolicy.ownSplit(train: train, validation: val))
        #expect(data.testIsValidation)
        #expect(data.test.labels == data.validation.labels && data.test.count == 2)
        #expect(data.provenance.map(\.role) == ["train", "validation"])
        #expect(data.provenance.allSatisfy { $0.sha256?.count == 64 })
    }

    @Test("a learning rate of 1e6 makes training diverge: reported as a Divergence at epoch 1, not thrown, not silent")
    func divergence() throws {
        let data = try PreparedData.digits()
        let v = try ParameterValues(resolving: TrainingRecipe.parameters, overrides: ["lr": "1e6", "epochs": "3"], owner: "test")
        let exp = PairedPruningExperiment(architecture: .mlp(hidden: [32]), data: data, recipe: try TrainingRecipe(parameters: v))
        let r = try exp.run(method: try PruningCatalog.score(named: "random"), density: 0.5, seed: 1, component: "random seed 1")
        let d = try #require(r.divergence)
        #expect(d.component == "random seed 1" && d.step == 1 && d.unit == "epoch" && d.quantity == "training loss")
        #expect(!d.value.isFinite)
        #expect(r.history.count < 3)
        // The digits recipe itself does not diverge.
        let ok = try PairedPruningExperiment(architecture: .mlp(hidden: [32]), data: data,
                                             recipe: TrainingRecipe(epochs: 2, batchSize: 32, optimizer: TrainingRecipe.digits.optimizer))
            .run(method: nil, density: 1, seed: 1)
        #expect(ok.divergence == nil && ok.history.count == 2)
    }
}

@Suite("Bad input is a thrown one-line error")
struct BadInputTests {
    @Test("network specs that do not parse, zero widths", arguments: ["mlp:300,,100", "mlp:0", "mlp:300,abc", "resnet:3", "cnn:", "cnn:8:maxpool", "mlp:-3", ""])
    func badSpecs(_ spec: String) {
        #expect(throws: SparseNetsError.self) { try Architecture.parse(spec) }
    }

    @Test("good specs parse")
    func goodSpecs() throws {
        #expect(try Architecture.parse("mlp:300,100") == .mlp(hidden: [300, 100]))
        #expect(try Architecture.parse("mlp") == .mlp(hidden: []))
        #expect(try Architecture.parse("cnn:16,32:nopool") == .cnn(channels: [16, 32], pooling: false))
    }

    @Test("sparsity outside [0, 1) (density outside (0, 1])", arguments: [0.0, -0.1, 1.5, Double.nan])
    func badDensity(_ d: Double) throws {
        let (net, batch) = try Fixtures.mlp()
        #expect(throws: SparseNetsError.self) {
            try GlobalThreshold.keep(density: d, scores: net.parameters.weights, within: net.masks)
        }
        var n = net
        #expect(throws: SparseNetsError.self) { try Pruning.prune(&n, with: MagnitudeScore(), density: d, batch: batch, stream: RandomStream(seed: 1)) }
    }

    @Test("mismatched feature counts, a cnn on non-square inputs, unknown methods, bad recipes")
    func mismatches() throws {
        let (net, _) = try Fixtures.mlp()
        let other = try Fixtures.data(features: 5, classes: 4, count: 8, seed: 1)
        var n = net
        #expect(throws: SparseNetsError.self) {
            try Trainer.train(&n, on: other, recipe: .digits, stream: RandomStream(seed: 1))
        }
        #expect(throws: SparseNetsError.self) { try Trainer.evaluate(net, on: other) }
        #expect(throws: SparseNetsError.self) {
            try MaskedNetwork(.cnn(channels: [4], pooling: true), inputSize: 30, classCount: 3, stream: RandomStream(seed: 1))
        }
        #expect(throws: InputError.self) { try PruningCatalog.score(named: "lottery") }
        let bad = TrainingRecipe(epochs: 1, batchSize: 0, optimizer: SGDConfiguration(learningRate: 0.1))
        #expect(throws: SparseNetsError.self) { try bad.validate() }
        let bad2 = TrainingRecipe(epochs: 1, batchSize: 8, optimizer: SGDConfiguration(learningRate: -1))
        #expect(throws: SparseNetsError.self) { try bad2.validate() }
        #expect(throws: SparseNetsError.self) { try TrainingData(columns: Matrix(rows: 2, cols: 3), labels: [0, 1], classCount: 2) }
    }

    @Test("a data file whose labels are not integers is rejected by the loader with its position")
    func nonIntegerLabels() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sparsenets-bad-labels-\(getpid()).csv")
        try "1.0,2.0,0\n3.0,4.0,1.5\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: DatasetError.self) { try DataLoader.load(url.path) }
        do { _ = try DataLoader.load(url.path) } catch { #expect(String(describing: error).contains(":2:")) }
    }
}
