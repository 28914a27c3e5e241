import Components
import LinearAlgebra

/// The mutable state every selector shares: the sub-network output f (in-sample and held-out), its residual
/// e = f − t, the gradient scores s = Φᵀe (the one gemv per step), and the sparse simplex weights.
///
/// The residual is carried as a vector of its own and updated by the same convex step as f,
/// e ← (1 − γ) e + γ (φ_i − t), so its rounding error is relative to ‖e‖: L has no numerical floor. (A loss expanded
/// as a sum of scalar terms floors near 1e-13, and e = f − t recomputed from f floors where ‖e‖ ≈ ε‖f‖, ~1e-32 for
/// tanh atoms and higher for ReLU ones, which made the per-step certificate fail by rounding alone.)
/// All buffers are allocated once; a step touches O(M) entries of f and e, O(N) scores, and the support.
final class SelectionState {
    let problem: AtomProblem
    let m: Int, n: Int
    /// f_n on the training inputs.
    var f: [Double]
    /// f_n on the held-out inputs.
    var fHeld: [Double]
    /// e = f − t, updated alongside f.
    var e: [Double]
    /// s = Φᵀe.
    var s: [Double]
    /// Dense weights (sum 1 once any atom is chosen).
    var weights: [Double]
    /// Indices with non-zero weight.
    var support: [Int] = []
    /// ‖e‖² and ⟨e, t⟩ (so ⟨e, f⟩ = ee + et).
    var ee = 0.0, et = 0.0
    var ef: Double { ee + et }
    var trace: SelectionTrace
    let options: SelectionOptions
    /// Whether `s` equals Φᵀe for the current e (computed, or carried through the moves by cached Gram columns).
    var scoresCurrent = false
    /// Moves carried since the last full gemv, and ‖e‖² at that gemv. The carried scores keep rounding errors of the size
    /// ε‖Φ‖‖e‖ of the residual they were computed from, so they are recomputed once ‖e‖² has halved (and every
    /// `rescoreInterval` moves): a shrinking residual never sees errors sized for a larger one.
    var carriedMoves = 0, eeAtScores = 0.0
    /// The Gram columns ΦᵀΦ_i of the atoms picked so far, contiguous, `gramSlot[i]` the column's offset / n.
    var gram: [Double] = []
    var gramSlot: [Int: Int] = [:]
    /// The runners-up of the selector's last scan, best first: a miss in the Gram cache computes their columns in the
    /// same pass over Φ as the pick's, because later picks come from them often (see `GramCache.block`).
    let runnersUp = Leaders()
    /// Bounds on the scores from a low-rank projection of Φ, while the selector screens (then `s` is not computed); a
    /// selector drops it when it stops paying, and the next `record` computes the scores.
    var screen: ScoreScreen?

    /// Recompute the scores by a full gemv after this many carried moves.
    static let rescoreInterval = 64
    /// At most this many doubles of cached Gram columns (512 MB); past it a move makes the scores stale again.
    static let gramBudget = 1 << 26

    /// A state for `steps` steps; a `screenable` selector gets a `ScoreScreen` where `ScoreScreen.applies`.
    init(problem: AtomProblem, selector: String, steps: Int, options: SelectionOptions, screenable: Bool = false) {
        self.problem = problem
        m = problem.inputCount
        n = problem.neuronCount
        f = [Double](repeating: 0, count: m)
        fHeld = [Double](repeating: 0, count: problem.heldOutAtoms?.rows ?? 0)
        e = problem.target.map { -$0 }
        s = [Double](repeating: 0, count: n)
        weights = [Double](repeating: 0, count: n)
        self.options = options
        trace = SelectionTrace(selector: selector)
        trace.loss.reserveCapacity(steps)
        screen = screenable && ScoreScreen.applies(to: problem, steps: steps, options: options) ? ScoreScreen(problem: problem) : nil
    }

    /// f ← (1 − γ) f + γ φ_i (and the same on held-out inputs and the weights).
    func move(toward i: Int, gamma: Double) {
        let keep = 1 - gamma
        let t = problem.target
        problem.atoms.storage.withUnsafeBufferPointer { p in
            let col = i * m
            f.withUnsafeMutableBufferPointer { fp in
                e.withUnsafeMutableBufferPointer { ep in
                    for j in 0..<m {
                        let phi = p[col + j]
                        fp[j] = keep * fp[j] + gamma * phi
                        ep[j] = keep * ep[j] + gamma * (phi - t[j])
                    }
                }
            }
        }
        if let h = problem.heldOutAtoms {
            let mh = h.rows
            h.storage.withUnsafeBufferPointer { p in
                let col = i * mh
                fHeld.withUnsafeMutableBufferPointer { fp in
                    for j in 0..<mh { fp[j] = keep * fp[j] + gamma * p[col + j] }
                }
            }
        }
        carryScores(atom: i, keep: keep, gamma: gamma)
        if gamma >= 1 {
            for j in support { weights[j] = 0 }
            support.removeAll(keepingCapacity: true)
        } else {
            for j in support { weights[j] *= keep }
        }
        if weights[i] == 0 { support.append(i) }
        weights[i] += gamma
    }

