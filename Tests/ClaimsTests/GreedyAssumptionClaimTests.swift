import ClaimKit
@testable import Claims
import Foundation
import GreedySelection
import LinearAlgebra
import Randomness
import Testing

/// greedy-assumption (issue #30 item 8): the regime figures on closed-form size curves, the face-of-hull control's
/// geometry, and the quick record.
@Suite struct GreedyAssumptionClaimTests {
    @Test func theRegimeFiguresReadTheSizeCurveUpToHalfTheWidth() throws {
        // L*(k) = 10^{-k/10}, N = 64: the window is k ∈ [2, 32], so exactly 3 decades, and semilog fits exactly.
        let exponential = (1...64).map { pow(10, -Double($0) / 10) }
        let e = GreedyAssumptionClaim.sizeFigures(exponential, width: 64)
        #expect(e.end == 32 && abs(e.decades - 3) < 1e-12 && e.shape > 0)
        // L*(k) = 1/k²: 2·log10(16) decades over [2, 32], and the power law fits exactly.
        let power = (1...64).map { 1 / Double($0 * $0) }
        let p = GreedyAssumptionClaim.sizeFigures(power, width: 64)
        #expect(abs(p.decades - 2 * log10(16)) < 1e-12 && p.shape < 0)
        // Fewer than 20 neurons in the window (N = 30 caps it at 15): no decade of k, no regime.
        #expect(GreedyAssumptionClaim.sizeFigures(exponential, width: 30).decades == 0)
    }

    @Test func theFaceControlPutsTheTargetOnASupportingHyperplane() throws {
        let m = 6, n = 10
        let atoms = try Matrix(rows: m, cols: n, columnMajor: RandomStream(seed: 7).gaussianVector(m * n))
        let original = try AtomProblem(atoms: atoms)
        let face = try GreedyAssumptionClaim.faceOfHull(original)
        // u: the direction of the atom farthest from the mean (unchanged: its projection is the largest).
        let t = original.target
        let far = (0..<n).max { i, j in
            (0..<m).reduce(0.0) { $0 + pow(atoms[$1, i] - t[$1], 2) } < (0..<m).reduce(0.0) { $0 + pow(atoms[$1, j] - t[$1], 2) }
        }!
        let norm = (0..<m).reduce(0.0) { $0 + pow(atoms[$1, far] - t[$1], 2) }.squareRoot()
        let u = (0..<m).map { (atoms[$0, far] - t[$0]) / norm }
        let level = (0..<m).reduce(0.0) { $0 + u[$1] * face.target[$1] }
        let proj = (0..<n).map { i in (0..<m).reduce(0.0) { $0 + u[$1] * face.atoms[$1, i] } }
        // Every atom on one side of ⟨u, x⟩ = ⟨u, t⟩, and half of them on it: no ball around t fits in the hull.
        #expect(proj.allSatisfy { $0 >= level - 1e-12 })
        #expect(proj.filter { abs($0 - level) < 1e-12 }.count >= n / 2)
    }

    @Test func theQuickRecordCertifiesTheInteriorAndKeepsTheEnvelope() throws {
        let record = try QuickRuns.seed1("greedy-assumption").record
        let r = try #require(record.perSeed.first { $0.name == "r_lb/D" })
        #expect(r.values.allSatisfy { $0 > 0 && $0 < 0.5 })
        #expect(record.perSeed.first { $0.name == "r_lb/D (face control)" }?.values.allSatisfy { $0 == 0 } == true)
        // The measured rate is far above the theorem's (c/c_thm ≫ 1), and the envelope holds at every step.
        #expect(record.perSeed.first { $0.name == "c/c_thm" }?.values.allSatisfy { $0 > 10 } == true)
        #expect(record.checks.first { $0.name == "theorem's envelope (trained atoms)" }?.satisfied == true)
    }
}
