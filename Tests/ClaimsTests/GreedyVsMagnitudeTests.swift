import ClaimKit
import Claims
import Components
import Foundation
import Testing

@Suite struct GreedyVsMagnitudeTests {
    /// The judged gaps are the paired differences of the record's own per-seed accuracies, averaged over k.
    @Test func fitsAreThePairedDifferencesOfThePerSeedAccuracies() throws {
        let record = try QuickRuns.seed1("greedy-vs-magnitude").record
        let keep = [4, 8, 16]
        func values(_ name: String) throws -> [Double] { try #require(record.perSeed.first { $0.name == name }, "\(name)").values }
        for data in ["digits", "breast-cancer"] {
            for suffix in ["", " fine-tuned"] {
                for (a, b) in [("greedy", "magnitude"), ("greedy", "random"), ("random", "magnitude")] {
                    var gaps = [Double](repeating: 0, count: record.seeds.count)
                    for k in keep {
                        let x = try values("test accuracy \(data) \(a) k=\(k)\(suffix)"), y = try values("test accuracy \(data) \(b) k=\(k)\(suffix)")
                        #expect(x.count == gaps.count && y.count == gaps.count)
                        for s in gaps.indices { gaps[s] += (x[s] - y[s]) / Double(keep.count) }
                    }
                    let fit = try #require(record.fits.first { $0.name == "\(a) - \(b) \(data)\(suffix)" })
                    #expect(abs(fit.estimate - gaps.reduce(0, +) / Double(gaps.count)) < 1e-12)
                }
                // Accuracies are fractions of a test set: in [0, 1], and every selector was evaluated.
                for sel in ["greedy", "magnitude", "random"] { for k in keep { #expect(try values("test accuracy \(data) \(sel) k=\(k)\(suffix)").allSatisfy { (0...1).contains($0) }) } }
            }
        }
        // Each control is the primary rule with random in greedy's place, and must fail it.
        for c in record.checks where c.role == .control { #expect(c.judgement?.form == .superiority && c.judgement?.outcome == .failed) }
    }

    @Test func badParametersAreInputErrors() {
        let claim = GreedyVsMagnitudeClaim()
        for bad in [["keep": "17"], ["keep": "0"], ["keep": "4,4"], ["keep": "4,x"], ["digits-net": "mlp:8,8"], ["digits-net": "cnn:8"],
                    ["breast-cancer-net": "mlp"], ["seeds": "1"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: bad, text: false) }
        }
    }
}
