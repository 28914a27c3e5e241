import ArgumentParser
import Components
import Foundation
import GreedySelection
import Randomness
import Statistics
import TextPlot

/// `workbench greedy decay`: the seed-pooled discrepancy of each selector, on random networks or a user's atoms.
struct GreedyDecayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decay",
        abstract: "Run the selectors and plot the seed-pooled discrepancy L_n with the fitted decay constants.",
        discussion: """
        Without --atoms, draws a random two-layer network per seed (--set M, N, d, activation, heldout, trained) and \
        runs every selector on it. With --atoms FILE, runs them once on a CSV matrix of neuron outputs (M rows = \
        inputs, N columns = neurons; with --target-column the last column is the target instead of the mean).

        Examples:
          workbench greedy decay
          workbench greedy decay --selectors greedy-linesearch,worst-neuron --set N=300 --set seeds=10
          workbench greedy decay --atoms my_layer.csv --target-column --set n_max=100
          workbench greedy decay --list-params
        """)

    @OptionGroup var decay: DecayOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        if decay.selection.listParams { emit(try decay.selection.parameterTable(decay.declared)); return }
        let result = try decay.run(seed: common.seed, progress: common.progress)
        var record = GreedyRecord(command: "greedy-decay", seed: common.seed, parameters: result.parameters, facts: result.facts)
        record.methods = result.methodCurves
        record.geometry = result.geometry
        try common.emit(record, command: record.command) { result.report(common.plotStyle) + "\n" }
    }
}

/// `workbench greedy tolerance`: the neurons each selector needs to reach L ≤ ε, after the decay report.
struct GreedyToleranceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tolerance",
        abstract: "Print the neurons each selector needs to reach L ≤ ε (and every decade above it): the logarithmic-tickets curve.",
        discussion: """
        Runs what `greedy decay` runs (same options), then counts, per selector, the median distinct neurons and steps \
        needed for L ≤ ε at ε and every decade from 1e-2 down to it.

        Examples:
          workbench greedy tolerance --epsilon 1e-10
          workbench greedy tolerance --epsilon 1e-6 --selectors greedy-linesearch,fully-corrective --set N=300
        """)

    @Option(help: ArgumentHelp("The smallest tolerance ε on the loss L_n.", valueName: "ε"))
    var epsilon: Double

    @OptionGroup var decay: DecayOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        do { try GreedyValidation.checkTolerance(epsilon) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        if decay.selection.listParams { emit(try decay.selection.parameterTable(decay.declared)); return }
        let result = try decay.run(seed: common.seed, progress: common.progress)
        var record = GreedyRecord(command: "greedy-tolerance", seed: common.seed, parameters: result.parameters, facts: result.facts)
        record.methods = result.methodCurves
        record.geometry = result.geometry
        let levels = ToleranceLevel.levels(downTo: epsilon)
        let rows = result.selectors.map { ToleranceLevel.rows(result.runs, selector: $0.name, levels: levels) }
        record.tolerance = rows.joined().map {
            .init(method: $0.selector, epsilon: $0.epsilon, reached: $0.reached, seeds: $0.seeds, medianSteps: $0.medianSteps, medianNeurons: $0.medianNeurons)
        }
        try common.emit(record, command: record.command) {
            result.report(common.plotStyle) + Self.table(rows, levels: levels, common.plotStyle) + "\n"
        }
    }

    /// The chart of neurons against log10(1/ε) and the table of neurons (steps) per level.
    static func table(_ rows: [[ToleranceLevel]], levels: [Double], _ style: PlotStyle) -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        var plot = LinePlot(title: "Neurons needed for L ≤ ε (median over instances): the logarithmic-tickets curve",
                            xLabel: "log10(1/ε)", yLabel: "distinct neurons", xScale: .linear, yScale: .linear)
        var table = [[String]]()
        for selectorRows in rows {
            guard let name = selectorRows.first?.selector else { continue }
            var row = [name], px = [Double](), py = [Double]()
            for r in selectorRows {
                let all = r.reached == r.seeds
                if all, let n = r.medianNeurons { px.append(-log10(r.epsilon)); py.append(n) }
                row.append(all ? "\(f(r.medianNeurons ?? .nan)) (\(f(r.medianSteps ?? .nan)))" : "> n_max (\(r.reached)/\(r.seeds))")
            }
            if px.count >= 2 { plot.add(Series(name: name, x: px, y: py)) }
            table.append(row)
        }
        let chart = plot.series.isEmpty ? "" : "\n" + plot.render(style)
        return chart + "\nNeurons needed for L ≤ ε: median distinct neurons (median steps); logarithmic tickets grow linearly in log 1/ε\n"
            + Table(headers: ["method"] + levels.map { "ε=\(f($0))" }, rows: table).render()
    }
}

