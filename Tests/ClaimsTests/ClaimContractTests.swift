import ClaimKit
import Claims
import Components
import Foundation
import TestSupport
import Testing

/// Contracts every registered claim must keep; a new claim is tested the moment it is registered.
@Suite struct ClaimContractTests {
    static let ids = ClaimRegistry.all.names
    /// Claims whose rule, fixed before the reporting seeds, is violated by the measurement (proofs document: empirical check).
    static let reportedNonReproductions: Set<String> = ["greedy-vs-magnitude"]

    @Test(arguments: ids) func declaredDefaultsLieInTheirDomainsInEveryMode(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        #expect(!claim.parameters.isEmpty)
        #expect(Set(claim.parameters.map(\.name)).count == claim.parameters.count, "duplicate parameter names")
        for p in claim.parameters {
            #expect(!p.help.isEmpty, "\(id).\(p.name) has no help")
            for mode in RunMode.allCases {
                let v = try #require(p.defaultValue(in: mode), "\(id).\(p.name): claims take no derived defaults")
                #expect(throws: Never.self) { try p.check(v) }
            }
        }
    }

    @Test(arguments: ids) func recordParametersAreTheDeclaredOnesAndEveryControlFailsByName(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        let result = try QuickRuns.seed1(id)
        let record = result.record
        #expect(record.parameters.names == claim.parameters.map(\.name).sorted())
        // A claim whose measurement goes against its paper (a reported non-reproduction, stated in its proofs document)
        // is violated, never cannot-fail: its controls are judged first, so the verdict still shows they failed.
        if Self.reportedNonReproductions.contains(id) {
            #expect(record.verdict == .violated, "\(id): \(record.verdictReason)")
        } else {
            #expect(record.verdict == .holds, "\(id): \(record.verdictReason)")
        }

        // Each declared negative control is recorded as a control and fails the rule...
        #expect(!claim.controlChecks.isEmpty, "\(id) declares no negative control")
        for name in claim.controlChecks where !claim.controlsNotInQuickMode.contains(name) {
            let check = try #require(record.checks.first { $0.name == name }, "\(id): control '\(name)' is not in the record")
            #expect(check.role == .control, "\(id): '\(name)' is recorded as \(check.role.rawValue), not as a control")
            #expect(!check.satisfied, "\(id): control '\(name)' passed")
            // ...and if that one control passed, the verdict could not be 'holds'.
            let forced = record.checks.map { c in c.name == name ? c.forced(true) : c }
            #expect(Verdict.judge(forced).verdict == .cannotFail)
        }
        // No check outside the declared list is a control: a renamed control cannot slip through.
        #expect(Set(record.checks.filter { $0.role == .control }.map(\.name)) == Set(claim.controlChecks).subtracting(claim.controlsNotInQuickMode))

        // The record file reads back as exactly what was written.
        #expect(try JSONOutput.encode(record) == SharedVerifyAll.run().record(claim.resultFileName), "\(id): the record does not round-trip")
    }
}
