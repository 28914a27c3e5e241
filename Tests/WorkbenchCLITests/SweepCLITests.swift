import Foundation
import Testing
import TestSupport

/// Runs `workbench sweep` (or any program) as a user would, with extra environment variables, in the foreground or the
/// background. Children are started with posix_spawn and reaped with waitpid, their output going to files: the Slurm
/// test starts daemons, and neither a pipe they inherit nor Foundation's SIGCHLD bookkeeping may keep a test waiting.
enum SweepProcess {
    /// A started child: its pid and the files that receive its output.
    struct Started {
        let pid: pid_t
        let stdout: URL
        let stderr: URL

        /// Waits for the child and returns its status and output (status 128 + N when killed by signal N).
        ///
        /// With `timeout`, a child still running after that many seconds is SIGKILLed (status 137, and a line saying so
        /// at the end of its stderr): a test that follows Slurm jobs must fail, never hang, when they never end.
        func wait(timeout: Double? = nil) -> WorkbenchProcess {
            var status: Int32 = 0
            var killed = false
            if let timeout {
                let end = Date().addingTimeInterval(timeout)
                while true {
                    let got = waitpid(pid, &status, WNOHANG)
                    if got == pid || (got < 0 && errno != EINTR) { break }
                    if Date() >= end {
                        kill(pid, SIGKILL)
                        killed = true
                        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                        break
                    }
                    usleep(20_000)
                }
            } else {
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            let err = ((try? String(contentsOf: stderr, encoding: .utf8)) ?? "") + (killed ? "test: killed after \(timeout ?? 0) s\n" : "")
            return WorkbenchProcess(status: code, stdout: (try? String(contentsOf: stdout, encoding: .utf8)) ?? "", stderr: err)
        }
    }

