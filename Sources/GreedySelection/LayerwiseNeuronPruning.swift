import Foundation
import LinearAlgebra
import Randomness

/// A trained ReLU MLP as plain matrices: `weights[l]` is out × in (PyTorch's Linear layout), ReLU after every layer but the last.
///
/// Inputs are columns (features × samples), so a layer is one gemm, Z = W·X + b.
public struct ReLUNetwork: Sendable, Equatable {
    /// Weight matrices, input to output, each out × in.
    public var weights: [Matrix]
    /// Biases, one per output unit of each layer.
    public var biases: [[Double]]

    /// A network; the shapes must chain and every value must be finite.
    public init(weights: [Matrix], biases: [[Double]]) throws(GreedyError) {
        guard !weights.isEmpty, weights.count == biases.count else { throw .invalidArgument("a network needs as many bias vectors as weight matrices, and at least one") }
        for l in weights.indices {
            guard biases[l].count == weights[l].rows else { throw .invalidArgument("layer \(l + 1): \(biases[l].count) biases for \(weights[l].rows) outputs") }
            if l > 0, weights[l].cols != weights[l - 1].rows {
                throw .invalidArgument("layer \(l + 1) takes \(weights[l].cols) inputs, layer \(l) gives \(weights[l - 1].rows)")
            }
            guard weights[l].storage.allSatisfy(\.isFinite), biases[l].allSatisfy(\.isFinite) else { throw .nonFinite("layer \(l + 1)'s weights") }
        }
        self.weights = weights
        self.biases = biases
    }

    /// Hidden widths, input side first.
    public var hiddenWidths: [Int] { weights.dropLast().map(\.rows) }
    /// Input features.
    public var inputSize: Int { weights[0].cols }
    /// Output units (classes).
    public var classCount: Int { weights[weights.count - 1].rows }

    /// Pre-activations of layer `layer` (0-based) for inputs `x` (features × samples), hidden neuron j of layer l scaled by `scales[l][j]` after its ReLU.
    public func preActivation(_ x: Matrix, layer: Int, scales: [[Double]?] = []) throws(GreedyError) -> Matrix {
        guard x.rows == inputSize else { throw .invalidArgument("inputs have \(x.rows) features, the network expects \(inputSize)") }
        var h = x
        for l in 0...layer {
            var z = Matrix(rows: weights[l].rows, cols: h.cols)
            do { try gemm(weights[l], h, into: &z) } catch { throw .numerical(error.description) }
            for s in 0..<z.cols { for i in 0..<z.rows { z.storage[i + s * z.rows] += biases[l][i] } }
            if l == layer { return z }
            let scale = l < scales.count ? scales[l] : nil
            for s in 0..<z.cols {
                for i in 0..<z.rows {
                    let v = max(0, z.storage[i + s * z.rows])
                    z.storage[i + s * z.rows] = scale.map { v * $0[i] } ?? v
                }
            }
            h = z
        }
        return h
    }

    /// Hidden layer `layer`'s outputs (after ReLU, before its own scale), the earlier layers scaled.
    public func activations(_ x: Matrix, layer: Int, scales: [[Double]?] = []) throws(GreedyError) -> Matrix {
        var z = try preActivation(x, layer: layer, scales: scales)
        for i in z.storage.indices { z.storage[i] = max(0, z.storage[i]) }
        return z
    }

    /// Fraction of samples (columns of `x`) whose arg-max output is the label.
    public func accuracy(_ x: Matrix, _ labels: [Int], scales: [[Double]?] = []) throws(GreedyError) -> Double {
        let z = try preActivation(x, layer: weights.count - 1, scales: scales)
        var right = 0
        for s in 0..<z.cols {
            var best = 0
            for c in 1..<z.rows where z[c, s] > z[best, s] { best = c }
            if best == labels[s] { right += 1 }
        }
        return Double(right) / Double(max(1, z.cols))
    }

