import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

/// Layer-by-layer greedy neuron pruning of a ReLU MLP (`LayerwiseNeuronPruning`).
@Suite struct LayerwisePruningTests {
    /// A random ReLU MLP d-h1-h2-c and inputs (features × samples).
    static func network(_ sizes: [Int], samples: Int, seed: UInt64) throws -> (ReLUNetwork, Matrix) {
        let s = RandomStream(seed: seed)
        var weights = [Matrix](), biases = [[Double]]()
        for l in 1..<sizes.count {
            let g = s.split(l)
            weights.append(Matrix(rows: sizes[l], cols: sizes[l - 1]) { _, _ in g.gaussian() / Double(sizes[l - 1]).squareRoot() })
            biases.append((0..<sizes[l]).map { _ in 0.1 * g.gaussian() })
        }
        let gx = s.split("x")
        return (try ReLUNetwork(weights: weights, biases: biases), Matrix(rows: sizes[0], cols: samples) { _, _ in gx.gaussian() })
    }

    @Test func reducedNetworkComputesTheScaledNetwork() throws {
        let (net, x) = try Self.network([6, 9, 7, 4], samples: 20, seed: 3)
        let scales: [[Double]?] = [[0, 1.5, 0, 2, 0.25, 0, 0, 3, 1], [1, 0, 0, 0.5, 2, 0, 1]]
        let (small, kept) = try net.reduced(scales: scales)
        #expect(kept == [[1, 3, 4, 7, 8], [0, 3, 4, 6]])
        #expect(small.hiddenWidths == [5, 4])
        let a = try net.preActivation(x, layer: 2, scales: scales), b = try small.preActivation(x, layer: 2)
        let err = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? .nan
        #expect(err < 1e-12, "max |Δ logit| = \(err)")
    }

    /// With the earlier layers dense, the next layer's pre-activations (minus bias) are the atoms' mean: φ_i = N·W[:, i]·h_i.
    @Test func atomsAverageToTheFullNetworksPreActivations() throws {
        let (net, x) = try Self.network([5, 8, 6, 3], samples: 15, seed: 4)
        for layer in 0..<2 {
            let p = try LayerwiseNeuronPruning.atoms(net, layer: layer, batch: x, scales: [])
            let width = p.atoms.cols
            var worst = 0.0
            for r in 0..<p.atoms.rows {
                var mean = 0.0
                for i in 0..<width { mean += p.atoms[r, i] }
                worst = max(worst, abs(mean / Double(width) - p.target[r]))
            }
            #expect(worst < 1e-12, "layer \(layer): \(worst)")
        }
    }

    /// The tolerance budget: the pruned network's validation accuracy is within the tolerance of dense, and no layer grows.
    @Test func toleranceHoldsOnValidation() throws {
        let (net, x) = try Self.network([6, 24, 16, 3], samples: 200, seed: 5)
        // Labels from the network itself, so dense accuracy is 1 and any loss is the pruning's.
        let z = try net.preActivation(x, layer: 2)
        let labels = (0..<x.cols).map { s in (0..<3).max { z[$0, s] < z[$1, s] } ?? 0 }
        #expect(try net.accuracy(x, labels) == 1)
        for t in [0.0, 0.05, 0.2] {
            let choices = try LayerwiseNeuronPruning.prune(net, batch: x, budget: .tolerance(t), validation: (x, labels), stream: RandomStream(seed: 1))
            let acc = try net.accuracy(x, labels, scales: choices.map { Optional($0.scales) })
            #expect(acc >= 1 - t, "tolerance \(t): accuracy \(acc)")
            #expect(zip(choices.map(\.kept.count), [24, 16]).allSatisfy { $0 <= $1 })
            #expect(choices.allSatisfy { c in (0..<c.width).allSatisfy { c.kept.contains($0) == (c.scales[$0] != 0) } })
        }
        let loose = try LayerwiseNeuronPruning.prune(net, batch: x, budget: .tolerance(1), validation: (x, labels), stream: RandomStream(seed: 1))
        #expect(loose.map(\.kept.count) == [1, 1], "tolerance 1 accepts the first step of each path")
    }

    @Test func keepBudgetAndMagnitudeKeepAtMostKPerLayer() throws {
        let (net, x) = try Self.network([6, 12, 10, 3], samples: 60, seed: 6)
        let labels = [Int](repeating: 0, count: 60)
        let choices = try LayerwiseNeuronPruning.prune(net, batch: x, budget: .keep(4), validation: (x, labels), stream: RandomStream(seed: 1))
        #expect(choices.allSatisfy { $0.kept.count <= 4 && $0.kept.count >= 1 })
        let m = LayerwiseNeuronPruning.magnitude(net, keep: [4, 3])
        #expect(m.map { $0.filter { $0 == 1 }.count } == [4, 3])
        // The kept neurons are the top ‖w_in‖·‖w_out‖ ones.
        let score = (0..<12).map { nrm2(net.weights[0].row($0)) * nrm2(net.weights[1].column($0)) }
        let threshold = score.sorted(by: >)[3]
        #expect((0..<12).allSatisfy { (m[0][$0] == 1) == (score[$0] >= threshold) })
    }
}
