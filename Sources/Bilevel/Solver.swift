import Foundation
import Randomness

/// A tunable number of a solver: name, paper default, meaning.
public struct SolverParameter: Sendable, Equatable {
    /// What values a parameter accepts.
    public enum Domain: Sendable, Equatable {
        /// A positive real (step sizes, constants).
        case positive
        /// A real in [0, 1] (momentum weights, fractions).
        case unit
        /// An integer ≥ the bound (batch sizes, loop lengths, Q).
        case integer(atLeast: Int)
    }

    public let name: String
    public let defaultValue: Double
    public let help: String
    public let domain: Domain
    /// Whether the default is multiplied by the problem's `upperStepScale` (x step sizes).
    public let isUpperStep: Bool

    /// A parameter description.
    public init(_ name: String, _ defaultValue: Double, _ domain: Domain, _ help: String, upperStep: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.domain = domain
        self.help = help
        self.isUpperStep = upperStep
    }

    /// Throws unless `value` is in the domain.
    public func check(_ value: Double) throws(BilevelError) {
        switch domain {
        case .positive: try requirePositive(value, name)
        case .unit: try requireIn(value, 0, 1, name)
        case .integer(let lo):
            guard value.isFinite, value == value.rounded(), value <= 1e9 else { throw .invalidOption("\(name) must be an integer, got \(value)") }
            try requireAtLeast(Int(value), lo, name)
        }
    }
}

/// Parameter values for one solver: user overrides on top of problem-aware defaults, validated on read.
public struct SolverSettings: Sendable {
    /// Overrides by parameter name.
    public var overrides: [String: Double]
    /// The problem the solver will run on (defaults like 1/L depend on it).
    public let lowerSmoothness: Double
    /// Samples in the lower population (nil = infinite), for the batch-size check.
    public let lowerSampleCount: Int?
    /// Multiplier of the x-step defaults (see `BilevelProblem.upperStepScale`).
    public let upperStepScale: Double

    /// Settings for a problem with the given overrides.
    public init(overrides: [String: Double] = [:], for problem: any BilevelProblem) {
        self.overrides = overrides
        self.lowerSmoothness = problem.lowerSmoothness
        self.lowerSampleCount = problem.lowerSampleCount
        self.upperStepScale = problem.upperStepScale
    }

    /// The value of `p`: the override if any, else `fallback` (a problem-aware default), else p's default.
    public func value(_ p: SolverParameter, default fallback: Double? = nil) throws(BilevelError) -> Double {
        let v = overrides[p.name] ?? fallback ?? (p.isUpperStep ? p.defaultValue * upperStepScale : p.defaultValue)
        try p.check(v)
        return v
    }

    /// An integer parameter.
    public func int(_ p: SolverParameter, default fallback: Int? = nil) throws(BilevelError) -> Int {
        Int(try value(p, default: fallback.map(Double.init)))
    }

    /// A batch size, also checked against the data size.
    public func batch(_ p: SolverParameter, default fallback: Int? = nil) throws(BilevelError) -> Int {
        let b = try int(p, default: fallback)
        if let n = lowerSampleCount, b > n {
            throw .invalidOption("\(p.name) = \(b) is larger than the \(n) training samples")
        }
        return b
    }
}

/// The shared Neumann-estimator parameters.
enum NeumannParameters {
    static let eta = SolverParameter("eta", 0, .positive, "Neumann step η (default 0.8/L of the lower level; 0.4 on quadratic)")
    static let terms = SolverParameter("Q", 15, .integer(atLeast: 1), "Neumann terms Q (Hessian factors per estimate)")
    static let hessianBatch = SolverParameter("hessian-batch", 1, .integer(atLeast: 1), "samples per Hessian factor")
    static let all = [eta, terms, hessianBatch]

    static func make(_ s: SolverSettings, randomTruncation: Bool = false) throws(BilevelError) -> NeumannEstimator {
        try NeumannEstimator(eta: try s.value(eta, default: 0.8 / s.lowerSmoothness), terms: try s.int(terms),
                             hessianBatch: try s.batch(hessianBatch), randomTruncation: randomTruncation)
    }
}

