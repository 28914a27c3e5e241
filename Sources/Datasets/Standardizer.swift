import LinearAlgebra

/// Per-feature standardisation (x − mean) / sd, fitted on one split (the training set) and applied to any other.
public struct Standardizer: Sendable, Equatable {
    /// Per-feature means of the fitting data.
    public let means: [Double]
    /// Per-feature divisors: the population standard deviation, or 1 for (numerically) constant features.
    public let scales: [Double]

    /// Fits means and population standard deviations (divide by n, as numpy and scikit-learn do) to the rows of `features`.
    ///
    /// A feature whose sd is at most 1e-12 × max(1, |mean|) is treated as constant and gets scale
    /// 1 (the digits have always-zero border pixels); the relative tolerance stops rounding noise
    /// in a constant column from being blown up into unit variance.
    public init(fitting features: Matrix) throws(DatasetError) {
        let n = features.rows
        guard n >= 1 else { throw .invalidArgument("cannot fit a standardiser to 0 rows") }
        guard features.isFinite else { throw .invalidArgument("cannot fit a standardiser to non-finite features") }
        var means = [Double](repeating: 0, count: features.cols)
        var scales = [Double](repeating: 1, count: features.cols)
        for j in 0..<features.cols {
            let column = features.storage[(j * n)..<((j + 1) * n)]
            var mean = column.reduce(0, +) / Double(n)
            // Two-pass variance: subtracting the mean first keeps it accurate for large offsets.
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
            var sd = variance.squareRoot()
            if !mean.isFinite || !sd.isFinite {
                // Finite values beyond about 1e154 overflow the sum or the squares (an infinite sd
                // would silently turn the column into zeros); redo it on values divided by the
                // largest magnitude, where both stay below 1, then scale back.
                let c = column.reduce(0) { max($0, abs($1)) }
                let scaledMean = column.reduce(0) { $0 + $1 / c } / Double(n)
                let scaledVariance = column.reduce(0) { $0 + ($1 / c - scaledMean) * ($1 / c - scaledMean) } / Double(n)
                mean = scaledMean * c
                sd = scaledVariance.squareRoot() * c
            }
            means[j] = mean
            scales[j] = sd > 1e-12 * max(1, abs(mean)) ? sd : 1
        }
        self.means = means
        self.scales = scales
    }

    /// Fits to the features of `dataset` (pass the training split).
    public init(fitting dataset: LabeledDataset) throws(DatasetError) {
        try self.init(fitting: dataset.features)
    }

    /// Number of features this standardiser expects.
    public var dimension: Int { means.count }

    /// The standardised copy of `features` (same number of columns as the fitting data).
    ///
    /// Values far outside the fitting data's range can standardise to infinity; a data set built
    /// from such a matrix is rejected by `LabeledDataset`'s finiteness check.
    public func apply(_ features: Matrix) throws(DatasetError) -> Matrix {
        guard features.cols == dimension else {
            throw .invalidArgument("standardiser fitted to \(dimension) features was given \(features.cols)")
        }
        var out = features
        let n = features.rows
        for j in 0..<dimension {
            let m = means[j], s = scales[j]
            for i in 0..<n {
                let x = features.storage[i + j * n]
                // x − m overflows when both are near ±1.8e308 with opposite signs; dividing first does not.
                let d = x - m
                out.storage[i + j * n] = d.isFinite ? d / s : x / s - m / s
            }
        }
        return out
    }

    /// The data set with standardised features (labels and names unchanged).
    public func apply(_ dataset: LabeledDataset) throws(DatasetError) -> LabeledDataset {
        try dataset.replacingFeatures(apply(dataset.features))
    }
}