    /// f ← (1 + γ) f − γ φ_v (an away step); φ_v leaves the support when its weight reaches 0.
    func move(awayFrom v: Int, gamma: Double, drop: Bool) {
        let grow = 1 + gamma
        let t = problem.target
        problem.atoms.storage.withUnsafeBufferPointer { p in
            let col = v * m
            f.withUnsafeMutableBufferPointer { fp in
                e.withUnsafeMutableBufferPointer { ep in
                    for j in 0..<m {
                        let phi = p[col + j]
                        fp[j] = grow * fp[j] - gamma * phi
                        ep[j] = grow * ep[j] - gamma * (phi - t[j])
                    }
                }
            }
        }
        if let h = problem.heldOutAtoms {
            let mh = h.rows
            h.storage.withUnsafeBufferPointer { p in
                let col = v * mh
                fHeld.withUnsafeMutableBufferPointer { fp in
                    for j in 0..<mh { fp[j] = grow * fp[j] - gamma * p[col + j] }
                }
            }
        }
        carryScores(atom: v, keep: grow, gamma: -gamma)
        for j in support { weights[j] *= grow }
        weights[v] -= gamma
        if drop || weights[v] <= 0 {
            weights[v] = 0
            support.removeAll { $0 == v }
        }
    }

    /// Replaces the weights by `w` on `indices` and recomputes f = Φ_S w explicitly.
    func setWeights(_ indices: [Int], _ w: [Double]) {
        for j in support { weights[j] = 0 }
        support.removeAll(keepingCapacity: true)
        for (k, i) in indices.enumerated() where w[k] > 0 {
            weights[i] = w[k]
            support.append(i)
        }
        scoresCurrent = false
        Self.combine(problem.atoms, support, weights, into: &f)
        for j in 0..<m { e[j] = f[j] - problem.target[j] }
        if let h = problem.heldOutAtoms { Self.combine(h, support, weights, into: &fHeld) }
    }