    /// Starts `executable` (default: workbench) with `args` in `dir`.
    static func start(_ args: [String], env: [String: String] = [:], in dir: URL, executable: String = WorkbenchProcess.executable.path) throws -> Started {
        let tag = UUID().uuidString
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("wb-sweep-out-\(tag)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("wb-sweep-err-\(tag)")
        var e = ProcessInfo.processInfo.environment
        e["NO_COLOR"] = "1"
        for (k, v) in env { e[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // `env -C DIR` sets the child's directory (a chdir here would move every test's threads).
        let argv = (["/usr/bin/env", "-C", dir.path, executable] + args).map { strdup($0) } + [nil]
        let envp = e.map { strdup("\($0)=\($1)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        // The child starts with no signal blocked and SIGINT/SIGTERM at their defaults, as from a shell: the test runner's
        // threads may block signals, and a blocked mask is inherited through exec (a SIGINT sent by a test would then wait).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard rc == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(executable): \(rc)"]) }
        return Started(pid: pid, stdout: out, stderr: err)
    }

    /// Runs to the end (SIGKILLed after `timeout` seconds, if given) and returns status and output.
    static func run(_ args: [String], env: [String: String] = [:], in dir: URL, executable: String = WorkbenchProcess.executable.path,
                    timeout: Double? = nil) throws -> WorkbenchProcess {
        try start(args, env: env, in: dir, executable: executable).wait(timeout: timeout)
    }

    /// A fresh temporary directory.
    static func temporary(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-sweep-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The run ids whose record is complete under a sweep directory, with the records' modification dates.
    static func records(_ out: URL) -> [String: Date] {
        var found = [String: Date]()
        let runs = out.appendingPathComponent("runs")
        for id in (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [] {
            let dir = runs.appendingPathComponent(id)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let url = dir.appendingPathComponent(name)
                if let data = try? Data(contentsOf: url), (try? JSONSerialization.jsonObject(with: data)) != nil,
                   let date = try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date {
                    found[id] = date
                }
            }
        }
        return found
    }

    /// `start`/`done` lines of a WORKBENCH_SWEEP_TRACE file, as (event, id) pairs.
    static func trace(_ url: URL) -> [(String, String)] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map {
            let p = $0.split(separator: " ")
            return (String(p.first ?? ""), String(p.last ?? ""))
        }
    }

    /// Every file or folder named `pwned` below `dir`.
    static func pwned(under dir: URL) -> [String] {
        var hits = [String]()
        let e = FileManager.default.enumerator(atPath: dir.path)
        while let path = e?.nextObject() as? String { if (path as NSString).lastPathComponent == "pwned" { hits.append(path) } }
        return hits
    }

    /// Waits until `condition` holds or `seconds` pass.
    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { if condition() { return true }; usleep(20_000) }
        return condition()
    }
}

@Suite struct SweepCLITests {
    /// Small greedy decay runs (about 0.1 s each).
    static let greedy = ["greedy", "decay", "--selectors", "greedy-linesearch", "--set", "n_max=30", "--set", "seeds=2", "--set", "M=5", "--set", "heldout=0"]

    @Test(arguments: [
        (["--grid", "bogus=1"], "not a parameter of greedy decay"),
        (["--grid", "seed=4..1"], "empty range"),
        (["--grid", "N=100;;seed=1"], "empty axis"),
        (["--grid", "N=100,,300"], "empty value"),
        (["--grid", "N"], "not key=values"),
        (["--grid", "N=0"], "outside its domain"),
        (["--grid", "N=$(touch pwned)"], "not an integer"),
        (["--grid", "seed=1`touch pwned`"], "not a seed"),
        (["--grid", "N=1\n2"], "not an integer"),
        (["--grid", "activation=relu,swish"], "not one of"),
        (["--grid", "stop_loss=1"], "not a parameter"),
        (["--grid", "N=100", "--by", "seed"], "--by seed"),
        (["--grid", "seed=1", "--jobs", "0"], "--jobs"),
        (["--grid", "seed=1", "--partition", "short"], "only with --engine slurm"),
        (["--grid", "seed=1", "--engine", "slurm", "--time", "1h"], "Slurm time"),
        (["--grid", "seed=1", "--json", "--csv"], "exclusive"),
        (["--grid", "seed=1", "--engine", "slurm", "--follow-timeout", "5x"], "not a duration"),
        (["--grid", "seed=1", "--engine", "slurm", "--follow-timeout", "0"], "not a duration"),
        (["--grid", "seed=1", "--follow-timeout", "10m"], "only with --engine slurm"),
        (["--grid", "seed=1", "--cancel-on-exit"], "only with --engine slurm"),
    ])
    func badGridsAndOptionsExitTwoWithOneLineBeforeAnythingRuns(args: [String], message: String) throws {
        let dir = try SweepProcess.temporary("bad")
        let r = try SweepProcess.run(["sweep", "--out", "s"] + args + ["--"] + Self.greedy, in: dir)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.errorLines.count == 1 && r.stderr.contains(message), "\(args): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s").path), "\(args): something ran")
        #expect(SweepProcess.pwned(under: dir).isEmpty)
    }

    @Test(arguments: [
        (["greedy", "decay", "--list-params"], "writes no record"),
        (["greedy"], "not a sweepable command"),
        (["bilevel", "quadratic"], "Unexpected argument 'quadratic'"),
        (["verify", "all"], "one claim per run"),
        (["verify", "--list"], "writes no record"),
        (["verify", "lapack-sanity", "--seed", "2"], "both in the grid"),
        (["verify", "lapack-sanity", "--out", "x"], "--out belongs to the sweep"),
        (["verify", "lapack-sanity", "--json"], "option of sweep itself"),
        (["verify", "lapack-sanity", "--no-such-flag"], "no-such-flag"),
        (["greedy", "prune-mlp", "--hidden", "0"], "--hidden"),
        (["sweep", "--grid", "seed=1"], "not a sweepable command"),
    ])
    func subcommandsThatWriteNoRecordOrCannotRunAreRejected(command: [String], message: String) throws {
        let dir = try SweepProcess.temporary("cmd")
        let r = try SweepProcess.run(["sweep", "--grid", "seed=1,2", "--out", "s", "--"] + command, in: dir)
        #expect(r.status == 2, "\(command): \(r.stderr)")
        #expect(r.errorLines.count == 1 && r.stderr.contains(message), "\(command): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s/runs").path))
    }

    /// prune, bilevel, lottery and sparse-train are sweepable: a declared parameter (through --set) and an option-style key
    /// each reach every run, read back from the run's own record through --figure.
    @Test(arguments: [
        (["--grid", "temperature=50,200;seed=1", "--figure", "temperature@grasp"], ["prune", "--method", "grasp", "--epochs", "1"], [50.0, 200.0]),
        (["--grid", "sparsity=0.5,0.8;seed=1", "--figure", "density@magnitude"], ["prune", "--method", "magnitude", "--epochs", "1"], [0.5, 0.2]),
        (["--grid", "alpha=0.01,0.05;seed=1", "--figure", "alpha"], ["bilevel", "--algo", "stocbio", "--budget", "2000"], [0.01, 0.05]),
        (["--grid", "budget=1000,2000;seed=1", "--figure", "budget"], ["bilevel", "--algo", "stocbio"], [1000, 2000]),
        (["--grid", "alpha=0.2,0.4;seed=1", "--figure", "alpha@rigl"], ["sparse-train", "--method", "rigl", "--sparsity", "0.9", "--epochs", "1", "--seeds", "1"], [0.2, 0.4]),
        (["--grid", "epochs=1,2;seed=1", "--figure", "epochs@static"], ["sparse-train", "--method", "static", "--sparsity", "0.9", "--seeds", "1"], [1, 2]),
        (["--grid", "rounds=1,2;seed=1", "--figure", "rounds"], ["lottery", "--epochs", "2", "--rewind-epoch", "0", "--seeds", "1"], [1, 2]),
    ])
    func everyTrainingCommandIsSweepableAndEachKeyReachesItsRuns(sweep: [String], command: [String], expected: [Double]) throws {
        let dir = try SweepProcess.temporary("targets")
        let r = try SweepProcess.run(["sweep", "--out", "s", "--jobs", "2", "--json"] + sweep + ["--"] + command, in: dir)
        #expect(r.status == 0, "\(command): \(r.stderr)")
        let merged = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let points = merged?["points"] as? [[String: Any]] ?? []
        let means = points.compactMap { (($0["figures"] as? [[String: Any]])?.first?["mean"]) as? Double }
        // Densities land on whole weights: 0.2 of 8,832 prunable weights is 1,766.4.
        #expect(means.count == expected.count && zip(means, expected).allSatisfy { abs($0 - $1) <= 1e-3 * $1 }, "\(command): \(means)")
    }

    @Test(arguments: [
        (["prune", "--method", "magnitude"], "temperature=100", "not a parameter of prune"),
        (["bilevel", "--algo", "stocbio"], "alpha=-1", "outside its domain"),
        (["sparse-train", "--method", "rigl"], "alpha=2", "outside its domain"),
        (["lottery"], "bogus=1", "not a parameter of lottery"),
        (["bilevel", "--list-params"], "seed=1", "writes no record"),
        (["prune", "--save", "x.safetensors"], "seed=1", "every run would overwrite"),
    ])
    func badKeysOfTheTrainingCommandsExitTwo(command: [String], grid: String, message: String) throws {
        let dir = try SweepProcess.temporary("badtargets")
        let r = try SweepProcess.run(["sweep", "--grid", grid, "--out", "s", "--"] + command, in: dir)
        #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains(message), "\(command) \(grid): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s/runs").path))
    }

    /// Option-style grid keys (prune-mlp's --hidden, --mode) are checked by the subcommand's own parser before anything runs.
    @Test func optionValuesAreCheckedByTheSubcommandsParser() throws {
        let dir = try SweepProcess.temporary("opt")
        for grid in ["hidden=8,0", "mode=local,$(touch pwned)", "activation=tanh;hidden=-3"] {
            let r = try SweepProcess.run(["sweep", "--grid", grid, "--out", "s", "--", "greedy", "prune-mlp"], in: dir)
            #expect(r.status == 2 && r.errorLines.count == 1, "\(grid): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s").path))
        #expect(SweepProcess.pwned(under: dir).isEmpty)
    }

    /// The claim sweep used by the resume test: eight runs of about 0.4 s.
    static let claim = ["--grid", "n=160,200;seed=1..4", "--figure", "Cholesky forward slope", "--figure", "Cholesky backward slope",
                        "--", "verify", "lapack-sanity", "--quick"]

    /// SIGKILL a local sweep halfway, re-run it: nothing finished runs again, and the merged result equals an uninterrupted
    /// sweep's byte for byte, for a different --jobs.
    @Test func killedLocalSweepResumesWithoutRedoingRunsAndMatchesAnyJobCount() throws {
        let dir = try SweepProcess.temporary("resume")
        let reference = try SweepProcess.run(["sweep", "--jobs", "1", "--json", "--quiet", "--out", "ref"] + Self.claim, in: dir)
        #expect(reference.status == 0, "\(reference.stderr)")

        let out = dir.appendingPathComponent("killed")
        let trace1 = dir.appendingPathComponent("trace1"), trace2 = dir.appendingPathComponent("trace2")
        let p = try SweepProcess.start(["sweep", "--jobs", "2", "--json", "--quiet", "--out", out.path] + Self.claim,
                                       env: ["WORKBENCH_SWEEP_TRACE": trace1.path], in: dir)
        #expect(SweepProcess.wait(30) { SweepProcess.records(out).count >= 2 })
        kill(p.pid, SIGKILL)
        #expect(p.wait().status == 128 + SIGKILL)
        // The runs in flight stop with their parent: after a pause no further record appears.
        usleep(400_000)
        let before = SweepProcess.records(out)
        usleep(400_000)
        #expect(SweepProcess.records(out) == before)
        #expect(before.count >= 2 && before.count < 8, "killed after \(before.count) of 8 runs")

        let resumed = try SweepProcess.run(["sweep", "--jobs", "2", "--json", "--out", out.path] + Self.claim,
                                           env: ["WORKBENCH_SWEEP_TRACE": trace2.path], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == reference.stdout)
        #expect(try Data(contentsOf: out.appendingPathComponent("merged.json")) == Data(contentsOf: dir.appendingPathComponent("ref/merged.json")))
        #expect(resumed.stderr.contains("8 runs, \(before.count) with a record already"))
        let after = SweepProcess.records(out)
        #expect(after.count == 8)
        for (id, date) in before { #expect(after[id] == date, "run \(id) was rewritten") }
        let started = Set(SweepProcess.trace(trace2).filter { $0.0 == "start" }.map(\.1))
        #expect(started == Set(after.keys).subtracting(before.keys))
        let done = (SweepProcess.trace(trace1) + SweepProcess.trace(trace2)).filter { $0.0 == "done" }.map(\.1)
        #expect(done.count == Set(done).count, "a run finished twice")

        // Once complete, a re-run runs nothing and prints the same merge as text and CSV.
        let text = try SweepProcess.run(["sweep", "--out", out.path, "--ascii"] + Self.claim, env: ["WORKBENCH_SWEEP_TRACE": trace2.path], in: dir)
        #expect(text.status == 0)
        #expect(SweepProcess.trace(trace2).filter { $0.0 == "start" }.count == started.count)
        #expect(text.stdout.contains("Cholesky forward slope: mean and 95% t-interval over seed 1,2,3,4"))
        #expect(text.stdout.contains("Cholesky forward slope against n"))
        let csv = try SweepProcess.run(["sweep", "--out", out.path, "--csv"] + Self.claim, in: dir)
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "n,figure,n,mean,lower,upper" && rows.count == 5)
        // The forward-error slope is the claim's κ·ε growth: near 1 at every n.
        let record = try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: Any]
        let points = record?["points"] as? [[String: Any]] ?? []
        #expect(points.count == 2)
        for p in points {
            let forward = (p["figures"] as? [[String: Any]])?.first
            let mean = forward?["mean"] as? Double ?? .nan
            #expect(mean > 0.75 && mean < 1.15, "forward slope \(mean)")
            #expect(forward?["n"] as? Int == 4)
        }
    }

    /// Shell metacharacters in arguments and paths arrive verbatim through the local engine and through the generated
    /// Slurm scripts (run here with bash, as slurmd would); in a numeric grid value they are rejected. No `pwned` appears.
    @Test func shellMetacharactersArriveVerbatimThroughTheLocalEngineAndTheSlurmScripts() throws {
        let dir = try SweepProcess.temporary("meta")
        let odd = "$(touch pwned); `touch pwned` 'q\" |&<>*"
        let atoms = dir.appendingPathComponent("atoms \(odd).csv")
        try "0.1,0.5,-0.2,0.9,0.3,-0.7\n0.4,-0.1,0.8,0.2,-0.5,0.6\n-0.3,0.7,0.1,-0.6,0.9,0.2\n0.5,0.2,-0.4,0.3,0.1,-0.8\n"
            .write(to: atoms, atomically: true, encoding: .utf8)
        let args = ["--grid", "n_max=3,4;seed=1..2", "--", "greedy", "decay", "--atoms", atoms.path, "--selectors", "greedy-linesearch,random"]

        func checkRecords(_ out: URL) throws {
            let records = SweepProcess.records(out)
            #expect(records.count == 4)
            for id in records.keys {
                let runDir = out.appendingPathComponent("runs/\(id)")
                let name = try FileManager.default.contentsOfDirectory(atPath: runDir.path).first { $0.hasSuffix(".json") && !$0.hasPrefix(".") } ?? ""
                let record = try JSONSerialization.jsonObject(with: Data(contentsOf: runDir.appendingPathComponent(name))) as? [String: Any]
                #expect((record?["facts"] as? [String: String])?["atoms"] == atoms.path)
            }
        }

        let local = dir.appendingPathComponent("local \(odd)\nline")
        let r = try SweepProcess.run(["sweep", "--out", local.path] + args, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        try checkRecords(local)

        // Slurm: a newline in the sweep directory is refused (Slurm log paths cannot hold one); the rest arrives verbatim.
        let refused = try SweepProcess.run(["sweep", "--engine", "slurm", "--dry-run", "--out", local.path] + args, in: dir)
        #expect(refused.status == 2 && refused.errorLines.count == 1)
        let slurm = dir.appendingPathComponent("slurm \(odd)")
        let dry = try SweepProcess.run(["sweep", "--engine", "slurm", "--dry-run", "--throttle", "2", "--out", slurm.path] + args, in: dir)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("#SBATCH --array=0-3%2"))
        #expect(dry.stdout.contains("sbatch --parsable"))
        for i in 0..<4 {
            let task = try bash(slurm.appendingPathComponent("slurm/array.sh"), env: ["SLURM_ARRAY_TASK_ID": String(i)], in: dir)
            #expect(task == 0)
        }
        #expect(try bash(slurm.appendingPathComponent("slurm/merge.sh"), env: [:], in: dir) == 0)
        try checkRecords(slurm)
        #expect(FileManager.default.fileExists(atPath: slurm.appendingPathComponent("merged.json").path))
        #expect(try Data(contentsOf: slurm.appendingPathComponent("merged.json")) == Data(contentsOf: local.appendingPathComponent("merged.json")))
        #expect(SweepProcess.pwned(under: dir).isEmpty)
    }

    /// Runs a generated job script with bash; returns its exit status.
    func bash(_ script: URL, env: [String: String], in dir: URL) throws -> Int32 {
        try SweepProcess.run([script.path], env: env, in: dir, executable: "/bin/bash").status
    }
}
