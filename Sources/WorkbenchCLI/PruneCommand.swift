import ArgumentParser
import ClaimKit
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// `workbench prune`: prune a network at initialisation, train it, and report densities, accuracy, gradient flow and connectivity.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Prune at initialisation (\(PruningCatalog.all.names.joined(separator: ", "))), train, and compare.",
        discussion: """
        One method and one sparsity: prints density per layer (bar chart), accuracy, ‖g‖² before and after \
        pruning, a spy plot of one layer's mask, collapsed layers and classes left with no input-to-output path. \
        Several methods or sparsities: runs every pair on the same paired seeds (same initial weights, pruning \
        batch and data order) and prints test accuracy against sparsity with a table.

        Data: --data names a shipped set (\(BuiltinDatasets.names.joined(separator: ", "))), a .csv file (label last), a LIBSVM file \
        (.libsvm/.svm/.svmlight/.txt) or an IDX pair images,labels, split 60/20/20 stratified (fixed split seed; \
        a set with its own test split keeps it, see workbench data list) and standardised on the training part. Or give your own split with --train and --validation (and \
        optionally --test): the files are used as they are, standardised on the training file; without --test \
        the figures reported as test accuracy are validation accuracy (the record says so in evaluatedOn).

        Pruning scores and their parameters (set with --set key=value):
        \(scoreTable)

        The training recipe is set with its own flags (--epochs … --per-class); their defaults are the \
        declared ones shown with each flag. A diverging training run (non-finite loss or weights) is \
        reported and recorded, and the command exits 1 naming it.

        Examples:
          workbench prune --method grasp --sparsity 0.98 --net mlp:300,100 --data digits
          workbench prune --method snip,grasp,synflow,random --sparsity 0.9,0.98,0.99,0.995 --seeds 5
          workbench prune --method grasp,synflow --set temperature=100 --set rounds=50
          workbench prune --method synflow --sparsity 0.99 --net cnn:16,32 --json
          workbench prune --train train.csv --validation val.csv --test test.csv --net mlp:64
          workbench prune --model net.safetensors --method snip --sparsity 0.9 --save-masks masks.safetensors --save pruned.safetensors
        """)

    /// One line per catalogued score: name, summary, parameters with defaults (for `--help`).
    static var scoreTable: String {
        PruningCatalog.all.entries.map { t in
            let ps = t.parameters.map { "\($0.name)=\($0.defaultSummary) (\($0.domain.summary))" }
            return "  \(t.name): \(t.summary)" + (ps.isEmpty ? "" : "; " + ps.joined(separator: ", "))
        }.joined(separator: "\n")
    }

    /// Help for a recipe flag, from its declaration (help text, domain and default).
    static func recipeHelp(_ name: String) -> ArgumentHelp {
        let p = TrainingRecipe.parameter(name)
        return ArgumentHelp("\(p.help) (\(p.domain.summary); default \(p.defaultSummary)).", valueName: name == "schedule" ? "schedule" : "value")
    }

    @Option(help: "Pruning method(s), comma-separated, or all: \(PruningCatalog.all.names.joined(separator: ", ")); dense adds the unpruned network trained with the same recipe, and every other method's drop from it.")
    var method = "grasp"

    @Option(help: "Sparsity (fraction removed) in [0, 1), or a comma-separated list.")
    var sparsity = "0.98"

    @Option(help: "Network: mlp:W1,W2,…, cnn:C1,C2[,…][:nopool], cnn1d:C1,…:kK1,…:sS:pP (1-D convolutions, e.g. cnn1d:25,25,25:k5,3,3:s2:p1) or resmlp:W,W (residual MLP) (default mlp:300,100; --model replaces it).")
    var net: String?

    @Option(help: ArgumentHelp("Data split by the policy: \(BuiltinDatasets.names.joined(separator: ", ")), a .csv / .libsvm file, or images.idx,labels.idx (default digits; exclusive with --train).", valueName: "data"))
    var data: String?

    @Option(help: ArgumentHelp("Your own training file (needs --validation; standardisation uses this file only).", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Your own validation file (with --train).", valueName: "file"))
    var validation: String?

    @Option(help: ArgumentHelp("Your own test file (with --train); without it validation accuracy is reported in its place.", valueName: "file"))
    var test: String?

    @Option(help: "Paired seeds (default: 1 for one method and sparsity, 3 for a comparison).")
    var seeds: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a pruning-score parameter (repeatable), e.g. temperature=100 or rounds=50; every key must belong to a selected method.", valueName: "key=value"))
    var settings: [String] = []

    @Option(help: recipeHelp("epochs"))
    var epochs: String?

    @Option(name: .customLong("batch-size"), help: recipeHelp("batch-size"))
    var batchSize: String?

    @Option(help: recipeHelp("lr"))
    var lr: String?

    @Option(help: recipeHelp("momentum"))
    var momentum: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("\(TrainingRecipe.parameter("nesterov").help) (default \(TrainingRecipe.parameter("nesterov").defaultSummary))."))
    var nesterov: Bool?

    @Option(name: .customLong("weight-decay"), help: recipeHelp("weight-decay"))
    var weightDecay: String?

    @Option(help: recipeHelp("schedule"))
    var schedule: String?

    @Option(name: .customLong("per-class"), help: recipeHelp("per-class"))
    var perClass: String?

    @Option(name: .customLong("spy-layer"), help: "Layer (1-based) whose mask the spy plot of a single run shows (default 1).")
    var spyLayer: Int?

    @OptionGroup var model: ModelOptions

    @OptionGroup var common: CommonOptions

    /// Everything the flags decide, parsed and checked before any work is done.
    struct Plan {
        var sparsities: [Double]
        var methods: [any PruningScore]
        /// Whether the dense arm runs (once per seed, whatever the sparsities).
        var dense: Bool
        var architecture: Architecture
        var recipe: TrainingRecipe
        var perClass: Int
        /// The recipe's values and the selected scores' values, as resolved.
        var parameters: ParameterValues

        /// Arms run per seed and sparsity: the scores, plus the dense arm.
        var armCount: Int { methods.count + (dense ? 1 : 0) }
    }

    /// The recipe flags the user gave, by declared parameter name.
    var recipeOverrides: [String: String] {
        var o = [String: String]()
        let given: [(String, String?)] = [("epochs", epochs), ("batch-size", batchSize), ("lr", lr), ("momentum", momentum),
                                          ("weight-decay", weightDecay), ("schedule", schedule), ("per-class", perClass),
                                          ("nesterov", nesterov.map { $0 ? "true" : "false" })]
        for (k, v) in given { if let v { o[k] = v } }
        return o
    }

    func plan() throws -> Plan {
        let sparsities = try Self.parseSparsities(sparsity)
        let overrides = try Settings.parse(settings, flag: "--set")
        // "dense" is an arm, not a score: the unpruned network on the same seeds and recipe.
        let names = method.lowercased().split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let dense = names.contains(PruneRecord.denseName)
        let scoreNames = names.filter { $0 != PruneRecord.denseName }
        let (methods, scoreValues) = scoreNames.isEmpty ? ([], ParameterValues())
            : try PruningCatalog.scores(scoreNames.joined(separator: ","), overrides: overrides)
        if scoreNames.isEmpty, let key = overrides.keys.sorted().first {
            throw InputError("--set \(key): the dense arm takes no pruning-score parameters")
        }
        if model.model != nil, net != nil { throw InputError("--model gives the network: it replaces --net") }
        let arch = try Architecture.parse(net ?? "mlp:300,100")
        // Flag names are the declared parameter names, so "--" + the parameter's message names the flag.
        let recipeValues: ParameterValues, recipe: TrainingRecipe
        do {
            recipeValues = try ParameterValues(resolving: TrainingRecipe.parameters, overrides: recipeOverrides, owner: "prune")
            recipe = try TrainingRecipe(parameters: recipeValues)
        } catch { throw InputError("--\(error)") }
        var all = recipeValues.values.merging(scoreValues.values) { a, _ in a }
        all["method"] = .text(((dense ? [PruneRecord.denseName] : []) + methods.map(\.name)).joined(separator: ","))
        all["sparsity"] = .text(sparsity)
        all["net"] = .text(arch.description)
        all["seeds"] = .int(seedCount(methods: methods.count + (dense ? 1 : 0), sparsities: sparsities.count))
        return Plan(sparsities: sparsities, methods: methods, dense: dense, architecture: arch, recipe: recipe,
                    perClass: recipeValues.int("per-class"), parameters: ParameterValues(all))
    }

    func seedCount(methods: Int, sparsities: Int) -> Int { seeds ?? (methods == 1 && sparsities == 1 ? 1 : 3) }

    func validate() throws {
        do {
            let p = try plan()
            if let s = spyLayer {
                guard p.armCount == 1, p.sparsities.count == 1, !common.json, !common.csv else {
                    throw InputError("--spy-layer applies to the text report of one method at one sparsity")
                }
                guard (1...p.architecture.depth).contains(s) else {
                    throw InputError("--spy-layer \(s) is outside 1...\(p.architecture.depth) (\(p.architecture) has \(p.architecture.depth) weight layers)")
                }
            }
        } catch let e as ValidationError { throw e } catch { throw ValidationError(String(describing: error)) }
        if let s = seeds, !(1...100).contains(s) { throw ValidationError("--seeds must be in 1...100, got \(s)") }
        if model.saves {
            let p = try plan()
            guard p.armCount == 1, p.sparsities.count == 1, seedCount(methods: 1, sparsities: 1) == 1 else {
                throw ValidationError("--save and --save-masks write one network: give one method, one sparsity and one seed")
            }
        }
        if train != nil || validation != nil || test != nil {
            guard data == nil else { throw ValidationError("--data and --train/--validation/--test are exclusive") }
            guard train != nil, validation != nil else { throw ValidationError("your own split needs both --train and --validation (--test is optional)") }
        }
    }

    static func parseSparsities(_ text: String) throws(InputError) -> [Double] {
        var out = [Double]()
        for p in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let s = Double(p.trimmingCharacters(in: .whitespaces)), s.isFinite else { throw InputError("--sparsity '\(p)' is not a number") }
            guard s >= 0, s < 1 else { throw InputError("--sparsity \(s) is outside [0, 1)") }
            out.append(s)
        }
        return out
    }

    /// The data as the flags ask: the policy's split of one set, or the user's own files.
    func prepareData() throws -> PreparedData {
        if let train, let validation {
            return try PreparedData(DataPolicy.ownSplit(train: train, validation: validation, test: test))
        }
        return try PreparedData(DataPolicy.load(data ?? "digits"))
    }

    func run() throws {
        var plan = try plan()
        let prepared = try prepareData()
        let loaded = try model.load(inputSize: prepared.train.dimension, classCount: prepared.train.classCount)
        if let loaded {
            plan.architecture = try loaded.architecture(for: "prune")
            plan.parameters = ModelOptions.stamp(plan.parameters, loaded, architecture: plan.architecture)
            if let s = spyLayer, s > plan.architecture.depth {
                throw InputError("--spy-layer \(s) is outside 1...\(plan.architecture.depth) (the --model network has \(plan.architecture.depth) weight layers)")
            }
        }
        let experiment = PairedPruningExperiment(architecture: plan.architecture, data: prepared, recipe: plan.recipe, pruningPerClass: plan.perClass,
                                                 model: loaded?.network)
        let single = plan.armCount == 1 && plan.sparsities.count == 1
        let master = RandomStream(seed: common.seed)
        let runSeeds = (0..<seedCount(methods: plan.armCount, sparsities: plan.sparsities.count)).map { master.split($0).seed }
        let progress = common.progress

        var runs = [PruneRunRecord]()
        // Wall time per run, for the text beside the FLOPs; never in the record, which is byte-identical run to run.
        var seconds = [Double]()
        var lastNetwork: MaskedNetwork?
        let total = (plan.sparsities.count * plan.methods.count + (plan.dense ? 1 : 0)) * runSeeds.count
        // The dense arm once per seed: its network does not depend on the sparsity (recorded at sparsity 0).
        if plan.dense {
            for (k, seed) in runSeeds.enumerated() {
                let label = "prune: dense, seed \(k + 1)/\(runSeeds.count) (\(runs.count + 1)/\(total))"
                progress.update(label)
                let started = Date()
                let r = try experiment.run(method: nil, density: 1, seed: seed, component: "dense, seed \(k + 1)") { e, n in
                    progress.update("\(label), epoch \(e)/\(n)")
                }
                seconds.append(Date().timeIntervalSince(started))
                runs.append(PruneRunRecord(r, sparsity: 0, seed: seed))
                lastNetwork = r.network
            }
        }
        for s in plan.sparsities {
            for m in plan.methods {
                for (k, seed) in runSeeds.enumerated() {
                    let label = "prune: \(m.name) at sparsity \(s), seed \(k + 1)/\(runSeeds.count) (\(runs.count + 1)/\(total))"
                    progress.update(label)
                    let started = Date()
                    let r = try experiment.run(method: m, density: 1 - s, seed: seed, component: "\(m.name) at sparsity \(s), seed \(k + 1)") { e, n in
                        progress.update("\(label), epoch \(e)/\(n)")
                    }
                    seconds.append(Date().timeIntervalSince(started))
                    runs.append(PruneRunRecord(r, sparsity: s, seed: seed))
                    lastNetwork = r.network
                }
            }
        }
        progress.finish()
        let divergences = runs.compactMap(\.divergence)
        if let net = lastNetwork, let r = runs.last {
            try model.saveFiles(net, seed: common.seed, extra: ["run-seed": String(r.seed), "method": r.method, "sparsity": String(r.sparsity)],
                                diverged: r.divergence != nil)
        }
        let armNames = (plan.dense ? [PruneRecord.denseName] : []) + plan.methods.map(\.name)
        let record = PruneRecord(parameters: plan.parameters, methods: armNames, sparsities: plan.sparsities,
                                 net: plan.architecture.description, layers: lastNetwork.map { $0.layers.map(\.description) } ?? [],
                                 seeds: runSeeds, data: prepared.provenance, dataPolicy: prepared.policy,
                                 samples: [prepared.train.count, prepared.validation.count, prepared.test.count],
                                 evaluatedOn: prepared.testIsValidation ? "validation" : "test",
                                 runs: runs, summary: PruneRecord.summarise(runs, methods: armNames, sparsities: plan.sparsities),
                                 divergences: divergences, model: loaded?.provenance, versions: CommonOptions.versions)
        try common.emit(record, command: "prune", divergences: divergences) {
            var text = loaded.map { $0.line + "\n" } ?? ""
            if single, let net = lastNetwork, let r = runs.last {
                text += singleReport(r, network: net, record: record, seconds: seconds.last ?? .nan)
            } else {
                text += comparisonReport(record, seconds: seconds)
            }
            if prepared.testIsValidation {
                text += "\nnote: no --test file, so every \"test\" figure above is on the validation file \(validation ?? "")\n"
            }
            for d in divergences { text += "\ndiverged: \(d) — its figures are of the blown-up network, not results" }
            return divergences.isEmpty ? text : text + "\n"
        }
    }

    func singleReport(_ r: PruneRunRecord, network: MaskedNetwork, record: PruneRecord, seconds: Double) -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        let sources = record.data.map(\.source).joined(separator: ", ")
        var out = "\(r.method) at sparsity \(r.sparsity) on \(sources) (\(record.samples.map(String.init).joined(separator: "/")) train/val/test), \(record.net), seed \(r.seed)\n\n"
        let labels = network.layers.enumerated().map { i, layer -> String in
            if let c = layer as? ConvLayer { return "\(i + 1) conv \(c.inChannels)→\(c.outChannels)" }
            return "\(i + 1) dense \(layer.inputSize)→\(layer.outputSize)"
        }
        out += BarChart(title: "density per layer (kept fraction)", labels: labels, values: r.layerDensities,
                        valueFormat: { String(format: "%.4f", $0) }).render(common.plotStyle) + "\n"
        out += Table(headers: ["figure", "value"], rows: [
            ["kept weights", "\(r.keptWeights) of \(r.prunableWeights) (density \(f(r.density)))"],
            ["FLOPs per sample, × dense (inference; training is the same fraction)", String(format: "%.4f", r.inferenceFLOPsFraction)],
            ["wall time (prune + train + evaluate)", String(format: "%.2f s", seconds)],
            [record.evaluatedOn == "test" ? "test accuracy" : "test accuracy (on validation: no --test)", String(format: "%.2f%%", 100 * r.testAccuracy)],
            ["validation accuracy", String(format: "%.2f%%", 100 * r.validationAccuracy)],
            ["test loss", f(r.testLoss)],
            ["‖g‖² before pruning (T = 1, pruning batch)", f(r.gradNormBefore)],
            ["‖g‖² after, all weight positions", "\(f(r.gradNormAfter)) (× \(f(r.gradNormAfter / r.gradNormBefore)))"],
            ["‖g‖² after, kept weights only", "\(f(r.gradNormAfterKept)) (× \(f(r.gradNormAfterKept / r.gradNormBefore)))"],
            ["collapsed layers", r.collapsedLayers.isEmpty ? "none" : r.collapsedLayers.map { String($0 + 1) }.joined(separator: ", ")],
            ["classes with no input-to-output path", r.disconnectedClasses.isEmpty ? "none" : r.disconnectedClasses.map(String.init).joined(separator: ", ")],
        ]).render() + "\n"
        let l = (spyLayer ?? 1) - 1
        let m = network.masks[l]
        var bits = [Bool](repeating: false, count: m.rows * m.cols)
        for i in 0..<m.rows { for j in 0..<m.cols { bits[i * m.cols + j] = m[i, j] != 0 } }
        out += SpyPlot(title: "mask of layer \(l + 1) (\(network.layers[l]); rows = outputs)", rows: m.rows, cols: m.cols, isNonZero: bits).render(common.plotStyle)
        if !r.collapsedLayers.isEmpty || !r.disconnectedClasses.isEmpty {
            var problems = [String]()
            if !r.collapsedLayers.isEmpty { problems.append("\(r.collapsedLayers.count) collapsed layer(s) (no weight left)") }
            if !r.disconnectedClasses.isEmpty { problems.append("\(r.disconnectedClasses.count) class(es) with no input-to-output path, which only the biases can predict") }
            out += "\nwarning: the pruned network has " + problems.joined(separator: " and ") + "\n"
        }
        return out
    }

    /// - Parameter seconds: each run's wall time, in the order of `record.runs`.
    func comparisonReport(_ record: PruneRecord, seconds: [Double]) -> String {
        let methods = record.methods, sparsities = record.sparsities
        var plot = LinePlot(title: "test accuracy after pruning at init and training (mean over \(record.seeds.count) paired seeds)",
                            xLabel: "density (kept fraction)", yLabel: "test accuracy %", xScale: sparsities.count > 1 ? .log10 : .linear)
        for m in methods {
            let rows = record.summary.filter { $0.method == m }
            if m == PruneRecord.denseName, let d = rows.first {
                // The dense arm as a reference level across the pruned densities.
                plot.add(Series(name: m, x: sparsities.map { 1 - $0 }, y: sparsities.map { _ in 100 * d.meanTestAccuracy },
                                kind: sparsities.count > 1 ? .line : .scatter, dashed: true))
                continue
            }
            plot.add(Series(name: m, x: rows.map { 1 - $0.sparsity }, y: rows.map { 100 * $0.meanTestAccuracy }, kind: sparsities.count > 1 ? .line : .scatter))
        }
        var out = plot.render(common.plotStyle) + "\n"
        let hasRandom = methods.contains("random"), hasDense = methods.contains(PruneRecord.denseName)
        var headers = ["sparsity", "method", "test acc % (mean ± sd)", "min", "FLOPs ×dense", "wall s/run", "collapsed", "disconnected"]
        if hasDense { headers.append("drop from dense, points [95% CI, paired]") }
        if hasRandom { headers.append("paired gap vs random (min … max, points)") }
        var rows = [[String]]()
        for s in record.summary {
            var row = [String(s.sparsity), s.method, String(format: "%.1f ± %.1f", 100 * s.meanTestAccuracy, 100 * s.sdTestAccuracy),
                       String(format: "%.1f", 100 * s.minTestAccuracy)]
            let mine = record.runs.indices.filter { record.runs[$0].method == s.method && record.runs[$0].sparsity == s.sparsity }
            row.append(String(format: "%.4f", Descriptive.mean(mine.map { record.runs[$0].inferenceFLOPsFraction })))
            row.append(String(format: "%.2f", Descriptive.mean(mine.map { seconds[$0] })))
            row += ["\(s.runsWithCollapse)/\(record.seeds.count)", "\(s.runsWithDisconnectedClass)/\(record.seeds.count)"]
            if hasDense { row.append(s.method == PruneRecord.denseName ? "—" : s.dropFromDense?.pointsText ?? "— (needs 2 seeds)") }
            if hasRandom {
                let gaps = record.seeds.compactMap { seed -> Double? in
                    guard let a = record.runs.first(where: { $0.method == s.method && $0.sparsity == s.sparsity && $0.seed == seed }),
                          let b = record.runs.first(where: { $0.method == "random" && $0.sparsity == s.sparsity && $0.seed == seed }) else { return nil }
                    return 100 * (a.testAccuracy - b.testAccuracy)
                }
                row.append(s.method == "random" || s.method == PruneRecord.denseName ? "—" : String(format: "%+.1f … %+.1f", gaps.min() ?? .nan, gaps.max() ?? .nan))
            }
            rows.append(row)
        }
        out += Table(headers: headers, rows: rows).render()
        out += "\nFLOPs ×dense: forward FLOPs per sample on the final masks over dense (training after pruning is static sparse: the same fraction per step); "
        out += "wall s/run: measured, pruning + training + evaluation\n"
        out += "collapsed = runs with an empty layer; disconnected = runs leaving some class with no input-to-output path\n"
        return out
    }
}
