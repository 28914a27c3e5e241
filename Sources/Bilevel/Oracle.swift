import Foundation
import Randomness

/// The kinds of stochastic oracle a bilevel solver calls; each per-sample evaluation counts one.
public enum OracleKind: String, CaseIterable, Sendable, Codable {
    /// ∇_y g: gradient of the lower-level objective in the lower variable.
    case gradYG = "grad_y_g"
    /// ∇ₓ f: gradient of the upper-level objective in the upper variable.
    case gradXF = "grad_x_f"
    /// ∇_y f: gradient of the upper-level objective in the lower variable.
    case gradYF = "grad_y_f"
    /// ∇²_y g · v: Hessian-vector product of the lower objective.
    case hessianVector = "hvp"
    /// ∇ₓ∇_y g · v: Jacobian-vector (cross-derivative) product of the lower objective.
    case jacobianVector = "jvp"
    /// ∇ₓ g: gradient of the lower objective in the upper variable (the fully first-order solvers F2SA and BOME).
    case gradXG = "grad_x_g"
    /// f(x, y): one upper-level function value per sample (the zeroth-order random-search baseline).
    case valueF = "f_value"

    /// Whether the oracle samples the lower-level (training) population.
    public var isLower: Bool { self == .gradYG || self == .hessianVector || self == .jacobianVector || self == .gradXG }
}

/// Per-kind oracle counts; the unit the complexity theory counts.
public struct OracleCounts: Sendable, Codable, Equatable {
    /// Calls of each kind, keyed by `OracleKind.rawValue` order.
    public var gradYG = 0, gradXF = 0, gradYF = 0, hessianVector = 0, jacobianVector = 0
    /// First-order and zeroth-order kinds (added after bilevel/2; zero for the solvers that do not call them).
    public var gradXG = 0, valueF = 0

    /// An all-zero count.
    public init() {}

    /// The count of one kind.
    public subscript(kind: OracleKind) -> Int {
        get {
            switch kind {
            case .gradYG: gradYG
            case .gradXF: gradXF
            case .gradYF: gradYF
            case .hessianVector: hessianVector
            case .jacobianVector: jacobianVector
            case .gradXG: gradXG
            case .valueF: valueF
            }
        }
        set {
            switch kind {
            case .gradYG: gradYG = newValue
            case .gradXF: gradXF = newValue
            case .gradYF: gradYF = newValue
            case .hessianVector: hessianVector = newValue
            case .jacobianVector: jacobianVector = newValue
            case .gradXG: gradXG = newValue
            case .valueF: valueF = newValue
            }
        }
    }

    /// Every call of every kind.
    public var total: Int { gradYG + gradXF + gradYF + hessianVector + jacobianVector + gradXG + valueF }

    /// Second-order calls (HVP + JVP): zero for the fully first-order solvers.
    public var secondOrder: Int { hessianVector + jacobianVector }
}

/// A minibatch: which samples an oracle averages over, drawn once so it can be reused at two points.
///
/// Finite-sum problems fill `lower` (training rows) and `upper` (validation rows); synthetic
/// problems with an infinite population fill `noise` with `size` blocks of their own layout.
/// A full batch (`isFull`) asks for the exact, noise-free oracle.
public struct Minibatch: Sendable {
    /// Number of samples (what one oracle call on this batch costs).
    public var size: Int
    /// Indices into the lower-level sample set.
    public var lower: [Int]
    /// Indices into the upper-level sample set.
    public var upper: [Int]
    /// Per-sample noise for synthetic problems, one contiguous block per sample.
    public var noise: [Double]
    /// Doubles of `noise` per sample.
    public var noiseStride: Int
    /// Whether this is the exact full-population oracle.
    public var isFull: Bool

    /// A batch with the given parts.
    public init(size: Int, lower: [Int] = [], upper: [Int] = [], noise: [Double] = [], noiseStride: Int = 0, isFull: Bool = false) {
        self.size = size
        self.lower = lower
        self.upper = upper
        self.noise = noise
        self.noiseStride = noiseStride
        self.isFull = isFull
    }

