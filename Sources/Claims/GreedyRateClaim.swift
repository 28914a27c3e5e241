import ClaimKit
import Components
import Foundation
import GreedySelection
import LinearAlgebra
import Randomness
import Statistics
import TextPlot

/// The 1/n rates: uniform greedy L_n ≤ V/n deterministically; random selection E L_n = (V/n)(N−n)/(N−1).
public struct GreedyRateClaim: Claim {
    public init() {}

    public let id = "greedy-rate-1/n"
    public let statement = "uniform-weight greedy selection satisfies L_n ≤ V/n at every n; n random neurons (without replacement) have E L_n = (V/n)(N−n)/(N−1)"
    public let proofPath = "proofs/greedy-rate-1-n.md"
    public let source = "M. Ye, C. Gong, L. Nie, D. Zhou, A. Klivans, Q. Liu, \"Good subnetworks provably exist: pruning via greedy forward selection\", ICML 2020"
    public let rule = "invariant: greedy-uniform L_n ≤ V/n (1 + 1e-12) at every n and seed; reproduction of a closed form: the mean over runs of L_n/E L_n for random selection is within 3 standard errors of 1 at every checkpoint n ∈ {1, 2, 5, 10, 20, 50, …, n_max}"
    public let negativeControl = "a worst-neuron 'greedy' must break V/n, and random selection WITH replacement must fail the without-replacement formula"
    public let controlChecks = [Self.worstControl, Self.replacementControl]
    static let worstControl = "worst-neuron ≤ V/n", replacementControl = "random with replacement = without-replacement formula"
    /// The network's parameters as GreedySelection declares them (no held-out inputs: the rates are in-sample), the run length, seeds and orders.
    public let parameters: [Parameter] = GreedyInstance.networkParameters + [
        DecayExperiment.stepsParameter(atLeast: 20, help: "selection steps (≤ N − 1)"),
        .int("seeds", quick: 10, standard: 20, full: 40, 2...1000, "independent instances"),
        .int("orders", quick: 100, standard: 200, full: 200, 2...10_000, "random selection orders per instance"),
    ]

    /// Ratios to the formula and bound exceedances, accumulated over every instance and random order.
    public struct Measurement: Sendable {
        var instance: GreedyInstance
        var steps: Int
        var seeds: [UInt64]
        var orders: Int
        /// L_n / E L_n of every random run without and with replacement, per n.
        var without: RunningMoments, with: RunningMoments
        /// Mean over instances of the mean random loss and of the formula, per n.
        var meanLoss: [Double], meanFormula: [Double]
        var uniformCurves: [[Double]]
        var uniformExceedances: Int, uniformWorst: Double
        var worstExceedances: Int, worstMax: Double
        /// Per-seed log-log slopes on n ∈ [10, n_max], and their t-intervals.
        var uniformSlopes: [Double], randomSlopes: [Double]
        var uniformSlope: ConfidenceInterval, randomSlope: ConfidenceInterval
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let instance = try GreedyInstance(run.parameters)
        let steps = run.int("n_max"), orders = run.int("orders"), width = instance.width
        guard steps <= width - 1 else {
            throw InputError("parameter n_max=\(steps) must be at most N − 1 = \(width - 1) (the random formula is 0 at n = N)")
        }
        let seeds = DecayExperiment.seeds(master: run.seed, count: run.int("seeds"))
        let options = SelectionOptions(recordCertificate: false)

        // Ratios L_n / E L_n of every random run, accumulated per n (Welford, so memory stays O(n_max)).
        var without = RunningMoments(count: steps), with = RunningMoments(count: steps)
        var meanLoss = [Double](repeating: 0, count: steps), meanFormula = [Double](repeating: 0, count: steps)
        var guCurves = [[Double]](), guExceed = 0, guWorst = 0.0
        var worstExceed = 0, worstMax = 0.0, guSlopes = [Double](), randomSlopes = [Double]()
        for (k, seed) in seeds.enumerated() {
            run.progress.update("greedy-rate-1/n: seed \(k + 1)/\(seeds.count)")
            let stream = RandomStream(seed: seed)
            let problem = try instance.build(stream: stream.split("instance"))
            let expected = (1...steps).map { problem.randomExpectedLoss(n: $0) }
            var seedMean = [Double](repeating: 0, count: steps)
            for o in 0..<orders {
                let a = try RandomSelector.run(on: problem, steps: steps, options: options, stream: stream.split("order-\(o)"))
                let b = try RandomReplacementSelector.run(on: problem, steps: steps, options: options, stream: stream.split("draws-\(o)"))
                for i in 0..<steps {
                    without.add(i, a.loss[i] / expected[i])
                    with.add(i, b.loss[i] / expected[i])
                    seedMean[i] += a.loss[i] / Double(orders)
                }
            }
            for i in 0..<steps {
                meanLoss[i] += seedMean[i] / Double(seeds.count)
                meanFormula[i] += expected[i] / Double(seeds.count)
            }
            randomSlopes.append(PooledDecayTest.slope(seedMean, start: 10, end: steps))
            let g = try GreedyUniformSelector.run(on: problem, steps: steps, options: options, stream: stream)
            let w = try WorstNeuronSelector.run(on: problem, steps: steps, options: options, stream: stream)
            guCurves.append(g.loss)
            guSlopes.append(PooledDecayTest.slope(g.loss, start: 10, end: steps))
            for i in 0..<steps {
                let bound = problem.uniformBound(n: i + 1)
                guWorst = max(guWorst, g.loss[i] / bound)
                if g.loss[i] > bound * (1 + 1e-12) { guExceed += 1 }
                worstMax = max(worstMax, w.loss[i] / bound)
                if w.loss[i] > bound * (1 + 1e-12) { worstExceed += 1 }
            }
        }
        return Measurement(instance: instance, steps: steps, seeds: seeds, orders: orders, without: without, with: with,
                           meanLoss: meanLoss, meanFormula: meanFormula, uniformCurves: guCurves,
                           uniformExceedances: guExceed, uniformWorst: guWorst, worstExceedances: worstExceed, worstMax: worstMax,
                           uniformSlopes: guSlopes, randomSlopes: randomSlopes,
                           uniformSlope: try ConfidenceInterval(tOver: guSlopes.filter(\.isFinite)),
                           randomSlope: try ConfidenceInterval(tOver: randomSlopes.filter(\.isFinite)))
    }

