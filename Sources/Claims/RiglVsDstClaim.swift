import ClaimKit
import Components
import Datasets
import Foundation
import SparseNets
import Statistics
import TextPlot

/// [Re] RigL: at a fixed training budget RigL surpasses SET and SNFS over a range of sparsities; every sparse method beats a dense network of the same parameter count.
public struct RiglVsDstClaim: Claim {
    public init() {}

    public let id = "rigl-vs-dst"
    public let statement = "boundary: on the digits MLP, [Re] RigL's \"RigL surpasses existing dynamic-sparse training methods over a range of target sparsities\" does not reproduce (RigL is never clear of both SET and SNFS at 80/90/95/98%: it clears SET at 98%, SNFS is level or ahead), nor does \"sparse beats small-dense\" at 90/95/98% (a dense MLP of equal parameter count is level or ahead)"
    public let proofPath = "proofs/rigl-vs-dst.md"
    public let rule = "boundary, digits MLP 64-256-256-10, ERK, α = 0.3, ΔT = 100, T_end = 75%, 40 epochs, 10 paired seeds (same θ₀, data order and initial mask): at each of 80%, 90%, 95%, 98% one finding from the 95% t-intervals of RigL − SET and RigL − SNFS (reproduces: both above 0; does not reproduce: either below 0; else inconclusive); at each of 90%, 95%, 98% one finding from the intervals of RigL, SET and SNFS − small-dense (the MLP with both hidden widths scaled by one factor so its weight count is nearest the sparse non-zero count) by the same combination; every check passes on does-not-reproduce or inconclusive and fails on reproduces (fixed on calibration master seed 1000: RigL-vs-rivals inconclusive at 80/90/95%, does not reproduce at 98%; small-dense inconclusive at 90%, does not reproduce at 95/98%)"
    public let negativeControl = "power control: the same boundary rule on RigL − SET alone at 98% must fail (reproduces), so the intervals can detect a real advantage"
    public let source = "V. Sundar, R. V. Dwaraknath, \"[Re] Rigging the Lottery: Making All Tickets Winners\", ReScience C 7(2), 2021; U. Evci, T. Gale, J. Menick, P. S. Castro, E. Elsen, \"Rigging the lottery: making all tickets winners\", ICML 2020"
    static let powerControl = "RigL − SET alone at the extreme sparsity under the same boundary rule (power control)"
    public var controlChecks: [String] { [Self.powerControl] }

    public let parameters: [Parameter] = {
        let epochs = TrainingRecipe.parameter("epochs")
        return [
            .int("seeds", quick: 3, standard: 10, full: 10, 2...100, "paired seeds"),
            .real("small-dense-from", 0.9, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "the sparse methods must beat small-dense at this sparsity and above"),
        ] + RiglArms.parameters.map { $0.name == "sparsities" ? .text("sparsities", "0.8,0.9,0.95,0.98", $0.help) : $0 } + [
            Parameter(epochs.name, epochs.domain, default: .byMode(quick: .int(10), standard: .int(40), full: .int(40)), epochs.help),
        ] + TrainingRecipe.parameters.filter { $0.name != "epochs" && $0.name != "per-class" }
    }()

    static let rivals = ["set", "snfs"]
    static let sparse = ["rigl", "set", "snfs"]
    /// The findings each sparsity's boundary check accepts (fixed on calibration seeds 1000-1002).
    static func accepted(_ s: Double) -> Set<BoundaryFinding> {
        [.doesNotReproduce, .inconclusive]
    }
    /// The findings each sparsity's small-dense boundary accepts (fixed on calibration master seed 1000).
    static func acceptedSmallDense(_ s: Double) -> Set<BoundaryFinding> {
        [.doesNotReproduce, .inconclusive]
    }
    /// [Re] RigL's CIFAR-10 WRN-22-2 figures at 80% sparsity (test %, mean ± sd over seeds).
    static let paper = "[Re] RigL CIFAR-10 at 80%: RigL (ERK) 93.1 ± 0.09, SET (ERK) 92.9 ± 0.16, small-dense 91.0 ± 0.07, static 91.2 ± 0.16"

    public struct Measurement: Sendable {
        var seeds: [UInt64]
        var sparsities: [Double]
        var smallDenseFrom: Double
        var samples: [Int]
        var runs: [SparseRunResult]
        /// The small-dense network at each sparsity.
        var smallNetworks: [Double: String]

        func gaps(_ a: String, _ b: String, _ s: Double) -> [Double] { SparseComparison.pairedGaps(runs, a, b, sparsity: s, seeds: seeds) }
        var superioritySparsities: [Double] { sparsities.filter { $0 >= smallDenseFrom } }
    }

