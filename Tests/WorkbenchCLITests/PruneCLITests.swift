import Foundation
import Testing

@Suite struct PruneCLITests {
    @Test func badInputExitsTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["prune", "--sparsity=1.0"],
            ["prune", "--sparsity=-0.1"],
            ["prune", "--sparsity", "nan"],
            ["prune", "--net", "mlp:300,,100"],
            ["prune", "--net", "mlp:0,100"],
            ["prune", "--net", "transformer:12"],
            ["prune", "--method", "oracle"],
            ["prune", "--data", "mnist-on-the-moon"],
            ["prune", "--lr", "0"],
            ["prune", "--lr", "-0.1"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet", "--epochs", "1"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func dataFilesWithBadLabelsOrShapesAreRejected() throws {
        let frac = try WorkbenchProcess.directory(with: "0.1,0.2,1\n0.3,0.4,0.5\n", named: "frac.csv")
        let r1 = try WorkbenchProcess.run(["prune", "--data", "frac.csv", "--quiet", "--epochs", "1"], in: frac)
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("frac.csv:2:3"), "\(r1.stderr)")
        let ragged = try WorkbenchProcess.directory(with: "1,2,0\n3,4,1\n5,1\n", named: "ragged.csv")
        let r2 = try WorkbenchProcess.run(["prune", "--data", "ragged.csv", "--quiet", "--epochs", "1"], in: ragged)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("ragged.csv:3:"), "\(r2.stderr)")
    }

    @Test func pruneReportsLayerCollapseAndDisconnectedClasses() throws {
        let r = try WorkbenchProcess.run(["prune", "--method", "magnitude", "--sparsity", "0.995", "--epochs", "1", "--quiet", "--ascii", "--seed", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.lowercased().contains("collapse"))
        #expect(r.stdout.lowercased().contains("disconnected") || r.stdout.lowercased().contains("no input-to-output path"))
    }
}