    /// Calls `body(row, weight)` for every sample of a batch, or of the whole set when `full`, with weight 1/(number of samples).
    @inline(__always)
    static func forEachSample(_ full: Bool, _ indices: [Int], count: Int, _ body: (Int, Double) -> Void) {
        if full {
            let w = 1 / Double(count)
            for i in 0..<count { body(i, w) }
        } else {
            let w = 1 / Double(max(indices.count, 1))
            for i in indices { body(i, w) }
        }
    }

    /// `size` lower-level and `size` upper-level indices drawn uniformly with replacement (the real-data problems' sampling).
    public static func sampled(size: Int, lowerCount: Int, upperCount: Int, stream: RandomStream) -> Minibatch {
        var lo = [Int](repeating: 0, count: size), up = lo
        for i in 0..<size { lo[i] = stream.uniformInt(lowerCount); up[i] = stream.uniformInt(upperCount) }
        return Minibatch(size: size, lower: lo, upper: up)
    }
}

/// Overflow-safe logistic functions shared by the real-data problems.
enum Logistic {
    /// σ(z) = 1/(1 + e^{−z}), evaluated on the side that cannot overflow.
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }

    /// log(1 + e^{−z}) without overflow.
    @inline(__always)
    static func logLoss(_ z: Double) -> Double { z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z)) }
}

/// The counting front of a problem: every oracle call goes through here and is tallied by kind.
///
/// Exact quantities (Φ, ∇Φ, y*) are reached through `problem` directly and never counted.
public final class CountingOracles {
    /// The problem whose oracles are counted.
    public let problem: any BilevelProblem
    /// Calls so far, by kind.
    public private(set) var counts = OracleCounts()

    /// Wraps `problem` with a zero count.
    public init(_ problem: any BilevelProblem) { self.problem = problem }

    /// Per-sample cost of one call on `batch`: full batches cost the population size.
    @inline(__always)
    func cost(_ batch: Minibatch, _ kind: OracleKind) -> Int {
        guard batch.isFull else { return batch.size }
        return (kind.isLower ? problem.lowerSampleCount : problem.upperSampleCount) ?? 1
    }

