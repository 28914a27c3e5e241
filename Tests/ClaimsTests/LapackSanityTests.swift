import ClaimKit
import Claims
import Components
import Testing

@Suite struct LapackSanityTests {
    @Test func slopesMatchTheTheoryAndTheControlFails() throws {
        let result = try ClaimRunner.run(LapackSanityClaim(), seed: 11, mode: .quick, text: false)
        let fits = Dictionary(uniqueKeysWithValues: result.record.fits.map { ($0.name, $0.estimate) })
        let backward = try #require(fits["Cholesky backward slope"])
        let forward = try #require(fits["Cholesky forward slope"])
        let inverseBackward = try #require(fits["inverse backward slope"])
        #expect(abs(backward) < 0.05)
        #expect(forward > 0.75 && forward < 1.15)
        // The explicit inverse's backward error grows by orders of magnitude over κ = 10…10¹².
        #expect(inverseBackward > 0.4)
        #expect(result.record.verdict == .holds)
        #expect(result.record.checks.first { $0.role == .control }?.satisfied == false)
        #expect(result.report.isEmpty)
    }

    @Test func unknownParameterAndOutOfRangeValueAreInputErrors() {
        let claim = LapackSanityClaim()
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: ["bogus": "1"]) }
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: ["kmax": "40"]) }
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: ["n": "ten"]) }
    }
}
