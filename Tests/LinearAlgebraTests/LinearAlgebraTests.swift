import Foundation
import LinearAlgebra
import Randomness
import Testing

private func randomMatrix(_ r: Int, _ c: Int, _ s: RandomStream) throws -> Matrix {
    try Matrix(rows: r, cols: c, columnMajor: s.gaussianVector(r * c))
}

private func hilbert(_ n: Int) -> Matrix { Matrix(rows: n, cols: n) { i, j in 1 / Double(i + j + 1) } }

private func maxAbsDiff(_ a: Matrix, _ b: Matrix) -> Double {
    zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A Haar-random orthogonal matrix (left singular vectors of a Gaussian matrix).
private func orthogonal(_ n: Int, _ s: RandomStream) throws -> Matrix { try SVD(randomMatrix(n, n, s)).u }

@Suite struct BLASTests {
    @Test func vectorKernelsMatchHandComputedValues() {
        #expect(dot([1, 2, 3], [4, 5, 6]) == 32)
        #expect(nrm2([3, 4]) == 5)
        var y = [1.0, 1, 1]
        axpy(2, [1, 2, 3], &y)
        #expect(y == [3, 5, 7])
        scal(0.5, &y)
        #expect(y == [1.5, 2.5, 3.5])
    }

    @Test func gemmAgreesWithNaiveLoopAndTransposes() throws {
        let s = RandomStream(seed: 3)
        let a = try randomMatrix(7, 5, s), b = try randomMatrix(5, 4, s)
        let c = try a.multiplied(by: b)
        #expect(maxAbsDiff(c, try naiveMultiply(a, b)) < 1e-13)
        // (AB)ᵀ = BᵀAᵀ through the transpose flags.
        let ct = try b.multiplied(by: a, transposeSelf: .transpose, transposeOther: .transpose)
        #expect(maxAbsDiff(ct, c.transposed) < 1e-13)
    }

    @Test func gemvMatchesColumnCombination() throws {
        let a = try Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]])
        #expect(try a.multiplied(by: [1, -1]) == [-1, -1, -1])
        #expect(try a.multiplied(by: [1, 0, 1], transpose: .transpose) == [6, 8])
    }

    /// The Gram block AᵀA_J equals one gemv per column, with a last chunk narrower than the rest.
    @Test func gramColumnsEqualOneGemvPerColumn() throws {
        let a = try randomMatrix(37, 301, RandomStream(seed: 11))
        let picks = [5, 300, 0]
        var block = [Double](repeating: .nan, count: 301 * picks.count)
        block.withUnsafeMutableBufferPointer { gramColumns(a, picks, chunk: 64, into: $0.baseAddress!) }
        for (c, j) in picks.enumerated() {
            let column = Array(a.storage[(j * 37)..<(j * 37 + 37)])
            let expected = try a.multiplied(by: column, transpose: .transpose)
            let got = Array(block[(c * 301)..<(c * 301 + 301)])
            let worst = zip(got, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
            #expect(worst <= 1e-13, "column \(j): \(worst)")
            #expect(abs(got[j] - dot(column, column)) <= 1e-12 * got[j], "diagonal entry ‖a_j‖²")
        }
        // With a leading vector x, Aᵀx comes first and the Gram columns follow it.
        let x = RandomStream(seed: 12).gaussianVector(37)
        var withX = [Double](repeating: .nan, count: 301 * (1 + picks.count))
        withX.withUnsafeMutableBufferPointer { gramColumns(a, picks, leading: x, chunk: 64, into: $0.baseAddress!) }
        let ax = try a.multiplied(by: x, transpose: .transpose)
        #expect(zip(withX[0..<301], ax).map { abs($0 - $1) / max(1, abs($1)) }.max()! <= 1e-13)
        #expect(zip(withX[301...], block).map { abs($0 - $1) / max(1, abs($1)) }.max()! <= 1e-13, "the Gram columns as without x")
    }

    @Test func shapeMismatchIsAnErrorNotATrap() throws {
        let a = Matrix(rows: 3, cols: 2), b = Matrix(rows: 3, cols: 2)
        #expect(throws: LinearAlgebraError.self) { _ = try a.multiplied(by: b) }
        #expect(throws: LinearAlgebraError.self) { _ = try a.multiplied(by: [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { _ = try Matrix(rows: 2, cols: 2, columnMajor: [1, 2, 3]) }
    }
}

@Suite struct LAPACKTests {
    @Test func choleskyOfDiagonalIsSquareRootAndSolvesExactly() throws {
        let a = Matrix.diagonal([4, 9, 16])
        let ch = try Cholesky(a)
        #expect(ch.factor.diagonalEntries == [2, 3, 4])
        #expect(try ch.solve([8, 9, 4]) == [2, 1, 0.25])
        #expect(abs(ch.logDeterminant - log(576)) < 1e-14)
    }

