import Components
import Foundation

/// What a comparison between distributions holds fixed.
public enum SparsityBudget: String, Sendable, Codable, CaseIterable {
    /// The same total of kept weights: (1 − S)·N.
    case params
    /// The same inference FLOPs as a reference distribution at S; the distribution's own sparsity is solved.
    case flops

    /// Relative tolerance of a FLOP-matched solve.
    public static let flopTolerance = 0.005

    /// The allocation of `distribution` under this budget at `sparsity` (`reference` fixes the FLOP target).
    public func allocate(_ distribution: any SparsityDistribution, reference: any SparsityDistribution,
                         layers: [LayerShape], sparsity: Double) throws(SparseNetsError) -> LayerAllocation {
        switch self {
        case .params: return try DistributionSolver.allocate(distribution, layers: layers, sparsity: sparsity)
        case .flops: return try FLOPMatch.solve(distribution, reference: reference, layers: layers, sparsity: sparsity).allocation
        }
    }
}

/// Solving a distribution's sparsity so that its inference FLOPs equal a reference's.
public enum FLOPMatch {
    /// A FLOP-matched allocation and how close it came.
    public struct Result: Sendable, Equatable {
        /// The allocation found (its `sparsity` is the solved one).
        public var allocation: LayerAllocation
        /// The reference allocation at the requested sparsity.
        public var reference: LayerAllocation
        /// Inference FLOPs per sample the solve aimed at.
        public var target: Double
        /// |FLOPs − target| / target.
        public var relativeError: Double
    }

    /// The sparsity S' of `distribution` whose inference FLOPs are closest to `reference`'s at `sparsity`, by bisection.
    ///
    /// FLOPs fall as S' grows (up to the rounding of counts), so bisection on S' ∈ [0, 1) brackets the
    /// target; the closer end wins. Throws a one-line error when no S' lands within `tolerance`
    /// (e.g. layers kept dense by choice already cost more than the target).
    public static func solve(_ distribution: any SparsityDistribution, reference: any SparsityDistribution, layers: [LayerShape],
                             sparsity: Double, tolerance: Double = SparsityBudget.flopTolerance) throws(SparseNetsError) -> Result {
        let ref = try DistributionSolver.allocate(reference, layers: layers, sparsity: sparsity)
        let target = ref.inferenceFLOPs
        func at(_ s: Double) -> LayerAllocation? { try? DistributionSolver.allocate(distribution, layers: layers, sparsity: s) }
        func error(_ a: LayerAllocation) -> Double { abs(a.inferenceFLOPs - target) / target }
        // lo: FLOPs ≥ target (denser); hi: FLOPs < target or infeasible (sparser).
        var lo = 0.0, hi = 1.0
        var best: LayerAllocation? = at(0)
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            guard mid < 1 else { break }
            if let a = at(mid) {
                if best.map({ error(a) < error($0) }) ?? true { best = a }
                if a.inferenceFLOPs >= target { lo = mid } else { hi = mid }
            } else {
                hi = mid
            }
        }
        guard target > 0, let found = best, error(found) <= tolerance else {
            let reach = best.map { "the closest it gets is \(Int($0.inferenceFLOPs.rounded())) FLOPs per sample at sparsity \(String(format: "%.4f", $0.sparsity))" } ?? "no sparsity is feasible"
            throw SparseNetsError("--budget flops: \(distribution.name) cannot match \(reference.name) at sparsity \(sparsity) (\(Int(target.rounded())) inference FLOPs per sample) within \(tolerance * 100)%: \(reach)")
        }
        return Result(allocation: found, reference: ref, target: target, relativeError: error(found))
    }
}
