import Foundation

/// FLOP accounting of sparse training on the actual masks (2 FLOPs per multiply-accumulate, weights only).
///
/// With f_S the forward FLOPs of the current masks and f_D those of the dense network, a
/// regular step costs 3f_S (forward, input gradient, weight gradient), a step that needs the
/// dense weight gradient costs 2f_S + f_D, so RigL averages (3f_S·ΔT + 2f_S + f_D)/(ΔT + 1) over
/// a cycle of ΔT optimiser steps and one mask-only update step, SNFS 2f_S + f_D, static and SET
/// 3f_S, and gradual magnitude pruning 3f_S of whatever its mask is at that step.
public enum FLOPCount {
    /// Forward FLOPs per sample of layers with these kept counts.
    public static func forward(nonZeros: [Int], layers: [LayerShape]) -> Double {
        zip(nonZeros, layers).reduce(0.0) { $0 + 2 * Double($1.0) * Double($1.1.positions) }
    }

    /// Training FLOPs per sample of one step: 3f_S, or 2f_S + f_D when the step computes the dense weight gradient.
    public static func trainingStep(sparse fS: Double, dense fD: Double, denseGradient: Bool) -> Double {
        denseGradient ? 2 * fS + fD : 3 * fS
    }

    /// RigL's per-step average over one update cycle: (3f_S·ΔT + 2f_S + f_D)/(ΔT + 1).
    public static func riglAverage(sparse fS: Double, dense fD: Double, deltaT: Int) -> Double {
        (3 * fS * Double(deltaT) + 2 * fS + fD) / Double(deltaT + 1)
    }
}

/// Training FLOPs as they were spent, step by step, on the masks in force at each step.
public struct FLOPLedger: Sendable, Equatable {
    /// Training FLOPs per sample of each step (in step order).
    public private(set) var perSample: [Double] = []
    /// Samples in each step's minibatch.
    public private(set) var samples: [Int] = []
    /// Forward FLOPs per sample of the dense network (f_D).
    public let dense: Double

    /// An empty ledger for a network whose dense forward pass costs `dense` FLOPs per sample.
    public init(dense: Double) { self.dense = dense }

    /// Books one step.
    public mutating func book(perSample f: Double, samples n: Int) {
        perSample.append(f)
        samples.append(n)
    }

    /// Training FLOPs of steps `range` (0-based step indices), summed over their samples.
    public func total(_ range: Range<Int>? = nil) -> Double {
        let r = range ?? 0..<perSample.count
        var s = 0.0
        for i in r where i < perSample.count { s += perSample[i] * Double(samples[i]) }
        return s
    }

    /// What dense training (3f_D per sample per step) would have cost over the same steps.
    public func denseTotal(_ range: Range<Int>? = nil) -> Double {
        let r = range ?? 0..<samples.count
        var n = 0
        for i in r where i < samples.count { n += samples[i] }
        return 3 * dense * Double(n)
    }

    /// Mean training FLOPs per sample per step over `range`.
    public func meanPerStep(_ range: Range<Int>? = nil) -> Double {
        let r = range ?? 0..<perSample.count
        let c = r.clamped(to: 0..<perSample.count)
        guard !c.isEmpty else { return .nan }
        return c.reduce(0.0) { $0 + perSample[$1] } / Double(c.count)
    }
}
