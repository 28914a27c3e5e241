import ArgumentParser
import ClaimKit
import Components
import Datasets
import Foundation
import GreedySelection
import Randomness
import Statistics
import TextPlot

/// `workbench greedy`: run the selectors on a random network or on a user's atom matrix; sweeps, tolerances, pruning.
struct GreedyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greedy",
        abstract: "Greedy forward selection of neurons: decay of the discrepancy, sweeps, neurons per tolerance, MLP pruning.",
        discussion: """
        Without --atoms, draws a random two-layer network (width --neurons, --inputs Gaussian inputs of dimension --dim) \
        per seed and runs every method. With --atoms FILE, runs them on a CSV matrix of neuron outputs (M rows = inputs, \
        N columns = neurons; with --target-column the last column is the target instead of the mean). --sweep prints the \
        decay constant against one parameter; --tolerance prints the neurons each method needs to reach ε; --prune \
        trains a one-hidden-layer network on the digits and compares greedy and magnitude neuron pruning.

        Examples:
          workbench greedy
          workbench greedy --methods greedy-linesearch,greedy-uniform --n-max 200 --seeds 5
          workbench greedy --sweep width=100,300,1000,3000
          workbench greedy --tolerance 1e-10
          workbench greedy --atoms my_layer.csv --target-column
          workbench greedy --prune both --hidden 64
        """)

    @Option(help: ArgumentHelp("CSV of neuron outputs (M rows × N columns).", valueName: "file"))
    var atoms: String?

    @Flag(help: "With --atoms: the last column is the target (default: the mean of the neurons).")
    var targetColumn = false

    @Option(help: "Width N of the random network.")
    var neurons = 1000

    @Option(help: "Number of inputs M.")
    var inputs = 10

    @Option(help: "Input dimension d.")
    var dim = 3

    @Flag(help: "Train the random network's output layer by least squares on a teacher sin(vᵀx) before selecting.")
    var trained = false

    @Option(help: "Activation: tanh, relu or sigmoid.")
    var activation = "tanh"

    @Option(help: "Comma-separated methods, or 'all' (random, greedy-uniform, greedy-linesearch, away-step, fully-corrective).")
    var methods = "all"

    @Option(name: .customLong("n-max"), help: "Selection steps per run (at most \(GreedyValidation.maxSteps)).")
    var nMax = 400

    @Option(help: "Random instances (seeds) per setting.")
    var seeds = 5

    @Option(help: ArgumentHelp("Sweep one parameter: width=…, M=… or activation=… (comma-separated values).", valueName: "key=values"))
    var sweep: String?

    @Option(help: ArgumentHelp("Print the neurons each method needs to reach L ≤ ε (and every decade above it).", valueName: "ε"))
    var tolerance: Double?

    @Option(help: ArgumentHelp("Prune a trained MLP's hidden layer on the digits: local, global or both.", valueName: "loss"))
    var prune: String?

    @Option(help: "Hidden width of the MLP for --prune.")
    var hidden = 64

    @Option(help: "Neuron counts for --prune (comma-separated).")
    var keep = "2,4,8,16,32,64"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard seeds >= 1, seeds <= 1000 else { throw ValidationError("--seeds must be in 1...1000, got \(seeds)") }
        if let p = prune, !["local", "global", "both"].contains(p) { throw ValidationError("--prune must be local, global or both, got '\(p)'") }
        if let e = tolerance { do { try GreedyValidation.checkTolerance(e) } catch { throw ValidationError(error.description) } }
        do {
            try GreedyValidation.checkSteps(nMax)
            _ = try Activation.named(activation)
            _ = try SelectionMethod.list(methods)
            if atoms == nil { try GreedyValidation.checkSizes(width: neurons, inputs: inputs, dimension: dim) }
        } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let methodList = try SelectionMethod.list(methods)
        let act = try Activation.named(activation)
        let master = RandomStream(seed: common.seed)
        let seedList = (0..<seeds).map { master.split($0).seed }
        var record = GreedyRecord(seed: common.seed, parameters: [
            "neurons": String(neurons), "inputs": String(inputs), "dim": String(dim), "activation": act.rawValue,
            "methods": methodList.map(\.rawValue).joined(separator: ","), "n_max": String(nMax), "seeds": String(seeds),
        ])
        var text = ""
        let progress = common.progress
        if let p = prune {
            text += try runPruning(p, &record)
        } else if let s = sweep {
            text += try runSweep(s, act, methodList, seedList, &record)
        } else {
            let runs: [DecayExperiment.SeedRun]
            if let path = atoms {
                let problem = try GreedyValidation.loadAtoms(path: path, targetColumn: targetColumn)
                record.parameters["atoms"] = path
                record.parameters["inputs"] = String(problem.inputCount)
                record.parameters["neurons"] = String(problem.neuronCount)
                record.parameters["seeds"] = "1"
                var traces = [SelectionMethod: SelectionTrace]()
                let stream = RandomStream(seed: common.seed)
                for m in methodList {
                    traces[m] = try m.selector.run(on: problem, steps: nMax, options: SelectionOptions(), stream: stream.split(m.rawValue))
                }
                runs = [DecayExperiment.SeedRun(seed: common.seed, traces: traces, variance: problem.variance, width: problem.neuronCount, bounds: nil)]
            } else {
                var instance = GreedyInstance(dimension: dim, inputs: inputs, width: neurons, activation: act)
                instance.trainedOutput = trained
                record.parameters["trained"] = String(trained)
                runs = try DecayExperiment(instance: instance, steps: nMax, seeds: seedList, methods: methodList).run { progress.update("greedy: \($0)") }
            }
            progress.finish()
            text += try report(runs, methodList, &record)
            if let eps = tolerance { text += toleranceTable(runs, methodList, eps, &record) }
        }
        if common.json {
            emit(String(decoding: try JSONOutput.encode(record), as: UTF8.self))
        } else if common.csv {
            emit(record.csv)
        } else {
            emit(text.hasSuffix("\n") ? text : text + "\n")
        }
    }

    /// Plot and table of the seed-pooled curves.
    func report(_ runs: [DecayExperiment.SeedRun], _ methods: [SelectionMethod], _ record: inout GreedyRecord) throws -> String {
        let f = { (x: Double) in NumberFormat.compact(x) }
        var plot = LinePlot(title: "Discrepancy L_n (geometric mean over \(runs.count) instance\(runs.count == 1 ? "" : "s"))",
                            xLabel: "n (selection steps)", yLabel: "L_n", xScale: .linear, yScale: .log10)
        var rows = [[String]]()
        let shown = [10, 50, 100, 200, 400, 1000].filter { $0 <= nMax }
        for m in methods {
            let curves = runs.curves(m)
            guard let len = curves.map(\.count).min(), len > 0 else { continue }
            let pooled = Descriptive.geometricMeanCurve(curves.map { Array($0.prefix(len)) })
            let xs = (1...len).map(Double.init)
            plot.add(Series(name: m.rawValue, x: xs, y: pooled))
            let rates = curves.map { PooledDecayTest.rate($0) }.filter(\.isFinite)
            let test = try? PooledDecayTest(curves: curves)
            // A rate needs a fit window of at least a decade of n (fully-corrective reaches t exactly within M + 1 steps).
            let c = test == nil ? "—" : (test?.windowDecades ?? 0) < 1 ? "— (n_end = \(test?.end ?? 0))"
                : rates.count >= 2 ? (try? ConfidenceInterval(tOver: rates)).map { $0.formatted(f) } ?? "—" : (rates.first.map(f) ?? "—")
            let distinct = Descriptive.median(runs.compactMap { $0.traces[m]?.distinct.last.map(Double.init) })
            let held = runs.heldOutCurves(m)
            let heldLast = held.isEmpty ? "—" : f(Descriptive.geometricMeanCurve(held).last ?? .nan)
            rows.append([m.rawValue] + shown.map { $0 <= len ? f(pooled[$0 - 1]) : "" } + [heldLast, c,
                         test.map { "\(NumberFormat.compact($0.exponential.rSquared, significant: 4)) / \(NumberFormat.compact($0.powerLaw.rSquared, significant: 4))" } ?? "—",
                         f(distinct)])
            record.methods.append(GreedyRecord.MethodCurve(
                method: m.rawValue, loss: pooled, heldOutLoss: held.isEmpty ? nil : Descriptive.geometricMeanCurve(held),
                distinct: (0..<len).map { k in Descriptive.median(runs.compactMap { $0.traces[m].map { Double($0.distinct[min(k, $0.count - 1)]) } }) },
                decayConstant: rates.isEmpty ? nil : Descriptive.mean(rates),
                semilogRSquared: test?.exponential.rSquared, logLogRSquared: test?.powerLaw.rSquared))
        }
        if let v = runs.first?.variance {
            let xs = (1...nMax).map(Double.init)
            plot.add(Series(name: "V/n", x: xs, y: xs.map { v / $0 }, dashed: true))
        }
        var out = plot.render(common.plotStyle) + "\n"
        out += Table(headers: ["method"] + shown.map { "L@\($0)" } + ["held-out L@\(nMax)", "c (95% t-CI over seeds)", "R² semilog / log-log", "distinct"], rows: rows).render()
        return out
    }

    /// Neurons needed for L ≤ ε per method, at ε and every decade above it down from 1e-2.
    func toleranceTable(_ runs: [DecayExperiment.SeedRun], _ methods: [SelectionMethod], _ eps: Double, _ record: inout GreedyRecord) -> String {
        var levels = [Double]()
        var e = 1e-2
        while e > eps * 1.0001 { levels.append(e); e /= 10 }
        levels.append(eps)
        var rows = [[String]]()
        var plot = LinePlot(title: "Neurons needed for L ≤ ε (median over instances): the logarithmic-tickets curve",
                            xLabel: "log10(1/ε)", yLabel: "distinct neurons", xScale: .linear, yScale: .linear)
        for m in methods {
            var row = [m.rawValue]
            var px = [Double](), py = [Double]()
            defer { if px.count >= 2 { plot.add(Series(name: m.rawValue, x: px, y: py)) } }
            for level in levels {
                let steps = runs.compactMap { $0.traces[m]?.stepsToReach(level) }.map(Double.init)
                let neurons = runs.compactMap { $0.traces[m]?.neuronsToReach(level) }.map(Double.init)
                let reached = steps.count
                if reached == runs.count { px.append(-log10(level)); py.append(Descriptive.median(neurons)) }
                row.append(reached == runs.count ? "\(NumberFormat.compact(Descriptive.median(neurons))) (\(NumberFormat.compact(Descriptive.median(steps))))" : "> n_max (\(reached)/\(runs.count))")
                record.tolerance.append(.init(method: m.rawValue, epsilon: level, reached: reached, seeds: runs.count,
                                              medianSteps: steps.isEmpty ? nil : Descriptive.median(steps),
                                              medianNeurons: neurons.isEmpty ? nil : Descriptive.median(neurons)))
            }
            rows.append(row)
        }
        let chart = plot.series.isEmpty ? "" : "\n" + plot.render(common.plotStyle)
        return chart + "\nNeurons needed for L ≤ ε: median distinct neurons (median steps); logarithmic tickets grow linearly in log 1/ε\n"
            + Table(headers: ["method"] + levels.map { "ε=\(NumberFormat.compact($0))" }, rows: rows).render()
    }

    /// Decay constant against one swept parameter.
    func runSweep(_ spec: String, _ act: Activation, _ methods: [SelectionMethod], _ seedList: [UInt64], _ record: inout GreedyRecord) throws -> String {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--sweep expects key=v1,v2,…, got '\(spec)'") }
        let key = parts[0].lowercased()
        let values = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.isEmpty else { throw ValidationError("--sweep \(key) has no values") }
        var instances = [(String, GreedyInstance)]()
        for v in values {
            var inst = GreedyInstance(dimension: dim, inputs: inputs, width: neurons, activation: act, heldOutInputs: 0)
            switch key {
            case "width", "n", "neurons":
                guard let n = Int(v) else { throw ValidationError("--sweep width value '\(v)' is not an integer") }
                inst.width = n
            case "m", "inputs":
                guard let m = Int(v) else { throw ValidationError("--sweep M value '\(v)' is not an integer") }
                inst.inputs = m
            case "activation":
                inst.activation = try Activation.named(v)
            default:
                throw GreedyError.unknownName(kind: "sweep key", name: parts[0], known: ["width", "M", "activation"])
            }
            try GreedyValidation.checkSizes(width: inst.width, inputs: inst.inputs, dimension: inst.dimension)
            instances.append((v, inst))
        }
        let f = { (x: Double) in NumberFormat.compact(x) }
        var rows = [[String]]()
        var bars = [Double]()
        for (label, inst) in instances {
            common.progress.update("greedy sweep: \(key) = \(label)")
            let runs = try DecayExperiment(instance: inst, steps: nMax, seeds: seedList, methods: methods).run()
            var row = [label]
            for m in methods {
                let rates = runs.curves(m).map { PooledDecayTest.rate($0) }.filter(\.isFinite)
                let ci = rates.count >= 2 ? try? ConfidenceInterval(tOver: rates) : nil
                row.append(ci.map { $0.formatted(f) } ?? (rates.first.map(f) ?? "—"))
                if m == .greedyLineSearch || (methods.count == 1) { bars.append(ci?.estimate ?? rates.first ?? 0) }
                record.sweep.append(.init(key: key, value: label, method: m.rawValue, decayConstant: ci?.estimate ?? rates.first,
                                          lower: ci?.lower, upper: ci?.upper))
            }
            rows.append(row)
        }
        common.progress.finish()
        var out = ""
        if bars.count == instances.count {
            out += BarChart(title: "decay constant c of \(methods.contains(.greedyLineSearch) ? "greedy-linesearch" : methods[0].rawValue) against \(key)",
                            labels: instances.map { "\(key)=\($0.0)" }, values: bars, valueFormat: f).render(common.plotStyle) + "\n"
        }
        out += Table(headers: [key] + methods.map { "c: \($0.rawValue)" }, rows: rows).render()
        return out
    }

    /// MLP hidden-layer pruning on the shipped digits.
    func runPruning(_ which: String, _ record: inout GreedyRecord) throws -> String {
        let keepList = try keep.split(separator: ",").map { s -> Int in
            guard let k = Int(s.trimmingCharacters(in: .whitespaces)), k >= 1, k <= hidden else {
                throw ValidationError("--keep values must be integers in 1...\(hidden), got '\(s)'")
            }
            return k
        }
        let act = try Activation.named(activation)
        common.progress.update("greedy: training the MLP on the digits")
        let cmp = try PruningComparison(data: BuiltinDatasets.digits(), hidden: hidden, activation: act, keep: keepList, batch: 300,
                                        method: .greedyLineSearch, stream: RandomStream(seed: common.seed))
        common.progress.finish()
        let f = { (x: Double) in x.isNaN ? "—" : String(format: "%.3f", x) }
        var headers = ["neurons kept", "magnitude"]
        if which != "global" { headers.append("greedy local") }
        if which != "local" { headers.append("greedy global") }
        var rows = [[String]]()
        for (i, k) in cmp.keep.enumerated() {
            var row = [String(k), f(cmp.magnitude[i])]
            if which != "global" { row.append(f(cmp.local[i])) }
            if which != "local" { row.append(f(cmp.global[i])) }
            rows.append(row)
            record.pruning.append(.init(keep: k, magnitude: cmp.magnitude[i], local: which != "global" ? cmp.local[i] : nil,
                                        global: which != "local" ? cmp.global[i] : nil))
        }
        record.parameters["prune"] = which
        record.parameters["hidden"] = String(hidden)
        record.parameters["dataset"] = "digits (UCI optical recognition of handwritten digits, CC BY 4.0)"
        record.parameters["denseAccuracy"] = String(cmp.dense)
        var out = "One-hidden-layer MLP (\(hidden) \(act.rawValue) neurons) on the digits: \(cmp.trainCount) training / \(cmp.testCount) test rows; dense test accuracy \(f(cmp.dense))\n"
        out += "local: greedy line search matching the layer's logits on 300 training inputs; global: Frank–Wolfe on the KL of the output distribution; magnitude: keep the k largest ‖w_in‖·‖w_out‖, unchanged\n"
        out += Table(headers: headers, rows: rows).render()
        return out
    }
}

