import Foundation
import Statistics

/// A paired difference across seeds, in accuracy points.
public struct PairedGap: Sendable, Equatable, Codable {
    /// a − b per seed, in points (NaN where either arm is missing or diverged).
    public var values: [Double]

    /// The gap of `a` over `b` (fractions), seed by seed, in points.
    public init(_ a: [Double], _ b: [Double]) {
        values = zip(a, b).map { 100 * ($0 - $1) }
    }

    /// The finite per-seed values.
    public var finite: [Double] { values.filter(\.isFinite) }
    /// Mean over the seeds (NaN when a seed is missing: a partial mean would not be paired over the same seeds).
    public var mean: Double { values.allSatisfy(\.isFinite) && !values.isEmpty ? Descriptive.mean(values) : .nan }
    /// Sample standard deviation over seeds (0 for one seed).
    public var sd: Double { values.count > 1 && values.allSatisfy(\.isFinite) ? Descriptive.standardDeviation(values) : (values.count == 1 ? 0 : .nan) }
    /// Seeds with a positive gap.
    public var positive: Int { values.filter { $0 > 0 }.count }
    /// Seeds.
    public var count: Int { values.count }
    /// The 95% t-interval of the mean (nil with fewer than two finite seeds).
    public var interval: ConfidenceInterval? { values.allSatisfy(\.isFinite) ? try? ConfidenceInterval(tOver: values) : nil }
}

/// Ma et al.'s verdict on one round: both conditions, the plateau of the dense run, and what failed.
public struct TicketVerdict: Sendable, Equatable, Codable {
    /// Whether the ticket is a winning ticket.
    public var wins: Bool
    /// mean(ticket − dense) ≥ −tolerance.
    public var matchesDense: Bool
    /// mean(ticket − re-init) ≥ margin with enough seeds positive.
    public var beatsReinit: Bool
    /// Every seed's dense run plateaued.
    public var densePlateaued: Bool
    /// The conditions that failed, in words (empty when it wins).
    public var failed: [String]

    /// "winning ticket" or "no: …".
    public var text: String { wins ? "winning ticket" : "no: " + failed.joined(separator: "; ") }
}

/// All seeds of one configuration (network, learning rate, epochs): per-arm accuracies, paired gaps and the verdict per round.
public struct LotteryPanel: Sendable {
    /// The network.
    public var architecture: Architecture
    /// The training recipe (its learning rate and epochs name the panel).
    public var recipe: TrainingRecipe
    /// One outcome per paired seed, in seed order.
    public var seeds: [LotterySeedOutcome]
    /// The arms trained.
    public var arms: [String]

    /// A panel.
    public init(architecture: Architecture, recipe: TrainingRecipe, seeds: [LotterySeedOutcome], arms: [String]) {
        self.architecture = architecture
        self.recipe = recipe
        self.seeds = seeds
        self.arms = arms
    }

    /// Rounds that at least one seed reached.
    public var rounds: [Int] { Array(1...max(1, seeds.map(\.rounds.count).max() ?? 0)).filter { r in seeds.contains { $0.rounds.count >= r } } }

    /// The round's outcome of a seed, if it got there.
    func outcome(_ s: LotterySeedOutcome, _ round: Int) -> LotteryRoundOutcome? { round >= 1 && round <= s.rounds.count ? s.rounds[round - 1] : nil }

    /// Density of the IMP mask at `round` (identical across seeds: the counts follow the rule alone).
    public func density(round: Int) -> Double { seeds.lazy.compactMap { self.outcome($0, round)?.density }.first ?? .nan }

    /// Per-layer kept counts at `round` (first seed that got there; global pruning may split them differently per seed).
    public func kept(round: Int) -> [Int] { seeds.lazy.compactMap { self.outcome($0, round)?.kept }.first ?? [] }

    /// Held-out accuracy per seed of `arm` ("dense" for the reference) at `round`; NaN where missing or diverged.
    public func accuracies(_ arm: String, round: Int) -> [Double] {
        seeds.map { s in
            if arm == "dense" { return s.dense.divergence == nil ? s.dense.accuracy : .nan }
            guard let o = outcome(s, round)?.arms[arm], o.divergence == nil else { return .nan }
            return o.accuracy
        }
    }

    /// Paired gap of arm `a` over arm `b` at `round`.
    public func gap(_ a: String, _ b: String, round: Int) -> PairedGap { PairedGap(accuracies(a, round: round), accuracies(b, round: round)) }

    /// Plateau spread of each seed's dense run (points).
    public var plateauSpreads: [Double] { seeds.map { $0.dense.plateauSpread } }

    /// Whether every seed's dense run plateaued under `criteria`.
    public func densePlateaued(_ criteria: TicketCriteria) -> Bool {
        !seeds.isEmpty && seeds.allSatisfy { $0.dense.divergence == nil && $0.dense.plateauSpread < criteria.plateauTolerance }
    }

    /// Ma et al.'s verdict on the ticket at `round`.
    public func verdict(round: Int, criteria: TicketCriteria) -> TicketVerdict {
        let vsDense = gap("ticket", "dense", round: round), vsReinit = gap("ticket", "reinit", round: round)
        let plateau = densePlateaued(criteria)
        let need = criteria.required(of: vsReinit.count)
        let matches = vsDense.mean >= -criteria.matchTolerance
        let beats = vsReinit.mean >= criteria.margin && vsReinit.positive >= need
        var failed = [String]()
        if !plateau {
            failed.append("dense did not plateau (validation accuracy over the last 25% of epochs spans up to \(String(format: "%.2f", plateauSpreads.max() ?? .nan)) ≥ \(fmt(criteria.plateauTolerance)) points)")
        }
        if !matches {
            failed.append(vsDense.mean.isNaN ? "ticket or dense missing" : "does not match dense (ticket − dense \(String(format: "%+.2f", vsDense.mean)) < −\(fmt(criteria.matchTolerance)))")
        }
        if !beats {
            if vsReinit.mean.isNaN {
                failed.append("ticket or re-init missing")
            } else {
                failed.append("does not beat re-init (ticket − re-init \(String(format: "%+.2f", vsReinit.mean)), \(vsReinit.positive)/\(vsReinit.count) seeds positive; needs ≥ \(fmt(criteria.margin)) with ≥ \(need)/\(vsReinit.count))")
            }
        }
        return TicketVerdict(wins: plateau && matches && beats, matchesDense: matches, beatsReinit: beats, densePlateaued: plateau, failed: failed)
    }

    private func fmt(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