    static func combine(_ a: Matrix, _ idx: [Int], _ w: [Double], into out: inout [Double]) {
        let rows = a.rows
        for j in 0..<rows { out[j] = 0 }
        a.storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in idx {
                    let wi = w[i], col = i * rows
                    for j in 0..<rows { o[j] += wi * p[col + j] }
                }
            }
        }
    }

    /// Recomputes ‖e‖² and ⟨e, t⟩ from the residual vector; returns L = ‖e‖²/M.
    @discardableResult
    func refresh() -> Double {
        ee = dot(e, e)
        et = dot(e, problem.target)
        return ee / Double(m)
    }

    /// s ← Φᵀe, the one O(MN) operation of a step.
    ///
    /// Once the selector carries scores through moves (some Gram column is cached), the same pass computes the Gram
    /// columns of the last scan's best uncached candidates too, as a miss does; a selector that never moves (fully
    /// corrective) pays one plain gemv.
    func computeScores() {
        let extra = options.gramCache && !gramSlot.isEmpty ? uncachedRunnersUp(limit: GramCache.block - 1) : []
        if extra.isEmpty {
            try? gemv(problem.atoms, e, transpose: .transpose, into: &s)
        } else {
            var out = [Double](repeating: 0, count: n * (1 + extra.count))
            out.withUnsafeMutableBufferPointer { gramColumns(problem.atoms, extra, leading: e, chunk: GramCache.chunk, into: $0.baseAddress!) }
            for j in 0..<n { s[j] = out[j] }
            let slot = gram.count / n
            gram.append(contentsOf: out[n...])
            for (c, j) in extra.enumerated() { gramSlot[j] = slot + c }
        }
        scoresCurrent = true
        carriedMoves = 0
        eeAtScores = ee
    }

    /// Carries s = Φᵀe through e ← keep·e + γ(φ_i − t) in O(N): s ← keep·s + γ(ΦᵀΦ_i − Φᵀt).
    ///
    /// Greedy picks repeat (line search used 57 distinct neurons in 400 steps at N = 10⁴), so the Gram column of an atom
    /// is computed by one gemv the first time it is picked and reused after: a repeated pick costs no pass over Φ.
    func carryScores(atom i: Int, keep: Double, gamma: Double) {
        guard options.gramCache, scoresCurrent, carriedMoves < Self.rescoreInterval, ee >= 0.5 * eeAtScores else {
            scoresCurrent = false
            return
        }
        guard let column = gramColumn(i) else { scoresCurrent = false; return }
        let c = problem.atomTargetInner
        gram.withUnsafeBufferPointer { g in
            c.withUnsafeBufferPointer { cp in
                s.withUnsafeMutableBufferPointer { sp in
                    for j in 0..<n { sp[j] = keep * sp[j] + gamma * (g[column + j] - cp[j]) }
                }
            }
        }
        carriedMoves += 1
    }

    /// The offset of ΦᵀΦ_i in `gram`, computing it on first use; nil once the cache is full.
    ///
    /// A miss computes the columns of up to `GramCache.block` − 1 uncached runners-up of the last scan alongside, in the same
    /// pass over Φ: reading Φ is the cost (a small gemm per cached chunk of Φ does the arithmetic), so a block costs
    /// little more than one column, and every later pick among the runners-up costs no pass at all.
    func gramColumn(_ i: Int) -> Int? {
        if let slot = gramSlot[i] { return slot * n }
        guard gram.count + n <= Self.gramBudget else { return nil }
        let block = [i] + uncachedRunnersUp(limit: GramCache.block - 1, excluding: i, reserving: 1)
        let offset = gram.count
        gram.append(contentsOf: repeatElement(0, count: block.count * n))
        // A lone column keeps the gemv the cache used before blocks: gramColumns with one column sums in another order,
        // and greedy-decay's records moved in the last bits when it replaced this (seeds 1 and 2).
        if block.count == 1 {
            let m = self.m
            let column = Array(problem.atoms.storage[(i * m)..<(i * m + m)])
            var out = [Double](repeating: 0, count: n)
            try? gemv(problem.atoms, column, transpose: .transpose, into: &out)
            gram.replaceSubrange(offset..<(offset + n), with: out)
        } else {
            gram.withUnsafeMutableBufferPointer { g in gramColumns(problem.atoms, block, chunk: GramCache.chunk, into: g.baseAddress! + offset) }
        }
        for (c, j) in block.enumerated() { gramSlot[j] = offset / n + c }
        return offset
    }

    /// Up to `limit` of the last scan's candidates (best first) whose Gram columns are not cached, leaving room in the
    /// cache's budget for `reserving` more columns.
    func uncachedRunnersUp(limit: Int, excluding i: Int = -1, reserving: Int = 0) -> [Int] {
        let room = min(limit, (Self.gramBudget - gram.count) / n - reserving)
        var out = [Int]()
        for j in runnersUp.indices where out.count < room && j != i && gramSlot[j] == nil { out.append(j) }
        return out
    }

    /// ‖φ_i − f‖² = ‖(φ_i − t) − e‖² = ‖φ_i − t‖² − 2(s_i − ⟨e, t⟩) + ‖e‖², from the scores.
    @inline(__always)
    func distanceSquared(_ i: Int) -> Double {
        problem.centredSquaredNorms[i] - 2 * (s[i] - et) + ee
    }

    /// Appends the current state to the trace (computing scores and the certificate if asked).
    ///
    /// A loss that is not finite ends the run with a `Divergence` naming the step: a NaN path is never returned as a result.
    func record(stepSize gamma: Double, chosen: Int, needScores: Bool) throws(GreedyError) {
        let loss = refresh()
        guard loss.isFinite else {
            throw .diverged(Divergence(component: trace.selector, step: trace.loss.count + 1, unit: "step", quantity: "loss L_n", value: loss))
        }
        trace.loss.append(loss)
        if let ht = problem.heldOutTarget { trace.heldOutLoss.append(AtomProblem.meanSquaredDifference(fHeld, ht)) }
        trace.stepSize.append(gamma)
        trace.distinct.append(support.count)
        trace.chosen.append(chosen)
        if options.recordWeights { trace.weights.append(support.sorted().map { ($0, weights[$0]) }) }
        if (options.recordCertificate || needScores) && screen == nil && !(options.gramCache && scoresCurrent) {
            computeScores()
        }
        if options.recordCertificate {
            let (w, d) = certificate()
            trace.certificateW.append(w)
            trace.certificateD.append(d)
        }
    }

    /// (w_n, D_n) from the current scores: w = (⟨e,t⟩ − min_i s_i)/‖e‖, D² = max_i ‖φ_i − f‖².
    func certificate() -> (Double, Double) {
        guard ee > 0 else { return (.nan, .nan) }
        var minS = Double.infinity, maxD2 = 0.0
        s.withUnsafeBufferPointer { sp in
            problem.centredSquaredNorms.withUnsafeBufferPointer { h in
                let shift = 2 * et + ee
                for i in 0..<n {
                    let si = sp[i]
                    if si < minS { minS = si }
                    let d2 = h[i] - 2 * si + shift
                    if d2 > maxD2 { maxD2 = d2 }
                }
            }
        }
        return ((et - minS) / ee.squareRoot(), maxD2.squareRoot())
    }

    /// A state that has taken the first step every Frank–Wolfe-type selector takes: all weight on the best single atom.
    static func started(problem: AtomProblem, selector: String, steps: Int, options: SelectionOptions,
                        screenable: Bool = false) throws(GreedyError) -> SelectionState {
        try GreedyValidation.checkSteps(steps)
        let state = SelectionState(problem: problem, selector: selector, steps: steps, options: options, screenable: screenable)
        let first = state.bestSingleAtom()
        state.move(toward: first, gamma: 1)
        try state.record(stepSize: 1, chosen: first, needScores: true)
        return state
    }

    /// The Frank–Wolfe vertex argmin_i ⟨e, φ_i⟩ = argmin_i s_i and its score (ties to the lowest index); the next lowest
    /// become the runners-up whose Gram columns a miss computes alongside.
    func frankWolfeVertex() -> (index: Int, score: Double) {
        var fw = 0, fwS = Double.infinity
        let leaders = runnersUp
        leaders.reset()
        for i in 0..<n where s[i] < leaders.threshold {  // the threshold is never below the minimum so far
            if s[i] < fwS { fwS = s[i]; fw = i }
            leaders.offer(s[i], i)
        }
        return (fw, fwS)
    }

    /// The best single atom: argmin_i ‖φ_i − t‖² (ties to the lowest index).
    func bestSingleAtom() -> Int {
        var best = 0, bestV = Double.infinity
        for i in 0..<n {
            let v = problem.columnSquaredNorms[i] - 2 * problem.atomTargetInner[i]
            if v < bestV { bestV = v; best = i }
        }
        return best
    }
}

