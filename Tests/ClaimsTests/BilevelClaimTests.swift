import ClaimKit
import Claims
import Testing

@Suite struct BilevelClaimTests {
    @Test func complexityClaimHoldsAndStocBiOFailsTheAcceleratedRule() throws {
        let record = try BilevelComplexityClaim().run(ClaimContext(seed: 1, mode: .quick)).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        #expect(record.checks.contains { $0.role == .control } )
        #expect(record.checks.filter { $0.role == .control }.allSatisfy { !$0.satisfied })
        let fits = Dictionary(uniqueKeysWithValues: record.fits.map { ($0.name, $0) })
        let mrbo = try #require(fits["mrbo ε-exponent"])
        let stoc = try #require(fits["stocbio ε-exponent"])
        // Separated intervals, in the bands the prototype found (MRBO ≈ 1.3, stocBiO ≈ 2).
        let mrboUpper = try #require(mrbo.interval?.upper)
        let stocLower = try #require(stoc.interval?.lower)
        #expect(mrboUpper < stocLower)
        #expect(mrbo.estimate > 1.1 && mrbo.estimate < 1.6)
        #expect(stoc.estimate > 1.8 && stoc.estimate < 2.2)
    }
}
