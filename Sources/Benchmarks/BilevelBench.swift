import Bilevel
import Foundation
import Randomness

/// Oracle calls per second of each bilevel solver on quadratic (d = 100 and 1000) and on logreg-l2.
func bilevelBenchmarks() {
    print("\n== bilevel solvers: oracle calls per second (one per-sample gradient, HVP or JVP = 1 call)")
    var cases = [(String, any BilevelProblem, Int)]()
    for d in [100, 1000] {
        if let p = try? QuadraticProblem.build(["dim": String(d)], stream: RandomStream(seed: 1)) { cases.append(("quadratic d=\(d)", p.problem, d == 100 ? 400_000 : 8_000)) }
    }
    if let p = try? LogisticL2Problem.build(stream: RandomStream(seed: 1)) { cases.append(("logreg-l2 (breast cancer)", p.problem, 400_000)) }
    print("problem                     " + SolverCatalog.all.names.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined(separator: " "))
    for (label, problem, budget) in cases {
        var line = label.padding(toLength: 28, withPad: " ", startingAt: 0)
        for name in SolverCatalog.all.names {
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
