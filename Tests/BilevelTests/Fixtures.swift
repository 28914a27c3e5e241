import Bilevel
import Components
import Datasets
import Randomness

/// Small instances shared by the tests (built once per call; each is cheap).
enum Fixtures {
    static func quadratic(seed: UInt64 = 7, configure: (inout QuadraticProblem.Configuration) -> Void = { _ in }) throws -> QuadraticProblem {
        var c = QuadraticProblem.Configuration()
        configure(&c)
        return try QuadraticProblem(configuration: c, stream: RandomStream(seed: seed))
    }

    /// The catalogue's logreg-l2 instance: breast cancer split by the fixed split seed (341 training, 114 validation rows).
    static func logreg() throws -> any BilevelProblem {
        try LogisticL2Problem.build(stream: RandomStream(seed: 3)).problem
    }

    /// A reduced hyper-cleaning instance (a few hundred digits) so exact Newton solves stay fast.
    static func hyperCleaning(seed: UInt64 = 5) throws -> HyperCleaningProblem {
        let s = RandomStream(seed: seed)
        let split = try DataPolicy.split(subset(BuiltinDatasets.digits(), 250, s))
        return try HyperCleaningProblem.make(train: split.train, validation: split.validation, stream: s, trainLimit: 60, corruption: 0.3, ridge: 0.05)
    }

    /// `count` rows of `data` drawn by `stream`.
    static func subset(_ data: LabeledDataset, _ count: Int, _ stream: RandomStream) -> LabeledDataset {
        data.subset(stream.split("rows").sample(min(count, data.count), from: data.count), name: "\(data.name)-\(count)")
    }

    /// A small instance of the catalogued problem `name`, built through its catalogue entry with default
    /// parameters; a data-driven problem gets at most 250 rows of its own data set, split by the policy.
    static func problem(_ name: String, seed: UInt64 = 7) throws -> any BilevelProblem {
        let t = try ProblemCatalog.all.named(name)
        let s = RandomStream(seed: seed)
        let values = try ParameterValues(resolving: t.parameters, owner: "problem '\(name)'")
        var data: ProblemData? = nil
        if let shipped = t.defaultData {
            data = ProblemData(split: try DataPolicy.split(subset(try BuiltinDatasets.named(shipped), 250, s)), asGiven: false)
        }
        return try t.make(values, data: data, stream: s.split("instance"))
    }

    /// The catalogued problem `name` exactly as `workbench bilevel --problem name` builds it at seed 1.
    static func catalogueInstance(_ name: String) throws -> any BilevelProblem {
        try ProblemCatalog.build(name, stream: RandomStream(seed: 1).split("instance")).problem
    }

    /// A random point near the problem's start.
    static func point(_ n: Int, _ stream: RandomStream, scale: Double = 0.5) -> [Double] {
        stream.gaussianVector(n).map { $0 * scale }
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for i in a.indices { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i] }
        return (num / max(den, 1e-300)).squareRoot()
    }
}
