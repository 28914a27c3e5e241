/// What can go wrong in a BLAS/LAPACK call, as a typed error with a readable message.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Operand shapes do not fit together.
    case dimensionMismatch(String)
    /// Cholesky failed: the leading minor of this order (1-based) is not positive.
    case notPositiveDefinite(leadingMinor: Int)
    /// LU found an exactly zero pivot at this (1-based) position.
    case singular(pivot: Int)
    /// An input contains NaN or infinity.
    case nonFinite(String)
    /// An iterative LAPACK routine did not converge (its positive `info`).
    case noConvergence(routine: String, info: Int)
    /// LAPACK rejected argument number `index` (a bug in the caller, surfaced rather than trapped).
    case illegalArgument(routine: String, index: Int)

    public var description: String {
        switch self {
        case .dimensionMismatch(let what): return "dimension mismatch: \(what)"
        case .notPositiveDefinite(let k): return "matrix is not positive definite (leading minor \(k))"
        case .singular(let k): return "matrix is singular (zero pivot at position \(k))"
        case .nonFinite(let what): return "non-finite value in \(what)"
        case .noConvergence(let r, let info): return "\(r) did not converge (info \(info))"
        case .illegalArgument(let r, let i): return "\(r): argument \(i) has an illegal value"
        }
    }
}