/// What `greedy decay` and `greedy tolerance` share: where the atoms come from, the selectors and `--set`.
struct DecayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CSV of neuron outputs (M rows × N columns) instead of random networks.", valueName: "file"))
    var atoms: String?

    @Flag(help: "With --atoms: the last column is the target (default: the mean of the neurons).")
    var targetColumn = false

    @OptionGroup var selection: SelectorOptions

    func validate() throws {
        if targetColumn && atoms == nil { throw ValidationError("--target-column applies only with --atoms") }
    }

    /// What `--set` may name besides selector parameters: the instance, n_max and seeds, or only n_max with --atoms.
    var declared: [Parameter] {
        atoms == nil
            ? GreedyInstance.parameters + [GreedyInstance.trainedParameter, DecayExperiment.stepsParameter, DecayExperiment.seedsParameter]
            : [DecayExperiment.stepsParameter]
    }

    /// Resolves the settings and runs the experiment (one run on the atom file, or one per seed).
    func run(seed: UInt64, progress: ProgressReporter) throws -> DecayResult {
        if atoms != nil {
            let instanceKeys = Set((GreedyInstance.parameters + [GreedyInstance.trainedParameter, DecayExperiment.seedsParameter]).map(\.name))
            if let key = try selection.overrides().keys.sorted().first(where: instanceKeys.contains) {
                throw InputError("--set \(key) does not apply with --atoms (the file is the instance, run once)")
            }
        }
        let (values, selectors) = try selection.resolve(declared, owner: "greedy")
        let steps = values.int(DecayExperiment.stepsParameter.name)
        var facts = ["selectors": selectors.map(\.name).joined(separator: ",")]
        let runs: [DecayExperiment.SeedRun]
        if let path = atoms {
            let problem = try GreedyValidation.loadAtoms(path: path, targetColumn: targetColumn)
            facts["atoms"] = path
            facts["M"] = String(problem.inputCount)
            facts["N"] = String(problem.neuronCount)
            facts["target"] = targetColumn ? "last column" : "mean of the neurons"
            let run = try DecayExperiment.single(problem, steps: steps, seed: seed, selectors: selectors)
            // The interior assumption of the exponential rate, checked on the user's atoms (issue #30, item 6).
            let bounds = try InradiusBounds(problem, stream: RandomStream(seed: seed).split("directions"))
            facts["r_lb"] = NumberFormat.compact(bounds.lowerBound)
            facts["assumption"] = bounds.lowerBound > 0 ? "met" : "not met"
            runs = [DecayExperiment.SeedRun(seed: run.seed, traces: run.traces, variance: run.variance, width: run.width, bounds: bounds)]
        } else {
            let experiment = DecayExperiment(instance: try GreedyInstance(values), steps: steps,
                                             seeds: DecayExperiment.seeds(master: seed, count: values.int(DecayExperiment.seedsParameter.name)),
                                             selectors: selectors, computeBounds: true)
            runs = try experiment.run { progress.update("greedy: \($0)") }
        }
        progress.finish()
        var all = values.values
        all.merge(ConfiguredSelector.recorded(selectors)) { a, _ in a }
        return DecayResult(runs: runs, selectors: selectors, steps: steps, parameters: ParameterValues(all), facts: facts)
    }
}

/// The runs of `greedy decay` / `greedy tolerance` and their per-selector summaries.
struct DecayResult {
    var runs: [DecayExperiment.SeedRun]
    var selectors: [ConfiguredSelector]
    var steps: Int
    var parameters: ParameterValues
    var facts: [String: String]
    /// One summary per selector that has a step.
    var summaries: [SelectorSummary]

    init(runs: [DecayExperiment.SeedRun], selectors: [ConfiguredSelector], steps: Int, parameters: ParameterValues, facts: [String: String]) {
        self.runs = runs
        self.selectors = selectors
        self.steps = steps
        self.parameters = parameters
        self.facts = facts
        summaries = selectors.compactMap { SelectorSummary(runs, selector: $0.name) }
    }

    /// The record's per-selector curves.
    var methodCurves: [GreedyRecord.MethodCurve] {
        summaries.map {
            .init(method: $0.selector, loss: $0.pooled, heldOutLoss: $0.heldOut, distinct: $0.distinct, decayConstant: $0.decayConstant,
                  semilogRSquared: $0.test?.exponential.rSquared, logLogRSquared: $0.test?.powerLaw.rSquared)
        }
    }

