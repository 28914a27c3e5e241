import Foundation
import LinearAlgebra
import Randomness

/// The machine's limits as the workbench sees them in this run: dgemm GFLOP/s (n = 1000, one thread) and copy bandwidth.
struct MachineLimits {
    /// GFLOP/s of one 1000×1000 double product through the gemm wrapper, one BLAS thread (best of 3).
    var dgemmPeak: Double
    /// GB/s copying an 80 MB array (bytes read + bytes written, best of 3).
    var copyBandwidth: Double
}

/// Measures `MachineLimits`; the MLP goal is stated against this peak, so it is measured in the same run.
func machineLimits() -> MachineLimits {
    print("\n== machine limits (one thread): dgemm 1000×1000 and an 80 MB copy")
    let n = 1000
    let stream = RandomStream(seed: 43)
    var peak = Double.nan
    if let a = try? Matrix(rows: n, cols: n, columnMajor: stream.gaussianVector(n * n)),
       let b = try? Matrix(rows: n, cols: n, columnMajor: stream.gaussianVector(n * n)) {
        BLASThreads.set(1)
        peak = (0..<3).map { _ in rate(flops: 2 * pow(Double(n), 3), minSeconds: 0.5) { _ = try? a.multiplied(by: b) } }.max() ?? .nan
    }
    let count = 10_000_000
    let source = stream.gaussianVector(count)
    var target = [Double](repeating: 0, count: count)
    // rate() reports work units per second: here GB moved (read + write) per copy.
    let bandwidth = (0..<3).map { _ in
        rate(flops: Double(2 * count * 8), minSeconds: 0.5) {
            source.withUnsafeBufferPointer { s in
                target.withUnsafeMutableBufferPointer { t in
                    t.baseAddress!.update(from: s.baseAddress!, count: count)
                }
            }
        }
    }.max() ?? .nan
    print(String(format: "  dgemm n = 1000: %.2f GFLOP/s   copy: %.2f GB/s (read + write)", peak, bandwidth))
    return MachineLimits(dgemmPeak: peak, copyBandwidth: bandwidth)
}
