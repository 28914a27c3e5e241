import Components
import Foundation

/// Every ΔT optimiser steps until T_end, swap a fraction f(t) = α/2·(1 + cos(π t / T_end)) of each layer's non-zeros (RigL).
public struct CosineSchedule: UpdateSchedule {
    public static let name = "cosine"
    public static let summary = "every ΔT steps until T_end, swap f(t) = α/2·(1 + cos(πt/T_end)) of each layer's non-zeros"
    public static let parameters: [Parameter] = [ScheduleParameters.alpha, ScheduleParameters.deltaT, ScheduleParameters.tEnd]

    /// α.
    public var alpha: Double
    /// ΔT.
    public var deltaT: Int
    /// T_end as a fraction of the run.
    public var endFraction: Double

    public init(parameters v: ParameterValues) {
        alpha = v.real("alpha")
        deltaT = v.int("delta-t")
        endFraction = v.real("t-end")
    }

    /// f(t) = α/2·(1 + cos(π t / T_end)), 0 from T_end on.
    public static func fraction(alpha: Double, step t: Int, end: Int) -> Double {
        guard t < end else { return 0 }
        return alpha / 2 * (1 + cos(Double.pi * Double(t) / Double(end)))
    }

    public var interval: Int? { deltaT }
    public func window(totalSteps: Int) -> ClosedRange<Int> { 1...ScheduleParameters.steps(endFraction, of: totalSteps) }
    public func amount(step t: Int, end: Int, update k: Int, of count: Int) -> UpdateAmount {
        .swap(fraction: Self.fraction(alpha: alpha, step: t, end: end))
    }
}
