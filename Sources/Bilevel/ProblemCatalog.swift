import Components
import Datasets
import Randomness

/// A problem the workbench builds by name, with the facts that live on it.
///
/// Each problem type is its own instance type (`QuadraticProblem` is both); adding a problem is
/// adding its file and one line to `ProblemCatalog.all`.
public protocol BilevelProblemType: BilevelProblem {
    /// Command-line name ("quadratic", …).
    static var name: String { get }
    /// One line: what is optimised at each level.
    static var summary: String { get }
    /// The instance's tunable settings (`--set key=value`), with their defaults.
    static var parameters: [Parameter] { get }
    /// Oracle calls per solver when `--budget` is not given.
    static var defaultBudget: Int { get }
    /// The shipped data set it runs on, or nil for a synthetic problem that takes no data.
    static var defaultData: String? { get }
    /// Whether the lower level is a finite sum over training rows (SAGA-type solvers need one).
    static var isFiniteSum: Bool { get }
    /// Multiplier s of the solvers' x-step defaults: the scale of 1/‖∇Φ‖ relative to the quadratic's (1 there).
    static var upperStepScale: Double { get }
    /// An instance with resolved `parameters`; `data` is given exactly when `defaultData` is not nil.
    static func make(_ parameters: ParameterValues, data: ProblemData?, stream: RandomStream) throws(BilevelError) -> Self
}

extension BilevelProblemType {
    public var name: String { Self.name }
    public var upperStepScale: Double { Self.upperStepScale }
}

/// Where a data-driven problem's rows come from.
public enum DataChoice: Sendable, Equatable {
    /// The problem's own shipped data set, split by the workbench's policy.
    case shipped
    /// One data set (a file, a shipped name or an `images,labels` IDX pair), split by the policy.
    case dataset(String)
    /// The user's own training and validation files, used row for row.
    case own(train: String, validation: String)
}

/// The prepared rows a data-driven problem is built from.
public struct ProblemData: Sendable {
    /// Training and validation parts, standardised on the training part, with their provenance.
    public var split: PreparedSplit
    /// Whether the rows are the user's own files, to be used as they are (never subsampled).
    public var asGiven: Bool

    /// Rows already prepared (tests build small instances this way).
    public init(split: PreparedSplit, asGiven: Bool) {
        self.split = split
        self.asGiven = asGiven
    }

    /// Loads and splits `choice` by the workbench's one data policy (`DataPolicy`); `shipped` names the problem's own data set.
    public static func prepare(_ choice: DataChoice, shipped: String) throws(BilevelError) -> ProblemData {
        do {
            switch choice {
            case .shipped: return ProblemData(split: try DataPolicy.load(shipped), asGiven: false)
            case .dataset(let argument): return ProblemData(split: try DataPolicy.load(argument), asGiven: false)
            case .own(let train, let validation): return ProblemData(split: try DataPolicy.ownSplit(train: train, validation: validation), asGiven: true)
            }
        } catch {
            throw BilevelError(error)
        }
    }
}

/// A built problem: the instance, the parameter values it was built with, and its data.
public struct ProblemInstance: Sendable {
    /// The instance the solvers run on.
    public var problem: any BilevelProblem
    /// The problem's parameters in force (what the record's `problemParameters` holds).
    public var parameters: ParameterValues
    /// The rows behind it; nil for a synthetic problem.
    public var data: ProblemData?
}

extension BilevelProblemType {
    /// Resolves the parameters, prepares the data (the problem's own unless `data` says otherwise) and builds the instance.
    ///
    /// - Parameter ignoreUnknown: keep quiet about override keys the problem does not declare (a `--set` shared with solvers).
    public static func build(_ overrides: [String: String] = [:], data choice: DataChoice = .shipped, stream: RandomStream,
                             ignoreUnknown: Bool = false) throws(BilevelError) -> ProblemInstance {
        let values: ParameterValues
        do {
            values = try ParameterValues(resolving: parameters, overrides: overrides, owner: "problem '\(name)'", ignoreUnknown: ignoreUnknown)
        } catch {
            throw BilevelError(error)
        }
        var data: ProblemData? = nil
        if let shipped = defaultData {
            data = try ProblemData.prepare(choice, shipped: shipped)
        } else if choice != .shipped {
            let users = ProblemCatalog.all.entries.filter { $0.defaultData != nil }.map { $0.name }.joined(separator: ", ")
            throw .invalidOption("\(name) is synthetic and takes no data (data sets apply to \(users))")
        }
        let problem: any BilevelProblem = try make(values, data: data, stream: stream)
        return ProblemInstance(problem: problem, parameters: values, data: data)
    }
}

/// The problems. Adding one is adding its file and one line here.
public enum ProblemCatalog {
    /// Every problem, in the order help lists them.
    public static let all = Catalogue<any BilevelProblemType.Type>(kind: "problem", [
        QuadraticProblem.self, BenchoptQuadraticProblem.self, LogisticL2Problem.self, HyperCleaningProblem.self,
    ]) { $0.name }

    /// The problem called `name`, built from `overrides` and `data` with the instance stream `stream`.
    public static func build(_ name: String, set overrides: [String: String] = [:], data: DataChoice = .shipped,
                             stream: RandomStream) throws(BilevelError) -> ProblemInstance {
        let t: any BilevelProblemType.Type
        do { t = try all.named(name) } catch { throw BilevelError(error) }
        return try t.build(overrides, data: data, stream: stream)
    }
}
