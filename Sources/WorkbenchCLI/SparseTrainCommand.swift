import ArgumentParser
import Components
import Datasets
import Foundation
import Randomness
import SparseNets
import Statistics
import TextPlot

/// `workbench sparse-train`: dynamic sparse training (static, SET, RigL, SNFS, gradual pruning) on paired seeds, with FLOPs beside accuracy.
struct SparseTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse-train",
        abstract: "Dynamic sparse training (\(SparseMethodCatalog.all.names.joined(separator: ", "))) with layer distributions, budgets and FLOP accounting.",
        discussion: """
        A method is a combination along rigl's three axes: how the mask changes (drop and grow criteria), when \
        (the update schedule) and how much each layer keeps (--dist). Every method runs on the same paired seeds: \
        the same initial weights θ₀, data order and initial mask. Prints accuracy with 95% intervals, the paired \
        gap to static, training and inference FLOPs as fractions of dense (counted on the actual masks, step by \
        step), per-layer density bars, mask changes over time and accuracy against training FLOPs.

        Methods:
        \(methodTable)

        Distributions (--dist), solved so that the kept weights total (1 − S)·N; a layer that would exceed \
        density 1 is made dense and the rest re-solved (reported as capped):
        \(distributionTable)

        --budget flops solves the distribution's sparsity so that its inference FLOPs equal those of \
        --flops-reference (default uniform) at the given sparsity, within 0.5%. --show-distribution prints \
        the per-layer densities and non-zero counts (JSON with --json) without training.

        Examples:
          workbench sparse-train --method rigl,set,static,snfs,gmp --sparsity 0.9,0.98 --dist erk --net mlp:256,256 --seeds 5
          workbench sparse-train --method rigl --set alpha=0.3 --set delta-t=100 --set t-end=0.75
          workbench sparse-train --show-distribution --dist erk --net small-cnn --sparsity 0.9,0.95
          workbench sparse-train --method rigl,static --dist erk --budget flops --net small-cnn --sparsity 0.9
          workbench sparse-train --list-params
          workbench sparse-train --model net.safetensors --method rigl --sparsity 0.9 --seeds 1 --save-masks masks.safetensors --save sparse.safetensors

        --model FILE.safetensors is θ₀ of every seed in place of the random initialisation (its architecture \
        replaces --net). --save-masks and --save write the trained network of one method at one sparsity and one seed.
        """)

    /// One line per catalogued method: name, axes, parameters with defaults.
    static var methodTable: String {
        SparseMethodCatalog.all.entries.map { t in
            let m = SparseMethod(t, parameters: ParameterDefaults.values(SparseMethodCatalog.parameters(of: t)))
            let ps = SparseMethodCatalog.parameters(of: t).map { "\($0.name)=\($0.defaultSummary)" }
            return "  \(t.name): \(m.composition)" + (ps.isEmpty ? "" : "; " + ps.joined(separator: ", "))
        }.joined(separator: "\n")
    }

    /// One line per catalogued distribution.
    static var distributionTable: String {
        DistributionCatalog.all.entries.map { t in
            let ps = t.parameters.map { "\($0.name)=\($0.defaultSummary)" }
            return "  \(t.name): \(t.summary)" + (ps.isEmpty ? "" : "; " + ps.joined(separator: ", "))
        }.joined(separator: "\n")
    }

    static let defaultMethods = "static,set,rigl,snfs,gmp"

    @Option(help: "Methods, comma-separated, or all: \(SparseMethodCatalog.all.names.joined(separator: ", ")) (default \(defaultMethods)).")
    var method: String?

    @Option(help: "Sparsity (fraction removed) in [0, 1), or a comma-separated list.")
    var sparsity = "0.9"

    @Option(help: "Layer distribution: \(DistributionCatalog.all.names.joined(separator: ", ")).")
    var dist = "erk"

    @Option(help: "What the distributions hold fixed: params (total non-zeros) or flops (inference FLOPs of --flops-reference).")
    var budget: SparsityBudget = .params

    @Option(name: .customLong("flops-reference"), help: ArgumentHelp("With --budget flops: the distribution whose inference FLOPs at --sparsity are matched (default uniform).", valueName: "dist"))
    var flopsReference: String?

    @Option(help: "Network: mlp:W1,W2,…, cnn:C1,C2[,…][:nopool], cnn:8,16p,32p,64p (p = 2×2 pooling after that conv), small-cnn, cnn1d:C1,…:kK1,…:sS:pP (1-D convolutions) or resmlp:W,W (residual MLP) (default mlp:256,256; --model replaces it).")
    var net: String?

    @Option(help: ArgumentHelp("Data split by the policy: \(BuiltinDatasets.names.joined(separator: ", ")), a .csv / .libsvm file, or images.idx,labels.idx (default digits; exclusive with --train).", valueName: "data"))
    var data: String?

    @Option(help: ArgumentHelp("Your own training file (needs --validation).", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Your own validation file (with --train).", valueName: "file"))
    var validation: String?

    @Option(help: ArgumentHelp("Your own test file (with --train); without it validation accuracy is reported in its place.", valueName: "file"))
    var test: String?

    @Option(help: "Paired seeds (default 3).")
    var seeds: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a method or distribution parameter (repeatable), e.g. alpha=0.3, delta-t=100, t-end=0.75, dense-first=true.", valueName: "key=value"))
    var settings: [String] = []

    @OptionGroup var recipe: RecipeOptions

    @Option(help: "Training runs in parallel threads (the numbers do not depend on it; default 1).")
    var jobs: Int?

    @Flag(name: .customLong("show-distribution"), help: "Print the per-layer densities and non-zero counts (JSON with --json) and exit without training.")
    var showDistribution = false

    @Flag(name: .customLong("list-params"), help: "List the parameters --set may name, with defaults and domains, and exit.")
    var listParams = false

    @OptionGroup var model: ModelOptions

    @OptionGroup var common: CommonOptions

    /// Everything the flags decide, parsed and checked before any work is done.
    struct Plan {
        var sparsities: [Double]
        var methods: [SparseMethod]
        var distribution: any SparsityDistribution
        var reference: any SparsityDistribution
        var network: NetworkSpec
        var recipe: TrainingRecipe
        var parameters: ParameterValues
        var seedCount: Int
    }

    func plan() throws -> Plan {
        let sparsities = try PruneCommand.parseSparsities(sparsity)
        let overrides = try Settings.parse(settings, flag: "--set")
        guard budget == .flops || flopsReference == nil else { throw InputError("--flops-reference applies only with --budget flops") }
        let (distribution, distValues) = try DistributionCatalog.distribution(named: dist.lowercased(), overrides: overrides)
        let (reference, refValues) = try DistributionCatalog.distribution(named: (flopsReference ?? "uniform").lowercased(), overrides: overrides)
        var distNames = Set(type(of: distribution).parameters.map(\.name))
        if budget == .flops { distNames.formUnion(type(of: reference).parameters.map(\.name)) }
        let network: NetworkSpec
        if model.model != nil, net != nil { throw InputError("--model gives the network: it replaces --net") }
        do { network = try NetworkSpec.parse(net ?? "mlp:256,256") } catch { throw InputError("--net: \(error)") }
        var all = [String: ParameterValue]()
        var methods = [SparseMethod]()
        if showDistribution {
            if method != nil { throw InputError("--method does not apply with --show-distribution (nothing is trained)") }
            if seeds != nil { throw InputError("--seeds does not apply with --show-distribution (nothing is trained)") }
            if jobs != nil { throw InputError("--jobs does not apply with --show-distribution (nothing is trained)") }
            if let k = recipe.overrides.keys.sorted().first { throw InputError("--\(k) does not apply with --show-distribution (nothing is trained)") }
            for key in overrides.keys.sorted() where !distNames.contains(key) {
                throw InputError("--set \(key): the distribution \(distribution.name) has no parameter '\(key)' (with --show-distribution only distribution parameters apply)")
            }
        } else {
            let types = try SparseMethodCatalog.all.list((method ?? Self.defaultMethods).lowercased())
            let resolved = try SparseMethodCatalog.methods(types, overrides: overrides, alsoDeclared: distNames)
            methods = resolved.methods
            all = resolved.parameters.values
            let r = try recipe.resolve(owner: "sparse-train")
            all.merge(r.values.values) { a, _ in a }
            all["method"] = .text(methods.map(\.name).joined(separator: ","))
            all["seeds"] = .int(seeds ?? 3)
        }
        all.merge(distValues.values) { a, _ in a }
        if budget == .flops {
            all.merge(refValues.values) { a, _ in a }
            all["flops-reference"] = .text(reference.name)
        }
        all["sparsity"] = .text(sparsity)
        all["dist"] = .text(distribution.name)
        all["budget"] = .text(budget.rawValue)
        all["net"] = .text(network.description)
        let recipeValue = showDistribution ? TrainingRecipe.digits : try recipe.resolve(owner: "sparse-train").recipe
        return Plan(sparsities: sparsities, methods: methods, distribution: distribution, reference: reference, network: network,
                    recipe: recipeValue, parameters: ParameterValues(all), seedCount: seeds ?? 3)
    }

    func validate() throws {
        if listParams { return }
        do { _ = try plan() } catch let e as ValidationError { throw e } catch { throw ValidationError(String(describing: error)) }
        if let s = seeds, !(1...100).contains(s) { throw ValidationError("--seeds must be in 1...100, got \(s)") }
        if let j = jobs, !(1...64).contains(j) { throw ValidationError("--jobs must be in 1...64, got \(j)") }
        if model.saves {
            if showDistribution { throw ValidationError("--save and --save-masks write a trained network: not with --show-distribution") }
            let p = try plan()
            guard p.methods.count == 1, p.sparsities.count == 1, p.seedCount == 1 else {
                throw ValidationError("--save and --save-masks write one network: give one method, one sparsity and --seeds 1")
            }
        }
        if train != nil || validation != nil || test != nil {
            guard data == nil else { throw ValidationError("--data and --train/--validation/--test are exclusive") }
            guard train != nil, validation != nil else { throw ValidationError("your own split needs both --train and --validation (--test is optional)") }
        }
    }

    /// The data as the flags ask: the policy's split of one set, or the user's own files.
    func prepareData() throws -> PreparedData {
        if let train, let validation { return try PreparedData(DataPolicy.ownSplit(train: train, validation: validation, test: test)) }
        return try PreparedData(DataPolicy.load(data ?? "digits"))
    }

    /// The allocation of each sparsity under the budget (a FLOP target that cannot be met is bad input).
    static func allocations(_ plan: Plan, budget: SparsityBudget, layers: [LayerShape]) throws -> [(LayerAllocation, FLOPMatch.Result?)] {
        do {
            return try plan.sparsities.map { s throws(SparseNetsError) in
                switch budget {
                case .params: return (try DistributionSolver.allocate(plan.distribution, layers: layers, sparsity: s), nil)
                case .flops:
                    let m = try FLOPMatch.solve(plan.distribution, reference: plan.reference, layers: layers, sparsity: s)
                    return (m.allocation, m)
                }
            }
        } catch { throw InputError(error.description) }
    }

    func run() throws {
        if listParams { emit(parameterTable()); return }
        var plan = try plan()
        let prepared = try prepareData()
        let loaded = try model.load(inputSize: prepared.train.dimension, classCount: prepared.train.classCount)
        if let loaded {
            plan.network = try loaded.spec(for: "sparse-train")
            var v = plan.parameters.values
            v["net"] = .text(plan.network.description)
            v["model"] = .text(loaded.provenance.path)
            plan.parameters = ParameterValues(v)
        }
        let experiment = SparseTrainingExperiment(network: plan.network, data: prepared, recipe: plan.recipe, model: loaded?.network)
        let prefix = loaded.map { $0.line + "\n" } ?? ""
        let layers = try experiment.layerShapes()
        let solved = try Self.allocations(plan, budget: budget, layers: layers)
        let allocationRecords = zip(plan.sparsities, solved).map { AllocationRecord($1.0, requested: $0, match: $1.1) }
        if showDistribution {
            let record = SparseDistributionRecord(parameters: plan.parameters, budget: budget.rawValue, net: plan.network.description, layers: layers,
                                                  allocations: allocationRecords, versions: CommonOptions.versions)
            try common.emit(record, command: "sparse-train") { prefix + distributionReport(record) }
            return
        }
        let master = RandomStream(seed: common.seed)
        let runSeeds = (0..<plan.seedCount).map { master.split($0).seed }
        let results = try SparseComparison.run(experiment, methods: plan.methods, allocations: solved.map(\.0), sparsities: plan.sparsities,
                                               seeds: runSeeds, workers: jobs ?? 1, progress: common.progress)
        common.progress.finish()
        if let r = results.first {
            try model.saveFiles(r.network, seed: common.seed, extra: ["run-seed": String(r.seed), "method": r.method, "sparsity": String(r.sparsity)],
                                diverged: r.divergence != nil)
        }
        let names = plan.methods.map(\.name)
        let summary = SparseComparison.summarise(results, methods: names, sparsities: plan.sparsities)
        let divergences = results.compactMap(\.divergence)
        let record = SparseTrainRecord(parameters: plan.parameters, methods: plan.methods.map(SparseMethodRecord.init), sparsities: plan.sparsities,
                                       budget: budget.rawValue, net: plan.network.description, layers: layers, allocations: allocationRecords,
                                       seeds: runSeeds, data: prepared.provenance, dataPolicy: prepared.policy,
                                       samples: [prepared.train.count, prepared.validation.count, prepared.test.count],
                                       evaluatedOn: prepared.testIsValidation ? "validation" : "test",
                                       runs: results.map(SparseRunRecord.init), summary: summary, divergences: divergences,
                                       model: loaded?.provenance, versions: CommonOptions.versions)
        try common.emit(record, command: "sparse-train", divergences: divergences) {
            var text = prefix + report(record, runs: results)
            if prepared.testIsValidation { text += "\nnote: no --test file, so every \"test\" figure above is on the validation file \(validation ?? "")\n" }
            for d in divergences { text += "\ndiverged: \(d) — its figures are of the blown-up network, not results" }
            return divergences.isEmpty ? text : text + "\n"
        }
    }

    /// The `--list-params` table: every method's and distribution's parameters.
    func parameterTable() -> String {
        var rows = [[String]]()
        var seen = Set<String>()
        for t in SparseMethodCatalog.all.entries {
            for p in SparseMethodCatalog.parameters(of: t) where seen.insert(p.name).inserted {
                let users = SparseMethodCatalog.all.entries.filter { u in SparseMethodCatalog.parameters(of: u).contains { $0.name == p.name } }.map { $0.name }
                rows.append([p.name, p.defaultSummary, p.domain.summary, "\(p.help) [\(users.joined(separator: ", "))]"])
            }
        }
        for t in DistributionCatalog.all.entries {
            for p in t.parameters { rows.append([p.name, p.defaultSummary, p.domain.summary, "\(p.help) [\(t.name)]"]) }
        }
        return Table(headers: ["parameter", "default", "domain", "meaning [used by]"], rows: rows, alignments: [.left, .left, .left, .left]).render() + "\n"
    }

    static func pct(_ x: Double) -> String { String(format: "%.1f", 100 * x) }

    /// Per-layer densities and counts of every allocation, with density bars for the sparsest.
    func allocationTables(_ layers: [LayerShape], _ allocations: [AllocationRecord]) -> String {
        var headers = ["layer", "weights"]
        for a in allocations {
            headers.append(a.solvedSparsity == a.sparsity ? "S = \(a.sparsity)" : "S = \(a.sparsity) (solved \(String(format: "%.4f", a.solvedSparsity)))")
        }
        var rows = [[String]]()
        for (l, shape) in layers.enumerated() {
            var row = ["\(l + 1) \(shape.label)", "\(shape.weights)"]
            for a in allocations {
                let mark = a.capped.contains(l) ? " dense (capped)" : (a.denseByChoice.contains(l) ? " dense (chosen)" : "")
                row.append(String(format: "%.4f", a.densities[l]) + " (\(a.nonZeros[l]))" + mark)
            }
            rows.append(row)
        }
        var total = ["total", "\(layers.reduce(0) { $0 + $1.weights })"]
        for a in allocations { total.append(String(format: "%.4f", Double(a.totalNonZeros) / Double(a.totalWeights)) + " (\(a.totalNonZeros); target \(String(format: "%.1f", a.target)))") }
        rows.append(total)
        var flops = ["inference FLOPs", "× dense"]
        for a in allocations {
            var s = String(format: "%.4f", a.inferenceFLOPsFraction)
            if let ref = a.flopsReference, let e = a.flopsRelativeError { s += " (= \(ref) at \(a.sparsity) within \(String(format: "%.3f", 100 * e))%)" }
            flops.append(s)
        }
        rows.append(flops)
        var out = Table(headers: headers, rows: rows).render() + "\n"
        if let last = allocations.last {
            out += BarChart(title: "density per layer at sparsity \(last.sparsity) (\(last.distribution))",
                            labels: layers.enumerated().map { "\($0 + 1) \($1.label)" }, values: last.densities,
                            valueFormat: { String(format: "%.4f", $0) }).render(common.plotStyle) + "\n"
        }
        let capped = allocations.filter { !$0.capped.isEmpty }
        for a in capped {
            out += "capped at sparsity \(a.sparsity): layer \(a.capped.map { "\($0 + 1) (\(layers[$0].label))" }.joined(separator: ", ")) would exceed density 1 under \(a.distribution) and was made dense; the rest re-solved (ε = \(NumberFormat.compact(a.epsilon)))\n"
        }
        return out
    }

    func distributionReport(_ record: SparseDistributionRecord) -> String {
        "\(record.allocations.first?.distribution ?? dist) distribution on \(record.net), \(record.budget) budget\n\n" + allocationTables(record.layers, record.allocations)
    }

    /// - Parameter runs: the runs behind the record, for their wall times (which the record leaves out).
    func report(_ record: SparseTrainRecord, runs: [SparseRunResult] = []) -> String {
        let sources = record.data.map(\.source).joined(separator: ", ")
        var out = "sparse-train on \(sources) (\(record.samples.map(String.init).joined(separator: "/")) train/val/test), \(record.net), "
        out += "\(record.allocations.first?.distribution ?? dist) distribution, \(record.budget) budget, \(record.seeds.count) paired seeds, \(record.parameters.int("epochs")) epochs\n"
        for m in record.methods { out += "  \(m.name) = \(m.composition)\n" }
        out += "\n" + allocationTables(record.layers, record.allocations) + "\n"
        let hasStatic = record.methods.contains { $0.name == "static" }
        var headers = ["S", "method", "test acc % [95% CI]"]
        if hasStatic { headers.append("gap to static, points [95% CI] (wins)") }
        headers += ["train FLOPs ×dense", "inference FLOPs ×dense", "step cost ÷3f_S (window)", "wall ms/step", "updates", "mask changes"]
        var rows = [[String]]()
        for s in record.summary {
            var row = ["\(s.sparsity)", s.method]
            if let ci = s.testAccuracyInterval { row.append("\(Self.pct(s.meanTestAccuracy)) [\(Self.pct(ci.lower)), \(Self.pct(ci.upper))]") } else { row.append(Self.pct(s.meanTestAccuracy)) }
            if hasStatic {
                if s.method == "static" { row.append("—") } else if let g = s.gapToBaseline {
                    row.append(String(format: "%+.2f [%+.2f, %+.2f] (%d/%d)", 100 * g.estimate, 100 * g.lower, 100 * g.upper, s.winsOverBaseline ?? 0, s.seeds))
                } else { row.append("(one seed)") }
            }
            row += [String(format: "%.4f", s.trainingFLOPsFraction), String(format: "%.4f", s.inferenceFLOPsFraction),
                    String(format: "%.3f", s.stepOverheadInWindow)]
            let mine = runs.filter { $0.method == s.method && $0.sparsity == s.sparsity && !$0.ledger.samples.isEmpty }
            row.append(mine.isEmpty ? "—" : String(format: "%.3f", 1000 * Descriptive.mean(mine.map { $0.seconds / Double($0.ledger.samples.count) })))
            row += ["\(s.maskUpdates)", String(format: "%.0f", s.maskChanges)]
            rows.append(row)
        }
        out += Table(headers: headers, rows: rows).render() + "\n"
        out += "train FLOPs: counted step by step on the masks in force (3f_S per step; 2f_S + f_D on steps that need the dense gradient), over dense training (3f_D); "
        out += "step cost ÷3f_S: the mean per-step cost up to the last mask update over static training on the same masks; "
        out += "wall ms/step: measured wall time of a run (training, mask updates and evaluation) over its steps, mean over seeds\n\n"
        // Accuracy against training FLOPs: one series per method across sparsities.
        var plot = LinePlot(title: "test accuracy against training FLOPs (mean over \(record.seeds.count) seeds)",
                            xLabel: "training FLOPs / dense training", yLabel: "test accuracy %", xScale: .log10)
        for m in record.methods {
            let rows = record.summary.filter { $0.method == m.name }
            plot.add(Series(name: m.name, x: rows.map(\.trainingFLOPsFraction), y: rows.map { 100 * $0.meanTestAccuracy }, kind: rows.count > 1 ? .line : .scatter))
        }
        out += plot.render(common.plotStyle) + "\n"
        // Mask changes over time, first seed at the sparsest setting.
        if let s = record.sparsities.max(), let seed = record.seeds.first {
            var changes = LinePlot(title: "mask bits flipped per update (sparsity \(s), seed 1)", xLabel: "step", yLabel: "mask changes")
            for r in record.runs where r.sparsity == s && r.seed == seed && !r.updateSteps.isEmpty {
                changes.add(Series(name: r.method, x: r.updateSteps.map(Double.init), y: r.maskChanges.map(Double.init), kind: .line))
            }
            if !changes.series.isEmpty { out += changes.render(common.plotStyle) + "\n" }
        }
        let troubled = record.runs.filter { !$0.collapsedLayers.isEmpty || !$0.disconnectedClasses.isEmpty }
        for r in troubled {
            out += "warning: \(r.method) at sparsity \(r.sparsity), seed \(r.seed): "
            if !r.collapsedLayers.isEmpty { out += "empty layer(s) \(r.collapsedLayers.map { String($0 + 1) }.joined(separator: ", ")) " }
            if !r.disconnectedClasses.isEmpty { out += "classes \(r.disconnectedClasses.map(String.init).joined(separator: ", ")) have no input-to-output path" }
            out += "\n"
        }
        return out
    }
}
