import LinearAlgebra

/// A model trained by `FlatTraining.train`: one flat parameter block, a 0/1 mask and a mean cross-entropy gradient.
///
/// The GRU of MNIST-1D's table (branch `gru`, `BiGRUClassifier`) joins `verify mnist1d-baselines` through this protocol.
public protocol FlatClassifier {
    /// Every trainable value, one contiguous block.
    var parameters: [Double] { get set }
    /// 0/1 per parameter (0: pruned, kept exactly 0).
    var mask: [Double] { get }
    /// Mean cross-entropy over the batch (features × batch, one column per sample); its gradient into `gradient`.
    mutating func lossAndGradient(inputs: Matrix, labels: [Int], gradient: inout [Double]) -> Double
    /// Classes × batch logits.
    mutating func logits(inputs: Matrix) -> Matrix
}

/// Training of a `FlatClassifier` by Adam on sequential minibatches, as MNIST-1D's reference trains (no shuffling).
public enum FlatTraining {
    /// Adam on a flat model with the reference's sequential batches (batch k = rows (k·B mod n)…); returns test accuracy and the curve.
    public static func train<M: FlatClassifier>(_ model: inout M, train: TrainingData, test: TrainingData, steps: Int, batch: Int,
                                           adam: AdamOptimizer, evalEvery: Int?) -> (Double, [(Int, Double)]) {
        var state = AdamState(count: model.parameters.count)
        var gradient = [Double](repeating: 0, count: model.parameters.count)
        var curve = [(Int, Double)]()
        let n = train.count, d = train.dimension
        var x = Matrix(rows: d, cols: batch)
        for k in 0..<steps {
            let start = (k * batch) % n, rows = Array(start..<min(start + batch, n))
            if x.cols != rows.count { x = Matrix(rows: d, cols: rows.count) }
            for (b, j) in rows.enumerated() { for i in 0..<d { x[i, b] = train.columns[i, j] } }
            _ = model.lossAndGradient(inputs: x, labels: rows.map { train.labels[$0] }, gradient: &gradient)
            let mask = model.mask
            adam.step(&model.parameters, gradient: gradient, mask: mask, state: &state)
            if let e = evalEvery, (k + 1) % e == 0 { curve.append((k + 1, accuracy(model, test))) }
        }
        return (accuracy(model, test), curve)
    }

    /// Fraction of `data` a flat model classifies correctly.
    public static func accuracy<M: FlatClassifier>(_ model: M, _ data: TrainingData) -> Double {
        var model = model
        let z = model.logits(inputs: data.columns)
        var correct = 0
        for j in 0..<data.count {
            var arg = 0
            for c in 1..<z.rows where z[c, j] > z[arg, j] { arg = c }
            if arg == data.labels[j] { correct += 1 }
        }
        return Double(correct) / Double(max(data.count, 1))
    }
}
