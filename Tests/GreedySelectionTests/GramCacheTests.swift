import Components
import Foundation
import Randomness
import Testing
@testable import GreedySelection

/// The Gram cache carries s = Φᵀe through each move in O(N); it must change nothing a run reports.
@Suite struct GramCacheTests {
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
    }

    /// Picks equal the uncached path and losses agree to 1e-12 relative, for every Frank–Wolfe-type selector, on three
    /// seeds; the certificate (w_n, D_n) comes from the carried scores and agrees too. The cache is exercised: the
    /// line search repeats picks, so fewer distinct atoms than steps are cached.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func cachedScoresGiveTheSamePicksLossesAndCertificate(seed: UInt64) throws {
        let problem = try GreedyInstance(dimension: 5, inputs: 300, width: 2000, activation: .relu, heldOutInputs: 50)
            .build(stream: RandomStream(seed: seed))
        for name in ["greedy-linesearch", "greedy-uniform", "away-step"] {
            let selector = try SelectorCatalog.all.named(name)
            let values = try ParameterValues(resolving: selector.parameters, owner: "test")
            let steps = 400
            let cached = try selector.run(on: problem, steps: steps, options: SelectionOptions(recordCertificate: true, gramCache: true),
                                          parameters: values, stream: RandomStream(seed: 9))
            let plain = try selector.run(on: problem, steps: steps, options: SelectionOptions(recordCertificate: true, gramCache: false),
                                         parameters: values, stream: RandomStream(seed: 9))
            #expect(cached.chosen == plain.chosen, "\(name) seed \(seed): picks differ")
            #expect(cached.count == steps)
            #expect(Self.relativeDifference(cached.loss, plain.loss) <= 1e-12, "\(name) seed \(seed): losses")
            #expect(Self.relativeDifference(cached.heldOutLoss, plain.heldOutLoss) <= 1e-12, "\(name) seed \(seed): held-out losses")
            #expect(Self.relativeDifference(cached.certificateW, plain.certificateW) <= 1e-9, "\(name) seed \(seed): w_n")
            #expect(Self.relativeDifference(cached.certificateD, plain.certificateD) <= 1e-9, "\(name) seed \(seed): D_n")
            if name == "greedy-linesearch" { #expect(Set(cached.chosen).count < steps / 2, "line search should repeat picks") }
        }
    }

    /// A started state on a small tanh instance (M = 120, N = 500): the scores computed, no Gram column cached.
    static func smallState() throws -> SelectionState {
        let problem = try GreedyInstance(dimension: 4, inputs: 120, width: 500, activation: .tanh, heldOutInputs: 0)
            .build(stream: RandomStream(seed: 5))
        return try SelectionState.started(problem: problem, selector: "test", steps: 10, options: SelectionOptions())
    }

    /// Each listed atom's cached Gram column equals a gemv ΦᵀΦ_i to 1e-13 of its largest entry.
    static func expectCachedColumnsEqualGemvs(_ state: SelectionState, _ atoms: [Int]) throws {
        let a = state.problem.atoms, m = state.m, n = state.n
        for i in atoms {
            let slot = try #require(state.gramSlot[i], "column \(i) is cached")
            let expected = try a.multiplied(by: Array(a.storage[(i * m)..<(i * m + m)]), transpose: .transpose)
            let got = Array(state.gram[(slot * n)..<(slot * n + n)])
            #expect(zip(got, expected).map { abs($0 - $1) }.max()! <= 1e-13 * expected.map(abs).max()!, "column \(i)")
        }
    }

    /// A scan keeps its lowest values in order, ties in scan order, and drops what falls below the kept ones.
    @Test func leadersKeepTheLowestValuesInScanOrder() {
        let leaders = Leaders()
        leaders.reset(below: 0)
        let values: [Double] = [0.5, -1, -3, -1, 0, -2, -7, -0.5, -4, -6, -5, -3]
        for (i, v) in values.enumerated() where v < leaders.threshold { leaders.offer(v, i) }
        #expect(Leaders.capacity == 8)
        #expect(Array(leaders.indices) == [6, 9, 10, 8, 2, 11, 5, 1], "−7, −6, −5, −4, −3 (index 2 before 11), −2, −1 (index 1; 3 and 7 dropped)")
        leaders.reset()
        #expect(leaders.indices.isEmpty)
        leaders.offer(2, 40)
        #expect(Array(leaders.indices) == [40])
    }

    /// A miss caches the pick's column and those of its best uncached runners-up, in one block; each equals a gemv.
    @Test func aMissCachesTheRunnersUpAlongside() throws {
        let state = try Self.smallState()
        state.runnersUp.reset()
        for (rank, i) in [17, 30, 31, 32, 33].enumerated() { state.runnersUp.offer(Double(rank), i) }
        let first = try #require(state.gramColumn(30))
        #expect(state.gramSlot.count == 4 && Set(state.gramSlot.keys) == [30, 17, 31, 32], "the pick and the best three others")
        #expect(first == state.gramSlot[30]! * 500)
        #expect(state.gramColumn(31) == state.gramSlot[31]! * 500 && state.gramSlot.count == 4, "a runner-up is a hit")
        _ = state.gramColumn(33)
        #expect(state.gramSlot.count == 5, "the next miss adds only uncached columns (33 alone: the rest are cached)")
        try Self.expectCachedColumnsEqualGemvs(state, Array(state.gramSlot.keys))
    }

    /// Once a column is cached, a rescore computes the uncached runners-up's columns in the same pass; the scores it
    /// writes and those columns equal gemvs. Before any column is cached (a selector that never moves) it adds none.
    @Test func aRescoreCachesTheRunnersUpAlongside() throws {
        let state = try Self.smallState()
        state.runnersUp.reset()
        for (rank, i) in [17, 40, 41, 42, 43, 44].enumerated() { state.runnersUp.offer(Double(rank), i) }
        state.computeScores()
        #expect(state.gramSlot.isEmpty, "no column cached yet: a plain gemv")
        state.move(toward: 17, gamma: 0.3)
        #expect(Set(state.gramSlot.keys) == [17, 40, 41, 42], "the miss's block")
        state.computeScores()
        #expect(Set(state.gramSlot.keys) == [17, 40, 41, 42, 43, 44], "the rescore adds the two uncached runners-up")
        let fresh = try state.problem.atoms.multiplied(by: state.e, transpose: .transpose)
        let scale = fresh.map(abs).max()!
        #expect(zip(state.s, fresh).map { abs($0 - $1) }.max()! <= 1e-13 * scale, "scores from the block pass")
        try Self.expectCachedColumnsEqualGemvs(state, [43, 44])
    }

    /// The carried scores equal a fresh gemv of the current residual after moves toward and away from atoms.
    @Test func carriedScoresEqualAFreshGemv() throws {
        let state = try Self.smallState()
        #expect(state.scoresCurrent)
        state.move(toward: 17, gamma: 0.3)
        state.move(toward: 400, gamma: 0.2)
        state.move(awayFrom: 17, gamma: 0.1, drop: false)
        state.move(toward: 17, gamma: 0.25)
        #expect(state.scoresCurrent && state.gramSlot.count == 2, "17 and 400 are cached once each (the first pick made the scores by gemv)")
        let carried = state.s
        state.computeScores()
        let scale = state.s.map(abs).max() ?? 1
        let worst = zip(carried, state.s).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-13 * scale, "carried scores drift \(worst) against max |s| \(scale)")
    }
}
