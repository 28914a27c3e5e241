import Components
import Foundation

/// One weight layer as a sparsity distribution and the FLOP counter see it.
public struct LayerShape: Sendable, Equatable, Codable {
    /// A short name for tables ("conv 1→8", "dense 64→256").
    public var label: String
    /// Prunable weights in the layer (n_l).
    public var weights: Int
    /// The weight tensor's dimensions: [out, in] for a dense layer, [outC, inC, kh, kw] for a convolution.
    public var kernelShape: [Int]
    /// Multiply-accumulates each weight takes part in per sample (1 for a dense layer, the output pixels for a convolution).
    public var positions: Int

    /// A layer shape from its parts.
    public init(label: String, weights: Int, kernelShape: [Int], positions: Int) {
        self.label = label
        self.weights = weights
        self.kernelShape = kernelShape
        self.positions = positions
    }

    /// The shape of a network layer.
    public init(_ layer: any WeightLayer) {
        let n = layer.weightRows * layer.weightCols
        let label: String
        if let c = layer as? ConvLayer {
            label = "conv \(c.inChannels)→\(c.outChannels) @\(c.height)×\(c.width)"
        } else {
            label = "dense \(layer.inputSize)→\(layer.outputSize)"
        }
        self.init(label: label, weights: n, kernelShape: layer.kernelShape, positions: layer.denseMACs / max(n, 1))
    }
}

extension MaskedNetwork {
    /// The shape of every weight layer, input to output.
    public var layerShapes: [LayerShape] { layers.map(LayerShape.init) }
}

/// How much each layer keeps: one axis of a sparse-training method (rigl's "sparsity distribution").
///
/// A distribution gives each layer a relative density ρ_l; the solver scales them by one ε so that
/// the kept weights add up to the budget, making dense any layer that would exceed density 1 and
/// solving again. Adding a distribution is one file with a type conforming to this protocol and
/// one line in `DistributionCatalog.all`.
public protocol SparsityDistribution: Sendable {
    /// The name used on the command line (`uniform`, `er`, `erk`).
    static var name: String { get }
    /// What it allocates, in one line.
    static var summary: String { get }
    /// The settings `--set key=value` may change.
    static var parameters: [Parameter] { get }
    /// The distribution configured with resolved values of `parameters`.
    init(parameters: ParameterValues)
    /// Relative density ρ_l of each layer (positive; only ratios matter).
    func relativeDensities(_ layers: [LayerShape]) -> [Double]
    /// Layers kept dense by choice (before any capping), 0-based.
    func denseByChoice(_ layers: [LayerShape]) -> Set<Int>
}

extension SparsityDistribution {
    /// The distribution's catalogue name.
    public var name: String { Self.name }
    public func denseByChoice(_ layers: [LayerShape]) -> Set<Int> { [] }
    /// The distribution with every parameter at its declared default.
    public static func withDefaults() -> Self { Self(parameters: ParameterDefaults.values(parameters)) }
}

/// The sparsity distributions: the one list `sparse-train --dist`, the claims and the contract tests read.
public enum DistributionCatalog {
    /// Every distribution, in listing order.
    public static let all = Catalogue<any SparsityDistribution.Type>(kind: "distribution", [
        UniformDistribution.self,
        ERDistribution.self,
        ERKDistribution.self,
    ]) { $0.name }

    /// The distribution called `name`, configured from the overrides it declares (others are left to the caller to check).
    public static func distribution(named name: String, overrides: [String: String] = [:]) throws(InputError) -> (distribution: any SparsityDistribution, parameters: ParameterValues) {
        let t = try all.named(name)
        let values = try ParameterValues(resolving: t.parameters, overrides: overrides, owner: "distribution '\(t.name)'", ignoreUnknown: true)
        return (t.init(parameters: values), values)
    }
}

/// Per-layer non-zero counts that meet a budget: what a distribution's solve produced, for every report.
public struct LayerAllocation: Sendable, Equatable, Codable {
    /// The distribution's name.
    public var distribution: String
    /// The overall sparsity the solve targeted.
    public var sparsity: Double
    /// The layers.
    public var layers: [LayerShape]
    /// Kept weights per layer.
    public var nonZeros: [Int]
    /// The solved scale: density_l = ε·ρ_l for layers that are not dense.
    public var epsilon: Double
    /// Layers dense by the distribution's choice (uniform's dense first layer), 0-based.
    public var denseByChoice: [Int]
    /// Layers that would have exceeded density 1 and were made dense before re-solving, 0-based, in the order found.
    public var capped: [Int]

