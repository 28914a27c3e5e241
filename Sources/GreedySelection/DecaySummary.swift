import Components
import Foundation
import Randomness
import Statistics

/// The seed-pooled figures of one selector in a `DecayExperiment`: what `workbench greedy decay` plots and records.
public struct SelectorSummary: Sendable {
    /// The selector's name.
    public let selector: String
    /// exp(mean over seeds of ln L_n) on the steps every seed's run has.
    public let pooled: [Double]
    /// The same for the held-out discrepancy (nil without held-out inputs).
    public let heldOut: [Double]?
    /// Median over seeds of the distinct neurons at each step (a run shorter than the others holds its last value).
    public let distinct: [Double]
    /// Median over seeds of the distinct neurons at each run's last step.
    public let finalDistinct: Double
    /// The finite per-seed decay constants.
    public let rates: [Double]
    /// The pooled semilog-versus-log-log test, when the curves can be fitted.
    public let test: PooledDecayTest?

    /// The mean per-seed decay constant, or nil when no seed could be fitted.
    public var decayConstant: Double? { rates.isEmpty ? nil : Descriptive.mean(rates) }

    /// A 95% t-interval of the decay constant over seeds (nil with fewer than two fitted seeds).
    public var interval: ConfidenceInterval? { rates.count >= 2 ? try? ConfidenceInterval(tOver: rates) : nil }

    /// Summarises `selector` over `runs`; nil when no run has a step.
    public init?(_ runs: [DecayExperiment.SeedRun], selector: String) {
        let curves = runs.curves(selector)
        guard let len = curves.map(\.count).min(), len > 0 else { return nil }
        self.selector = selector
        pooled = Descriptive.geometricMeanCurve(curves.map { Array($0.prefix(len)) })
        rates = curves.map { PooledDecayTest.rate($0) }.filter(\.isFinite)
        test = try? PooledDecayTest(curves: curves)
        finalDistinct = Descriptive.median(runs.compactMap { $0.traces[selector]?.distinct.last.map(Double.init) })
        let held = runs.heldOutCurves(selector)
        heldOut = held.isEmpty ? nil : Descriptive.geometricMeanCurve(held)
        distinct = (0..<len).map { k in
            Descriptive.median(runs.compactMap { $0.traces[selector].map { Double($0.distinct[min(k, $0.count - 1)]) } })
        }
    }
}

/// Neurons needed for L ≤ ε: one row per selector and level (ε and every decade above it from 1e-2 down).
public struct ToleranceLevel: Sendable {
    /// The selector's name.
    public let selector: String
    /// The level ε.
    public let epsilon: Double
    /// Seeds whose run reached L ≤ ε, out of `seeds`.
    public let reached: Int, seeds: Int
    /// Median over the seeds that reached ε of the steps and of the distinct neurons needed (nil when none did).
    public let medianSteps: Double?, medianNeurons: Double?

    /// 1e-2, 1e-3, … down to (not past) ε, then ε itself.
    public static func levels(downTo eps: Double) -> [Double] {
        var levels = [Double](), e = 1e-2
        while e > eps * 1.0001 { levels.append(e); e /= 10 }
        levels.append(eps)
        return levels
    }

    /// The rows of `selector` at each of `levels`.
    public static func rows(_ runs: [DecayExperiment.SeedRun], selector: String, levels: [Double]) -> [ToleranceLevel] {
        levels.map { level in
            let steps = runs.compactMap { $0.traces[selector]?.stepsToReach(level) }.map(Double.init)
            let neurons = runs.compactMap { $0.traces[selector]?.neuronsToReach(level) }.map(Double.init)
            return ToleranceLevel(selector: selector, epsilon: level, reached: steps.count, seeds: runs.count,
                                  medianSteps: steps.isEmpty ? nil : Descriptive.median(steps),
                                  medianNeurons: neurons.isEmpty ? nil : Descriptive.median(neurons))
        }
    }
}

/// The decay constant of each selector against one instance parameter (`workbench greedy sweep`).
public struct DecaySweep: Sendable {
    /// One (value, selector) cell: the per-seed decay constants and their t-interval.
    public struct Point: Sendable {
        /// The swept value, as given.
        public let value: String
        /// The selector's name.
        public let selector: String
        /// The finite per-seed decay constants.
        public let rates: [Double]
        /// Their 95% t-interval (nil with fewer than two).
        public let interval: ConfidenceInterval?
        /// The interval's estimate, or the one rate there is.
        public var decayConstant: Double? { interval?.estimate ?? rates.first }
    }

    /// What a sweep may set: the network, the trained-output variant, n_max and the seed count (no held-out inputs:
    /// a sweep reports only in-sample decay constants).
    public static var parameters: [Parameter] {
        GreedyInstance.networkParameters + [GreedyInstance.trainedParameter, DecayExperiment.stepsParameter, DecayExperiment.seedsParameter]
    }

    /// The keys that may be swept: the network's parameters.
    public static var keys: [String] { GreedyInstance.networkParameters.map(\.name) }

    /// The swept key.
    public let key: String
    /// The swept values, in order.
    public let values: [String]
    /// The parameters in force at each value (the swept key included), in order.
    public let settings: [ParameterValues]
    /// Cells, value-major.
    public let points: [Point]

    /// Resolves every value first (so a bad one fails before any work), then runs the experiment at each.
    ///
    /// - Parameters:
    ///   - overrides: the other `--set` values, over `parameters`; may not name `key`.
    ///   - seed: the master seed; the instance seeds are `DecayExperiment.seeds(master:count:)`.
    public init(key: String, values: [String], overrides: [String: String], selectors: [ConfiguredSelector], seed: UInt64,
                progress: (String) -> Void = { _ in }) throws {
        guard Self.keys.contains(key) else {
            throw InputError("cannot sweep '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
        guard overrides[key] == nil else { throw InputError("'\(key)' is both swept and set with --set") }
        guard !values.isEmpty else { throw InputError("sweep \(key) has no values") }
        var settings = [ParameterValues](), instances = [GreedyInstance]()
        for v in values {
            var o = overrides
            o[key] = v
            let p = try ParameterValues(resolving: Self.parameters, overrides: o, owner: "greedy sweep")
            settings.append(p)
            instances.append(try GreedyInstance(p))
        }
        var points = [Point]()
        for (v, (p, instance)) in zip(values, zip(settings, instances)) {
            progress("greedy sweep: \(key) = \(v)")
            let seeds = DecayExperiment.seeds(master: seed, count: p.int(DecayExperiment.seedsParameter.name))
            let runs = try DecayExperiment(instance: instance, steps: p.int(DecayExperiment.stepsParameter.name), seeds: seeds,
                                           selectors: selectors).run()
            for s in selectors {
                let rates = runs.curves(s.name).map { PooledDecayTest.rate($0) }.filter(\.isFinite)
                points.append(Point(value: v, selector: s.name, rates: rates,
                                    interval: rates.count >= 2 ? try? ConfidenceInterval(tOver: rates) : nil))
            }
        }
        self.key = key
        self.values = values
        self.settings = settings
        self.points = points
    }
}

extension DecayExperiment {
    /// The per-instance seeds derived from a master seed (the claims and `workbench greedy` use the same derivation).
    public static func seeds(master: UInt64, count: Int) -> [UInt64] {
        let stream = RandomStream(seed: master)
        return (0..<count).map { stream.split($0).seed }
    }
}
