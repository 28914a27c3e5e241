import Components

/// Why a greedy-selection problem could not be built or run; `description` is the one line the CLI prints.
public enum GreedyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A size, count or tolerance outside its documented range.
    case invalidArgument(String)
    /// A name that is not an activation, method or sweep key.
    case unknownName(kind: String, name: String, known: [String])
    /// NaN or infinity where finite numbers are required.
    case nonFinite(String)
    /// A numerical routine underneath failed (LAPACK, a fit).
    case numerical(String)
    /// A run whose loss stopped being finite, with the selector, step and quantity (the CLI exits 1, not 2: the input was valid).
    case diverged(Divergence)

    /// The divergence, when this error is one.
    public var divergence: Divergence? {
        if case .diverged(let d) = self { return d }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidArgument(let m): return m
        case .unknownName(let kind, let name, let known): return "unknown \(kind) '\(name)' (known: \(known.joined(separator: ", ")))"
        case .nonFinite(let m): return "non-finite value in \(m)"
        case .numerical(let m): return m
        case .diverged(let d): return d.description
        }
    }
}
