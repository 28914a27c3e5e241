import ClaimKit
import Claims
import Components
import Foundation

/// Each claim's quick run at master seed 1, computed once per test process and shared by every test that
/// reads it. The contract test and the per-claim tests used to run the same quick claims twice, and those
/// runs are most of this target's time.
enum QuickRuns {
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var result: Result<ClaimResult, any Error>?
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var slots = [String: Slot]()

    /// The quick run of claim `id` at master seed 1, with its text report; the first caller computes it,
    /// on both cores (records do not depend on the worker count), and later callers wait for it.
    static func seed1(_ id: String) throws -> ClaimResult {
        let slot = lock.withLock { () -> Slot in
            if let s = slots[id] { return s }
            let s = Slot()
            slots[id] = s
            return s
        }
        return try slot.lock.withLock {
            if slot.result == nil {
                Allocator.keepFreedMemory()  // as the binary does, so these runs cost what `verify` costs
                slot.result = Result { try ClaimRunner.run(any: try ClaimRegistry.all.named(id), seed: 1, mode: .quick, workers: 2) }
            }
            return try slot.result!.get()
        }
    }
}