/// The Gram cache's shape, for the bench.
public enum GramCache {
    /// Columns computed per miss: the pick's and its best uncached runners-up.
    ///
    /// Measured on the bench instance (N = 10⁴, M = 10³, 200 steps): blocks of 2, 3, 4, 6 and 8 gave greedy-uniform
    /// 3.9×, 3.4×, 4.4–4.5×, 4.1× and 4.3× the uncached rate and line search 1.8×, 2.0×, 2.0–2.4×, 2.3× and 1.7×; a
    /// block of 4 costs 1.2–1.3 gemvs, a block of 6 1.4–1.6, as OpenBLAS's small gemm leaves the memory bound.
    public static let block = 4
    /// Columns of Φ per gemm in `gramColumns`: 128 columns (1 MB) stay in the 1 MB L2 of this machine class; 256 and
    /// more fell to 1.7× on line search.
    public static let chunk = 128
}

/// The few lowest values of one scan and their indices, lowest first; equal values keep scan order, so the first
/// entry is the scan's argmin with ties to the lowest index. A class, so a scan fills the state's buffers in place.
final class Leaders {
    /// Twice the Gram block, so a block fills even when the best runners-up are cached already.
    static let capacity = 2 * GramCache.block
    private(set) var values = [Double](repeating: .infinity, count: capacity)
    private(set) var slots = [Int](repeating: -1, count: capacity)
    private(set) var count = 0

    /// Starts a scan that keeps only values below `bound`.
    func reset(below bound: Double = .infinity) {
        for p in 0..<Self.capacity { values[p] = bound; slots[p] = -1 }
        count = 0
    }

    /// The value a candidate must beat to enter.
    @inline(__always) var threshold: Double { values[Self.capacity - 1] }

    /// Inserts (value, index) when it beats the threshold.
    @inline(__always) func offer(_ value: Double, _ index: Int) {
        guard value < threshold else { return }
        var p = Self.capacity - 1
        while p > 0 && value < values[p - 1] {
            values[p] = values[p - 1]; slots[p] = slots[p - 1]
            p -= 1
        }
        values[p] = value; slots[p] = index
        count = min(count + 1, Self.capacity)
    }

    /// The kept indices, lowest value first.
    var indices: ArraySlice<Int> { slots[0..<count] }
}
