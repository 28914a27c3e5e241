import Foundation
import Testing

@Suite struct BilevelCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["bilevel", "--algo", "adam"],
            ["bilevel", "--problem", "rosenbrock"],
            ["bilevel", "--algo", "stocbio", "--set", "alpha=0"],
            ["bilevel", "--algo", "stocbio", "--set", "alpha=-0.1"],
            ["bilevel", "--algo", "stocbio", "--set", "Q=0"],
            ["bilevel", "--algo", "stocbio", "--set", "batch=100000", "--problem", "logreg-l2"],
            ["bilevel", "--algo", "mrbo", "--set", "no-such-knob=1"],
            ["bilevel", "--problem", "logreg-l2", "--data", "/no/such/file.csv"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet", "--budget", "1000"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func dataFileErrorsNameFileLineAndColumn() throws {
        let dir = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,abc,0\n", named: "bad.csv")
        let r = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--data", "bad.csv", "--quiet", "--budget", "1000"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.csv:3:2"), "\(r.stderr)")
        let ragged = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,0\n", named: "ragged.csv")
        let r2 = try WorkbenchProcess.run(["bilevel", "--problem", "logreg-l2", "--data", "ragged.csv", "--quiet", "--budget", "1000"], in: ragged)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("ragged.csv:3:"), "\(r2.stderr)")
    }

    @Test func allSkipsSolversThatCannotRunOnTheProblemButANamedOneIsAnError() throws {
        let all = try WorkbenchProcess.run(["bilevel", "--algo", "all", "--budget", "20000", "--quiet", "--ascii"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("not run on quadratic: saba"))
        let named = try WorkbenchProcess.run(["bilevel", "--algo", "saba", "--budget", "20000", "--quiet"])
        #expect(named.status == 2)
        #expect(named.stderr.contains("finite-sum"))
    }

    @Test func comparisonRunPrintsATableOfOracleCounts() throws {
        let r = try WorkbenchProcess.run(["bilevel", "--algo", "mrbo,stocbio", "--budget", "20000", "--quiet", "--ascii", "--seed", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("mrbo") && r.stdout.contains("stocbio"))
        let again = try WorkbenchProcess.run(["bilevel", "--algo", "mrbo,stocbio", "--budget", "20000", "--quiet", "--ascii", "--seed", "2"])
        // Deterministic except for the wall-time column.
        let strip = { (s: String) in s.split(separator: "\n").filter { !$0.contains("seconds") && !$0.contains(" s ") }.map(String.init) }
        #expect(strip(r.stdout).count == strip(again.stdout).count)
    }
}