    /// Kept fraction per layer.
    public var densities: [Double] { zip(nonZeros, layers).map { Double($0) / Double(max($1.weights, 1)) } }
    /// Prunable weights in total (N).
    public var totalWeights: Int { layers.reduce(0) { $0 + $1.weights } }
    /// Kept weights in total.
    public var totalNonZeros: Int { nonZeros.reduce(0, +) }
    /// The budget (1 − S)·N the solve aimed at, before rounding.
    public var target: Double { (1 - sparsity) * Double(totalWeights) }
    /// Kept fraction over all layers.
    public var density: Double { Double(totalNonZeros) / Double(max(totalWeights, 1)) }
    /// Forward FLOPs per sample with these counts (2 per multiply-accumulate, weights only).
    public var inferenceFLOPs: Double { FLOPCount.forward(nonZeros: nonZeros, layers: layers) }
    /// Forward FLOPs per sample of the dense network.
    public var denseFLOPs: Double { FLOPCount.forward(nonZeros: layers.map(\.weights), layers: layers) }
}

/// The ε solve shared by every distribution.
public enum DistributionSolver {
    /// Kept weights per layer so that they add up to round((1 − S)·N).
    ///
    /// density_l = ε·ρ_l; a layer whose density would exceed 1 is made dense (the one with the
    /// largest ρ first, as rigl does) and ε is solved again over the rest, until no layer exceeds 1.
    /// Counts are rounded by largest remainder, so the total is exact. Throws when the layers kept
    /// dense by choice alone exceed the budget.
    public static func allocate(_ distribution: any SparsityDistribution, layers: [LayerShape], sparsity: Double) throws(SparseNetsError) -> LayerAllocation {
        guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else { throw SparseNetsError("sparsity must be in [0, 1), got \(sparsity)") }
        guard !layers.isEmpty else { throw SparseNetsError("a network needs at least one layer") }
        let n = layers.map { Double($0.weights) }
        let total = n.reduce(0, +)
        let target = (1 - sparsity) * total
        let rho = distribution.relativeDensities(layers)
        guard rho.count == layers.count, rho.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw SparseNetsError("distribution \(distribution.name) gave invalid relative densities \(rho)")
        }
        let chosen = distribution.denseByChoice(layers)
        var dense = chosen
        var capped = [Int]()
        let fixedByChoice = chosen.reduce(0.0) { $0 + n[$1] }
        guard fixedByChoice <= target + 1e-9 else {
            let which = chosen.sorted().map { "\($0 + 1) (\(layers[$0].label))" }.joined(separator: ", ")
            throw SparseNetsError("\(distribution.name) at sparsity \(sparsity) cannot meet its budget: layer \(which) kept dense holds \(Int(fixedByChoice)) weights, more than the \(Int(target.rounded())) allowed")
        }
        var epsilon = 0.0
        while true {
            let fixed = dense.reduce(0.0) { $0 + n[$1] }
            let free = layers.indices.filter { !dense.contains($0) }
            let denominator = free.reduce(0.0) { $0 + rho[$1] * n[$1] }
            if free.isEmpty || denominator == 0 { epsilon = 0; break }
            epsilon = max(0, target - fixed) / denominator
            let over = free.filter { epsilon * rho[$0] > 1 }
            guard let worst = over.max(by: { rho[$0] < rho[$1] || (rho[$0] == rho[$1] && $0 > $1) }) else { break }
            dense.insert(worst)
            capped.append(worst)
        }
        // Largest-remainder rounding over the free layers, so the total is round(target) exactly.
        var counts = [Int](repeating: 0, count: layers.count)
        var remainders = [(Double, Int)]()
        for l in layers.indices {
            if dense.contains(l) { counts[l] = layers[l].weights; continue }
            let exact = min(epsilon * rho[l] * n[l], n[l])
            counts[l] = Int(exact.rounded(.down))
            remainders.append((exact - Double(counts[l]), l))
        }
        var missing = Int(target.rounded()) - counts.reduce(0, +)
        remainders.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        // Σ remainders < #free layers, so one pass over them places every missing weight.
        for (_, l) in remainders where missing > 0 && counts[l] < layers[l].weights {
            counts[l] += 1
            missing -= 1
        }
        return LayerAllocation(distribution: distribution.name, sparsity: sparsity, layers: layers, nonZeros: counts, epsilon: epsilon,
                               denseByChoice: chosen.sorted(), capped: capped)
    }
}
