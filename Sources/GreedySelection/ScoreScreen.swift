import LinearAlgebra

/// Bounds on every score s_i = ⟨φ_i, e⟩ from a rank-r projection of Φ, so a greedy step reads only the few atoms that
/// could win instead of all of Φ.
///
/// With Q (M × r, orthonormal columns), P = QQᵀ and e = f − t,
///   s_i = ⟨Qᵀφ_i, Qᵀe⟩ − κ_i + ⟨(I − P)φ_i, (I − P)f⟩,   κ_i = ⟨φ_i, t⟩ − ⟨Qᵀφ_i, Qᵀt⟩ = ⟨(I − P)φ_i, t⟩,
/// where κ_i is computed once, and Cauchy–Schwarz bounds the last term by ρ_i‖(I − P)f‖ with ρ_i = ‖(I − P)φ_i‖. So s_i lies
/// within ρ_i‖(I − P)f‖ of `approx[i]`, one gemv over the r × N matrix C = QᵀΦ (r/M of a pass over Φ). Splitting off the
/// target matters: the part of t outside the subspace never leaves e, while f is a combination of atoms the subspace
/// nearly holds. A selector ranks atoms by the best value their interval allows and computes
/// exact scores (one dot of length M each) only while an interval can still beat the best exact value: the pick is the
/// full scan's pick. The bounds are widened by a relative 1e-10 to cover rounding, which is below 1e-13 here.
///
/// Greedy-uniform and worst-neuron screen (their values' spread across atoms dwarfs the bounds' width: on the bench instance,
/// N = 10⁴ tanh atoms of M = 10³ inputs, 67 exact scores per step at rank 32 and 3.7k steps/s against 1.0k with the Gram
/// cache; ranks 16, 24, 64 and 96 gave 3.0k, 3.8k, 2.6k and 1.8k). Line search does not: its best step's gap is about the
/// bounds' width, and at rank 64 it needed 1,800 exact scores per step, slower than the Gram cache. Nor does any run that
/// records the certificate, which needs every score. Where the bounds are loose (atoms of high-dimensional inputs) a run
/// stops screening after `trialSteps` and goes on with the Gram cache (`pays(afterSteps:)`).
public final class ScoreScreen {
    /// The projection's rank.
    public static let rank = 32
    /// Atoms sampled for the basis: Q is the top `rank` left singular vectors of these columns of Φ.
    static let sampled = 2 * rank
    /// Screening is automatic from this many entries of Φ (16 MB) and this many steps (building C costs about as much
    /// arithmetic as a few passes). Greedy-uniform, 200 steps, M = 1000, d = 3 tanh atoms, against the Gram cache alone:
    /// N = 500 and 1000 ran at 0.76× and 0.83× (Φ in cache, a pass is cheap), N = 2000 at 1.8×, N = 4200 at 2.1×.
    static let automaticEntries = 1 << 21
    static let automaticSteps = 32
    /// Screening stops once it has needed more than N/8 exact scores per step over at least this many steps. On inputs of
    /// higher dimension the rank-32 bounds are loose: at M = 1000, N = 4200, d = 10 a step needed 25–28% of N (as fast as the
    /// Gram cache), at d = 30 with ReLU atoms 55% (2.6× slower); at d = 3, 0.7–3.5%.
    static let trialSteps = 8

    let m: Int, n: Int, r: Int
    let basis: Matrix
    let projected: Matrix
    /// ρ_i = ‖(I − P)φ_i‖, from ‖φ_i‖² − ‖Qᵀφ_i‖² with a floor of 1e-6‖φ_i‖ that covers the difference's rounding.
    let residualNorms: [Double]
    /// ‖φ_i‖.
    let atomNorms: [Double]
    /// κ_i = ⟨(I − P)φ_i, t⟩.
    let targetOutside: [Double]
    /// ‖t‖.
    let targetNorm: Double
    /// Cᵀ Qᵀe − κ for the residual of the last `prepare`.
    private(set) var approx: [Double]
    private var qe: [Double], pf: [Double]
    /// A selector's per-atom bounds on the value it minimises (allocated once).
    var bounds: [Double]
    /// ‖(I − P)f‖ and ‖e‖ at the last `prepare`.
    private(set) var residual = 0.0, eNorm = 0.0
    /// Exact scores computed so far (what a screened step costs beyond the projection; tests read it).
    private(set) var exactCount = 0