    private static func f(_ x: Double) -> String { NumberFormat.compact(x) }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let f = Self.f, steps = m.steps, width = m.instance.width
        // Checkpoints 1, 2, 5 per decade (and n_max): 3 SE at each of ~9 points keeps the family-wise false-alarm
        // rate near 2%; at all 400 correlated n it was ~20% (2 of 10 master seeds), which would test nothing but luck.
        let checkpoints = Self.checkpoints(upTo: steps)
        let zWithout = m.without.zScores(against: 1), zWith = m.with.zScores(against: 1)
        let atCheckpoints = checkpoints.map { abs(zWithout[$0 - 1]) }
        let maxZ = atCheckpoints.max() ?? .nan
        let maxZWith = checkpoints.map { abs(zWith[$0 - 1]) }.max() ?? .nan
        let worstN = checkpoints[atCheckpoints.indices.max { atCheckpoints[$0] < atCheckpoints[$1] } ?? 0]
        let maxZEvery = zWithout.map(abs).max() ?? .nan
        let worstEvery = (zWithout.map(abs).enumerated().max { $0.element < $1.element }?.offset ?? 0) + 1
        let points = steps * m.seeds.count
        return [
            Check("random mean = (V/n)(N−n)/(N−1)", role: .primary, Reproduction.zScores(maxAbsZ: maxZ, limit: 3, points: checkpoints.count),
                  rule: "|mean ratio − 1| ≤ 3 SE at n ∈ {\(checkpoints.map(String.init).joined(separator: ", "))}",
                  detail: "max |z| = \(f(maxZ)) at n = \(worstN) over \(m.without.samples) runs"),
            Check("greedy-uniform ≤ V/n", role: .primary,
                  Invariant.judge(worst: m.uniformWorst, limit: "L_n/(V/n) ≤ 1 + 1e-12", violations: m.uniformExceedances, points: points),
                  rule: "L_n ≤ V/n (1 + 1e-12) at every n and seed",
                  detail: "\(m.uniformExceedances) exceedances; max L_n/(V/n) = \(f(m.uniformWorst))"),
            Check(Self.worstControl, role: .control,
                  Invariant.judge(worst: m.worstMax, limit: "L_n/(V/n) ≤ 1", violations: m.worstExceedances, points: points),
                  rule: "L_n ≤ V/n at every n and seed",
                  detail: "\(m.worstExceedances) exceedances; max L_n/(V/n) = \(f(m.worstMax))"),
            Check(Self.replacementControl, role: .control, Reproduction.zScores(maxAbsZ: maxZWith, limit: 3, points: checkpoints.count),
                  rule: "|mean ratio − 1| ≤ 3 SE at the same checkpoints",
                  detail: "max |z| = \(f(maxZWith)); mean ratio at n = \(steps): \(f(m.with.mean(steps - 1))) (theory (N−1)/(N−n) = \(f(Double(width - 1) / Double(width - steps))))"),
            Check("random mean at every n", role: .info, rule: "reported, not judged: max |z| over all n = 1…\(steps) (400 correlated tests; Bonferroni 5% threshold ≈ 4)",
                  satisfied: maxZEvery <= 4, detail: "max |z| = \(f(maxZEvery)) at n = \(worstEvery)"),
        ]
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        let steps = m.steps
        let xs = (1...steps).map(Double.init)
        let meanV = m.meanFormula[0]
        var figure = Figure(title: "Random and uniform-greedy selection (\(m.seeds.count) instances × \(m.orders) random orders)",
                            xLabel: "n", yLabel: "L_n", xScale: .log10, yScale: .log10)
        figure.add(.init("random (mean)", record: "random-mean", x: xs, y: m.meanLoss))
        figure.add(.init("(V/n)(N−n)/(N−1)", record: "random-formula", x: xs, y: m.meanFormula, dashed: true))
        figure.add(.init("L_n/E L_n", record: "random-ratio", x: xs, y: (0..<steps).map { m.without.mean($0) }, plotted: false))
        figure.add(.init("SE of L_n/E L_n", record: "random-ratio-se", x: xs, y: (0..<steps).map { m.without.standardError($0) }, plotted: false))
        figure.add(.init("with replacement L_n/E L_n", record: "random-replacement-ratio", x: xs, y: (0..<steps).map { m.with.mean($0) }, plotted: false))
        figure.add(.init("greedy-uniform", record: "pooled-greedy-uniform", x: xs, y: Descriptive.geometricMeanCurve(m.uniformCurves)))
        figure.add(.init("V/n", record: "V/n", x: xs, y: xs.map { meanV / $0 }, dashed: true))
        let window = [10, Double(steps)]
        return ClaimResults(
            seeds: m.seeds,
            fits: [
                FitRecord(name: "random log-log slope", model: "power-law", window: window, estimate: m.randomSlope.estimate, interval: m.randomSlope),
                FitRecord(name: "greedy-uniform log-log slope", model: "power-law", window: window, estimate: m.uniformSlope.estimate, interval: m.uniformSlope),
            ],
            perSeed: [
                PerSeedRecord(name: "random log-log slope", seeds: m.seeds, values: m.randomSlopes),
                PerSeedRecord(name: "greedy-uniform log-log slope", seeds: m.seeds, values: m.uniformSlopes),
            ],
            figures: [figure],
            notes: [
                "ratios L_n/E L_n are pooled over instances so that instances with different V count alike; SE = sd/√runs",
                "V = (1/N) Σ_i ‖φ_i − t‖²/M (population variance of one random neuron); t = mean of the atoms",
                "greedy-uniform is typically far below V/n (it behaves like kernel herding in the interior); the bound is what is checked",
            ],
            facts: [
                "init": "w ~ N(0, I_d), c ~ N(0, 1), b ~ N(0, 1); inputs x ~ N(0, I_d)",
                "heldout": String(m.instance.heldOutInputs),
            ])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f, steps = m.steps
        let figure = results.figures[0]
        var report = figure.render(run.plotStyle) + "\n"
        let curve = { (name: String) in figure.curves.first { $0.record == name }?.y ?? [] }
        let guPooled = curve("pooled-greedy-uniform")
        let shown = [1, 10, 50, 100, 200, 400].filter { $0 <= steps }
        report += Table(headers: ["n"] + shown.map(String.init), rows: [
            ["random mean L_n"] + shown.map { f(m.meanLoss[$0 - 1]) },
            ["(V/n)(N−n)/(N−1)"] + shown.map { f(m.meanFormula[$0 - 1]) },
            ["ratio (± SE)"] + shown.map { "\(f(m.without.mean($0 - 1))) ± \(f(m.without.standardError($0 - 1)))" },
            ["with replacement ratio"] + shown.map { f(m.with.mean($0 - 1)) },
            ["greedy-uniform L_n"] + shown.map { f(guPooled[$0 - 1]) },
        ]).render() + "\n"
        report += Table(headers: ["log-log slope on n ∈ [10, \(steps)]", "mean [95% t-CI over seeds]"], rows: [
            ["random (mean over orders)", m.randomSlope.formatted(f)],
            ["greedy-uniform", m.uniformSlope.formatted(f)],
        ]).render()
        return report
    }
}

