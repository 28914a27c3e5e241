import Datasets
import Foundation
import LinearAlgebra
import Randomness

/// Pruning the hidden layer of a trained `HiddenLayerNetwork` neuron by neuron.
///
/// Atom i is hidden neuron i's contribution to the logits on a batch, H·h_i(x_b)·W2[i, :] flattened over (sample,
/// class), so the dense network is the atoms' mean and a simplex weight λ_i becomes the output scale H·λ_i.
/// "local" matches the layer's output (the logits) with a selector from this module; "global" matches the network's
/// output distribution (mean KL(softmax(dense) ‖ softmax(pruned))) by Frank–Wolfe with a line search on the KL.
public enum NeuronPruning {
    /// Which loss the greedy selection matches.
    public enum Loss: String, Sendable, CaseIterable {
        /// Match the layer's output (the logits) in squared error.
        case local
        /// Match the network's output distribution in KL divergence.
        case global
    }

    /// The atom problem of the hidden layer on a batch.
    public static func atoms(_ net: HiddenLayerNetwork, batch x: Matrix) throws(GreedyError) -> AtomProblem {
        let h = try hidden(net, x)
        let b = x.rows, c = net.classCount, width = net.width
        var phi = Matrix(rows: b * c, cols: width)
        for i in 0..<width {
            for cls in 0..<c {
                let w = Double(width) * net.w2[i, cls]
                for s in 0..<b { phi[s + cls * b, i] = w * h[s, i] }
            }
        }
        return try AtomProblem(atoms: phi)
    }

    private static func hidden(_ net: HiddenLayerNetwork, _ x: Matrix) throws(GreedyError) -> Matrix { try net.hidden(x) }

    /// Output scales per kept-neuron count k: the weights of the first step whose sub-network has k neurons
    /// (or the last one with at most k), from a greedy path.
    public static func scales(path weights: [[(neuron: Int, weight: Double)]], width: Int, keep: [Int]) -> [Int: [Double]] {
        var out = [Int: [Double]]()
        for k in keep {
            var chosen: [(neuron: Int, weight: Double)]? = nil
            for w in weights where w.count <= k { chosen = w; if w.count == k { break } }
            guard let c = chosen else { continue }
            var s = [Double](repeating: 0, count: width)
            for (i, a) in c { s[i] = Double(width) * a }
            out[k] = s
        }
        return out
    }

    /// The "local" path: a selector on the logit atoms, weights recorded every step.
    public static func localPath(_ net: HiddenLayerNetwork, batch x: Matrix, selector: any Selector.Type, steps: Int, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        let problem = try atoms(net, batch: x)
        return try selector.run(on: problem, steps: steps, options: SelectionOptions(recordCertificate: false, recordWeights: true), stream: stream)
    }

    /// The "global" path: Frank–Wolfe on the mean KL divergence of the output distributions, γ by golden section.
    public static func globalPath(_ net: HiddenLayerNetwork, batch x: Matrix, steps: Int) throws(GreedyError) -> (loss: [Double], weights: [[(neuron: Int, weight: Double)]]) {
        try GreedyValidation.checkSteps(steps)
        let problem = try atoms(net, batch: x)
        let b = x.rows, c = net.classCount, rows = b * c, width = net.width
        let bias = (0..<rows).map { net.b2[$0 / b] }
        let target = softmax(Vector.add(problem.target, bias), b: b, c: c)
        func kl(_ f: [Double]) -> Double {
            let q = softmax(Vector.add(f, bias), b: b, c: c)
            var s = 0.0
            for r in 0..<rows where target[r] > 0 { s += target[r] * log(target[r] / max(q[r], 1e-300)) }
            return s / Double(b)
        }
        // Start from the best single neuron under the KL.
        var best = 0, bestKL = Double.infinity
        for i in 0..<width {
            let v = kl(problem.atoms.column(i))
            if v < bestKL { bestKL = v; best = i }
        }
        var f = problem.atoms.column(best)
        var weights = [Double](repeating: 0, count: width)
        weights[best] = 1
        var losses = [bestKL], path = [[(neuron: best, weight: 1.0)]]
        var grad = [Double](repeating: 0, count: rows), s = [Double](repeating: 0, count: width)
        for _ in 1..<steps {
            let q = softmax(Vector.add(f, bias), b: b, c: c)
            for r in 0..<rows { grad[r] = (q[r] - target[r]) / Double(b) }
            do { try gemv(problem.atoms, grad, transpose: .transpose, into: &s) } catch { throw .numerical(error.description) }
            var j = 0
            for i in 1..<width where s[i] < s[j] { j = i }
            let phi = problem.atoms.column(j)
            let d = Vector.subtract(phi, f)
            // Golden-section search of the convex KL along the segment.
            var lo = 0.0, hi = 1.0
            let ratio = (5.0.squareRoot() - 1) / 2
            for _ in 0..<40 {
                let a = hi - ratio * (hi - lo), bb = lo + ratio * (hi - lo)
                var fa = f, fb = f
                axpy(a, d, &fa); axpy(bb, d, &fb)
                if kl(fa) < kl(fb) { hi = bb } else { lo = a }
            }
            let gamma = (lo + hi) / 2
            var candidate = f
            axpy(gamma, d, &candidate)
            let value = kl(candidate)
            if value < losses[losses.count - 1] {
                f = candidate
                for i in 0..<width { weights[i] *= 1 - gamma }
                weights[j] += gamma
            }
            losses.append(min(value, losses[losses.count - 1]))
            path.append((0..<width).filter { weights[$0] > 0 }.map { ($0, weights[$0]) })
        }
        return (losses, path)
    }

