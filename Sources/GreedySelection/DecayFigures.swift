import Foundation
import Statistics

/// Every figure the greedy-decay verdict rests on, computed from a `DecayExperiment`'s runs (library code, so tests
/// can assert the verdict's ingredients without the claim framework).
public struct DecayFigures: Sendable {
    /// Line-search steps checked against the per-step certificate (L_n > `certificateFloor`).
    public let certificateSteps: Int
    /// Steps where L_{n+1} > (1 − w_n²/D_n²) L_n (1 + 1e-12).
    public let certificateViolations: Int
    /// Largest L_{n+1} / ((1 − w_n²/D_n²) L_n).
    public let certificateWorstRatio: Double
    /// Steps where line search exceeds the LP envelope L_1 e^{−(n−1) r_lb²/D²} (seeds with bounds only).
    public let envelopeBreaks: Int
    /// Seeds with inradius bounds.
    public let envelopeSeeds: Int
    /// Steps where greedy-uniform exceeds V/n, and the largest L_n/(V/n).
    public let uniformExceedances: Int, uniformWorstRatio: Double
    /// Steps where the worst-neuron control exceeds V/n, and the largest L_n/(V/n).
    public let worstExceedances: Int, worstWorstRatio: Double
    /// The pooled test of line search and of greedy-uniform (the control).
    public let lineSearch: PooledDecayTest, uniform: PooledDecayTest
    /// Per-seed decay constants of line search.
    public let rates: [Double]
    /// Decades the pooled line-search curve falls across its window.
    public let decadesFallen: Double
    /// Per-seed envelopes and certificate paths of line search (for plots).
    public let envelopes: [[Double]], certificatePaths: [[Double]]
    /// Per-seed mean of −ln(1 − w_n²/D_n²) over the window.
    public let certificateRates: [Double]

    /// Tolerances of the rule.
    public static let relativeTolerance = 1e-12, certificateFloor = 1e-30
    /// Regime: the pooled curve must fall at least this many decades across a window of ≥ 1 decade of n.
    public static let regimeDecades = 5.5

    /// Whether the experiment is in the claim's regime.
    public var regimeReached: Bool { decadesFallen >= Self.regimeDecades && lineSearch.windowDecades >= 1 }
    /// Whether every primary check passes.
    public var primaryHolds: Bool {
        certificateViolations == 0 && certificateSteps > 0 && envelopeBreaks == 0 && uniformExceedances == 0 && lineSearch.passes
    }
    /// Whether both negative controls fail (as they must).
    public var controlsFail: Bool { !uniform.passes && worstExceedances > 0 }
    /// The verdict's outcome: holds only when controls fail, the regime is reached and all primary checks pass.
    public var holds: Bool { controlsFail && regimeReached && primaryHolds }

    /// Computes the figures; the runs must include greedy-linesearch, greedy-uniform and worst-neuron.
    public init(_ runs: [DecayExperiment.SeedRun], start: Int = 10, floor: Double = 1e-24) throws(GreedyError) {
        var checked = 0, violations = 0, worstRatio = 0.0
        var breaks = 0, envs = [[Double]](), paths = [[Double]](), certRates = [Double]()
        for r in runs {
            guard let t = r.traces[GreedyLineSearchSelector.name] else { continue }
            let factor = t.certifiedFactor
            guard factor.count == t.count else { continue }
            for k in 0..<max(0, t.count - 1) where t.loss[k] > Self.certificateFloor && factor[k].isFinite {
                checked += 1
                let ratio = t.loss[k + 1] / (factor[k] * t.loss[k])
                worstRatio = max(worstRatio, ratio)
                if ratio > 1 + Self.relativeTolerance { violations += 1 }
            }
            guard let l1 = t.loss.first else { continue }
            var path = [l1], acc = l1
            for k in 0..<max(0, t.count - 1) { acc *= max(0, factor[k]); path.append(acc) }
            paths.append(path)
            if t.count > start {
                let window = factor[(start - 1)..<(t.count - 1)].filter { $0.isFinite && $0 > 0 }
                certRates.append(Descriptive.mean(window.map { -log($0) }))
            }
            if let b = r.bounds {
                let env = (0..<t.count).map { l1 * exp(-Double($0) * b.envelopeRate) }
                envs.append(env)
                breaks += (0..<t.count).filter { t.loss[$0] > Self.certificateFloor && t.loss[$0] > env[$0] * (1 + Self.relativeTolerance) }.count
            }
        }
        func exceedances(_ m: any Selector.Type) -> (Int, Double) {
            var count = 0, worst = 0.0
            for r in runs {
                guard let t = r.traces[m.name] else { continue }
                for k in 0..<t.count {
                    let bound = r.variance / Double(k + 1)
                    worst = max(worst, t.loss[k] / bound)
                    if t.loss[k] > bound * (1 + Self.relativeTolerance) { count += 1 }
                }
            }
            return (count, worst)
        }
        certificateSteps = checked
        certificateViolations = violations
        certificateWorstRatio = worstRatio
        envelopeBreaks = breaks
        envelopeSeeds = envs.count
        envelopes = envs
        certificatePaths = paths
        certificateRates = certRates
        (uniformExceedances, uniformWorstRatio) = exceedances(GreedyUniformSelector.self)
        (worstExceedances, worstWorstRatio) = exceedances(WorstNeuronSelector.self)
        lineSearch = try PooledDecayTest(curves: runs.curves(GreedyLineSearchSelector.self), start: start, floor: floor)
        uniform = try PooledDecayTest(curves: runs.curves(GreedyUniformSelector.self), start: start, floor: floor)
        rates = runs.curves(GreedyLineSearchSelector.self).map { PooledDecayTest.rate($0, start: start, floor: floor) }
        let a = lineSearch.pooled[lineSearch.start - 1], b = lineSearch.pooled[lineSearch.end - 1]
        decadesFallen = a > 0 && b > 0 ? log10(a / b) : (b == 0 ? .infinity : 0)
    }
}
