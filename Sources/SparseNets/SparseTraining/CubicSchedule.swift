import Components
import Foundation

/// Gradual magnitude pruning's schedule (Zhu & Gupta 2017): every ΔT steps from t_start to T_end, sparsity s_t = s_f·(1 − (1 − p)³).
///
/// p runs from 1/U to 1 over the U updates in the window, so the last update reaches the
/// final counts exactly; the mask is dense before the first update.
public struct CubicSchedule: UpdateSchedule {
    public static let name = "cubic"
    public static let summary = "every ΔT steps from t-start to T_end, prune toward the target with sparsity s_f·(1 − (1 − p)³)"
    public static let parameters: [Parameter] = [ScheduleParameters.deltaT, ScheduleParameters.tStart, ScheduleParameters.tEnd]

    /// ΔT.
    public var deltaT: Int
    /// First pruning step, as a fraction of the run.
    public var startFraction: Double
    /// T_end as a fraction of the run.
    public var endFraction: Double

    public init(parameters v: ParameterValues) {
        deltaT = v.int("delta-t")
        startFraction = v.real("t-start")
        endFraction = v.real("t-end")
    }

    public var interval: Int? { deltaT }
    public func window(totalSteps: Int) -> ClosedRange<Int> {
        let end = ScheduleParameters.steps(endFraction, of: totalSteps)
        let start = min(end, Int((startFraction * Double(totalSteps)).rounded(.down)) + 1)
        return start...end
    }
    public func amount(step t: Int, end: Int, update k: Int, of count: Int) -> UpdateAmount {
        let p = Double(k + 1) / Double(max(count, 1))
        return .prune(progress: 1 - pow(1 - p, 3))
    }
}
