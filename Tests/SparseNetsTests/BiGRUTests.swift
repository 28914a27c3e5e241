import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// The bidirectional GRU against finite differences, a closed form, a per-sample reference written from PyTorch's
/// equations, its masks, and the orientation of its two directions.
@Suite struct BiGRUTests {
    static func network(length: Int = 5, hidden: Int = 3, features: Int = 1, classes: Int = 4, seed: UInt64 = 7) throws -> BiGRUClassifier {
        var net = try BiGRUClassifier(length: length, hidden: hidden, inputFeatures: features, classes: classes, stream: RandomStream(seed: seed))
        // Larger weights than the default init so every gate works away from its linear regime.
        let s = RandomStream(seed: seed + 1)
        for i in net.parameters.indices { net.parameters[i] = s.gaussian(sd: 0.8) }
        return net
    }

    static func inputs(_ net: BiGRUClassifier, batch: Int, seed: UInt64 = 3) throws -> Matrix {
        try Matrix(rows: net.inputSize, cols: batch, columnMajor: RandomStream(seed: seed).gaussianVector(net.inputSize * batch))
    }

    /// PyTorch's nn.GRU (bidirectional, h₀ = 0) and the flattened read-out, one sample at a time, straight from the equations.
    static func referenceLogits(_ net: BiGRUClassifier, _ x: Matrix) -> [[Double]] {
        let L = net.length, H = net.hidden, F = net.inputFeatures, C = net.classes
        let p = zip(net.parameters, net.mask).map { $0 * $1 }
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        return (0..<x.cols).map { b in
            var out = [[Double]](repeating: [Double](repeating: 0, count: 2 * H), count: L)
            for d in 0..<2 {
                let wih = net.inputWeightsRange(direction: d).lowerBound, whh = net.hiddenWeightsRange(direction: d).lowerBound
                let bih = net.inputBiasRange(direction: d).lowerBound, bhh = net.hiddenBiasRange(direction: d).lowerBound
                var h = [Double](repeating: 0, count: H)
                for t in (d == 0 ? Array(0..<L) : Array((0..<L).reversed())) {
                    // a(gate, i) = W_i· x_t + b_i, c(gate, i) = W_h· h + b_h for gate row gate·H + i.
                    func a(_ gate: Int, _ i: Int) -> Double {
                        let row = gate * H + i
                        return (0..<F).reduce(p[bih + row]) { $0 + p[wih + row + $1 * 3 * H] * x[t * F + $1, b] }
                    }
                    func c(_ gate: Int, _ i: Int) -> Double {
                        let row = gate * H + i
                        return (0..<H).reduce(p[bhh + row]) { $0 + p[whh + row + $1 * 3 * H] * h[$1] }
                    }
                    let next = (0..<H).map { i -> Double in
                        let r = sigmoid(a(0, i) + c(0, i)), z = sigmoid(a(1, i) + c(1, i))
                        let n = tanh(a(2, i) + r * c(2, i))
                        return (1 - z) * n + z * h[i]
                    }
                    h = next
                    for i in 0..<H { out[t][d * H + i] = h[i] }
                }
            }
            let flat = out.flatMap { $0 }
            let w = net.outputWeightsRange.lowerBound, bias = net.outputBiasRange.lowerBound
            return (0..<C).map { k in (0..<flat.count).reduce(p[bias + k]) { $0 + p[w + k + $1 * C] * flat[$1] } }
        }
    }

