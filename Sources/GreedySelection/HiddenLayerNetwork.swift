import Foundation
import LinearAlgebra
import Randomness

/// A one-hidden-layer classifier, logits = σ(X W1 + b1) diag(scale) W2 + b2, trained with softmax cross-entropy
/// (full-batch Adam, every product a gemm). `scale` is how pruning keeps, drops or re-weights hidden neurons.
public struct HiddenLayerNetwork: Sendable {
    /// d×H input weights.
    public var w1: Matrix
    /// Hidden biases (H).
    public var b1: [Double]
    /// H×C output weights.
    public var w2: Matrix
    /// Output biases (C).
    public var b2: [Double]
    /// σ.
    public let activation: Activation

    /// Hidden width H.
    public var width: Int { w1.cols }
    /// Largest hidden width `train` accepts.
    public static let maxHidden = 10_000
    /// Classes C.
    public var classCount: Int { w2.cols }

    /// Trains on (features n×d, labels in 0..<classes) from a Gaussian initialisation drawn from `stream`.
    public static func train(features x: Matrix, labels: [Int], classes: Int, hidden: Int, activation: Activation,
                             epochs: Int = 300, learningRate: Double = 0.01, stream: RandomStream) throws(GreedyError) -> HiddenLayerNetwork {
        guard x.rows == labels.count, x.rows >= 1 else { throw .invalidArgument("\(x.rows) samples but \(labels.count) labels") }
        guard hidden >= 1, hidden <= maxHidden else { throw .invalidArgument("hidden width must be in 1...\(maxHidden), got \(hidden)") }
        guard classes >= 2, labels.allSatisfy({ (0..<classes).contains($0) }) else { throw .invalidArgument("labels must lie in 0..<\(classes)") }
        guard epochs >= 1, learningRate > 0, learningRate.isFinite else { throw .invalidArgument("epochs ≥ 1 and a positive learning rate are required") }
        let d = x.cols, n = x.rows
        var net = HiddenLayerNetwork(
            w1: Matrix(rows: d, cols: hidden, columnMajorUnchecked: stream.split("w1").gaussianVector(d * hidden, sd: 1 / Double(d).squareRoot())),
            b1: [Double](repeating: 0, count: hidden),
            w2: Matrix(rows: hidden, cols: classes, columnMajorUnchecked: stream.split("w2").gaussianVector(hidden * classes, sd: 1 / Double(hidden).squareRoot())),
            b2: [Double](repeating: 0, count: classes), activation: activation)
        var adam = [AdamMoments](repeating: AdamMoments(), count: 4)
        var z1 = Matrix(rows: n, cols: hidden), a = Matrix(rows: n, cols: hidden), z2 = Matrix(rows: n, cols: classes)
        var gw1 = Matrix(rows: d, cols: hidden), gw2 = Matrix(rows: hidden, cols: classes), da = Matrix(rows: n, cols: hidden)
        do {
            for step in 1...epochs {
                try gemm(x, net.w1, into: &z1)
                for j in 0..<hidden { for i in 0..<n { z1[i, j] += net.b1[j]; a[i, j] = activation(z1[i, j]) } }
                try gemm(a, net.w2, into: &z2)
                // dZ2 = (softmax − onehot)/n, in place in z2.
                for i in 0..<n {
                    var mx = -Double.infinity
                    for c in 0..<classes { z2[i, c] += net.b2[c]; mx = max(mx, z2[i, c]) }
                    var sum = 0.0
                    for c in 0..<classes { let e = exp(z2[i, c] - mx); z2[i, c] = e; sum += e }
                    for c in 0..<classes { z2[i, c] = (z2[i, c] / sum - (labels[i] == c ? 1 : 0)) / Double(n) }
                }
                try gemm(a, z2, transposeA: .transpose, into: &gw2)
                let gb2 = (0..<classes).map { c in (0..<n).reduce(0.0) { $0 + z2[$1, c] } }
                try gemm(z2, net.w2, transposeB: .transpose, into: &da)
                for j in 0..<hidden { for i in 0..<n { da[i, j] *= activation.derivative(z1[i, j]) } }
                try gemm(x, da, transposeA: .transpose, into: &gw1)
                let gb1 = (0..<hidden).map { j in (0..<n).reduce(0.0) { $0 + da[$1, j] } }
                adam[0].step(&net.w1.storage, gw1.storage, lr: learningRate, t: step)
                adam[1].step(&net.b1, gb1, lr: learningRate, t: step)
                adam[2].step(&net.w2.storage, gw2.storage, lr: learningRate, t: step)
                adam[3].step(&net.b2, gb2, lr: learningRate, t: step)
            }
        } catch { throw .numerical(error.description) }
        return net
    }

    /// Hidden activations σ(X W1 + b1), n×H.
    public func hidden(_ x: Matrix) throws(GreedyError) -> Matrix {
        guard x.cols == w1.rows else { throw .invalidArgument("inputs have \(x.cols) features, the network expects \(w1.rows)") }
        var z = Matrix(rows: x.rows, cols: width)
        do { try gemm(x, w1, into: &z) } catch { throw .numerical(error.description) }
        for j in 0..<width { for i in 0..<x.rows { z[i, j] = activation(z[i, j] + b1[j]) } }
        return z
    }

    /// Logits with hidden neuron j's output multiplied by scale[j] (all ones: the dense network).
    public func logits(_ x: Matrix, scale: [Double]? = nil) throws(GreedyError) -> Matrix {
        var h = try hidden(x)
        if let s = scale {
            guard s.count == width else { throw .invalidArgument("\(s.count) scales for \(width) hidden neurons") }
            for j in 0..<width { for i in 0..<x.rows { h[i, j] *= s[j] } }
        }
        var z = Matrix(rows: x.rows, cols: classCount)
        do { try gemm(h, w2, into: &z) } catch { throw .numerical(error.description) }
        for c in 0..<classCount { for i in 0..<x.rows { z[i, c] += b2[c] } }
        return z
    }

    /// Fraction of rows whose arg-max logit is the label.
    public func accuracy(_ x: Matrix, _ labels: [Int], scale: [Double]? = nil) throws(GreedyError) -> Double {
        let z = try logits(x, scale: scale)
        var right = 0
        for i in 0..<x.rows {
            var best = 0
            for c in 1..<classCount where z[i, c] > z[i, best] { best = c }
            if best == labels[i] { right += 1 }
        }
        return Double(right) / Double(max(1, x.rows))
    }
}

/// Adam's running moments for one parameter block.
struct AdamMoments: Sendable {
    var m: [Double] = [], v: [Double] = []

    mutating func step(_ p: inout [Double], _ g: [Double], lr: Double, t: Int, beta1: Double = 0.9, beta2: Double = 0.999) {
        if m.isEmpty { m = [Double](repeating: 0, count: p.count); v = m }
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in 0..<p.count {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
        }
    }
}
