import Bilevel
import Components
import LinearAlgebra
import Randomness
import Testing

/// A problem that forwards everything to another and tallies every oracle call itself, by kind, at
/// the per-sample cost the theory counts; a solver that reached an oracle around `CountingOracles`
/// would show up as a difference between the two tallies.
final class ProbeProblem: BilevelProblem, @unchecked Sendable {
    let base: any BilevelProblem
    private(set) var tally = OracleCounts()

    init(_ base: any BilevelProblem) { self.base = base }

    private func cost(_ batch: Minibatch, lower: Bool) -> Int {
        batch.isFull ? ((lower ? base.lowerSampleCount : base.upperSampleCount) ?? 1) : batch.size
    }

    var name: String { base.name }
    var xDimension: Int { base.xDimension }
    var yDimension: Int { base.yDimension }
    var lowerSampleCount: Int? { base.lowerSampleCount }
    var upperSampleCount: Int? { base.upperSampleCount }
    var initialX: [Double] { base.initialX }
    var initialY: [Double] { base.initialY }
    var lowerSmoothness: Double { base.lowerSmoothness }
    var lowerStrongConvexity: Double { base.lowerStrongConvexity }
    var metric: ProblemMetric { base.metric }
    var upperStepScale: Double { base.upperStepScale }
    var summary: [(String, String)] { base.summary }

    func drawBatch(size: Int, stream: RandomStream) -> Minibatch { base.drawBatch(size: size, stream: stream) }
    func drawHessianBatch(size: Int, stream: RandomStream) -> Minibatch { base.drawHessianBatch(size: size, stream: stream) }
    func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.gradYG += cost(batch, lower: true)
        base.gradYG(x, y, batch, into: &out)
    }
    func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.gradXF += cost(batch, lower: false)
        base.gradXF(x, y, batch, into: &out)
    }
    func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.gradYF += cost(batch, lower: false)
        base.gradYF(x, y, batch, into: &out)
    }
    func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.hessianVector += cost(batch, lower: true)
        base.hessianVector(x, y, v, batch, into: &out)
    }
    func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.jacobianVector += cost(batch, lower: true)
        base.jacobianVector(x, y, v, batch, into: &out)
    }
    var providesGradXG: Bool { base.providesGradXG }
    func gradXG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        tally.gradXG += cost(batch, lower: true)
        base.gradXG(x, y, batch, into: &out)
    }
    func upperValue(_ x: [Double], _ y: [Double], _ batch: Minibatch) -> Double {
        tally.valueF += cost(batch, lower: false)
        return base.upperValue(x, y, batch)
    }
    // Exact quantities go to the base problem, whose own oracles are not tallied: they are never counted.
    func lowerObjective(_ x: [Double], _ y: [Double]) -> Double { base.lowerObjective(x, y) }
    func upperObjective(_ x: [Double], _ y: [Double]) -> Double { base.upperObjective(x, y) }
    func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix { try base.lowerHessian(x, y) }
    func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double] { try base.lowerSolution(x) }
    func hypergradient(_ x: [Double]) throws(BilevelError) -> [Double] { try base.hypergradient(x) }
    func value(_ x: [Double]) throws(BilevelError) -> Double { try base.value(x) }
}

/// What every catalogued solver must do; a solver is tested here the moment it is registered.
@Suite struct SolverContractTests {
    /// A small instance of every catalogued problem the solver can run on.
    static func problems(for t: any BilevelSolver.Type) throws -> [any BilevelProblem] {
        try ProblemCatalog.all.names.map { try Fixtures.problem($0) }.filter { t.supports($0) }
    }

