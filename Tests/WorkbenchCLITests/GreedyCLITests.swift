import Foundation
import Testing
import TestSupport

@Suite struct GreedyCLITests {
    /// A small decay run: seconds, not minutes.
    static let small = ["--set", "N=100", "--set", "n_max=60", "--set", "seeds=2", "--set", "heldout=10"]

    @Test func badNumbersAndNamesExitTwoWithOneLine() throws {
        let cases: [[String]] = [
            ["greedy", "decay", "--set", "N=0"],
            ["greedy", "decay", "--set", "M=0"],
            ["greedy", "decay", "--set", "N=1.5"],
            ["greedy", "decay", "--set", "n_max=100000000"],
            ["greedy", "decay", "--set", "activation=softsign"],
            ["greedy", "decay", "--set", "bogus=1"],
            ["greedy", "decay", "--set", "stop_loss=-1"],
            ["greedy", "decay", "--set", "N"],
            ["greedy", "decay", "--selectors", "greedy-magic"],
            ["greedy", "decay", "--atoms", "/no/such/file.csv"],
            ["greedy", "tolerance", "--epsilon", "0"],
            ["greedy", "tolerance", "--epsilon", "nan"],
            ["greedy", "sweep", "heldout=0,10"],
            ["greedy", "sweep", "N=100,abc"],
            ["greedy", "sweep", "N"],
            ["greedy", "prune-mlp", "--mode", "partial"],
            ["greedy", "prune-mlp", "--activation", "swish"],
            ["greedy", "prune-mlp", "--keep", "0,4"],
            ["greedy", "prune-mlp", "--hidden", "0"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet"])
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    /// A flag that does not apply to a subcommand is rejected by the parser, never ignored.
    @Test func flagsThatDoNotApplyAreRejected() throws {
        let dir = try WorkbenchProcess.directory(with: "1,2,3\n4,5,6\n0,1,1\n", named: "a.csv")
        let cases: [[String]] = [
            ["greedy", "sweep", "N=100,300", "--tolerance", "1e-6"],
            ["greedy", "sweep", "N=100,300", "--epsilon", "1e-6"],
            ["greedy", "sweep", "N=100,300", "--atoms", "a.csv"],
            ["greedy", "sweep", "N=100,300", "--set", "N=50"],
            ["greedy", "sweep", "N=100,300", "--set", "heldout=5"],
            ["greedy", "decay", "--epsilon", "1e-6"],
            ["greedy", "decay", "--prune", "both"],
            ["greedy", "decay", "--target-column"],
            ["greedy", "decay", "--atoms", "a.csv", "--set", "N=50"],
            ["greedy", "decay", "--atoms", "a.csv", "--set", "seeds=3"],
            ["greedy", "decay", "--selectors", "greedy-linesearch", "--set", "stop_loss=1e-20"],
            ["greedy", "prune-mlp", "--set", "N=50"],
            ["greedy", "prune-mlp", "--selectors", "random"],
            ["greedy", "--tolerance", "1e-6"],
            ["greedy", "tolerance"],
        ]
        for args in cases {
            let r = try WorkbenchProcess.run(args + ["--quiet"], in: dir)
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func malformedAtomFilesNameFileLineAndColumn() throws {
        let nan = (dir: try WorkbenchProcess.directory(with: "1,2,3\n4,nan,6\n", named: "nan.csv"), file: "nan.csv")
        let r1 = try WorkbenchProcess.run(["greedy", "decay", "--atoms", nan.file, "--quiet"], in: nan.dir)
        #expect(r1.status == 2)
        #expect(r1.stderr.contains("nan.csv:2:2"), "\(r1.stderr)")
        let ragged = (dir: try WorkbenchProcess.directory(with: "1,2,3\n4,5,6\n7,8\n", named: "rag.csv"), file: "rag.csv")
        let r2 = try WorkbenchProcess.run(["greedy", "decay", "--atoms", ragged.file, "--quiet"], in: ragged.dir)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("rag.csv:3:"), "\(r2.stderr)")
        #expect(r2.errorLines.count == 1)
    }

    /// `greedy --out D` writes exactly one record in D, byte for byte what `--json` prints.
    @Test func outWritesOneRecordEqualToTheJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-greedy-\(UUID().uuidString)")
        let r = try WorkbenchProcess.run(["greedy"] + Self.small + ["--json", "--quiet", "--out", "records"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("records").path)
        #expect(files.count == 1 && files.allSatisfy { $0.hasPrefix("greedy-decay-") && $0.hasSuffix(".json") }, "\(files)")
        let data = try Data(contentsOf: dir.appendingPathComponent("records").appendingPathComponent(try #require(files.first)))
        #expect(data == Data(r.stdout.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schema"] as? String == "workbench.greedy/2")
        #expect(json["command"] as? String == "greedy-decay")
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["N"] as? Int == 100 && parameters["M"] as? Int == 10 && parameters["activation"] as? String == "tanh")
        #expect(parameters["fully-corrective.stop_loss"] as? Double == 1e-30)
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.map { $0["method"] as? String } == ["random", "greedy-uniform", "greedy-linesearch", "fw-linesearch", "away-step", "fully-corrective"])
        let lineSearch = try #require(methods[2]["loss"] as? [Double]), fullyCorrective = try #require(methods[5]["loss"] as? [Double])
        #expect(lineSearch.count == 60 && lineSearch[59] < lineSearch[9] * 0.1)
        // Fully corrective represents t to rounding within 50 steps on this instance (L_50 ≈ 3e-31).
        #expect(fullyCorrective[49] < 1e-25)
        // The text report of the same run shares the record file (presentation flags do not change the run id).
        let text = try WorkbenchProcess.run(["greedy"] + Self.small + ["--quiet", "--ascii", "--out", "records"], in: dir)
        #expect(text.status == 0 && text.stdout.contains("greedy-linesearch"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("records").path).count == 1)
    }

    @Test func csvToleranceSweepAndPruningRun() throws {
        let csv = try WorkbenchProcess.run(["greedy", "decay", "--selectors", "greedy-linesearch,worst-neuron"] + Self.small + ["--csv", "--quiet"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("kind,method,x,y,z\nloss,greedy-linesearch,1,"))
        #expect(csv.stdout.contains("loss,worst-neuron,60,"))

        let tol = try WorkbenchProcess.run(["greedy", "tolerance", "--epsilon", "1e-4", "--selectors", "greedy-linesearch"] + Self.small + ["--json", "--quiet"])
        #expect(tol.status == 0, "\(tol.stderr)")
        let tj = try #require(try JSONSerialization.jsonObject(with: Data(tol.stdout.utf8)) as? [String: Any])
        let levels = try #require(tj["tolerance"] as? [[String: Any]])
        #expect(levels.compactMap { $0["epsilon"] as? Double } == [1e-2, 1e-3, 1e-4])
        #expect(levels.allSatisfy { ($0["reached"] as? Int) == 2 && ($0["seeds"] as? Int) == 2 })
        #expect(levels.last?["medianNeurons"] as? Double == 6)

        let sweep = try WorkbenchProcess.run(["greedy", "sweep", "N=50,100", "--selectors", "greedy-linesearch", "--set", "seeds=2", "--set", "n_max=40",
                                              "--quiet", "--ascii"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains("N=50") && sweep.stdout.contains("c: greedy-linesearch"))

        let prune = try WorkbenchProcess.run(["greedy", "prune-mlp", "--mode", "local", "--hidden", "16", "--keep", "4,16", "--json", "--quiet"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let pj = try #require(try JSONSerialization.jsonObject(with: Data(prune.stdout.utf8)) as? [String: Any])
        let points = try #require(pj["pruning"] as? [[String: Any]])
        #expect(points.count == 2 && points.allSatisfy { $0["local"] is Double && $0["global"] == nil })
        // Keeping every neuron is the dense network.
        let facts = try #require(pj["facts"] as? [String: String])
        #expect(Double(facts["denseAccuracy"] ?? "") == points[1]["magnitude"] as? Double)
    }

    @Test func listParamsShowsTheDeclaredDefaults() throws {
        let r = try WorkbenchProcess.run(["greedy", "decay", "--list-params"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1000") && r.stdout.contains("stop_loss (fully-corrective)") && r.stdout.contains("n_max"))
    }

    @Test func verifyGreedyDecayAtTwentyInputsDoesNotExitZero() throws {
        let r = try WorkbenchProcess.run(["verify", "greedy-decay", "--quick", "--param", "M=20", "--quiet", "--ascii"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("REGIME-NOT-REACHED"))
    }

    /// Issue #30, items 5 and 6: a user's target on a face of the hull (x₃ = 0, r = 0) is reported as "assumption not
    /// met", one lifted off the face (0.3 of the way to the apex) as met; fw-linesearch's certificate holds on both.
    @Test func greedyDecayChecksTheInteriorAssumptionOnUserAtoms() throws {
        let atoms = "1,0,-1,0,0.5,%\n0,1,-1,0,0.5,%\n0,0,0,1,2,%\n"
        for (target, met) in [(["0", "0", "0"], false), (["0", "0", "0.3"], true)] {
            var csv = atoms
            for t in target { csv = csv.replacingOccurrences(of: "%", with: t, options: [], range: csv.range(of: "%")) }
            let dir = try WorkbenchProcess.directory(with: csv, named: "face.csv")
            let r = try WorkbenchProcess.run(["greedy", "decay", "--atoms", "face.csv", "--target-column", "--set", "n_max=60",
                                              "--selectors", "fw-linesearch,greedy-linesearch", "--quiet", "--ascii"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains(met ? "assumption met: r_lb = " : "assumption not met: r_lb = 0"), "\(r.stdout)")
            #expect(r.stdout.contains("fw-linesearch: certificate L_{n+1} ≤ (1 − w_n²/D_n²) L_n holds"))
        }
    }
}

/// Forced failure through the binary: atoms that are finite but overflow when squared (1.5e154² > 1.8e308) are bad input (exit 2, one
/// line naming the file and the neuron), never a run that walks an inf/NaN loss path. A selector whose loss stops
/// being finite on valid input exits 1 instead (`GreedyError.diverged`, tested in GreedySelectionTests).
@Suite struct GreedyForcedFailureCLITests {
    @Test func overflowingAtomsAreRefusedNamingFileAndNeuron() throws {
        let dir = try WorkbenchProcess.directory(with: "1,2,3\n4,1.5e154,6\n7,8,9\n", named: "huge.csv")
        let r = try WorkbenchProcess.run(["greedy", "decay", "--atoms", "huge.csv", "--quiet"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.count == 1)
        #expect(r.stderr.contains("huge.csv") && r.stderr.contains("neuron 2"), "\(r.stderr)")
    }
}
