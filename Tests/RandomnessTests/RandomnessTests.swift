import Foundation
import Randomness
import Testing

@Suite struct RandomStreamTests {
    @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
        let a = RandomStream(seed: 7).gaussianVector(5)
        #expect(a == RandomStream(seed: 7).gaussianVector(5))
        #expect(a != RandomStream(seed: 8).gaussianVector(5))
    }

    @Test func splitsAreStableAndIndependentOfParentUse() {
        let p = RandomStream(seed: 1)
        let c1 = p.split("data").uniform()
        _ = p.uniform() // consuming the parent must not move its children
        #expect(p.split("data").uniform() == c1)
        #expect(p.split("data").uniform() != p.split("init").uniform())
        #expect(p.split(0).seed != p.split(1).seed)
    }

    @Test func uniformAndGaussianMomentsAreRight() {
        let s = RandomStream(seed: 2)
        let n = 200_000
        let u = (0..<n).map { _ in s.uniform() }
        let g = s.gaussianVector(n, mean: 1, sd: 2)
        let mu = u.reduce(0, +) / Double(n)
        let mg = g.reduce(0, +) / Double(n)
        let vg = g.reduce(0) { $0 + ($1 - mg) * ($1 - mg) } / Double(n - 1)
        // 5 standard errors: fails with probability < 1e-6 for a correct generator.
        #expect(abs(mu - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
        #expect(abs(mg - 1) < 5 * 2 / Double(n).squareRoot())
        #expect(abs(vg - 4) < 5 * 4 * (2 / Double(n)).squareRoot())
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func permutationAndSamplingAreValid() {
        let s = RandomStream(seed: 4)
        let p = s.permutation(50)
        #expect(p.sorted() == Array(0..<50))
        #expect(p != Array(0..<50))
        let k = s.sample(10, from: 30)
        #expect(k.count == 10 && Set(k).count == 10 && k == k.sorted() && k.allSatisfy { (0..<30).contains($0) })
        #expect(s.sample(40, from: 30).count == 30)
        // Every index is equally likely to be sampled: counts over many draws.
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 { for i in s.sample(3, from: 10) { counts[i] += 1 } }
        let expected = 20_000.0 * 3 / 10
        #expect(counts.allSatisfy { abs(Double($0) - expected) < 5 * expected.squareRoot() })
    }

    @Test func categoricalFollowsWeights() {
        let s = RandomStream(seed: 6)
        var counts = [0, 0, 0]
        let n = 60_000
        for _ in 0..<n { counts[s.categorical([1, 2, 3])] += 1 }
        for (i, w) in [1.0, 2, 3].enumerated() {
            let p = w / 6, e = Double(n) * p
            #expect(abs(Double(counts[i]) - e) < 5 * (Double(n) * p * (1 - p)).squareRoot())
        }
        #expect(s.categorical([0, 0, 5]) == 2)
        #expect((0..<3).contains(s.categorical([0, 0, 0])))
    }
}
