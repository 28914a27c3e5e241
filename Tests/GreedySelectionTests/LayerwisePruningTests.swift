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

    /// Each magnitude score keeps exactly the k neurons a brute-force ranking of its norm gives; random keeps k distinct ones.
    @Test func magnitudeScoresAndRandomSelectionKeepTheRightNeurons() throws {
        let (net, _) = try Self.network([6, 9, 7, 4], samples: 2, seed: 5)
        let counts = [3, 2]
        for score in LayerwiseNeuronPruning.MagnitudeScore.allCases {
            let chosen = LayerwiseNeuronPruning.magnitude(net, keep: counts, score: score)
            for l in 0..<2 {
                let w = net.weights[l], next = net.weights[l + 1]
                let value: (Int) -> Double = { i in
                    var a = 0.0, b = 0.0, a2 = 0.0, b2 = 0.0
                    for j in 0..<w.cols { a += abs(w[i, j]); a2 += w[i, j] * w[i, j] }
                    for r in 0..<next.rows { b += abs(next[r, i]); b2 += next[r, i] * next[r, i] }
                    switch score {
                    case .incoming: return a
                    case .outgoing: return b
                    case .product: return (a2 * b2).squareRoot()
                    }
                }
                let expected = Set((0..<w.rows).sorted { value($0) > value($1) }.prefix(counts[l]))
                #expect(Set((0..<w.rows).filter { chosen[l][$0] == 1 }) == expected, "\(score) layer \(l)")
                #expect(chosen[l].allSatisfy { $0 == 0 || $0 == 1 })
            }
        }
        // The three scores are different criteria: on this network at least two of them disagree somewhere.
        let picks = LayerwiseNeuronPruning.MagnitudeScore.allCases.map { LayerwiseNeuronPruning.magnitude(net, keep: counts, score: $0) }
        #expect(Set(picks.map { $0.description }).count > 1)
        let random = LayerwiseNeuronPruning.random(net, keep: counts, stream: RandomStream(seed: 9))
        #expect(random.map { $0.filter { $0 == 1 }.count } == counts)
        #expect(random.map { $0.filter { $0 != 0 && $0 != 1 }.count } == [0, 0])
        #expect(LayerwiseNeuronPruning.random(net, keep: counts, stream: RandomStream(seed: 9)) == random)
    }
}
