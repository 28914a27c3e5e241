import LinearAlgebra

/// Layer-wise IMP: every hidden layer loses the same fraction of its own survivors; the output layer at its own rate.
public struct PerLayerIMPRule: IMPPruningRule {
    public static let name = "per-layer"
    public static let summary = "each hidden layer loses the same fraction of its survivors, the output layer at its own rate"

    public init() {}

    public func next(scores: [Matrix], masks: [Matrix], fraction: Double, outputFraction: Double) throws -> [Matrix] {
        guard scores.count == masks.count else { throw SparseNetsError("\(scores.count) score tensors for \(masks.count) layers") }
        var out = [Matrix]()
        for l in masks.indices {
            let f = l == masks.count - 1 ? outputFraction : fraction
            out += try IMPCount.keep(IMPCount.survivors(of: IMPCount.kept(masks[l]), removing: f), scores: [scores[l]], within: [masks[l]])
        }
        return out
    }
}
