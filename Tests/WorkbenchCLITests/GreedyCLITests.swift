import Foundation
import Testing

@Suite struct GreedyCLITests {
    @Test func badNumbersAndNamesExitTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["greedy", "--neurons", "0"],
            ["greedy", "--inputs", "0"],
            ["greedy", "--n-max", "100000000"],
            ["greedy", "--activation", "softsign"],
            ["greedy", "--methods", "greedy-magic"],
            ["greedy", "--atoms", "/no/such/file.csv"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func malformedAtomFilesNameFileLineAndColumn() throws {
        let nan = (dir: try WorkbenchProcess.directory(with: "1,2,3\n4,nan,6\n", named: "nan.csv"), file: "nan.csv")
        let r1 = try WorkbenchProcess.run(["greedy", "--atoms", nan.file, "--quiet"], in: nan.dir)
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("nan.csv:2:2"), "\(r1.stderr)")
        let ragged = (dir: try WorkbenchProcess.directory(with: "1,2,3\n4,5,6\n7,8\n", named: "rag.csv"), file: "rag.csv")
        let r2 = try WorkbenchProcess.run(["greedy", "--atoms", ragged.file, "--quiet"], in: ragged.dir)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("rag.csv:3:"), "\(r2.stderr)")
        #expect(r2.errorLines.count == 1)
    }

    @Test func verifyGreedyDecayAtTwentyInputsDoesNotExitZero() throws {
        let r = try WorkbenchProcess.run(["verify", "greedy-decay", "--quick", "--param", "M=20", "--quiet", "--ascii"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("REGIME-NOT-REACHED"))
    }
}
