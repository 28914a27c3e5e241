import ClaimKit
import Claims
import Components
import GreedySelection
import Testing

@Suite struct GreedyClaimTests {
    /// The verdict must not hinge on one lucky master seed.
    @Test(arguments: [UInt64(1), 2, 3])
    func greedyDecayHoldsOnSeveralMasterSeeds(seed: UInt64) throws {
        let record = try ClaimRunner.run(GreedyDecayClaim(), seed: seed, mode: .quick, text: false).record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        // Both negative controls fail their rule, so the check could have failed.
        #expect(record.checks.filter { $0.role == .control }.allSatisfy { !$0.satisfied })
        let fits = Dictionary(uniqueKeysWithValues: record.fits.map { ($0.name, $0.estimate) })
        let c = try #require(fits["greedy-linesearch decay constant"])
        #expect((0.03...0.08).contains(c), "c = \(c)")
        #expect(record.series.map(\.name).contains("certificate-path"))
    }

    @Test func greedyDecayOutsideItsRegimeDoesNotHold() throws {
        let record = try ClaimRunner.run(GreedyDecayClaim(), seed: 1, mode: .quick, overrides: ["M": "20"], text: false).record
        #expect(record.verdict == .regimeNotReached, "\(record.verdictReason)")
        #expect(record.verdict.exitCode != 0)
        #expect(record.parameters.int("M") == 20)
    }

    @Test func greedyRateHoldsAndItsControlFails() throws {
        let result = try QuickRuns.seed1(GreedyRateClaim().id)
        let record = result.record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        #expect(record.checks.contains { $0.role == .control && !$0.satisfied })
        #expect(record.series.map(\.name) == ["random-mean", "random-formula", "random-ratio", "random-ratio-se", "random-replacement-ratio",
                                              "pooled-greedy-uniform", "V/n"])
        #expect(result.report.contains("greedy-uniform L_n"))
    }

    @Test func badParametersAreInputErrors() {
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(GreedyDecayClaim(), seed: 1, mode: .quick, overrides: ["n_max": "10"]) }
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(GreedyDecayClaim(), seed: 1, mode: .quick, overrides: ["activation": "swish"]) }
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(GreedyRateClaim(), seed: 1, mode: .quick, overrides: ["heldout": "5"]) }
        #expect(throws: InputError.self) { _ = try ClaimRunner.run(GreedyRateClaim(), seed: 1, mode: .quick, overrides: ["N": "100", "n_max": "100"]) }
    }

    /// With N below n_max, random (without replacement) stops after N steps, so its pooled curve is shorter than the
    /// run: the report leaves its later cells empty instead of reading past the curve (`--param N=300` trapped here).
    @Test func aSelectorThatStopsEarlyLeavesItsLaterCellsEmpty() throws {
        let result = try ClaimRunner.run(GreedyDecayClaim(), seed: 1, mode: .quick, overrides: ["N": "60", "n_max": "80", "seeds": "2"])
        let random = try #require(result.record.series.first { $0.name == "pooled-random" })
        #expect(random.y.count == 60)
        let lines = result.report.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("method") && $0.contains("L@80") })
        let row = try #require(lines.first { $0.hasPrefix("random ") })
        let line = try #require(lines.first { $0.hasPrefix("greedy-linesearch ") })
        let cell = try #require(header.range(of: "L@80")).upperBound.utf16Offset(in: header)
        func field(_ text: String) -> String {
            let chars = Array(text)
            return String(chars[max(0, cell - 5)..<min(chars.count, cell)]).trimmingCharacters(in: .whitespaces)
        }
        #expect(field(row).isEmpty, "random has no L@80: \(row)")
        #expect(!field(line).isEmpty, "line search does: \(line)")
    }

    /// The claim-parameter contract: a record's `parameters` are exactly the declared ones, and the instance's come from GreedySelection.
    @Test(arguments: ["greedy-decay", "greedy-rate-1/n"])
    func recordParametersAreTheDeclaredOnes(id: String) throws {
        let claim = try ClaimRegistry.all.named(id)
        let record = try ClaimRunner.run(any: claim, seed: 4, mode: .quick, overrides: ["N": "300", "n_max": "100", "seeds": "3"], text: false).record
        #expect(record.parameters.names == claim.parameters.map(\.name).sorted())
        let instanceNames = Set(GreedyInstance.networkParameters.map(\.name))
        #expect(claim.parameters.filter { instanceNames.contains($0.name) } == GreedyInstance.networkParameters)
        #expect(record.facts["init"] != nil)
    }
}