    /// The smaller network the scales describe: neurons with scale 0 removed, the others' scales folded into the next layer's weights.
    ///
    /// Computes exactly what the scaled network computes (ReLU is positively homogeneous only on
    /// the outgoing side, so the scale goes into the next layer's column, never into the neuron).
    public func reduced(scales: [[Double]?]) throws(GreedyError) -> (network: ReLUNetwork, kept: [[Int]]) {
        var w = weights, b = biases, kept = [[Int]]()
        for l in 0..<(weights.count - 1) {
            let s = l < scales.count ? scales[l] : nil
            let keep = (0..<weights[l].rows).filter { (s?[$0] ?? 1) != 0 }
            guard !keep.isEmpty else { throw .invalidArgument("hidden layer \(l + 1) would keep no neuron") }
            w[l] = w[l].rows(keep)
            b[l] = keep.map { b[l][$0] }
            var next = w[l + 1].columns(keep)
            for (c, i) in keep.enumerated() { for r in 0..<next.rows { next[r, c] *= s?[i] ?? 1 } }
            w[l + 1] = next
            kept.append(keep)
        }
        return (try ReLUNetwork(weights: w, biases: b), kept)
    }
}

/// Greedy forward selection of a trained MLP's neurons, one hidden layer at a time from the input side (Ye, Gong, Nie, Zhou, Klivans, Liu, ICML 2020).
///
/// For hidden layer ℓ of width N, the atoms are the neurons' contributions to the next layer's
/// pre-activations on a batch, φ_i = N·W_{ℓ+1}[:, i]·h_i(x) flattened over (unit, sample), with h
/// computed through the layers already pruned; the target is the *full* network's pre-activations
/// minus the bias. The selector (greedy line search) builds a convex combination of atoms, so k
/// selected neurons with weights λ_i become output scales N·λ_i; the other neurons are removed.
/// With the earlier layers dense the target is the atoms' mean, which is the paper's setting and
/// `NeuronPruning`'s for one hidden layer.
public enum LayerwiseNeuronPruning {
    /// One hidden layer's choice: the neurons kept and their output scales (0 for removed ones).
    public struct LayerChoice: Sendable, Equatable {
        /// Width before pruning.
        public var width: Int
        /// Indices kept, ascending.
        public var kept: [Int]
        /// Output scale per neuron of the original layer.
        public var scales: [Double]
    }

    /// How many neurons each hidden layer keeps: a fixed count (capped at the width), or the fewest within a validation-accuracy tolerance.
    public enum Budget: Sendable, Equatable {
        case keep(Int)
        case tolerance(Double)
    }

    /// The atom problem of hidden layer `layer` given the scales chosen for the layers before it.
    public static func atoms(_ net: ReLUNetwork, layer: Int, batch x: Matrix, scales: [[Double]?]) throws(GreedyError) -> AtomProblem {
        let h = try net.activations(x, layer: layer, scales: scales)
        let full = try net.preActivation(x, layer: layer + 1)
        let next = net.weights[layer + 1], m = next.rows, n = x.cols, width = h.rows
        var phi = Matrix(rows: m * n, cols: width)
        var target = [Double](repeating: 0, count: m * n)
        for s in 0..<n { for u in 0..<m { target[u + s * m] = full[u, s] - net.biases[layer + 1][u] } }
        for i in 0..<width {
            for s in 0..<n {
                let v = Double(width) * h[i, s]
                guard v != 0 else { continue }
                for u in 0..<m { phi.storage[u + s * m + i * m * n] = v * next[u, i] }
            }
        }
        return try AtomProblem(atoms: phi, target: target)
    }

    /// The greedy path of one layer: for every count k the path reaches, the scales of its first step with k neurons.
    public static func path(_ net: ReLUNetwork, layer: Int, batch x: Matrix, scales: [[Double]?], stream: RandomStream) throws(GreedyError) -> [Int: [Double]] {
        let width = net.weights[layer].rows
        let problem = try atoms(net, layer: layer, batch: x, scales: scales)
        let trace = try GreedyLineSearchSelector.run(on: problem, steps: 4 * width, options: SelectionOptions(recordCertificate: false, recordWeights: true),
                                                     stream: stream)
        var out = [Int: [Double]]()
        for w in trace.weights where out[w.count] == nil {
            var s = [Double](repeating: 0, count: width)
            for (i, a) in w { s[i] = Double(width) * a }
            out[w.count] = s
        }
        return out
    }

