import Components
import Foundation
import Randomness

/// How a solver parameter's default follows from the problem.
///
/// The rule is the one place such a default lives: its `text` is what `--list-params` shows
/// ("0.8/L") and its `value(on:)` computes the number from the same constant.
public enum ProblemRule: Sendable, Equatable {
    /// c/L, with L the problem's bound on the lower level's smoothness (y steps, the Neumann step).
    case overSmoothness(Double)
    /// c·s, with s the problem's x-step scale (`BilevelProblem.upperStepScale`).
    case xStep(Double)
    /// min(c, n), with n the training rows (c on an infinite population): a batch no larger than the data.
    case cappedBySamples(Int)
    /// c·μ, with μ the problem's bound on the lower level's strong convexity (an eigenvalue floor).
    case strongConvexity(Double)

    /// The rule in words, as `--list-params` shows it.
    public var text: String {
        switch self {
        case .overSmoothness(let c): return "\(ParameterValue.real(c))/L"
        case .xStep(let c): return "\(ParameterValue.real(c))·s"
        case .cappedBySamples(let c): return "min(\(c), n)"
        case .strongConvexity(let c): return "\(ParameterValue.real(c))·μ"
        }
    }

    /// The default on `problem`.
    public func value(on problem: any BilevelProblem) -> ParameterValue {
        switch self {
        case .overSmoothness(let c): return .real(c / problem.lowerSmoothness)
        case .xStep(let c): return .real(c * problem.upperStepScale)
        case .cappedBySamples(let c): return .int(min(c, problem.lowerSampleCount ?? c))
        case .strongConvexity(let c): return .real(c * problem.lowerStrongConvexity)
        }
    }
}

/// A solver parameter whose default follows from the problem by a `ProblemRule`.
public struct DerivedParameter: Sendable {
    /// The declaration (`.derived` with the rule's text as its default).
    public let parameter: Parameter
    /// How the default is computed.
    public let rule: ProblemRule

    /// A parameter named `name` in `domain` whose default is `rule`.
    public init(_ name: String, _ rule: ProblemRule, _ domain: Parameter.Domain, _ help: String) {
        parameter = .derived(name, domain, rule.text, help)
        self.rule = rule
    }
}

/// A bilevel optimiser: runs from a start until the recorder says stop, calling only counted oracles.
///
/// Parameters are data: `derivedParameters` (defaults that follow from the problem) and
/// `fixedParameters`. `make` resolves them once (prescriptions for a target ε, the user's
/// `--set`, defaults) and the solver keeps the result in `values`, which is what records report.
public protocol BilevelSolver: Sendable {
    /// Command-line name ("mrbo", …).
    static var name: String { get }
    /// One-line description with the reference.
    static var summary: String { get }
    /// Parameters whose default follows from the problem (y steps in 1/L, x steps in the problem's scale, batch caps).
    static var derivedParameters: [DerivedParameter] { get }
    /// Parameters with a fixed default.
    static var fixedParameters: [Parameter] { get }
    /// Whether the solver needs a finite sample set (SAGA-type memory), which fresh-noise problems lack.
    static var needsFiniteSum: Bool { get }
    /// What its paper proves about its oracle complexity (what `--complexity` compares the measurement with).
    static var proved: ProvedRate { get }
    /// Whether the solver calls ∇ₓg (the fully first-order ones), which not every problem provides.
    static var needsLowerCrossGradient: Bool { get }
    /// Whether x only ever moves to a point with a lower (counted) upper value — a search that cannot diverge in x.
    static var acceptsOnlyImprovements: Bool { get }
    /// Whether the solver stops on its own once converged (a deterministic reference), possibly before the budget.
    static var stopsAtConvergence: Bool { get }
    /// The largest lower dimension the solver handles (dense d×d estimates), nil when unbounded.
    static var maxLowerDimension: Int? { get }
    /// Values that realise the theory's prescription for a target ε (batch sizes, loop lengths, Q); every key is a declared parameter.
    static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue]
    /// A solver with resolved `values`; checks that need the problem (a batch larger than the data) throw here.
    init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError)
    /// The parameter values it runs with.
    var values: ParameterValues { get }
    /// Iterates from (x, y) until `recorder.observe` returns false.
    func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder)
}

extension BilevelSolver {
    public static var needsFiniteSum: Bool { false }
    public static var needsLowerCrossGradient: Bool { false }
    public static var maxLowerDimension: Int? { nil }
    public static var acceptsOnlyImprovements: Bool { false }
    public static var stopsAtConvergence: Bool { false }

    /// Why the solver cannot run on `problem`, or nil when it can (what `--algo all` prints for a skipped solver).
    public static func unsupportedReason(_ problem: any BilevelProblem) -> String? {
        if needsFiniteSum && problem.lowerSampleCount == nil {
            let finite = ProblemCatalog.all.entries.filter { $0.isFiniteSum }.map { $0.name }.joined(separator: ", ")
            return "needs a finite-sum problem (\(finite)): \(problem.name) draws fresh noise for every sample"
        }
        if needsLowerCrossGradient && !problem.providesGradXG {
            return "is fully first-order and needs ∇ₓg, which \(problem.name) does not provide"
        }
        if let cap = maxLowerDimension, problem.yDimension > cap {
            return "keeps dense \(problem.yDimension)×\(problem.yDimension) estimates; it runs up to a lower dimension of \(cap)"
        }
        return nil
    }

    /// Throws the `unsupportedReason` (solvers call this first in `init`).
    static func requireSupport(_ problem: any BilevelProblem) throws(BilevelError) {
        if let reason = unsupportedReason(problem) { throw .invalidOption("\(name) \(reason)") }
    }

