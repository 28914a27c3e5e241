import Foundation
import LinearAlgebra
import Randomness

/// GFLOP/s of the gemm wrapper (OpenBLAS) beside a naive Swift triple loop.
func linearAlgebraBenchmarks() {
    print("\n== gemm: C = A·B, n×n doubles (2n³ flops per product)")
    print("     n   gemm 1 thread   gemm 2 threads   naive loop   gemm(1)/naive   (GFLOP/s)")
    let stream = RandomStream(seed: 42)
    for n in [64, 128, 256, 512, 1024] {
        guard let a = try? Matrix(rows: n, cols: n, columnMajor: stream.gaussianVector(n * n)),
              let b = try? Matrix(rows: n, cols: n, columnMajor: stream.gaussianVector(n * n)) else { continue }
        let flops = 2 * pow(Double(n), 3)
        BLASThreads.set(1)
        let blas1 = rate(flops: flops, minSeconds: 0.3) { _ = try? a.multiplied(by: b) }
        BLASThreads.set(2)
        let blas2 = rate(flops: flops, minSeconds: 0.3) { _ = try? a.multiplied(by: b) }
        BLASThreads.set(1)
        let naive = n <= 512 ? rate(flops: flops, minSeconds: 0.3) { _ = try? naiveMultiply(a, b) } : .nan
        let naiveText = naive.isNaN ? "(skipped)" : String(format: "%.2f", naive)
        let ratio = naive.isNaN ? "" : String(format: "%.1fx", blas1 / naive)
        print(String(format: "%6d %15.2f %16.2f ", n, blas1, blas2) + padLeft(naiveText, 12) + " " + padLeft(ratio, 15))
    }
}

/// Repeats `body` until `minSeconds` have passed and returns GFLOP/s.
func rate(flops: Double, minSeconds: Double, _ body: () -> Void) -> Double {
    body() // warm-up: first-touch page faults and OpenBLAS thread start-up
    var reps = 0
    let start = Date()
    repeat { body(); reps += 1 } while Date().timeIntervalSince(start) < minSeconds
    return flops * Double(reps) / Date().timeIntervalSince(start) / 1e9
}

/// Right-aligns `s` in a field of `width` characters (String(format:) ignores widths on %@ on Linux).
func padLeft(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
}
