import ClaimKit
import Claims
import Components
import Testing

/// grasp-80, grasp-extreme and gradient-flow-to-accuracy from the shared quick run: the recorded gaps are the
/// per-seed records' paired differences, and bad parameters are one-line input errors.
@Suite struct GraspOutcomeClaimTests {
    static func values(_ r: ClaimRecord, _ name: String) throws -> [Double] {
        try #require(r.perSeed.first { $0.name == name }, "no perSeed '\(name)'").values
    }

    @Test func grasp80DropsArePairedDifferencesOfTheRecordedAccuracies() throws {
        let record = try QuickRuns.seed1("grasp-80").record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        let nets = try #require(record.facts["nets"]).split(separator: ";").map(String.init)
        #expect(nets.count == 2)
        for net in nets {
            let dense = try Self.values(record, "test accuracy dense on \(net)")
            for arm in ["grasp", "reverse-grasp"] {
                let acc = try Self.values(record, "test accuracy \(arm) on \(net)")
                let fit = try #require(record.fits.first { $0.name == "drop from dense \(arm) on \(net)" })
                let d = zip(dense, acc).map { $0 - $1 }
                #expect(d.count == 6 && abs(fit.estimate - d.reduce(0, +) / Double(d.count)) < 1e-12)
            }
        }
        // The control (reverse-GraSP on the CNN) is far below dense: it fails the non-inferiority rule.
        let control = try #require(record.checks.first { $0.role == .control })
        #expect(!control.satisfied && (control.judgement?.upper ?? 0) < -0.016)
    }

    @Test func badParametersAreInputErrors() {
        let cases: [(any Claim, [String: String])] = [
            (Grasp80Claim(), ["nets": "mlp:8;resnet:3"]), (Grasp80Claim(), ["sparsity": "1"]),
            (GraspExtremeClaim(), ["sparsities": "0.9,1.2"]), (GraspExtremeClaim(), ["net": "x"]),
            (GradientFlowAccuracyClaim(), ["densities": "0"]), (GradientFlowAccuracyClaim(), ["epochs": "3"]),
        ]
        for (claim, bad) in cases {
            #expect(throws: InputError.self, "\(claim.id) \(bad)") { _ = try ClaimRunner.run(claim, seed: 1, mode: .quick, overrides: bad, text: false) }
        }
    }
}
