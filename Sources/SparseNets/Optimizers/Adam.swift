import Foundation

/// Adam's moment estimates for one flat parameter block: first and second moments and the step count (PyTorch's `state`).
public struct AdamState: Sendable, Equatable {
    /// First-moment estimate m (exp_avg), one entry per parameter.
    public var firstMoment: [Double]
    /// Second-moment estimate v (exp_avg_sq), one entry per parameter.
    public var secondMoment: [Double]
    /// Steps taken so far (t; the next step is t + 1).
    public var step: Int

    /// Zero moments for a block of `count` parameters.
    public init(count: Int) {
        firstMoment = [Double](repeating: 0, count: count)
        secondMoment = [Double](repeating: 0, count: count)
        step = 0
    }

    /// Number of parameters the state covers.
    public var count: Int { firstMoment.count }

    /// Zeroes both moments where `mask` is 0 (after a mask change, so a regrown weight starts from fresh moments).
    public mutating func applyMask(_ mask: [Double]) {
        precondition(mask.count == count, "mask of \(mask.count) entries for an Adam state of \(count)")
        for i in mask.indices where mask[i] == 0 { firstMoment[i] = 0; secondMoment[i] = 0 }
    }
}

/// Adam and AdamW exactly as torch.optim.Adam / torch.optim.AdamW update (amsgrad off, maximize off), on a flat [Double] block with an optional 0/1 mask.
///
/// With t the step after incrementing, g the gradient (Adam: g + λ·θ; AdamW first shrinks θ ← θ(1 − lr·λ)):
/// m ← m + (1 − β₁)(g − m) (torch's lerp_, = β₁m + (1 − β₁)g), v ← β₂v + (1 − β₂)g², θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
/// A mask multiplies the gradient and the update, so a masked-out entry that is 0 stays exactly 0.
public struct AdamOptimizer: Sendable, Equatable {
    /// Learning rate (PyTorch default 1e-3).
    public var learningRate: Double
    /// β₁ (default 0.9).
    public var beta1: Double
    /// β₂ (default 0.999).
    public var beta2: Double
    /// ε added to the bias-corrected √v (default 1e-8).
    public var epsilon: Double
    /// λ: L2 added to the gradient (Adam) or decoupled shrinkage (AdamW).
    public var weightDecay: Double
    /// AdamW's decoupled weight decay instead of Adam's L2 term.
    public var decoupled: Bool

    /// An optimiser with PyTorch's defaults for every argument left out (Adam: λ = 0).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupled: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// torch.optim.Adam's defaults (lr 1e-3, λ 0) with the given rate and decay.
    public static func adam(learningRate: Double = 1e-3, weightDecay: Double = 0) -> AdamOptimizer {
        AdamOptimizer(learningRate: learningRate, weightDecay: weightDecay, decoupled: false)
    }

    /// torch.optim.AdamW's defaults (lr 1e-3, λ 1e-2) with the given rate and decay.
    public static func adamW(learningRate: Double = 1e-3, weightDecay: Double = 1e-2) -> AdamOptimizer {
        AdamOptimizer(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    }

    /// One step on `parameters` with `gradient` (same length); `mask` (0/1, same length) freezes entries; `learningRate` overrides the configured rate (schedules).
    public func step(_ parameters: inout [Double], gradient: [Double], mask: [Double]? = nil, state: inout AdamState, learningRate lr: Double? = nil) {
        precondition(gradient.count == parameters.count && state.count == parameters.count && (mask?.count ?? parameters.count) == parameters.count,
                     "Adam step: parameters, gradient, mask and state must have the same length")
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                if let mask {
                    mask.withUnsafeBufferPointer { m in step(p, gradient: g, mask: m, state: &state, learningRate: lr ?? learningRate) }
                } else {
                    step(p, gradient: g, mask: nil, state: &state, learningRate: lr ?? learningRate)
                }
            }
        }
    }

    /// The same step on buffers (the trainer's layers call this on each weight matrix and bias vector in place).
    public func step(_ p: UnsafeMutableBufferPointer<Double>, gradient g: UnsafeBufferPointer<Double>, mask: UnsafeBufferPointer<Double>?,
                     state: inout AdamState, learningRate lr: Double) {
        state.step += 1
        let t = Double(state.step)
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay
        // PyTorch's order of operations: step size lr / (1 − β₁ᵗ), denominator √v / √(1 − β₂ᵗ) + ε.
        let stepSize = lr / (1 - pow(b1, t))
        let bc2Sqrt = (1 - pow(b2, t)).squareRoot()
        let shrink = decoupled ? 1 - lr * wd : 1
        let l2 = decoupled ? 0 : wd
        let n = p.count
        guard n > 0, let w = p.baseAddress, let gp = g.baseAddress else { return }
        state.firstMoment.withUnsafeMutableBufferPointer { mb in
            state.secondMoment.withUnsafeMutableBufferPointer { vb in
                let m = mb.baseAddress!, v = vb.baseAddress!
                if let k = mask?.baseAddress {
                    for i in 0..<n {
                        if decoupled { w[i] *= shrink }
                        let gi = (gp[i] + l2 * w[i]) * k[i]
                        m[i] += (1 - b1) * (gi - m[i])
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        w[i] -= stepSize * (m[i] / (v[i].squareRoot() / bc2Sqrt + eps)) * k[i]
                    }
                } else {
                    for i in 0..<n {
                        if decoupled { w[i] *= shrink }
                        let gi = gp[i] + l2 * w[i]
                        m[i] += (1 - b1) * (gi - m[i])
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        w[i] -= stepSize * (m[i] / (v[i].squareRoot() / bc2Sqrt + eps))
                    }
                }
            }
        }
    }
}
