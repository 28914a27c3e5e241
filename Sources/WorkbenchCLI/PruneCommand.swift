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
        abstract: "Prune at initialisation (random, magnitude, snip, grasp, synflow), train, and compare.",
        discussion: """
        One method and one sparsity: prints density per layer (bar chart), accuracy, ‖g‖² before and after \
        pruning, a spy plot of one layer's mask, collapsed layers and classes left with no input-to-output path. \
        Several methods or sparsities: runs every pair on the same paired seeds (same initial weights, pruning \
        batch and data order) and prints test accuracy against sparsity with a table. Data: a shipped set \
        (digits, breast-cancer), a .csv file (label last), a LIBSVM file (.libsvm/.svm/.txt) or an IDX pair \
        images,labels; split 60/20/20 stratified (fixed split seed), standardised on the training split.

        Examples:
          workbench prune --method grasp --sparsity 0.98 --net mlp:300,100 --data digits
          workbench prune --method snip,grasp,synflow,random --sparsity 0.9,0.98,0.99,0.995 --seeds 5
          workbench prune --method synflow --sparsity 0.99 --net cnn:16,32 --json
        """)

    @Option(help: "Pruning method(s), comma-separated: \(Pruning.methodNames.joined(separator: ", ")).")
    var method = "grasp"

    @Option(help: "Sparsity (fraction removed) in [0, 1), or a comma-separated list.")
    var sparsity = "0.98"

    @Option(help: "Network: mlp:W1,W2,… or cnn:C1,C2[,…][:nopool].")
    var net = "mlp:300,100"

    @Option(help: "Data: digits, breast-cancer, a .csv / .libsvm file, or images.idx,labels.idx.")
    var data = "digits"

    @Option(help: "Paired seeds (default: 1 for one method and sparsity, 3 for a comparison).")
    var seeds: Int?

    @Option(help: "Training epochs.")
    var epochs = 40

    @Option(name: .customLong("batch-size"), help: "Minibatch size.")
    var batchSize = 32

    @Option(help: "Base learning rate.")
    var lr = 0.05

    @Option(help: "Momentum.")
    var momentum = 0.9

    @Flag(help: "Nesterov momentum.")
    var nesterov = false

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay.")
    var weightDecay = 0.0

    @Option(help: "Learning-rate schedule: cosine, constant, or step:EVERY:FACTOR (e.g. step:10:0.1).")
    var schedule = "cosine"

    @Option(name: .customLong("per-class"), help: "Pruning-batch samples per class (SNIP, GraSP).")
    var perClass = 10

    @Option(help: "GraSP softmax temperature.")
    var temperature = 200.0

    @Option(name: .customLong("synflow-rounds"), help: "SynFlow pruning rounds.")
    var synflowRounds = 100

    @Option(name: .customLong("spy-layer"), help: "Layer (1-based) whose mask the spy plot shows.")
    var spyLayer = 1

    @OptionGroup var common: CommonOptions

    func validate() throws {
        do {
            _ = try Self.parseSparsities(sparsity)
            _ = try Self.parseMethods(method, temperature: 200, rounds: 100)
            _ = try Architecture.parse(net)
            _ = try Self.parseSchedule(schedule)
        } catch { throw ValidationError(String(describing: error)) }
        if let s = seeds, !(1...100).contains(s) { throw ValidationError("--seeds must be in 1...100, got \(s)") }
        guard (0...10_000).contains(epochs) else { throw ValidationError("--epochs must be in 0...10000, got \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be ≥ 1, got \(batchSize)") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be positive, got \(lr)") }
        guard momentum.isFinite, (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw ValidationError("--weight-decay must be ≥ 0, got \(weightDecay)") }
        guard perClass >= 1 else { throw ValidationError("--per-class must be ≥ 1, got \(perClass)") }
        guard temperature.isFinite, temperature > 0 else { throw ValidationError("--temperature must be positive, got \(temperature)") }
        guard (1...10_000).contains(synflowRounds) else { throw ValidationError("--synflow-rounds must be in 1...10000, got \(synflowRounds)") }
        guard spyLayer >= 1 else { throw ValidationError("--spy-layer must be ≥ 1, got \(spyLayer)") }
    }

    static func parseSparsities(_ text: String) throws(SparseNetsError) -> [Double] {
        var out = [Double]()
        for p in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let s = Double(p.trimmingCharacters(in: .whitespaces)), s.isFinite else { throw SparseNetsError("--sparsity '\(p)' is not a number") }
            guard s >= 0, s < 1 else { throw SparseNetsError("--sparsity \(s) is outside [0, 1)") }
            out.append(s)
        }
        return out
    }

    static func parseMethods(_ text: String, temperature: Double, rounds: Int) throws(SparseNetsError) -> [any PruningScore] {
        var out = [any PruningScore]()
        for p in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = p.trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "grasp": out.append(GraSPScore(temperature: temperature))
            case "reverse-grasp": out.append(ReverseGraSPScore(temperature: temperature))
            case "synflow": out.append(SynFlowScore(rounds: rounds))
            default: out.append(try Pruning.method(named: name))
            }
        }
        return out
    }

    static func parseSchedule(_ text: String) throws(SparseNetsError) -> LearningRateSchedule {
        switch text {
        case "cosine": return .cosine
        case "constant": return .constant
        default:
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 3, parts[0] == "step", let every = Int(parts[1]), let factor = Double(parts[2]), every >= 1, factor > 0, factor.isFinite else {
                throw SparseNetsError("--schedule '\(text)' must be cosine, constant or step:EVERY:FACTOR with EVERY ≥ 1 and FACTOR > 0")
            }
            return .step(everyEpochs: every, factor: factor)
        }
    }

    func run() throws {
        let sparsities = try Self.parseSparsities(sparsity)
        let methods = try Self.parseMethods(method, temperature: temperature, rounds: synflowRounds)
        let arch = try Architecture.parse(net)
        let recipe = TrainingRecipe(epochs: epochs, batchSize: batchSize,
                                    optimizer: SGDConfiguration(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay,
                                                                schedule: try Self.parseSchedule(schedule)))
        try recipe.validate()
        let dataset = try DataSource.load(data)
        let prepared = try PreparedData(dataset, splitStream: RandomStream(seed: PreparedData.digitsSplitSeed))
        let experiment = PairedPruningExperiment(architecture: arch, data: prepared, recipe: recipe, pruningPerClass: perClass)
        let single = methods.count == 1 && sparsities.count == 1
        let seedCount = seeds ?? (single ? 1 : 3)
        let master = RandomStream(seed: common.seed)
        let runSeeds = (0..<seedCount).map { master.split($0).seed }
        let progress = common.progress

        var runs = [PruneRunRecord]()
        var lastNetwork: MaskedNetwork?
        let total = sparsities.count * methods.count * runSeeds.count
        for s in sparsities {
            for m in methods {
                for (k, seed) in runSeeds.enumerated() {
                    let label = "prune: \(m.name) at sparsity \(s), seed \(k + 1)/\(runSeeds.count) (\(runs.count + 1)/\(total))"
                    progress.update(label)
                    let r = try experiment.run(method: m, density: 1 - s, seed: seed) { e, n in progress.update("\(label), epoch \(e)/\(n)") }
                    runs.append(PruneRunRecord(r, sparsity: s, seed: seed))
                    lastNetwork = r.network
                }
            }
        }
        progress.finish()
        let record = PruneRecord(data: prepared.name, samples: [prepared.train.count, prepared.validation.count, prepared.test.count],
                                 net: arch.description, layers: lastNetwork.map { $0.layers.map(\.description) } ?? [],
                                 seeds: runSeeds, epochs: epochs, batchSize: batchSize, learningRate: lr, momentum: momentum,
                                 nesterov: nesterov, weightDecay: weightDecay, schedule: schedule, perClass: perClass,
                                 temperature: temperature, synflowRounds: synflowRounds, runs: runs,
                                 summary: Self.summarise(runs, methods: methods.map(\.name), sparsities: sparsities))
        if common.json {
            emit(String(decoding: try JSONOutput.encode(record), as: UTF8.self))
            return
        }
        if common.csv {
            emit(Self.csv(runs))
            return
        }
        if single, let net = lastNetwork, let r = runs.last {
            emit(try singleReport(r, network: net, record: record))
        } else {
            emit(comparisonReport(record, methods: methods.map(\.name), sparsities: sparsities))
        }
    }

    static func summarise(_ runs: [PruneRunRecord], methods: [String], sparsities: [Double]) -> [PruneSummary] {
        var out = [PruneSummary]()
        for s in sparsities {
            for m in methods {
                let rs = runs.filter { $0.method == m && $0.sparsity == s }
                let acc = rs.map(\.testAccuracy)
                out.append(PruneSummary(method: m, sparsity: s, meanTestAccuracy: Descriptive.mean(acc),
                                        sdTestAccuracy: acc.count > 1 ? Descriptive.standardDeviation(acc) : 0,
                                        minTestAccuracy: acc.min() ?? .nan,
                                        runsWithCollapse: rs.filter { !$0.collapsedLayers.isEmpty }.count,
                                        runsWithDisconnectedClass: rs.filter { !$0.disconnectedClasses.isEmpty }.count))
            }
        }
        return out
    }

    func singleReport(_ r: PruneRunRecord, network: MaskedNetwork, record: PruneRecord) throws -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        var out = "\(r.method) at sparsity \(r.sparsity) on \(record.data) (\(record.samples.map(String.init).joined(separator: "/")) train/val/test), \(record.net), seed \(r.seed)\n\n"
        let labels = network.layers.enumerated().map { i, layer -> String in
            if let c = layer as? ConvLayer { return "\(i + 1) conv \(c.inChannels)→\(c.outChannels)" }
            return "\(i + 1) dense \(layer.inputSize)→\(layer.outputSize)"
        }
        out += BarChart(title: "density per layer (kept fraction)", labels: labels, values: r.layerDensities,
                        valueFormat: { String(format: "%.4f", $0) }).render(common.plotStyle) + "\n"
        out += Table(headers: ["figure", "value"], rows: [
            ["kept weights", "\(r.keptWeights) of \(r.prunableWeights) (density \(f(r.density)))"],
            ["test accuracy", String(format: "%.2f%%", 100 * r.testAccuracy)],
            ["validation accuracy", String(format: "%.2f%%", 100 * r.validationAccuracy)],
            ["test loss", f(r.testLoss)],
            ["‖g‖² before pruning (T = 1, pruning batch)", f(r.gradNormBefore)],
            ["‖g‖² after, all weight positions", "\(f(r.gradNormAfter)) (× \(f(r.gradNormAfter / r.gradNormBefore)))"],
            ["‖g‖² after, kept weights only", "\(f(r.gradNormAfterKept)) (× \(f(r.gradNormAfterKept / r.gradNormBefore)))"],
            ["collapsed layers", r.collapsedLayers.isEmpty ? "none" : r.collapsedLayers.map { String($0 + 1) }.joined(separator: ", ")],
            ["classes with no input-to-output path", r.disconnectedClasses.isEmpty ? "none" : r.disconnectedClasses.map(String.init).joined(separator: ", ")],
        ]).render() + "\n"
        let l = min(spyLayer, network.depth) - 1
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

    func comparisonReport(_ record: PruneRecord, methods: [String], sparsities: [Double]) -> String {
        var plot = LinePlot(title: "test accuracy after pruning at init and training (mean over \(record.seeds.count) paired seeds)",
                            xLabel: "density (kept fraction)", yLabel: "test accuracy %", xScale: sparsities.count > 1 ? .log10 : .linear)
        for m in methods {
            let rows = record.summary.filter { $0.method == m }
            plot.add(Series(name: m, x: rows.map { 1 - $0.sparsity }, y: rows.map { 100 * $0.meanTestAccuracy }, kind: sparsities.count > 1 ? .line : .scatter))
        }
        var out = plot.render(common.plotStyle) + "\n"
        let hasRandom = methods.contains("random")
        var headers = ["sparsity", "method", "test acc % (mean ± sd)", "min", "collapsed", "disconnected"]
        if hasRandom { headers.append("paired gap vs random (min … max, points)") }
        var rows = [[String]]()
        for s in record.summary {
            var row = [String(s.sparsity), s.method, String(format: "%.1f ± %.1f", 100 * s.meanTestAccuracy, 100 * s.sdTestAccuracy),
                       String(format: "%.1f", 100 * s.minTestAccuracy), "\(s.runsWithCollapse)/\(record.seeds.count)", "\(s.runsWithDisconnectedClass)/\(record.seeds.count)"]
            if hasRandom {
                let gaps = record.seeds.compactMap { seed -> Double? in
                    guard let a = record.runs.first(where: { $0.method == s.method && $0.sparsity == s.sparsity && $0.seed == seed }),
                          let b = record.runs.first(where: { $0.method == "random" && $0.sparsity == s.sparsity && $0.seed == seed }) else { return nil }
                    return 100 * (a.testAccuracy - b.testAccuracy)
                }
                row.append(s.method == "random" ? "—" : String(format: "%+.1f … %+.1f", gaps.min() ?? .nan, gaps.max() ?? .nan))
            }
            rows.append(row)
        }
        out += Table(headers: headers, rows: rows).render()
        out += "\ncollapsed = runs with an empty layer; disconnected = runs leaving some class with no input-to-output path\n"
        return out
    }

    static func csv(_ runs: [PruneRunRecord]) -> String {
        var out = "method,sparsity,seed,density,test_accuracy,validation_accuracy,test_loss,grad_norm_before,grad_norm_after,grad_norm_after_kept,collapsed_layers,disconnected_classes\n"
        for r in runs {
            out += "\(r.method),\(r.sparsity),\(r.seed),\(r.density),\(r.testAccuracy),\(r.validationAccuracy),\(r.testLoss),\(r.gradNormBefore),\(r.gradNormAfter),\(r.gradNormAfterKept),"
            out += "\(r.collapsedLayers.map { String($0 + 1) }.joined(separator: ";")),\(r.disconnectedClasses.map(String.init).joined(separator: ";"))\n"
        }
        return out
    }
}

