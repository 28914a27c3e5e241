import ClaimKit
import Claims
import Foundation
import TestSupport

/// Each claim's quick run at master seed 1, as the shared `verify all --quick` run of the binary wrote it: its
/// record read back from the file, and its text from the run's report. The contract test and the per-claim tests
/// read these instead of running the claims again in process (the quick claims are most of `make test`'s work).
enum QuickRuns {
    /// The quick run of claim `id` at master seed 1: the record file decoded, and the claim's section of the report.
    static func seed1(_ id: String) throws -> ClaimResult {
        let run = try SharedVerifyAll.run()
        let claim = try ClaimRegistry.all.named(id)
        let record = try decode(try run.record(claim.resultFileName))
        return ClaimResult(record: record, report: try run.section(id) ?? "")
    }

    /// A record as the JSON output writes non-finite numbers.
    static func decode(_ data: Data) throws -> ClaimRecord {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(ClaimRecord.self, from: data)
    }
}
