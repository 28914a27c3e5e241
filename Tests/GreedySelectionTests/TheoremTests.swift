import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

/// Issue #30: the plain Frank–Wolfe selector, the theorem's constant, the size curve and the planted instances.
@Suite struct TheoremTests {
    /// fw-linesearch's pick is the linear-oracle vertex argmin_i ⟨e_n, φ_i⟩ (computed here from the recorded weights),
    /// and its γ is the exact minimiser along that one direction (no γ on a dense grid does better).
    @Test(arguments: [UInt64(1), 2, 3])
    func frankWolfePicksTheVertexThenTheExactStep(seed: UInt64) throws {
        let p = try tinyProblem(seed: seed)
        let trace = try FrankWolfeLineSearchSelector.run(on: p, steps: 12, options: SelectionOptions(recordWeights: true), stream: RandomStream(seed: 0))
        for k in 1..<trace.count {
            let f = output(p, trace.weights[k - 1])
            let e = (0..<p.inputCount).map { f[$0] - p.target[$0] }
            let inner = (0..<p.neuronCount).map { i in (0..<p.inputCount).reduce(0.0) { $0 + e[$1] * p.atoms[$1, i] } }
            let vertex = (0..<p.neuronCount).min { inner[$0] < inner[$1] }!
            #expect(trace.chosen[k] == vertex, "step \(k + 1)")
            let gridBest = (0...20_000).map { directLoss(p, f, vertex, Double($0) / 20_000) }.min()!
            #expect(trace.loss[k] <= gridBest * (1 + 1e-9) + 1e-15, "step \(k + 1): \(trace.loss[k]) vs grid \(gridBest)")
        }
    }

    /// Nearest neighbour: fw-linesearch and away-step share the vertex and the exact γ, and differ only by away steps.
    /// With the target on a face of the hull (r = 0; here M = 3, a triangle face and two atoms above it), plain
    /// Frank–Wolfe zig-zags at the sublinear rate ~1/n (L_300/L_100 ≈ 1/3) while away-step drops the off-face atoms
    /// and converges linearly, to below 1e-60 by step 300.
    @Test func frankWolfeDiffersFromAwayStepOnAFaceOfHullTarget() throws {
        let p = try PlantedInstance.faceOfHull(inputs: 3, face: 3, off: 2, stream: RandomStream(seed: 1))
        let fw = try FrankWolfeLineSearchSelector.run(on: p, steps: 300, stream: RandomStream(seed: 0))
        let away = try AwayStepSelector.run(on: p, steps: 300, stream: RandomStream(seed: 0))
        #expect(fw.certificateViolations().isEmpty)
        #expect(away.loss[299] < 1e-60, "away-step \(away.loss[299])")
        #expect(fw.loss[299] > 1e-5, "fw-linesearch \(fw.loss[299])")
        let ratio = fw.loss[299] / fw.loss[99]
        #expect(ratio > 0.2 && ratio < 0.5, "fw-linesearch L_300/L_100 = \(ratio)")
        // Plain Frank–Wolfe never steps away: every recorded γ is in [0, 1]; away-step takes some negative ones.
        #expect(fw.stepSize.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(away.stepSize.contains { $0 < 0 })
    }

    /// c_thm = −ln(1 − r²/D²): closed forms, and 0 where the theorem promises nothing.
    @Test func theoremConstantClosedForm() {
        #expect(abs(TheoremRate.constant(r: 1, diameter: 2) - log(4.0 / 3)) < 1e-15)
        #expect(abs(TheoremRate.constant(r: 0.1, diameter: 2) - (-log(1 - 0.0025))) < 1e-15)
        #expect(TheoremRate.constant(r: 0, diameter: 2) == 0)
        #expect(TheoremRate.constant(r: 1, diameter: 0) == 0)
        // Small r/D: c_thm ≈ r²/D² from above.
        let c = TheoremRate.constant(r: 1e-3, diameter: 1)
        #expect(c > 1e-6 && c < 1e-6 * (1 + 1e-6))
    }

    /// L*(k) by hand on a path whose support grows, resets (γ = 1) and grows again.
    @Test func sizeCurveIsTheBestLossAtEachSize() {
        var t = SelectionTrace(selector: "x")
        t.loss = [8, 5, 6, 2, 4, 1]
        t.distinct = [1, 2, 3, 1, 2, 4]
        #expect(TheoremRate.sizeCurve(t) == [2, 2, 2, 1])
        #expect(TheoremRate.common([[1, 2, 3], [4, 5]]) == [[1, 2], [4, 5]])
    }

    /// The planted triangle's geometry is what the claim says (r, D = 2), the LP bound brackets it, and line search
    /// decays at 16–17× c_thm there: inside the band [c_thm, 32 c_thm] with room on both sides.
    @Test(arguments: [0.1, 0.2])
    func plantedTriangleHasItsStatedGeometry(r: Double) throws {
        let planted = try PlantedInstance.triangle(r: r)
        let b = try InradiusBounds(planted.problem, stream: RandomStream(seed: 1))
        #expect(abs(b.diameter - 2) < 1e-12)
        #expect(b.lowerBound <= r + 1e-12 && b.lowerBound > 0)
        #expect(b.upperBound >= r - 1e-12)
        let trace = try GreedyLineSearchSelector.run(on: planted.problem, steps: 400, stream: RandomStream(seed: 0))
        #expect(trace.certificateViolations().isEmpty)
        let c = PooledDecayTest.rate(trace.loss, start: 10, floor: 1e-24)
        let cThm = TheoremRate.constant(r: r, diameter: 2)
        #expect((15...18).contains(c / cThm), "c/c_thm = \(c / cThm)")
        #expect(throws: GreedyError.self) { _ = try PlantedInstance.triangle(r: 0.6) }
    }

    /// A face-of-hull target has no ball in the hull: the certified bound is 0, so the precondition says "not met".
    @Test func faceOfHullTargetFailsTheAssumption() throws {
        let p = try PlantedInstance.faceOfHull(inputs: 5, face: 10, off: 10, stream: RandomStream(seed: 3))
        let b = try InradiusBounds(p, stream: RandomStream(seed: 1))
        #expect(b.lowerBound < 1e-9, "r_lb = \(b.lowerBound)")
        #expect(TheoremRate.constant(r: b.lowerBound, diameter: b.diameter) < 1e-15)
    }
}