/// One prune-then-train run in `workbench prune --json` (schema "workbench.prune/1").
struct PruneRunRecord: Codable {
    var method: String
    var sparsity: Double
    var seed: UInt64
    var density: Double
    var keptWeights: Int
    var prunableWeights: Int
    var layerDensities: [Double]
    var testAccuracy: Double
    var validationAccuracy: Double
    var testLoss: Double
    var gradNormBefore: Double
    var gradNormAfter: Double
    var gradNormAfterKept: Double
    /// 0-based layer indices with an all-zero mask.
    var collapsedLayers: [Int]
    var disconnectedClasses: [Int]
    var trainLossPerEpoch: [Double]

    init(_ r: PrunedRunResult, sparsity: Double, seed: UInt64) {
        method = r.method
        self.sparsity = sparsity
        self.seed = seed
        density = r.network.density
        keptWeights = r.network.layerNonZeros.reduce(0, +)
        prunableWeights = r.network.prunableCount
        layerDensities = r.layerDensities
        testAccuracy = r.test.accuracy
        validationAccuracy = r.validation.accuracy
        testLoss = r.test.loss
        gradNormBefore = r.gradientNormBefore
        gradNormAfter = r.gradientNormAfter
        gradNormAfterKept = r.gradientNormAfterKept
        collapsedLayers = r.connectivity.collapsedLayers
        disconnectedClasses = r.connectivity.disconnectedClasses
        trainLossPerEpoch = r.history.map(\.trainLoss)
    }
}

/// Mean figures per (method, sparsity).
struct PruneSummary: Codable {
    var method: String
    var sparsity: Double
    var meanTestAccuracy: Double
    var sdTestAccuracy: Double
    var minTestAccuracy: Double
    var runsWithCollapse: Int
    var runsWithDisconnectedClass: Int
}

/// The whole `workbench prune --json` document.
struct PruneRecord: Codable {
    var schema = "workbench.prune/1"
    var data: String
    /// Train / validation / test sizes.
    var samples: [Int]
    var net: String
    var layers: [String]
    var seeds: [UInt64]
    var epochs: Int
    var batchSize: Int
    var learningRate: Double
    var momentum: Double
    var nesterov: Bool
    var weightDecay: Double
    var schedule: String
    var perClass: Int
    var temperature: Double
    var synflowRounds: Int
    var runs: [PruneRunRecord]
    var summary: [PruneSummary]
}