    /// Magnitude neuron pruning: keep the k neurons with the largest ‖W1[:, i]‖·‖W2[i, :]‖, unchanged.
    public static func magnitudeScales(_ net: HiddenLayerNetwork, keep k: Int) -> [Double] {
        let score = (0..<net.width).map { i in
            nrm2(net.w1.column(i)) * nrm2(net.w2.row(i))
        }
        let order = score.indices.sorted { score[$0] > score[$1] }
        var s = [Double](repeating: 0, count: net.width)
        for i in order.prefix(k) { s[i] = 1 }
        return s
    }

    /// Row-wise softmax of logits stored class-major (entry s + c·b).
    static func softmax(_ z: [Double], b: Int, c: Int) -> [Double] {
        var out = z
        for s in 0..<b {
            var mx = -Double.infinity
            for k in 0..<c { mx = max(mx, z[s + k * b]) }
            var sum = 0.0
            for k in 0..<c { let e = exp(z[s + k * b] - mx); out[s + k * b] = e; sum += e }
            for k in 0..<c { out[s + k * b] /= sum }
        }
        return out
    }
}

/// The accuracy-vs-neurons comparison `workbench greedy prune-mlp` prints.
public struct PruningComparison: Sendable {
    /// Neurons kept.
    public let keep: [Int]
    /// Test accuracy of magnitude pruning, local greedy and global greedy per k (NaN where a path never had k neurons).
    public let magnitude: [Double], local: [Double], global: [Double]
    /// Dense test accuracy.
    public let dense: Double
    /// Hidden width, training and test sizes.
    public let width: Int, trainCount: Int, testCount: Int

    /// Trains an MLP on `data` (split 60/20/20, stratified) and compares the three prunings on the test split.
    public init(data: LabeledDataset, hidden: Int, activation: Activation, keep: [Int], batch: Int, selector: any Selector.Type, stream: RandomStream) throws(GreedyError) {
        let split: (train: LabeledDataset, validation: LabeledDataset, test: LabeledDataset)
        do { split = try stratifiedSplit(data, fractions: (0.6, 0.2), stream: stream.split("split")) } catch { throw .invalidArgument(error.description) }
        // Pixel counts of the digits are 0…16; any data set is put on a unit scale by its largest magnitude.
        let scale = max(1e-12, split.train.features.storage.map(abs).max() ?? 1)
        let xTrain = Matrix(rows: split.train.count, cols: data.dimension, columnMajorUnchecked: split.train.features.storage.map { $0 / scale })
        let xTest = Matrix(rows: split.test.count, cols: data.dimension, columnMajorUnchecked: split.test.features.storage.map { $0 / scale })
        let net = try HiddenLayerNetwork.train(features: xTrain, labels: split.train.labels, classes: data.classCount, hidden: hidden,
                                               activation: activation, stream: stream.split("train"))
        let rows = Array(0..<min(batch, xTrain.rows))
        let xb = xTrain.rows(rows)
        let steps = max(4 * hidden, (keep.max() ?? hidden) * 4)
        let local = try NeuronPruning.localPath(net, batch: xb, selector: selector, steps: steps, stream: stream.split("local"))
        let global = try NeuronPruning.globalPath(net, batch: xb, steps: steps)
        let localScales = NeuronPruning.scales(path: local.weights, width: hidden, keep: keep)
        let globalScales = NeuronPruning.scales(path: global.weights, width: hidden, keep: keep)
        var mag = [Double](), loc = [Double](), glo = [Double]()
        for k in keep {
            mag.append(try net.accuracy(xTest, split.test.labels, scale: NeuronPruning.magnitudeScales(net, keep: k)))
            loc.append(try localScales[k].map { s throws(GreedyError) in try net.accuracy(xTest, split.test.labels, scale: s) } ?? .nan)
            glo.append(try globalScales[k].map { s throws(GreedyError) in try net.accuracy(xTest, split.test.labels, scale: s) } ?? .nan)
        }
        self.keep = keep
        magnitude = mag
        self.local = loc
        self.global = glo
        dense = try net.accuracy(xTest, split.test.labels)
        width = hidden
        trainCount = split.train.count
        testCount = split.test.count
    }
}