    @Test("the layout: PyTorch's shapes in order, contiguous, default init inside ±1/√fan")
    func layout() throws {
        let net = try BiGRUClassifier(length: 40, hidden: 6, classes: 10, stream: RandomStream(seed: 1))
        #expect(net.blocks.map(\.name) == ["forward.inputWeights", "forward.hiddenWeights", "forward.inputBias", "forward.hiddenBias",
                                           "backward.inputWeights", "backward.hiddenWeights", "backward.inputBias", "backward.hiddenBias",
                                           "output.weights", "output.bias"])
        #expect(net.blocks.map(\.range.count) == [18, 108, 18, 18, 18, 108, 18, 18, 4800, 10])
        #expect(zip(net.blocks.dropLast(), net.blocks.dropFirst()).allSatisfy { $0.range.upperBound == $1.range.lowerBound })
        #expect(net.parameterCount == 5134)   // PyTorch: 2·(3·6·1 + 3·6·6 + 2·18) + 480·10 + 10
        let k = 1 / 6.0.squareRoot(), kOut = 1 / 480.0.squareRoot()
        #expect(net.parameters[0..<324].allSatisfy { abs($0) <= k } && net.parameters[0..<324].contains { abs($0) > 0.9 * k })
        #expect(net.parameters[324...].allSatisfy { abs($0) <= kOut } && net.parameters[324...].contains { abs($0) > 0.9 * kOut })
        #expect(net.mask.allSatisfy { $0 == 1 })
    }

    @Test("one step, one hidden unit: logits equal the closed form")
    func closedForm() throws {
        var net = try BiGRUClassifier(length: 1, hidden: 1, classes: 2, stream: RandomStream(seed: 1))
        // Per direction: W_ih (r, z, n), W_hh (r, z, n), b_ih, b_hh; then W (2×2, column-major) and b.
        net.parameters = [0.5, -0.3, 0.8, /* W_hh (unused with h0 = 0) */ 9, 9, 9, 0.1, 0.2, -0.4, 0.05, -0.1, 0.3,
                          -0.6, 0.4, 1.1, 9, 9, 9, 0.2, -0.2, 0.1, -0.3, 0.15, -0.5,
                          1.0, -2.0, 0.5, 3.0, 0.25, -0.75]
        let x = 0.7
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        // h = (1 − z)·n with r = σ(w_ir x + b_ir + b_hr), z = σ(w_iz x + b_iz + b_hz), n = tanh(w_in x + b_in + r·b_hn).
        let rf = sigmoid(0.5 * x + 0.1 + 0.05), zf = sigmoid(-0.3 * x + 0.2 - 0.1), nf = tanh(0.8 * x - 0.4 + rf * 0.3)
        let rb = sigmoid(-0.6 * x + 0.2 - 0.3), zb = sigmoid(0.4 * x - 0.2 + 0.15), nb = tanh(1.1 * x + 0.1 + rb * -0.5)
        let hf = (1 - zf) * nf, hb = (1 - zb) * nb
        let expected = [1.0 * hf + 0.5 * hb + 0.25, -2.0 * hf + 3.0 * hb - 0.75]
        let got = try net.logits(inputs: Matrix(rows: 1, cols: 1, columnMajor: [x])).storage
        #expect(abs(got[0] - expected[0]) < 1e-15 && abs(got[1] - expected[1]) < 1e-15, "\(got) vs \(expected)")
    }

    @Test("logits equal the per-sample reference (2 features per step, masked weights)")
    func matchesReference() throws {
        var net = try Self.network(length: 6, hidden: 4, features: 2, classes: 3)
        let s = RandomStream(seed: 11)
        for block in net.blocks where block.isWeight { for i in block.range where s.uniform() < 0.3 { net.mask[i] = 0 } }
        let x = try Self.inputs(net, batch: 5)
        let got = try net.logits(inputs: x), ref = Self.referenceLogits(net, x)
        let err = (0..<5).flatMap { b in (0..<3).map { abs(got[$0, b] - ref[b][$0]) } }.max()!
        #expect(err < 1e-13, "max |Δ| = \(err)")
    }

    @Test("the gradient equals central differences in every block (relative error ≤ 1e-6)")
    func finiteDifferences() throws {
        let net = try Self.network()
        let x = try Self.inputs(net, batch: 3)
        let labels = [2, 0, 3]
        var grad: [Double] = []
        _ = try net.lossAndGradient(inputs: x, labels: labels, gradient: &grad)
        var scratch: [Double] = []
        let eps = 1e-5
        for block in net.blocks {
            var worst = 0.0, scale = 0.0
            for i in block.range {
                var plus = net, minus = net
                plus.parameters[i] += eps
                minus.parameters[i] -= eps
                let fd = (try plus.lossAndGradient(inputs: x, labels: labels, gradient: &scratch)
                          - minus.lossAndGradient(inputs: x, labels: labels, gradient: &scratch)) / (2 * eps)
                worst = max(worst, abs(fd - grad[i]))
                scale = max(scale, abs(grad[i]))
            }
            #expect(scale > 1e-3, "\(block.name): gradient vanishes, the check would be empty")
            #expect(worst / scale <= 1e-6, "\(block.name): relative error \(worst / scale)")
        }
    }

    @Test("masked weights get gradient exactly 0 and their value does not reach the logits")
    func masks() throws {
        var net = try Self.network()
        let masked = net.blocks.filter(\.isWeight).flatMap { [$0.range.lowerBound, $0.range.lowerBound + 2] }
        for i in masked { net.mask[i] = 0 }
        let x = try Self.inputs(net, batch: 3)
        var grad: [Double] = []
        _ = try net.lossAndGradient(inputs: x, labels: [1, 2, 3], gradient: &grad)
        #expect(masked.allSatisfy { grad[$0] == 0 })
        #expect(grad.filter { $0 != 0 }.count == grad.count - masked.count)
        let before = try net.logits(inputs: x)
        for i in masked { net.parameters[i] = 1e3 }
        #expect(try net.logits(inputs: x) == before)
        net.mask[net.outputBiasRange.lowerBound] = 0
        #expect(throws: SparseNetsError.self) { try net.logits(inputs: x) }
    }

    @Test("reversing the sequence swaps the directions: swapped weights and mirrored read-out give the same logits")
    func reversal() throws {
        let net = try Self.network(length: 5, hidden: 3, features: 2)
        let L = 5, H = 3, F = 2, C = net.classes
        var swapped = net
        for (a, b) in [(0, 4), (1, 5), (2, 6), (3, 7)] {
            swapped.parameters.replaceSubrange(net.blocks[a].range, with: net.parameters[net.blocks[b].range])
            swapped.parameters.replaceSubrange(net.blocks[b].range, with: net.parameters[net.blocks[a].range])
        }
        let w = net.outputWeightsRange.lowerBound
        for t in 0..<L { for d in 0..<2 { for i in 0..<H { for k in 0..<C {
            swapped.parameters[w + k + C * (t * 2 * H + d * H + i)] = net.parameters[w + k + C * ((L - 1 - t) * 2 * H + (1 - d) * H + i)]
        } } } }
        let x = try Self.inputs(net, batch: 4)
        let reversed = Matrix(rows: x.rows, cols: x.cols) { r, b in x[(L - 1 - r / F) * F + r % F, b] }
        let a = try net.logits(inputs: x), b = try swapped.logits(inputs: reversed)
        #expect(zip(a.storage, b.storage).map { abs($0 - $1) }.max()! < 1e-13)
        #expect(zip(a.storage, try net.logits(inputs: reversed).storage).map { abs($0 - $1) }.max()! > 1e-3)
    }

    @Test("the read-out's order: columns of (step 0, forward) see only x₀; (step 0, backward) see the last step")
    func concatenationOrder() throws {
        let L = 4, H = 2
        let net = try Self.network(length: L, hidden: H, classes: 2)
        let x = try Self.inputs(net, batch: 2)
        var late = x
        for b in 0..<2 { late[L - 1, b] += 1.5 }
        func only(_ d: Int) -> BiGRUClassifier {
            var m = net
            let w = net.outputWeightsRange
            for j in 0..<(2 * H * L) where !(j / H == d) { for k in 0..<2 { m.mask[w.lowerBound + k + 2 * j] = 0 } }
            return m
        }
        // Columns 0..<H are [h_fwd(0)], H..<2H are [h_bwd(0)].
        #expect(try only(0).logits(inputs: x) == only(0).logits(inputs: late))
        let bwd0 = try only(1).logits(inputs: x), bwd1 = try only(1).logits(inputs: late)
        #expect(zip(bwd0.storage, bwd1.storage).map { abs($0 - $1) }.max()! > 1e-3)
    }

    @Test("bad input is a one-line error, never a trap")
    func errors() throws {
        let net = try Self.network()
        var g: [Double] = []
        #expect(throws: SparseNetsError.self) { try net.logits(inputs: Matrix(rows: 4, cols: 2)) }
        #expect(throws: SparseNetsError.self) { try net.lossAndGradient(inputs: Matrix(rows: 5, cols: 2), labels: [0], gradient: &g) }
        #expect(throws: SparseNetsError.self) { try net.lossAndGradient(inputs: Matrix(rows: 5, cols: 1), labels: [4], gradient: &g) }
        #expect(throws: SparseNetsError.self) { try net.logits(inputs: Matrix(rows: 5, cols: 1, repeating: .nan)) }
        #expect(throws: SparseNetsError.self) { try BiGRUClassifier(length: 0, hidden: 3, classes: 2, stream: RandomStream(seed: 1)) }
        var bad = net
        bad.parameters[0] = .infinity
        #expect(throws: SparseNetsError.self) { try bad.logits(inputs: Matrix(rows: 5, cols: 1)) }
    }

    @Test("training check: 300 Adam steps on MNIST-1D (the reference's lr 1e-2, batch 100, sequential minibatches) learn it")
    func learnsMNIST1D() throws {
        let data = BuiltinDatasets.mnist1d()
        let xt = data.features.transposed
        let test = xt.columns(Array(4000..<5000)), yTest = Array(data.labels[4000..<5000])
        var net = try BiGRUClassifier(length: 40, hidden: 6, classes: 10, stream: RandomStream(seed: 1))
        let ws = BiGRUWorkspace()
        // PyTorch's Adam (β 0.9, 0.999, ε 1e-8) written out here until the shared optimiser lands on this branch.
        var m = [Double](repeating: 0, count: net.parameterCount), v = m, g: [Double] = []
        var first = 0.0, last = 0.0
        for step in 0..<300 {
            let rows = Array(((step * 100) % 4000)..<((step * 100) % 4000 + 100))
            let loss = try net.lossAndGradient(inputs: xt.columns(rows), labels: rows.map { data.labels[$0] }, gradient: &g, workspace: ws)
            if step < 10 { first += loss / 10 } else if step >= 290 { last += loss / 10 }
            let c1 = 1 - pow(0.9, Double(step + 1)), c2 = 1 - pow(0.999, Double(step + 1))
            for i in g.indices {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                net.parameters[i] -= 1e-2 * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
            }
        }
        let accuracy = try net.accuracy(inputs: test, labels: yTest)
        #expect(first > 2 && last < first / 2, "mean loss of the first 10 steps \(first), of the last 10 \(last)")
        #expect(accuracy > 0.6, "test accuracy \(accuracy) after 300 steps")
        print("BiGRU training check: loss \(first) → \(last), test accuracy \(accuracy)")
    }
}
