import ClaimKit
import Claims
import Foundation
import GreedySelection
import Testing

/// greedy-log-tolerance (issue #30 item 4): k(ε) on a size curve, and the quick record's shapes.
@Suite struct GreedyLogToleranceClaimTests {
    @Test func neuronsToReachAToleranceReadTheSizeCurve() {
        // L*(k) = 10^{-2k}: k(ε) = the first k with 10^{-2k} ≤ ε·L*(1) = ε·10^{-2}, i.e. k = 1 + ⌈log10(1/ε)/2⌉.
        let curve = (1...8).map { pow(10.0, -2.0 * Double($0)) }
        #expect(ToleranceScaling.neurons(curve, relative: 1e-4, reference: curve[0]) == 3)
        #expect(ToleranceScaling.neurons(curve, relative: 1e-5, reference: curve[0]) == 4)
        #expect(ToleranceScaling.neurons(curve, relative: 1e-20, reference: curve[0]) == nil)
        #expect(ToleranceScaling.neurons(curve, levels: [1e-2, 1e-6], reference: curve[0]) == [2, 4])
        #expect(ToleranceScaling.neurons(curve, levels: [1e-2, 1e-30], reference: curve[0]) == nil)
        #expect(ToleranceScaling.neurons(curve, relative: 1, reference: 0) == nil)
    }

    @Test func theQuickRecordGrowsLinearlyInLogAndRandomAsAPower() throws {
        let record = try QuickRuns.seed1("greedy-log-tolerance").record
        let fits = Dictionary(uniqueKeysWithValues: record.fits.map { ($0.name, $0) })
        let slope = try #require(fits["greedy-linesearch neurons per decade"])
        let line = try #require(fits["greedy-linesearch k(ε) on log10(1/ε)"]), random = try #require(fits["random k(ε) on log10(1/ε)"])
        // A few neurons per decade of ε, far inside the theorem's allowance ln(10)/c_thm.
        #expect(slope.estimate > 0.5 && slope.estimate < 10 && slope.estimate < (slope.extra["allowance"] ?? 0))
        #expect((line.rSquared ?? 0) > (line.extra["powerLawRSquared"] ?? 1))
        // 1/n selection: k ∝ (1/ε)^β with β near 1, where the power law fits better than the line.
        #expect((random.extra["powerLawExponent"] ?? 0) > 0.5)
        #expect((random.extra["powerLawRSquared"] ?? 0) > (random.rSquared ?? 1))
        #expect(record.checks.first { $0.name.hasPrefix("no acceleration") }?.satisfied == true)
    }
}
