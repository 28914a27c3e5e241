import LinearAlgebra
import Randomness

/// Bounds on the geometry behind the exponential rate: r, the radius of a ball around t (in the affine hull of
/// the atoms) inside conv{φ_i}, and D, the diameter of the atom set.
public struct InradiusBounds: Sendable {
    /// Valid lower bound on r from 2k linear programs (k = dimension of the affine hull).
    public let lowerBound: Double
    /// Upper bound on r: min over random directions u of max_i ⟨u, φ_i − t⟩ (NOT a lower bound).
    public let upperBound: Double
    /// Diameter D = max_{i,j} ‖φ_i − φ_j‖ (or 2 max_i ‖φ_i − t‖ when N is large).
    public let diameter: Double
    /// Dimension k of span{φ_i − t}.
    public let dimension: Int

    /// The certified rate r²/D² of the envelope L_n ≤ L_1 e^{−(n−1) r²/D²} (with the lower bound on r).
    public var envelopeRate: Double { diameter > 0 ? lowerBound * lowerBound / (diameter * diameter) : 0 }

    /// Computes both bounds. For an orthonormal basis v_j of the span, the largest s_j± with t ± s_j± v_j in the hull
    /// is one LP each; the hull then contains the cross-polytope with half-axes m_j = min(s_j+, s_j−), whose
    /// inradius is (Σ_j 1/m_j²)^(−1/2).
    public init(_ problem: AtomProblem, directions: Int = 200, stream: RandomStream) throws(GreedyError) {
        let m = problem.inputCount, n = problem.neuronCount
        let t = problem.target
        var centred = problem.atoms
        for i in 0..<n { for r in 0..<m { centred[r, i] -= t[r] } }
        var gram = Matrix(rows: m, cols: m)
        do { try gemm(centred, centred, transposeB: .transpose, into: &gram) } catch { throw .numerical(error.description) }
        let eig: SymmetricEigen
        do { eig = try SymmetricEigen(gram) } catch { throw .numerical(error.description) }
        let top = eig.values.max() ?? 0
        let keep = (0..<m).filter { eig.values[$0] > 1e-12 * max(top, 1e-300) }
        dimension = keep.count
        diameter = try problem.diameter()
        guard !keep.isEmpty else {
            lowerBound = 0; upperBound = 0
            return
        }
        let basis = eig.vectors.columns(keep)
        var coords = Matrix(rows: keep.count, cols: n)   // coordinates of φ_i − t in the basis
        do { try gemm(basis, centred, transposeA: .transpose, into: &coords) } catch { throw .numerical(error.description) }
        let k = keep.count
        var invSquares = 0.0
        for j in 0..<k {
            var reach = Double.infinity
            for sign in [1.0, -1.0] {
                // Variables (λ_1…λ_N, s): Σ λ_i z_i − s·(±e_j) = 0, Σ λ_i = 1, maximise s.
                var rows = [[Double]]()
                for r in 0..<k {
                    var row = coords.row(r)
                    row.append(r == j ? -sign : 0)
                    rows.append(row)
                }
                rows.append([Double](repeating: 1, count: n) + [0])
                var c = [Double](repeating: 0, count: n + 1)
                c[n] = 1
                let rhs = [Double](repeating: 0, count: k) + [1]
                switch try LinearProgram.maximize(c: c, a: rows, b: rhs) {
                case .optimal(let value, _): reach = min(reach, max(0, value))
                case .infeasible, .unbounded: reach = 0
                }
            }
            invSquares += reach > 0 ? 1 / (reach * reach) : .infinity
        }
        lowerBound = invSquares.isFinite && invSquares > 0 ? 1 / invSquares.squareRoot() : 0
        // Upper bound: the hull's support in direction u is max_i ⟨u, z_i⟩, and r ≤ it for every unit u in the span.
        var upper = Double.infinity
        for _ in 0..<max(1, directions) {
            var u = stream.gaussianVector(k)
            let norm = nrm2(u)
            guard norm > 0 else { continue }
            scal(1 / norm, &u)
            var proj = [Double](repeating: 0, count: n)
            try? gemv(coords, u, transpose: .transpose, into: &proj)
            upper = min(upper, proj.max() ?? 0)
        }
        upperBound = upper
    }
}
