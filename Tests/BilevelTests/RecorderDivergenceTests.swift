import Bilevel
import Components
import Randomness
import Testing

/// The recorder's own divergence guard, apart from any solver (issue #17, item 3): a non-finite iterate is flagged at
/// the call it appears, naming ‖x‖ or ‖y‖, even between the log-spaced records where the metric is not evaluated.
/// (The solver contract test's huge steps trip the metric bound first, so it cannot see this path.)
@Suite struct RecorderDivergenceTests {
    @Test(arguments: ["x", "y"]) func aNonFiniteIterateBetweenRecordsIsFlaggedAtThatCall(level: String) throws {
        let problem = try QuadraticProblem.build(stream: RandomStream(seed: 1)).problem
        let oracles = CountingOracles(problem)
        let recorder = Recorder(problem: problem, oracles: oracles, budget: 1_000, policy: .logSpaced(perDecade: 1), component: "probe")
        var x = problem.initialX, y = problem.initialY
        var g = [Double](repeating: 0, count: problem.yDimension)
        recorder.start(x, y)
        oracles.gradYG(x, y, problem.fullBatch, into: &g)
        let calls1 = oracles.counts.total
        #expect(recorder.observe(x, y))               // a record: the next one is ten times further
        #expect(recorder.calls.count == 2)
        oracles.gradYG(x, y, problem.fullBatch, into: &g)
        if level == "x" { x[0] = .nan } else { y[y.count - 1] = .infinity }
        #expect(oracles.counts.total < 10 * max(calls1, 1))  // still before the next record
        #expect(!recorder.observe(x, y), "a non-finite \(level) did not stop the run")
        let d = try #require(recorder.divergence)
        #expect(d.component == "probe" && d.unit == "oracle calls" && d.step == oracles.counts.total)
        #expect(d.quantity == (level == "x" ? "‖x‖" : "‖y‖"))
        #expect(level == "x" ? d.value.isNaN : d.value == .infinity)
        #expect(recorder.calls.count == 2)             // no metric was recorded for the broken iterate
    }
}
