import ClaimKit
import Claims
import Testing

@Suite struct GreedyClaimTests {
    /// The verdict must not hinge on one lucky master seed.
    @Test(arguments: [UInt64(1), 2, 3])
    func greedyDecayHoldsOnSeveralMasterSeeds(seed: UInt64) throws {
        let record = try GreedyDecayClaim().run(ClaimContext(seed: seed, mode: .quick)).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        // Both negative controls fail their rule, so the check could have failed.
        #expect(record.checks.filter { $0.role == .control }.allSatisfy { !$0.satisfied })
    }

    @Test func greedyDecayOutsideItsRegimeDoesNotHold() throws {
        let record = try GreedyDecayClaim().run(ClaimContext(seed: 1, mode: .quick, overrides: ["M": "20"])).record
        #expect(record.verdict == .regimeNotReached, "\(record.verdictReason)")
        #expect(record.verdict.exitCode != 0)
    }

    @Test func greedyRateHoldsAndItsControlFails() throws {
        let record = try GreedyRateClaim().run(ClaimContext(seed: 1, mode: .quick)).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        #expect(record.checks.contains { $0.role == .control && !$0.satisfied })
    }
}
