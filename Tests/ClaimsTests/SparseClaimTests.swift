import ClaimKit
import Claims
import Components
import Testing

@Suite struct SparseClaimTests {
    /// Quick mode at master seed 2 (the contract test covers seed 1): RigL beats static at 98% far beyond the rule's 2 points, and the control fails.
    @Test func riglBeatsStaticInQuickModeAndTheControlFails() throws {
        let record = try ClaimRunner.run(RiglVsStaticClaim(), seed: 2, mode: .quick, text: false).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        let gaps = try #require(record.perSeed.first { $0.name == "gap rigl - static at 0.98" }).values
        #expect(gaps.count == 3 && gaps.allSatisfy { $0 > 0.02 }, "\(gaps)")
        let control = try #require(record.checks.first { $0.role == .control })
        #expect(!control.satisfied && control.name == "static in RigL's place (control)")
        #expect(record.parameters.int("delta-t") == 20 && record.parameters.int("epochs") == 20 && record.parameters.int("boundary-delta-t") == 0)
        #expect(record.series.map(\.name).contains("accuracy vs training FLOPs rigl"))
    }

    @Test func badParametersAreInputErrors() {
        for bad in [["sparsity-high": "1"], ["net": "resnet:3"], ["delta-t": "0"], ["alpha": "0"], ["t-end": "2"], ["distribution": "gaussian"], ["overhead-sparsities": "0.9,1.5"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(RiglVsStaticClaim(), seed: 1, mode: .quick, overrides: bad, text: false) }
        }
        for bad in [["sparsities": "0.9,1.2"], ["method": "deepr"], ["net": "transformer"], ["seeds": "1"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(ErkVsUniformClaim(), seed: 1, mode: .quick, overrides: bad, text: false) }
        }
    }
}
