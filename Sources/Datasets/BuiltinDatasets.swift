/// The small real data sets compiled into the binary (no files needed at run time; see data/README.md).
public enum BuiltinDatasets {
    // Decoded once on first use; static lets are initialised lazily and thread-safely.
    private static let digitsData = EmbeddedDecoding.digits()
    private static let breastCancerData = EmbeddedDecoding.breastCancer()
    private static let mnist1dData = EmbeddedDecoding.rowMajorFloat64(
        name: "mnist1d", features: .mnist1dFeatures, labels: .mnist1dLabels, classCount: 10)
    private static let mnist1dShuffleData = EmbeddedDecoding.rowMajorFloat64(
        name: "mnist1d-shuffle", features: .mnist1dShuffleFeatures, labels: .mnist1dShuffleLabels, classCount: 10)

    /// UCI optical-recognition digits as scikit-learn ships them: 1797 8×8 images, pixels 0…16, 10 classes.
    public static func digits() -> LabeledDataset { digitsData }

    /// UCI Wisconsin diagnostic breast cancer: 569 samples, 30 features, 0 = malignant (212), 1 = benign (357).
    public static func breastCancer() -> LabeledDataset { breastCancerData }

    /// MNIST-1D from its reference generator (defaults, seed 42): 5000 signals of 40 points, 10 classes;
    /// rows 0..<4000 are the package's training split, 4000..<5000 its test split.
    public static func mnist1d() -> LabeledDataset { mnist1dData }

    /// MNIST-1D with the 40 positions permuted (`shuffle_seq=True`): same rows and labels as `mnist1d()`.
    public static func mnist1dShuffle() -> LabeledDataset { mnist1dShuffleData }

    private static let greydanus = "S. Greydanus. Scaling Down Deep Learning. arXiv:2011.14439, 2020"
    private static func files(_ embedded: EmbeddedFile...) -> [ShippedFile] {
        embedded.map { ShippedFile(name: $0.name, sha256: $0.sha256) }
    }

    /// Every shipped data set, its description and how to load it: adding a data set is one entry here
    /// (plus its embedded file).
    private static let entries: [(info: BuiltinDatasetInfo, load: @Sendable () -> LabeledDataset)] = [
        (BuiltinDatasetInfo(
            name: "digits", title: "UCI optical recognition of handwritten digits (8×8 test set)",
            count: 1797, dimension: 64, classCount: 10,
            source: "UCI Machine Learning Repository, via scikit-learn 1.9.1 (sklearn/datasets/data/digits.csv.gz)",
            citation: "E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. UCI Machine Learning Repository, 1998. doi:10.24432/C50P49",
            licence: "CC BY 4.0", files: [ShippedFile(name: "digits.csv", sha256: EmbeddedDigits.sourceSHA256)], publishedTestRows: nil),
         { digitsData }),
        (BuiltinDatasetInfo(
            name: "breast-cancer", title: "UCI Breast Cancer Wisconsin (Diagnostic)",
            count: 569, dimension: 30, classCount: 2,
            source: "UCI Machine Learning Repository, via scikit-learn 1.9.1 (sklearn/datasets/data/breast_cancer.csv)",
            citation: "W. Wolberg, O. Mangasarian, N. Street, W. Street. Breast Cancer Wisconsin (Diagnostic). UCI Machine Learning Repository, 1995. doi:10.24432/C5DW2B",
            licence: "CC BY 4.0", files: [ShippedFile(name: "breast_cancer.csv", sha256: EmbeddedBreastCancer.sourceSHA256)], publishedTestRows: nil),
         { breastCancerData }),
        (BuiltinDatasetInfo(
            name: "mnist1d", title: "MNIST-1D: 1D signals of the ten digit templates, shifted, scaled, sheared and noised",
            count: 5000, dimension: 40, classCount: 10,
            source: "PyPI mnist1d 0.0.2.post1 (github.com/greydanus/mnist1d), make_dataset(get_dataset_args()), seed 42",
            citation: greydanus, licence: "Apache-2.0",
            files: files(.mnist1dFeatures, .mnist1dLabels), publishedTestRows: 1000),
         { mnist1dData }),
        (BuiltinDatasetInfo(
            name: "mnist1d-shuffle", title: "MNIST-1D with its 40 positions permuted (no spatial structure left)",
            count: 5000, dimension: 40, classCount: 10,
            source: "PyPI mnist1d 0.0.2.post1 (github.com/greydanus/mnist1d), make_dataset(get_dataset_args()) with shuffle_seq=True, seed 42",
            citation: greydanus, licence: "Apache-2.0",
            files: files(.mnist1dShuffleFeatures, .mnist1dShuffleLabels), publishedTestRows: 1000),
         { mnist1dShuffleData }),
    ]

    /// Descriptions of every shipped data set, in the order of `names`.
    public static let catalog: [BuiltinDatasetInfo] = entries.map { $0.info }

    /// The names `named(_:)` accepts.
    public static var names: [String] { catalog.map(\.name) }

    /// The catalogue entry for `name`, ignoring case and reading `_` as `-` ("breast_cancer"); nil for other names.
    public static func info(named name: String) -> BuiltinDatasetInfo? {
        index(name).map { catalog[$0] }
    }

    /// The shipped data set called `name` ("digits", "mnist1d", …); an unknown name lists the known ones.
    public static func named(_ name: String) throws(DatasetError) -> LabeledDataset {
        guard let k = index(name) else { throw .unknownDataset(name: name, known: names) }
        return entries[k].load()
    }

    private static func index(_ name: String) -> Int? {
        let key = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        return catalog.firstIndex { $0.name == key }
    }
}
