import LinearAlgebra

/// The selection problem on an atom matrix Φ ∈ R^{M×N}: approximate the target t by a convex combination of few columns.
///
/// Loss (discrepancy) of a sub-network output f: L(f) = (1/M) ‖f − t‖². When no target is
/// given, t is the mean of the atoms (the full network f_N), which is what the bounds assume.
public struct AtomProblem: Sendable {
    /// Φ, M×N: column i is neuron i's output on the M inputs.
    public let atoms: Matrix
    /// t ∈ R^M.
    public let target: [Double]
    /// Whether t is the mean of the atoms (the setting of the V/n and random bounds).
    public let targetIsMean: Bool
    /// The same neurons on fresh inputs (M_h×N), if any.
    public let heldOutAtoms: Matrix?
    /// The held-out target (the held-out atoms' mean unless given).
    public let heldOutTarget: [Double]?
    /// ‖φ_i‖² per column.
    public let columnSquaredNorms: [Double]
    /// ⟨φ_i, t⟩ per column.
    public let atomTargetInner: [Double]
    /// ‖t‖².
    public let targetSquaredNorm: Double
    /// ‖φ_i − t‖² per column.
    public let centredSquaredNorms: [Double]
    /// V = (1/N) Σ_i ‖φ_i − t‖²/M, the variance of a single random neuron.
    public let variance: Double

    /// Inputs M.
    public var inputCount: Int { atoms.rows }
    /// Neurons N.
    public var neuronCount: Int { atoms.cols }

    /// Validates shapes and finiteness and precomputes the per-column inner products.
    public init(atoms: Matrix, target: [Double]? = nil, heldOutAtoms: Matrix? = nil, heldOutTarget: [Double]? = nil) throws(GreedyError) {
        guard atoms.rows >= 1 else { throw .invalidArgument("the atom matrix needs at least one input (row), got M = \(atoms.rows)") }
        guard atoms.cols >= 1 else { throw .invalidArgument("the atom matrix needs at least one neuron (column), got N = \(atoms.cols)") }
        guard atoms.isFinite else { throw .nonFinite("the atom matrix") }
        let t = target ?? Self.rowMeans(atoms)
        guard t.count == atoms.rows else { throw .invalidArgument("target has \(t.count) entries but the atom matrix has \(atoms.rows) rows") }
        guard t.allSatisfy(\.isFinite) else { throw .nonFinite("the target") }
        if let h = heldOutAtoms {
            guard h.cols == atoms.cols else { throw .invalidArgument("held-out atoms have \(h.cols) neurons, expected \(atoms.cols)") }
            guard h.rows >= 1, h.isFinite else { throw .nonFinite("the held-out atom matrix") }
            let ht = heldOutTarget ?? Self.rowMeans(h)
            guard ht.count == h.rows else { throw .invalidArgument("held-out target has \(ht.count) entries, expected \(h.rows)") }
            self.heldOutTarget = ht
        } else {
            self.heldOutTarget = nil
        }
        self.atoms = atoms
        self.target = t
        self.targetIsMean = target == nil
        self.heldOutAtoms = heldOutAtoms
        let m = atoms.rows, n = atoms.cols
        var norms = [Double](repeating: 0, count: n)
        atoms.storage.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for i in 0..<n { norms[i] = dot(m, base + i * m, base + i * m) }
        }
        columnSquaredNorms = norms
        var inner = [Double](repeating: 0, count: n)
        do { try gemv(atoms, t, transpose: .transpose, into: &inner) } catch { throw .numerical(error.description) }
        atomTargetInner = inner
        let tt = dot(t, t)
        targetSquaredNorm = tt
        var centred = [Double](repeating: 0, count: n)
        atoms.storage.withUnsafeBufferPointer { p in
            // Direct differences, not ‖φ‖² − 2⟨φ,t⟩ + ‖t‖², which cancels when φ_i ≈ t.
            for i in 0..<n {
                var acc = 0.0
                for r in 0..<m { let d = p[r + i * m] - t[r]; acc += d * d }
                centred[i] = acc
            }
        }
        // Finite atoms can still be too large to square (|φ| ≳ 1e154): refuse them here, naming the neuron,
        // rather than let every selector walk an inf/NaN loss path.
        // The target first: when it overflows every ‖φ_i − t‖² does, and blaming neuron 1 would mislead.
        guard tt.isFinite else { throw .nonFinite("the squared norm of the target (too large for double precision)") }
        if let i = (0..<n).first(where: { !norms[$0].isFinite || !centred[$0].isFinite || !inner[$0].isFinite }) {
            throw .nonFinite("the squared norm of neuron \(i + 1) (the atoms are too large for double precision)")
        }
        centredSquaredNorms = centred
        var v = 0.0
        for i in 0..<n { v += centred[i] }
        variance = max(0, v) / Double(n) / Double(m)
    }

    /// L(f) = ‖f − t‖²/M, from the explicit difference (no expanded sum, hence no cancellation floor).
    public func loss(_ f: [Double]) -> Double { Self.meanSquaredDifference(f, target) }

    /// The expected loss of n neurons drawn uniformly without replacement: (V/n)(N−n)/(N−1).
    public func randomExpectedLoss(n: Int) -> Double {
        let nn = Double(neuronCount)
        guard n >= 1 else { return .nan }
        return neuronCount == 1 ? 0 : variance / Double(n) * (nn - Double(n)) / (nn - 1)
    }

    /// The uniform-greedy bound V/n.
    public func uniformBound(n: Int) -> Double { variance / Double(max(n, 1)) }

    /// Diameter of the atom set, max_{i,j} ‖φ_i − φ_j‖, from the Gram matrix (O(N²M) through gemm).
    public func diameter() throws(GreedyError) -> Double {
        let n = neuronCount
        // Above this the N×N Gram matrix is too big; 2·max_i ‖φ_i − t‖ is then a valid upper bound.
        guard n <= 4000 else {
            var best = 0.0
            for i in 0..<n { best = max(best, centredSquaredNorms[i]) }
            return 2 * best.squareRoot()
        }
        var g = Matrix(rows: n, cols: n)
        do { try gemm(atoms, atoms, transposeA: .transpose, into: &g) } catch { throw .numerical(error.description) }
        var best = 0.0
        for j in 0..<n { for i in 0..<j { best = max(best, g[i, i] + g[j, j] - 2 * g[i, j]) } }
        return best.squareRoot()
    }

    /// Mean of each row of a matrix (the full network's output when the columns are atoms).
    public static func rowMeans(_ a: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: a.rows)
        guard a.cols > 0 else { return out }
        let ones = [Double](repeating: 1 / Double(a.cols), count: a.cols)
        try? gemv(a, ones, into: &out)
        return out
    }

    /// (1/M)‖a − b‖².
    static func meanSquaredDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty else { return 0 }
        var s = 0.0
        for i in 0..<min(a.count, b.count) { let d = a[i] - b[i]; s += d * d }
        return s / Double(a.count)
    }
}
