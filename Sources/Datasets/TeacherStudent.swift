import LinearAlgebra
import Randomness

extension Synthetic {
    /// Gaussian inputs labelled by a random one-hidden-layer ReLU teacher: label = argmax W₂ ReLU(W₁ x).
    ///
    /// x ~ N(0, I_dimension); W₁ (hidden × dimension) has N(0, 2/dimension) entries (Kaiming) and
    /// W₂ (classes × hidden) N(0, 1/hidden); no biases. Ties (e.g. every hidden unit off) go to the
    /// lowest class. Classes need not be balanced and one may be empty; `classCount` is still `classes`.
    public static func teacherStudent(
        samples: Int, dimension: Int, hidden: Int, classes: Int, stream: RandomStream
    ) throws(DatasetError) -> LabeledDataset {
        try requirePositive(samples, "samples")
        try requirePositive(dimension, "dimension")
        try requirePositive(hidden, "hidden")
        try requirePositive(classes, "classes", atLeast: 2)
        let weights = stream.split("teacher")
        let w1 = (0..<hidden).map { _ in (0..<dimension).map { _ in weights.gaussian(sd: (2 / Double(dimension)).squareRoot()) } }
        let w2 = (0..<classes).map { _ in (0..<hidden).map { _ in weights.gaussian(sd: (1 / Double(hidden)).squareRoot()) } }
        let inputs = stream.split("inputs")
        var features = Matrix(rows: samples, cols: dimension)
        var labels = [Int](repeating: 0, count: samples)
        var x = [Double](repeating: 0, count: dimension)
        var h = [Double](repeating: 0, count: hidden)
        for i in 0..<samples {
            for j in 0..<dimension {
                x[j] = inputs.gaussian()
                features[i, j] = x[j]
            }
            for u in 0..<hidden { h[u] = max(0, zip(w1[u], x).reduce(0) { $0 + $1.0 * $1.1 }) }
            var best = 0, bestLogit = -Double.infinity
            for c in 0..<classes {
                let logit = zip(w2[c], h).reduce(0) { $0 + $1.0 * $1.1 }
                if logit > bestLogit { best = c; bestLogit = logit }
            }
            labels[i] = best
        }
        return try LabeledDataset(name: "teacher-student", features: features, labels: labels, classCount: classes)
    }
}