    /// The budget bound: the recorder checks the budget after every outer iteration, so a run stops at the first
    /// iteration that reaches it and overshoots by at most that iteration's calls:
    /// budget ≤ total < budget + (largest per-iteration cost, start-up included: SABA's pass over the data, MRBO's first estimates).
    @Test("budget: the run stops at the first iteration that reaches it, calls ≤ budget + one iteration", arguments: SolverCatalog.all.names)
    func respectsTheBudget(name: String) throws {
        let t = try SolverCatalog.all.named(name)
        let budget = 50_000
        for problem in try Self.problems(for: t) {
            let run = BilevelRunner.run(try t.make(problem: problem), on: problem, budget: budget, stream: RandomStream(seed: 1),
                                        policy: .everyIteration, exactFinal: false)
            #expect(!run.diverged, "\(name) on \(problem.name)")
            // One record per iteration after the start (0 calls).
            #expect(run.calls.count == run.iterations + 1 && run.calls.first == 0)
            let total = Double(run.counts.total)
            #expect(run.calls.last == total)
            // A reference that stops once converged may end below the budget, and then only converged.
            let finalGradSq = try problem.hypergradientNormSquared(run.finalX)
            let converged = t.stopsAtConvergence && finalGradSq <= 1e-16
            #expect(total >= Double(budget) || converged, "\(name) on \(problem.name) stopped early at \(total)")
            #expect(run.calls[run.calls.count - 2] < Double(budget), "\(name) on \(problem.name) ran an iteration past the budget")
            let steps = zip(run.calls.dropFirst(), run.calls).map { $0 - $1 }
            let largest = steps.max() ?? 0
            #expect(total < Double(budget) + largest, "\(name) on \(problem.name): \(total) calls, budget \(budget), largest iteration \(largest)")
        }
    }

    @Test("oracle counts: every call goes through CountingOracles, tallied by kind, and the kinds add up to the total", arguments: SolverCatalog.all.names)
    func countsAddUp(name: String) throws {
        let t = try SolverCatalog.all.named(name)
        for base in try Self.problems(for: t) {
            let probe = ProbeProblem(base)
            let run = BilevelRunner.run(try t.make(problem: probe), on: probe, budget: 20_000, stream: RandomStream(seed: 2))
            let c = run.counts
            #expect(c == probe.tally, "\(name) on \(base.name): counted \(c), made \(probe.tally)")
            #expect(c.total == OracleKind.allCases.map { c[$0] }.reduce(0, +))
            #expect(c.total == c.gradYG + c.gradXF + c.gradYF + c.hessianVector + c.jacobianVector + c.gradXG + c.valueF)
            #expect(run.calls.last == Double(c.total) && (c.total >= 20_000 || t.stopsAtConvergence))
        }
    }

