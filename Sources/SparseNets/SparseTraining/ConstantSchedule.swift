import Components

/// Every ΔT optimiser steps until T_end, swap the same fraction α of each layer's non-zeros (SET's original ζ).
public struct ConstantSchedule: UpdateSchedule {
    public static let name = "constant"
    public static let summary = "every ΔT steps until T_end, swap a fixed fraction α of each layer's non-zeros"
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

    public var interval: Int? { deltaT }
    public func window(totalSteps: Int) -> ClosedRange<Int> { 1...ScheduleParameters.steps(endFraction, of: totalSteps) }
    public func amount(step t: Int, end: Int, update k: Int, of count: Int) -> UpdateAmount { .swap(fraction: alpha) }
}
