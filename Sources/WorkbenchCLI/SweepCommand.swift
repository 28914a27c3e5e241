import ArgumentParser
import Components
import Foundation
import Sweep
import TextPlot
#if canImport(Glibc)
import Glibc
#endif

/// Where the runs of a sweep execute.
enum SweepEngineKind: String, CaseIterable, ExpressibleByArgument {
    /// A pool of worker processes on this machine.
    case local
    /// One Slurm job array and a dependent merge job.
    case slurm
}

/// `workbench sweep`: run a subcommand over a grid of parameters and seeds, resumably, and merge the records.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a subcommand over a grid of parameters and seeds (locally or on Slurm), resumably, and merge its records.",
        discussion: """
        Each grid point is one run of the subcommand given after --, with a stable run id (a hash of the subcommand, \
        its arguments and the point) and its own record under <out>/runs/<id>/. A run whose record exists is never \
        run again, so a sweep that was cancelled or killed completes by running the same command again. Grid keys are \
        seed and the parameters the subcommand declares (--list-params / verify's --param names); they and their values \
        are checked before anything runs. The merged record (<out>/merged.json, schema workbench.sweep/1) gives per grid \
        point the mean and 95% t-interval over seeds of each --figure, found by name in the records: a claim's fit \
        name (its estimate), or FIELD[@LABEL…] for the numeric field of the one record object that has a member equal \
        to each LABEL (decayConstant@greedy-linesearch, local@16). Sweepable: \(SweepTargets.all.names.map { $0 == "verify" ? "verify <claim>" : $0 }.joined(separator: ", ")).

        Exit status: 0 every run has a record and the merge is printed; 1 a run (or the Slurm merge job) failed, the \
        other records are kept; 2 bad input (one line on stderr); 4 (Slurm) the sweep did not finish: it stopped \
        following with jobs still queued, because a task will not start by waiting (held, launch failed, dependency \
        never satisfied, bad constraints, partition down or inactive, nodes unavailable for 10 minutes; one line per \
        reason with the task ids and what to do), --follow-timeout passed, or squeue kept failing; 130 or 143 Ctrl-C or \
        SIGTERM while following. After 4, 130 and 143 the records are kept and the jobs go on (unless --cancel-on-exit): \
        the same command follows them, or submits what is missing.

        Examples:
          workbench sweep --grid 'N=100,300,1000;seed=1..20' --figure decayConstant@greedy-linesearch -- greedy decay --set n_max=200
          workbench sweep --grid 'kmax=6,9,12;seed=1..5' --figure 'Cholesky forward slope' -- verify lapack-sanity --quick
          workbench sweep --engine slurm --partition short --time 0:10:00 --throttle 50 --grid 'seed=1..200' --figure decayConstant@greedy-linesearch -- greedy decay
          workbench sweep --engine slurm --dry-run --grid 'N=100,300;seed=1..4' -- greedy decay
        """)

    @Option(help: ArgumentHelp("The grid: key=v1,v2;key2=a..b (a..b is the integers a to b; the last key varies fastest).", valueName: "grid"))
    var grid: String?

    @Option(name: .customLong("figure"), help: ArgumentHelp("A figure to summarise per grid point (repeatable): a fit name, or FIELD[@LABEL…].", valueName: "name"))
    var figures: [String] = []

    @Option(help: ArgumentHelp("The grid key the figures are plotted against (default: the first key other than seed).", valueName: "key"))
    var by: String?

    @Option(help: "Where the runs execute.")
    var engine: SweepEngineKind = .local

    @Option(help: "Local engine: runs at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("The sweep's directory: plan, manifest, run records, logs, merged.json (default: results/sweep-<hash of command and grid>).", valueName: "dir"))
    var out: String?

    @Flag(help: "Print the merged record as JSON instead of the text report.")
    var json = false

    @Flag(help: "Print the merged figures as CSV instead of the text report.")
    var csv = false

    @Flag(help: "No progress or status lines on stderr.")
    var quiet = false

    @Flag(help: "Plain ASCII plots instead of braille.")
    var ascii = false

    @Option(help: "Plot width in columns.")
    var width: Int = 60

    @Option(help: "Plot height in rows.")
    var height: Int = 15

    @Option(help: "Slurm: partition(s) for the jobs.")
    var partition: String?

    @Option(help: ArgumentHelp("Slurm: time limit per run (minutes, h:mm:ss or d-hh:mm:ss).", valueName: "time"))
    var time: String?

    @Option(help: ArgumentHelp("Slurm: memory per run (e.g. 2G).", valueName: "size"))
    var mem: String?

    @Option(help: "Slurm: account to charge.")
    var account: String?

    @Option(help: ArgumentHelp("Slurm: at most this many runs at once (--array=…%P).", valueName: "P"))
    var throttle: Int?

    @Option(help: ArgumentHelp("Slurm: seconds between polls of squeue (default 5).", valueName: "seconds"))
    var poll: Double?

    @Option(name: .customLong("follow-timeout"), help: ArgumentHelp("Slurm: stop following after this long (90s, 10m, 2h or seconds) and exit 4; the jobs go on (default: no limit).", valueName: "duration"))
    var followTimeout: FollowTimeout?

    @Flag(name: .customLong("cancel-on-exit"), help: "Slurm: scancel the sweep's jobs when it stops following before the end (a stuck task, --follow-timeout, Ctrl-C, SIGTERM).")
    var cancelOnExit = false

    @Flag(name: .customLong("dry-run"), help: "Slurm: write the manifest and job scripts and print them with the sbatch commands; submit nothing.")
    var dryRun = false

    @Option(name: .customLong("run-task"), parsing: .upToNextOption, help: .private)
    var runTask: [String] = []

    @Option(name: .customLong("merge-task"), help: .private)
    var mergeTask: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The subcommand and its arguments, after --.", valueName: "subcommand"))
    var command: [String] = []

    func validate() throws {
        if !runTask.isEmpty || mergeTask != nil { return }
        guard grid != nil else { throw ValidationError("give the grid with --grid, e.g. --grid 'N=100,300;seed=1..4'") }
        guard !command.isEmpty else { throw ValidationError("name the subcommand after --, e.g. -- greedy decay --set n_max=200") }
        guard !(json && csv) else { throw ValidationError("--json and --csv are exclusive") }
        guard (20...300).contains(width) else { throw ValidationError("--width must be in 20...300, got \(width)") }
        guard (5...100).contains(height) else { throw ValidationError("--height must be in 5...100, got \(height)") }
        if let j = jobs, !(1...1024).contains(j) { throw ValidationError("--jobs must be in 1...1024, got \(j)") }
        if engine == .local {
            let slurmOnly: [(String, Bool)] = [("--partition", partition != nil), ("--time", time != nil), ("--mem", mem != nil),
                                                ("--account", account != nil), ("--throttle", throttle != nil), ("--dry-run", dryRun),
                                                ("--poll", poll != nil), ("--follow-timeout", followTimeout != nil), ("--cancel-on-exit", cancelOnExit)]
            if let (name, _) = slurmOnly.first(where: \.1) { throw ValidationError("\(name) applies only with --engine slurm") }
        } else {
            if jobs != nil { throw ValidationError("--jobs applies only to the local engine (use --throttle on Slurm)") }
            if let t = followTimeout, t.seconds == nil {
                throw ValidationError("--follow-timeout '\(Shell.escapeControls(t.text))' is not a duration of at most a year (e.g. 90s, 10m, 2h or plain seconds)")
            }
            do { try slurmOptions.validate() } catch { throw ValidationError(error.description) }
        }
    }

    var slurmOptions: SlurmOptions {
        SlurmOptions(partition: partition, time: time, mem: mem, account: account, throttle: throttle, poll: poll ?? 5, followTimeout: followTimeout?.seconds)
    }

    func run() throws {
        if !runTask.isEmpty { try SweepTask.run(runTask) }
        if let mergeTask {
            let url = URL(fileURLWithPath: mergeTask)
            let layout = SweepLayout(url.deletingLastPathComponent().path)
            try AtomicFile.writeJSON(try SweepMerge.merge(try SweepPlan.read(url), layout: layout), to: layout.merged)
            return
        }
        let plan = try SweepPlanner.plan(command: command, grid: Grid(parsing: grid ?? ""), figures: figures, by: by)
        let layout = SweepLayout(out ?? "results/sweep-\(RunID.of(command + ["--grid", grid ?? ""]).prefix(8))")
        let missing = plan.runs.indices.filter { layout.record(plan.runs[$0].id) == nil }
        if engine == .slurm { try SlurmJobs.checkPath(layout.root) }
        try layout.write(plan)
        let executable = Spawn.currentExecutable
        let say = { (line: String) in if !quiet { FileHandle.standardError.write(Data("sweep: \(line)\n".utf8)) } }
        if !missing.isEmpty || dryRun {
            say("\(plan.runs.count) runs, \(plan.runs.count - missing.count) with a record already; directory \(layout.root.path)")
        }
        switch engine {
        case .local:
            if !missing.isEmpty {
                let progress = ProgressReporter.terminal(quiet: quiet)
                let failures = try LocalPool.run(missing, plan: plan, layout: layout, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                                 executable: executable) { done, running, failed in
                    progress.update("sweep: \(done)/\(missing.count) runs done, \(running) running\(failed > 0 ? ", \(failed) failed" : "")")
                }
                progress.finish()
                if !failures.isEmpty {
                    for f in failures {
                        let point = plan.runs.first { $0.id == f.id }.map { SweepMerge.describe(plan.grid.map(\.key), $0.point) } ?? ""
                        say("run \(f.id) (\(Shell.escapeControls(point))) failed with exit status \(f.status): \(Self.lastLine(of: f.log)); log \(f.log.path)")
                    }
                    say("\(failures.count) of \(plan.runs.count) runs failed; the others are kept: fix the cause and re-run the same command")
                    throw VerdictExit(1)
                }
            }
            try AtomicFile.writeJSON(try SweepMerge.merge(plan, layout: layout), to: layout.merged)
        case .slurm:
            if missing.isEmpty && !dryRun {
                try AtomicFile.writeJSON(try SweepMerge.merge(plan, layout: layout), to: layout.merged)
            } else {
                try followOnSlurm(plan, layout: layout, missing: missing, executable: executable, say: say)
                if dryRun { return }
            }
        }
        try printMerged(layout, plan: plan)
    }

    /// Submits the missing runs as a job array with a dependent merge (or follows an earlier submission still queued).
    private func followOnSlurm(_ plan: SweepPlan, layout: SweepLayout, missing: [Int], executable: String, say: (String) -> Void) throws {
        let jobs = SlurmJobs(layout: layout, options: slurmOptions, executable: executable)
        let engine = SlurmEngine(jobs: jobs, plan: plan)
        let ids: (array: String, merge: String)
        // Caught from before the submission on: a Ctrl-C between the two sbatch calls or just after them must still
        // end with the jobs named, not with a process killed mid-way.
        if !dryRun { FollowSignals.install() }
        defer { FollowSignals.restore() }
        if !dryRun, let earlier = engine.earlierSubmission() {
            ids = earlier
            say("following jobs \(earlier.array) (array) and \(earlier.merge) (merge) submitted earlier for this sweep")
        } else {
            try engine.writeScripts(missing)
            if dryRun {
                var text = ""
                if missing.isEmpty { text += "# every run has a record: nothing to submit; the scripts for all runs would be:\n" }
                let shown = missing.isEmpty ? Array(plan.runs.indices) : missing
                text += "# \(jobs.arrayScriptURL.path)\n" + jobs.arrayScript(shown) + "\n# \(jobs.mergeScriptURL.path)\n" + jobs.mergeScript()
                if let m = SlurmJobs.maxArraySize(), let top = shown.max(), top >= m {
                    text += "\n# this cluster's MaxArraySize is \(m): a submission of index \(top) would be refused; split the grid\n"
                }
                text += "\n# submitted with (argument vectors, shown quoted):\n" + Shell.display(jobs.arrayCommand) + "\n"
                    + Shell.display(jobs.mergeCommand(after: "<array job id>")) + "\n"
                if missing.isEmpty { try AtomicFile.write(Data(jobs.arrayScript(shown).utf8), to: jobs.arrayScriptURL) }
                emit(text)
                return
            }
            guard Command.find("sbatch") != nil else { throw InputError("--engine slurm: sbatch not found on PATH") }
            try SlurmJobs.checkArraySize(missing, maxArraySize: SlurmJobs.maxArraySize())
            ids = try engine.submit()
            say("submitted array job \(ids.array) (\(missing.count) runs) and merge job \(ids.merge); Ctrl-C stops following, "
                + (cancelOnExit ? "and cancels the jobs (--cancel-on-exit)" : "not the jobs (scancel \(ids.array) \(ids.merge))"))
        }
        let progress = ProgressReporter.terminal(quiet: quiet)
        let outcome = try engine.follow(array: ids.array, merge: ids.merge, missing: missing) { done, running, waiting in
            progress.update("sweep: \(done)/\(missing.count) runs done, \(running) running, \(waiting) waiting (job \(ids.array))")
        }
        progress.finish()
        switch outcome {
        case .merged:
            return
        case .stopped(let stop, let queued):
            try stopFollowing(stop, queued: queued, ids: ids, engine: engine, plan: plan, layout: layout, missing: missing)
        case .runsFailed(let failures):
            for f in failures {
                say("run \(f.id) (\(Shell.escapeControls(SweepMerge.describe(plan.grid.map(\.key), plan.runs[f.index].point)))), array task \(f.index): \(f.state); log \(f.log.path)")
            }
            say("\(failures.count) of \(missing.count) submitted runs have no record; the others are kept: re-run the same command to submit only the missing ones")
            throw VerdictExit(1)
        case .mergeFailed(let state, let log):
            say("every run has a record but the merge job ended \(state); log \(log.path)")
            throw VerdictExit(1)
        }
    }

    /// Says why following stopped and what is still queued, cancels the jobs with --cancel-on-exit, and exits:
    /// 128 + the signal after SIGINT/SIGTERM, otherwise 4 (the sweep did not finish; a re-run resumes it).
    ///
    /// These lines are printed even with --quiet: the exit status alone cannot say which tasks are stuck or why.
    private func stopFollowing(_ stop: SlurmEngine.Stop, queued: [SlurmQueueEntry], ids: (array: String, merge: String), engine: SlurmEngine,
                               plan: SweepPlan, layout: SweepLayout, missing: [Int]) throws -> Never {
        let tell = { (line: String) in FileHandle.standardError.write(Data("sweep: \(line)\n".utf8)) }
        let status: Int32
        switch stop {
        case .stuck(let groups):
            for g in groups {
                let runs = g.ids.compactMap { SlurmQueueEntry(id: $0, state: "", reason: "").task }.filter { plan.runs.indices.contains($0) }
                let named = runs.prefix(3).map { "\(plan.runs[$0].id) (\(Shell.escapeControls(SweepMerge.describe(plan.grid.map(\.key), plan.runs[$0].point))))" }
                let what = g.ids.allSatisfy { $0 == ids.merge } ? "merge job \(ids.merge)"
                    : "\(g.ids.count == 1 ? "array task" : "\(g.ids.count) array tasks") \(g.jobList)"
                        + (named.isEmpty ? "" : ", run\(runs.count == 1 ? "" : "s") \(named.joined(separator: ", "))\(runs.count > 3 ? ", …" : "")")
                let ownList = g.ids.allSatisfy { $0 == ids.merge } ? ids.merge : g.jobList
                tell("\(what) will not start by waiting: pending for \(Shell.escapeControls(g.reason)); \(g.advice.replacingOccurrences(of: "IDS", with: ownList))")
            }
            status = 4
        case .timeout(let seconds):
            tell("stopped following after \(SlurmDuration.text(seconds)) (--follow-timeout)")
            status = 4
        case .signal(let sig):
            tell("\(sig == SIGINT ? "interrupted (SIGINT)" : sig == SIGTERM ? "terminated (SIGTERM)" : "signal \(sig)"): stopped following")
            status = 128 + sig
        case .squeueFailing(let error):
            tell("squeue failed 5 polls in a row: \(error)")
            status = 4
        }
        let done = missing.filter { layout.record(plan.runs[$0].id) != nil }.count
        let tasks = queued.filter { $0.job == ids.array }
        let running = tasks.filter { $0.state != "PENDING" }.compactMap(\.task), pending = tasks.filter { $0.state == "PENDING" }.compactMap(\.task)
        var parts = [String]()
        if !running.isEmpty { parts.append("array job \(ids.array): task\(running.count == 1 ? "" : "s") \(SlurmJobs.arraySpec(running, throttle: nil)) running") }
        if !pending.isEmpty { parts.append("\(running.isEmpty ? "array job \(ids.array): " : "")task\(pending.count == 1 ? "" : "s") \(SlurmJobs.arraySpec(pending, throttle: nil)) pending") }
        if let m = queued.first(where: { $0.id == ids.merge }) { parts.append("merge job \(ids.merge) \(m.state.lowercased()) (\(Shell.escapeControls(m.reason)))") }
        let queue = parts.isEmpty ? "no job of this sweep is queued any more" : "still queued: " + parts.joined(separator: "; ")
        if cancelOnExit && !parts.isEmpty {
            if let error = engine.cancel(array: ids.array, merge: ids.merge) {
                tell("\(queue); --cancel-on-exit: \(error)")
            } else {
                tell("\(queue); cancelled them (--cancel-on-exit)")
            }
            tell("\(done) of \(missing.count) submitted runs have a record, kept: re-run the same command to submit the missing ones")
        } else {
            tell(queue)
            tell("\(done) of \(missing.count) submitted runs have a record, kept; the jobs go on: re-run the same command to follow them "
                 + "to the merged record (or scancel \(ids.array) \(ids.merge), then re-run to submit the missing runs again)")
        }
        throw VerdictExit(status)
    }

    /// Prints `<out>/merged.json` as JSON (its bytes), CSV or text.
    private func printMerged(_ layout: SweepLayout, plan: SweepPlan) throws {
        let data = try Data(contentsOf: layout.merged)
        if json { FileHandle.standardOutput.write(data); return }
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let record = try d.decode(SweepRecord.self, from: data)
        if csv { emit(SweepReport.csv(record)); return }
        var offered = [String]()
        if record.figures.isEmpty, let first = record.runs.first,
           let json = try? JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: layout.root.appendingPathComponent(first.record))) {
            offered = FigureLookup.candidates(in: json)
        }
        emit(SweepReport.text(record, style: PlotStyle.forTerminal(ascii: ascii, width: width, height: height), offered: offered))
        if !quiet { FileHandle.standardError.write(Data("sweep: merged record written to \(layout.merged.path)\n".utf8)) }
    }

    /// The last non-empty line of a log, for failure messages.
    static func lastLine(of log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Shell.escapeControls(text.split(separator: "\n").last.map(String.init) ?? "(empty log)")
    }
}

