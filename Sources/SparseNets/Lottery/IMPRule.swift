import Components
import Foundation
import LinearAlgebra

/// How one round of iterative magnitude pruning spreads the removals over the layers.
///
/// A rule sees magnitude scores (|θ| of the trained network) and the current masks, and removes
/// ⌈f·n⌉ of the n surviving weights (open_lth's count) at rate `fraction` in the hidden layers
/// (convolutions included) and at `outputFraction` in the output layer (0 keeps it as it is).
/// Adding a rule is one file with a type conforming to this protocol and one line in `IMPRuleCatalog.all`.
public protocol IMPPruningRule: Sendable {
    /// The name used on the command line (`global`, `per-layer`).
    static var name: String { get }
    /// What the rule does, in one line.
    static var summary: String { get }
    /// The rule (rules take no parameters).
    init()
    /// The masks of the next round: a subset of `masks`, keeping the largest `scores`.
    func next(scores: [Matrix], masks: [Matrix], fraction: Double, outputFraction: Double) throws -> [Matrix]
}

extension IMPPruningRule {
    /// The rule's catalogue name.
    public var name: String { Self.name }
}

/// The IMP pruning rules: the one list that `lottery --rule`, the claim and the contract tests read.
public enum IMPRuleCatalog {
    /// Every rule, in the order listings use.
    public static let all = Catalogue<any IMPPruningRule.Type>(kind: "pruning rule", [
        GlobalIMPRule.self,
        PerLayerIMPRule.self,
    ]) { $0.name }

    /// The rule called `name`.
    public static func rule(named name: String) throws(InputError) -> any IMPPruningRule { try all.named(name).init() }
}

/// The counting both rules share.
public enum IMPCount {
    /// Survivors after removing ⌈fraction · kept⌉ of `kept` weights (0 removes nothing).
    ///
    /// The product is nudged down by 1e-9 before the ceiling so that a product that is an
    /// integer in exact arithmetic (0.2 · 5) is not pushed one up by rounding.
    public static func survivors(of kept: Int, removing fraction: Double) -> Int {
        guard fraction > 0, kept > 0 else { return kept }
        return max(0, kept - Int((fraction * Double(kept) - 1e-9).rounded(.up)))
    }

    /// Masks keeping exactly `count` of the weights `within` keeps, the largest scores first (ties by position).
    public static func keep(_ count: Int, scores: [Matrix], within current: [Matrix]) throws(SparseNetsError) -> [Matrix] {
        let total = current.reduce(0) { $0 + $1.storage.count }
        guard count > 0, total > 0 else { return current.map { Matrix(rows: $0.rows, cols: $0.cols) } }
        // GlobalThreshold keeps round(density · total); count/total · total rounds back to count.
        return try GlobalThreshold.keep(density: Double(count) / Double(total), scores: scores, within: current)
    }

    /// Kept weights of a mask.
    public static func kept(_ mask: Matrix) -> Int { mask.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}
