import LinearAlgebra

/// Per-layer density utilities: counting, and thresholds that give each layer its own kept fraction (for uniform, ER and ERK budgets).
public enum LayerDensity {
    /// Masks keeping, in each layer l, the round(densities[l] · n_l) highest-scoring weights (ties by position; masked-out weights stay out).
    public static func keep(densities: [Double], scores: [Matrix], within current: [Matrix]) throws(SparseNetsError) -> [Matrix] {
        guard densities.count == current.count, scores.count == current.count else {
            throw SparseNetsError("\(densities.count) densities and \(scores.count) score tensors for \(current.count) layers")
        }
        var out = [Matrix]()
        for l in current.indices {
            let d = densities[l]
            guard d.isFinite, d >= 0, d <= 1 else { throw SparseNetsError("density of layer \(l + 1) must be in [0, 1], got \(d)") }
            if d == 0 { out.append(Matrix(rows: current[l].rows, cols: current[l].cols)); continue }
            // A one-layer global threshold is the per-layer threshold; density is relative to the layer's size.
            out += try GlobalThreshold.keep(density: d, scores: [scores[l]], within: [current[l]])
        }
        return out
    }

    /// The same density in every layer (optionally leaving the first layer dense), for a total kept fraction of `density` (clamped when the dense first layer alone exceeds the budget).
    public static func uniform(_ density: Double, layerSizes: [Int], denseFirstLayer: Bool = false) -> [Double] {
        guard denseFirstLayer, layerSizes.count > 1 else { return layerSizes.map { _ in density } }
        let total = Double(layerSizes.reduce(0, +)), first = Double(layerSizes[0])
        let rest = max(0, min(1, (density * total - first) / (total - first)))
        return [1] + Array(repeating: rest, count: layerSizes.count - 1)
    }

    /// Kept weights divided by all prunable weights, given per-layer densities.
    public static func overall(_ densities: [Double], layerSizes: [Int]) -> Double {
        let kept = zip(densities, layerSizes).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        return kept / Double(max(layerSizes.reduce(0, +), 1))
    }
}