    /// ∇_y g(x, y; batch) into `out`.
    public func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.gradYG += cost(batch, .gradYG)
        problem.gradYG(x, y, batch, into: &out)
    }

    /// ∇ₓ f(x, y; batch) into `out`.
    public func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.gradXF += cost(batch, .gradXF)
        problem.gradXF(x, y, batch, into: &out)
    }

    /// ∇_y f(x, y; batch) into `out`.
    public func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.gradYF += cost(batch, .gradYF)
        problem.gradYF(x, y, batch, into: &out)
    }

    /// ∇²_y g(x, y; batch) · v into `out`.
    public func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.hessianVector += cost(batch, .hessianVector)
        problem.hessianVector(x, y, v, batch, into: &out)
    }

    /// ∇ₓ∇_y g(x, y; batch) · v into `out` (length = upper dimension).
    public func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.jacobianVector += cost(batch, .jacobianVector)
        problem.jacobianVector(x, y, v, batch, into: &out)
    }

    /// ∇_y g, ∇²_y g·v and ∇ₓ∇_y g·v on one batch, counted as the three calls they are.
    public func lowerOracles(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch,
                             gradY: inout [Double], hessianVector hv: inout [Double], jacobianVector jv: inout [Double]) {
        counts.gradYG += cost(batch, .gradYG)
        counts.hessianVector += cost(batch, .hessianVector)
        counts.jacobianVector += cost(batch, .jacobianVector)
        problem.lowerOracles(x, y, v, batch, gradY: &gradY, hessianVector: &hv, jacobianVector: &jv)
    }

    /// ∇_y g at two points on one batch, counted as the two calls they are.
    public func gradYGPair(_ x1: [Double], _ y1: [Double], _ x2: [Double], _ y2: [Double], _ batch: Minibatch,
                           into out1: inout [Double], _ out2: inout [Double]) {
        counts.gradYG += 2 * cost(batch, .gradYG)
        problem.gradYGPair(x1, y1, x2, y2, batch, into: &out1, &out2)
    }

    /// Two Hessian-vector products on one batch at two points, counted as the two calls they are.
    public func hessianVectorPair(_ x1: [Double], _ y1: [Double], _ v1: [Double], _ x2: [Double], _ y2: [Double], _ v2: [Double],
                                  _ batch: Minibatch, into out1: inout [Double], _ out2: inout [Double]) {
        counts.hessianVector += 2 * cost(batch, .hessianVector)
        problem.hessianVectorPair(x1, y1, v1, x2, y2, v2, batch, into: &out1, &out2)
    }

    /// ∇_y f and ∇ₓ f on one batch, counted as the two calls they are.
    public func upperGradients(_ x: [Double], _ y: [Double], _ batch: Minibatch, gradY: inout [Double], gradX: inout [Double]) {
        counts.gradYF += cost(batch, .gradYF)
        counts.gradXF += cost(batch, .gradXF)
        problem.upperGradients(x, y, batch, gradY: &gradY, gradX: &gradX)
    }

    /// ∇ₓ g(x, y; batch) into `out` (only on problems with `providesGradXG`).
    public func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        counts.gradXG += cost(batch, .gradXG)
        problem.gradXG(x, y, batch, into: &out)
    }

    /// f(x, y; batch), one call per sample (a full batch costs the upper population size, 1 on an infinite one).
    public func upperValue(_ x: [Double], _ y: [Double], _ batch: Minibatch) -> Double {
        counts.valueF += cost(batch, .valueF)
        return problem.upperValue(x, y, batch)
    }

    /// The block walkers of this run, one per batch size and set size.
    private var walkers: [SIMD2<Int>: BlockWalker] = [:]

    /// The next block of `size` samples of a set of `n`, from the walker for that batch size and set size.
    private func nextBlock(_ size: Int, of n: Int, _ stream: RandomStream) -> [Int] {
        let key = SIMD2(size, n)
        if walkers[key] == nil { walkers[key] = BlockWalker(samples: n, size: size) }
        return walkers[key]!.next(stream)
    }

    /// A fresh minibatch of `size` samples (the next block when the problem walks reshuffled blocks).
    ///
    /// Lower and upper sets of equal size share one walk: their samples are independent, so pairing blocks by
    /// position has the same distribution as benchopt's two independent walks, and both halves of a batch have
    /// the same number of samples, which is what a call on it costs.
    public func draw(_ size: Int, _ stream: RandomStream) -> Minibatch {
        guard problem.walksReshuffledBlocks, let n = problem.lowerSampleCount else { return problem.drawBatch(size: size, stream: stream) }
        let lower = nextBlock(size, of: n, stream)
        guard let m = problem.upperSampleCount, m != n else { return Minibatch(size: lower.count, lower: lower, upper: lower) }
        // Sets of different sizes: the upper walk is its own, with blocks of the lower block's length.
        return Minibatch(size: lower.count, lower: lower, upper: nextBlock(lower.count, of: m, stream))
    }

    /// A fresh minibatch valid for Hessian-vector products only (cheaper to draw on synthetic problems).
    public func drawHessian(_ size: Int, _ stream: RandomStream) -> Minibatch {
        guard problem.walksReshuffledBlocks, let n = problem.lowerSampleCount else { return problem.drawHessianBatch(size: size, stream: stream) }
        let lower = nextBlock(size, of: n, stream)
        return Minibatch(size: lower.count, lower: lower, upper: [])
    }
}

/// benchopt's minibatch sampler: the samples split into ⌈n/B⌉ contiguous blocks (the last one shorter when B does
/// not divide n), visited in order in the first epoch and in a fresh random order in every later one.
struct BlockWalker {
    let samples: Int, size: Int
    private var order: [Int]
    private var position = 0

    init(samples: Int, size: Int) {
        self.samples = samples
        self.size = max(1, size)
        order = Array(0..<max(1, (samples + self.size - 1) / self.size))
    }

    /// The sample indices of the next block; reshuffles the block order with `stream` when an epoch ends.
    mutating func next(_ stream: RandomStream) -> [Int] {
        let block = order[position]
        position += 1
        if position == order.count {
            stream.shuffle(&order)
            position = 0
        }
        return Array((block * size)..<min(samples, (block + 1) * size))
    }
}
