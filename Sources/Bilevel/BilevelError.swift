import Components
import Datasets
import LinearAlgebra

/// Why a bilevel run could not start or finish; `description` is one line for the CLI.
public enum BilevelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A user-supplied option is outside its domain (non-positive step, Q < 1, batch too large, …).
    case invalidOption(String)
    /// A numerical step failed (e.g. the lower-level Hessian is not positive definite).
    case numerical(String)

    public var description: String {
        switch self {
        case .invalidOption(let m): return m
        case .numerical(let m): return m
        }
    }

    /// Bad input found by the shared machinery (parameter domains, catalogue names): its one line.
    public init(_ error: InputError) { self = .invalidOption(error.description) }

    /// A data file that could not be loaded or split: its one line names file, line and column.
    public init(_ error: DatasetError) { self = .invalidOption(error.description) }

    /// Wraps a LAPACK failure with what was being computed.
    static func lapack(_ e: LinearAlgebraError, _ what: String) -> BilevelError { .numerical("\(what): \(e.description)") }
}

/// Throws `.invalidOption` unless `value` is finite and positive.
func requirePositive(_ value: Double, _ name: String) throws(BilevelError) {
    guard value.isFinite, value > 0 else { throw .invalidOption("\(name) must be a positive number, got \(value)") }
}

/// Throws `.invalidOption` unless `value` ≥ `minimum`.
func requireAtLeast(_ value: Int, _ minimum: Int, _ name: String) throws(BilevelError) {
    guard value >= minimum else { throw .invalidOption("\(name) must be at least \(minimum), got \(value)") }
}

/// Throws `.invalidOption` unless `value` is finite and in [lo, hi].
func requireIn(_ value: Double, _ lo: Double, _ hi: Double, _ name: String) throws(BilevelError) {
    guard value.isFinite, value >= lo, value <= hi else { throw .invalidOption("\(name) must lie in [\(lo), \(hi)], got \(value)") }
}
