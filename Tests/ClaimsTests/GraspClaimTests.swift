import ClaimKit
import Claims
import Components
import Testing

@Suite struct GraspClaimTests {
    @Test func gradientFlowClaimHoldsAndBothControlsFail() throws {
        let claim = GraspGradientFlowClaim()
        let result = try QuickRuns.seed1(claim.id)
        let record = result.record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        let controls = record.checks.filter { $0.role == .control }
        #expect(controls.count == 2)
        #expect(controls.allSatisfy { !$0.satisfied })
        // Quick mode: 3 seeds, no training comparison; 4 densities × (GraSP check + 2 first-order checks) + 2 controls.
        #expect(record.seeds.count == 3 && record.checks.count == 14)
        #expect(record.series.map(\.name) == ["grasp", "reverse-grasp", "random", "snip", "magnitude", "synflow"].map { "G/G0 \($0)" })
        // GraSP raises ‖g‖² above the dense network at 20% density; reverse-GraSP collapses it.
        let at20 = Dictionary(uniqueKeysWithValues: record.series.map { ($0.name, $0.y[1]) })
        #expect((at20["G/G0 grasp"] ?? 0) > 1 && (at20["G/G0 reverse-grasp"] ?? 1) < 0.1)
        #expect(record.facts["data"] == "digits (split seed 1, 1078/359/360, standardised)")
        #expect(result.report.contains("‖g‖² after pruning / dense"))
    }

    /// The claim-parameter contract: the record's `parameters` are exactly the declared names, at their quick defaults.
    @Test func recordParametersAreTheDeclaredOnes() throws {
        let claim = GraspGradientFlowClaim()
        let record = try ClaimRunner.run(claim, seed: 2, mode: .quick, overrides: ["densities": "0.2", "seeds": "2"], text: false).record
        #expect(Set(record.parameters.names) == Set(claim.parameters.map(\.name)))
        #expect(record.parameters.names.count == claim.parameters.count)
        #expect(record.parameters.int("train-epochs") == 0 && record.parameters.int("seeds") == 2)
        #expect(record.parameters.real("temperature") == 200 && record.parameters.int("per-class") == 10 && record.parameters.real("lr") == 0.05)
        for p in claim.parameters {
            for mode in RunMode.allCases { if let v = p.defaultValue(in: mode) { try p.check(v) } }
        }
    }

    @Test func badParametersAreInputErrors() {
        let claim = GraspGradientFlowClaim()
        for bad in [["densities": "0.5,1.5"], ["net": "resnet:3"], ["temperature": "0"], ["schedule": "linear"], ["bogus": "1"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: bad, text: false) }
        }
    }
}
