import Bilevel
import Foundation
import LinearAlgebra
import Randomness
import Statistics
import Testing

/// Regression tests on the fitted complexity exponents, in the claim's quick settings with fixed seeds.
///
/// Documented bands (quick mode, 6 seeds, window [3e3, 3e5] calls, instance seed 1):
/// MRBO exponent in [0.3, 1.5], stocBiO in [1.6, 2.5], stocBiO's CI above MRBO's;
/// VRBO's ε-grid exponent (ε from 0.2 to 0.02) in [1.0, 1.9].
@Suite struct RateTests {
    static let seeds = (0..<6).map { RandomStream(seed: 1).split($0).seed }

    @Test("Protocol A: MRBO's exponent is below stocBiO's, the intervals are separated, both in their bands")
    func mrboBeatsStocBiO() throws {
        let problem = try QuadraticProblem(stream: RandomStream(seed: 1).split("instance"))
        let protocolA = ProtocolA(budget: 560_000, window: (3_000, 300_000), points: 40)
        var cis = [String: ConfidenceInterval]()
        for name in ["mrbo", "stocbio"] {
            let solver = try SolverCatalog.make(name, problem: problem)
            var slopes = [Double]()
            for seed in Self.seeds {
                let run = protocolA.run(solver, on: problem, stream: RandomStream(seed: seed).split(name))
                #expect(!run.diverged)
                slopes.append(try protocolA.slope(calls: run.calls, halfWindow: run.halfWindow).slope)
            }
            cis[name] = try ConfidenceInterval(tOver: slopes).mapped { ProtocolA.exponent(slope: $0) }
        }
        let m = try #require(cis["mrbo"]), s = try #require(cis["stocbio"])
        #expect(m.estimate < s.estimate)
        #expect(s.lower > m.upper, "MRBO \(m.formatted { "\($0)" }), stocBiO \(s.formatted { "\($0)" })")
        #expect((0.3...1.5).contains(m.estimate), "MRBO exponent \(m.estimate)")
        #expect((1.6...2.5).contains(s.estimate), "stocBiO exponent \(s.estimate)")
    }

    @Test("half-window mean: exact on a known sequence")
    func halfWindowMean() {
        let a = ProtocolA.halfWindowMeans([8, 4, 2, 1, 1])
        // k = 4: j ∈ [2, 4] → (2 + 1 + 1)/3; k = 1: j ∈ [1, 1] → 4; k = 0 → 8.
        let expected: [Double] = [8, 4, 3, 1.5, 4.0 / 3]
        #expect(a == expected)
    }

    @Test("Protocol B: VRBO's ε-grid exponent lies in its band")
    func vrboEpsilonGrid() throws {
        let problem = try QuadraticProblem(stream: RandomStream(seed: 1).split("instance"))
        let xs = try ProtocolB.stationaryPoint(problem)
        #expect(try problem.hypergradientNormSquared(xs) < 1e-18)
        let epsilons = Vector.logspace(log10(0.2), log10(0.02), count: 4)
        let protocolB = ProtocolB(epsilons: epsilons, bigBatchConstant: 300)
        var exponents = [Double]()
        for seed in Self.seeds.prefix(4) {
            let s = RandomStream(seed: seed).split("vrbo")
            let x0 = zip(xs, s.split("start").gaussianVector(problem.xDimension)).map { $0 + 0.25 * $1 / Double(problem.xDimension).squareRoot() }
            let y0 = try problem.lowerSolution(x0)
            let calls = try epsilons.map { e in try #require(try protocolB.hittingCalls(e, problem: problem, x0: x0, y0: y0, stream: s.split("\(e)"))) }
            exponents.append(try PowerLawFit(x: epsilons.map { 1 / $0 }, values: calls).slope)
        }
        let mean = Descriptive.mean(exponents)
        #expect((1.0...1.9).contains(mean), "VRBO ε-exponents \(exponents)")
    }
}
