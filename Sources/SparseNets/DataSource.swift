import Datasets
import Foundation

/// Resolves a `--data` argument to a data set through the Datasets loaders.
///
/// Accepted forms: a shipped name (`digits`, `breast-cancer`); a `.csv` file (label in the last
/// column); a LIBSVM file (`.libsvm`, `.svm`, `.txt`); an IDX pair `images.idx,labels.idx`
/// (the MNIST format, e.g. `train-images-idx3-ubyte,train-labels-idx1-ubyte`).
public enum DataSource {
    /// The data set named or stored at `argument`; loader errors name file, line and column.
    public static func load(_ argument: String) throws -> LabeledDataset {
        let parts = argument.split(separator: ",").map(String.init)
        if parts.count == 2 { return try IDXLoader.load(images: parts[0], labels: parts[1]) }
        let lower = argument.lowercased()
        if lower.hasSuffix(".csv") { return try CSVLoader.loadLabeled(path: argument) }
        if lower.hasSuffix(".libsvm") || lower.hasSuffix(".svm") || lower.hasSuffix(".txt") { return try LIBSVMLoader.load(path: argument) }
        if BuiltinDatasets.names.contains(lower) || lower == "breast_cancer" { return try BuiltinDatasets.named(lower) }
        throw SparseNetsError("--data '\(argument)': not a shipped data set (\(BuiltinDatasets.names.joined(separator: ", "))) nor a .csv, .libsvm/.svm/.txt file or an images,labels IDX pair")
    }
}
