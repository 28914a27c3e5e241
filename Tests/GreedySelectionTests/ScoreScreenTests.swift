import Components
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import GreedySelection

/// Screening bounds every score from a rank-32 projection of Φ and computes exactly only the atoms that could win; it must
/// change nothing a run reports.
@Suite struct ScoreScreenTests {
    static func instance(seed: UInt64, activation: Activation = .tanh) throws -> AtomProblem {
        try GreedyInstance(dimension: 3, inputs: 300, width: 3000, activation: activation, heldOutInputs: 40).build(stream: RandomStream(seed: seed))
    }

    /// Greedy-uniform and its worst-neuron control, screened against the full scan without any cache, on three seeds and
    /// both activations: the same picks, losses to 1e-12 relative, and fewer exact scores than a scan would compute.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func screenedPicksAndLossesEqualTheFullScan(seed: UInt64) throws {
        for activation in [Activation.tanh, .relu] {
            let problem = try Self.instance(seed: seed, activation: activation)
            for name in ["greedy-uniform", "worst-neuron"] {
                let selector = try SelectorCatalog.all.named(name)
                let values = try ParameterValues(resolving: selector.parameters, owner: "test")
                let steps = 150
                let screened = try selector.run(on: problem, steps: steps,
                                                options: SelectionOptions(recordCertificate: false, gramCache: true, screening: .always),
                                                parameters: values, stream: RandomStream(seed: 9))
                let plain = try selector.run(on: problem, steps: steps,
                                             options: SelectionOptions(recordCertificate: false, gramCache: false, screening: .never),
                                             parameters: values, stream: RandomStream(seed: 9))
                let label = "\(name) \(activation) seed \(seed)"
                #expect(screened.screenedSteps >= ScoreScreen.trialSteps, "\(label): screened \(screened.screenedSteps) steps")
                #expect(screened.chosen == plain.chosen, "\(label): picks differ")
                #expect(screened.count == steps)
                #expect(GramCacheTests.relativeDifference(screened.loss, plain.loss) <= 1e-12, "\(label): losses")
                #expect(GramCacheTests.relativeDifference(screened.heldOutLoss, plain.heldOutLoss) <= 1e-12, "\(label): held-out losses")
            }
        }
    }

    /// The screen actually screens: on the same instance a screened greedy-uniform run computes far fewer exact scores
    /// than the N per step a full scan does, and screens every step.
    @Test func aScreenedStepReadsFewAtoms() throws {
        let problem = try Self.instance(seed: 1)
        let values = try ParameterValues(resolving: GreedyUniformSelector.parameters, owner: "test")
        let trace = try GreedyUniformSelector.run(on: problem, steps: 100, options: SelectionOptions(recordCertificate: false, screening: .always),
                                                  parameters: values, stream: RandomStream(seed: 9))
        #expect(trace.screenedSteps == 100)
        #expect(trace.exactScores < 100 * problem.neuronCount / 10, "\(trace.exactScores) exact scores in 100 steps of N = \(problem.neuronCount)")
    }

    /// Every score lies in its interval: for residuals and outputs of a run, |s_i − approx_i| ≤ ρ_i‖(I − P)f‖ plus the
    /// rounding allowance, with s_i from a gemv; and the intervals are not vacuous (their median width is below 10% of the
    /// scores' spread).
    @Test func everyScoreLiesInItsInterval() throws {
        let problem = try Self.instance(seed: 2, activation: .relu)
        let screen = try #require(ScoreScreen(problem: problem))
        let stream = RandomStream(seed: 4)
        let m = problem.inputCount, n = problem.neuronCount
        for trial in 0..<5 {
            // f: a random convex combination of a few atoms (what a greedy run holds), e = f − t.
            var f = [Double](repeating: 0, count: m)
            let picks = (0..<(2 + trial)).map { _ in stream.uniformInt(n) }
            for i in picks { for j in 0..<m { f[j] += problem.atoms.storage[i * m + j] / Double(picks.count) } }
            let e = (0..<m).map { f[$0] - problem.target[$0] }
            let s = try problem.atoms.multiplied(by: e, transpose: .transpose)
            screen.prepare(f: f, e: e)
            var widths = [Double](), outside = [String]()
            screen.bound { i, lo, hi in
                if !(lo <= s[i] && s[i] <= hi) { outside.append("atom \(i): \(s[i]) outside [\(lo), \(hi)]") }
                widths.append(hi - lo)
                return 0
            }
            #expect(outside.isEmpty, "trial \(trial): \(outside.count) scores outside their intervals, first \(outside.first ?? "")")
            let spread = s.max()! - s.min()!
            #expect(widths.sorted()[n / 2] < 0.1 * spread, "median width \(widths.sorted()[n / 2]) against spread \(spread)")
        }
    }

    /// As users run it: greedy-uniform's default options screen a Φ of exactly 2²¹ entries (M = 1024, N = 2048), and its
    /// picks and losses equal the full scan's.
    @Test func theDefaultOptionsScreenALargeAtomMatrixWithTheSamePicks() throws {
        let problem = try GreedyInstance(dimension: 3, inputs: 1024, width: 2048, activation: .tanh, heldOutInputs: 0).build(stream: RandomStream(seed: 6))
        let options = SelectionOptions(for: GreedyUniformSelector.self)
        let steps = ScoreScreen.automaticSteps
        let values = try ParameterValues(resolving: GreedyUniformSelector.parameters, owner: "test")
        let screened = try GreedyUniformSelector.run(on: problem, steps: steps, options: options, parameters: values, stream: RandomStream(seed: 9))
        var plainOptions = options
        plainOptions.screening = .never
        plainOptions.gramCache = false
        let plain = try GreedyUniformSelector.run(on: problem, steps: steps, options: plainOptions, parameters: values, stream: RandomStream(seed: 9))
        #expect(screened.screenedSteps == steps, "the default options screen every step")
        #expect(plain.screenedSteps == 0)
        #expect(screened.chosen == plain.chosen)
        #expect(GramCacheTests.relativeDifference(screened.loss, plain.loss) <= 1e-12)
    }

    /// On atoms of a 30-dimensional input the rank-32 bounds are loose: screening stops after its trial steps, within 80 steps (it needed more
    /// than N/8 exact scores per step), and the run goes on by the full scan with the same picks and losses.
    @Test func screeningStopsWhereItDoesNotPayWithTheSamePicks() throws {
        let problem = try GreedyInstance(dimension: 30, inputs: 1000, width: 2000, activation: .relu, heldOutInputs: 0).build(stream: RandomStream(seed: 3))
        let options = SelectionOptions(recordCertificate: false, screening: .always)
        let values = try ParameterValues(resolving: GreedyUniformSelector.parameters, owner: "test")
        let screened = try GreedyUniformSelector.run(on: problem, steps: 80, options: options, parameters: values, stream: RandomStream(seed: 9))
        let plain = try GreedyUniformSelector.run(on: problem, steps: 80, options: SelectionOptions(recordCertificate: false, gramCache: false, screening: .never),
                                                  parameters: values, stream: RandomStream(seed: 9))
        let stopped = screened.screenedSteps
        #expect(stopped >= ScoreScreen.trialSteps && stopped < 80, "screened \(stopped) of 80 steps")
        #expect(screened.exactScores > stopped * problem.neuronCount / 8, "\(screened.exactScores) exact scores in \(stopped) steps")
        #expect(screened.chosen == plain.chosen)
        #expect(GramCacheTests.relativeDifference(screened.loss, plain.loss) <= 1e-12)
    }

    /// Screening is automatic only on a large Φ, for runs of some length, and never with the certificate.
    @Test func screeningAppliesWhereAPassIsAMemoryRead() throws {
        let small = try Self.instance(seed: 1)
        #expect(!ScoreScreen.applies(to: small, steps: 200, options: SelectionOptions(recordCertificate: false)), "300 × 3000 is below 2²¹ entries")
        #expect(ScoreScreen.applies(to: small, steps: 200, options: SelectionOptions(recordCertificate: false, screening: .always)))
        #expect(!ScoreScreen.applies(to: small, steps: 200, options: SelectionOptions(recordCertificate: true, screening: .always)), "the certificate needs every score")
        let large = try GreedyInstance(dimension: 3, inputs: 1000, width: 4200, activation: .tanh, heldOutInputs: 0).build(stream: RandomStream(seed: 1))
        #expect(ScoreScreen.applies(to: large, steps: 200, options: SelectionOptions(recordCertificate: false)))
        #expect(!ScoreScreen.applies(to: large, steps: 10, options: SelectionOptions(recordCertificate: false)), "too few steps to pay for C")
        #expect(!ScoreScreen.applies(to: large, steps: 200, options: SelectionOptions(recordCertificate: false, screening: .never)))
    }
}
