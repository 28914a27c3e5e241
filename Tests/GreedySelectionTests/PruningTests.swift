import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

@Test func greedyNeuronPruningBeatsMagnitudeOnTheDigits() throws {
    let cmp = try PruningComparison(data: BuiltinDatasets.digits(), hidden: 32, activation: .tanh, keep: [4, 8, 32], batch: 200,
                                    selector: GreedyLineSearchSelector.self, stream: RandomStream(seed: 1))
    #expect(cmp.dense > 0.93, "dense accuracy \(cmp.dense)")
    // With few neurons, re-weighted greedy selection keeps far more accuracy than keeping the largest neurons.
    #expect(cmp.local[0] > cmp.magnitude[0] + 0.05, "k = 4: local \(cmp.local[0]) vs magnitude \(cmp.magnitude[0])")
    #expect(cmp.global[0] > cmp.magnitude[0] + 0.05, "k = 4: global \(cmp.global[0]) vs magnitude \(cmp.magnitude[0])")
    #expect(cmp.local[1] > cmp.magnitude[1], "k = 8")
    // Keeping every neuron with magnitude pruning is the dense network.
    #expect(abs(cmp.magnitude[2] - cmp.dense) < 1e-12)
}

@Test func localAtomsAverageToTheDenseLogits() throws {
    let data = BuiltinDatasets.digits()
    let x = Matrix(rows: 50, cols: 64) { i, j in data.features[i, j] / 16 }
    let net = try HiddenLayerNetwork.train(features: x, labels: Array(data.labels.prefix(50)), classes: 10, hidden: 8, activation: .tanh,
                                           epochs: 5, stream: RandomStream(seed: 2))
    let p = try NeuronPruning.atoms(net, batch: x)
    let logits = try net.logits(x)
    for s in 0..<50 { for c in 0..<10 { #expect(abs(p.target[s + c * 50] + net.b2[c] - logits[s, c]) < 1e-12) } }
    // A simplex weight λ_i becomes the output scale H·λ_i: uniform weights give the dense network back.
    let uniform = NeuronPruning.scales(path: [(0..<8).map { ($0, 1.0 / 8) }], width: 8, keep: [8])
    #expect(uniform[8] == [Double](repeating: 1, count: 8))
}

@Test func leastSquaresFitReducesTheLossAndActivationDerivativesMatchFiniteDifferences() throws {
    // Least-squares output layer of a two-layer network: the fitted f_N interpolates a smooth target better than a random one.
    let stream = RandomStream(seed: 3)
    var net = try TwoLayerNetwork.random(width: 200, dimension: 2, activation: .tanh, stream: stream)
    let x = Matrix(rows: 100, cols: 2) { _, _ in stream.gaussian() }
    let y = (0..<100).map { sin(x[$0, 0]) + 0.5 * x[$0, 1] }
    let before = zip(try net(x), y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    try net.fitOutputWeights(inputs: x, targets: y, ridge: 1e-8)
    let after = zip(try net(x), y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    #expect(after < 1e-3 * before, "before \(before) after \(after)")
    for a in Activation.allCases {
        for z in [-1.3, -0.2, 0.4, 2.0] {
            let h = 1e-6
            #expect(abs(a.derivative(z) - (a(z + h) - a(z - h)) / (2 * h)) < 1e-7)
        }
    }
}
