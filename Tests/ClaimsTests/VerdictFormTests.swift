import ClaimKit
import Components
import Foundation
import Statistics
import Testing

/// The verdict forms against hand-computed intervals, on both sides of each line.
@Suite struct VerdictFormTests {
    // d = 1…5: mean 3, sd √2.5 = 1.5811, se 0.70711; t₀.₉₇₅,₄ = 2.776445, so the 95% half-width is 1.963243.
    static let d = [1.0, 2, 3, 4, 5]
    static let hw95 = 2.776445 * 0.7071068

    @Test func superiorityJudgesTheLowerEndAndTheMinimumMean() {
        let pass = Superiority(margin: 1).judge(Self.d)
        #expect(pass.outcome == .passed)
        #expect(abs((pass.lower ?? 0) - (3 - Self.hw95)) < 1e-5)
        // Margin of safety = (lower − margin)/half-width = (1.036757 − 1)/1.963243.
        #expect(abs((pass.marginOfSafety ?? 0) - (3 - Self.hw95 - 1) / Self.hw95) < 1e-5)
        #expect(Superiority(margin: 1.04).judge(Self.d).outcome == .failed)
        #expect((Superiority(margin: 1.04).judge(Self.d).marginOfSafety ?? 0) < 0)
        // The lower end clears 0, but the mean 3 is below a minimum of 3.5.
        #expect(Superiority(margin: 0, minimumMean: 3.5).judge(Self.d).outcome == .failed)
        #expect(Superiority(margin: 0, minimumMean: 2.9).judge(Self.d).outcome == .passed)
        // A control whose gaps are all 0 has a zero-width interval at 0: it cannot pass a strict superiority.
        let zero = Superiority(margin: 0).judge([0, 0, 0])
        #expect(zero.outcome == .failed && zero.marginOfSafety == nil)
        #expect(Superiority().judge([1]).outcome == .failed)
    }

    @Test func nonInferiorityAndEquivalenceAgainstHandIntervals() {
        // e = (−1, 0, 1, −0.5, 0.5): mean 0, sd √0.625, se 0.353553.
        let e = [-1.0, 0, 1, -0.5, 0.5]
        let hw95 = 2.776445 * 0.3535534, hw90 = 2.131847 * 0.3535534
        #expect(NonInferiority(margin: 1).judge(e).outcome == .passed)
        #expect(abs((NonInferiority(margin: 1).judge(e).marginOfSafety ?? 0) - (1 - hw95) / hw95) < 1e-5)
        #expect(NonInferiority(margin: hw95 - 1e-4).judge(e).outcome == .failed)
        let eq = Equivalence(margin: 0.8).judge(e)
        #expect(eq.outcome == .passed && eq.level == 0.90)
        #expect(abs((eq.upper ?? 0) - hw90) < 1e-5)
        #expect(Equivalence(margin: hw90 - 1e-4).judge(e).outcome == .failed)
        // Shifted by +0.5 the interval leaves ±0.8 on the right.
        #expect(Equivalence(margin: 0.8).judge(e.map { $0 + 0.5 }).outcome == .failed)
    }

    @Test func reproductionRateAndCount() {
        #expect(Reproduction(published: 3.5, tolerance: 0.6).judge(Self.d).outcome == .passed)
        #expect(Reproduction(published: 3.7, tolerance: 0.6).judge(Self.d).outcome == .failed)
        #expect(abs((Reproduction(published: 3.5, tolerance: 0.6).judge(Self.d).marginOfSafety ?? 0) - 0.1 / Self.hw95) < 1e-5)
        #expect(Reproduction.zScores(maxAbsZ: 2.9, limit: 3, points: 9).outcome == .passed)
        #expect(Reproduction.zScores(maxAbsZ: 3.1, limit: 3, points: 9).outcome == .failed)
        let ci = ConfidenceInterval(estimate: 1.5, lower: 1.4, upper: 1.6, level: 0.95, method: .tOverSeeds, sampleSize: 10)
        let accelerated = Rate([.lowerAtMost(1.65), .upperBelow(1.8)])
        #expect(accelerated.judge(ci).outcome == .passed)
        // Margins: (1.65 − 1.4)/0.1 = 2.5 and (1.8 − 1.6)/0.1 = 2: the smaller counts.
        #expect(abs((accelerated.judge(ci).marginOfSafety ?? 0) - 2) < 1e-9)
        #expect(Rate([.upperBelow(1.55)]).judge(ci).outcome == .failed)
        #expect(Rate([.estimateAtLeast(0.97)]).judge(point: 0.96).outcome == .failed)
        #expect(Rate([.estimateAtLeast(0.97)]).judge(point: 0.98).marginOfSafety == nil)
        #expect(Count(line: 2).judge([3, 4, 5]).outcome == .passed)
        #expect(Count(line: 2).judge([1, 4, 5]).outcome == .failed)
        #expect(Count(line: 2, required: 2).judge([1, 4, 5]).outcome == .passed)
    }

