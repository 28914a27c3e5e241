import ClaimKit
import Claims
import Components
import Testing

@Suite struct SparseClaimTests {
    /// Quick mode at master seed 2 (the contract test covers seed 1): RigL beats static at 98% on every one of the 8 paired
    /// seeds by more than the rule's 2 points (measured +3.3 to +15.0), the superiority and equivalence checks pass, and both controls fail.
    @Test func riglBeatsStaticInQuickModeAndTheControlFails() throws {
        let record = try ClaimRunner.run(RiglVsStaticClaim(), seed: 2, mode: .quick, text: false).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        let gaps = try #require(record.perSeed.first { $0.name == "gap rigl - static at 0.98" }).values
        #expect(gaps.count == 8 && gaps.allSatisfy { $0 > 0.02 }, "\(gaps)")
        let controls = record.checks.filter { $0.role == .control }
        #expect(controls.map(\.name) == ["static in RigL's place (control)", "RigL − static at the extreme sparsity under the 90% equivalence rule (control)"])
        #expect(controls.allSatisfy { !$0.satisfied })
        // The superiority check's interval is the t-interval of the recorded gaps.
        let rigl = try #require(record.checks.first { $0.name == "RigL beats static at 0.98" }?.judgement)
        let mean = gaps.reduce(0, +) / 8, sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 7).squareRoot()
        #expect(rigl.form == .superiority && abs((rigl.estimate ?? 0) - mean) < 1e-12)
        #expect(abs((rigl.lower ?? 0) - (mean - 2.364624 * sd / 8.0.squareRoot())) < 1e-6)
        #expect(record.checks.filter { $0.judgement?.form == .equivalence && $0.role == .primary }.count == 3)
        // Version 1 (3 seeds in quick mode, each positive) is kept as information.
        #expect(record.previousRules?.first?.version == 1 && record.previousRules?.first?.checks.count == 4)
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
