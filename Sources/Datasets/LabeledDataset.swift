import LinearAlgebra

/// A classification data set: an n×d feature matrix (one sample per row) and n labels in 0..<classCount.
public struct LabeledDataset: Sendable, Equatable {
    /// A short name for reports ("digits", "digits/train", a file name, …).
    public var name: String
    /// The n×d features, one sample per row.
    public let features: Matrix
    /// The class of each row, in 0..<classCount.
    public let labels: [Int]
    /// Number of classes; a subset keeps its parent's count even when a class is absent.
    public let classCount: Int
    /// One name per feature column, when the source has them.
    public let featureNames: [String]?
    /// The label value class k had in the source file (`originalLabels[k]`); loaders remap labels to 0..<k in sorted order.
    public let originalLabels: [Int]
    /// Human-readable class names, when known (e.g. "malignant", "benign").
    public let classNames: [String]?

    /// A data set after checking that its parts fit: row counts, label range, name counts, finite features.
    public init(
        name: String,
        features: Matrix,
        labels: [Int],
        classCount: Int,
        featureNames: [String]? = nil,
        originalLabels: [Int]? = nil,
        classNames: [String]? = nil
    ) throws(DatasetError) {
        guard classCount >= 1 else { throw .invalidDataset("\(name): classCount \(classCount) must be at least 1") }
        guard features.rows == labels.count else {
            throw .invalidDataset("\(name): \(features.rows) feature rows but \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw .invalidDataset("\(name): label \(labels[bad]) of row \(bad + 1) is outside 0..<\(classCount)")
        }
        if let names = featureNames, names.count != features.cols {
            throw .invalidDataset("\(name): \(names.count) feature names for \(features.cols) features")
        }
        let original = originalLabels ?? Array(0..<classCount)
        guard original.count == classCount else {
            throw .invalidDataset("\(name): \(original.count) original labels for \(classCount) classes")
        }
        if let names = classNames, names.count != classCount {
            throw .invalidDataset("\(name): \(names.count) class names for \(classCount) classes")
        }
        guard features.isFinite else { throw .invalidDataset("\(name): features contain NaN or infinity") }
        self.init(unchecked: name, features: features, labels: labels, classCount: classCount,
                  featureNames: featureNames, originalLabels: original, classNames: classNames)
    }

    /// For code in this module that has already established the invariants (subsets, embedded data).
    init(unchecked name: String, features: Matrix, labels: [Int], classCount: Int,
         featureNames: [String]?, originalLabels: [Int], classNames: [String]?) {
        self.name = name
        self.features = features
        self.labels = labels
        self.classCount = classCount
        self.featureNames = featureNames
        self.originalLabels = originalLabels
        self.classNames = classNames
    }

    /// Number of samples (rows).
    public var count: Int { labels.count }

    /// Number of features (columns).
    public var dimension: Int { features.cols }

    /// Rows per class, indexed by class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for y in labels { counts[y] += 1 }
        return counts
    }

    /// The rows at `indices`, in that order (indices must lie in 0..<count, as with array subscripts).
    public func subset(_ indices: [Int], name: String? = nil) -> LabeledDataset {
        LabeledDataset(unchecked: name ?? self.name, features: features.rows(indices), labels: indices.map { labels[$0] },
                       classCount: classCount, featureNames: featureNames, originalLabels: originalLabels,
                       classNames: classNames)
    }

    /// The same samples and labels with new features (same row count; e.g. after standardising).
    public func replacingFeatures(_ newFeatures: Matrix, featureNames newNames: [String]? = nil) throws(DatasetError) -> LabeledDataset {
        let names = newNames ?? (newFeatures.cols == features.cols ? featureNames : nil)
        return try LabeledDataset(name: name, features: newFeatures, labels: labels, classCount: classCount,
                                  featureNames: names, originalLabels: originalLabels, classNames: classNames)
    }
}
