import ArgumentParser
import ClaimKit
import Claims
import Components
import Bilevel
import GreedySelection
import SparseNets

/// What `workbench sweep` needs to know of a subcommand that writes a record: the words that name it, and
/// which grid keys it takes and how each is passed.
///
/// A grid key is `seed` (passed as `--seed V`), one of the parameters the subcommand declares as data
/// (passed as `<setOption> key=V`, e.g. `--set N=300`; checked against its domain before anything runs), or one
/// of `options` (passed as `--key=V` and checked by the subcommand's own parser before anything runs).
struct SweepTarget: Sendable {
    /// The command words, e.g. ["greedy", "decay"].
    let path: [String]
    /// The option that sets one declared parameter as key=value (`--set`, `--param`), if the command has one.
    let setOption: String?
    /// Options the grid may set as `--name=value` (for settings that are not declared as `Parameter`s).
    let options: [String]
    /// The declared parameters, given the subcommand's arguments after `path` (they may depend on the claim or selectors named).
    let parameters: @Sendable ([String]) throws -> [Parameter]

    init(_ path: String..., set setOption: String? = nil, options: [String] = [],
         parameters: @escaping @Sendable ([String]) throws -> [Parameter] = { _ in [] }) {
        self.path = path
        self.setOption = setOption
        self.options = options
        self.parameters = parameters
    }

    /// "greedy decay".
    var name: String { path.joined(separator: " ") }
}

/// Every subcommand `workbench sweep` can run. Making a command sweepable is one line here, e.g.
/// `SweepTarget("prune", set: "--set") { try PruneCommand.parse($0).declaredParameters }`.
enum SweepTargets {
    static let all = Catalogue<SweepTarget>(kind: "sweepable command", [
        SweepTarget("verify", set: "--param") { try VerifyCommand.parse($0).sweepParameters() },
        SweepTarget("greedy", "decay", set: "--set") { try GreedyDecayCommand.parse($0).decay.sweepParameters() },
        SweepTarget("greedy", "tolerance", set: "--set") { try GreedyToleranceCommand.parse($0).decay.sweepParameters() },
        SweepTarget("greedy", "sweep", set: "--set") { try GreedySweepCommand.parse($0).sweepParameters() },
        SweepTarget("greedy", "prune-mlp", options: ["hidden", "mode", "activation"]),
        SweepTarget("prune", set: "--set", options: ["method", "sparsity", "net", "seeds", "data"] + recipeFlags) {
            try PruneCommand.parse($0).sweepParameters()
        },
        SweepTarget("bilevel", set: "--set", options: ["algo", "problem", "budget", "target-eps", "data"]) {
            try BilevelCommand.parse($0).sweepParameters()
        },
        SweepTarget("lottery", options: ["net", "arms", "seeds", "data", "lr", "epochs"]
                    + (IMPProcedure.parameters + TicketCriteria.parameters).map { $0.name } + recipeFlags.filter { $0 != "epochs" && $0 != "lr" }),
        SweepTarget("sparse-train", set: "--set", options: ["method", "sparsity", "dist", "budget", "flops-reference", "net", "seeds", "data"] + recipeFlags) {
            try SparseTrainCommand.parse($0).sweepParameters()
        },
    ]) { $0.name }

    /// The training-recipe flags (`--epochs`, `--lr`, …): their names are the declared recipe parameters' names.
    static let recipeFlags = TrainingRecipe.parameters.map { $0.name }.filter { $0 != "nesterov" }

    /// The target whose words begin `command` (the longest such), or nil.
    static func target(for command: [String]) -> SweepTarget? {
        all.entries.filter { command.starts(with: $0.path) }.max { $0.path.count < $1.path.count }
    }
}

extension VerifyCommand {
    /// The named claim's parameters; a sweep runs one claim per run.
    func sweepParameters() throws -> [Parameter] {
        guard !list, claims.count == 1, let claim = claims.first, claim != "all" else {
            throw InputError("a sweep runs one claim per run: name it (verify <claim>), not 'all', several claims or --list")
        }
        return try ClaimRegistry.all.named(claim).parameters
    }
}

extension PruneCommand {
    /// The selected pruning scores' parameters (what `--set` takes).
    func sweepParameters() throws -> [Parameter] {
        unique(try PruningCatalog.all.list(method.lowercased()).flatMap { $0.parameters })
    }
}

extension BilevelCommand {
    /// The selected solvers' and the problem's parameters (what `--set` takes).
    func sweepParameters() throws -> [Parameter] {
        guard !listParams else { throw InputError("with --list-params, bilevel writes no record a sweep can collect") }
        if complexity { return [] }
        let solvers = try SolverCatalog.all.list(algo ?? "mrbo,vrbo,stocbio")
        let problemType = try ProblemCatalog.all.named((problem ?? "quadratic").trimmingCharacters(in: .whitespaces))
        return unique(solvers.flatMap { $0.parameters } + problemType.parameters)
    }
}

extension SparseTrainCommand {
    /// The selected methods' and the distribution's parameters (what `--set` takes).
    func sweepParameters() throws -> [Parameter] {
        let (distribution, _) = try DistributionCatalog.distribution(named: dist.lowercased(), overrides: [:])
        if showDistribution { return type(of: distribution).parameters }
        let types = try SparseMethodCatalog.all.list((method ?? Self.defaultMethods).lowercased())
        return unique(types.flatMap { SparseMethodCatalog.parameters(of: $0) } + type(of: distribution).parameters)
    }
}

/// The parameters with each name once, first declaration first (several solvers or methods share names).
private func unique(_ parameters: [Parameter]) -> [Parameter] {
    var seen = Set<String>()
    return parameters.filter { seen.insert($0.name).inserted }
}

extension DecayOptions {
    /// The instance and experiment parameters in force, and those of the selectors named.
    func sweepParameters() throws -> [Parameter] { declared + (try selection.types()).flatMap { $0.parameters } }
}

extension GreedySweepCommand {
    /// `greedy sweep`'s parameters but its own swept key, and the selectors' parameters.
    func sweepParameters() throws -> [Parameter] {
        let swept = spec?.split(separator: "=", maxSplits: 1).first.map(String.init)
        return DecaySweep.parameters.filter { $0.name != swept } + (try selection.types()).flatMap { $0.parameters }
    }
}
