import LinearAlgebra

/// Turns the generated source text back into data sets.
///
/// The embedded text is fixed at build time and checked value by value against the files in data/
/// by DatasetsTests, so decoding is total: an impossible bad character becomes NaN (pixels) or 0
/// (labels) rather than a trap, and the tests would catch it.
enum EmbeddedDecoding {
    /// The 1797 digit images, pixels 0…16 as doubles, labels 0…9.
    static func digits() -> LabeledDataset {
        let n = EmbeddedDigits.rowCount, d = 64
        var pixelValue = [Double](repeating: .nan, count: 256)
        for (v, u) in EmbeddedDigits.pixelAlphabet.utf8.enumerated() { pixelValue[Int(u)] = Double(v) }
        var features = Matrix(rows: n, cols: d, repeating: .nan)
        var labels = [Int](repeating: 0, count: n)
        var i = 0, j = 0
        for u in EmbeddedDigits.text.utf8 {
            if u == UInt8(ascii: "\n") { i += 1; j = 0; continue }
            guard i < n else { break }
            if j < d {
                features.storage[i + j * n] = pixelValue[Int(u)]
            } else if j == d {
                let label = Int(u) - Int(UInt8(ascii: "0"))
                labels[i] = (0...9).contains(label) ? label : 0
            }
            j += 1
        }
        let names = (0..<d).map { "pixel_\($0 / 8)_\($0 % 8)" }
        return LabeledDataset(unchecked: "digits", features: features, labels: labels, classCount: 10,
                              featureNames: names, originalLabels: Array(0..<10), classNames: (0..<10).map(String.init))
    }

    /// The 569 breast-cancer rows, 30 features, labels 0 = malignant, 1 = benign.
    static func breastCancer() -> LabeledDataset {
        let n = EmbeddedBreastCancer.rowCount, d = 30
        var features = Matrix(rows: n, cols: d, repeating: .nan)
        var labels = [Int](repeating: 0, count: n)
        // The first line is scikit-learn's "569,30,malignant,benign" header.
        let lines = EmbeddedBreastCancer.csv.split(separator: "\n").dropFirst()
        for (i, line) in lines.prefix(n).enumerated() {
            for (j, cell) in line.split(separator: ",").prefix(d + 1).enumerated() {
                if j < d {
                    features.storage[i + j * n] = Double(cell) ?? .nan
                } else {
                    let label = Int(cell) ?? 0
                    labels[i] = (0...1).contains(label) ? label : 0
                }
            }
        }
        return LabeledDataset(unchecked: "breast-cancer", features: features, labels: labels, classCount: 2,
                              featureNames: breastCancerFeatureNames, originalLabels: [0, 1],
                              classNames: ["malignant", "benign"])
    }

    /// A data set stored as a float64 little-endian row-major feature file and a one-byte-per-row label file
    /// (MNIST-1D's layout); the row count comes from the labels, the width from the feature file's size.
    static func rowMajorFloat64(name: String, features x: EmbeddedFile, labels y: EmbeddedFile, classCount: Int) -> LabeledDataset {
        let xb = x.bytes, yb = y.bytes
        let n = yb.count, d = n > 0 ? xb.count / (8 * n) : 0
        var features = Matrix(rows: n, cols: d, repeating: .nan)
        xb.withUnsafeBytes { raw in
            for i in 0..<n {
                for j in 0..<d {
                    let bits = raw.loadUnaligned(fromByteOffset: 8 * (i * d + j), as: UInt64.self)
                    features.storage[i + j * n] = Double(bitPattern: UInt64(littleEndian: bits))
                }
            }
        }
        let labels = yb.map { Int($0) < classCount ? Int($0) : 0 }
        return LabeledDataset(unchecked: name, features: features, labels: labels, classCount: classCount,
                              featureNames: (0..<d).map { "x\($0)" }, originalLabels: Array(0..<classCount),
                              classNames: (0..<classCount).map(String.init))
    }

    /// scikit-learn's feature names: ten nucleus measurements, as mean, standard error and worst value.
    static let breastCancerFeatureNames: [String] = {
        let base = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
                    "concave points", "symmetry", "fractal dimension"]
        return base.map { "mean \($0)" } + base.map { "\($0) error" } + base.map { "worst \($0)" }
    }()
}
