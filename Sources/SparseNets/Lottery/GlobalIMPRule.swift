import LinearAlgebra

/// Global IMP (Frankle & Carbin): one magnitude threshold over all hidden layers; the output layer at its own rate.
///
/// Pooling the hidden layers lets layers with larger weights keep more; the output layer is
/// thresholded alone, because its fan-in differs and a global cut would empty it first.
public struct GlobalIMPRule: IMPPruningRule {
    public static let name = "global"
    public static let summary = "one magnitude threshold over all hidden layers, the output layer pruned alone at its own rate"

    public init() {}

    public func next(scores: [Matrix], masks: [Matrix], fraction: Double, outputFraction: Double) throws -> [Matrix] {
        guard let outputScores = scores.last, let outputMask = masks.last, scores.count == masks.count else {
            throw SparseNetsError("\(scores.count) score tensors for \(masks.count) layers")
        }
        let hidden = Array(masks.dropLast())
        let hiddenKept = hidden.reduce(0) { $0 + IMPCount.kept($1) }
        var out = try IMPCount.keep(IMPCount.survivors(of: hiddenKept, removing: fraction), scores: Array(scores.dropLast()), within: hidden)
        out += try IMPCount.keep(IMPCount.survivors(of: IMPCount.kept(outputMask), removing: outputFraction), scores: [outputScores], within: [outputMask])
        return out
    }
}
