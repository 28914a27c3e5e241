import Foundation

/// Independent jobs on a few threads, results in job order (runs are seeded, so the numbers do not depend on the thread count).
public enum ParallelRuns {
    /// The number of cores: the default for every `--jobs`.
    public static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `job(0..<count)` on up to `workers` threads; the first error thrown (in job order) is rethrown.
    public static func map<T: Sendable>(_ count: Int, workers: Int, _ job: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        let box = JobBox<T>(count)
        let threads = max(1, min(workers, count))
        // Threads of our own rather than DispatchQueue.concurrentPerform: libdispatch divides a nested apply's width by
        // the outer one's, so a claim's inner runs under `verify all --jobs 2` ran on one core for the whole claim,
        // even after the other outer worker had nothing left to do.
        let work: @Sendable () -> Void = {
            while true {
                box.lock.lock()
                let i = box.next
                box.next += 1
                box.lock.unlock()
                guard i < count else { return }
                let r = Result { try job(i) }
                box.lock.lock()
                box.results[i] = r
                box.lock.unlock()
            }
        }
        let done = DispatchSemaphore(value: 0)
        for _ in 1..<threads {
            let thread = Thread { work(); done.signal() }
            // 8 MB, as the main thread has: a job needs the same stack on whichever thread runs it.
            thread.stackSize = 1 << 23
            thread.start()
        }
        work()
        for _ in 1..<threads { done.wait() }
        return try box.results.map { r throws -> T in
            guard let r else { throw InputError("internal: a parallel job did not run") }
            return try r.get()
        }
    }
}

/// The shared state of `ParallelRuns.map`: the next job and the results, behind one lock.
private final class JobBox<T>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var results: [Result<T, any Error>?]
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
}
