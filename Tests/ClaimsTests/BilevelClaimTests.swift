import ClaimKit
import Claims
import Components
import Testing

@Suite struct BilevelClaimTests {
    @Test func complexityClaimHoldsAndStocBiOFailsTheAcceleratedRule() throws {
        let record = try QuickRuns.seed1(BilevelComplexityClaim().id).record
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
        // Quick mode: 6 Protocol A seeds, but VRBO keeps its 10 (6 gave too wide a CI).
        #expect(record.parameters.int("seeds") == 6 && record.parameters.int("vrbo-seeds") == 10)
        #expect(record.series.map(\.name) == ["mrbo-half-window-mean", "stocbio-half-window-mean", "vrbo-calls-to-eps"])
        // The solvers' settings in force are facts taken from their resolved parameters, not retyped.
        #expect(record.facts["mrbo"]?.contains("gamma=0.3") == true && record.facts["mrbo"]?.contains("lambda=0.5") == true)
        #expect(record.facts["stocbio"]?.contains("eta=0.4") == true)
    }

    /// The claim-parameter contract: every default lies in its domain in every mode, the run resolves them all
    /// into the record, and bad values or keys are input errors (exit 2) before any work is done.
    @Test func parametersFollowTheirDeclarations() throws {
        let claim = BilevelComplexityClaim()
        let names = claim.parameters.map(\.name)
        #expect(Set(names).count == names.count)
        for mode in RunMode.allCases {
            for p in claim.parameters {
                let v = try #require(p.defaultValue(in: mode), "\(p.name) has no default in \(mode)")
                #expect(throws: Never.self, "\(p.name) = \(v) in \(mode)") { try p.check(v) }
            }
            let resolved = try claim.resolveParameters(overrides: [:], mode: mode)
            #expect(resolved.names == names.sorted())
        }
        #expect(try claim.resolveParameters(overrides: [:], mode: .full).real("eps-min") == 0.003)
        #expect(try claim.resolveParameters(overrides: ["vrbo": "off"], mode: .quick).flag("vrbo") == false)
        let bad: [[String: String]] = [["bogus": "1"], ["seeds": "2"], ["seeds": "ten"], ["window-lo": "1"], ["vrbo": "maybe"], ["eps-points": "2.5"]]
        for o in bad {
            #expect(throws: InputError.self, "\(o)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: o, text: false) }
        }
        // Combinations the domains cannot express are refused by measure before it runs anything.
        let combinations: [[String: String]] = [["window-lo": "1e5", "window-hi": "1e6"], ["budget": "1000000"], ["eps-min": "0.2"]]
        for o in combinations {
            #expect(throws: InputError.self, "\(o)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: o, text: false) }
        }
    }
}