/// The JSON record of `workbench greedy` (schema "workbench.greedy/1").
struct GreedyRecord: Codable {
    var schema = "workbench.greedy/1"
    var seed: UInt64
    var parameters: [String: String]
    struct MethodCurve: Codable {
        var method: String
        var loss: [Double]
        var heldOutLoss: [Double]?
        var distinct: [Double]
        var decayConstant: Double?
        var semilogRSquared: Double?
        var logLogRSquared: Double?
    }
    struct SweepPoint: Codable {
        var key: String, value: String, method: String
        var decayConstant: Double?, lower: Double?, upper: Double?
    }
    struct TolerancePoint: Codable {
        var method: String, epsilon: Double, reached: Int, seeds: Int
        var medianSteps: Double?, medianNeurons: Double?
    }
    struct PruningPoint: Codable {
        var keep: Int, magnitude: Double, local: Double?, global: Double?
    }
    var methods: [MethodCurve] = []
    var sweep: [SweepPoint] = []
    var tolerance: [TolerancePoint] = []
    var pruning: [PruningPoint] = []

    init(seed: UInt64, parameters: [String: String]) {
        self.seed = seed
        self.parameters = parameters
    }

    /// `--csv`: one table per kind of result, a `kind` column first.
    var csv: String {
        var out = "kind,method,x,y,z\n"
        for m in methods {
            for (k, l) in m.loss.enumerated() { out += "loss,\(m.method),\(k + 1),\(l),\(m.distinct[k])\n" }
            if let h = m.heldOutLoss { for (k, l) in h.enumerated() { out += "heldout,\(m.method),\(k + 1),\(l),\n" } }
        }
        for s in sweep { out += "sweep,\(s.method),\(s.key)=\(s.value),\(s.decayConstant.map { String($0) } ?? ""),\n" }
        for t in tolerance { out += "tolerance,\(t.method),\(t.epsilon),\(t.medianNeurons.map { String($0) } ?? ""),\(t.medianSteps.map { String($0) } ?? "")\n" }
        for p in pruning { out += "pruning,magnitude,\(p.keep),\(p.magnitude),\npruning,local,\(p.keep),\(p.local.map { String($0) } ?? ""),\npruning,global,\(p.keep),\(p.global.map { String($0) } ?? ""),\n" }
        return out
    }
}
