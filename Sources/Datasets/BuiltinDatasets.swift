/// The small real data sets compiled into the binary (no files needed at run time; see data/README.md).
public enum BuiltinDatasets {
    // Decoded once on first use; static lets are initialised lazily and thread-safely.
    private static let digitsData = EmbeddedDecoding.digits()
    private static let breastCancerData = EmbeddedDecoding.breastCancer()

    /// UCI optical-recognition digits as scikit-learn ships them: 1797 8×8 images, pixels 0…16, 10 classes.
    public static func digits() -> LabeledDataset { digitsData }

    /// UCI Wisconsin diagnostic breast cancer: 569 samples, 30 features, 0 = malignant (212), 1 = benign (357).
    public static func breastCancer() -> LabeledDataset { breastCancerData }

    /// Descriptions of every shipped data set, in the order of `names`.
    public static let catalog: [BuiltinDatasetInfo] = [
        BuiltinDatasetInfo(
            name: "digits", title: "UCI optical recognition of handwritten digits (8×8 test set)",
            count: 1797, dimension: 64, classCount: 10,
            source: "UCI Machine Learning Repository, via scikit-learn 1.9.1 (sklearn/datasets/data/digits.csv.gz)",
            citation: "E. Alpaydin, C. Kaynak. Optical Recognition of Handwritten Digits. UCI Machine Learning Repository, 1998. doi:10.24432/C50P49",
            licence: "CC BY 4.0"),
        BuiltinDatasetInfo(
            name: "breast-cancer", title: "UCI Breast Cancer Wisconsin (Diagnostic)",
            count: 569, dimension: 30, classCount: 2,
            source: "UCI Machine Learning Repository, via scikit-learn 1.9.1 (sklearn/datasets/data/breast_cancer.csv)",
            citation: "W. Wolberg, O. Mangasarian, N. Street, W. Street. Breast Cancer Wisconsin (Diagnostic). UCI Machine Learning Repository, 1995. doi:10.24432/C5DW2B",
            licence: "CC BY 4.0"),
    ]

    /// The names `named(_:)` accepts.
    public static var names: [String] { catalog.map(\.name) }

    /// The shipped data set called `name` ("digits", "breast-cancer"); an unknown name lists the known ones.
    public static func named(_ name: String) throws(DatasetError) -> LabeledDataset {
        switch name.lowercased() {
        case "digits": return digits()
        case "breast-cancer", "breast_cancer": return breastCancer()
        default: throw .unknownDataset(name: name, known: names)
        }
    }
}
