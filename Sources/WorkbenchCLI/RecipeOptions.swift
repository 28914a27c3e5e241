import ArgumentParser
import Components
import SparseNets

/// The training-recipe flags of a command that trains networks without a pruning batch; help and defaults come from `TrainingRecipe.parameters`.
struct RecipeOptions: ParsableArguments {
    /// Help for a recipe flag, from its declaration.
    static func help(_ name: String) -> ArgumentHelp {
        let p = TrainingRecipe.parameters.first { $0.name == name } ?? TrainingRecipe.choiceParameters.first { $0.name == name }!
        return ArgumentHelp("\(p.help) (\(p.domain.summary); default \(p.defaultSummary)).", valueName: name == "schedule" ? "schedule" : "value")
    }

    /// The recipe's parameters these flags set (the pruning batch's size is not one of them).
    static let declared = TrainingRecipe.parameters.filter { $0.name != "per-class" }

    @Option(help: help("epochs"))
    var epochs: String?

    @Option(name: .customLong("batch-size"), help: help("batch-size"))
    var batchSize: String?

    @Option(help: help("lr"))
    var lr: String?

    @Option(help: help("momentum"))
    var momentum: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("\(TrainingRecipe.parameter("nesterov").help) (default \(TrainingRecipe.parameter("nesterov").defaultSummary))."))
    var nesterov: Bool?

    @Option(name: .customLong("weight-decay"), help: help("weight-decay"))
    var weightDecay: String?

    @Option(help: help("schedule"))
    var schedule: String?

    @Option(help: help("optimizer"))
    var optimizer: String?

    @Option(name: .customLong("data-order"), help: help("data-order"))
    var dataOrder: String?

    /// The flags given, by declared parameter name.
    var overrides: [String: String] {
        var o = [String: String]()
        let given: [(String, String?)] = [("epochs", epochs), ("batch-size", batchSize), ("lr", lr), ("momentum", momentum),
                                          ("weight-decay", weightDecay), ("schedule", schedule), ("optimizer", optimizer), ("data-order", dataOrder),
                                          ("nesterov", nesterov.map { $0 ? "true" : "false" })]
        for (k, v) in given { if let v { o[k] = v } }
        return o
    }

    /// The recipe and its resolved values; a bad value is one line naming the flag.
    func resolve(owner: String) throws -> (recipe: TrainingRecipe, values: ParameterValues) {
        do {
            // The optimizer and data-order choices enter the values (and so the record) only when given: records of SGD runs stay as they were.
            let given = overrides
            let choices = TrainingRecipe.choiceParameters.filter { given[$0.name] != nil }
            let values = try ParameterValues(resolving: Self.declared + choices, overrides: given, owner: owner)
            return (try TrainingRecipe(parameters: values), values)
        } catch { throw InputError("--\(error)") }
    }
}