extension GreedyRateClaim {
    /// 1, 2, 5, 10, 20, 50, … below `n`, then n itself.
    static func checkpoints(upTo n: Int) -> [Int] {
        var out = [Int](), decade = 1
        while decade <= n {
            for k in [1, 2, 5] where k * decade < n { out.append(k * decade) }
            decade *= 10
        }
        out.append(n)
        return out
    }
}

/// Per-index running mean and variance (Welford).
struct RunningMoments: Sendable {
    private var n = 0
    private var means: [Double], m2: [Double]
    private var counts: [Int]

    init(count: Int) {
        means = [Double](repeating: 0, count: count)
        m2 = [Double](repeating: 0, count: count)
        counts = [Int](repeating: 0, count: count)
    }

    mutating func add(_ i: Int, _ x: Double) {
        counts[i] += 1
        let d = x - means[i]
        means[i] += d / Double(counts[i])
        m2[i] += d * (x - means[i])
        n = max(n, counts[i])
    }

    var samples: Int { n }
    func mean(_ i: Int) -> Double { means[i] }
    func standardError(_ i: Int) -> Double {
        counts[i] > 1 ? (m2[i] / Double(counts[i] - 1) / Double(counts[i])).squareRoot() : .nan
    }
    func zScores(against value: Double) -> [Double] {
        means.indices.map { i in
            let se = standardError(i)
            return se > 0 ? (means[i] - value) / se : (means[i] == value ? 0 : .infinity)
        }
    }
}
