#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for long numerical runs.
public enum Allocator {
    /// Keeps freed memory in the process instead of handing it back to the kernel.
    ///
    /// Why: the stochastic solvers draw a fresh batch of several MB per step (VRBO's large batches). glibc
    /// served each from a new mapping or trimmed the heap after it, so every step paid page faults on fresh
    /// pages: a quarter of `verify bilevel-complexity --quick` was kernel time. With the thresholds raised the
    /// same pages are reused; numbers are unchanged, resident memory grows by at most the largest batch.
    public static func keepFreedMemory() {
        #if canImport(Glibc)
        // Swift's Glibc module does not export malloc.h, so mallopt is looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-1, 512 << 20)  // M_TRIM_THRESHOLD: keep up to 512 MB of free heap
        _ = mallopt(-3, 256 << 20)  // M_MMAP_THRESHOLD: blocks below 256 MB come from the heap, not new mappings
        #endif
    }
}
