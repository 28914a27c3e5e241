import GSLSupport

/// Why a statistic or fit could not be computed.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer usable points than the estimator needs.
    case tooFewPoints(needed: Int, got: Int, what: String)
    /// x and y have different lengths.
    case lengthMismatch(Int, Int)
    /// An input is NaN or infinite (or non-positive where a logarithm is taken).
    case invalidValue(String)
    /// A GSL routine failed.
    case gsl(GSLError)

    public var description: String {
        switch self {
        case .tooFewPoints(let n, let got, let what): return "\(what) needs at least \(n) points, got \(got)"
        case .lengthMismatch(let a, let b): return "x has \(a) values but y has \(b)"
        case .invalidValue(let what): return "invalid value: \(what)"
        case .gsl(let e): return e.description
        }
    }
}