    public func measure(_ run: ClaimRun) throws -> Measurement {
        let setup = try RiglArms.setup(run)
        let sparsities = try RiglArms.sparsities(run)
        let from = run.real("small-dense-from")
        guard sparsities.contains(where: { $0 >= from }) else {
            throw InputError("parameter small-dense-from: no sparsity in \(sparsities) is at or above \(from)")
        }
        let allocations = try sparsities.map(setup.allocation)
        var runs = try SparseComparison.run(setup.experiment, methods: try Self.sparse.map { try RiglArms.method($0, run) }, allocations: allocations,
                                            seeds: setup.seeds, workers: run.workers, progress: run.progress, label: "rigl-vs-dst")
        runs += try SmallDense.run(setup.experiment, allocations: allocations, seeds: setup.seeds, workers: run.workers, progress: run.progress,
                                   label: "rigl-vs-dst small-dense")
        var small = [Double: String]()
        let data = setup.experiment.data.train
        for a in allocations {
            small[a.sparsity] = try? SmallDense.network(matching: a.totalNonZeros, from: setup.experiment.network, inputSize: data.dimension,
                                                        classCount: data.classCount).description
        }
        return Measurement(seeds: setup.seeds, sparsities: sparsities, smallDenseFrom: from, samples: setup.samples, runs: runs, smallNetworks: small)
    }

    /// One finding from several boundaries on the paper's side "above 0": reproduces when all do, does not when any does not, else inconclusive.
    static func combined(_ gaps: [[Double]], accepts: Set<BoundaryFinding>) -> Judgement {
        let parts = gaps.map { Boundary(line: 0, paper: .above, accepts: accepts, format: { String(format: "%g points", 100 * $0) }).judge($0) }
        let finding: BoundaryFinding = parts.contains { $0.finding == .doesNotReproduce } ? .doesNotReproduce
            : parts.allSatisfy { $0.finding == .reproduces } ? .reproduces : .inconclusive
        var out = Judgement.all(parts)
        out.finding = finding
        out.outcome = accepts.contains(finding) ? .passed : (finding == .inconclusive ? .inconclusive : .failed)
        out.marginOfSafety = parts.compactMap(\.marginOfSafety).min()
        return out
    }

    /// RigL, SET and SNFS against small-dense at `s`: one finding.
    static func smallDense(_ m: Measurement, _ s: Double) -> Judgement {
        combined(sparse.map { m.gaps($0, SmallDense.method, s) }, accepts: acceptedSmallDense(s))
    }

    /// One finding from RigL's two boundaries: reproduces when both do, does not when either does not, else inconclusive.
    static func boundary(_ m: Measurement, _ s: Double) -> Judgement {
        combined(rivals.map { m.gaps("rigl", $0, s) }, accepts: accepted(s))
    }

    public func checks(_ m: Measurement, _ run: ClaimRun) -> [Check] {
        let points: @Sendable (Double) -> String = { String(format: "%g points", 100 * $0) }
        var checks = [Check]()
        for s in m.sparsities {
            let detail = Self.rivals.map { "rigl − \($0): " + GapText.gap(m.gaps("rigl", $0, s), sd: true) }.joined(separator: "; ")
            checks.append(Check("RigL surpasses SET and SNFS at \(s) (boundary)", role: .primary, Self.boundary(m, s), detail: detail))
        }
        for s in m.superioritySparsities {
            let detail = Self.sparse.map { "\($0) − small-dense: " + GapText.gap(m.gaps($0, SmallDense.method, s), sd: true) }.joined(separator: "; ")
            checks.append(Check("sparse methods beat small-dense (\(m.smallNetworks[s] ?? "?")) at \(s) (boundary)", role: .primary, Self.smallDense(m, s), detail: detail))
        }
        if let top = m.sparsities.max() {
            let g = m.gaps("rigl", "set", top)
            checks.append(Check(Self.powerControl, role: .control, Boundary(line: 0, paper: .above, accepts: Self.accepted(top), format: points).judge(g),
                                detail: "rigl − set at \(top): " + GapText.gap(g, sd: true)))
        }
        return checks
    }

    public func previousRuleVerdicts(_ m: Measurement, _ run: ClaimRun) -> [PreviousRuleVerdict] { [] }

