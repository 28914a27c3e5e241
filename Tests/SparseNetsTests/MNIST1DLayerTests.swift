import Components
import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// A flat logistic regression (W 10×40 column-major, then b), to check `trainFlat` against the masked-network trainer.
struct FlatLogistic: FlatClassifier {
    var parameters: [Double]
    var mask: [Double]
    let inputs: Int, classes: Int

    /// The same weights and biases as `net` (a linear `mlp` network).
    init(_ net: MaskedNetwork) {
        inputs = net.inputSize; classes = net.classCount
        parameters = net.parameters.weights[0].storage + net.parameters.biases[0]
        mask = net.masks[0].storage + [Double](repeating: 1, count: classes)
    }

    func logits(inputs x: Matrix) -> Matrix {
        Matrix(rows: classes, cols: x.cols) { c, j in
            var s = parameters[inputs * classes + c]
            for i in 0..<inputs { s += parameters[i * classes + c] * x[i, j] }
            return s
        }
    }

    func lossAndGradient(inputs x: Matrix, labels: [Int], gradient: inout [Double]) -> Double {
        let z = logits(inputs: x), b = Double(x.cols)
        for k in gradient.indices { gradient[k] = 0 }
        var loss = 0.0
        for j in 0..<x.cols {
            let mx = (0..<classes).map { z[$0, j] }.max()!
            let e = (0..<classes).map { exp(z[$0, j] - mx) }, s = e.reduce(0, +)
            loss -= z[labels[j], j] - mx - log(s)
            for c in 0..<classes {
                let d = (e[c] / s - (c == labels[j] ? 1 : 0)) / b
                gradient[inputs * classes + c] += d
                for i in 0..<inputs { gradient[i * classes + c] += d * x[i, j] }
            }
        }
        return loss / b
    }
}

/// Adam/AdamW against PyTorch's update written out by hand, and the layers MNIST-1D's reference models need against finite differences.
@Suite("MNIST-1D layers and optimiser: Adam, conv1d, residual MLP")
struct MNIST1DLayerTests {
    static let theta0 = [0.5, -1.0]
    static let grads = [[0.2, -0.4], [-0.1, 0.3], [0.05, 0.05]]

    /// Three steps of `adam` from theta0 with `grads`.
    func steps(_ adam: AdamOptimizer) -> [[Double]] {
        var p = Self.theta0, state = AdamState(count: 2), out = [[Double]]()
        for g in Self.grads { adam.step(&p, gradient: g, state: &state); out.append(p) }
        return out
    }