    /// Per instance: the certified r (and how: exact / LP-best), the eigenbasis bound, r's upper bound, D and c_thm.
    var geometry: [GreedyRecord.GeometryPoint] {
        runs.compactMap { r in
            r.bounds.map { b in
                .init(seed: r.seed, dimension: b.dimension, neurons: r.width, rLower: b.lowerBound, rSource: b.source.rawValue,
                      // A target outside the hull has a negative reach; r itself is 0 there.
                      rEigenbasis: b.eigenbasisLowerBound, rUpper: max(0, b.upperBound), diameter: b.diameter,
                      cThm: TheoremRate.constant(r: b.lowerBound, diameter: b.diameter), fallbackReason: b.fallbackReason)
            }
        }
    }

    /// Plot and table of the seed-pooled curves.
    func report(_ style: PlotStyle) -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        let r4 = { (x: Double) in NumberFormat.compact(x, significant: 4) }
        var plot = LinePlot(title: "Discrepancy L_n (geometric mean over \(runs.count) instance\(runs.count == 1 ? "" : "s"))",
                            xLabel: "n (selection steps)", yLabel: "L_n", xScale: .linear, yScale: .log10)
        let shown = [10, 50, 100, 200, 400, 1000].filter { $0 <= steps }
        var rows = [[String]]()
        for s in summaries {
            let len = s.pooled.count
            plot.add(Series(name: s.selector, x: (1...len).map(Double.init), y: s.pooled))
            // A rate needs a fit window of at least a decade of n (fully-corrective reaches t exactly within M + 1 steps).
            let c: String
            if let test = s.test, test.windowDecades < 1 {
                c = "— (n_end = \(test.end))"
            } else if s.test == nil {
                c = "—"
            } else if s.rates.count >= 2 {
                c = s.interval.map { $0.formatted(f) } ?? "—"
            } else {
                c = s.rates.first.map(f) ?? "—"
            }
            let pooled: [String] = shown.map { (n: Int) -> String in n <= len ? f(s.pooled[n - 1]) : "" }
            let heldOut: String = s.heldOut.map { f($0.last ?? .nan) } ?? "—"
            let fits: String = s.test.map { "\(r4($0.exponential.rSquared)) / \(r4($0.powerLaw.rSquared))" } ?? "—"
            rows.append([s.selector] + pooled + [heldOut, c, fits, f(s.finalDistinct)])
        }
        if let v = runs.first?.variance {
            let xs = (1...steps).map(Double.init)
            plot.add(Series(name: "V/n", x: xs, y: xs.map { v / $0 }, dashed: true))
        }
        var notes = ""
        for s in selectors where s.type.recordsCertificate {
            let traces = runs.compactMap { $0.traces[s.name] }
            let bad = traces.map { $0.certificateViolations().count }.reduce(0, +)
            let checked = traces.map { t in t.loss.dropLast().filter { $0 > DecayFigures.certificateFloor }.count }.reduce(0, +)
            notes += "\(s.name): certificate L_{n+1} ≤ (1 − w_n²/D_n²) L_n \(bad == 0 ? "holds" : "BROKEN") (\(bad) violations in \(checked) steps)\n"
        }
        let geo = geometry
        if !geo.isEmpty {
            notes += "\nInradius of t in the hull per instance (r_lb certified: exact by facet enumeration, else the best LP bound)\n"
            notes += Table(headers: ["seed", "k", "N", "r_lb", "r_lb source", "eigenbasis LP", "r upper", "D", "c_thm"], rows: geo.map {
                [String($0.seed), String($0.dimension), String($0.neurons), f($0.rLower), $0.rSource, f($0.rEigenbasis), f($0.rUpper), f($0.diameter), f($0.cThm)]
            }).render()
            if !notes.hasSuffix("\n") { notes += "\n" }
            if let reason = geo.first(where: { $0.fallbackReason != nil })?.fallbackReason { notes += "exact r not computed: \(reason)\n" }
        }
        if runs.count == 1, let b = runs[0].bounds {
            let cThm = TheoremRate.constant(r: b.lowerBound, diameter: b.diameter)
            notes += b.lowerBound > 0
                ? "assumption met: r_lb = \(f(b.lowerBound)) > 0 (D = \(f(b.diameter))), so L_n ≤ L_1 e^{−(n−1) c_thm} with c_thm = −ln(1 − r_lb²/D²) = \(f(cThm))\n"
                : "assumption not met: r_lb = 0 (the target \(b.targetOutsideHull ? "lies outside the hull of the atoms" : "is not certified interior to the hull of the atoms"); D = \(f(b.diameter))): the exponential rate is not promised\n"
        }
        return plot.render(style) + "\n"
            + Table(headers: ["method"] + shown.map { "L@\($0)" } + ["held-out L@\(steps)", "c (95% t-CI over seeds)", "R² semilog / log-log", "distinct"],
                    rows: rows).render() + (notes.isEmpty ? "" : "\n" + notes)
    }
}
