import Foundation
import Testing

/// A one-node Slurm brought up by scripts/slurm-local.sh for the duration of one test.
enum LocalSlurm {
    static let tools = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo"]

    /// Whether the daemons and clients are installed and we may start them (munged and slurmd need root).
    static let available: Bool = {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin"
        let found = tools.allSatisfy { t in path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(t)") } }
        return found && getuid() == 0
    }()

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/slurm-local.sh")
    }

    /// Runs `slurm-local.sh ACTION DIR`; returns its status and output (its own waits are bounded; this one is too).
    static func control(_ action: String, _ dir: URL) throws -> (Int32, String) {
        let r = try SweepProcess.run([script.path, action, dir.path], env: ["PATH": path], in: dir.deletingLastPathComponent(), executable: "/bin/bash", timeout: 60)
        return (r.status, r.stdout + r.stderr)
    }

    /// PATH with the daemons' and clients' folders.
    static var path: String { (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin" }

    /// The longest socket path slurmstepd makes under a cluster folder: SlurmdSpoolDir/NODE_JOBID.STEPID, with the largest
    /// default job id (MaxJobId 67043328) and a batch step's id. A Unix socket's path is at most 107 bytes.
    static func longestSocket(_ cluster: URL) -> String { cluster.path + "/spool/localhost_67043328.4294967291" }

    /// Brings a one-node Slurm up for `body` (its environment: SLURM_CONF and PATH) and tears it down by PID afterwards.
    ///
    /// The cluster lives in a folder of its own under /tmp, whatever TMPDIR says: under a long TMPDIR slurmstepd cannot
    /// create its sockets, every task fails to launch and Slurm holds it (the sweep then stops with status 4).
    static func withCluster(_ body: ([String: String]) throws -> Void) throws {
        var template = Array("/tmp/wbslurmXXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mkdtemp /tmp/wbslurmXXXXXX failed"]) }
        let base = URL(fileURLWithPath: String(cString: made))
        defer { try? FileManager.default.removeItem(at: base) }
        let cluster = base.appendingPathComponent("cluster")
        let socket = longestSocket(cluster)
        try #require(socket.utf8.count <= 107, "slurmstepd's socket path would be \(socket.utf8.count) bytes (at most 107): \(socket)")
        let (status, output) = try control("up", cluster)
        defer { _ = try? control("down", cluster) }
        try #require(status == 0, "slurm-local.sh up failed: \(output)")
        try body(["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path, "PATH": path])
    }

    /// "ARRAY MERGE" from a sweep's slurm/jobs, once it is there (bounded).
    static func jobIDs(_ out: URL, within seconds: Double = 30) -> [String] {
        var ids = [String]()
        _ = SweepProcess.wait(seconds) {
            ids = (try? String(contentsOf: out.appendingPathComponent("slurm/jobs"), encoding: .utf8))?.split(whereSeparator: \.isWhitespace).map(String.init) ?? []
            return ids.count == 2
        }
        return ids
    }

    /// squeue's lines for these jobs (empty when none is queued).
    static func queued(_ ids: [String], env: [String: String], in dir: URL) throws -> String {
        try SweepProcess.run(["-h", "-r", "-j", ids.joined(separator: ","), "-o", "%i %T %r"], env: env, in: dir, executable: "/usr/bin/squeue", timeout: 30).stdout
    }
}

@Suite(.serialized) struct SweepSlurmTests {
    /// Brings a real single-node Slurm up, runs an 8-point sweep through a job array and a dependent merge, checks the merged
    /// result equals the local engine's byte for byte, then scancels a throttled sweep halfway and checks that the re-run
    /// submits only the missing runs and still gives the same bytes; tears the daemons down by PID.
    @Test(.enabled(if: LocalSlurm.available, "real-Slurm sweep test skipped: slurm-wlm/munge not installed or not root (make test-deps installs them)"),
          .timeLimit(.minutes(3)))
    func slurmSweepMatchesTheLocalEngineAndResumesAfterScancel() throws {
        let dir = try SweepProcess.temporary("slurm")
        var t = Date()
        try LocalSlurm.withCluster { env in
            let bringUp = Date().timeIntervalSince(t)

            let args = ["--grid", "N=50,100;seed=1..4", "--figure", "decayConstant", "--json", "--"] + SweepCLITests.greedy
            let local = try SweepProcess.run(["sweep", "--quiet", "--out", "local"] + args, in: dir, timeout: 90)
            try #require(local.status == 0, "\(local.stderr)")

            // An 8-task array and its merge, in a directory whose name a shell would execute.
            let odd = dir.appendingPathComponent("slurm $(touch pwned); `touch pwned` 'q\"")
            t = Date()
            let slurm = try SweepProcess.run(["sweep", "--engine", "slurm", "--poll", "0.2", "--follow-timeout", "60s", "--out", odd.path] + args, env: env, in: dir, timeout: 90)
            let arrayTime = Date().timeIntervalSince(t)
            #expect(slurm.status == 0, "\(slurm.stderr)")
            #expect(slurm.stdout == local.stdout)
            #expect(try Data(contentsOf: odd.appendingPathComponent("merged.json")) == Data(contentsOf: dir.appendingPathComponent("local/merged.json")))
            #expect(slurm.stderr.contains("submitted array job"))

            // One task at a time; scancel the array once two runs have finished.
            let out = dir.appendingPathComponent("cancelled")
            let trace1 = dir.appendingPathComponent("trace1"), trace2 = dir.appendingPathComponent("trace2")
            t = Date()
            let p = try SweepProcess.start(["sweep", "--engine", "slurm", "--throttle", "1", "--poll", "0.2", "--follow-timeout", "60s", "--out", out.path] + args,
                                           env: env.merging(["WORKBENCH_SWEEP_TRACE": trace1.path]) { $1 }, in: dir)
            #expect(SweepProcess.wait(60) { SweepProcess.records(out).count >= 2 })
            let ids = (try? String(contentsOf: out.appendingPathComponent("slurm/jobs"), encoding: .utf8))?
                .split(whereSeparator: \.isWhitespace).map(String.init) ?? []
            try #require(ids.count == 2)
            #expect(try SweepProcess.run([ids[0]], env: env, in: dir, executable: "/usr/bin/scancel", timeout: 30).status == 0)
            let cancelled = p.wait(timeout: 90)
            let err = cancelled.stderr
            #expect(cancelled.status == 1, "\(err)")
            #expect(err.contains("CANCELLED") && err.contains("slurm/logs/\(ids[0])_"), "\(err)")
            let before = SweepProcess.records(out)
            #expect(before.count >= 2 && before.count < 8)

            let resumed = try SweepProcess.run(["sweep", "--engine", "slurm", "--poll", "0.2", "--follow-timeout", "60s", "--out", out.path] + args,
                                               env: env.merging(["WORKBENCH_SWEEP_TRACE": trace2.path]) { $1 }, in: dir, timeout: 90)
            let resumeTime = Date().timeIntervalSince(t)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout == local.stdout)
            #expect(resumed.stderr.contains("(\(8 - before.count) runs)"), "\(resumed.stderr)")
            let after = SweepProcess.records(out)
            #expect(after.count == 8)
            for (id, date) in before { #expect(after[id] == date, "run \(id) was rewritten") }
            #expect(Set(SweepProcess.trace(trace2).filter { $0.0 == "start" }.map(\.1)) == Set(after.keys).subtracting(before.keys))
            let done = (SweepProcess.trace(trace1) + SweepProcess.trace(trace2)).filter { $0.0 == "done" }.map(\.1)
            #expect(done.count == Set(done).count, "a run finished twice")
            #expect(SweepProcess.pwned(under: dir).isEmpty)

            // More runs than the cluster's MaxArraySize (1001 by default) cannot be one array: refused in one line before submission.
            let big = try SweepProcess.run(["sweep", "--engine", "slurm", "--out", "big", "--grid", "seed=1..1002", "--"] + SweepCLITests.greedy, env: env, in: dir, timeout: 60)
            // (The sweep's own "1002 runs" line precedes it: this is not --quiet.)
            #expect(big.status == 2 && big.errorLines.filter { $0.hasPrefix("workbench:") }.count == 1 && big.stderr.contains("MaxArraySize is 1001"), "\(big.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("big/slurm/jobs").path))
            print(String(format: "real Slurm: bring-up %.1f s, 8-task array + merge %.1f s, throttled sweep + scancel + re-run %.1f s", bringUp, arrayTime, resumeTime))
        }
    }

    /// Four quick runs: a small array that lets a held or interrupted task be caught while the others still run.
    static let four = ["--grid", "seed=1..4", "--figure", "decayConstant", "--json", "--"] + SweepCLITests.greedy

    /// Holds a task with `scontrol hold` on a real one-node Slurm: the sweep stops following within a few polls, names the
    /// held task and its reason on stderr and exits 4; the other tasks, not cancelled, write their records; after
    /// `scontrol release` the same command follows the queued jobs to the merge the local engine gives.
    @Test(.enabled(if: LocalSlurm.available, "real-Slurm sweep test skipped: slurm-wlm/munge not installed or not root (make test-deps installs them)"),
          .timeLimit(.minutes(2)))
    func aHeldTaskStopsTheSweepWithItsIdAndReasonAndReleaseAndReRunFinishIt() throws {
        let dir = try SweepProcess.temporary("slurm-held")
        try LocalSlurm.withCluster { env in
            let local = try SweepProcess.run(["sweep", "--quiet", "--out", "local"] + Self.four, in: dir, timeout: 60)
            try #require(local.status == 0, "\(local.stderr)")
            let out = dir.appendingPathComponent("held")
            let poll = 0.5
            let sweep = ["sweep", "--engine", "slurm", "--throttle", "1", "--poll", String(poll), "--follow-timeout", "60s", "--out", out.path] + Self.four
            let p = try SweepProcess.start(sweep, env: env, in: dir)
            let ids = LocalSlurm.jobIDs(out)
            try #require(ids.count == 2, "no jobs submitted")
            // One task at a time: the last one is still pending when it is held.
            let task = "\(ids[0])_3"
            let hold = try SweepProcess.run(["hold", task], env: env, in: dir, executable: "/usr/bin/scontrol", timeout: 30)
            let held = Date()
            try #require(hold.status == 0, "scontrol hold \(task): \(hold.stderr)")
            let r = p.wait(timeout: 60)
            let stopped = Date().timeIntervalSince(held)
            #expect(r.status == 4, "\(r.stderr)")
            let line = r.errorLines.first { $0.contains(task) && $0.contains("JobHeldAdmin") }
            #expect(line?.contains("scontrol release \(task)") == true, "\(r.stderr)")
            #expect(r.stderr.contains("merge job \(ids[1]) pending (Dependency)") && r.stderr.contains("re-run the same command"), "\(r.stderr)")
            #expect(stopped < 6 * poll, "stopped following \(stopped) s after the hold (poll \(poll) s)")

            // The held task has no record and is still queued; the other three, not cancelled, complete theirs.
            #expect(SweepProcess.wait(60) { SweepProcess.records(out).count == 3 })
            #expect(try LocalSlurm.queued([task], env: env, in: dir).contains("\(task) PENDING JobHeldAdmin"))
            #expect(SweepProcess.records(out).count == 3)

            // Re-run while it is held: the same report at once, nothing submitted twice.
            let again = try SweepProcess.run(sweep, env: env, in: dir, timeout: 60)
            #expect(again.status == 4 && again.stderr.contains("following jobs \(ids[0]) (array) and \(ids[1]) (merge) submitted earlier"), "\(again.stderr)")
            #expect(again.errorLines.contains { $0.contains(task) && $0.contains("JobHeldAdmin") }, "\(again.stderr)")

            #expect(try SweepProcess.run(["release", task], env: env, in: dir, executable: "/usr/bin/scontrol", timeout: 30).status == 0)
            let resumed = try SweepProcess.run(sweep, env: env, in: dir, timeout: 60)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("following jobs \(ids[0]) (array) and \(ids[1]) (merge) submitted earlier"), "\(resumed.stderr)")
            #expect(resumed.stdout == local.stdout)
            #expect(SweepProcess.records(out).count == 4)
            print(String(format: "real Slurm: held task reported %.2f s after scontrol hold (poll %.1f s)", stopped, poll))
        }
    }

    /// --follow-timeout, Ctrl-C (SIGINT) and SIGTERM on a real one-node Slurm: each stops following promptly, names the
    /// jobs still queued and exits 4, 130 or 143; without --cancel-on-exit the jobs go on and a re-run follows them to the
    /// merge; with it they are cancelled and the re-run submits only the runs without a record.
    @Test(.enabled(if: LocalSlurm.available, "real-Slurm sweep test skipped: slurm-wlm/munge not installed or not root (make test-deps installs them)"),
          .timeLimit(.minutes(2)))
    func followTimeoutCtrlCAndSIGTERMStopFollowingPromptlyAndNameTheQueuedJobs() throws {
        let dir = try SweepProcess.temporary("slurm-signals")
        try LocalSlurm.withCluster { env in
            let out = dir.appendingPathComponent("interrupted")
            func sweep(_ extra: [String], _ out: URL) -> [String] {
                ["sweep", "--engine", "slurm", "--out", out.path] + extra + Self.four
            }

            // One task at a time (--throttle 1), so that jobs are still queued when the timeout or the signal comes.
            var t = Date()
            let timedOut = try SweepProcess.run(sweep(["--throttle", "1", "--poll", "0.2", "--follow-timeout", "1s"], out), env: env, in: dir, timeout: 60)
            let timeoutTime = Date().timeIntervalSince(t)
            let ids = LocalSlurm.jobIDs(out, within: 1)
            try #require(ids.count == 2)
            #expect(timedOut.status == 4, "\(timedOut.stderr)")
            #expect(timedOut.stderr.contains("stopped following after 1s (--follow-timeout)") && timedOut.stderr.contains("still queued: array job \(ids[0])"), "\(timedOut.stderr)")
            #expect(timeoutTime < 10, "--follow-timeout 1s took \(timeoutTime) s")

            // Ctrl-C while following the same jobs again, with a long poll: the sweep leaves at once, not at the next poll.
            let p = try SweepProcess.start(sweep(["--poll", "10", "--follow-timeout", "60s"], out), env: env, in: dir)
            #expect(SweepProcess.wait(30) { ((try? String(contentsOf: p.stderr, encoding: .utf8)) ?? "").contains("submitted earlier") })
            usleep(300_000)
            t = Date()
            kill(p.pid, SIGINT)
            let interrupted = p.wait(timeout: 30)
            let sigintTime = Date().timeIntervalSince(t)
            #expect(interrupted.status == 130, "\(interrupted.stderr)")
            #expect(interrupted.stderr.contains("interrupted (SIGINT): stopped following"), "\(interrupted.stderr)")
            #expect(interrupted.stderr.contains("still queued: array job \(ids[0])") && interrupted.stderr.contains("merge job \(ids[1])"), "\(interrupted.stderr)")
            #expect(sigintTime < 2, "SIGINT took \(sigintTime) s with a 10 s poll")
            // Not cancelled: the merge job is still queued, and the re-run follows the same jobs to the end.
            #expect(try LocalSlurm.queued([ids[1]], env: env, in: dir).contains(ids[1]))
            let resumed = try SweepProcess.run(sweep(["--poll", "0.2", "--follow-timeout", "60s"], out), env: env, in: dir, timeout: 60)
            #expect(resumed.status == 0 && resumed.stderr.contains("following jobs \(ids[0]) (array) and \(ids[1]) (merge) submitted earlier"), "\(resumed.stderr)")
            #expect(SweepProcess.records(out).count == 4)

            // SIGTERM with --cancel-on-exit: the jobs are cancelled; the re-run submits only the runs without a record.
            let out2 = dir.appendingPathComponent("terminated")
            let q = try SweepProcess.start(sweep(["--throttle", "1", "--poll", "10", "--follow-timeout", "60s", "--cancel-on-exit"], out2), env: env, in: dir)
            let ids2 = LocalSlurm.jobIDs(out2)
            try #require(ids2.count == 2)
            usleep(300_000)
            t = Date()
            kill(q.pid, SIGTERM)
            let terminated = q.wait(timeout: 30)
            let sigtermTime = Date().timeIntervalSince(t)
            #expect(terminated.status == 143, "\(terminated.stderr)")
            #expect(terminated.stderr.contains("terminated (SIGTERM): stopped following") && terminated.stderr.contains("cancelled them (--cancel-on-exit)"), "\(terminated.stderr)")
            #expect(sigtermTime < 2, "SIGTERM took \(sigtermTime) s with a 10 s poll")
            #expect(SweepProcess.wait(30) { ((try? LocalSlurm.queued(ids2, env: env, in: dir)) ?? "x").isEmpty }, "the jobs were not cancelled")
            let before = SweepProcess.records(out2).count
            #expect(before < 4)
            let rerun = try SweepProcess.run(sweep(["--poll", "0.2", "--follow-timeout", "60s"], out2), env: env, in: dir, timeout: 60)
            #expect(rerun.status == 0 && rerun.stderr.contains("submitted array job") && rerun.stderr.contains("(\(4 - before) runs)"), "\(rerun.stderr)")
            #expect(rerun.stdout == resumed.stdout)
            print(String(format: "real Slurm: --follow-timeout 1s left after %.2f s, SIGINT after %.2f s, SIGTERM after %.2f s (poll 10 s)", timeoutTime, sigintTime, sigtermTime))
        }
    }
}
