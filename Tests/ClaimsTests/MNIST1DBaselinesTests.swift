import ClaimKit
import Claims
import Components
import Foundation
import Testing

@Suite struct MNIST1DBaselinesTests {
    /// Quick mode at seed 1 (the contract covers holds/control): the table's rows, the shuffle checks judged, the reproduction checks reported.
    @Test func quickRecordReadsBack() throws {
        let record = try QuickRuns.seed1("mnist1d-baselines").record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        for name in ["logistic regression", "MLP", "CNN", "GRU"] {
            let acc = try #require(record.perSeed.first { $0.name == "test accuracy \(name)" }).values
            #expect(acc.count == 2 && acc.allSatisfy { $0 > 0.1 && $0 <= 1 }, "\(name): \(acc)")
            #expect(record.checks.first { $0.name.hasPrefix("\(name) reproduces") }?.role == .info)
        }
        // The GRU's row is judged against its own tolerance (±4: its steps shrink).
        let gru = try #require(record.checks.first { $0.name.hasPrefix("GRU reproduces 91") })
        #expect(gru.role == .info && gru.rule.contains("±4"), "\(gru.rule)")
        // The CNN's drop is the paired difference of the recorded accuracies.
        let cnn = try #require(record.perSeed.first { $0.name == "test accuracy CNN" }).values
        let cnnShuffled = try #require(record.perSeed.first { $0.name == "test accuracy CNN shuffled" }).values
        let drop = try #require(record.checks.first { $0.name == "CNN loses on shuffled data" }?.judgement)
        #expect(abs((drop.estimate ?? 0) - zip(cnn, cnnShuffled).map { $0 - $1 }.reduce(0, +) / 2) < 1e-12)
        #expect(record.series.contains { $0.name == "test accuracy vs steps CNN" })
    }

    @Test func badParametersAreInputErrors() {
        for bad in [["steps": "50"], ["batch-size": "300"], ["eval-every": "50"], ["cnn-net": "cnn1d:4:q1"], ["mlp-net": "resmlp:10,20"], ["init": "xavier"], ["gru-steps": "50"]] {
            #expect(throws: InputError.self, "\(bad)") { _ = try ClaimRunner.run(MNIST1DBaselinesClaim(), seed: 1, mode: .quick, overrides: bad, text: false) }
        }
    }
}