    /// Whether a run of `steps` on `problem` screens: asked for, or automatic on a large Φ, and never with the certificate.
    static func applies(to problem: AtomProblem, steps: Int, options: SelectionOptions) -> Bool {
        guard !options.recordCertificate, problem.inputCount > 4 * rank, problem.neuronCount > sampled else { return false }
        switch options.screening {
        case .never: return false
        case .always: return true
        case .automatic: return problem.inputCount * problem.neuronCount >= automaticEntries && steps >= automaticSteps
        }
    }

    /// Builds Q and C for `problem`'s atoms; nil when the SVD fails (the selector then scans every score).
    init?(problem: AtomProblem) {
        let atoms = problem.atoms
        let m = atoms.rows, n = atoms.cols, r = Self.rank
        self.m = m
        self.n = n
        self.r = r
        let picks = (0..<Self.sampled).map { $0 * n / Self.sampled }
        guard let svd = try? SVD(atoms.columns(picks)),
              let q = try? Matrix(rows: m, cols: r, columnMajor: Array(svd.u.storage[0..<(m * r)])),
              let c = try? q.multiplied(by: atoms, transposeSelf: .transpose) else { return nil }
        basis = q
        projected = c
        var rho = [Double](repeating: 0, count: n), norms = [Double](repeating: 0, count: n)
        c.storage.withUnsafeBufferPointer { cp in
            for i in 0..<n {
                let full = problem.columnSquaredNorms[i]
                let kept = dot(r, cp.baseAddress! + i * r, cp.baseAddress! + i * r)
                norms[i] = full.squareRoot()
                rho[i] = max(full - kept, 1e-12 * full).squareRoot()
            }
        }
        residualNorms = rho
        atomNorms = norms
        let qt = (try? q.multiplied(by: problem.target, transpose: .transpose)) ?? [Double](repeating: 0, count: r)
        let inside = (try? c.multiplied(by: qt, transpose: .transpose)) ?? [Double](repeating: 0, count: n)
        targetOutside = (0..<n).map { problem.atomTargetInner[$0] - inside[$0] }
        targetNorm = nrm2(problem.target)
        approx = [Double](repeating: 0, count: n)
        bounds = [Double](repeating: 0, count: n)
        qe = [Double](repeating: 0, count: r)
        pf = [Double](repeating: 0, count: m)
    }

    /// Projects the output f and its residual e = f − t: fills `approx`, `residual` and `eNorm`.
    func prepare(f: [Double], e: [Double]) {
        try? gemv(basis, f, transpose: .transpose, into: &qe)
        try? gemv(basis, qe, into: &pf)
        var rr = 0.0, ee = 0.0
        for j in 0..<m {
            let d = f[j] - pf[j]
            rr += d * d
            ee += e[j] * e[j]
        }
        residual = rr.squareRoot()
        eNorm = ee.squareRoot()
        try? gemv(basis, e, transpose: .transpose, into: &qe)
        try? gemv(projected, qe, transpose: .transpose, into: &approx)
        for i in 0..<n { approx[i] -= targetOutside[i] }
    }

    /// Fills `bounds[i]` with `value(i, lo, hi)` for the interval [lo, hi] that holds s_i, in index order.
    @inline(__always)
    func bound(_ value: (Int, Double, Double) -> Double) {
        let eNorm = eNorm, residual = residual
        approx.withUnsafeBufferPointer { a in
            residualNorms.withUnsafeBufferPointer { rho in
                atomNorms.withUnsafeBufferPointer { norm in
                    bounds.withUnsafeMutableBufferPointer { out in
                        for i in 0..<n {
                            let w = rho[i] * residual + 1e-10 * norm[i] * (eNorm + targetNorm)
                            out[i] = value(i, a[i] - w, a[i] + w)
                        }
                    }
                }
            }
        }
    }

    /// Whether screening still pays after `steps` screened steps: at most N/8 exact scores per step so far, or too few
    /// steps to tell.
    func pays(afterSteps steps: Int) -> Bool {
        steps < Self.trialSteps || exactCount <= steps * n / 8
    }

    /// The exact score ⟨φ_i, e⟩.
    func exactScore(_ i: Int, _ e: [Double], atoms: Matrix) -> Double {
        exactCount += 1
        return atoms.storage.withUnsafeBufferPointer { p in dot(m, p.baseAddress! + i * m, e) }
    }
}