/// Expanding a grid over a subcommand into runs, after checking every key and value.
enum SweepPlanner {
    /// Flags with which a subcommand writes no record.
    static let recordless: Set<String> = ["--help", "-h", "--version", "--list", "--list-params"]

    /// The plan of `command` over `grid`; bad input (unknown key, value outside its domain, a recordless command) throws.
    static func plan(command: [String], grid: Grid, figures: [String], by: String?) throws -> SweepPlan {
        let sweepable = SweepTargets.all.names.map { $0 == "verify" ? "verify <claim>" : $0 }.joined(separator: ", ")
        guard let target = SweepTargets.target(for: command) else {
            throw InputError("'\(Shell.escapeControls(command.prefix(2).joined(separator: " ")))' is not a sweepable command: sweeps run commands that write a record (sweepable: \(sweepable))")
        }
        let rest = Array(command.dropFirst(target.path.count))
        for a in rest {
            if recordless.contains(a) { throw InputError("with \(a), \(target.name) writes no record a sweep can collect") }
            if a == "--out" || a.hasPrefix("--out=") { throw InputError("--out belongs to the sweep: each run writes its record under <out>/runs/<run id>") }
            if ["--save", "--save-masks"].contains(where: { a == $0 || a.hasPrefix("\($0)=") }) {
                throw InputError("\(a.split(separator: "=").first ?? "") writes one file that every run would overwrite; a sweep collects records (save from a single run)")
            }
            if a == "--json" || a == "--csv" { throw InputError("\(a) is an option of sweep itself (before --), not of the runs") }
        }
        let declared: [Parameter]
        do { declared = try target.parameters(rest) } catch { throw InputError("\(target.name): \(Workbench.oneLine(error))") }

        var values = [[String]](), passing = [(String) -> [String]]()
        for axis in grid.axes {
            let key = axis.key
            if key == "seed" {
                if rest.contains(where: { $0 == "--seed" || $0.hasPrefix("--seed=") }) { throw InputError("seed is both in the grid and given with --seed") }
                var seeds = [String]()
                for v in axis.values {
                    guard let s = UInt64(v) else { throw InputError("seed='\(Shell.escapeControls(v))' is not a seed (an integer in 0...\(UInt64.max))") }
                    seeds.append(String(s))
                }
                values.append(seeds)
                passing.append { ["--seed", $0] }
            } else if let set = target.setOption, let p = declared.first(where: { $0.name == key }) {
                if zip(rest, rest.dropFirst()).contains(where: { $0.0 == set && $0.1.hasPrefix("\(key)=") }) || rest.contains("\(set)=\(key)=") {
                    throw InputError("\(key) is both in the grid and set with \(set)")
                }
                var parsed = [String]()
                for v in axis.values {
                    do { parsed.append(try p.parse(v).description) } catch { throw InputError(Shell.escapeControls(error.description)) }
                }
                values.append(parsed)
                passing.append { [set, "\(key)=\($0)"] }
            } else if target.options.contains(key) {
                if rest.contains(where: { $0 == "--\(key)" || $0.hasPrefix("--\(key)=") }) { throw InputError("\(key) is both in the grid and given with --\(key)") }
                values.append(axis.values)
                passing.append { ["--\(key)=\($0)"] }
            } else {
                let known = ["seed"] + declared.map(\.name) + target.options
                throw InputError("grid key '\(key)' is not a parameter of \(target.name) (known: \(Array(NSOrderedSet(array: known)).compactMap { $0 as? String }.joined(separator: ", ")))")
            }
        }
        let canonical = zip(grid.axes, values).map { GridAxis(key: $0.key, values: $1) }
        let points = Grid(axes: canonical).points
        var runs = [SweepRun]()
        runs.reserveCapacity(points.count)
        for point in points {
            var args = command
            for (i, v) in point.enumerated() { args += passing[i](v) }
            runs.append(SweepRun(point: point, arguments: args))
        }
        // The subcommand's own parser checks the option-style values (and every argument) of each point before anything runs.
        var checked = Set<[String]>()
        for run in runs {
            let optionValues = zip(grid.axes, run.point).filter { target.options.contains($0.0.key) }.map(\.1)
            guard checked.insert(optionValues).inserted else { continue }
            do { _ = try Workbench.parseAsRoot(run.arguments) } catch {
                throw InputError("at \(Shell.escapeControls(SweepMerge.describe(grid.keys, run.point))): \(Workbench.oneLine(error))")
            }
        }

        let replicate = grid.keys.contains("seed") ? "seed" : nil
        if let by {
            guard grid.keys.contains(by), by != replicate else {
                throw InputError("--by \(by) is not a grid key other than seed (keys: \(grid.keys.joined(separator: ", ")))")
            }
        }
        for f in figures where f.isEmpty { throw InputError("--figure is empty") }
        return SweepPlan(command: command, grid: canonical, replicate: replicate, figures: figures,
                         by: by ?? grid.keys.first { $0 != replicate }, runs: runs)
    }
}

