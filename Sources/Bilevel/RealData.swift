import Datasets
import Randomness

/// Loading and splitting the real data sets the logreg-l2 and hyper-cleaning problems run on.
public enum RealData {
    /// A user's file: LIBSVM for `.libsvm`/`.svm`/`.svmlight`, otherwise CSV with the label in the last column.
    public static func load(path: String) throws(BilevelError) -> LabeledDataset {
        let lower = path.lowercased()
        do {
            if lower.hasSuffix(".libsvm") || lower.hasSuffix(".svm") || lower.hasSuffix(".svmlight") {
                return try LIBSVMLoader.load(path: path)
            }
            return try CSVLoader.loadLabeled(path: path)
        } catch {
            throw .invalidOption(error.description)
        }
    }

    /// Seeded stratified split, 60% train / 20% validation (the rest held out), standardised on the training part.
    public static func split(_ data: LabeledDataset, stream: RandomStream) throws(BilevelError) -> (train: LabeledDataset, validation: LabeledDataset) {
        do {
            let parts = try stratifiedSplit(data, fractions: (train: 0.6, validation: 0.2), stream: stream.split("split"))
            let standardizer = try Standardizer(fitting: parts.train)
            return (try standardizer.apply(parts.train), try standardizer.apply(parts.validation))
        } catch {
            throw .invalidOption("\(data.name): \(error.description)")
        }
    }
}

/// The problems by name, for the CLI, the claim and the benchmarks.
public enum ProblemCatalog {
    /// Names `make` accepts.
    public static let names = ["quadratic", "logreg-l2", "hyper-cleaning"]

    /// The problem called `name`, seeded by `stream`; `dataPath` replaces the shipped data of the real problems.
    public static func make(_ name: String, dataPath: String? = nil, quadratic: QuadraticProblem.Configuration = .init(),
                            stream: RandomStream) throws(BilevelError) -> any BilevelProblem {
        switch name {
        case "quadratic":
            guard dataPath == nil else { throw .invalidOption("--data applies to logreg-l2 and hyper-cleaning, not to quadratic") }
            return try QuadraticProblem(configuration: quadratic, stream: stream)
        case "logreg-l2":
            let data = try dataPath.map { p throws(BilevelError) in try RealData.load(path: p) } ?? BuiltinDatasets.breastCancer()
            return try LogisticL2Problem.make(from: data, stream: stream)
        case "hyper-cleaning":
            let data = try dataPath.map { p throws(BilevelError) in try RealData.load(path: p) } ?? BuiltinDatasets.digits()
            return try HyperCleaningProblem.make(from: data, stream: stream)
        default:
            throw .unknownName(kind: "problem", name: name, known: names)
        }
    }
}
