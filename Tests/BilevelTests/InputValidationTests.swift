import Bilevel
import Components
import Foundation
import Randomness
import Testing

/// Bad input becomes one thrown, readable error, never a trap.
@Suite struct InputValidationTests {
    @Test("non-positive steps, Q < 1 and oversize batches are rejected with a one-line message")
    func badSolverOptions() throws {
        let quad = try Fixtures.quadratic()
        for (algo, key, value) in [("mrbo", "gamma", "0"), ("stocbio", "alpha", "-0.1"), ("vrbo", "beta", "0"), ("mrbo", "Q", "0"),
                                   ("stocbio", "Q", "2.5"), ("vrbo", "S1", "0"), ("mrbo", "eta", "nan"), ("ttsa", "alpha", "inf"),
                                   ("bsa", "Tmax", "ten"), ("stocbio", "alpha-power", "1.5")] {
            #expect(throws: BilevelError.self, "\(algo) \(key)=\(value)") { _ = try SolverCatalog.make(algo, set: [key: value], problem: quad) }
        }
        do {
            _ = try SolverCatalog.make("mrbo", set: ["gamma": "-1"], problem: quad)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error) == "gamma=-1 is outside its domain (real > 0)")
        }
        do {
            _ = try SolverCatalog.make("mrbo", set: ["S1": "5"], problem: quad)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).hasPrefix("solver 'mrbo' has no parameter 'S1' (known: gamma, lambda, eta, d, m"), "\(error)")
        }
        let logreg = try Fixtures.logreg()
        #expect(logreg.lowerSampleCount == 341)
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("stocbio", set: ["batch": "10000"], problem: logreg) }
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("vrbo", set: ["S2": "342"], problem: logreg) }
        // The largest legal batch is the training-set size.
        _ = try SolverCatalog.make("vrbo", set: ["S1": "341"], problem: logreg)
        #expect(throws: BilevelError.self) { _ = try SolverCatalog.make("stocbio", targetEpsilon: 0, problem: quad) }
    }

    @Test("a target ε is a layer below --set: prescriptions replace defaults, the user's values replace prescriptions")
    func prescriptionsAreOverridesBelowTheUsers() throws {
        let quad = try Fixtures.quadratic()
        let plain = try VRBO.resolve(problem: quad)
        let prescribed = try VRBO.resolve(targetEpsilon: 0.01, problem: quad)
        // S₁ = ⌈100/ε⌉, q = S₂ = ⌈ε^-½⌉ on the infinite quadratic population.
        #expect(plain.int("S1") == 1000 && prescribed.int("S1") == 10_000)
        #expect(prescribed.int("S2") == 10 && prescribed.int("q") == 10)
        let user = try VRBO.resolve(["S1": "777"], targetEpsilon: 0.01, problem: quad)
        #expect(user.int("S1") == 777 && user.int("S2") == 10)
        // Prescribed batches never exceed the data.
        let logreg = try Fixtures.logreg()
        #expect(try StocBiO.resolve(targetEpsilon: 1e-4, problem: logreg).int("batch") == 341)
    }

    @Test("unknown solvers, problems and parameters name the known ones")
    func unknownNames() throws {
        do {
            _ = try SolverCatalog.make("adam", problem: try Fixtures.quadratic())
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("unknown solver 'adam'") && String(describing: error).contains("mrbo"))
        }
        do {
            _ = try ProblemCatalog.build("mnist", stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("unknown problem 'mnist'") && String(describing: error).contains("logreg-l2"))
        }
        // A --set key must reach at least one selected solver or the problem.
        do {
            _ = try Comparison.run(problem: QuadraticProblem.self, solvers: [MRBO.self, StocBiO.self], overrides: ["S1": "100"], budget: 1000, seed: 1)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("parameter 'S1'") && !String(describing: error).contains("\n"))
        }
        let shared = try Comparison.run(problem: QuadraticProblem.self, solvers: [MRBO.self, VRBO.self], overrides: ["S1": "100", "gamma": "0.2", "dim": "4"],
                                        budget: 1000, seed: 1)
        #expect(shared.parameters["vrbo"]?.int("S1") == 100 && shared.parameters["mrbo"]?.real("gamma") == 0.2)
        #expect(shared.parameters["vrbo"]?.values["gamma"] == nil) // vrbo declares no gamma, so it was not given one
        #expect(shared.problemParameters.int("dim") == 4 && shared.runs[0].finalX.count == 4)
        #expect(throws: BilevelError.self) { _ = try Comparison.run(problem: QuadraticProblem.self, solvers: [MRBO.self], budget: 0, seed: 1) }
        #expect(throws: BilevelError.self) { _ = try Comparison.run(problem: QuadraticProblem.self, solvers: [], seed: 1) }
        do {
            _ = try ProblemCatalog.build("quadratic", data: .dataset("x.csv"), stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("synthetic") && String(describing: error).contains("logreg-l2"))
        }
        #expect(throws: BilevelError.self) { _ = try ProblemCatalog.build("quadratic", set: ["dim": "0"], stream: RandomStream(seed: 1)) }
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
            _ = try ProblemCatalog.build("logreg-l2", data: .dataset(nonNumeric), stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("bad.csv:5:2"), "\(error)")
        }
        rows[4] = "0.4,1"
        let ragged = try writeTemp("ragged.csv", rows.joined(separator: "\n") + "\n")
        do {
            _ = try ProblemCatalog.build("hyper-cleaning", data: .dataset(ragged), stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("ragged.csv:5"), "\(error)")
        }
        // The same bad file as the validation part of a user's own split.
        rows[4] = "0.4,1,0"
        let good = try writeTemp("train.csv", rows.joined(separator: "\n") + "\n")
        do {
            _ = try ProblemCatalog.build("logreg-l2", data: .own(train: good, validation: nonNumeric), stream: RandomStream(seed: 1))
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("bad.csv:5:2"), "\(error)")
        }
        let three = try writeTemp("three.csv", (0..<60).map { i in "\(Double(i)),\(Double(i * i % 11)),\(i % 3)" }.joined(separator: "\n") + "\n")
        #expect(throws: BilevelError.self) { _ = try ProblemCatalog.build("logreg-l2", data: .dataset(three), stream: RandomStream(seed: 1)) }
        // A good file works end to end; .txt is LIBSVM, as everywhere in the workbench.
        let svm = (0..<60).map { i in "\(i % 2 == 0 ? 1 : -1) 1:\(Double(i) * 0.01 + Double(i % 2)) 2:\(Double(i % 5))" }.joined(separator: "\n") + "\n"
        for name in ["good.libsvm", "good.txt"] {
            let p = try ProblemCatalog.build("logreg-l2", data: .dataset(try writeTemp(name, svm)), stream: RandomStream(seed: 1))
            #expect(p.problem.xDimension == 3)
            #expect(p.problem.lowerSampleCount == 36 && p.problem.upperSampleCount == 12)
        }
    }

    @Test("a user's own split is used row for row: no policy split, no subsampling, sizes and sha256 recorded")
    func ownSplitUsesEveryRow() throws {
        // 320 training rows exceed hyper-cleaning's cap of 300 for a policy split; 700 validation rows exceed 2 × 300.
        func rows(_ n: Int, _ offset: Int) -> String {
            (0..<n).map { i in "\(Double((i + offset) % 13) * 0.3),\(Double((i * 7 + offset) % 11)),\(Double(i % 5)),\(i % 3)" }.joined(separator: "\n") + "\n"
        }
        let train = try writeTemp("train.csv", rows(320, 0)), validation = try writeTemp("val.csv", rows(700, 1))
        let built = try ProblemCatalog.build("hyper-cleaning", data: .own(train: train, validation: validation), stream: RandomStream(seed: 1))
        #expect(built.problem.lowerSampleCount == 320 && built.problem.upperSampleCount == 700)
        let provenance = try #require(built.data?.split.provenance)
        #expect(provenance.map(\.role) == ["train", "validation"] && provenance.map(\.rows) == [320, 700])
        #expect(provenance.allSatisfy { ($0.sha256?.count ?? 0) == 64 })
        // The same rows as one data set go through the policy: split 60/20/20 and capped.
        let policy = try ProblemCatalog.build("hyper-cleaning", data: .dataset(train), stream: RandomStream(seed: 1))
        #expect(policy.problem.lowerSampleCount == 192 && policy.problem.upperSampleCount == 64)
    }
}
