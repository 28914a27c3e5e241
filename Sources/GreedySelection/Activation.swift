import Foundation

/// The hidden-unit non-linearity σ of a two-layer network.
public enum Activation: String, Sendable, CaseIterable, Codable {
    case tanh, relu, sigmoid

    /// σ(z).
    @inlinable
    public func callAsFunction(_ z: Double) -> Double {
        switch self {
        case .tanh: return Foundation.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        }
    }

    /// σ'(z), for training.
    @inlinable
    public func derivative(_ z: Double) -> Double {
        switch self {
        case .tanh: let t = Foundation.tanh(z); return 1 - t * t
        case .relu: return z > 0 ? 1 : 0
        case .sigmoid: let s = 1 / (1 + Foundation.exp(-z)); return s * (1 - s)
        }
    }

    /// Parses a name, or throws the one-line "unknown activation" error.
    public static func named(_ name: String) throws(GreedyError) -> Activation {
        guard let a = Activation(rawValue: name.lowercased()) else {
            throw .unknownName(kind: "activation", name: name, known: allCases.map(\.rawValue))
        }
        return a
    }
}
