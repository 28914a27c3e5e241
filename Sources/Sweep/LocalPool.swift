import Components
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Child processes started from an argument vector with posix_spawn: no shell ever parses an argument.
public enum Spawn {
    /// Starts `executable` with `arguments` (argv[1...]) and `environment`; stdin from /dev/null, stdout to `log`,
    /// stderr to `errors` (or to `log` too).
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String], log: URL, errors: URL? = nil) throws -> pid_t {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.keys.sorted().map { strdup("\($0)=\(environment[$0] ?? "")") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw InputError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for any child (or for `pid`); returns its pid and exit status (128 + the signal for a killed child), nil when there is none.
    public static func wait(_ pid: pid_t = -1) -> (pid: pid_t, status: Int32)? {
        var status: Int32 = 0
        while true {
            let got = waitpid(pid, &status, 0)
            if got > 0 { return (got, status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)) }
            if errno != EINTR { return nil }
        }
    }

    /// The absolute path of the running executable (what the runs and the job scripts execute).
    public static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "workbench").standardizedFileURL.path
    }
}

/// The local engine: a pool of `jobs` worker processes, each running one run (`workbench sweep --run-task I manifest`).
public enum LocalPool {
    /// A run that ended without a complete record.
    public struct Failure: Sendable, Equatable {
        /// Run id.
        public let id: String
        /// Its exit status.
        public let status: Int32
        /// Its output.
        public let log: URL
    }

    /// The environment variable that tells a run task which process started it, so it stops when that process dies.
    public static let parentVariable = "WORKBENCH_SWEEP_PARENT"

    /// Runs the manifest entries `indices` (the runs still missing), at most `jobs` at a time; returns the failed runs.
    ///
    /// Each child gets `OPENBLAS_NUM_THREADS=1` (the pool is the parallelism) and writes its output to `logs/<id>.log`.
    /// `progress(done, running, failed)` is called after every start and end.
    public static func run(_ indices: [Int], plan: SweepPlan, layout: SweepLayout, jobs: Int, executable: String,
                           progress: (Int, Int, Int) -> Void) throws -> [Failure] {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env[parentVariable] = String(getpid())
        var queue = indices[...], running = [pid_t: Int](), failures = [Failure](), done = 0
        while !queue.isEmpty || !running.isEmpty {
            while running.count < max(1, jobs), let i = queue.popFirst() {
                let id = plan.runs[i].id
                let pid = try Spawn.start(executable, ["sweep", "--run-task", String(i), layout.manifest.path], environment: env, log: layout.log(id))
                running[pid] = i
                progress(done, running.count, failures.count)
            }
            guard let (pid, status) = Spawn.wait() else { break }
            guard let i = running.removeValue(forKey: pid) else { continue }
            let id = plan.runs[i].id
            if status == 0 && layout.record(id) != nil { done += 1 } else { failures.append(Failure(id: id, status: status, log: layout.log(id))) }
            progress(done, running.count, failures.count)
        }
        return failures
    }
}

/// Stops a run task when the sweep that started it dies (a SIGKILLed sweep must not leave runs behind that a re-run would repeat).
public enum ParentWatch {
    /// Exits with status 137 as soon as the parent process is no longer `parent` (checked every 50 ms).
    public static func start(parent: pid_t) {
        guard getppid() == parent else { _exit(137) }
        let t = Thread {
            while true {
                if getppid() != parent { _exit(137) }
                usleep(50_000)
            }
        }
        t.start()
    }
}
