import ClaimKit
import Components
import Datasets
import Foundation
import GreedySelection
import LinearAlgebra
import Randomness
import Statistics
import TextPlot

/// A boundary claim on "weak assumptions that apply for most practical settings" (Ye, Wu, Liu, NeurIPS 2020): on the
/// neuron atoms of a trained network the interior assumption holds (r > 0: reproduces), but greedy line search does not
/// reach its exponential regime within half the layer's neurons (does not reproduce).
public struct GreedyAssumptionClaim: Claim {
    public init() {}

    public let id = "greedy-assumption"
    public let statement = "boundary: on the hidden layer of a trained network (ReLU MLP on the digits, atoms = each neuron's contribution to the logits on M training inputs) the interior assumption holds (r_lb > 0: reproduces), but greedy line search does not reach the exponential regime within N/2 neurons (the pruned network's discrepancy falls < 3 decades over sizes k ∈ [2, N/2]: does not reproduce)"
    public let proofPath = "proofs/greedy-assumption.md"
    public let source = "M. Ye, L. Wu, Q. Liu, \"Greedy optimization provably wins the lottery: logarithmic number of winning tickets is enough\", NeurIPS 2020 (arXiv 2010.15969)"
    public let rule = "boundary: the per-seed r_lb/D (LP lower bound on the inradius of the target in the atoms' hull, within their affine span, over the diameter) has a 95% t-interval above 0 (reproduces; below 0 impossible; straddling or all-zero: inconclusive); boundary: the per-seed decades the size curve L*(k) falls over k ∈ [2, k_end] (k_end = min(distinct neurons reached, N/2), ≥ 20 = one decade of k, else the seed counts 0 decades) has a 95% t-interval below 3 (passes on does-not-reproduce: the regime is not reached; above 3 or straddling fails or is inconclusive); invariant: L_n ≤ L_1 e^{−(n−1)c_thm} at every step, c_thm = −ln(1 − r_lb²/D²); reported: looseness c/c_thm, the semilog − log-log R² of L*(k), random selection's decades"
    public let negativeControl = "the same trained atoms with the target moved onto a face of their hull (atoms below the median along one direction flattened onto the supporting hyperplane, target = their mean, so r = 0 exactly) must fail the interior check; power control: greedy-decay's random two-layer tanh network (d = 3, M = 10 inputs, the same N) must fail the regime-not-reached check (its size curve falls > 3 decades within N/2 neurons), else the check could not have seen the regime"
    public let controlChecks = [Self.faceControl, Self.powerControl]
    static let faceControl = "face-of-hull target on the trained atoms (r = 0)", powerControl = "random two-layer network reaches the regime (power control)"

    /// The network, the batch defining the atoms and the run; fixed on calibration master seeds 1000–1002.
    public let parameters: [Parameter] = [
        .int("N", quick: 40, standard: 64, full: 64, 4...1024, "hidden width of the trained MLP (atoms)"),
        .int("M", quick: 10, standard: 50, full: 50, 2...300, "training inputs defining the atoms (atom length M × 10 classes)"),
        .int("epochs", 100, 1...2000, "full-batch Adam epochs training the MLP on the digits"),
        .int("n_max", quick: 300, standard: 1000, full: 1000, 20...100_000, "line-search steps per run"),
        .int("seeds", quick: 3, standard: 5, full: 5, 2...1000, "independent trained networks (split and initialisation)"),
    ]

    /// The regime line: decades L*(k) must fall, over at least one decade of k from k = 2.
    static let regimeDecades = 3.0, sizeStart = 2, minWindowEnd = 20
    static let floor = 1e-24

