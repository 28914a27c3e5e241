import CGSL
import GSLSupport

/// A seeded stream of random numbers over GSL's mt19937.
///
/// Streams are splittable: `split(label)` derives an independent child whose seed depends
/// only on the parent's seed and the label, so adding a consumer never shifts the numbers
/// another consumer sees. Not thread-safe: give each thread its own split.
public final class RandomStream: @unchecked Sendable, RandomNumberGenerator {
    /// The 64-bit seed this stream was created from.
    public let seed: UInt64
    private let rng: OpaquePointer

    /// A stream seeded with `seed`; the same seed gives the same numbers on every run.
    public init(seed: UInt64) {
        _ = GSL.ready
        self.seed = seed
        // gsl_rng_alloc only fails when out of memory; there is nothing to recover then.
        guard let r = gsl_rng_alloc(wb_gsl_rng_mt19937()) else { fatalError("gsl_rng_alloc: out of memory") }
        rng = OpaquePointer(r)
        // mt19937 keeps 32 bits of its seed, so fold the 64-bit seed through a mixer first;
        // seed 0 is replaced by GSL's default, which would alias another seed, hence the +1.
        let folded = SplitMix64.mix(seed)
        gsl_rng_set(r, UInt(truncatingIfNeeded: (folded ^ (folded >> 32)) & 0xffff_ffff) &+ 1)
    }

    deinit { gsl_rng_free(UnsafeMutablePointer(rng)) }

    private var raw: UnsafeMutablePointer<gsl_rng> { UnsafeMutablePointer(rng) }

    /// An independent child stream named by `label`.
    public func split(_ label: String) -> RandomStream {
        RandomStream(seed: SplitMix64.mix(seed ^ SplitMix64.hash(label)))
    }

    /// An independent child stream numbered `index` (e.g. one per experiment seed).
    public func split(_ index: Int) -> RandomStream {
        RandomStream(seed: SplitMix64.mix(seed &+ SplitMix64.mix(UInt64(bitPattern: Int64(index)) &+ 0x9e37_79b9_7f4a_7c15)))
    }

    /// A uniform double in [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(raw) }

    /// A uniform double in (0, 1), never 0 (safe for logarithms).
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(raw) }

    /// A uniform double in [a, b).
    public func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// A Gaussian draw (ziggurat method).
    public func gaussian(mean: Double = 0, sd: Double = 1) -> Double {
        mean + gsl_ran_gaussian_ziggurat(raw, sd)
    }

    /// n independent Gaussian draws.
    public func gaussianVector(_ n: Int, mean: Double = 0, sd: Double = 1) -> [Double] {
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = mean + gsl_ran_gaussian_ziggurat(raw, sd) }
        return v
    }

    /// A uniform integer in 0..<n (n ≥ 1; returns 0 for n ≤ 1).
    public func uniformInt(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        if n <= Int(UInt32.max) { return Int(gsl_rng_uniform_int(raw, UInt(n))) }
        return Int(next() % UInt64(n))
    }

    /// A uniformly random permutation of 0..<n.
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<max(0, n))
        shuffle(&p)
        return p
    }

    /// Shuffles in place (Fisher–Yates with this stream's draws).
    public func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = uniformInt(i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// k distinct indices from 0..<n, ascending (k is clamped to n).
    public func sample(_ k: Int, from n: Int) -> [Int] {
        let k = max(0, min(k, n))
        // Selection sampling (Knuth's algorithm S): one pass, no allocation beyond the result.
        var out = [Int]()
        out.reserveCapacity(k)
        var needed = k
        var i = 0
        while needed > 0 && i < n {
            if Double(n - i) * uniform() < Double(needed) {
                out.append(i)
                needed -= 1
            }
            i += 1
        }
        return out
    }

    /// An index drawn with probability proportional to `weights` (non-negative; all-zero gives a uniform draw).
    public func categorical(_ weights: [Double]) -> Int {
        guard !weights.isEmpty else { return 0 }
        let total = weights.reduce(0) { $0 + max(0, $1) }
        guard total > 0, total.isFinite else { return uniformInt(weights.count) }
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            u -= max(0, w)
            if u < 0 { return i }
        }
        return weights.count - 1
    }

    /// 64 random bits (two 32-bit mt19937 outputs), for Swift's RandomNumberGenerator.
    public func next() -> UInt64 {
        let hi = UInt64(gsl_rng_get(raw)) & 0xffff_ffff
        let lo = UInt64(gsl_rng_get(raw)) & 0xffff_ffff
        return (hi << 32) | lo
    }
}

/// SplitMix64 mixing, used to derive well-separated child seeds.
public enum SplitMix64 {
    /// The SplitMix64 finaliser of `x`.
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A stable 64-bit hash of a string (FNV-1a then mixed); Swift's Hasher is randomised per process.
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return mix(h)
    }
}