    /// Hand intervals of half-width 1 against line 0 (paper: above): the margin is the shift that changes the outcome.
    @Test("a boundary margin of safety is positive exactly when the check passes, for every set of accepted findings",
          arguments: [
            // (lower, upper, accepted, margin, outcome)
            (0.5, 2.5, "r", 0.5, "passed"),          // clear above; straddling is not accepted: 0.5 away
            (0.5, 2.5, "r i", 2.5, "passed"),        // straddling accepted: it fails only once wholly below, 2.5 away
            (-0.4, 1.6, "r i", 1.6, "passed"),       // an accepted straddle (the old rule gave −0.4 here)
            (-0.4, 1.6, "r", -0.4, "inconclusive"),  // not accepted: 0.4 short of reproducing
            (-2.5, -0.5, "r", -2.5, "failed"),       // wholly below: 2.5 short of reproducing
            (-2.5, -0.5, "d i", 2.5, "passed"),      // a claim that the effect is absent
            (1.0, 3.0, "d i", -1.0, "failed"),       // a power control that fails as needed: 1 short of passing
          ] as [(Double, Double, String, Double, String)])
    func boundaryMarginOfSafety(_ c: (Double, Double, String, Double, String)) throws {
        let names: [Substring: BoundaryFinding] = ["r": .reproduces, "d": .doesNotReproduce, "i": .inconclusive]
        let accepts = Set(c.2.split(separator: " ").compactMap { names[$0] })
        let ci = ConfidenceInterval(estimate: (c.0 + c.1) / 2, lower: c.0, upper: c.1, level: 0.95, method: .tOverSeeds, sampleSize: 10)
        let j = Boundary(line: 0, paper: .above, accepts: accepts).judge(ci)
        #expect(j.outcome.rawValue == c.4)
        #expect(abs((j.marginOfSafety ?? .nan) - c.3) < 1e-12)
        // Every finding accepted: nothing can change the outcome, so there is no margin.
        #expect(Boundary(line: 0, paper: .above, accepts: [.reproduces, .doesNotReproduce, .inconclusive]).judge(ci).marginOfSafety == nil)
        // A control's margin is negated in replication summaries: positive when it fails, as it must.
        let control = Check("c", role: .control, j, detail: "d")
        #expect(control.neededMargin == j.marginOfSafety.map { -$0 })
    }

    @Test func aBoundaryStraddlingItsLineIsInconclusiveWithItsOwnExitStatus() {
        let b = Boundary(line: 0, paper: .above)
        let straddles = b.judge([-1.0, 0.5, 1, 2, -0.5])
        #expect(straddles.finding == .inconclusive && straddles.outcome == .inconclusive)
        #expect((straddles.marginOfSafety ?? 0) < 0)
        #expect(b.judge(Self.d).finding == .reproduces && b.judge(Self.d).outcome == .passed)
        #expect(b.judge(Self.d.map { -$0 }).finding == .doesNotReproduce && b.judge(Self.d.map { -$0 }).outcome == .failed)
        // The same interval against a paper that says "below": the findings swap.
        #expect(Boundary(line: 0, paper: .below).judge(Self.d).finding == .doesNotReproduce)

        let check = Check("boundary", role: .primary, straddles, detail: "d")
        let control = Check("c", role: .control, rule: "r", satisfied: false, detail: "d")
        let verdict = Verdict.judge([Check("p", role: .primary, rule: "r", satisfied: true, detail: "d"), check, control])
        #expect(verdict.verdict == .inconclusive)
        #expect(verdict.verdict.exitCode == 3)
        #expect(check.outcomeText == "inconclusive")
        // A failed primary check outranks an inconclusive one.
        #expect(Verdict.judge([check, Check("f", role: .primary, rule: "r", satisfied: false, detail: "d"), control]).verdict == .violated)
        #expect(Verdict.exitCode(of: [.holds, .inconclusive]) == 3)
        #expect(Verdict.exitCode(of: [.inconclusive, .violated, .holds]) == 1)
        #expect(Verdict.exitCode(of: [.holds, .holds]) == 0)
    }

    @Test func wilsonIntervalsMatchTheProtocol() {
        // verdicts protocol: 10/10 → [0.72, 1.00]; 9/10 → [0.60, 0.98].
        let all = wilsonInterval(successes: 10, trials: 10), nine = wilsonInterval(successes: 9, trials: 10)
        #expect(abs(all.lower - 0.7225) < 5e-4 && abs(all.upper - 1) < 1e-12)
        #expect(abs(nine.lower - 0.5958) < 5e-4 && abs(nine.upper - 0.9821) < 5e-4)
        let none = wilsonInterval(successes: 0, trials: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.2775) < 5e-4)
    }

    @Test func combinedJudgementsTakeTheWorstOutcomeAndTheSmallestMargin() {
        let a = Superiority(margin: 0).judge(Self.d), b = Superiority(margin: 1).judge(Self.d)
        let both = Judgement.all([a, b])
        #expect(both.outcome == .passed && both.marginOfSafety == b.marginOfSafety)
        let failed = Judgement.all([a, Superiority(margin: 2).judge(Self.d)])
        #expect(failed.outcome == .failed)
        #expect(Check("x", role: .primary, failed, detail: "").satisfied == false)
        // Forcing a judged check keeps its form and flips its outcome.
        #expect(Check("x", role: .primary, failed, detail: "").forced(true).satisfied)
        #expect(Check("x", role: .primary, failed, detail: "").forced(true).judgement?.form == .superiority)
    }
}
