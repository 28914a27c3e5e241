import Components
import Foundation

/// How much one mask update changes.
public enum UpdateAmount: Sendable, Equatable {
    /// Drop floor(fraction · n_active) weights per layer and grow as many: the layer's non-zeros stay constant.
    case swap(fraction: Double)
    /// Prune toward the final counts: layer l keeps n_l − (n_l − final_l)·progress (progress rises to 1 at the last update).
    case prune(progress: Double)

    /// The drop fraction or the pruning progress, for records.
    public var value: Double {
        switch self {
        case .swap(let f): return f
        case .prune(let p): return p
        }
    }
}

/// When the mask changes: one axis of a sparse-training method (rigl's "update schedule").
///
/// A schedule fixes the cadence (a mask update every ΔT optimiser steps inside a window of the
/// run) and the amount of each update. Adding a schedule is one file with a type conforming to
/// this protocol and one line in `ScheduleCatalog.all`.
public protocol UpdateSchedule: Sendable {
    /// The name used in listings (`cosine`, `cubic`, …).
    static var name: String { get }
    /// What it does, in one line.
    static var summary: String { get }
    /// The settings `--set key=value` may change.
    static var parameters: [Parameter] { get }
    /// The schedule configured with resolved values of `parameters`.
    init(parameters: ParameterValues)
    /// Optimiser steps between mask updates (ΔT); nil when the mask never changes.
    var interval: Int? { get }
    /// The steps (1-based counts of minibatches) at which updates may happen in a run of `totalSteps`: none before the lower bound or after the upper one (T_end).
    func window(totalSteps: Int) -> ClosedRange<Int>
    /// The amount of update `k` (0-based) of `count`, at step `t` of a window ending at `end`.
    func amount(step t: Int, end: Int, update k: Int, of count: Int) -> UpdateAmount
}

extension UpdateSchedule {
    /// The schedule's catalogue name.
    public var name: String { Self.name }
}

/// Parameters several schedules share, declared once here and listed by each schedule that uses them.
public enum ScheduleParameters {
    /// α: the drop fraction at the start.
    public static let alpha = Parameter.real("alpha", 0.3, .real(lower: 0, upper: 1, lowerOpen: true, upperOpen: false),
                                             "drop fraction α: the share of each layer's non-zeros swapped at the start")
    /// ΔT: optimiser steps between mask updates.
    public static let deltaT = Parameter.int("delta-t", 100, 1...100_000_000, "ΔT: optimiser steps between mask updates")
    /// T_end as a fraction of the run.
    public static let tEnd = Parameter.real("t-end", 0.75, .real(lower: 0, upper: 1, lowerOpen: true, upperOpen: false),
                                            "T_end: last mask update, as a fraction of the run's steps (more than 1 would be beyond the run)")
    /// The first step of gradual pruning, as a fraction of the run.
    public static let tStart = Parameter.real("t-start", 0, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true),
                                              "first pruning step, as a fraction of the run's steps")

    /// T_end in steps: floor(fraction · total), at least 1.
    static func steps(_ fraction: Double, of total: Int) -> Int { max(1, Int((fraction * Double(total)).rounded(.down))) }
}

/// The update schedules.
public enum ScheduleCatalog {
    /// Every schedule, in listing order.
    public static let all = Catalogue<any UpdateSchedule.Type>(kind: "update schedule", [
        NoUpdates.self,
        CosineSchedule.self,
        ConstantSchedule.self,
        CubicSchedule.self,
    ]) { $0.name }
}

/// The steps at which a run's mask changes, fixed before training from the schedule and the method's step kind.
public struct UpdatePlan: Sendable, Equatable {
    /// Update steps (1-based minibatch counts), ascending.
    public var steps: [Int]
    /// Whether an update step is a mask-only step (no optimiser update; RigL) rather than following an optimiser step.
    public var maskOnly: Bool
    /// The window's upper end (T_end in steps).
    public var end: Int

    /// The plan of `schedule` over `totalSteps` minibatches.
    ///
    /// An update comes after every ΔT optimiser steps inside the window. When updates are mask-only,
    /// the update is an extra step after those ΔT (a cycle is ΔT + 1 minibatches, as in RigL's FLOP
    /// formula); otherwise it follows the ΔT-th optimiser step (a cycle is ΔT minibatches).
    public init(_ schedule: any UpdateSchedule, totalSteps: Int, maskOnly: Bool) {
        self.maskOnly = maskOnly
        let window = schedule.window(totalSteps: totalSteps)
        end = window.upperBound
        guard let dt = schedule.interval, totalSteps > 0 else { steps = []; return }
        let first = max(1, window.lowerBound), last = min(totalSteps, window.upperBound)
        var out = [Int](), optimizerSteps = 0
        if first <= last {
            for t in first...last {
                if maskOnly && optimizerSteps == dt { out.append(t); optimizerSteps = 0; continue }
                optimizerSteps += 1
                if !maskOnly && optimizerSteps == dt { out.append(t); optimizerSteps = 0 }
            }
        }
        steps = out
    }
}
