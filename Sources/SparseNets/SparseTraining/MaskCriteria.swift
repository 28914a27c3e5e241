import Components
import LinearAlgebra
import Randomness

/// Which dense gradient a grow criterion reads; it decides the step's FLOPs and whether update steps are mask-only.
public enum GradientUse: String, Sendable, Codable {
    /// No gradient (random growth).
    case none
    /// The dense gradient of the update step itself, which then changes only the mask (RigL): that step costs 2f_S + f_D.
    case updateStep = "update-step"
    /// The dense gradient of every step (SNFS's running average): every step costs 2f_S + f_D.
    case everyStep = "every-step"
}

/// Which active weights an update removes: half of rigl's "how the mask changes" axis.
///
/// Adding a criterion is one file with a type conforming to this protocol and one line in `DropCatalog.all`.
public protocol DropCriterion: Sendable {
    /// The name used in listings (`magnitude`).
    static var name: String { get }
    /// What it removes, in one line.
    static var summary: String { get }
    /// The settings `--set key=value` may change.
    static var parameters: [Parameter] { get }
    /// The criterion configured with resolved values of `parameters`.
    init(parameters: ParameterValues)
    /// One keep-score per active position `active` of a layer's weights (larger = keep); the smallest are dropped.
    func keepScores(weights: Matrix, active: [Int], stream: RandomStream) -> [Double]
}

/// Which inactive positions an update revives: the other half of rigl's "how the mask changes" axis.
///
/// Adding a criterion is one file with a type conforming to this protocol and one line in `GrowCatalog.all`.
public protocol GrowCriterion: Sendable {
    /// The name used in listings (`random`, `gradient`, `momentum`).
    static var name: String { get }
    /// What it grows, in one line.
    static var summary: String { get }
    /// The settings `--set key=value` may change.
    static var parameters: [Parameter] { get }
    /// Which dense gradient it reads.
    static var gradientUse: GradientUse { get }
    /// The criterion configured with resolved values of `parameters` (fresh state: one per run).
    init(parameters: ParameterValues)
    /// Sees the dense minibatch gradient: on every step or on update steps, as `gradientUse` says.
    mutating func observe(_ gradient: Parameters)
    /// One grow-score per candidate position `candidates` of layer `layer` (larger = grow first).
    func growScores(layer: Int, candidates: [Int], stream: RandomStream) -> [Double]
}

extension GrowCriterion {
    public mutating func observe(_ gradient: Parameters) {}
}

/// The drop criteria.
public enum DropCatalog {
    /// Every drop criterion, in listing order.
    public static let all = Catalogue<any DropCriterion.Type>(kind: "drop criterion", [MagnitudeDrop.self]) { $0.name }
}

/// The grow criteria.
public enum GrowCatalog {
    /// Every grow criterion, in listing order.
    public static let all = Catalogue<any GrowCriterion.Type>(kind: "grow criterion", [
        RandomGrow.self,
        GradientGrow.self,
        MomentumGrow.self,
    ]) { $0.name }
}

/// Picking the k largest of a score list in O(n), ties going to the earlier position (deterministic).
public enum TopK {
    /// Positions (into `scores`) of the k largest scores, ascending by position; ties at the threshold go to the earliest positions.
    public static func largest(_ scores: [Double], _ k: Int) -> [Int] {
        let k = min(max(k, 0), scores.count)
        guard k > 0 else { return [] }
        if k == scores.count { return Array(scores.indices) }
        var copy = scores
        let threshold = GlobalThreshold.kthLargest(&copy, k)
        var above = 0
        for v in scores where v > threshold { above += 1 }
        var ties = k - above
        var out = [Int]()
        out.reserveCapacity(k)
        for (i, v) in scores.enumerated() {
            if v > threshold { out.append(i) } else if v == threshold && ties > 0 { out.append(i); ties -= 1 }
        }
        return out
    }

    /// Positions of the k smallest scores (ties to the earliest positions).
    public static func smallest(_ scores: [Double], _ k: Int) -> [Int] { largest(scores.map { -$0 }, k) }
}
