import ArgumentParser
import Components
import Datasets
import Foundation
import GreedySelection
import LinearAlgebra
import Randomness
import SparseNets
import TextPlot

/// Which greedy pruning `greedy prune-mlp` compares with magnitude pruning.
enum PruneMode: String, CaseIterable, ExpressibleByArgument {
    /// Match the hidden layer's logits (squared error).
    case local
    /// Match the output distribution (KL divergence).
    case global
    /// Both.
    case both

    var local: Bool { self != .global }
    var global: Bool { self != .local }
}

extension Activation: ExpressibleByArgument {}

extension ReLUNetwork {
    /// The plain matrices of a masked MLP (the workbench's weights already are PyTorch's [out, in]).
    init(_ net: MaskedNetwork) throws {
        guard net.layers.allSatisfy({ $0 is DenseLayer }) else { throw InputError("greedy prune-mlp prunes MLPs; this network has conv layers") }
        try self.init(weights: net.parameters.weights, biases: net.parameters.biases)
    }
}

/// `workbench greedy prune-mlp`: greedy versus magnitude neuron pruning of a trained MLP, the digits one it trains or yours (`--model`).
struct GreedyPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune-mlp",
        abstract: "Greedy versus magnitude pruning of an MLP's hidden neurons: a one-hidden-layer MLP it trains on the digits, or your own (--model).",
        discussion: """
        Without --model: trains a one-hidden-layer MLP on the digits. local: greedy line search matching the \
        layer's logits on 300 training inputs; global: Frank–Wolfe on the KL of the output distribution; \
        magnitude: keep the k largest ‖w_in‖·‖w_out‖, unchanged. Prints test accuracy against the neurons kept.

        With --model FILE.safetensors (a ReLU MLP as a PyTorch state dict, Linear weights [out, in]): greedy \
        forward selection layer by layer from the input side (Ye et al., ICML 2020): for each hidden layer, \
        neurons are added by greedy line search so that the next layer's pre-activations on 300 training inputs \
        match the full network's, through the layers already pruned; the chosen neurons' outgoing weights are \
        scaled by N·λ. --keep k,… prunes every hidden layer to k neurons (at most its width), one row per k; \
        --tolerance t keeps, layer by layer, the fewest neurons whose network is within t of the dense \
        validation accuracy. Magnitude pruning is evaluated at the same widths. The data are standardised on \
        the training part (as prune trains), so a network trained by `workbench prune --save` fits as it is. \
        --save writes the smaller network as a state dict of the reduced sizes with the file's own keys.

        Examples:
          workbench greedy prune-mlp
          workbench greedy prune-mlp --mode local --hidden 32 --keep 4,8,16
          workbench greedy prune-mlp --model net.safetensors --data digits --keep 4,8,16,32
          workbench greedy prune-mlp --model net.safetensors --train a.csv --validation b.csv --tolerance 0.01 --save pruned.safetensors
        """)

    @Option(help: "Greedy pruning to compare with magnitude pruning (default both; with --model only local, layer by layer).")
    var mode: PruneMode?

    @Option(help: "Hidden width of the MLP trained on the digits (default 64; not with --model).")
    var hidden: Int?

    @Option(help: ArgumentHelp("Neuron counts to keep (comma-separated; default 2,4,…,64, or powers of 2 up to the widest layer with --model).", valueName: "k,…"))
    var keep: String?

    @Option(help: ArgumentHelp("With --model: keep the fewest neurons per layer with validation accuracy within this of the dense network's (exclusive with --keep).", valueName: "drop"))
    var tolerance: Double?

    @Option(help: "Hidden non-linearity of the MLP trained on the digits (default tanh; a --model MLP is ReLU).")
    var activation: Activation?

    @Option(help: ArgumentHelp("A ReLU MLP as a safetensors PyTorch state dict to prune instead of training one.", valueName: "file.safetensors"))
    var model: String?

    @Option(help: ArgumentHelp("With --model: the layers' key prefixes in order, e.g. fc1,fc2,out.", valueName: "name,…"))
    var layers: String?

    @Option(help: ArgumentHelp("With --model: data split by the policy (\(BuiltinDatasets.names.joined(separator: ", ")), a .csv / .libsvm file; default digits; exclusive with --train).", valueName: "data"))
    var data: String?

    @Option(help: ArgumentHelp("With --model: your own training file (needs --validation).", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("With --model: your own validation file.", valueName: "file"))
    var validation: String?

    @Option(help: ArgumentHelp("With --model: your own test file; without it accuracy is reported on the validation file.", valueName: "file"))
    var test: String?

    @Option(help: ArgumentHelp("With --model: write the greedily pruned network, reduced sizes, same keys (needs --tolerance or one --keep value).", valueName: "file.safetensors"))
    var save: String?

    @OptionGroup var common: CommonOptions

    /// Inputs the local selection matches the logits on.
    static let batch = 300

    func validate() throws {
        if model == nil {
            for (flag, given) in [("--layers", layers != nil), ("--data", data != nil), ("--train", train != nil), ("--validation", validation != nil),
                                  ("--test", test != nil), ("--save", save != nil), ("--tolerance", tolerance != nil)] where given {
                throw ValidationError("\(flag) applies with --model")
            }
            let h = hidden ?? 64
            guard (1...HiddenLayerNetwork.maxHidden).contains(h) else {
                throw ValidationError("--hidden must be in 1...\(HiddenLayerNetwork.maxHidden), got \(h)")
            }
            _ = try keepList(max: h)
            return
        }
        if hidden != nil { throw ValidationError("--hidden sets the MLP trained on the digits: the --model network has its own widths") }
        if activation != nil { throw ValidationError("--activation sets the MLP trained on the digits: a --model MLP is ReLU") }
        if let m = mode, m != .local { throw ValidationError("--mode \(m.rawValue): with --model the greedy selection is local (layer by layer)") }
        if let t = tolerance {
            guard keep == nil else { throw ValidationError("--tolerance and --keep are exclusive") }
            guard t.isFinite, t >= 0, t <= 1 else { throw ValidationError("--tolerance must be in [0, 1], got \(t)") }
        }
        if let k = keep { _ = try keepList(k, max: Int.max) }
        if save != nil, tolerance == nil, (keep.map { (try? keepList($0, max: Int.max))?.count ?? 0 } ?? 0) != 1 {
            throw ValidationError("--save writes one network: give --tolerance or a single --keep value")
        }
        if train != nil || validation != nil || test != nil {
            guard data == nil else { throw ValidationError("--data and --train/--validation/--test are exclusive") }
            guard train != nil, validation != nil else { throw ValidationError("your own split needs both --train and --validation (--test is optional)") }
        }
    }

    func keepList(max: Int) throws -> [Int] { try keepList(keep ?? "2,4,8,16,32,64", max: max) }

    func keepList(_ text: String, max: Int) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { s -> Int in
            guard let k = Int(s.trimmingCharacters(in: .whitespaces)), k >= 1, k <= max else {
                throw ValidationError("--keep values must be integers in 1...\(max == Int.max ? "the layer width" : String(max)), got '\(s)'")
            }
            return k
        }
    }

    func run() throws {
        if model != nil { return try runModel() }
        let hidden = hidden ?? 64, mode = mode ?? .both, activation = activation ?? .tanh
        let keepList = try keepList(max: hidden)
        common.progress.update("greedy: training the MLP on the digits")
        let cmp = try PruningComparison(data: BuiltinDatasets.digits(), hidden: hidden, activation: activation, keep: keepList, batch: Self.batch,
                                        selector: GreedyLineSearchSelector.self, stream: RandomStream(seed: common.seed))
        common.progress.finish()
        var record = GreedyRecord(command: "greedy-prune-mlp", seed: common.seed, parameters: ParameterValues([
            "mode": .text(mode.rawValue), "hidden": .int(hidden), "keep": .text(keepList.map(String.init).joined(separator: ",")),
            "activation": .text(activation.rawValue),
        ]), facts: [
            "dataset": "digits (UCI optical recognition of handwritten digits, CC BY 4.0)",
            "denseAccuracy": String(cmp.dense), "train": String(cmp.trainCount), "test": String(cmp.testCount),
            "selector": GreedyLineSearchSelector.name, "batch": String(Self.batch),
        ])
        for (i, k) in cmp.keep.enumerated() {
            record.pruning.append(.init(keep: k, magnitude: cmp.magnitude[i], local: mode.local ? cmp.local[i] : nil,
                                        global: mode.global ? cmp.global[i] : nil))
        }
        try common.emit(record, command: record.command) { report(cmp, mode: mode, activation: activation) + "\n" }
    }

    func report(_ cmp: PruningComparison, mode: PruneMode, activation: Activation) -> String {
        let f = { (x: Double) in x.isNaN ? "—" : String(format: "%.3f", x) }
        var headers = ["neurons kept", "magnitude"]
        if mode.local { headers.append("greedy local") }
        if mode.global { headers.append("greedy global") }
        var rows = [[String]]()
        for (i, k) in cmp.keep.enumerated() {
            var row = [String(k), f(cmp.magnitude[i])]
            if mode.local { row.append(f(cmp.local[i])) }
            if mode.global { row.append(f(cmp.global[i])) }
            rows.append(row)
        }
        var out = "One-hidden-layer MLP (\(cmp.width) \(activation.rawValue) neurons) on the digits: \(cmp.trainCount) training / \(cmp.testCount) test rows; dense test accuracy \(f(cmp.dense))\n"
        out += "local: greedy line search matching the layer's logits on \(Self.batch) training inputs; global: Frank–Wolfe on the KL of the output distribution; magnitude: keep the k largest ‖w_in‖·‖w_out‖, unchanged\n"
        out += Table(headers: headers, rows: rows).render()
        return out
    }

    /// One pruned network of the `--model` comparison.
    struct ModelRow {
        var label: String
        var kept: [Int]
        var greedyValidation: Double, greedyTest: Double, magnitudeValidation: Double, magnitudeTest: Double
    }

    func runModel() throws {
        guard let path = model else { return }
        let prepared: PreparedData
        if let train, let validation {
            prepared = try PreparedData(DataPolicy.ownSplit(train: train, validation: validation, test: test))
        } else {
            prepared = try PreparedData(DataPolicy.load(data ?? "digits"))
        }
        let loaded = try ModelOptions.load(path, order: ModelOptions.order(layers), inputSize: prepared.train.dimension, classCount: prepared.train.classCount)
        let net = try ReLUNetwork(loaded.network)
        guard !net.hiddenWidths.isEmpty else { throw InputError("\(path): \(loaded.provenance.architecture) has no hidden layer to prune") }
        let widest = net.hiddenWidths.max() ?? 1
        let batch = prepared.train.columns.columns(Array(0..<min(Self.batch, prepared.train.count)))
        let val = (x: prepared.validation.columns, labels: prepared.validation.labels)
        let testX = prepared.test.columns, testLabels = prepared.test.labels
        let stream = RandomStream(seed: common.seed).split("layerwise")

        var budgets = [LayerwiseNeuronPruning.Budget](), ks = [Int]()
        if let t = tolerance {
            budgets = [.tolerance(t)]
        } else {
            ks = (0...20).map { 1 << $0 }.filter { $0 < widest } + [widest]
            if let k = keep { ks = try keepList(k, max: Int.max) }
            budgets = ks.map { .keep($0) }
        }
        var rows = [ModelRow](), savedChoice: [LayerwiseNeuronPruning.LayerChoice]?
        for (i, b) in budgets.enumerated() {
            common.progress.update("greedy: pruning \(loaded.provenance.architecture) (\(i + 1)/\(budgets.count))")
            let choices = try LayerwiseNeuronPruning.prune(net, batch: batch, budget: b, validation: val, stream: stream)
            let counts = choices.map(\.kept.count)
            let greedy = choices.map { Optional($0.scales) }
            let magnitude = LayerwiseNeuronPruning.magnitude(net, keep: counts).map { Optional($0) }
            let label: String
            switch b {
            case .keep(let k): label = "k = \(k)"
            case .tolerance(let t): label = "drop ≤ \(t)"
            }
            rows.append(ModelRow(label: label, kept: counts,
                                 greedyValidation: try net.accuracy(val.x, val.labels, scales: greedy), greedyTest: try net.accuracy(testX, testLabels, scales: greedy),
                                 magnitudeValidation: try net.accuracy(val.x, val.labels, scales: magnitude),
                                 magnitudeTest: try net.accuracy(testX, testLabels, scales: magnitude)))
            savedChoice = choices
        }
        common.progress.finish()
        let denseValidation = try net.accuracy(val.x, val.labels), denseTest = try net.accuracy(testX, testLabels)
        if let out = save, let choices = savedChoice {
            try saveReduced(net, choices: choices, loaded: loaded, to: out)
        }

        var parameters: [String: ParameterValue] = ["model": .text(path), "mode": .text("local")]
        if let t = tolerance { parameters["tolerance"] = .real(t) } else { parameters["keep"] = .text(ks.map(String.init).joined(separator: ",")) }
        if let l = layers { parameters["layers"] = .text(l) }
        var record = GreedyRecord(command: "greedy-prune-mlp", seed: common.seed, parameters: ParameterValues(parameters), facts: [
            "model": path, "modelSha256": loaded.provenance.sha256, "architecture": loaded.provenance.architecture,
            "keys": loaded.provenance.keys.joined(separator: ","), "data": prepared.name, "dataPolicy": prepared.policy,
            "train": String(prepared.train.count), "validation": String(prepared.validation.count), "test": String(prepared.test.count),
            "evaluatedOn": prepared.testIsValidation ? "validation" : "test",
            "denseValidationAccuracy": String(denseValidation), "denseAccuracy": String(denseTest),
            "selector": GreedyLineSearchSelector.name, "batch": String(batch.cols),
        ])
        for r in rows {
            record.pruning.append(.init(keep: r.kept.reduce(0, +), magnitude: r.magnitudeTest, local: r.greedyTest, global: nil, keptPerLayer: r.kept))
        }
        try common.emit(record, command: record.command) {
            let f = { (x: Double) in String(format: "%.3f", x) }
            let on = prepared.testIsValidation ? "validation (no --test)" : "test"
            var out = loaded.line + "\n"
            out += "hidden widths \(net.hiddenWidths.map(String.init).joined(separator: ", ")) on \(prepared.name) (\(prepared.train.count)/\(prepared.validation.count)/\(prepared.testIsValidation ? 0 : prepared.test.count) train/val/test); "
            out += "dense accuracy \(f(denseTest)) on \(on), \(f(denseValidation)) on validation\n"
            out += "greedy: forward selection layer by layer (line search matching the next layer's pre-activations of the full network on \(batch.cols) training inputs); "
            out += "magnitude: keep the k largest ‖w_in‖·‖w_out‖ per layer, unchanged\n"
            let headers = ["budget", "neurons kept per layer", "total", "greedy \(prepared.testIsValidation ? "val" : "test")", "magnitude \(prepared.testIsValidation ? "val" : "test")",
                           "greedy val", "magnitude val"]
            let total = net.hiddenWidths.reduce(0, +)
            out += Table(headers: headers, rows: rows.map { r in
                [r.label, r.kept.map(String.init).joined(separator: ", "), "\(r.kept.reduce(0, +))/\(total)", f(r.greedyTest), f(r.magnitudeTest),
                 f(r.greedyValidation), f(r.magnitudeValidation)]
            }).render() + "\n"
            if let s = save { out += "\nwrote \(s): the greedily pruned network (\(rows.last?.kept.map(String.init).joined(separator: ", ") ?? "") hidden neurons)\n" }
            return out
        }
    }

    /// Writes the reduced network under the file's own keys; tensors keep their F64/F32 type (F16/BF16 are written as F32).
    func saveReduced(_ net: ReLUNetwork, choices: [LayerwiseNeuronPruning.LayerChoice], loaded: LoadedModel, to out: String) throws {
        let (small, _) = try net.reduced(scales: choices.map { Optional($0.scales) })
        let source = try SafetensorsFile.read(loaded.provenance.path)
        let names = NetworkFile.layerNames(source, order: ModelOptions.order(layers))
        func dtype(_ key: String) -> SafetensorsDType { source[key]?.dtype == .f64 ? .f64 : .f32 }
        var tensors = [SafetensorsTensor]()
        for (l, name) in names.enumerated() {
            let w = small.weights[l]
            var values = [Double](repeating: 0, count: w.rows * w.cols)
            for i in 0..<w.rows { for j in 0..<w.cols { values[i * w.cols + j] = w[i, j] } }
            tensors.append(SafetensorsTensor(name: "\(name).weight", dtype: dtype("\(name).weight"), shape: [w.rows, w.cols], values: values))
            if source["\(name).bias"] != nil {
                tensors.append(SafetensorsTensor(name: "\(name).bias", dtype: dtype("\(name).bias"), shape: [w.rows], values: small.biases[l]))
            }
        }
        let metadata = ["workbench": Workbench.version, "command": (["workbench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                        "seed": String(common.seed), "source": loaded.provenance.path, "source-sha256": loaded.provenance.sha256,
                        "kept": choices.map { $0.kept.map(String.init).joined(separator: ",") }.joined(separator: ";")]
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: out)
    }
}
