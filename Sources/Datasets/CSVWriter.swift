/// Writes a labelled data set as a CSV that `CSVLoader.loadLabeled` (and so `--train/--validation/--test`) reads back value for value.
public enum CSVWriter {
    /// A header (the feature names, or x1…xd when a name would not survive as a header cell, then `label`),
    /// then one line per row: each feature as Swift's shortest decimal that parses back to the same Double,
    /// then the label as the source numbered it.
    public static func text(_ dataset: LabeledDataset) -> String {
        let d = dataset.dimension, n = dataset.count
        var text = header(dataset).joined(separator: ",") + "\n"
        // About 20 characters a value: reserve once instead of growing the string row by row.
        text.reserveCapacity(text.utf8.count + n * (d + 1) * 20)
        let m = dataset.features
        for i in 0..<n {
            for j in 0..<d {
                text += m.storage[i + j * n].description
                text += ","
            }
            text += String(dataset.originalLabels[dataset.labels[i]])
            text += "\n"
        }
        return text
    }

    /// The header cells; generic names when a feature name is empty, a number, or holds a comma, quote or line break.
    static func header(_ dataset: LabeledDataset) -> [String] {
        let names = dataset.featureNames ?? []
        let usable = names.count == dataset.dimension && names.allSatisfy { name in
            if case .finite = NumberSyntax.parse(name) { return false }
            return !name.isEmpty && !name.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        }
        return (usable ? names : (1...max(dataset.dimension, 1)).prefix(dataset.dimension).map { "x\($0)" }) + ["label"]
    }
}