    /// Every parameter: the derived ones, then the fixed ones.
    public static var parameters: [Parameter] { derivedParameters.map(\.parameter) + fixedParameters }

    /// The derived defaults on `problem`: the values `.derived` parameters take unless set.
    public static func derivedDefaults(for problem: any BilevelProblem) -> [String: ParameterValue] {
        Dictionary(derivedParameters.map { ($0.parameter.name, $0.rule.value(on: problem)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether this solver can run on `problem` at all.
    public static func supports(_ problem: any BilevelProblem) -> Bool { unsupportedReason(problem) == nil }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] {
        ["Q": .int(Prescription.neumannTerms(epsilon, problem))]
    }

    /// Resolves the parameters on `problem`: the user's `overrides` win over the prescription for
    /// `targetEpsilon`, which wins over the defaults (fixed, or derived from the problem).
    ///
    /// Keys this solver does not declare are an error unless `ignoreUnknown` (a `--set` shared by
    /// several solvers; the caller checks that every key reaches one of them).
    public static func resolve(_ overrides: [String: String] = [:], targetEpsilon: Double? = nil, problem: any BilevelProblem,
                               ignoreUnknown: Bool = false) throws(BilevelError) -> ParameterValues {
        var layered = [String: String]()
        if let eps = targetEpsilon {
            try requireIn(eps, 1e-12, 1e6, "target epsilon")
            for (k, v) in prescribed(forTarget: eps, problem: problem) { layered[k] = v.description }
        }
        for (k, v) in overrides { layered[k] = v }
        do {
            return try ParameterValues(resolving: parameters, overrides: layered, derived: derivedDefaults(for: problem),
                                       owner: "solver '\(name)'", ignoreUnknown: ignoreUnknown)
        } catch {
            throw BilevelError(error)
        }
    }

    /// A solver configured on `problem` (see `resolve`).
    public static func make(_ overrides: [String: String] = [:], targetEpsilon: Double? = nil, problem: any BilevelProblem,
                            ignoreUnknown: Bool = false) throws(BilevelError) -> Self {
        try Self(try resolve(overrides, targetEpsilon: targetEpsilon, problem: problem, ignoreUnknown: ignoreUnknown), problem: problem)
    }

}

/// The batch-size parameter `name`, refused when larger than the training set.
func batchSize(_ values: ParameterValues, _ name: String, _ problem: any BilevelProblem) throws(BilevelError) -> Int {
    let b = values.int(name)
    if let n = problem.lowerSampleCount, b > n {
        throw .invalidOption("\(name) = \(b) is larger than the \(n) training samples")
    }
    return b
}

extension Parameter {
    /// A count (batch size, loop length, Q) with a fixed default and no upper bound but the data.
    static func count(_ name: String, _ value: Int, atLeast lower: Int = 1, _ help: String) -> Parameter {
        Parameter(name, .integer(atLeast: lower), default: .fixed(.int(value)), help)
    }
}

/// The shared Neumann-estimator parameters.
enum NeumannParameters {
    static let eta = DerivedParameter("eta", .overSmoothness(0.8), .positive, "Neumann step η (L: lower-level smoothness bound)")
    static let terms = Parameter.count("Q", 15, "Neumann terms Q (Hessian factors per estimate)")
    static let hessianBatch = Parameter.count("hessian-batch", 1, "samples per Hessian factor")

    static func make(_ v: ParameterValues, _ problem: any BilevelProblem, randomTruncation: Bool = false) throws(BilevelError) -> NeumannEstimator {
        try NeumannEstimator(eta: v.real("eta"), terms: v.int("Q"), hessianBatch: try batchSize(v, "hessian-batch", problem),
                             randomTruncation: randomTruncation)
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

    /// A size prescription `value` as an integer parameter value, capped at the training-set size.
    static func size(_ value: Double, cappedBy problem: any BilevelProblem) -> ParameterValue {
        let cap = Double(problem.lowerSampleCount ?? Int.max)
        return .int(Int(min(cap, min(value, 1e12))))
    }
}

/// The solvers. Adding one is adding its file and one line here.
public enum SolverCatalog {
    /// Every solver, in the order `--algo all` runs them.
    public static let all = Catalogue<any BilevelSolver.Type>(kind: "solver", [
        StocBiO.self, BSA.self, TTSA.self, MRBO.self, VRBO.self, SOBA.self, SABA.self, AIDCG.self,
        SUSTAIN.self, MSTSA.self, STABLE.self, AmIGO.self, FSLA.self, SRBA.self, F2SA.self, BOME.self, PZOBO.self,
        ITD.self, AIDFP.self, HOAG.self, GDImplicit.self, RandomSearch.self, ExactSolver.self,
    ]) { $0.name }

    /// The solver called `name`, configured on `problem` (see `BilevelSolver.resolve`).
    public static func make(_ name: String, set overrides: [String: String] = [:], targetEpsilon: Double? = nil,
                            problem: any BilevelProblem) throws(BilevelError) -> any BilevelSolver {
        let t: any BilevelSolver.Type
        do { t = try all.named(name) } catch { throw BilevelError(error) }
        return try t.make(overrides, targetEpsilon: targetEpsilon, problem: problem)
    }
}

/// Step-size schedules of the form a·(k₀/(k₀ + k))^p.
@inline(__always)
func decayed(_ a: Double, _ k: Int, offset: Double, power: Double) -> Double {
    power == 0 ? a : a * pow(offset / (offset + Double(k)), power)
}
