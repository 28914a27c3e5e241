import ClaimKit
import Components
import Datasets
import Foundation
import LinearAlgebra
import Randomness
import SparseNets
import Statistics
import TextPlot

/// GraSP keeps the gradient norm after pruning at initialisation far above what removing the other end of its scores, or random removal, leaves.
public struct GraspGradientFlowClaim: Claim {
    public init() {}

    public let id = "grasp-gradient-flow"
    public let statement = "GraSP pruning at initialisation preserves gradient flow: post-pruning ‖g‖² far above reverse-GraSP and random, as its first-order argument predicts"
    /// The scores put in GraSP's place as negative controls.
    static let controlScores = ["reverse-grasp", "random"]
    static func controlName(_ score: String) -> String { "\(score) in GraSP's place (control)" }
    public var controlChecks: [String] { Self.controlScores.map(Self.controlName) }
    public let proofPath = "proofs/grasp-gradient-flow.md"
    public let source = "C. Wang, G. Zhang, R. Grosse, \"Picking winning tickets before training by preserving gradient flow\" (GraSP), ICLR 2020"
    public let rule = "count: post-pruning ‖g‖² (T = 200, pruning batch, weights) of GraSP ≥ 10× both reverse-GraSP and random at every density ≥ 10% and ≥ 2× at lower densities, on every paired seed; first-order prediction −2θ_Rᵀ(Hg)_R has the sign of the measured change for these three criteria on every seed, and Spearman ≥ 0.8 with it over all six criteria (adding SNIP, magnitude, SynFlow) × seeds, at each density ≥ 10%"
    public let negativeControl = "reverse-GraSP, and random pruning, put in GraSP's place must fail the same ≥ 10× / ≥ 2× rule"