    @Test func choleskyReportsTheFailingLeadingMinor() {
        let a = Matrix.diagonal([1, 2, -1, 4])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 3)) { try Cholesky(a) }
        #expect(LinearAlgebraError.notPositiveDefinite(leadingMinor: 3).description == "matrix is not positive definite (leading minor 3)")
    }

    @Test func luReportsSingularPivotAndInverseIsInverse() throws {
        let sing = try Matrix(rowArrays: [[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(pivot: 2)) { try LU(sing) }
        let s = RandomStream(seed: 5)
        let a = try randomMatrix(6, 6, s)
        let inv = try inverse(a)
        #expect(maxAbsDiff(try a.multiplied(by: inv), .identity(6)) < 1e-12)
        let x = [1.0, -2, 3, -4, 5, -6]
        let solved = try luSolve(a, try a.multiplied(by: x))
        #expect(zip(solved, x).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func nonFiniteInputIsRejectedBeforeLAPACK() {
        var a = Matrix.identity(3)
        a[1, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try Cholesky(a) }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen(a) }
        #expect(throws: LinearAlgebraError.self) { try SVD(a) }
        #expect(throws: LinearAlgebraError.self) { try LU(a) }
    }

    @Test func eigenRecoversAPlantedSpectrum() throws {
        let s = RandomStream(seed: 11)
        let q = try orthogonal(8, s)
        let spectrum = [-3.0, -1, 0.5, 1, 2, 4, 7, 10]
        let a = try q.multiplied(by: .diagonal(spectrum)).multiplied(by: q, transposeOther: .transpose)
        let e = try SymmetricEigen(a)
        #expect(zip(e.values, spectrum).allSatisfy { abs($0 - $1) < 1e-12 })
        // A v = λ v for every pair.
        for k in 0..<8 {
            let v = e.vectors.column(k)
            let av = try a.multiplied(by: v)
            #expect(zip(av, v).allSatisfy { abs($0 - e.values[k] * $1) < 1e-11 })
        }
    }

    @Test func svdRecoversPlantedSingularValues() throws {
        let s = RandomStream(seed: 12)
        let u = try orthogonal(6, s), v = try orthogonal(4, s)
        let sv = [5.0, 3, 1, 0.25]
        var d = Matrix(rows: 6, cols: 4)
        for i in 0..<4 { d[i, i] = sv[i] }
        let a = try u.multiplied(by: d).multiplied(by: v, transposeOther: .transpose)
        let svd = try SVD(a)
        #expect(zip(svd.singularValues, sv).allSatisfy { abs($0 - $1) < 1e-13 })
        #expect(abs(svd.conditionNumber - 20) < 1e-11)
        // U diag(s) Vᵀ reconstructs A.
        let rec = try svd.u.multiplied(by: .diagonal(svd.singularValues)).multiplied(by: svd.vt)
        #expect(maxAbsDiff(rec, a) < 1e-13)
    }

    @Test func hilbertConditionNumbersMatchKnownValues() throws {
        // κ₂(H_n) from the literature (Todd 1954; Higham, Accuracy and Stability, Table 28.1).
        let known: [(Int, Double)] = [(4, 1.5514e4), (5, 4.7661e5), (6, 1.4951e7), (8, 1.5258e10)]
        for (n, kappa) in known {
            let c = try SVD(hilbert(n)).conditionNumber
            #expect(abs(c / kappa - 1) < 1e-4, "κ(H_\(n)) = \(c), expected \(kappa)")
        }
        // Cholesky of H_n loses about log10 κ digits: the forward error grows with n but stays below κ·ε.
        var previous = 0.0
        for n in [4, 8, 12] {
            let h = hilbert(n)
            let x = [Double](repeating: 1, count: n)
            let xs = try Cholesky(h).solve(try h.multiplied(by: x))
            let err = nrm2(Vector.subtract(xs, x)) / nrm2(x)
            let kappa = try SVD(h).conditionNumber
            #expect(err < 10 * kappa * Double.ulpOfOne)
            #expect(err > previous)
            previous = err
        }
    }

    @Test func leastSquaresSolvesOverdeterminedAndRankDeficientSystems() throws {
        // Exact overdetermined system: residual zero.
        let a = try Matrix(rowArrays: [[1, 0], [0, 1], [1, 1]])
        let x = try leastSquares(a, [1, 2, 3])
        #expect(abs(x[0] - 1) < 1e-14 && abs(x[1] - 2) < 1e-14)
        // Inconsistent: the normal-equation solution of a line fit through (0,0), (1,1), (2,1).
        let fit = try leastSquares(try Matrix(rowArrays: [[1, 0], [1, 1], [1, 2]]), [0, 1, 1])
        #expect(abs(fit[0] - 1.0 / 6) < 1e-14 && abs(fit[1] - 0.5) < 1e-14)
        // Rank-deficient: two equal columns get the minimum-norm split.
        let ls = try LeastSquares(try Matrix(rowArrays: [[1, 1], [2, 2]]), [2, 4])
        #expect(ls.rank == 1)
        #expect(abs(ls.solution[0] - 1) < 1e-14 && abs(ls.solution[1] - 1) < 1e-14)
    }
}