    @Test("defaults: fixed ones lie in their domains in every mode, derived ones resolve in-domain on every problem the solver supports",
          arguments: SolverCatalog.all.names)
    func defaultsLieInTheirDomains(name: String) throws {
        let t = try SolverCatalog.all.named(name)
        let names = t.parameters.map(\.name)
        #expect(Set(names).count == names.count, "\(name) declares a parameter twice")
        let derivedNames = Set(t.derivedParameters.map(\.parameter.name))
        for p in t.parameters {
            if case .derived = p.defaultValue {
                #expect(derivedNames.contains(p.name), "\(name).\(p.name) is derived but has no rule")
                continue
            }
            for mode in RunMode.allCases {
                let v = try #require(p.defaultValue(in: mode))
                #expect(throws: Never.self, "\(name).\(p.name) = \(v) in \(mode)") { try p.check(v) }
            }
        }
        var supported = 0
        for problemName in ProblemCatalog.all.names {
            // The instances the command builds: derived defaults depend on their L, s and n.
            let problem = try Fixtures.catalogueInstance(problemName)
            guard t.supports(problem) else {
                #expect(throws: BilevelError.self) { _ = try t.make(problem: problem) }
                continue
            }
            supported += 1
            let derived = t.derivedDefaults(for: problem)
            #expect(Set(derived.keys) == derivedNames)
            for p in t.parameters {
                if let v = derived[p.name] { #expect(throws: Never.self, "\(name).\(p.name) = \(v) on \(problemName)") { try p.check(v) } }
            }
            let solver = try t.make(problem: problem)
            #expect(Set(solver.values.names) == Set(names))
            for epsilon in [0.1, 0.01, 1e-3] {
                let prescribed = t.prescribed(forTarget: epsilon, problem: problem)
                #expect(Set(prescribed.keys).isSubset(of: Set(names)), "\(name) prescribes an undeclared parameter")
                let configured = try t.make(targetEpsilon: epsilon, problem: problem)
                for (k, v) in prescribed { #expect(configured.values[k] == v, "\(name).\(k) at ε = \(epsilon)") }
            }
        }
        #expect(supported >= 1, "\(name) runs on no catalogued problem")
    }

    /// Every solver moves x by a step with an `.xStep` default; 10⁸ times that step must be caught as a divergence.
    /// The quadratic's Φ grows like ‖x‖² and the start is not stationary, so a huge x step blows up on it; solvers that need a
    /// finite sum use the first finite-sum problem instead (logreg-l2: x = log λ, where a huge step overflows e^x).
    @Test("divergence: 10⁸ × the default x step is stopped and named with solver, oracle call and quantity", arguments: SolverCatalog.all.names)
    func divergenceIsFlagged(name: String) throws {
        let t = try SolverCatalog.all.named(name)
        let problem = try #require(try Self.problems(for: t).first)
        var set = [String: String]()
        for p in t.derivedParameters {
            if case .xStep = p.rule, let v = p.rule.value(on: problem).double { set[p.parameter.name] = ParameterValue.real(v * 1e8).description }
        }
        #expect(!set.isEmpty, "\(name) has no x step")
        let budget = 10_000_000
        if t.acceptsOnlyImprovements {
            // A search that only accepts improvements cannot be driven off by a huge step: it must stay no worse than the start.
            let run = BilevelRunner.run(try t.make(set, problem: problem), on: problem, budget: 100_000, stream: RandomStream(seed: 1))
            let end = problem.upperObjective(run.finalX, try problem.lowerSolution(run.finalX))
            let start = problem.upperObjective(problem.initialX, try problem.lowerSolution(problem.initialX))
            #expect(!run.diverged && end <= start + 1e-9, "\(name): Φ \(start) → \(end)")
            return
        }
        let run = BilevelRunner.run(try t.make(set, problem: problem), on: problem, budget: budget, stream: RandomStream(seed: 1), exactFinal: false)
        let d = try #require(run.divergence, "\(name) on \(problem.name) with \(set) did not diverge in \(run.counts.total) calls")
        #expect(d.component == name && d.unit == "oracle calls")
        // Detected at the iteration that broke: nothing ran after it. (Between log-spaced records the metric is not
        // evaluated, so the last recorded point may lie before the step.)
        #expect(d.step == run.counts.total && d.step < budget)
        #expect(Double(d.step) >= run.calls.last ?? .infinity)
        #expect(["‖x‖", "‖y‖", problem.metric.symbol].contains(d.quantity), "\(d)")
        let start = try #require(run.values.first)
        #expect(!d.value.isFinite || abs(d.value) > 1e10 * max(abs(start), 1), "\(d)")
        #expect(run.finalGradNormSq == nil)
    }
}

/// What every catalogued problem must provide.
@Suite struct ProblemContractTests {
    @Test("facts on the type agree with the instance; parameters resolve; data follows the type", arguments: ProblemCatalog.all.names)
    func factsAgree(name: String) throws {
        let t = try ProblemCatalog.all.named(name)
        let built = try ProblemCatalog.build(name, stream: RandomStream(seed: 1))
        let p = built.problem
        #expect(p.name == name)
        #expect(t.isFiniteSum == (p.lowerSampleCount != nil))
        #expect(p.upperStepScale == t.upperStepScale && t.upperStepScale > 0)
        #expect(t.defaultBudget >= 1)
        #expect(Set(built.parameters.names) == Set(t.parameters.map(\.name)))
        for param in t.parameters {
            for mode in RunMode.allCases {
                let v = try #require(param.defaultValue(in: mode), "problem parameters have fixed defaults")
                #expect(throws: Never.self) { try param.check(v) }
            }
        }
        #expect((t.defaultData != nil) == (built.data != nil))
        if let shipped = t.defaultData {
            #expect(built.data?.split.provenance.first?.source == shipped)
            // The instance uses the split's training rows, or a subsample of them.
            #expect((p.lowerSampleCount ?? 0) <= (built.data?.split.train.count ?? 0))
        }
        #expect(p.lowerSmoothness >= p.lowerStrongConvexity && p.lowerStrongConvexity > 0)
        #expect(p.initialX.count == p.xDimension && p.initialY.count == p.yDimension)
        #expect(throws: BilevelError.self) { _ = try ProblemCatalog.build(name, set: ["no-such-parameter": "1"], stream: RandomStream(seed: 1)) }
    }

    @Test("a problem's parameter names are disjoint from every solver's, so a --set key has one meaning", arguments: ProblemCatalog.all.names)
    func parameterNamesDoNotCollide(name: String) throws {
        let t = try ProblemCatalog.all.named(name)
        let solverNames = Set(SolverCatalog.all.entries.flatMap { $0.parameters.map(\.name) })
        for p in t.parameters { #expect(!solverNames.contains(p.name), "\(name).\(p.name) is also a solver parameter") }
    }
}