/// `--follow-timeout`: the text as given and its seconds, read once when the option is parsed (nil when it is no
/// duration; `validate()` then refuses it in one line, in the sweep's own words).
struct FollowTimeout: ExpressibleByArgument {
    let text: String
    let seconds: Double?

    init?(argument: String) {
        text = argument
        seconds = SlurmDuration.seconds(argument)
    }
}

/// `workbench sweep --run-task INDEX MANIFEST`: one run, in this process, as an array task or a local worker.
enum SweepTask {
    /// Set to a file path, every run task appends `start <id>` and `done <id>` lines to it (tests count executions with it).
    static let traceVariable = "WORKBENCH_SWEEP_TRACE"

    /// Runs manifest entry INDEX unless its record exists; exits 0 when the record is there (whatever the verdict), else non-zero.
    static func run(_ args: [String]) throws -> Never {
        guard args.count == 2, let index = Int(args[0]) else { throw InputError("--run-task expects INDEX MANIFEST") }
        let manifest = URL(fileURLWithPath: args[1])
        let entry = try Manifest.entry(index, in: manifest)
        let env = ProcessInfo.processInfo.environment
        if let p = env[LocalPool.parentVariable], let pid = Int32(p) { ParentWatch.start(parent: pid) }
        let layout = SweepLayout(manifest.deletingLastPathComponent().path)
        if layout.record(entry.id) != nil { exit(0) }
        trace("start", entry.id, env)
        Invocation.arguments = entry.argv
        var status: Int32 = 0
        do {
            var command = try Workbench.parseAsRoot(entry.argv)
            try command.run()
        } catch let e as VerdictExit {
            status = e.code
        } catch {
            FileHandle.standardError.write(Data("workbench: \(Workbench.oneLine(error))\n".utf8))
            status = 2
        }
        guard layout.record(entry.id) != nil else {
            FileHandle.standardError.write(Data("sweep: run \(entry.id) wrote no record (exit status \(status))\n".utf8))
            exit(status == 0 ? 3 : status)
        }
        trace("done", entry.id, env)
        exit(0)
    }

    private static func trace(_ event: String, _ id: String, _ env: [String: String]) {
        guard let path = env[traceVariable], !path.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        let line = Array("\(event) \(id)\n".utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
