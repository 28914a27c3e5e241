import ClaimKit
import Claims
import Components
import GreedySelection
import Testing

/// greedy-decay v2 (issue #30): the theorem's constant per seed, the size fit and the precondition, in the record.
@Suite struct GreedyTheoremClaimTests {
    @Test func theRecordCarriesTheConstantTheSizeFitAndTheEarlierRule() throws {
        let record = try QuickRuns.seed1("greedy-decay").record
        let perSeed = Dictionary(uniqueKeysWithValues: record.perSeed.map { ($0.name, $0.values) })
        let cThm = try #require(perSeed["c_thm = -ln(1 - r_lb^2/D^2)"])
        let loose = try #require(perSeed["looseness c/c_thm"])
        #expect(cThm.count == record.seeds.count && cThm.allSatisfy { $0 > 0 })
        // The theorem is loose on random instances by two orders of magnitude, never below 1.
        #expect(loose.allSatisfy { $0 >= 1 })
        let line = try #require(record.fits.first { $0.name == "greedy-linesearch decay constant" })
        let perNeuron = try #require(line.extra["sizeRate"])
        // A neuron is re-picked several times (median ~57 distinct in 400 steps): the rate per neuron exceeds the rate per step.
        #expect(perNeuron > line.estimate)
        let planted = record.fits.filter { $0.name.hasPrefix("planted triangle") }
        #expect(planted.count == 2)
        for p in planted { #expect((1...32).contains(p.extra["looseness"] ?? 0)) }
        let v1 = try #require(record.previousRules?.first)
        #expect(v1.version == 1 && v1.verdict == .holds)
        let assumption = try #require(record.checks.first { $0.name.hasPrefix("assumption") })
        #expect(assumption.role == .regime && assumption.satisfied)
    }
}