    /// Prunes every hidden layer in turn, input side first; `validation` decides a `.tolerance` budget (accuracy drop from the dense network ≤ tolerance).
    public static func prune(_ net: ReLUNetwork, batch x: Matrix, budget: Budget, validation: (x: Matrix, labels: [Int]),
                             stream: RandomStream) throws(GreedyError) -> [LayerChoice] {
        let dense = try net.accuracy(validation.x, validation.labels)
        var scales = [[Double]?](), choices = [LayerChoice]()
        for l in 0..<(net.weights.count - 1) {
            let width = net.weights[l].rows
            let steps = try path(net, layer: l, batch: x, scales: scales, stream: stream.split(l))
            var chosen = [Double](repeating: 1, count: width)
            switch budget {
            case .keep(let k):
                // The last step with at most k neurons, as `NeuronPruning.scales` does.
                if let best = steps.keys.filter({ $0 <= min(k, width) }).max(), let s = steps[best] { chosen = s }
            case .tolerance(let t):
                for k in steps.keys.sorted() {
                    guard let s = steps[k] else { continue }
                    if try net.accuracy(validation.x, validation.labels, scales: scales + [Optional(s)]) >= dense - t { chosen = s; break }
                }
            }
            scales.append(chosen)
            choices.append(LayerChoice(width: width, kept: (0..<width).filter { chosen[$0] != 0 }, scales: chosen))
        }
        return choices
    }

    /// Magnitude neuron pruning at the given counts: per hidden layer, the k neurons with the largest ‖W_ℓ[i, :]‖·‖W_{ℓ+1}[:, i]‖, unchanged.
    public static func magnitude(_ net: ReLUNetwork, keep counts: [Int]) -> [[Double]] { magnitude(net, keep: counts, score: .product) }

    /// Which weights of a hidden neuron a magnitude score measures.
    public enum MagnitudeScore: String, Sendable, CaseIterable {
        /// ‖W_ℓ[i, :]‖₁, the neuron's own (incoming) weights: the filter-norm criterion of Li et al. (ICLR 2017).
        case incoming
        /// ‖W_{ℓ+1}[:, i]‖₁, the weights that read the neuron.
        case outgoing
        /// ‖W_ℓ[i, :]‖₂·‖W_{ℓ+1}[:, i]‖₂ (what `greedy prune-mlp` compares with).
        case product
    }

    /// Magnitude neuron pruning by `score`: per hidden layer, the k highest-scoring neurons kept unchanged (ties to the lower index).
    public static func magnitude(_ net: ReLUNetwork, keep counts: [Int], score kind: MagnitudeScore) -> [[Double]] {
        counts.enumerated().map { l, k in
            let w = net.weights[l], next = net.weights[l + 1]
            let score: [Double] = (0..<w.rows).map { i in
                switch kind {
                case .incoming: return w.row(i).reduce(0) { $0 + abs($1) }
                case .outgoing: return next.column(i).reduce(0) { $0 + abs($1) }
                case .product: return nrm2(w.row(i)) * nrm2(next.column(i))
                }
            }
            var s = [Double](repeating: 0, count: w.rows)
            for i in score.indices.sorted(by: { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }).prefix(k) { s[i] = 1 }
            return s
        }
    }

    /// Random neuron selection: per hidden layer, k neurons drawn without replacement from `stream.split(layer)`, kept unchanged.
    public static func random(_ net: ReLUNetwork, keep counts: [Int], stream: RandomStream) -> [[Double]] {
        counts.enumerated().map { l, k in
            let width = net.weights[l].rows
            var s = [Double](repeating: 0, count: width)
            for i in stream.split(l).permutation(width).prefix(k) { s[i] = 1 }
            return s
        }
    }
}