/// A bilevel optimiser: runs from a start until the recorder says stop, calling only counted oracles.
public protocol BilevelSolver: Sendable {
    /// Command-line name ("mrbo", …).
    static var name: String { get }
    /// One-line description with the reference.
    static var summary: String { get }
    /// Every tunable number with its paper default.
    static var parameters: [SolverParameter] { get }
    /// Reads and validates the settings.
    init(settings: SolverSettings) throws(BilevelError)
    /// Iterates from (x, y) until `recorder.observe` returns false.
    func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder)
    /// Overrides that realise the theory's prescription for a target ε (batch sizes, loop lengths, Q).
    static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: Double]
    /// Whether the solver needs a finite sample set (SAGA-type memory), which fresh-noise problems lack.
    static var needsFiniteSum: Bool { get }
}

extension BilevelSolver {
    public static var needsFiniteSum: Bool { false }

    /// Whether this solver can run on `problem` at all.
    public static func supports(_ problem: any BilevelProblem) -> Bool {
        !needsFiniteSum || problem.lowerSampleCount != nil
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: Double] {
        ["Q": Double(Prescription.neumannTerms(epsilon, problem))]
    }
}

/// Theory-prescribed sizes shared by the solvers.
public enum Prescription {
    /// Q with Neumann bias (1 − ημ)^Q ≤ √ε/10 at η = 0.8/L, so the squared bias is ≪ ε.
    public static func neumannTerms(_ epsilon: Double, _ problem: any BilevelProblem) -> Int {
        let rate = 1 - 0.8 * problem.lowerStrongConvexity / problem.lowerSmoothness
        guard rate > 0, rate < 1 else { return 1 }
        return max(1, Int((log(epsilon.squareRoot() / 10) / log(rate)).rounded(.up)))
    }

    /// The condition number L/μ of the lower level.
    public static func kappa(_ problem: any BilevelProblem) -> Double { problem.lowerSmoothness / problem.lowerStrongConvexity }
}

/// The solvers by name.
public enum SolverCatalog {
    /// Every solver, in the order `--algo all` runs them.
    public static let all: [any BilevelSolver.Type] = [
        StocBiO.self, BSA.self, TTSA.self, MRBO.self, VRBO.self, SOBA.self, SABA.self, AIDCG.self,
    ]

    /// Known names.
    public static var names: [String] { all.map { $0.name } }

    /// The solver type called `name`.
    public static func type(named name: String) throws(BilevelError) -> any BilevelSolver.Type {
        guard let t = all.first(where: { $0.name == name }) else { throw .unknownName(kind: "algorithm", name: name, known: names) }
        return t
    }

    /// A configured solver: overrides checked against its parameters (unknown keys are an error).
    public static func make(_ name: String, overrides: [String: Double] = [:], targetEpsilon: Double? = nil,
                            problem: any BilevelProblem) throws(BilevelError) -> any BilevelSolver {
        let t = try type(named: name)
        var o = [String: Double]()
        if let eps = targetEpsilon {
            try requireIn(eps, 1e-12, 1e6, "target epsilon")
            o = t.prescribed(forTarget: eps, problem: problem)
        }
        let known = Set(t.parameters.map(\.name))
        for (k, v) in overrides where known.contains(k) { o[k] = v }
        return try t.init(settings: SolverSettings(overrides: o, for: problem))
    }

    /// Throws when an override key belongs to none of the named solvers.
    public static func checkOverrideKeys(_ keys: [String], solvers: [String]) throws(BilevelError) {
        var known = Set<String>()
        for s in solvers { known.formUnion(try type(named: s).parameters.map(\.name)) }
        for k in keys.sorted() where !known.contains(k) {
            throw .invalidOption("no selected algorithm has a parameter '\(k)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

/// Step-size schedules of the form a·(k₀/(k₀ + k))^p.
@inline(__always)
func decayed(_ a: Double, _ k: Int, offset: Double, power: Double) -> Double {
    power == 0 ? a : a * pow(offset / (offset + Double(k)), power)
}
