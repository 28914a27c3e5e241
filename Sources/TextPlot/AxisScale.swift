import Foundation

/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    /// Positions proportional to the value.
    case linear
    /// Positions proportional to log10 of the value; non-positive values cannot be placed.
    case log10

    /// The coordinate the plot works in, or nil when the value has no position on this scale.
    func transformed(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch self {
        case .linear:
            return value
        case .log10:
            guard value > 0 else { return nil }
            return Foundation.log10(value)
        }
    }

    /// Back from plot coordinates to data values, for tick labels.
    func value(_ coordinate: Double) -> Double {
        switch self {
        case .linear: return coordinate
        case .log10: return pow(10, coordinate)
        }
    }
}
