import Components
import Foundation
import Sweep
import Testing

@Suite struct GridTests {
    @Test func rangesAndListsExpandInOrderWithTheLastKeyFastest() throws {
        let g = try Grid(parsing: "N=100,300;seed=1..3")
        #expect(g.keys == ["N", "seed"])
        #expect(g.points == [["100", "1"], ["100", "2"], ["100", "3"], ["300", "1"], ["300", "2"], ["300", "3"]])
        #expect(try Grid(parsing: "seed=-1..1,7").points == [["-1"], ["0"], ["1"], ["7"]])
        #expect(try Grid(parsing: "a=x").points == [["x"]])
    }

    @Test func valuesAreKeptVerbatim() throws {
        let odd = "$(touch pwned) `touch pwned` 'q\" \n"
        #expect(try Grid(parsing: "k=\(odd)").axes[0].values == [odd])
        #expect(try Grid(parsing: "k=../up..dir").axes[0].values == ["../up..dir"])
    }

    @Test(arguments: [
        ("", "empty"), ("N", "not key=values"), ("=1", "not a parameter name"), ("N=", "empty value"), ("N=1,,2", "empty value"),
        ("N=1;", "empty axis"), ("N=1;N=2", "twice"), ("seed=4..1", "empty range"), ("1N=2", "not a parameter name"),
        ("N x=2", "not a parameter name"), ("seed=0..200000", "more than"), ("a=1..400;b=1..400", "more than"),
    ])
    func badGridsAreOneLineInputErrors(text: String, message: String) {
        do {
            _ = try Grid(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.description.contains(message), "\(text): \(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}

@Suite struct RunIDTests {
    @Test func idsAreStableHexAndDependOnEveryArgument() {
        let a = RunID.of(["greedy", "decay", "--set", "N=100", "--seed", "1"])
        #expect(a == RunID.of(["greedy", "decay", "--set", "N=100", "--seed", "1"]))
        #expect(a.count == 16 && a.allSatisfy(\.isHexDigit))
        // Known value (FNV-1a + fmix64, computed independently): an id must not change between versions, or re-runs would redo finished runs.
        #expect(RunID.of(["verify", "lapack-sanity"]) == "0a24fdc31990eb7d")
        #expect(a != RunID.of(["greedy", "decay", "--set", "N=100", "--seed", "2"]))
        // Argument boundaries count: ["ab", "c"] is not ["a", "bc"].
        #expect(RunID.of(["ab", "c"]) != RunID.of(["a", "bc"]))
    }

    @Test func manifestLinesRoundTripArgumentsWithNewlinesAndQuotes() throws {
        let argv = ["greedy", "decay", "--atoms", "a $(touch pwned);`x`'\"\n.csv"]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("manifest.jsonl")
        let entries = [ManifestEntry(id: "a", argv: ["x"]), ManifestEntry(id: "b", argv: argv)]
        let text = Manifest.text(entries)
        #expect(text.split(separator: "\n").count == 2)
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect(try Manifest.entry(1, in: url) == entries[1])
        #expect(throws: InputError.self) { try Manifest.entry(2, in: url) }
    }
}

@Suite struct FigureLookupTests {
    static func json(_ s: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(s.utf8)) }

    @Test func fitNamesFieldsAndLabelsAreFound() throws {
        let claim = try Self.json(#"{"fits":[{"name":"slope a","estimate":1.5,"rSquared":0.9},{"name":"slope b","estimate":"nan"}],"seeds":[1,2]}"#)
        #expect(try FigureLookup.value("slope a", in: claim) == 1.5)
        #expect(try FigureLookup.value("slope b", in: claim)?.isNaN == true)
        #expect(try FigureLookup.value("nothing", in: claim) == nil)
        let greedy = try Self.json(#"{"command":"greedy-decay","methods":[{"method":"random","decayConstant":0.1},{"method":"greedy-linesearch","decayConstant":0.3},{"method":"fully-corrective"}]}"#)
        #expect(try FigureLookup.value("decayConstant@greedy-linesearch", in: greedy) == 0.3)
        #expect(try FigureLookup.value("decayConstant@fully-corrective", in: greedy) == nil)
        do {
            _ = try FigureLookup.value("decayConstant", in: greedy)
            Issue.record("an ambiguous figure was accepted")
        } catch {
            #expect(error.description.contains("decayConstant@random") && error.description.contains("decayConstant@greedy-linesearch"))
        }
        #expect(FigureLookup.candidates(in: greedy) == ["decayConstant@random", "decayConstant@greedy-linesearch"])
        let sweep = try Self.json(#"{"sweep":[{"key":"N","value":"100","method":"a","decayConstant":1},{"key":"N","value":"100","method":"b","decayConstant":2},{"key":"N","value":"300","method":"a","decayConstant":3}]}"#)
        #expect(try FigureLookup.value("decayConstant@a@300", in: sweep) == 3)
        #expect(try FigureLookup.value("decayConstant@100@b", in: sweep) == 2)
        #expect(throws: InputError.self) { try FigureLookup.value("decayConstant@100", in: sweep) }
        let pruning = try Self.json(#"{"pruning":[{"keep":4,"local":0.5},{"keep":16,"local":0.9}]}"#)
        #expect(try FigureLookup.value("local@16", in: pruning) == 0.9)
        #expect(try FigureLookup.value("local@1.6e1", in: pruning) == 0.9)
        #expect(FigureLookup.candidates(in: claim) == ["slope a", "slope b"])
    }
}

@Suite struct MergeTests {
    /// A sweep directory with hand-written records: the merge reads figures, pools seeds and computes the t-interval.
    @Test func meansAndTIntervalsOverSeedsPerGridPoint() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-merge-\(UUID().uuidString)")
        let layout = SweepLayout(root.path)
        let grid = try Grid(parsing: "seed=1..3;N=10,20")
        let runs = grid.points.map { SweepRun(point: $0, arguments: ["cmd", "--seed", $0[0], "--set", "N=\($0[1])"]) }
        let plan = SweepPlan(command: ["cmd"], grid: grid.axes, replicate: "seed", figures: ["rate@m", "slope"], by: "N", runs: runs)
        // rate = N/10 + seed (N=10: 2, 3, 4; N=20: 3, 4, 5); slope only for seed 1.
        for r in runs {
            let seed = Double(r.point[0]) ?? 0, n = Double(r.point[1]) ?? 0
            let slope = seed == 1 ? #",{"name":"slope","estimate":\#(n)}"# : ""
            let text = #"{"methods":[{"method":"m","rate":\#(n / 10 + seed)}],"fits":[{"name":"other","estimate":0}\#(slope)]}"#
            try AtomicFile.write(Data(text.utf8), to: layout.runDirectory(r.id).appendingPathComponent("cmd-x.json"))
        }
        let merged = try SweepMerge.merge(plan, layout: layout)
        #expect(merged.points.count == 2)
        #expect(merged.points.map { $0.point.values["N"] } == [.int(10), .int(20)])
        let a = merged.points[0].figures[0]
        #expect(a.values == [2, 3, 4] && a.n == 3 && a.mean == 3)
        // t(0.975, 2) = 4.302653; standard error 1/√3.
        #expect(abs((a.upper ?? 0) - (3 + 4.302653 / 3.0.squareRoot())) < 1e-5)
        #expect(abs((a.lower ?? 0) - (3 - 4.302653 / 3.0.squareRoot())) < 1e-5)
        let s = merged.points[1].figures[1]
        #expect(s.n == 1 && s.mean == 20 && s.lower == nil && s.values[1].isNaN)
        #expect(merged.runs.count == 6 && merged.runs[0].record == "runs/\(runs[0].id)/cmd-x.json")
        // Runs pooled in grid order: seed is the outer axis here, so N=10 pools runs 0, 2 and 4.
        #expect(merged.points[0].runs == [runs[0].id, runs[2].id, runs[4].id])

        let csv = SweepReport.csv(merged)
        #expect(csv.hasPrefix("N,figure,n,mean,lower,upper\n10,rate@m,3,3.0,"))
        #expect(SweepReport.text(merged, style: .init(ascii: true)).contains("rate@m: mean and 95% t-interval over seed 1,2,3"))

        // A missing record and an absent figure are one-line errors.
        let bad = SweepPlan(command: ["cmd"], grid: grid.axes, replicate: "seed", figures: ["nope"], by: "N", runs: runs)
        #expect(throws: InputError.self) { try SweepMerge.merge(bad, layout: layout) }
        try FileManager.default.removeItem(at: layout.runDirectory(runs[3].id))
        #expect(throws: InputError.self) { try SweepMerge.merge(plan, layout: layout) }
    }
}

@Suite struct SlurmScriptTests {
    @Test func arraySpecsCompressIndicesAndCarryTheThrottle() {
        #expect(SlurmJobs.arraySpec([0, 1, 2, 3, 4, 5, 6, 7], throttle: 2) == "0-7%2")
        #expect(SlurmJobs.arraySpec([7, 0, 1, 3, 5, 6], throttle: nil) == "0-1,3,5-7")
        #expect(SlurmJobs.arraySpec([4], throttle: nil) == "4")
    }

    @Test func scriptsQuoteThePathsAndHoldOnlyValidatedOptions() throws {
        let odd = "/tmp/x $(touch pwned); `touch pwned` 'q\" %"
        let jobs = SlurmJobs(layout: SweepLayout(odd), options: SlurmOptions(partition: "short", time: "0:10:00", mem: "2G", account: "lab-1", throttle: 3),
                             executable: "/opt/wb's/workbench")
        let script = jobs.arrayScript([0, 1, 2])
        #expect(script.contains("#SBATCH --array=0-2%3\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n#SBATCH --partition=short\n#SBATCH --time=0:10:00\n#SBATCH --mem=2G\n#SBATCH --account=lab-1\n"))
        #expect(script.contains(#"exec '/opt/wb'\''s/workbench' sweep --run-task "$SLURM_ARRAY_TASK_ID" '/tmp/x $(touch pwned); `touch pwned` '\''q" %/manifest.jsonl'"#))
        #expect(jobs.mergeScript().contains("--merge-task '/tmp/x $(touch pwned); `touch pwned` '\\''q\" %/sweep.json'"))
        // Slurm expands % in log paths: a literal one is doubled.
        #expect(jobs.arrayCommand[2] == "--output=/tmp/x $(touch pwned); `touch pwned` 'q\" %%/slurm/logs/%A_%a.log")
        #expect(jobs.mergeCommand(after: "42")[2] == "--dependency=afterok:42")
        #expect(throws: InputError.self) { try SlurmJobs.checkPath(URL(fileURLWithPath: "/tmp/a\nb")) }
    }

    @Test(arguments: [
        SlurmOptions(partition: "a;b"), SlurmOptions(partition: "$(x)"), SlurmOptions(account: "a b"), SlurmOptions(time: "1h"),
        SlurmOptions(time: "1:00:00\n#SBATCH --x"), SlurmOptions(mem: "2GB"), SlurmOptions(mem: "-1"), SlurmOptions(throttle: 0), SlurmOptions(poll: 0),
    ])
    func optionsOutsideTheirPatternsAreRejected(options: SlurmOptions) {
        #expect(throws: InputError.self) { try options.validate() }
    }

    @Test func goodOptionsPass() throws {
        for t in ["30", "1:00:00", "2-00:00:00", "1-12", "0:30"] { try SlurmOptions(time: t).validate() }
        try SlurmOptions(partition: "gpu,short", mem: "500M", account: "proj_1.x", throttle: 1, poll: 0.25).validate()
    }

    @Test func scontrolRecordsAreParsedWithPendingRanges() {
        let text = """
        JobId=10 ArrayJobId=10 ArrayTaskId=2-7%1 ArrayTaskThrottle=1 JobName=workbench-sweep JobState=CANCELLED Reason=None WorkDir=/tmp/a b
        JobId=13 ArrayJobId=10 ArrayTaskId=1 JobState=COMPLETED Reason=None
        JobId=12 ArrayJobId=10 ArrayTaskId=0 JobState=FAILED Reason=NonZeroExitCode
        """
        let s = SlurmJobState.parse(text)
        #expect(s.map(\.state) == ["CANCELLED", "COMPLETED", "FAILED"])
        #expect(s.map(\.jobID) == ["10", "13", "12"])
        #expect(s[0].covers(5) && !s[0].covers(1) && s[1].covers(1) && !s[1].covers(0))
        #expect(s.allSatisfy { $0.finished })
        #expect(SlurmJobState(arrayTask: "1,3,5-9:2", state: "PENDING", jobID: "1").covers(7))
        #expect(!SlurmJobState(arrayTask: "1,3,5-9:2", state: "PENDING", jobID: "1").covers(6))
    }

    @Test func shellQuotingRoundTripsThroughBash() throws {
        let words = ["plain", "", "a b", "$(touch pwned)", "`x`", "it's", "\"q\"", "line\nbreak", "semi;colon", "back\\slash"]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "printf '%s\\0' " + words.map(Shell.quote).joined(separator: " ")]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let back = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(back == words)
    }
}

@Suite struct SlurmArraySizeTests {
    @Test func maxArraySizeIsReadFromScontrolOutput() {
        let config = "Configuration data as of 2026-11-29T12:00:00\nMaxArraySize            = 1001\nMaxJobCount             = 10000\n"
        #expect(SlurmJobs.parseMaxArraySize(config) == 1001)
        #expect(SlurmJobs.parseMaxArraySize("MaxJobCount = 5\n") == nil)
    }

    @Test func arraysBeyondMaxArraySizeAreRefusedAndTheLastIndexIsAllowed() throws {
        #expect(throws: Never.self) { try SlurmJobs.checkArraySize(Array(0...1000), maxArraySize: 1001) }
        #expect(throws: Never.self) { try SlurmJobs.checkArraySize(Array(0...5000), maxArraySize: nil) }
        do {
            try SlurmJobs.checkArraySize([3, 1001], maxArraySize: 1001)
            Issue.record("index 1001 accepted with MaxArraySize 1001")
        } catch {
            #expect(error.description.contains("index 1001") && error.description.contains("MaxArraySize is 1001"))
        }
    }
}

@Suite struct SlurmPendingReasonTests {
    /// squeue -r lines as a one-node cluster printed them (a reason may contain spaces or several comma-joined reasons).
    static let queue = """
    10_7 PENDING JobHeldAdmin
    10_2 RUNNING None
    10_3 PENDING JobArrayTaskLimit
    10_4 PENDING launch failed requeued held
    10_5 PENDING launch failed requeued held
    10_6 PENDING None,JobHeldUser
    11 PENDING Dependency
    """

    @Test func squeueLinesKeepReasonsWithSpaces() {
        let e = SlurmQueueEntry.parse(Self.queue)
        #expect(e.count == 7)
        #expect(e[3] == SlurmQueueEntry(id: "10_4", state: "PENDING", reason: "launch failed requeued held"))
        #expect(e.map(\.task) == [7, 2, 3, 4, 5, 6, nil])
        #expect(e.map(\.job) == ["10", "10", "10", "10", "10", "10", "11"])
    }

    @Test func reasonsThatWaitingNeverResolvesAreGroupedWithTheirTasks() {
        let stuck = SlurmStuck.find(SlurmQueueEntry.parse(Self.queue), unavailableSince: [:], now: Date(), grace: 600)
        #expect(stuck.map(\.reason) == ["launch failed requeued held", "JobHeldAdmin", "JobHeldUser"])
        #expect(stuck.map(\.ids) == [["10_4", "10_5"], ["10_7"], ["10_6"]])
        #expect(stuck[0].jobList == "'10_[4-5]'" && stuck[1].jobList == "10_7")
        #expect(stuck[0].advice.contains("slurmd's log") && stuck[1].advice.contains("scontrol release IDS"))
        // Running tasks, the throttle and an ordinary dependency are waits that end.
        let fine = "10_2 RUNNING None\n10_3 PENDING JobArrayTaskLimit\n10_4 PENDING Priority\n11 PENDING Dependency\n"
        #expect(SlurmStuck.find(SlurmQueueEntry.parse(fine), unavailableSince: [:], now: Date(), grace: 600).isEmpty)
    }

    @Test func theMergeJobsBrokenDependencyWaitsForTheArrayAndUnavailableNodesGetAGracePeriod() {
        let merge = SlurmQueueEntry.parse("10_3 RUNNING None\n11 PENDING DependencyNeverSatisfied\n")
        #expect(SlurmStuck.find(merge, unavailableSince: [:], now: Date(), grace: 600, ignoringDependency: ["11"]).isEmpty)
        #expect(SlurmStuck.find(merge, unavailableSince: [:], now: Date(), grace: 600).map(\.ids) == [["11"]])

        let down = SlurmQueueEntry.parse("10_1 PENDING ReqNodeNotAvail, UnavailableNodes:node[1-4]\n")
        let t = Date()
        #expect(SlurmStuck.find(down, unavailableSince: ["10_1": t.addingTimeInterval(-599)], now: t, grace: 600).isEmpty)
        let late = SlurmStuck.find(down, unavailableSince: ["10_1": t.addingTimeInterval(-601)], now: t, grace: 600)
        #expect(late.map(\.reason) == ["ReqNodeNotAvail"] && late.first?.advice.contains("10m") == true)
        #expect(SlurmStuck.find(down, unavailableSince: [:], now: t, grace: 600).isEmpty)
    }

    @Test func followTimeoutsAreSecondsMinutesHoursOrDays() {
        #expect(SlurmDuration.seconds("90") == 90 && SlurmDuration.seconds("90s") == 90 && SlurmDuration.seconds("1.5") == 1.5)
        #expect(SlurmDuration.seconds("10m") == 600 && SlurmDuration.seconds("2h") == 7200 && SlurmDuration.seconds("1d") == 86400)
        for bad in ["", "0", "-5", "5x", "m", "1e3", "inf", "nan", "0x10", "1.2.3", "1 m", "400d", "٣"] {
            #expect(SlurmDuration.seconds(bad) == nil, "\(bad)")
        }
        #expect(SlurmDuration.text(90) == "1m30s" && SlurmDuration.text(600) == "10m" && SlurmDuration.text(7200) == "2h" && SlurmDuration.text(2) == "2s")
    }
}
