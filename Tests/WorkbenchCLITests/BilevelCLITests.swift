import Foundation
import Testing
import TestSupport

@Suite struct BilevelCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["bilevel", "--algo", "adam"],
            ["bilevel", "--algo", "mrbo,mrbo"],
            ["bilevel", "--problem", "rosenbrock"],
            ["bilevel", "--algo", "stocbio", "--set", "alpha=0"],
            ["bilevel", "--algo", "stocbio", "--set", "alpha=-0.1"],
            ["bilevel", "--algo", "stocbio", "--set", "Q=0"],
            ["bilevel", "--algo", "stocbio", "--set", "Q"],
            ["bilevel", "--algo", "stocbio", "--set", "batch=100000", "--problem", "logreg-l2"],
            ["bilevel", "--algo", "mrbo", "--set", "no-such-knob=1"],
            ["bilevel", "--algo", "mrbo", "--set", "S1=100"],
            ["bilevel", "--algo", "mrbo", "--set", "dim=0"],
            ["bilevel", "--problem", "logreg-l2", "--data", "/no/such/file.csv"],
            ["bilevel", "--problem", "quadratic", "--data", "digits"],
            ["bilevel", "--problem", "logreg-l2", "--data", "breast-cancer", "--train", "a.csv", "--validation", "b.csv"],
            ["bilevel", "--problem", "logreg-l2", "--train", "a.csv"],
            ["bilevel", "--list-params", "--set", "gamma=1"],
            ["bilevel", "--algo", "vrbo", "--target-eps", "0"],
            ["bilevel", "--algo", "sustain,no-such-solver"],
            ["bilevel", "--algo", "f2sa", "--set", "lambda0=0"],
            ["bilevel", "--algo", "hoag", "--set", "rho=1"],
            ["bilevel", "--algo", "f2sa", "--problem", "logreg-l2"],
            ["bilevel", "--problem", "hyper-cleaning", "--set", "corruption=1"],
            ["bilevel", "--problem", "hyper-cleaning", "--set", "corruption=-0.1"],
            ["bilevel", "--problem", "benchopt-quadratic", "--set", "mu-g=2"],
            ["bilevel", "--seeds", "3"],
            ["bilevel", "--complexity", "--problem", "quadratic"],
            ["bilevel", "--complexity", "--set", "no-such-key=1"],
            ["bilevel", "--complexity", "--set", "dim=0"],
            ["bilevel", "--complexity", "--seeds", "1"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet", "--budget", "1000"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    /// --set reaches the problems of the table (benchopt-quadratic at d = 20 here) and is kept in the record.
    @Test func complexityTableTakesSetForItsProblems() throws {
        let r = try WorkbenchProcess.run(["bilevel", "--complexity", "--algo", "soba", "--budget", "2000", "--seeds", "2", "--set", "dim=20", "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((record["settings"] as? [String: String]) == ["dim": "20"])
        let problems = try #require(record["problemParameters"] as? [String: [String: Any]])
        #expect(problems["benchopt-quadratic"]?["dim"] as? Int == 20)
        #expect(problems["quadratic"]?["dim"] as? Int == 20)
    }

    @Test func complexityTablePrintsMeasuredBesideProvedAndWritesOneRecord() throws {
        let out = try WorkbenchProcess.directory(with: "", named: "unused.txt")
        let r = try WorkbenchProcess.run(["bilevel", "--complexity", "--algo", "soba,aid-cg,saba", "--budget", "20000", "--seeds", "2",
                                          "--quiet", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("proved ε-exp.") && r.stdout.contains("Protocol A"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("bilevel-") && $0.hasSuffix(".json") }
        #expect(files.count == 1)
        let data = try Data(contentsOf: out.appendingPathComponent(files[0]))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.bilevel-complexity/1")
        let rows = try #require(json["rows"] as? [[String: Any]])
        // Three solvers on two problems; SABA cannot run on the fresh-noise quadratic, AID-CG is deterministic (n/a).
        #expect(rows.count == 6)
        let flags = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["solver"] ?? "")/\($0["problem"] ?? "")", $0["flag"] as? String ?? "") })
        #expect(flags["saba/quadratic"] == "not run" && flags["aid-cg/quadratic"] == "n/a" && flags["aid-cg/benchopt-quadratic"] == "n/a")
        #expect(["consistent", "slower than proved"].contains(flags["soba/quadratic"] ?? ""))
    }

    @Test func dataFileErrorsNameFileLineAndColumn() throws {
        let dir = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,abc,0\n", named: "bad.csv")
        let r = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--data", "bad.csv", "--quiet", "--budget", "1000"], in: dir)
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1 && r.stderr.contains("bad.csv:3:2"), "\(r.stderr)")
        let ragged = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,0\n", named: "ragged.csv")
        let r2 = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--data", "ragged.csv", "--quiet", "--budget", "1000"], in: ragged)
        #expect(r2.status == 2)
        #expect(r2.errorLines.count == 1 && r2.stderr.contains("ragged.csv:3:"), "\(r2.stderr)")
        // A user's own split: a bad validation file is named the same way.
        let own = try WorkbenchProcess.directory(with: (0..<20).map { "\($0),\($0 % 3),\($0 % 2)" }.joined(separator: "\n") + "\n", named: "train.csv")
        try "1,2,0\n3,4,1\n5,abc,0\n".write(to: own.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        let r3 = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--train", "train.csv", "--validation", "val.csv", "--quiet", "--budget", "1000"], in: own)
        #expect(r3.status == 2)
        #expect(r3.errorLines.count == 1 && r3.stderr.contains("val.csv:3:2"), "\(r3.stderr)")
    }

    @Test func ownTrainAndValidationFilesAreUsedRowForRowAndRecorded() throws {
        // Two classes, three features; 47 training and 23 validation rows, neither a multiple of the policy's fractions.
        func rows(_ n: Int, _ offset: Int) -> String {
            (0..<n).map { i in "\(Double((i + offset) % 13) * 0.3),\(Double((i * 7 + offset) % 11)),\(Double(i % 5) + Double(i % 2)),\(i % 2)" }
                .joined(separator: "\n") + "\n"
        }
        let dir = try WorkbenchProcess.directory(with: rows(47, 0), named: "train.csv")
        try rows(23, 1).write(to: dir.appendingPathComponent("val.csv"), atomically: true, encoding: .utf8)
        let r = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--train", "train.csv", "--validation", "val.csv",
                                          "--algo", "aid-cg", "--budget", "5000", "--json", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let data = try #require(json["data"] as? [[String: Any]])
        #expect(data.map { $0["role"] as? String } == ["train", "validation"])
        #expect(data.map { $0["rows"] as? Int } == [47, 23])
        #expect(data.map { $0["source"] as? String } == ["train.csv", "val.csv"])
        #expect(data.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
        let instance = try #require(json["instance"] as? [String: String])
        #expect(instance["data"]?.contains("47 training rows, 23 validation rows") == true, "\(instance)")
        #expect((json["dataPolicy"] as? String)?.contains("own split") == true)
    }

    @Test func allSkipsSolversThatCannotRunOnTheProblemButANamedOneIsAnError() throws {
        let all = try WorkbenchProcess.run(["bilevel", "--algo", "all", "--budget", "20000", "--quiet", "--ascii"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("not run on quadratic: saba"))
        let named = try WorkbenchProcess.run(["bilevel", "--algo", "saba", "--budget", "20000", "--quiet"])
        #expect(named.status == 2)
        #expect(named.stderr.contains("finite-sum"))
    }

    @Test func comparisonRunPrintsATableOfOracleCountsAndWritesOneRecord() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-bilevel-\(UUID().uuidString)")
        let r = try WorkbenchProcess.run(["bilevel", "--algo", "mrbo,stocbio", "--budget", "20000", "--quiet", "--ascii", "--seed", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("mrbo") && r.stdout.contains("stocbio"))
        let again = try WorkbenchProcess.run(["bilevel", "--algo", "mrbo,stocbio", "--budget", "20000", "--quiet", "--ascii", "--seed", "2", "--json"], in: dir)
        #expect(again.status == 0)
        // Text and JSON of the same run share one record file, and --json prints exactly its bytes.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path)
        #expect(files.count == 1 && files[0].hasPrefix("bilevel-"))
        let stored = try String(contentsOf: dir.appendingPathComponent("results").appendingPathComponent(files[0]), encoding: .utf8)
        #expect(stored == again.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.bilevel/2")
        // Each solver's parameters are its resolved values, typed: derived defaults included (η = 0.8/L = 0.4 on quadratic).
        let parameters = try #require(json["parameters"] as? [String: [String: Any]])
        #expect(parameters["mrbo"]?["eta"] as? Double == 0.4 && parameters["mrbo"]?["Q"] as? Int == 15)
        #expect(parameters["stocbio"]?["beta"] as? Double == 0.3)
        #expect((json["problemParameters"] as? [String: Any])?["dim"] as? Int == 10)
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 2 && runs.allSatisfy { $0["divergence"] == nil })
    }

    @Test func aDivergedRunIsPrintedRecordedAndNamedWithExitOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-bilevel-\(UUID().uuidString)")
        let r = try WorkbenchProcess.run(["bilevel", "--algo", "mrbo", "--set", "gamma=1e6", "--budget", "20000", "--ascii"], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("DIVERGED"))
        let line = try #require(r.errorLines.first { $0.contains("diverged") })
        #expect(line.contains("mrbo") && line.contains("oracle calls 57") && line.contains("‖∇Φ‖²"), "\(line)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path)
        let data = try Data(contentsOf: dir.appendingPathComponent("results").appendingPathComponent(try #require(files.first)))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let divergence = try #require(run["divergence"] as? [String: Any])
        #expect(divergence["component"] as? String == "mrbo" && divergence["step"] as? Int == 57)
        #expect(divergence["unit"] as? String == "oracle calls" && divergence["quantity"] as? String == "‖∇Φ‖²")
    }

    @Test func listParamsComesFromTheDeclarations() throws {
        let r = try WorkbenchProcess.run(["bilevel", "--list-params", "--algo", "mrbo,vrbo", "--problem", "hyper-cleaning"])
        #expect(r.status == 0, "\(r.stderr)")
        for text in ["mrbo — MRBO", "(0.8/L)", "(1/L)", "(0.3·s)", "(min(1000, n))", "real > 0", "integer ≥ 0", "Neumann terms Q",
                     "problem hyper-cleaning", "corruption", "100 on hyper-cleaning"] {
            #expect(r.stdout.contains(text), "missing \(text)")
        }
        #expect(!r.stdout.contains("stocbio —"))
    }
}
