import Components
import Foundation

/// What each round's mask is found from: IMP resetting to θ₀, IMP rewinding to θ_k, or one-shot pruning of the dense network.
public enum IMPMode: String, CaseIterable, Sendable {
    /// Train, prune, reset the survivors to θ₀, repeat (Frankle & Carbin): the chain is the ticket arm.
    case reset
    /// Train, prune, rewind the survivors to θ_k, repeat (late resetting): the chain is the rewind arm.
    case rewind
    /// Every round's mask pruned from the trained dense network at once, to the same density as IMP's round.
    case oneShot = "one-shot"

    /// The arm whose training produces the next round's mask (nil for one-shot, which only trains the dense network).
    public var chainArm: String? {
        switch self {
        case .reset: return TicketArm.name
        case .rewind: return RewindArm.name
        case .oneShot: return nil
        }
    }
}

/// Iterative magnitude pruning: the rule, the per-round rates, the mode, the rewind epoch and the number of rounds.
public struct IMPProcedure: Sendable {
    /// How removals are spread over the layers.
    public var rule: any IMPPruningRule
    /// Fraction of the surviving hidden-layer weights removed per round.
    public var fraction: Double
    /// Fraction of the surviving output-layer weights removed per round (0 = output layer dense).
    public var outputFraction: Double
    /// Where masks come from.
    public var mode: IMPMode
    /// k: the epoch of the dense run the rewind arm restarts from.
    public var rewindEpoch: Int
    /// Pruning rounds after the dense run.
    public var rounds: Int

    /// The procedure's settings, declared once: `lottery`'s flags and the claim's parameters read them.
    ///
    /// The defaults are the prototype's protocol: global magnitude pruning of 20% of the survivors
    /// per round, the output layer at half that rate, reset to θ₀, rewind arm at epoch 1, 11 rounds
    /// (10.2% density on the MLP 64-64-64-10).
    public static let parameters: [Parameter] = [
        .int("rounds", 11, 1...100, "pruning rounds after the dense run"),
        .real("prune-fraction", 0.2, .real(lower: 0, upper: 1, lowerOpen: true, upperOpen: true),
              "fraction of the surviving hidden-layer weights removed per round"),
        .derived("output-fraction", .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "prune-fraction/2",
                 "fraction of the surviving output-layer weights removed per round (0 keeps the output layer dense)"),
        .choice("rule", GlobalIMPRule.name, IMPRuleCatalog.all.names,
                "how removals spread over layers: " + IMPRuleCatalog.all.entries.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")),
        .choice("imp", IMPMode.reset.rawValue, IMPMode.allCases.map(\.rawValue),
                "masks from IMP with reset to θ₀, IMP with rewinding to θ_k, or one-shot pruning of the trained dense network"),
        .int("rewind-epoch", 1, 0...10_000, "k: the rewind arm (and --imp rewind) restart from the dense run's weights after k epochs; must be below the epochs"),
    ]

    /// The declared parameter called `name` (a name not in `parameters` is a programming error).
    public static func parameter(_ name: String) -> Parameter {
        guard let p = parameters.first(where: { $0.name == name }) else { preconditionFailure("no IMP parameter '\(name)'") }
        return p
    }

    /// Resolves the declared parameters from overrides, deriving the output rate (half the hidden rate) when it is not given.
    public static func resolve(overrides: [String: String], owner: String) throws(InputError) -> ParameterValues {
        let p = parameter("prune-fraction")
        var hidden = p.defaultValue(in: .standard)?.double ?? 0
        if let raw = overrides[p.name] { hidden = try p.parse(raw).double ?? hidden }
        return try ParameterValues(resolving: parameters, overrides: overrides, derived: ["output-fraction": .real(hidden / 2)], owner: owner)
    }

    /// The procedure from resolved values (the rule and mode by name).
    public init(parameters v: ParameterValues) throws(InputError) {
        rule = try IMPRuleCatalog.rule(named: v.string("rule"))
        fraction = v.real("prune-fraction")
        outputFraction = v.real("output-fraction")
        guard let m = IMPMode(rawValue: v.string("imp")) else { throw InputError("imp: unknown mode '\(v.string("imp"))'") }
        mode = m
        rewindEpoch = v.int("rewind-epoch")
        rounds = v.int("rounds")
    }

    /// A procedure from its parts.
    public init(rule: any IMPPruningRule = GlobalIMPRule(), fraction: Double = 0.2, outputFraction: Double = 0.1,
                mode: IMPMode = .reset, rewindEpoch: Int = 1, rounds: Int = 11) {
        self.rule = rule
        self.fraction = fraction
        self.outputFraction = outputFraction
        self.mode = mode
        self.rewindEpoch = rewindEpoch
        self.rounds = rounds
    }

    /// Throws a one-line error when the rewind epoch does not lie inside a run of `epochs` epochs.
    public func validate(epochs: Int) throws(InputError) {
        guard rewindEpoch < epochs else {
            throw InputError("rewind-epoch \(rewindEpoch) is beyond the run: it must be below the \(epochs) training epochs")
        }
    }
}

/// Ma et al.'s conditions for calling a mask a winning ticket, with their tolerances.
public struct TicketCriteria: Sendable, Equatable {
    /// A ticket matches dense when mean(ticket − dense) ≥ −matchTolerance (accuracy points).
    public var matchTolerance: Double
    /// A ticket beats re-init when mean(ticket − re-init) ≥ margin (points) …
    public var margin: Double
    /// … and at least this fraction of the seeds (rounded up) have a positive gap.
    public var agreement: Double
    /// The dense run plateaued when its validation accuracy over the last quarter of the epochs spans less than this (points).
    public var plateauTolerance: Double

    /// The criteria's settings, declared once (Ma et al. 2021: match dense within 0.5 points; beat re-init by a stated margin on 4 of 5 seeds).
    public static let parameters: [Parameter] = [
        .real("match-tolerance", 0.5, .nonNegative, "a ticket matches dense when mean(ticket − dense) ≥ −this, in accuracy points"),
        .real("margin", 2, .nonNegative, "a ticket beats re-init when mean(ticket − re-init) ≥ this, in accuracy points"),
        .real("agreement", 0.8, .real(lower: 0, upper: 1, lowerOpen: true, upperOpen: false),
              "fraction of seeds (rounded up) whose ticket − re-init gap must be positive (0.8: 4 of 5)"),
        .real("plateau-tolerance", 1, .positive,
              "dense plateau: validation accuracy over the last 25% of epochs spans less than this, in points"),
    ]

    /// The criteria from resolved values.
    public init(parameters v: ParameterValues) {
        self.init(matchTolerance: v.real("match-tolerance"), margin: v.real("margin"), agreement: v.real("agreement"),
                  plateauTolerance: v.real("plateau-tolerance"))
    }

    /// Criteria from their parts (defaults: Ma et al.'s 0.5 points, the claim's 2-point margin, 4 of 5, 1 point).
    public init(matchTolerance: Double = 0.5, margin: Double = 2, agreement: Double = 0.8, plateauTolerance: Double = 1) {
        self.matchTolerance = matchTolerance
        self.margin = margin
        self.agreement = agreement
        self.plateauTolerance = plateauTolerance
    }

    /// Seeds that must agree in sign out of `n` (⌈agreement · n⌉).
    public func required(of n: Int) -> Int { Int((agreement * Double(n) - 1e-9).rounded(.up)) }
}
