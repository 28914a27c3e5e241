import LinearAlgebra
import Randomness

extension Synthetic {
    /// `classes` isotropic unit-variance Gaussian blobs in `dimension` dimensions, `samplesPerClass` rows each, rows in random order.
    ///
    /// When classes ≤ dimension the class means are random orthogonal vectors of length
    /// separation/√2, so every pair of means is exactly `separation` apart (in noise standard
    /// deviations). With more classes than dimensions that is impossible; the means are then
    /// Gaussian with coordinate sd separation/√(2·dimension), which gives the same mean squared
    /// pairwise distance.
    public static func gaussianMixture(
        classes: Int, dimension: Int, samplesPerClass: Int, separation: Double, stream: RandomStream
    ) throws(DatasetError) -> LabeledDataset {
        try requirePositive(classes, "classes")
        try requirePositive(dimension, "dimension")
        try requirePositive(samplesPerClass, "samplesPerClass")
        guard separation.isFinite, separation >= 0 else {
            throw .invalidArgument("separation is \(separation); it must be finite and non-negative")
        }
        let means = classMeans(classes, dimension, separation, stream.split("means"))
        let noise = stream.split("noise")
        let n = classes * samplesPerClass
        // Shuffled row order, so any prefix of the data mixes the classes.
        let order = stream.split("order").permutation(n)
        var features = Matrix(rows: n, cols: dimension)
        var labels = [Int](repeating: 0, count: n)
        for k in 0..<n {
            let c = k / samplesPerClass, row = order[k]
            labels[row] = c
            for j in 0..<dimension { features[row, j] = means[c][j] + noise.gaussian() }
        }
        return try LabeledDataset(name: "gaussian-mixture", features: features, labels: labels, classCount: classes)
    }

    /// The class means described in `gaussianMixture`.
    private static func classMeans(_ classes: Int, _ d: Int, _ separation: Double, _ stream: RandomStream) -> [[Double]] {
        guard classes <= d else {
            let sd = separation / (2 * Double(d)).squareRoot()
            return (0..<classes).map { _ in (0..<d).map { _ in stream.gaussian(sd: sd) } }
        }
        // Gram–Schmidt on Gaussian vectors gives uniformly random orthonormal directions.
        var basis: [[Double]] = []
        for c in 0..<classes {
            var v: [Double] = []
            var norm = 0.0
            // A draw (numerically) inside the span of the previous ones has probability ~0;
            // retry a few times, then fall back to a coordinate axis orthogonalised the same way.
            for attempt in 0..<8 {
                v = attempt < 7 ? (0..<d).map { _ in stream.gaussian() } : (0..<d).map { $0 == c ? 1 : 0 }
                for b in basis {
                    let dot = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }
                    for j in 0..<d { v[j] -= dot * b[j] }
                }
                norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 1e-8 { break }
            }
            basis.append(v.map { $0 / norm })
        }
        let length = separation / 2.0.squareRoot()
        return basis.map { $0.map { $0 * length } }
    }
}
