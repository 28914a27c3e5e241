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
    /// Row i's share of the mean when the rows are blocks of unequal length; nil: 1/count each.
    let weights: [Double]?

    /// An all-zero memory for `count` samples of `dimension` numbers each.
    public init(count: Int, dimension: Int) throws(BilevelError) {
        try self.init(count: count, dimension: dimension, weights: nil)
    }

    /// An all-zero memory with one row per block of samples, row i weighing `weights[i]` in the mean (the block's
    /// share of the samples), so the mean stays the population average when the last block is shorter.
    public init(weights: [Double], dimension: Int) throws(BilevelError) {
        try self.init(count: weights.count, dimension: dimension, weights: weights)
    }

    init(count: Int, dimension: Int, weights: [Double]?) throws(BilevelError) {
        try requireAtLeast(count, 1, "SAGA memory size")
        try requireAtLeast(dimension, 1, "SAGA memory dimension")
        self.count = count
        self.dimension = dimension
        self.weights = weights
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
    public mutating func replace(_ i: Int, _ value: [Double]) { replace(i, value, at: 0) }

    /// Makes `values[offset..<offset + dimension]` row `i` and moves the mean with it.
    mutating func replace(_ i: Int, _ values: [Double], at offset: Int) {
        let base = i * dimension, w = weights?[i] ?? 1 / Double(count)
        table.withUnsafeMutableBufferPointer { t in
            for k in 0..<dimension {
                mean[k] += w * (values[offset + k] - t[base + k])
                t[base + k] = values[offset + k]
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

    /// The batch SAGA step: `out` = mean + the average over r of (value_r − row rows[r]), all against the memory as it
    /// was before the batch; then each row is replaced in turn (a repeated index keeps its last value).
    /// `values` holds one value per entry of `rows`, back to back.
    public mutating func step(rows: [Int], _ values: [Double], into out: inout [Double]) {
        let d = dimension, w = 1 / Double(max(rows.count, 1))
        for k in 0..<d { out[k] = 0 }
        table.withUnsafeBufferPointer { t in
            for (r, i) in rows.enumerated() { for k in 0..<d { out[k] += values[r * d + k] - t[i * d + k] } }
        }
        for k in 0..<d { out[k] = mean[k] + w * out[k] }
        for (r, i) in rows.enumerated() { replace(i, values, at: r * d) }
    }

    /// Recomputes the mean from the table.
    mutating func resum() {
        let d = dimension, n = count, w = 1 / Double(count)
        var m = [Double](repeating: 0, count: d)
        table.withUnsafeBufferPointer { t in
            if let weights {
                for i in 0..<n { for k in 0..<d { m[k] += weights[i] * t[i * d + k] } }
            } else {
                for i in 0..<n { for k in 0..<d { m[k] += t[i * d + k] } }
            }
        }
        for k in 0..<d { mean[k] = weights == nil ? w * m[k] : m[k] }
        sinceResum = 0
    }
}


/// SABA (Dagréou, Ablin, Vaiter, Moreau 2022): SOBA's three single-loop directions with every
/// per-sample term replaced by a SAGA estimate, so constant steps converge on finite sums.
///
/// Memories: ∇_yG, ∇²_yG·v and ∇ₓ∇_yG·v per training sample; ∇_yF and ∇ₓF per validation
/// sample. At batch 1 each step draws one training and one validation index uniformly and costs
/// 5 calls. At batch B > 1 it costs 5B: on a problem whose minibatches are fixed contiguous blocks
/// (benchopt-quadratic, both sets of one size) the memory keeps one row per block, as benchopt's
/// SABA does, and one call per quantity covers the block; elsewhere B indices are drawn per set and
/// each keeps its own row. `init-memory` full fills every row at the start with one pass over both
/// sets (3n + 2m calls); zero (benchopt's default) starts them at 0, so early steps lean on fewer rows.
public struct SABA: BilevelSolver {
    public static let name = "saba"
    public static let summary = "SABA: SOBA with SAGA memories on finite sums, constant steps, O((n+m)^{2/3} ε^-1) (Dagréou et al. 2022)"
    public static let proved: ProvedRate = .epsilonExponent(1, source: "Dagréou et al. 2022: O((n+m)^{2/3} ε^-1), exponent at fixed n + m; unconfirmed")
    public static let derivedParameters = [
        DerivedParameter("alpha", .xStep(0.0015), .positive, "x step γ (constant); keep γ ≲ ρ·s or log λ can run away"),
    ]
    public static let fixedParameters: [Parameter] = [
        .real("rho", 0.015, .positive, "y and v step ρ (constant; SAGA needs ≲ 1/(per-sample L), far below 0.6/L)"),
        .count("batch", 1, "minibatch size B (one memory row per block where the problem walks fixed blocks)"),
        .choice("init-memory", "full", ["full", "zero"], "full: one pass fills every memory row at the start (3n + 2m calls); zero: rows start at 0, as in benchopt"),
    ]

    public let values: ParameterValues
    let a: Double, r: Double, bs: Int, fillMemory: Bool

    public static let needsFiniteSum = true

    public init(_ values: ParameterValues, problem: any BilevelProblem) throws(BilevelError) {
        // SAGA keeps one memory row per sample: a fresh-noise population has no rows to keep.
        try Self.requireSupport(problem)
        self.values = values
        a = values.real("alpha"); r = values.real("rho")
        bs = try batchSize(values, "batch", problem)
        if let m = problem.upperSampleCount, bs > m { throw .invalidOption("batch = \(bs) is larger than the \(m) validation samples") }
        fillMemory = values.string("init-memory") == "full"
    }

    /// The five memories, with rows per sample (or per block) of each set, and one step's buffers.
    struct Memories {
        var gy: SAGAMemory, hv: SAGAMemory, jv: SAGAMemory, fy: SAGAMemory, fx: SAGAMemory
        /// Fresh oracle values, and their SAGA estimates: the directions a step moves along.
        var value: Quantities, direction: Quantities

        init(lower: (Int, [Double]?), upper: (Int, [Double]?), dx: Int, dy: Int) throws(BilevelError) {
            func make(_ rows: (Int, [Double]?), _ d: Int) throws(BilevelError) -> SAGAMemory {
                if let w = rows.1 { return try SAGAMemory(weights: w, dimension: d) }
                return try SAGAMemory(count: rows.0, dimension: d)
            }
            gy = try make(lower, dy); hv = try make(lower, dy); jv = try make(lower, dx)
            fy = try make(upper, dy); fx = try make(upper, dx)
            value = Quantities(dx: dx, dy: dy); direction = value
        }

        /// The five oracles on `batch` at (x, y, v), all before any variable moves, into `value`.
        mutating func evaluate(_ oracles: CountingOracles, _ batch: Minibatch, _ x: [Double], _ y: [Double], _ v: [Double]) {
            oracles.lowerOracles(x, y, v, batch, gradY: &value.gy, hessianVector: &value.hv, jacobianVector: &value.jv)
            oracles.upperGradients(x, y, batch, gradY: &value.fy, gradX: &value.fx)
        }

        /// `value` stored as lower row `i` and upper row `j` (the fill pass).
        mutating func store(lowerRow i: Int, upperRow j: Int) {
            gy.replace(i, value.gy); hv.replace(i, value.hv); jv.replace(i, value.jv); fy.replace(j, value.fy); fx.replace(j, value.fx)
        }

        /// One SAGA step: the oracles on `batch`, their estimates against lower row `i` and upper row `j` into `direction`.
        mutating func step(_ oracles: CountingOracles, _ batch: Minibatch, lowerRow i: Int, upperRow j: Int,
                           _ x: [Double], _ y: [Double], _ v: [Double]) {
            evaluate(oracles, batch, x, y, v)
            gy.step(i, value.gy, into: &direction.gy)
            hv.step(i, value.hv, into: &direction.hv)
            jv.step(i, value.jv, into: &direction.jv)
            fy.step(j, value.fy, into: &direction.fy)
            fx.step(j, value.fx, into: &direction.fx)
        }
    }

    /// ∇_yG, HVP, JVP, ∇_yF and ∇ₓF, one vector each.
    struct Quantities {
        var gy: [Double], hv: [Double], jv: [Double], fy: [Double], fx: [Double]
        init(dx: Int, dy: Int) {
            gy = [Double](repeating: 0, count: dy); hv = gy; fy = gy
            jv = [Double](repeating: 0, count: dx); fx = jv
        }
    }

    public func run(_ oracles: CountingOracles, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let problem = oracles.problem
        // init refuses infinite lower populations; an infinite upper one alone has no SAGA form either.
        guard let n = problem.lowerSampleCount, let m = problem.upperSampleCount, n > 0, m > 0 else { return }
        if bs > 1 && problem.walksReshuffledBlocks && n == m {
            runBlocks(oracles, n: n, x: &x, y: &y, stream: stream, recorder: recorder)
        } else {
            runSamples(oracles, n: n, m: m, x: &x, y: &y, stream: stream, recorder: recorder)
        }
    }

    /// One row per sample; each step draws B indices per set uniformly (with replacement) and calls each oracle per sample.
    func runSamples(_ oracles: CountingOracles, n: Int, m: Int, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        guard var mem = try? Memories(lower: (n, nil), upper: (m, nil), dx: dx, dy: dy) else { return }
        var v = [Double](repeating: 0, count: dy)
        var batch = Minibatch(size: 1, lower: [0], upper: [])
        if fillMemory {
            // One pass at the start point: every memory row is then exact, so the first estimates are the full oracles.
            for i in 0..<n {
                batch.lower[0] = i
                oracles.gradYG(x, y, batch, into: &mem.value.gy); mem.gy.replace(i, mem.value.gy)
                oracles.hessianVector(x, y, v, batch, into: &mem.value.hv); mem.hv.replace(i, mem.value.hv)
                oracles.jacobianVector(x, y, v, batch, into: &mem.value.jv); mem.jv.replace(i, mem.value.jv)
            }
            batch = Minibatch(size: 1, lower: [], upper: [0])
            for j in 0..<m {
                batch.upper[0] = j
                oracles.gradYF(x, y, batch, into: &mem.value.fy); mem.fy.replace(j, mem.value.fy)
                oracles.gradXF(x, y, batch, into: &mem.value.fx); mem.fx.replace(j, mem.value.fx)
            }
        }
        batch = Minibatch(size: 1, lower: [0], upper: [0])
        if bs == 1 {
            repeat {
                let i = stream.uniformInt(n), j = stream.uniformInt(m)
                batch.lower[0] = i; batch.upper[0] = j
                mem.step(oracles, batch, lowerRow: i, upperRow: j, x, y, v)
                update(&x, &y, &v, mem.direction)
            } while recorder.observe(x, y)
            return
        }
        // Batch B: the B fresh values of each quantity, back to back, then one batch SAGA step per memory.
        var lower = [Int](repeating: 0, count: bs), upper = lower
        var fresh = Quantities(dx: bs * dx, dy: bs * dy)
        repeat {
            for s in 0..<bs { lower[s] = stream.uniformInt(n) }
            for s in 0..<bs { upper[s] = stream.uniformInt(m) }
            for s in 0..<bs {
                batch.lower[0] = lower[s]; batch.upper[0] = upper[s]
                mem.evaluate(oracles, batch, x, y, v)
                for k in 0..<dy { fresh.gy[s * dy + k] = mem.value.gy[k]; fresh.hv[s * dy + k] = mem.value.hv[k]; fresh.fy[s * dy + k] = mem.value.fy[k] }
                for k in 0..<dx { fresh.jv[s * dx + k] = mem.value.jv[k]; fresh.fx[s * dx + k] = mem.value.fx[k] }
            }
            mem.gy.step(rows: lower, fresh.gy, into: &mem.direction.gy)
            mem.hv.step(rows: lower, fresh.hv, into: &mem.direction.hv)
            mem.jv.step(rows: lower, fresh.jv, into: &mem.direction.jv)
            mem.fy.step(rows: upper, fresh.fy, into: &mem.direction.fy)
            mem.fx.step(rows: upper, fresh.fx, into: &mem.direction.fx)
            update(&x, &y, &v, mem.direction)
        } while recorder.observe(x, y)
    }

    /// One row per contiguous block of B samples (benchopt's memory): each step takes the problem's next block, one call per quantity.
    func runBlocks(_ oracles: CountingOracles, n: Int, x: inout [Double], y: inout [Double], stream: RandomStream, recorder: Recorder) {
        let dx = x.count, dy = y.count
        let blocks = (n + bs - 1) / bs
        let weights = (0..<blocks).map { Double(min(n, ($0 + 1) * bs) - $0 * bs) / Double(n) }
        guard var mem = try? Memories(lower: (blocks, weights), upper: (blocks, weights), dx: dx, dy: dy) else { return }
        var v = [Double](repeating: 0, count: dy)
        if fillMemory {
            for b in 0..<blocks {
                let rows = Array((b * bs)..<min(n, (b + 1) * bs))
                mem.evaluate(oracles, Minibatch(size: rows.count, lower: rows, upper: rows), x, y, v)
                mem.store(lowerRow: b, upperRow: b)
            }
        }
        repeat {
            let batch = oracles.draw(bs, stream)
            mem.step(oracles, batch, lowerRow: batch.lower[0] / bs, upperRow: batch.upper[0] / bs, x, y, v)
            update(&x, &y, &v, mem.direction)
        } while recorder.observe(x, y)
    }

    /// y and v take ρ-steps along their estimates, x a γ-step, all from the same iterate.
    @inline(__always)
    func update(_ x: inout [Double], _ y: inout [Double], _ v: inout [Double], _ d: Quantities) {
        for k in 0..<y.count { y[k] -= r * d.gy[k]; v[k] -= r * (d.hv[k] + d.fy[k]) }
        for k in 0..<x.count { x[k] -= a * (d.fx[k] + d.jv[k]) }
    }

    public static func prescribed(forTarget epsilon: Double, problem: any BilevelProblem) -> [String: ParameterValue] { [:] }
}