    /// One trained network's atoms and what line search did on them.
    struct SeedFigures: Sendable {
        var rOverD: Double, cThm: Double, dimension: Int, lpFailed: Bool
        /// Decades fallen over the size window, and semilog − log-log R² there.
        var decades: Double, shape: Double, windowEnd: Int
        /// Per step fit (n ≥ 10) and per distinct neuron (k ≥ 2) fitted rates.
        var stepRate: Double, sizeRate: Double
        var envelopeBreaks: Int, envelopePoints: Int
        var accuracy: Double
    }

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var trained: [SeedFigures], face: [SeedFigures], random: [SeedFigures], power: [SeedFigures]
        var width: Int, inputs: Int, steps: Int
    }

    /// The size-curve figures of one run: decades fallen over [2, k_end] and the shape difference of the two fits.
    /// The window stops at N/2 neurons: the target is the atoms' uniform mean, so any path that has used all N neurons
    /// can hit L = 0 exactly (random selection then "falls" 30 decades), a finite-N artefact, not a rate.
    static func sizeFigures(_ curve: [Double], width: Int) -> (decades: Double, shape: Double, end: Int) {
        let end = min(curve.count, width / 2, PooledDecayTest.windowEnd(curve, floor: floor))
        guard end >= minWindowEnd else { return (0, .nan, end) }
        var x = [Double](), y = [Double]()
        for k in sizeStart...end where curve[k - 1] > 0 && curve[k - 1].isFinite { x.append(Double(k)); y.append(curve[k - 1]) }
        guard let e = try? ExponentialFit(n: x, values: y), let p = try? PowerLawFit(x: x, values: y), let a = y.first, let b = y.last else {
            return (0, .nan, end)
        }
        return (log10(a / b), e.rSquared - p.rSquared, end)
    }

    /// Moves the target onto a face: atoms whose projection on u (the direction of the atom farthest from the mean) is
    /// below its median are flattened onto the supporting hyperplane ⟨u, x⟩ = min_i ⟨u, φ_i⟩; the target is their mean.
    static func faceOfHull(_ p: AtomProblem) throws(GreedyError) -> AtomProblem {
        var atoms = p.atoms
        let rows = atoms.rows, n = atoms.cols, t = p.target
        var far = 0, farDist = -1.0
        for i in 0..<n {
            var d = 0.0
            for r in 0..<rows { let v = atoms[r, i] - t[r]; d += v * v }
            if d > farDist { farDist = d; far = i }
        }
        guard farDist > 0 else { throw .invalidArgument("the atoms coincide: no face to move the target onto") }
        let norm = farDist.squareRoot()
        let u = (0..<rows).map { (atoms[$0, far] - t[$0]) / norm }
        let proj = (0..<n).map { i in (0..<rows).reduce(0.0) { $0 + u[$1] * atoms[$1, i] } }
        let low = proj.min() ?? 0, median = Descriptive.median(proj)
        var target = [Double](repeating: 0, count: rows), count = 0
        for i in 0..<n where proj[i] <= median {
            for r in 0..<rows { atoms[r, i] += (low - proj[i]) * u[r]; target[r] += atoms[r, i] }
            count += 1
        }
        return try AtomProblem(atoms: atoms, target: target.map { $0 / Double(count) })
    }

    /// `onFace`: the target lies on a supporting hyperplane by construction, so r = 0 exactly and no LP is solved
    /// (the degenerate LPs there cycle for tens of seconds).
    static func figures(_ problem: AtomProblem, steps: Int, stream: RandomStream, accuracy: Double = .nan, onFace: Bool = false,
                        selector: any Selector.Type = GreedyLineSearchSelector.self) throws -> SeedFigures {
        // An LP that does not converge certifies nothing: r_lb = 0 for that seed (counted, not thrown).
        // The eigenbasis LP bound (rule v1 of this claim); k ≈ 50 here, so enumeration is out of reach anyway.
        let bounds = onFace ? nil : try? InradiusBounds(problem, tightening: .eigenbasisOnly, stream: stream.split("bounds"))
        let diameter = try bounds?.diameter ?? problem.diameter(), rLow = bounds?.lowerBound ?? 0
        let c = TheoremRate.constant(r: rLow, diameter: diameter)
        let trace = try selector.run(on: problem, steps: steps, options: SelectionOptions(recordCertificate: false), stream: stream.split("ls"))
        var breaks = 0, points = 0
        if let l1 = trace.loss.first {
            for k in 0..<trace.count where trace.loss[k] > DecayFigures.certificateFloor {
                points += 1
                if trace.loss[k] > l1 * exp(-Double(k) * c) * (1 + DecayFigures.relativeTolerance) { breaks += 1 }
            }
        }
        let curve = TheoremRate.sizeCurve(trace)
        let size = sizeFigures(curve, width: problem.neuronCount)
        return SeedFigures(rOverD: diameter > 0 ? rLow / diameter : 0, cThm: c, dimension: bounds?.dimension ?? -1, lpFailed: !onFace && bounds == nil,
                           decades: size.decades, shape: size.shape, windowEnd: size.end,
                           stepRate: PooledDecayTest.rate(trace.loss, start: 10, floor: floor),
                           sizeRate: PooledDecayTest.rate(curve, start: sizeStart, floor: floor),
                           envelopeBreaks: breaks, envelopePoints: points, accuracy: accuracy)
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let width = run.int("N"), inputs = run.int("M"), steps = run.int("n_max"), epochs = run.int("epochs")
        let seeds = DecayExperiment.seeds(master: run.seed, count: run.int("seeds"))
        let data = BuiltinDatasets.digits()
        var trained = [SeedFigures](), face = [SeedFigures](), random = [SeedFigures](), power = [SeedFigures]()
        for (j, seed) in seeds.enumerated() {
            run.progress.update("greedy-assumption: seed \(j + 1)/\(seeds.count)")
            let stream = RandomStream(seed: seed)
            let split = try stratifiedSplit(data, fractions: (0.6, 0.2), stream: stream.split("split"))
            // Pixel counts 0…16 put on a unit scale, as `greedy prune-mlp` does.
            let scale = max(1e-12, split.train.features.storage.map(abs).max() ?? 1)
            let x = try Matrix(rows: split.train.count, cols: data.dimension, columnMajor: split.train.features.storage.map { $0 / scale })
            let xTest = try Matrix(rows: split.test.count, cols: data.dimension, columnMajor: split.test.features.storage.map { $0 / scale })
            let net = try HiddenLayerNetwork.train(features: x, labels: split.train.labels, classes: data.classCount, hidden: width,
                                                   activation: .relu, epochs: epochs, stream: stream.split("train"))
            let accuracy = try net.accuracy(xTest, split.test.labels)
            let problem = try NeuronPruning.atoms(net, batch: x.rows(Array(0..<min(inputs, x.rows))))
            trained.append(try Self.figures(problem, steps: steps, stream: stream, accuracy: accuracy))
            face.append(try Self.figures(try Self.faceOfHull(problem), steps: steps, stream: stream, accuracy: accuracy, onFace: true))
            // Random selection on the same atoms: the interior figures are the trained atoms' own (no second LP).
            var r = try Self.figures(problem, steps: steps, stream: stream, accuracy: accuracy, onFace: true, selector: RandomSelector.self)
            (r.rOverD, r.cThm, r.dimension) = (trained[j].rOverD, trained[j].cThm, trained[j].dimension)
            random.append(r)
            let randomNet = GreedyInstance(dimension: 3, inputs: 10, width: width, activation: .tanh, heldOutInputs: 0)
            power.append(try Self.figures(try randomNet.build(stream: stream.split("random-network")), steps: steps, stream: stream, onFace: true))
        }
        return Measurement(seeds: seeds, trained: trained, face: face, random: random, power: power, width: width, inputs: inputs, steps: steps)
    }

    static func f(_ x: Double) -> String { NumberFormat.compact(x) }

    /// The three boundary judgements of the claim on one set of seeds.
    static func boundaries(_ s: [SeedFigures]) -> (interior: Judgement, regime: Judgement, shape: Judgement) {
        (Boundary(line: 0, paper: .above, format: f).judge(s.map(\.rOverD)),
         Boundary(line: regimeDecades, paper: .above, accepts: [.doesNotReproduce], format: f).judge(s.map(\.decades)),
         Boundary(line: 0, paper: .above, format: f).judge(s.map { $0.shape.isFinite ? $0.shape : -1 }))
    }

    static func interval(_ x: [Double]) -> String { (try? ConfidenceInterval(tOver: x))?.formatted(f) ?? "n/a" }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let f = Self.f
        let t = Self.boundaries(m.trained), c = Self.boundaries(m.face), p = Self.boundaries(m.power)
        let breaks = m.trained.map(\.envelopeBreaks).reduce(0, +), points = m.trained.map(\.envelopePoints).reduce(0, +)
        let window = "k ∈ [2, k_end], k_end = min(distinct neurons reached, N/2) (≥ \(Self.minWindowEnd), else 0 decades)"
        let shapes = m.trained.map { $0.shape.isFinite ? $0.shape : -1 }
        return [
            Check("interior assumption r_lb > 0 (trained atoms)", role: .primary, t.interior,
                  rule: "95% t-interval of the per-seed r_lb/D above 0 (r_lb: LP lower bound on the inradius within the atoms' affine span): reproduces",
                  detail: "r_lb/D \(Self.interval(m.trained.map(\.rOverD))); per seed \(m.trained.map { f($0.rOverD) }.joined(separator: ", ")); span dimension \(m.trained.map { String($0.dimension) }.joined(separator: ", ")); LP failed on \(m.trained.filter(\.lpFailed).count) seeds"),
            Check("exponential regime not reached within N/2 neurons (trained atoms)", role: .primary, t.regime,
                  rule: "95% t-interval of the per-seed decades L*(k) falls over \(window) below \(f(Self.regimeDecades)): the paper's direction does not reproduce",
                  detail: "decades \(Self.interval(m.trained.map(\.decades))): \(t.regime.finding?.rawValue ?? "—"); k_end per seed \(m.trained.map { String($0.windowEnd) }.joined(separator: ", "))"),
            Check("theorem's envelope (trained atoms)", role: .primary,
                  Invariant.judge(worst: Double(breaks), limit: "L_n ≤ L_1 e^{−(n−1)c_thm}(1 + 1e-12)", violations: breaks, points: points),
                  rule: "L_n ≤ L_1 e^{−(n−1)c_thm} at every step with L_n > 1e-30, c_thm = −ln(1 − r_lb²/D²) per seed",
                  detail: "\(breaks) breaks over \(points) steps; median c_thm \(f(Descriptive.median(m.trained.map(\.cThm))))"),
            Check(Self.faceControl, role: .control, c.interior,
                  rule: "the interior check on the face-of-hull target (r = 0 exactly: an interval of zeros is not above 0)",
                  detail: "r_lb/D \(Self.interval(m.face.map(\.rOverD))) (exact: t on a supporting hyperplane); its size curve: decades \(Self.interval(m.face.map(\.decades))), R² difference \(Self.interval(m.face.map { $0.shape.isFinite ? $0.shape : -1 }))"),
            Check(Self.powerControl, role: .control, p.regime,
                  rule: "the regime-not-reached check on greedy-decay's random two-layer tanh network (d = 3, M = 10, same N and steps): its interval must not lie below 3",
                  detail: "decades \(Self.interval(m.power.map(\.decades))): \(p.regime.finding?.rawValue ?? "—"); k_end per seed \(m.power.map { String($0.windowEnd) }.joined(separator: ", "))"),
            Check("shape of L*(k): semilog vs log-log (trained atoms)", role: .info,
                  rule: "reported: 95% t-interval of the per-seed semilog R² − log-log R² over the same window (above 0: exponential shape)",
                  satisfied: t.shape.finding == .reproduces,
                  detail: "R² difference \(Self.interval(shapes)): \(t.shape.finding?.rawValue ?? "—")"),
            Check("random selection on the trained atoms", role: .info,
                  rule: "reported: random selection's decades over the same window",
                  satisfied: Self.boundaries(m.random).regime.outcome == .passed,
                  detail: "decades \(Self.interval(m.random.map(\.decades))); R² difference \(Self.interval(m.random.map { $0.shape.isFinite ? $0.shape : -1 }))"),
            Check("looseness c/c_thm (trained atoms)", role: .info,
                  rule: "reported: per-step fitted c over c_thm, per seed (≥ 1 expected)",
                  satisfied: m.trained.allSatisfy { $0.cThm > 0 && $0.stepRate >= $0.cThm },
                  detail: "c/c_thm per seed \(m.trained.map { f($0.cThm > 0 ? $0.stepRate / $0.cThm : .infinity) }.joined(separator: ", ")); c per distinct neuron \(m.trained.map { f($0.sizeRate) }.joined(separator: ", "))"),
        ]
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        func per(_ name: String, _ v: (SeedFigures) -> Double) -> [PerSeedRecord] {
            [PerSeedRecord(name: name, seeds: m.seeds, values: m.trained.map(v)),
             PerSeedRecord(name: name + " (face control)", seeds: m.seeds, values: m.face.map(v))]
        }
        let looseness: (SeedFigures) -> Double = { $0.cThm > 0 ? $0.stepRate / $0.cThm : .infinity }
        return ClaimResults(seeds: m.seeds,
                            perSeed: per("r_lb/D", \.rOverD) + per("c_thm = -ln(1 - r_lb^2/D^2)", \.cThm) + per("decades fallen over k in [2, k_end]", \.decades)
                                + per("semilog minus log-log R^2", \.shape) + per("fitted c per step", \.stepRate) + per("fitted c per distinct neuron", \.sizeRate)
                                + per("c/c_thm", looseness) + per("affine span dimension", { Double($0.dimension) })
                                + [PerSeedRecord(name: "decades fallen over k in [2, k_end] (random selection)", seeds: m.seeds, values: m.random.map(\.decades)),
                                   PerSeedRecord(name: "decades fallen over k in [2, k_end] (power control)", seeds: m.seeds, values: m.power.map(\.decades)),
                                   PerSeedRecord(name: "test accuracy of the trained MLP", seeds: m.seeds, values: m.trained.map(\.accuracy))],
                            notes: ["atoms: hidden neuron i's contribution N·h_i(x_b)·W2[i, :] to the logits on the first M training inputs (M × 10 values), target = their mean (the dense network's logits)",
                                    "r_lb is certified within the atoms' affine span (InradiusBounds works in span{φ_i − t}), so it can be positive with N < M × 10",
                                    "regime reached: L*(k) falls ≥ 3 decades over k ∈ [2, k_end], k_end = min(distinct neurons reached, N/2) ≥ 20 (one decade of k) and an exponential (semilog) fit beating the power law"],
                            facts: ["network": "one ReLU hidden layer of width N on the digits (60/20/20 stratified split, pixels / 16), full-batch Adam lr 0.01 for `epochs` epochs"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f
        let rows = m.trained.indices.map { i -> [String] in
            let s = m.trained[i], c = m.face[i]
            return [String(i + 1), f(s.accuracy), String(s.dimension), f(s.rOverD), f(s.cThm), f(s.stepRate), f(s.cThm > 0 ? s.stepRate / s.cThm : .infinity),
                    f(s.decades), String(s.windowEnd), f(s.shape), f(c.rOverD), f(c.decades), f(c.shape)]
        }
        return "Trained atoms: N = \(m.width) neurons, M = \(m.inputs) inputs (atom length \(m.inputs * 10)), \(m.steps) line-search steps\n"
            + Table(headers: ["seed", "test acc", "span dim", "r_lb/D", "c_thm", "c (per step)", "c/c_thm", "decades", "k_end", "ΔR²", "face r_lb/D", "face decades", "face ΔR²"],
                    rows: rows).render()
    }
}
