import Bilevel
import Foundation
import Randomness
import Testing

/// Bad input becomes one thrown, readable error, never a trap.
@Suite struct InputValidationTests {
    @Test("non-positive steps, Q < 1 and oversize batches are rejected with a one-line message")
    func badSolverOptions() throws {
        let quad = try Fixtures.quadratic()
        for (algo, key, value) in [("mrbo", "gamma", 0.0), ("stocbio", "alpha", -0.1), ("vrbo", "beta", 0.0), ("mrbo", "Q", 0.0),
                                   ("stocbio", "Q", 2.5), ("vrbo", "S1", 0), ("mrbo", "eta", .nan), ("ttsa", "alpha", .infinity)] {
            #expect(throws: BilevelError.self, "\(algo) \(key)=\(value)") { _ = try SolverCatalog.make(algo, overrides: [key: value], problem: quad) }
        }
        do {
            _ = try SolverCatalog.make("mrbo", overrides: ["gamma": -1], problem: quad)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("gamma") && !String(describing: error).contains("\n"))
        }
        let logreg = try Fixtures.logreg()
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("stocbio", overrides: ["batch": 10_000], problem: logreg) }
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("vrbo", overrides: ["S2": 342], problem: logreg) }
        // The largest legal batch is the training-set size.
        _ = try SolverCatalog.make("vrbo", overrides: ["S1": 341], problem: logreg)
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("stocbio", targetEpsilon: 0, problem: quad) }
    }

    @Test("unknown algorithms, problems and parameters name the known ones")
    func unknownNames() throws {
        do {
            _ = try SolverCatalog.make("adam", problem: try Fixtures.quadratic())
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("unknown algorithm 'adam'") && String(describing: error).contains("mrbo"))
        }
        do {
            _ = try ProblemCatalog.make("mnist", stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("unknown problem 'mnist'") && String(describing: error).contains("logreg-l2"))
        }
        #expect(throws: BilevelError.self) { try SolverCatalog.checkOverrideKeys(["S1"], solvers: ["mrbo", "stocbio"]) }
        try SolverCatalog.checkOverrideKeys(["S1", "gamma"], solvers: ["mrbo", "vrbo"])
        #expect(throws: BilevelError.self) { _ = try Comparison.run(problem: "quadratic", algorithms: ["mrbo", "nope"], seed: 1) }
        #expect(throws: BilevelError.self) { _ = try Comparison.run(problem: "quadratic", algorithms: ["mrbo"], budget: 0, seed: 1) }
        #expect(throws: BilevelError.self) { _ = try ProblemCatalog.make("quadratic", dataPath: "x.csv", stream: RandomStream(seed: 1)) }
        var c = QuadraticProblem.Configuration()
        c.hessianSpectrum = (0, 1)
        #expect(throws: BilevelError.self) { _ = try QuadraticProblem(configuration: c, stream: RandomStream(seed: 1)) }
    }

    func writeTemp(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bilevel-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("data files: ragged rows and non-numeric cells name file, line and column; wrong class counts are refused")
    func badDataFiles() throws {
        var rows = (0..<40).map { i in "\(Double(i) * 0.1),\(Double(i % 7)),\(i % 2)" }
        rows[4] = "0.4,abc,0"
        let nonNumeric = try writeTemp("bad.csv", rows.joined(separator: "\n") + "\n")
        do {
            _ = try ProblemCatalog.make("logreg-l2", dataPath: nonNumeric, stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("bad.csv:5:2"), "\(String(describing: error))")
        }
        rows[4] = "0.4,1"
        let ragged = try writeTemp("ragged.csv", rows.joined(separator: "\n") + "\n")
        do {
            _ = try ProblemCatalog.make("hyper-cleaning", dataPath: ragged, stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("ragged.csv:5"), "\(String(describing: error))")
        }
        let three = try writeTemp("three.csv", (0..<60).map { i in "\(Double(i)),\(Double(i * i % 11)),\(i % 3)" }.joined(separator: "\n") + "\n")
        #expect(throws: BilevelError.self) { _ = try ProblemCatalog.make("logreg-l2", dataPath: three, stream: RandomStream(seed: 1)) }
        // A good file works end to end.
        let good = try writeTemp("good.libsvm", (0..<60).map { i in "\(i % 2 == 0 ? 1 : -1) 1:\(Double(i) * 0.01 + Double(i % 2)) 2:\(Double(i % 5))" }.joined(separator: "\n") + "\n")
        let p = try ProblemCatalog.make("logreg-l2", dataPath: good, stream: RandomStream(seed: 1))
        #expect(p.xDimension == 3)
    }
}
