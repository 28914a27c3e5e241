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

    /// Runs `slurm-local.sh ACTION DIR`; returns its status and output.
    static func control(_ action: String, _ dir: URL) throws -> (Int32, String) {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        let r = try SweepProcess.run([script.path, action, dir.path], env: ["PATH": path], in: dir.deletingLastPathComponent(), executable: "/bin/bash")
        return (r.status, r.stdout + r.stderr)
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
        let cluster = dir.appendingPathComponent("cluster")
        var t = Date()
        let (status, output) = try LocalSlurm.control("up", cluster)
        let bringUp = Date().timeIntervalSince(t)
        defer { _ = try? LocalSlurm.control("down", cluster) }
        try #require(status == 0, "slurm-local.sh up failed: \(output)")
        var env = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]
        env["PATH"] = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"

        let args = ["--grid", "N=50,100;seed=1..4", "--figure", "decayConstant", "--json", "--"] + SweepCLITests.greedy
        let local = try SweepProcess.run(["sweep", "--quiet", "--out", "local"] + args, in: dir)
        try #require(local.status == 0, "\(local.stderr)")

        // An 8-task array and its merge, in a directory whose name a shell would execute.
        let odd = dir.appendingPathComponent("slurm $(touch pwned); `touch pwned` 'q\"")
        t = Date()
        let slurm = try SweepProcess.run(["sweep", "--engine", "slurm", "--poll", "0.2", "--out", odd.path] + args, env: env, in: dir)
        let arrayTime = Date().timeIntervalSince(t)
        #expect(slurm.status == 0, "\(slurm.stderr)")
        #expect(slurm.stdout == local.stdout)
        #expect(try Data(contentsOf: odd.appendingPathComponent("merged.json")) == Data(contentsOf: dir.appendingPathComponent("local/merged.json")))
        #expect(slurm.stderr.contains("submitted array job"))

        // One task at a time; scancel the array once two runs have finished.
        let out = dir.appendingPathComponent("cancelled")
        let trace1 = dir.appendingPathComponent("trace1"), trace2 = dir.appendingPathComponent("trace2")
        t = Date()
        let p = try SweepProcess.start(["sweep", "--engine", "slurm", "--throttle", "1", "--poll", "0.2", "--out", out.path] + args,
                                       env: env.merging(["WORKBENCH_SWEEP_TRACE": trace1.path]) { $1 }, in: dir)
        #expect(SweepProcess.wait(60) { SweepProcess.records(out).count >= 2 })
        let ids = (try? String(contentsOf: out.appendingPathComponent("slurm/jobs"), encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).map(String.init) ?? []
        try #require(ids.count == 2)
        #expect(try SweepProcess.run([ids[0]], env: env, in: dir, executable: "/usr/bin/scancel").status == 0)
        let cancelled = p.wait()
        let err = cancelled.stderr
        #expect(cancelled.status == 1, "\(err)")
        #expect(err.contains("CANCELLED") && err.contains("slurm/logs/\(ids[0])_"), "\(err)")
        let before = SweepProcess.records(out)
        #expect(before.count >= 2 && before.count < 8)

        let resumed = try SweepProcess.run(["sweep", "--engine", "slurm", "--poll", "0.2", "--out", out.path] + args,
                                           env: env.merging(["WORKBENCH_SWEEP_TRACE": trace2.path]) { $1 }, in: dir)
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
        let big = try SweepProcess.run(["sweep", "--engine", "slurm", "--out", "big", "--grid", "seed=1..1002", "--"] + SweepCLITests.greedy, env: env, in: dir)
        // (The sweep's own "1002 runs" line precedes it: this is not --quiet.)
        #expect(big.status == 2 && big.errorLines.filter { $0.hasPrefix("workbench:") }.count == 1 && big.stderr.contains("MaxArraySize is 1001"), "\(big.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("big/slurm/jobs").path))
        print(String(format: "real Slurm: bring-up %.1f s, 8-task array + merge %.1f s, throttled sweep + scancel + re-run %.1f s", bringUp, arrayTime, resumeTime))
    }
}
