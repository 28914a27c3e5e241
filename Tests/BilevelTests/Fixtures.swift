import Bilevel
import Datasets
import Randomness

/// Small instances shared by the tests (built once per call; each is cheap).
enum Fixtures {
    static func quadratic(seed: UInt64 = 7, configure: (inout QuadraticProblem.Configuration) -> Void = { _ in }) throws -> QuadraticProblem {
        var c = QuadraticProblem.Configuration()
        configure(&c)
        return try QuadraticProblem(configuration: c, stream: RandomStream(seed: seed))
    }

    static func logreg(seed: UInt64 = 3) throws -> LogisticL2Problem {
        try LogisticL2Problem.make(from: BuiltinDatasets.breastCancer(), stream: RandomStream(seed: seed))
    }

    /// A reduced hyper-cleaning instance (a few hundred digits) so exact Newton solves stay fast.
    static func hyperCleaning(seed: UInt64 = 5) throws -> HyperCleaningProblem {
        let digits = BuiltinDatasets.digits()
        let s = RandomStream(seed: seed)
        let small = digits.subset(s.split("rows").sample(250, from: digits.count), name: "digits-250")
        return try HyperCleaningProblem.make(from: small, stream: s, trainLimit: 60, corruption: 0.3, ridge: 0.05)
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
