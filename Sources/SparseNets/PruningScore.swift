import Components
import Foundation
import LinearAlgebra
import Randomness

/// What a pruning criterion sees: the network at initialisation (with its current masks), a pruning batch, and a random stream.
public struct PruningContext: Sendable {
    /// The network to score (not modified).
    public var network: MaskedNetwork
    /// The pruning batch (features × samples); data-free scores ignore it.
    public var batch: TrainingData
    /// Randomness for scores that need it.
    public var stream: RandomStream

    /// A context.
    public init(network: MaskedNetwork, batch: TrainingData, stream: RandomStream) {
        self.network = network
        self.batch = batch
        self.stream = stream
    }
}

/// A pruning-at-initialisation criterion: one score per prunable weight, larger = keep.
///
/// A score is a pure function of the context. Masks follow from the scores by one global
/// threshold over all prunable weights (see `GlobalThreshold`); an iterative criterion
/// (SynFlow) overrides `masks` with the shared `IterativePruning` schedule. Adding a criterion
/// is one file with a type conforming to this protocol and one line in `PruningCatalog.all`.
public protocol PruningScore: Sendable {
    /// The name used on the command line (`snip`, `grasp`, …).
    static var name: String { get }
    /// What the criterion keeps, in one line (for `--help` and listings).
    static var summary: String { get }
    /// The settings `--set key=value` may change, each with its domain and default.
    static var parameters: [Parameter] { get }
    /// The criterion configured with resolved values of `parameters`.
    init(parameters: ParameterValues)
    /// One score per weight, shaped like the weights; larger means more worth keeping.
    func scores(_ context: PruningContext) throws -> [Matrix]
    /// Masks keeping a fraction `density` of all prunable weights.
    func masks(_ context: PruningContext, density: Double) throws -> [Matrix]
}

extension PruningScore {
    /// The criterion's catalogue name.
    public var name: String { Self.name }

    /// One-shot global threshold on `scores`.
    public func masks(_ context: PruningContext, density: Double) throws -> [Matrix] {
        try GlobalThreshold.keep(density: density, scores: scores(context), within: context.network.masks)
    }

    /// The criterion with every parameter at its declared default.
    public static func withDefaults() -> Self { Self(parameters: ParameterDefaults.values(parameters)) }
}

/// The pruning-at-initialisation criteria: the one list that `prune --method`, the claims, the help text and the contract tests read.
public enum PruningCatalog {
    /// Every criterion, in the order listings use.
    public static let all = Catalogue<any PruningScore.Type>(kind: "pruning score", [
        RandomScore.self,
        MagnitudeScore.self,
        SNIPScore.self,
        GraSPScore.self,
        SynFlowScore.self,
        ReverseGraSPScore.self,
    ]) { $0.name }

    /// The criterion called `name`, configured from `--set` overrides; a key it does not declare is bad input.
    public static func score(named name: String, overrides: [String: String] = [:]) throws(InputError) -> any PruningScore {
        try scores([all.named(name)], overrides: overrides).scores[0]
    }

    /// The criteria named in `list` (comma-separated, or `all`), each configured from the shared `--set` overrides.
    ///
    /// Every override must be declared by at least one selected criterion, so a misspelt or
    /// inapplicable key is an error rather than silently ignored. The returned values are the
    /// union of the selected criteria's resolved parameters (criteria that share a name, such as
    /// GraSP and reverse-GraSP's `temperature`, resolve it from the same override).
    public static func scores(_ list: String, overrides: [String: String] = [:]) throws(InputError) -> (scores: [any PruningScore], parameters: ParameterValues) {
        try scores(all.list(list.lowercased()), overrides: overrides)
    }

    /// The given criteria configured from the shared overrides (see `scores(_:overrides:)`).
    public static func scores(_ types: [any PruningScore.Type], overrides: [String: String]) throws(InputError) -> (scores: [any PruningScore], parameters: ParameterValues) {
        var declared = Set<String>(), names = [String]()
        for t in types {
            names.append(t.name)
            for p in t.parameters { declared.insert(p.name) }
        }
        for key in overrides.keys.sorted() where !declared.contains(key) {
            let names = names.joined(separator: ", ")
            let known = declared.sorted()
            throw InputError("--set \(key): no selected pruning score (\(names)) has a parameter '\(key)'"
                             + (known.isEmpty ? " (they take none)" : " (known: \(known.joined(separator: ", ")))"))
        }
        var out = [any PruningScore](), merged = [String: ParameterValue]()
        for t in types {
            let values = try ParameterValues(resolving: t.parameters, overrides: overrides, owner: "pruning score '\(t.name)'", ignoreUnknown: true)
            out.append(t.init(parameters: values))
            merged.merge(values.values) { a, _ in a }
        }
        return (out, ParameterValues(merged))
    }
}

/// Declared defaults as values, for code paths that take no overrides (library defaults, benchmarks).
public enum ParameterDefaults {
    /// Each parameter's default in `mode`; derived defaults are left out (the component supplies them).
    public static func values(_ declared: [Parameter], mode: RunMode = .standard) -> ParameterValues {
        var out = [String: ParameterValue]()
        for p in declared { if let v = p.defaultValue(in: mode) { out[p.name] = v } }
        return ParameterValues(out)
    }
}