    @Test("Adam's first steps equal torch.optim.Adam's closed form (lr 0.01, β 0.9/0.999, ε 1e-8)")
    func adamClosedForm() {
        let lr = 0.01, eps = 1e-8
        let got = steps(.adam(learningRate: lr))
        let g1 = Self.grads[0], g2 = Self.grads[1]
        for i in 0..<2 {
            // Step 1: m̂ = g, v̂ = g², so θ₁ = θ₀ − lr·g/(|g| + ε).
            let t1 = Self.theta0[i] - lr * g1[i] / (abs(g1[i]) + eps)
            // Step 2: m = 0.09 g₁ + 0.1 g₂, v = 0.000999 g₁² + 0.001 g₂², step size lr/(1 − 0.81), √(1 − 0.998001).
            let m2 = 0.09 * g1[i] + 0.1 * g2[i], v2 = 0.000999 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i]
            let t2 = t1 - lr / 0.19 * m2 / (v2.squareRoot() / 0.001999.squareRoot() + eps)
            #expect(abs(got[0][i] - t1) <= 1e-15, "step 1 entry \(i): \(got[0][i]) vs \(t1)")
            #expect(abs(got[1][i] - t2) <= 1e-14, "step 2 entry \(i): \(got[1][i]) vs \(t2)")
        }
        // The same three steps as PyTorch's update computes them (float64, written out step by step in Python).
        let expected = [[0.4900000005, -0.99000000025], [0.4873366302718676, -0.9891067502012136], [0.48393233904720767, -0.9890558574203054]]
        for (a, b) in zip(got, expected) { for i in 0..<2 { #expect(abs(a[i] - b[i]) <= 1e-14, "\(a) vs \(b)") } }
    }

    @Test("AdamW shrinks θ by (1 − lr·λ) before the Adam step; Adam with λ adds λθ to the gradient")
    func weightDecayForms() {
        let w = steps(.adamW(learningRate: 0.01, weightDecay: 0.1))
        #expect(abs(w[0][0] - (0.5 * (1 - 0.001) - 0.01 * 0.2 / (0.2 + 1e-8))) <= 1e-15)
        let wExpected = [[0.4895000005, -0.98900000025], [0.48634713027136756, -0.9871177502009636], [0.4824564919164363, -0.9860797396698544]]
        for (a, b) in zip(w, wExpected) { for i in 0..<2 { #expect(abs(a[i] - b[i]) <= 1e-14, "AdamW \(a) vs \(b)") } }
        let l2 = steps(.adam(learningRate: 0.01, weightDecay: 0.1))
        let l2Expected = [[0.49000000039999997, -0.9900000002], [0.48492288818670787, -0.9865601455181706], [0.4789595946332967, -0.9833369446488442]]
        for (a, b) in zip(l2, l2Expected) { for i in 0..<2 { #expect(abs(a[i] - b[i]) <= 1e-14, "Adam L2 \(a) vs \(b)") } }
        #expect(AdamOptimizer.adamW().weightDecay == 0.01 && AdamOptimizer.adam().weightDecay == 0 && AdamOptimizer().learningRate == 0.001)
    }

    @Test("masked entries stay exactly 0 through Adam and AdamW steps, unmasked ones move")
    func adamMask() {
        for adam in [AdamOptimizer.adam(learningRate: 0.1, weightDecay: 0.5), .adamW(learningRate: 0.1, weightDecay: 0.5)] {
            var p = [0.0, 1.0, 0.0, -2.0], state = AdamState(count: 4)
            let mask = [0.0, 1.0, 0.0, 1.0]
            for k in 0..<5 { adam.step(&p, gradient: [1.0 + Double(k), -1.5, -3.0, 0.25], mask: mask, state: &state) }
            #expect(p[0] == 0 && p[2] == 0 && state.firstMoment[0] == 0 && state.secondMoment[2] == 0)
            #expect(p[1] != 1.0 && p[3] != -2.0)
        }
    }

    @Test("training a masked network with Adam keeps masked weights exactly 0 and lowers the loss; sequential order is the row order")
    func trainerAdam() throws {
        let d = try Fixtures.data(features: 6, classes: 3, count: 30, seed: 9)
        for kind in [OptimizerKind.adam, .adamw] {
            var net = try MaskedNetwork(.resmlp(hidden: [8, 8]), inputSize: 6, classCount: 3, stream: RandomStream(seed: 4), initialization: .pytorch)
            var masks = net.masks
            for l in masks.indices { for i in masks[l].storage.indices where i % 3 == 0 { masks[l].storage[i] = 0 } }
            try net.setMasks(masks)
            let before = try Trainer.evaluate(net, on: d).loss
            let recipe = TrainingRecipe(epochs: 20, batchSize: 10, optimizer: SGDConfiguration(learningRate: 0.01, weightDecay: 0.01, schedule: .constant),
                                        kind: kind, dataOrder: .sequential)
            try Trainer.train(&net, on: d, recipe: recipe, stream: RandomStream(seed: 1))
            #expect(net.maskedWeightsAreZero)
            let after = try Trainer.evaluate(net, on: d).loss
            #expect(after < before, "\(kind): loss \(before) → \(after)")
            // Sequential order does not read the stream: another seed gives the same network.
            var other = try MaskedNetwork(.resmlp(hidden: [8, 8]), inputSize: 6, classCount: 3, stream: RandomStream(seed: 4), initialization: .pytorch)
            try other.setMasks(masks)
            try Trainer.train(&other, on: d, recipe: recipe, stream: RandomStream(seed: 99))
            #expect(other.parameters == net.parameters)
        }
    }

    @Test("the recipe's optimizer and data-order choices parse from declared parameters; absent they default to sgd, shuffled")
    func recipeChoices() throws {
        let v = try ParameterValues(resolving: TrainingRecipe.parameters + TrainingRecipe.choiceParameters,
                                    overrides: ["optimizer": "adamw", "data-order": "sequential"], owner: "test")
        let r = try TrainingRecipe(parameters: v)
        #expect(r.kind == .adamw && r.dataOrder == .sequential)
        #expect(TrainingRecipe.digits.kind == .sgd && TrainingRecipe.digits.dataOrder == .shuffled)
        #expect(throws: (any Error).self) { try ParameterValues(resolving: TrainingRecipe.choiceParameters, overrides: ["optimizer": "adagrad"], owner: "test") }
    }

    @Test("PyTorch's default initialisation: weights and biases inside ±1/√fan-in, spread like the uniform (variance 1/(3 fan-in))")
    func pytorchInit() throws {
        let net = try MaskedNetwork(.cnn1d(channels: [25, 25, 25], kernels: [5, 3, 3], strides: [2, 2, 2], paddings: [1, 1, 1]),
                                    inputSize: 40, classCount: 10, stream: RandomStream(seed: 2), initialization: .pytorch)
        for (l, layer) in net.layers.enumerated() {
            let bound = 1 / Double(layer.fanIn).squareRoot()
            let w = net.parameters.weights[l].storage, b = net.parameters.biases[l]
            #expect((w + b).allSatisfy { abs($0) <= bound })
            let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
            #expect(abs(variance / (bound * bound / 3) - 1) < 0.25, "layer \(l): variance \(variance)")
            #expect(b.contains { $0 != 0 })
        }
    }

    @Test("the reference CNN's shapes: 40 → 19 → 10 → 5 positions, 25 channels, 125 features into the linear layer")
    func referenceShapes() throws {
        let arch = try Architecture.parse("cnn1d:25,25,25:k5,3,3:s2:p1")
        #expect(arch == .cnn1d(channels: [25, 25, 25], kernels: [5, 3, 3], strides: [2, 2, 2], paddings: [1, 1, 1]))
        #expect(try Architecture.parse(arch.description) == arch)
        let net = try MaskedNetwork(arch, inputSize: 40, classCount: 10, stream: RandomStream(seed: 1))
        let convs = net.layers.dropLast().compactMap { $0 as? Conv1DLayer }
        #expect(convs.map(\.outputLength) == [19, 10, 5])
        #expect(net.layers.last?.inputSize == 125)
        #expect(net.prunableCount == 25 * 5 + 25 * 25 * 3 * 2 + 125 * 10)
        #expect(try Architecture.parse("resmlp:100,100") == .resmlp(hidden: [100, 100]))
        let mlp = try MaskedNetwork(.resmlp(hidden: [100, 100]), inputSize: 40, classCount: 10, stream: RandomStream(seed: 1))
        #expect(mlp.residual == [false, true] && NetworkFile.architecture(of: mlp) == .resmlp(hidden: [100, 100]))
        #expect(NetworkFile.architecture(of: net) == arch)
        for bad in ["resmlp:100,50", "cnn1d:4:k3,3", "cnn1d:4:q2", "cnn1d:4:k0", "cnn1d:4:k3:k3", "cnn1d", "resmlp"] {
            #expect(throws: SparseNetsError.self, "\(bad)") { try Architecture.parse(bad) }
        }
        // A kernel wider than the padded input is one line, not a trap.
        #expect(throws: SparseNetsError.self) { try MaskedNetwork(.cnn1d(channels: [2], kernels: [9], strides: [1], paddings: [0]), inputSize: 4, classCount: 2, stream: RandomStream(seed: 1)) }
    }

    @Test("conv1d's forward pass equals the direct sum Σ_c,j W[o,c,j]·x[c, p·s + j − pad] + b[o]")
    func conv1dDirect() throws {
        let layer = try Conv1DLayer(inChannels: 2, outChannels: 3, length: 7, kernel: 3, stride: 2, padding: 1)
        let s = RandomStream(seed: 5)
        let w = try Matrix(rows: 3, cols: 6, columnMajor: s.gaussianVector(18)), x = try Matrix(rows: 14, cols: 2, columnMajor: s.gaussianVector(28))
        var z = Matrix(rows: layer.outputSize, cols: 2)
        try layer.forward(weights: w, input: x, workspace: LayerWorkspace(), into: &z)
        for b in 0..<2 {
            for o in 0..<3 {
                for p in 0..<layer.outputLength {
                    var sum = 0.0
                    for c in 0..<2 { for j in 0..<3 { let t = p * 2 + j - 1; if t >= 0 && t < 7 { sum += w[o, c * 3 + j] * x[c * 7 + t, b] } } }
                    #expect(abs(z[o * layer.outputLength + p, b] - sum) <= 1e-12)
                }
            }
        }
    }

    static func withBiases(_ net: MaskedNetwork, seed: UInt64) -> MaskedNetwork {
        var net = net
        for l in net.parameters.biases.indices { net.parameters.biases[l] = RandomStream(seed: seed).split(l).gaussianVector(net.parameters.biases[l].count, sd: 0.1) }
        return net
    }

    /// Largest relative error of central differences against the backward pass, over every coordinate.
    func worstRelativeError(_ net: MaskedNetwork, _ d: TrainingData) throws -> Double {
        let g = try Fixtures.gradient(net, d)
        let h = 1e-6
        var worst = 0.0
        for l in net.parameters.weights.indices {
            let scale = max(g.weights[l].storage.map(abs).max() ?? 0, 1e-3)
            for i in net.parameters.weights[l].storage.indices {
                var plus = net, minus = net
                plus.parameters.weights[l].storage[i] += h
                minus.parameters.weights[l].storage[i] -= h
                let fd = (try Fixtures.loss(plus, d) - Fixtures.loss(minus, d)) / (2 * h)
                worst = max(worst, abs(fd - g.weights[l].storage[i]) / scale)
            }
            for i in net.parameters.biases[l].indices {
                var plus = net, minus = net
                plus.parameters.biases[l][i] += h
                minus.parameters.biases[l][i] -= h
                let fd = (try Fixtures.loss(plus, d) - Fixtures.loss(minus, d)) / (2 * h)
                worst = max(worst, abs(fd - g.biases[l][i]) / scale)
            }
        }
        return worst
    }

    /// Relative error of Hv against central differences of gradients (no ReLU may flip inside the step).
    func hvpError(_ net: MaskedNetwork, _ d: TrainingData) throws -> Double {
        let v = Fixtures.direction(net.parameters, seed: 31)
        var g = Parameters(zerosLike: net.parameters), hv = g
        _ = try Propagator().hessianVectorProduct(net, data: d.columns, labels: d.labels, columns: Array(0..<d.count)[...], direction: v, gradient: &g, product: &hv)
        let eps = 1e-6 * net.parameters.squaredNorm().squareRoot() / v.squaredNorm().squareRoot()
        var plus = net, minus = net
        plus.parameters.add(v, scaledBy: eps)
        minus.parameters.add(v, scaledBy: -eps)
        let base = try Fixtures.pattern(net, d)
        #expect(Fixtures.flips(try Fixtures.pattern(plus, d), base) + Fixtures.flips(try Fixtures.pattern(minus, d), base) == 0)
        var fd = try Fixtures.gradient(plus, d)
        fd.add(try Fixtures.gradient(minus, d), scaledBy: -1)
        fd.scale(by: 1 / (2 * eps))
        fd.add(hv, scaledBy: -1)
        return (fd.squaredNorm() / hv.squaredNorm()).squareRoot()
    }

    @Test("conv1d network (strides 2 and 1, paddings 1 and 0, kernels 3 and 2): gradients and Hv match finite differences ≤ 1e-6")
    func conv1dFiniteDifferences() throws {
        let net = Self.withBiases(try MaskedNetwork(.cnn1d(channels: [3, 2], kernels: [3, 2], strides: [2, 1], paddings: [1, 0]),
                                                    inputSize: 9, classCount: 3, stream: RandomStream(seed: 6)), seed: 16)
        let d = try Fixtures.data(features: 9, classes: 3, count: 5, seed: 7)
        let err = try worstRelativeError(net, d)
        #expect(err <= 1e-6, "conv1d gradient relative error \(err)")
        let h = try hvpError(net, d)
        #expect(h <= 1e-6, "conv1d Hv relative error \(h)")
    }

    @Test("residual MLP (h + ReLU(W h), two skips): gradients and Hv match finite differences ≤ 1e-6")
    func resmlpFiniteDifferences() throws {
        let net = Self.withBiases(try MaskedNetwork(.resmlp(hidden: [5, 5, 5]), inputSize: 4, classCount: 3, stream: RandomStream(seed: 8)), seed: 18)
        let d = try Fixtures.data(features: 4, classes: 3, count: 6, seed: 9)
        let err = try worstRelativeError(net, d)
        #expect(err <= 1e-6, "resmlp gradient relative error \(err)")
        let h = try hvpError(net, d)
        #expect(h <= 1e-6, "resmlp Hv relative error \(h)")
        // The skip is really there: without it the same weights give a different loss.
        let plain = try MaskedNetwork(layers: net.layers, pools: net.pools, stream: RandomStream(seed: 8))
        var copy = plain
        copy.parameters = net.parameters
        #expect(try Fixtures.loss(copy, d) != Fixtures.loss(net, d))
    }

    /// `FlatTraining.train` (the GRU's path into verify mnist1d-baselines) and the masked-network trainer take the same Adam steps on the same batches.
    @Test func flatTrainingEqualsTheNetworkTrainer() throws {
        let s = RandomStream(seed: 3)
        let x = try Matrix(rows: 5, cols: 40, columnMajor: s.gaussianVector(200))
        let train = try TrainingData(columns: x, labels: (0..<40).map { $0 % 3 }, classCount: 3)
        var net = try MaskedNetwork(.mlp(hidden: []), inputSize: 5, classCount: 3, stream: RandomStream(seed: 4), initialization: .pytorch)
        var mask = net.masks
        mask[0].storage[4] = 0
        try net.setMasks(mask)
        var flat = FlatLogistic(net)
        let (acc, _) = FlatTraining.train(&flat, train: train, test: train, steps: 12, batch: 10, adam: .adam(learningRate: 0.01), evalEvery: nil)
        let recipe = TrainingRecipe(epochs: 3, batchSize: 10, optimizer: SGDConfiguration(learningRate: 0.01, momentum: 0, schedule: .constant), kind: .adam, dataOrder: .sequential)
        try Trainer.train(&net, on: train, recipe: recipe, stream: RandomStream(seed: 1))
        let expected = net.parameters.weights[0].storage + net.parameters.biases[0]
        let worst = zip(flat.parameters, expected).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-12, "largest difference \(worst)")
        #expect(flat.parameters[4] == 0)
        #expect(abs(acc - (try Trainer.evaluate(net, on: train).accuracy)) < 1e-12)
    }
}
