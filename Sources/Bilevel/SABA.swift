import Components
import Foundation
import Randomness

/// A SAGA memory: the last value of one per-sample oracle for every sample index, and their mean.
///
/// The estimate for sample i is new_i − memory_i + mean(memory). Its average over i is the
/// full-batch oracle at the new point, and it equals that oracle exactly when memory_i was
/// computed at the same point for every i — the two facts SABA's analysis rests on.
public struct SAGAMemory: Sendable {
    /// Number of samples (rows of the table).
    public let count: Int
    /// Length of one stored value.
    public let dimension: Int
    /// Row i (at i·dimension) is the last value stored for sample i.
    var table: [Double]
    /// The mean of the rows, kept up to date incrementally.
    public private(set) var mean: [Double]
    /// Replacements since the mean was last summed from scratch.
    var sinceResum = 0

    /// An all-zero memory for `count` samples of `dimension` numbers each.
    public init(count: Int, dimension: Int) throws(BilevelError) {
        try requireAtLeast(count, 1, "SAGA memory size")
        try requireAtLeast(dimension, 1, "SAGA memory dimension")
        self.count = count
        self.dimension = dimension
        table = [Double](repeating: 0, count: count * dimension)
        mean = [Double](repeating: 0, count: dimension)
    }

    /// The stored value of sample `i`.
    public func stored(_ i: Int) -> [Double] { Array(table[(i * dimension)..<((i + 1) * dimension)]) }

    /// The SAGA estimate for sample `i` with fresh value `value`, into `out`; the memory is unchanged.
    public func estimate(_ i: Int, _ value: [Double], into out: inout [Double]) {
        let base = i * dimension
        table.withUnsafeBufferPointer { t in
            for k in 0..<dimension { out[k] = value[k] - t[base + k] + mean[k] }
        }
    }

    /// Makes `value` sample `i`'s stored value and moves the mean with it.
    public mutating func replace(_ i: Int, _ value: [Double]) {
        let base = i * dimension, w = 1 / Double(count)
        table.withUnsafeMutableBufferPointer { t in
            for k in 0..<dimension {
                mean[k] += w * (value[k] - t[base + k])
                t[base + k] = value[k]
            }
        }
        sinceResum += 1
        // Incremental updates accumulate rounding; one exact re-sum per `count` replacements costs O(dimension) per step amortised.
        if sinceResum >= count { resum() }
    }

    /// The estimate for sample `i` (into `out`), then the replacement: one SAGA step.
    public mutating func step(_ i: Int, _ value: [Double], into out: inout [Double]) {
        estimate(i, value, into: &out)
        replace(i, value)
    }

    /// Recomputes the mean from the table.
    mutating func resum() {
        let d = dimension, n = count, w = 1 / Double(count)
        var m = [Double](repeating: 0, count: d)
        table.withUnsafeBufferPointer { t in
            for i in 0..<n { for k in 0..<d { m[k] += t[i * d + k] } }
        }
        for k in 0..<d { mean[k] = w * m[k] }
        sinceResum = 0
    }
}

/// SABA (Dagréou, Ablin, Vaiter, Moreau 2022): SOBA's three single-loop directions with every
/// per-sample term replaced by a SAGA estimate, so constant steps converge on finite sums.
///
/// Memories: ∇_yG, ∇²_yG·v and ∇ₓ∇_yG·v per training sample; ∇_yF and ∇ₓF per validation
/// sample. The start fills them with one pass over both sets (3n + 2m calls); each step then
/// draws one training and one validation index uniformly and costs 5 calls.
public struct SABA: BilevelSolver {
    public static let name = "saba"
    public static let summary = "SABA: SOBA with SAGA memories on finite sums, constant steps, O((n+m)^{2/3} ε^-1) (Dagréou et al. 2022)"
    public static let proved: ProvedRate = .epsilonExponent(1, source: "Dagréou et al. 2022: O((n+m)^{2/3} ε^-1), exponent at fixed n + m; unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.0015), .positive, "x step γ (constant); keep γ ≲ ρ·s or log λ can run away"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("rho", 0.015, .positive, "y and v step ρ (constant; SAGA needs ≲ 1/(per-sample L), far below 0.6/L)"),
    ]

    public let values: ParameterValues
    let a: Double, r: Double

    public static let needsFiniteSum = true

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        // SAGA keeps one memory row per sample: a fresh-noise population has no rows to keep.
        try Self.requireSupport(problem)
        self.values = values
        a = values.real("alpha"); r = values.real("rho")
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let problem = oracles.problem
        // init refuses infinite lower populations; an infinite upper one alone has no SAGA form either.
        guard let n = problem.lowerSampleCount, let m = problem.upperSampleCount, n > 0, m > 0,
              var gyMemory = try? SAGAMemory(count: n, dimension: y.count),
              var hvMemory = try? SAGAMemory(count: n, dimension: y.count),
              var jvMemory = try? SAGAMemory(count: n, dimension: x.count),
              var fyMemory = try? SAGAMemory(count: m, dimension: y.count),
              var fxMemory = try? SAGAMemory(count: m, dimension: x.count) else { return }
        let dx = x.count, dy = y.count
        var v = [Double](repeating: 0, count: dy)
        var gy = v, hv = v, fy = v, dgy = v, dhv = v, dfy = v
        var fx = [Double](repeating: 0, count: dx), jv = fx, dfx = fx, djv = fx
        // One pass at the start point: every memory row is then exact, so the first estimates are the full oracles.
        var batch = Minibatch(size: 1, lower: [0], upper: [])
        for i in 0..<n {
            batch.lower[0] = i
            oracles.gradYG(x, y, batch, into: &gy); gyMemory.replace(i, gy)
            oracles.hessianVector(x, y, v, batch, into: &hv); hvMemory.replace(i, hv)
            oracles.jacobianVector(x, y, v, batch, into: &jv); jvMemory.replace(i, jv)
        }
        batch = Minibatch(size: 1, lower: [], upper: [0])
        for j in 0..<m {
            batch.upper[0] = j
            oracles.gradYF(x, y, batch, into: &fy); fyMemory.replace(j, fy)
            oracles.gradXF(x, y, batch, into: &fx); fxMemory.replace(j, fx)
        }
        batch = Minibatch(size: 1, lower: [0], upper: [0])
        repeat {
            let i = stream.uniformInt(n), j = stream.uniformInt(m)
            batch.lower[0] = i; batch.upper[0] = j
            // All five at (x_k, y_k, v_k) before any variable moves.
            oracles.gradYG(x, y, batch, into: &gy)
            oracles.hessianVector(x, y, v, batch, into: &hv)
            oracles.jacobianVector(x, y, v, batch, into: &jv)
            oracles.gradYF(x, y, batch, into: &fy)
            oracles.gradXF(x, y, batch, into: &fx)
            gyMemory.step(i, gy, into: &dgy)
            hvMemory.step(i, hv, into: &dhv)
            jvMemory.step(i, jv, into: &djv)
            fyMemory.step(j, fy, into: &dfy)
            fxMemory.step(j, fx, into: &dfx)
            for k in 0..<dy { y[k] -= r * dgy[k]; v[k] -= r * (dhv[k] + dfy[k]) }
            for k in 0..<dx { x[k] -= a * (dfx[k] + djv[k]) }
        } while recorder.observe(x, y)
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
