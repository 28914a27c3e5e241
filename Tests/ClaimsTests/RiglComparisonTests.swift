import ClaimKit
import Claims
import Components
import Foundation
import SparseNets
import Testing

/// rigl-vs-gmp, rigl-vs-dst, rigl-longer: their quick records at master seed 1 (the shared `verify all --quick` run),
/// read back and checked against the rules' arithmetic, and the small-dense network's derivation.
@Suite struct RiglComparisonTests {
    /// The 95% t-interval's lower end of `d`, computed here from the recorded per-seed values.
    static func lower(_ d: [Double], t: Double) -> Double {
        let n = Double(d.count), mean = d.reduce(0, +) / n
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        return mean - t * sd / n.squareRoot()
    }

    @Test func riglVsGmpQuickRecord() throws {
        let record = try QuickRuns.seed1("rigl-vs-gmp").record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        // Quick mode: 6 seeds (t(0.975, 5) = 2.570582) at 90% and 95%, 10 epochs.
        for s in [0.9, 0.95] {
            let gaps = try #require(record.perSeed.first { $0.name == "gap rigl - gmp at \(s)" }).values
            #expect(gaps.count == 6)
            let j = try #require(record.checks.first { $0.name == "RigL non-inferior to GMP at \(s)" }?.judgement)
            #expect(j.form == .nonInferiority && abs((j.lower ?? .nan) - Self.lower(gaps, t: 2.570582)) < 1e-6)
            #expect(j.outcome == ((j.lower ?? -1) >= -0.02 ? .passed : .failed))
            // RigL trains on fewer FLOPs than GMP on every seed (GMP starts dense).
            let r = try #require(record.perSeed.first { $0.name == "training FLOPs fraction rigl at \(s)" }).values
            let g = try #require(record.perSeed.first { $0.name == "training FLOPs fraction gmp at \(s)" }).values
            #expect(zip(r, g).allSatisfy { $0 < $1 && $0 > 1 - s - 1e-9 }, "\(r) \(g)")
        }
        let control = try #require(record.checks.first { $0.role == .control })
        #expect(control.name == "static in RigL's place at the extreme sparsity (control)" && !control.satisfied)
        #expect(record.perSeed.contains { $0.name == "gap static - gmp at 0.95" })
        #expect(record.parameters.int("epochs") == 10 && record.parameters.real("margin") == 0.02)
    }

    @Test func riglVsDstQuickRecord() throws {
        let record = try QuickRuns.seed1("rigl-vs-dst").record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        // One finding per sparsity against the rivals (4) and against small-dense at 90% and above (3).
        #expect(record.checks.filter { $0.judgement?.form == .boundary && $0.role == .primary }.count == 7)
        for c in record.checks where c.judgement?.form == .boundary {
            // One finding per sparsity: reproduces only if both rivals' intervals lie above 0.
            let j = try #require(c.judgement)
            #expect(j.finding != nil)
            if j.finding == .reproduces { #expect((j.lower ?? -1) > 0) }
        }
        let control = try #require(record.checks.first { $0.role == .control })
        #expect(!control.satisfied)
    }

    @Test func riglLongerQuickRecord() throws {
        let record = try QuickRuns.seed1("rigl-longer").record
        #expect(record.verdict == .holds, "\(record.verdictReason)")
        // RigL's FLOPs per step are constant, so 5× costs 5 times the 1× run plus its extra mask-only update steps
        // (6 instead of 1 in quick mode, each at most 2f_S + f_D): never less than 5×, and under 5.25× at 98%.
        let one = try #require(record.perSeed.first { $0.name == "training FLOPs rigl 1x / dense 1x" }).values
        let five = try #require(record.perSeed.first { $0.name == "training FLOPs rigl 5x / dense 1x" }).values
        #expect(one.count == 3 && five.count == 3)
        for (a, b) in zip(one, five) { #expect(b / a >= 5 && b / a < 5.25, "\(a) \(b)") }
        let control = try #require(record.checks.first { $0.role == .control })
        #expect(!control.satisfied)
    }

    /// The small-dense MLP for the digits network: its weight count is the nearest to the target among scaled networks.
    @Test func smallDenseMatchesTheNonZeroCount() throws {
        let net = try NetworkSpec.parse("mlp:256,256")
        func weights(_ h: [Int]) -> Int { 64 * h[0] + h[0] * h[1] + h[1] * 10 }
        for target in [1690, 4224, 8448, 16896] {
            let small = try SmallDense.network(matching: target, from: net, inputSize: 64, classCount: 10)
            guard case .architecture(.mlp(let h)) = small else { Issue.record("not an MLP: \(small)"); continue }
            #expect(h[0] == h[1])
            // No equal-width MLP one unit wider or narrower is nearer the target.
            let w = weights(h)
            #expect(abs(w - target) <= abs(weights([h[0] + 1, h[1] + 1]) - target))
            #expect(abs(w - target) <= abs(weights([h[0] - 1, h[1] - 1]) - target))
        }
        #expect(try SmallDense.network(matching: 10_000_000, from: net, inputSize: 64, classCount: 10) == net)
        #expect(throws: SparseNetsError.self) { _ = try SmallDense.network(matching: 0, from: net, inputSize: 64, classCount: 10) }
    }
}
