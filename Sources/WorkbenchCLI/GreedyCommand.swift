import ArgumentParser
import Components
import Foundation
import GreedySelection
import TextPlot

/// `workbench greedy`: greedy forward selection of neurons; one subcommand per experiment.
struct GreedyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greedy",
        abstract: "Greedy forward selection of neurons: decay of the discrepancy, sweeps, neurons per tolerance, MLP pruning.",
        discussion: """
        decay (the default) runs the selectors on a random two-layer network per seed, or on a CSV matrix of neuron \
        outputs (--atoms); sweep prints the decay constant against one instance parameter; tolerance prints the \
        neurons each selector needs to reach L ≤ ε; prune-mlp trains a one-hidden-layer network on the digits and \
        compares greedy and magnitude neuron pruning. Instance and selector parameters are set with --set key=value, \
        the same names as `verify greedy-decay --param` (see --list-params).

        Examples:
          workbench greedy decay
          workbench greedy decay --selectors greedy-linesearch,greedy-uniform --set n_max=200 --set seeds=5
          workbench greedy sweep N=100,300,1000,3000
          workbench greedy tolerance --epsilon 1e-10
          workbench greedy decay --atoms my_layer.csv --target-column
          workbench greedy prune-mlp --mode both --hidden 64
        """,
        subcommands: [GreedyDecayCommand.self, GreedySweepCommand.self, GreedyToleranceCommand.self, GreedyPruneCommand.self],
        defaultSubcommand: GreedyDecayCommand.self)
}

/// The selectors a greedy subcommand runs and the `--set` values for them and for the instance.
struct SelectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Comma-separated selectors, or 'all' for the standard set (\(SelectorCatalog.standard.map { $0.name }.joined(separator: ", "))); controls: \(SelectorCatalog.all.entries.filter { $0.isControl }.map { $0.name }.joined(separator: ", ")).",
                               valueName: "names"))
    var selectors = "all"

    @Option(name: .customLong("set"), help: ArgumentHelp("Set an instance or selector parameter (repeatable; see --list-params).", valueName: "key=value"))
    var settings: [String] = []

    @Flag(name: .customLong("list-params"), help: "List the parameters --set may name, with defaults and domains, and exit.")
    var listParams = false

    /// The selected selector types.
    func types() throws -> [any GreedySelection.Selector.Type] { try SelectorCatalog.list(selectors) }

    /// `--set` as a dictionary.
    func overrides() throws -> [String: String] { try Settings.parse(settings, flag: "--set") }

    /// The `--list-params` table: the command's own parameters, then each selected selector's.
    func parameterTable(_ declared: [Parameter]) throws -> String {
        var rows = declared.map { [$0.name, $0.defaultSummary, $0.domain.summary, $0.help] }
        for t in try types() {
            rows += t.parameters.map { ["\($0.name) (\(t.name))", $0.defaultSummary, $0.domain.summary, $0.help] }
        }
        return TextTable.render(headers: ["parameter", "default", "domain", "meaning"], rows: rows)
    }

    /// Resolves `--set` over `declared` (the instance's parameters) and the selected selectors' own parameters.
    func resolve(_ declared: [Parameter], owner: String) throws -> (ParameterValues, [ConfiguredSelector]) {
        let o = try overrides()
        let selectors = try ConfiguredSelector.resolve(try types(), settings: o, shared: declared)
        let names = Set(declared.map(\.name))
        let values = try ParameterValues(resolving: declared, overrides: o.filter { names.contains($0.key) }, owner: owner)
        return (values, selectors)
    }
}

/// The JSON record of every `workbench greedy` subcommand (schema "workbench.greedy/2", documented in the README).
struct GreedyRecord: CommandRecord, Codable {
    var schema = "workbench.greedy/2"
    /// "greedy-decay", "greedy-sweep", "greedy-tolerance" or "greedy-prune-mlp".
    var command: String
    var seed: UInt64
    /// Every parameter in force: the instance's, and each selector's as `selector.parameter`.
    var parameters: ParameterValues
    /// What the run found out that is not a parameter (atom-file sizes, the data split, the swept key).
    var facts: [String: String]
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
        /// Neurons kept in each hidden layer (a `--model` network; absent for the in-memory one-hidden-layer MLP).
        var keptPerLayer: [Int]? = nil
    }
    /// The inradius bounds of each instance (`greedy decay` / `greedy tolerance`).
    struct GeometryPoint: Codable {
        var seed: UInt64, dimension: Int, neurons: Int
        /// The certified lower bound on r and how it was obtained ("exact", "LP-best").
        var rLower: Double, rSource: String
        var rEigenbasis: Double, rUpper: Double, diameter: Double, cThm: Double
        /// Why the exact r was not computed (nil when it was).
        var fallbackReason: String?
    }
    var methods: [MethodCurve] = []
    var geometry: [GeometryPoint] = []
    var sweep: [SweepPoint] = []
    var tolerance: [TolerancePoint] = []
    var pruning: [PruningPoint] = []

    init(command: String, seed: UInt64, parameters: ParameterValues, facts: [String: String] = [:]) {
        self.command = command
        self.seed = seed
        self.parameters = parameters
        self.facts = facts
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