    /// The claim's own settings, then GraSP's temperature and the training recipe, each declared once where it belongs.
    public let parameters: [Parameter] = {
        let grasp = GraSPScore.parameters[0]
        let epochs = TrainingRecipe.parameter("epochs")
        let trainEpochs = epochs.defaultValue(in: .standard) ?? .int(0)
        return [
            .int("seeds", quick: 3, standard: 5, full: 10, 2...100, "paired seeds"),
            .text("densities", "0.5,0.2,0.1,0.02", "kept fractions, comma-separated, each in (0, 1)"),
            Parameter(grasp.name, grasp.domain, default: grasp.defaultValue, "softmax temperature T of the GraSP scores and of the measured gradient"),
            TrainingRecipe.parameter("per-class"),
            .text("net", "mlp:256,256", "network (mlp:W1,W2,… or cnn:C1,…)"),
            .real("train-density", 0.02, .real(lower: 1e-4, upper: 1, lowerOpen: false, upperOpen: false), "density of the accuracy comparison after training"),
            // The recipe's epochs, except that quick runs skip the training comparison.
            Parameter("train-epochs", epochs.domain, default: .byMode(quick: .int(0), standard: trainEpochs, full: trainEpochs),
                      "epochs of that comparison (0 skips it)"),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    /// The six criteria compared; the first three are the rule's trio.
    static let compared = ["grasp", "reverse-grasp", "random", "snip", "magnitude", "synflow"]
    /// The criteria trained at `train-density` for the accuracy comparison.
    static let trained = ["grasp", "snip", "synflow", "random"]

    /// Every (seed, criterion, density) gradient-norm row, and the test accuracies after training.
    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var densities: [Double]
        var temperature: Double
        var perClass: Int
        var trainDensity: Double
        var epochs: Int
        /// Train / validation / test sizes of the digits split.
        var samples: [Int]
        var rows: [GradientFlowStudy.Row]
        /// Test accuracy per trained criterion, one per seed (empty when epochs = 0).
        var accuracy: [String: [Double]]
        /// Training runs that blew up (named in a note; their accuracies are not results).
        var divergences: [Divergence]

        func row(_ m: String, _ d: Double, _ s: UInt64) -> GradientFlowStudy.Row? {
            rows.first { $0.method == m && $0.density == d && $0.seed == s }
        }

        func ratios(_ m: String, _ d: Double) -> [Double] { seeds.compactMap { row(m, d, $0)?.ratio } }

        /// Per seed, G(candidate) / max G(other two of the rule's trio).
        func margins(_ candidate: String, _ d: Double) -> [Double] {
            let others = ["grasp", "reverse-grasp", "random"].filter { $0 != candidate }
            return seeds.compactMap { s in
                guard let c = row(candidate, d, s) else { return nil }
                let o = others.compactMap { row($0, d, s)?.after }.max() ?? .nan
                return c.after / o
            }
        }

        /// Geometric-mean G/G₀ of criterion `m` at density `d`.
        func meanRatio(_ m: String, _ d: Double) -> Double {
            Descriptive.geometricMeanCurve(ratios(m, d).map { [$0] }).first ?? .nan
        }

        /// The first-order prediction's agreement with the measured change at density `d`.
        func firstOrder(_ d: Double) -> FirstOrder {
            let trio: Set<String> = ["grasp", "reverse-grasp", "random"]
            let at = rows.filter { $0.density == d }
            let core = at.filter { trio.contains($0.method) }
            let f = GraspGradientFlowClaim.f
            return FirstOrder(
                signs: core.filter { ($0.predictedChange > 0) == ($0.change > 0) }.count, core: core.count,
                allSigns: at.filter { ($0.predictedChange > 0) == ($0.change > 0) }.count, all: at.count,
                misses: at.filter { ($0.predictedChange > 0) != ($0.change > 0) }
                    .map { "\($0.method) seed \($0.seed): measured \(f($0.change / $0.before))·G₀, predicted \(f($0.predictedChange / $0.before))·G₀" },
                rho: Descriptive.spearman(at.map(\.predictedChange), at.map(\.change)),
                sizes: at.map { abs($0.predictedChange / $0.change) })
        }

        /// Geometric-mean G/G₀ at the training density for each trained criterion (nan when that density was not pruned).
        var flowAtTrainDensity: [Double] {
            GraspGradientFlowClaim.trained.map { name -> Double in
                let r = seeds.compactMap { s -> Double? in
                    rows.first { $0.method == name && $0.seed == s && abs($0.density - trainDensity) < 1e-12 }?.ratio
                }
                return r.isEmpty ? .nan : exp(r.map { log($0) }.reduce(0, +) / Double(r.count))
            }
        }

        /// The trained criterion with the best mean test accuracy.
        var mostAccurate: String {
            GraspGradientFlowClaim.trained.max { Descriptive.mean(accuracy[$0] ?? []) < Descriptive.mean(accuracy[$1] ?? []) } ?? "grasp"
        }
    }

    /// Sign and rank agreement of −2θ_Rᵀ(Hg)_R with the measured Δ‖g‖² at one density.
    struct FirstOrder {
        var signs: Int, core: Int, allSigns: Int, all: Int
        var misses: [String]
        var rho: Double
        var sizes: [Double]
    }

    static func f(_ x: Double) -> String { NumberFormat.compact(x) }
    static func pct(_ d: Double) -> String { NumberFormat.compact(100 * d) + "%" }
    static func required(_ d: Double) -> Double { d >= 0.1 ? 10.0 : 2.0 }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let seedCount = run.int("seeds")
        let densities = try Self.parseDensities(run.string("densities"))
        let temperature = run.real("temperature")
        let perClass = run.int("per-class")
        let arch: Architecture
        do { arch = try Architecture.parse(run.string("net")) } catch { throw InputError("net: \(error)") }
        let trainDensity = run.real("train-density")
        let epochs = run.int("train-epochs")
        let recipe: TrainingRecipe
        do { recipe = try TrainingRecipe(parameters: run.parameters, epochs: epochs) } catch { throw InputError("\(error)") }

        let master = RandomStream(seed: run.seed)
        let seeds = (0..<seedCount).map { master.split($0).seed }
        let data = try PreparedData.digits()
        let experiment = PairedPruningExperiment(architecture: arch, data: data, recipe: recipe, pruningPerClass: perClass)
        // The claim's temperature configures every criterion that declares one (GraSP and its reverse).
        let methods = try PruningCatalog.scores(Self.compared.map { name throws(InputError) in try PruningCatalog.all.named(name) },
                                                overrides: ["temperature": run.string("temperature")]).scores
        let study = GradientFlowStudy(experiment: experiment, temperature: temperature, densities: densities, methods: methods)
        // Seeds run concurrently (each has its own stream); results are assembled in seed order.
        let rows = try ParallelRuns.map(seeds.count, workers: run.workers) { k in
            run.progress.update("grasp-gradient-flow: pruning, seed \(k + 1)/\(seedCount)")
            return try study.run(seed: seeds[k])
        }.flatMap { $0 }
        // Accuracy after training at one density: the larger gradient norm is not the better network.
        var accuracy = [String: [Double]](), divergences = [Divergence]()
        if epochs > 0 {
            let jobs = seeds.indices.flatMap { k in Self.trained.map { (k, $0) } }
            let trained = try ParallelRuns.map(jobs.count, workers: run.workers) { j -> (String, Double, Divergence?)? in
                let (k, name) = jobs[j]
                run.progress.update("grasp-gradient-flow: training at density \(Self.pct(trainDensity)), seed \(k + 1)/\(seedCount), \(name)")
                guard let method = methods.first(where: { $0.name == name }) else { return nil }
                let r = try experiment.run(method: method, density: trainDensity, seed: seeds[k], component: "\(name) seed \(k + 1)")
                return (name, r.test.accuracy, r.divergence)
            }
            for case let (name, acc, divergence)? in trained {
                accuracy[name, default: []].append(acc)
                if let d = divergence { divergences.append(d) }
            }
        }
        return Measurement(seeds: seeds, densities: densities, temperature: temperature, perClass: perClass, trainDensity: trainDensity,
                           epochs: epochs, samples: [data.train.count, data.validation.count, data.test.count], rows: rows,
                           accuracy: accuracy, divergences: divergences)
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let f = Self.f, pct = Self.pct
        var checks = [Check]()
        // Ratios span decades, so the count's margin of safety is taken on log10 of the ratio.
        func logCount(_ ratios: [Double], need: Double) -> Judgement {
            Count(line: log10(need), format: { "10^\(f($0))" }).judge(ratios.map { log10($0) })
        }
        for d in m.densities {
            let margins = m.margins("grasp", d)
            let need = Self.required(d)
            checks.append(Check("GraSP ≥ \(f(need))× reverse-GraSP and random at density \(pct(d))", role: .primary, logCount(margins, need: need),
                                rule: "G(GraSP) / max(G(reverse), G(random)) ≥ \(f(need)) on \(m.seeds.count)/\(m.seeds.count) seeds",
                                detail: "smallest ratio \(f(margins.min() ?? .nan)) over \(margins.count) seeds; \(margins.filter { $0 >= need }.count)/\(margins.count) pass"))
        }
        // First order: Δ‖g‖² ≈ −2 θ_Rᵀ(Hg)_R, claimed for sign and ordering only.
        // Sign: for the three criteria of the rule, whose first-order terms are large (|Δ| of order G₀ and above).
        // Ordering: Spearman over all six criteria × seeds. The all-criteria sign count is reported as info:
        // where the first-order term is small (SNIP at 50%, G/G₀ ≈ 1) the second-order terms decide the sign.
        for d in m.densities {
            let fo = m.firstOrder(d)
            checks.append(Check("first-order prediction at density \(pct(d))", role: d >= 0.1 ? .primary : .info,
                                .all([Count.judge(successes: fo.signs, of: fo.core, what: "sign right"),
                                      Rate([.estimateAtLeast(0.8)], format: f).judge(point: fo.rho)]),
                                rule: "sign of −2θ_Rᵀ(Hg)_R = sign of measured Δ‖g‖² for GraSP, reverse-GraSP and random on every seed, and Spearman ≥ 0.8 over all six criteria × seeds",
                                detail: "sign right in \(fo.signs)/\(fo.core), Spearman \(f(fo.rho)), |predicted/measured| \(f(fo.sizes.min() ?? .nan))–\(f(fo.sizes.max() ?? .nan))"))
            checks.append(Check("first-order sign over all six criteria at density \(pct(d)) (info)", role: .info,
                                rule: "sign right for every criterion and seed",
                                satisfied: fo.misses.isEmpty,
                                detail: fo.misses.isEmpty ? "\(fo.allSigns)/\(fo.all)" : "\(fo.allSigns)/\(fo.all); missed: " + fo.misses.joined(separator: "; ")))
        }
        for control in Self.controlScores {
            let failing = m.densities.map { d in (d, m.margins(control, d)) }
            // Every (density, seed) ratio against its own line: log10(ratio / required) ≥ 0.
            let excess = failing.flatMap { d, margins in margins.map { log10($0 / Self.required(d)) } }
            let worst = failing.map { d, margins in "\(pct(d)): \(f(margins.min() ?? .nan))" }.joined(separator: ", ")
            checks.append(Check(Self.controlName(control), role: .control, Count(line: 0, format: { "10^\(f($0))× the required ratio" }).judge(excess),
                                rule: "G(\(control)) / max(G of the other two) ≥ 10× at densities ≥ 10%, ≥ 2× below, on every seed",
                                detail: "smallest ratios \(worst)"))
        }
        if m.epochs > 0 {
            let flowAt = m.flowAtTrainDensity
            let best = m.mostAccurate
            let graspFlowBest = flowAt.allSatisfy { !($0 > flowAt[0]) }
            checks.append(Check("higher ‖g‖² carries over to accuracy (info)", role: .info,
                                rule: "GraSP, with the largest G after pruning, also has the best mean test accuracy after \(m.epochs) epochs at density \(pct(m.trainDensity))",
                                satisfied: graspFlowBest && best == "grasp",
                                detail: "GraSP \(String(format: "%.1f", 100 * Descriptive.mean(m.accuracy["grasp"] ?? [])))%, best \(best) \(String(format: "%.1f", 100 * Descriptive.mean(m.accuracy[best] ?? [])))%"))
        }
        return checks
    }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        let f = Self.f, pct = Self.pct, seeds = m.seeds
        var fits = [FitRecord]()
        var perSeed = [PerSeedRecord]()
        for d in m.densities {
            for other in ["reverse-grasp", "random"] {
                let logs = seeds.compactMap { s -> Double? in
                    guard let a = m.row("grasp", d, s), let b = m.row(other, d, s) else { return nil }
                    return log10(a.after / b.after)
                }
                if let ci = try? ConfidenceInterval(tOver: logs) {
                    let back = ci.mapped { pow(10, $0) }
                    fits.append(FitRecord(name: "G(GraSP)/G(\(other)) at density \(d)", model: "geometric-mean ratio", window: [d, d],
                                          estimate: back.estimate, interval: back, extra: ["min": logs.map { pow(10, $0) }.min() ?? .nan]))
                }
                perSeed.append(PerSeedRecord(name: "G(GraSP)/G(\(other)) at density \(d)", seeds: seeds,
                                             values: seeds.map { s in (m.row("grasp", d, s)?.after ?? .nan) / (m.row(other, d, s)?.after ?? .nan) }))
            }
        }
        for d in m.densities {
            perSeed.append(PerSeedRecord(name: "kept-only G(GraSP)/max G(reverse, random) at density \(d)", seeds: seeds,
                                         values: seeds.map { s in
                                             (m.row("grasp", d, s)?.afterKept ?? .nan) / max(m.row("reverse-grasp", d, s)?.afterKept ?? .nan, m.row("random", d, s)?.afterKept ?? .nan)
                                         }))
        }
        for name in Self.compared {
            for d in m.densities {
                perSeed.append(PerSeedRecord(name: "G/G0 \(name) at density \(d)", seeds: seeds, values: seeds.map { m.row(name, d, $0)?.ratio ?? .nan }))
                perSeed.append(PerSeedRecord(name: "first-order predicted change/G0 \(name) at density \(d)", seeds: seeds,
                                             values: seeds.map { s in m.row(name, d, s).map { $0.predictedChange / $0.before } ?? .nan }))
            }
        }
        var notes = ["G = ‖∇_θ L(θ ⊙ m)‖² over every prunable weight position (removed ones included, biases excluded) of the mean cross-entropy at T = \(f(m.temperature)) on the class-balanced pruning batch (\(m.perClass) per class), G₀ = dense; this is the quantity of GraSP's Taylor argument and the one the spec's prototype measured. Over the surviving weights only, GraSP's margins are larger still (see perSeed 'kept-only')",
                     "first-order prediction uses g and Hg of the dense network (exact R-operator HVP); it is claimed for sign and ordering only, its size is off by the factor shown"]
        if m.epochs > 0 {
            for name in Self.trained {
                perSeed.append(PerSeedRecord(name: "test accuracy \(name) at density \(m.trainDensity)", seeds: seeds, values: m.accuracy[name] ?? []))
            }
            let summary = Self.trained.map { "\($0) \(String(format: "%.1f", 100 * Descriptive.mean(m.accuracy[$0] ?? [])))%" }.joined(separator: ", ")
            notes.append(m.mostAccurate == "grasp"
                ? "after \(m.epochs) epochs at density \(pct(m.trainDensity)) GraSP also had the best mean accuracy here (\(summary)); the prototype found otherwise — gradient norm at init and accuracy after training are different questions"
                : "the larger gradient norm does NOT carry over to accuracy: after \(m.epochs) epochs at density \(pct(m.trainDensity)), \(summary); GraSP starts with the largest ‖g‖² but is not the most accurate (the prototype found the same)")
        } else {
            notes.append("not trained here (train-epochs = 0); the prototype found that GraSP's larger gradient norm does NOT carry over to accuracy after training (at 2%: GraSP 94.8%, SNIP 95.2%, SynFlow 96.2%)")
        }
        if !m.divergences.isEmpty {
            notes.append("training diverged, so those accuracies are not results: " + m.divergences.map(\.description).joined(separator: "; "))
        }
        var figure = Figure(title: "‖g‖² after pruning / dense (geometric mean over \(seeds.count) seeds, T = \(f(m.temperature)))",
                            xLabel: "density (kept fraction)", yLabel: "G / G₀", xScale: .log10, yScale: .log10)
        for name in Self.compared {
            figure.add(.init(name, record: "G/G0 \(name)", x: m.densities, y: m.densities.map { m.meanRatio(name, $0) },
                             dashed: name == "random" || name == "reverse-grasp"))
        }
        let s = m.samples.map(String.init).joined(separator: "/")
        return ClaimResults(seeds: seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(s), standardised)",
                                    "methods": Self.compared.joined(separator: ",")])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        let f = Self.f, pct = Self.pct, seeds = m.seeds, densities = m.densities
        var report = results.figures[0].render(run.plotStyle) + "\n"
        report += Table(headers: ["G/G₀ (geo-mean)"] + densities.map(pct),
                        rows: Self.compared.map { name in [name] + densities.map { d in f(m.meanRatio(name, d)) } }).render()
        report += "\n"
        report += Table(headers: ["density", "min G(GraSP)/G(reverse)", "min G(GraSP)/G(random)", "required", "disconnected classes (GraSP, max)"],
                        rows: densities.map { d in
                            let rev = seeds.compactMap { s in m.row("grasp", d, s).flatMap { a in m.row("reverse-grasp", d, s).map { a.after / $0.after } } }
                            let ran = seeds.compactMap { s in m.row("grasp", d, s).flatMap { a in m.row("random", d, s).map { a.after / $0.after } } }
                            let disc = seeds.compactMap { m.row("grasp", d, $0)?.disconnectedClasses }.max() ?? 0
                            return [pct(d), f(rev.min() ?? .nan), f(ran.min() ?? .nan), "\(f(Self.required(d)))×", "\(disc)"]
                        }).render()
        report += "\n"
        let firstOrderRows = densities.map { d -> [String] in
            let fo = m.firstOrder(d)
            return [pct(d), "\(fo.signs)/\(fo.core)", "\(fo.allSigns)/\(fo.all)", f(fo.rho), "\(f(fo.sizes.min() ?? .nan))–\(f(fo.sizes.max() ?? .nan))"]
        }
        report += Table(headers: ["density", "sign right (rule's 3)", "sign right (all 6)", "Spearman(pred, measured)", "|pred/measured|"], rows: firstOrderRows).render()
        if m.epochs > 0 {
            let flowAt = m.flowAtTrainDensity
            let rows = Self.trained.enumerated().map { i, name -> [String] in
                let a = m.accuracy[name] ?? []
                return [name, flowAt[i].isNaN ? "—" : f(flowAt[i]),
                        String(format: "%.1f ± %.1f", 100 * Descriptive.mean(a), 100 * Descriptive.standardDeviation(a))]
            }
            report += "\n"
            report += Table(headers: ["trained at \(pct(m.trainDensity))", "G/G₀ at init", "test accuracy % (mean ± sd)"], rows: rows).render()
        }
        return report
    }

    static func parseDensities(_ text: String) throws(InputError) -> [Double] {
        var out = [Double]()
        for part in text.split(separator: ",") {
            guard let d = Double(part.trimmingCharacters(in: .whitespaces)), d.isFinite, d > 0, d < 1 else {
                throw InputError("parameter densities: '\(part)' is not a density in (0, 1)")
            }
            out.append(d)
        }
        guard !out.isEmpty else { throw InputError("parameter densities is empty") }
        return out
    }
}
