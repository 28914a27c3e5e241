import Bilevel
import Foundation
import Randomness

/// Oracle calls per second of each bilevel solver on quadratic (d = 100 and 1000) and on logreg-l2.
func bilevelBenchmarks() {
    print("\n== bilevel solvers: oracle calls per second (one per-sample gradient, HVP or JVP = 1 call)")
    var cases = [(String, any BilevelProblem, Int)]()
    for d in [100, 1000] {
        var c = QuadraticProblem.Configuration()
        c.xDimension = d
        c.yDimension = d
        if let p = try? QuadraticProblem(configuration: c, stream: RandomStream(seed: 1)) { cases.append(("quadratic d=\(d)", p, d == 100 ? 400_000 : 8_000)) }
    }
    if let p = try? ProblemCatalog.make("logreg-l2", stream: RandomStream(seed: 1)) { cases.append(("logreg-l2 (breast cancer)", p, 400_000)) }
    print("problem                     " + SolverCatalog.names.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined(separator: " "))
    for (label, problem, budget) in cases {
        var line = label.padding(toLength: 28, withPad: " ", startingAt: 0)
        for name in SolverCatalog.names {
            guard let solver = try? SolverCatalog.make(name, problem: problem) else { line += "     —     "; continue }
            // Metric evaluation is not part of a solver's cost: record only at the end.
            let t = BilevelRunner.run(solver, on: problem, budget: budget, stream: RandomStream(seed: 2),
                                      policy: .logSpaced(perDecade: 1), exactFinal: false)
            let rate = Double(t.counts.total) / max(t.seconds, 1e-9)
            line += String(format: "%10.3g ", rate)
        }
        print(line)
    }
}
