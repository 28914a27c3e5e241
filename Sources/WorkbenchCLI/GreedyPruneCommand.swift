import ArgumentParser
import Components
import Datasets
import Foundation
import GreedySelection
import Randomness
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

/// `workbench greedy prune-mlp`: greedy versus magnitude neuron pruning of a trained MLP on the digits.
struct GreedyPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune-mlp",
        abstract: "Train a one-hidden-layer MLP on the digits and compare greedy and magnitude pruning of its hidden neurons.",
        discussion: """
        local: greedy line search matching the layer's logits on 300 training inputs; global: Frank–Wolfe on the KL \
        of the output distribution; magnitude: keep the k largest ‖w_in‖·‖w_out‖, unchanged. Prints test accuracy \
        against the neurons kept.

        Examples:
          workbench greedy prune-mlp
          workbench greedy prune-mlp --mode local --hidden 32 --keep 4,8,16
        """)

    @Option(help: "Greedy pruning to compare with magnitude pruning.")
    var mode: PruneMode = .both

    @Option(help: "Hidden width of the MLP.")
    var hidden = 64

    @Option(help: ArgumentHelp("Neuron counts to keep (comma-separated, each in 1...hidden).", valueName: "k,…"))
    var keep = "2,4,8,16,32,64"

    @Option(help: "Hidden non-linearity of the MLP.")
    var activation: Activation = .tanh

    @OptionGroup var common: CommonOptions

    /// Inputs the local selection matches the logits on.
    static let batch = 300

    func validate() throws {
        guard (1...HiddenLayerNetwork.maxHidden).contains(hidden) else {
            throw ValidationError("--hidden must be in 1...\(HiddenLayerNetwork.maxHidden), got \(hidden)")
        }
        _ = try keepList()
    }

    func keepList() throws -> [Int] {
        try keep.split(separator: ",", omittingEmptySubsequences: false).map { s -> Int in
            guard let k = Int(s.trimmingCharacters(in: .whitespaces)), k >= 1, k <= hidden else {
                throw ValidationError("--keep values must be integers in 1...\(hidden), got '\(s)'")
            }
            return k
        }
    }

    func run() throws {
        let keepList = try keepList()
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
        try common.emit(record, command: record.command) { report(cmp) + "\n" }
    }

    func report(_ cmp: PruningComparison) -> String {
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
        var out = "One-hidden-layer MLP (\(hidden) \(activation.rawValue) neurons) on the digits: \(cmp.trainCount) training / \(cmp.testCount) test rows; dense test accuracy \(f(cmp.dense))\n"
        out += "local: greedy line search matching the layer's logits on \(Self.batch) training inputs; global: Frank–Wolfe on the KL of the output distribution; magnitude: keep the k largest ‖w_in‖·‖w_out‖, unchanged\n"
        out += Table(headers: headers, rows: rows).render()
        return out
    }
}
