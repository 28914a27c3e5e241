import Components
import Foundation
import Testing

@Suite struct ParallelRunsTests {
    /// Results come back in job order whatever finishes first, and the first error in job order is the one rethrown.
    @Test func resultsAreInJobOrderAndTheFirstErrorInJobOrderIsRethrown() throws {
        let squares = try ParallelRuns.map(50, workers: 4) { i -> Int in
            if i % 7 == 0 { usleep(2000) }
            return i * i
        }
        #expect(squares == (0..<50).map { $0 * $0 })
        struct Numbered: Error, Equatable { let i: Int }
        #expect(throws: Numbered(i: 3)) {
            _ = try ParallelRuns.map(10, workers: 3) { i -> Int in
                if i == 3 || i == 8 { throw Numbered(i: i) }
                return i
            }
        }
        #expect(try ParallelRuns.map(0, workers: 2) { $0 }.isEmpty)
    }

    /// A claim's inner runs under `verify all --jobs 2` are a map inside a map. Both inner jobs must be able to run at
    /// the same time: each waits for the other to have started. libdispatch's concurrentPerform gave a nested apply a
    /// width of one, so the inner jobs ran one after the other and a whole claim used a single core.
    @Test func aMapInsideAMapRunsItsJobsConcurrently() throws {
        let overlapped = try ParallelRuns.map(2, workers: 2) { outer -> Bool in
            guard outer == 1 else { return true }
            let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
            let met = try ParallelRuns.map(2, workers: 2) { inner -> Bool in
                started[inner].signal()
                return started[1 - inner].wait(timeout: .now() + 20) == .success
            }
            return met.allSatisfy { $0 }
        }
        #expect(overlapped == [true, true])
    }
}
