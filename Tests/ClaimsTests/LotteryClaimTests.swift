import ClaimKit
import Claims
import Components
import Foundation
import Testing

@Suite struct LotteryClaimTests {
    /// Quick mode at seed 1: the small net at lr 0.01, 5 paired seeds, re-init and random from round 9 (density 15.2%) on.
    @Test func quickModeRegressionRuleBHoldsAndTheControlFails() throws {
        let record = try QuickRuns.seed1(LotterySanityClaim().id).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        #expect(record.seeds.count == 5)
        let b = record.checks.filter { $0.name.hasPrefix("(b)") }
        #expect(b.map(\.name) == ["(b) ticket beats re-init at density 10–15.5%"])
        #expect(b.first?.judgement?.form == .superiority)
        #expect(record.checks.filter { $0.role == .control }.map(\.name)
                == ["random pruning in the ticket's place fails (b) (control)", "re-init in the ticket's place fails (a) at 12–20% (control)"])
        // Version 1's per-round rule (b) is kept, judged on this run, as information.
        let v1 = try #require(record.previousRules?.first)
        #expect(v1.version == 1)
        #expect(v1.checks.filter { $0.name.hasPrefix("(b)") }.map(\.name) == ["15.2%", "12.4%", "10.2%"].map { "(b) ticket beats re-init at density \($0)" })

        // Paired gaps (points) from the per-seed accuracies, at the three rounds of rule (b).
        func values(_ arm: String, round: Int) throws -> [Double] {
            try #require(record.perSeed.first { $0.name.hasPrefix("\(arm) lr 0.01 round \(round) ") }).values
        }
        func gap(_ a: String, _ b: String, round: Int) throws -> [Double] {
            zip(try values(a, round: round), try values(b, round: round)).map { 100 * ($0 - $1) }
        }
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        func sd(_ x: [Double]) -> Double { let m = mean(x); return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot() }
        // Measured at seed 1 (mean ± sd): +2.92 ± 0.66, +4.95 ± 1.72, +5.87 ± 0.51. Each bound below sits ≥ 2 sd under its mean;
        // the claim's own 2-point line is that far only at 10.2% (at 15.2% it is 1.4 sd away, at 12.4% 1.7 sd).
        for round in 9...11 {
            let g = try gap("ticket", "reinit", round: round)
            #expect(g.allSatisfy { $0 > 0 }, "round \(round): \(g)")
            #expect(mean(g) >= 1.5 && mean(g) - 1.5 >= 2 * sd(g), "round \(round): \(mean(g)) ± \(sd(g))")
        }
        let last = try gap("ticket", "reinit", round: 11)
        #expect(mean(last) >= 2 + 2 * sd(last))
        // Version 2's (b) pools each seed's three gaps: its statistic is the mean of the per-seed window means.
        let pooled = (0..<5).map { i in (try? (9...11).map { try gap("ticket", "reinit", round: $0)[i] }.reduce(0, +) / 3) ?? .nan }
        #expect(abs((b.first?.judgement?.estimate ?? 0) - mean(pooled)) < 1e-9)
        // The control: random pruning falls below re-init at 10.2% (−4.01 ± 1.57), ≥ 2 sd under zero, so it fails (b) there.
        let control = try gap("random", "reinit", round: 11)
        #expect(mean(control) < 0 && -mean(control) >= 2 * sd(control), "\(mean(control)) ± \(sd(control))")
        #expect(record.notes.contains { $0.contains("quick mode") })
    }

    @Test func badParametersAreInputErrorsBeforeAnyTraining() {
        let claim = LotterySanityClaim()
        for bad in [["lr": "0.05"], ["lr": "0.01,x"], ["arms": "ticket,random"], ["arms": "ticket,lottery"], ["imp": "one-shot"],
                    ["net": "resnet:3"], ["prune-fraction": "1"], ["rounds": "0"], ["rewind-epoch": "40"], ["wide-net": "mlp:0"], ["bogus": "1"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .standard, overrides: bad, text: false) }
        }
    }
}