    public func results(_ m: Measurement, _ run: ClaimRun) -> ClaimResults {
        var perSeed = [PerSeedRecord](), fits = [FitRecord]()
        let methods = Self.sparse + [SmallDense.method]
        for s in m.sparsities {
            for name in methods {
                perSeed.append(PerSeedRecord(name: "test accuracy \(name) at \(s)", seeds: m.seeds, values: SparseComparison.accuracies(m.runs, name, sparsity: s, seeds: m.seeds)))
            }
            for (a, b) in Self.rivals.map({ ("rigl", $0) }) + Self.sparse.map({ ($0, SmallDense.method) }) {
                let g = m.gaps(a, b, s)
                perSeed.append(PerSeedRecord(name: "gap \(a) - \(b) at \(s)", seeds: m.seeds, values: g))
                if let ci = try? ConfidenceInterval(tOver: g) {
                    fits.append(FitRecord(name: "\(a) - \(b) at sparsity \(s)", model: "paired mean gap", window: [s, s], estimate: ci.estimate, interval: ci,
                                          extra: ["sd": Descriptive.standardDeviation(g)]))
                }
            }
        }
        var figure = Figure(title: "test accuracy against sparsity (mean over \(m.seeds.count) paired seeds)", xLabel: "density (1 − sparsity)", yLabel: "test accuracy %", xScale: .log10)
        for name in methods {
            let xs = m.sparsities.map { 1 - $0 }, ys = m.sparsities.map { 100 * Descriptive.mean(SparseComparison.accuracies(m.runs, name, sparsity: $0, seeds: m.seeds)) }
            figure.add(.init(name, record: "accuracy vs density \(name)", x: xs, y: ys))
        }
        var notes = [
            "paired seeds: RigL, SET and SNFS start from the seed's θ₀ and ERK random mask and see the same data order; small-dense is another network, so it shares only the data order (its θ₀ is drawn from the same seed's stream for its own shapes)",
            "small-dense networks: " + m.sparsities.map { "\($0): \(m.smallNetworks[$0] ?? "?")" }.joined(separator: ", "),
            "paper: " + Self.paper,
        ]
        let divergences = m.runs.compactMap(\.divergence)
        if !divergences.isEmpty { notes.append("training diverged, so those accuracies are not results: " + divergences.map(\.description).joined(separator: "; ")) }
        return ClaimResults(seeds: m.seeds, fits: fits, perSeed: perSeed, figures: [figure], notes: notes,
                            facts: ["data": "digits (split seed \(DataPolicy.defaultSplitSeed), \(m.samples.map(String.init).joined(separator: "/")), standardised)",
                                    "methods": Self.sparse.map { name in (try? SparseMethodCatalog.method(named: name).composition).map { "\(name) = \($0)" } ?? name }.joined(separator: "; ")
                                        + "; small-dense = dense MLP with widths scaled to the sparse non-zero count"])
    }

    public func report(_ m: Measurement, _ results: ClaimResults, _ run: ClaimRun) -> String {
        var out = results.figures[0].render(run.plotStyle) + "\n"
        var rows = [[String]]()
        for s in m.sparsities {
            let j = Self.boundary(m, s)
            rows.append(["\(s)", "RigL surpasses SET, SNFS", "SET " + RiglArms.interval(m.gaps("rigl", "set", s)) + "; SNFS " + RiglArms.interval(m.gaps("rigl", "snfs", s)),
                         RiglArms.outcome(j) + (j.outcome == .passed ? "" : " (\(j.outcome.rawValue))")])
            if s >= m.smallDenseFrom {
                let parts = Self.sparse.map { "\($0) " + RiglArms.interval(m.gaps($0, SmallDense.method, s)) }
                let j = Self.smallDense(m, s)
                rows.append(["\(s)", "sparse beats small-dense (\(m.smallNetworks[s] ?? "?"))", parts.joined(separator: "; "),
                             RiglArms.outcome(j) + (j.outcome == .passed ? "" : " (\(j.outcome.rawValue))")])
            }
        }
        out += Table(headers: ["S", "paper's statement", "measured gap, points [95% CI]", "outcome"], rows: rows).render() + "\n"
        let summary = SparseComparison.summarise(m.runs, methods: Self.sparse + [SmallDense.method], sparsities: m.sparsities, baseline: SmallDense.method)
        out += Table(headers: ["S", "method", "test acc %", "train FLOPs ×dense"],
                     rows: summary.map { ["\($0.sparsity)", $0.method, GapText.pct($0.meanTestAccuracy), String(format: "%.3f", $0.trainingFLOPsFraction)] }).render() + "\n"
        out += "paper: \(Self.paper)\n"
        return out
    }
}