/// The shared iterative schedule: prune to d^{k/n} in round k of n, re-scoring the survivors each round.
public enum IterativePruning {
    /// Masks at `density` after `rounds` prune–rescore rounds of `score` (exponential density schedule).
    public static func masks(_ score: any PruningScore, _ context: PruningContext, density: Double, rounds: Int) throws -> [Matrix] {
        guard rounds >= 1 else { throw SparseNetsError("\(score.name) needs at least one pruning round") }
        var ctx = context
        var masks = ctx.network.masks
        for k in 1...rounds {
            let dk = pow(density, Double(k) / Double(rounds))
            masks = try GlobalThreshold.keep(density: dk, scores: try score.scores(ctx), within: masks)
            try ctx.network.setMasks(masks)
        }
        return masks
    }
}

/// Keeping the k highest scores over all layers at once.
public enum GlobalThreshold {
    /// Masks keeping round(density · N) weights (N = all prunable weights) with the largest scores among those `within` still keeps.
    ///
    /// Ties at the threshold are broken by position (layer, then column-major index), so the
    /// result is deterministic. Weights already masked out are never revived.
    public static func keep(density: Double, scores: [Matrix], within current: [Matrix]) throws(SparseNetsError) -> [Matrix] {
        guard density.isFinite, density > 0, density <= 1 else {
            throw SparseNetsError("density must be in (0, 1] (sparsity in [0, 1)), got \(density)")
        }
        guard scores.count == current.count else { throw SparseNetsError("\(scores.count) score tensors for \(current.count) layers") }
        let total = current.reduce(0) { $0 + $1.storage.count }
        var candidates = [Double]()
        candidates.reserveCapacity(total)
        for (l, s) in scores.enumerated() {
            guard s.storage.count == current[l].storage.count else { throw SparseNetsError("scores of layer \(l + 1) have the wrong shape") }
            for (i, v) in s.storage.enumerated() where current[l].storage[i] != 0 {
                guard v.isFinite else { throw SparseNetsError("pruning score of layer \(l + 1) is not finite (\(v))") }
                candidates.append(v)
            }
        }
        let k = min(Int((density * Double(total)).rounded()), candidates.count)
        var out = current.map { Matrix(rows: $0.rows, cols: $0.cols) }
        guard k > 0 else { return out }
        let threshold = kthLargest(&candidates, k)
        var above = 0
        for (l, s) in scores.enumerated() {
            for (i, v) in s.storage.enumerated() where current[l].storage[i] != 0 && v > threshold { above += 1 }
        }
        var tiesLeft = k - above
        for (l, s) in scores.enumerated() {
            for (i, v) in s.storage.enumerated() where current[l].storage[i] != 0 {
                if v > threshold { out[l].storage[i] = 1 } else if v == threshold && tiesLeft > 0 { out[l].storage[i] = 1; tiesLeft -= 1 }
            }
        }
        return out
    }

    /// The k-th largest value (1-based) by quickselect; reorders `a`.
    static func kthLargest(_ a: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = a.count - 1
        let target = k - 1  // position in descending order
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three as pivot keeps sorted and reverse-sorted inputs linear.
            let x = a[lo], y = a[mid], z = a[hi]
            let pivot = max(min(x, y), min(max(x, y), z))
            var i = lo, j = hi
            while i <= j {
                while a[i] > pivot { i += 1 }
                while a[j] < pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return a[target] }
        }
        return a[target]
    }
}

/// Pruning a network in place with a criterion.
public enum Pruning {
    /// Applies `score`'s masks at `density` to `network` (weights outside the mask become zero).
    public static func prune(_ network: inout MaskedNetwork, with score: any PruningScore, density: Double,
                             batch: TrainingData, stream: RandomStream) throws {
        let masks = try score.masks(PruningContext(network: network, batch: batch, stream: stream), density: density)
        try network.setMasks(masks)
    }

    /// A class-balanced pruning batch: `perClass` samples of every class, drawn without replacement, ordered so that each half of the batch is balanced too.
    public static func balancedBatch(_ data: TrainingData, perClass: Int, stream: RandomStream) throws(SparseNetsError) -> TrainingData {
        guard perClass >= 1 else { throw SparseNetsError("pruning batch needs at least 1 sample per class") }
        var members = [[Int]](repeating: [], count: data.classCount)
        for (i, y) in data.labels.enumerated() { members[y].append(i) }
        var picks = [[Int]]()
        for c in 0..<data.classCount {
            let m = members[c]
            if m.isEmpty { picks.append([]); continue }
            let take = min(perClass, m.count)
            picks.append(stream.split("class-\(c)").sample(take, from: m.count).map { m[$0] })
        }
        // First halves of every class, then second halves: GraSP splits the batch in two.
        var first = [Int](), second = [Int]()
        for p in picks {
            let h = (p.count + 1) / 2
            first += p[..<h]
            second += p[h...]
        }
        return data.selecting(first + second)
    }
}

extension TrainingData {
    /// The samples at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> TrainingData {
        TrainingData(unchecked: columns.columns(indices), labels: indices.map { labels[$0] }, classCount: classCount)
    }
}
