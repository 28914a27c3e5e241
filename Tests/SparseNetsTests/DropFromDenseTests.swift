import Testing
@testable import SparseNets

/// The paired drop from dense: pairing by seed, the t-interval's closed form, and when there is no interval.
@Suite struct DropFromDenseTests {
    @Test func pairsBySeedAndMatchesTheTIntervalClosedForm() throws {
        // Seeds 2, 3, 5 are in both arms; 1 and 4 in one only. Differences dense − pruned: 0.01, 0.02, 0.03.
        let dense: [UInt64: Double] = [1: 0.50, 2: 0.91, 3: 0.92, 5: 0.93]
        let pruned: [UInt64: Double] = [2: 0.90, 3: 0.90, 4: 0.10, 5: 0.90]
        let drop = try #require(DropFromDense(dense: dense, pruned: pruned))
        #expect(drop.n == 3)
        #expect(abs(drop.mean - 0.02) < 1e-12)
        #expect(abs(drop.sd - 0.01) < 1e-12)
        // t(0.975, 2) = 4.302652729749464; half-width t·sd/√3.
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(abs(drop.upper - (0.02 + half)) < 1e-9 && abs(drop.lower - (0.02 - half)) < 1e-9)
        #expect(drop.pointsText == "2.00 [-0.48, 4.48]")
    }

    @Test func aGainIsANegativeDropAndTooFewSeedsGiveNone() throws {
        let gain = try #require(DropFromDense(differences: [-0.01, -0.03]))
        #expect(gain.mean < 0 && gain.upper > gain.mean)
        #expect(DropFromDense(dense: [1: 0.9], pruned: [1: 0.8]) == nil)
        #expect(DropFromDense(dense: [1: 0.9, 2: 0.8], pruned: [3: 0.8, 4: 0.7]) == nil)
        #expect(DropFromDense(differences: [0.1, .nan, 0.2]) == nil)
    }
}
