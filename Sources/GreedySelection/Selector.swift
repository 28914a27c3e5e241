import Components
import Foundation
import Randomness

/// A rule that picks neurons one step at a time and returns the whole path.
///
/// A selector is a component: its name, summary, parameters and the facts that experiments and
/// the contract tests rely on are static, so the catalogue lists types. Adding a selector is
/// adding its file and one line to `SelectorCatalog.all`.
public protocol Selector: Sendable {
    /// The command-line name; also the label its random stream is split by, so renaming one changes its numbers.
    static var name: String { get }
    /// What it does, in one line.
    static var summary: String { get }
    /// Its settings (`--set key=value` on `workbench greedy`); empty when it has none.
    static var parameters: [Parameter] { get }
    /// Whether experiments record the per-step certificate (w_n, D_n) of its runs by default.
    static var recordsCertificate: Bool { get }
    /// Whether it is a negative control: named explicitly, never part of the standard comparison set.
    static var isControl: Bool { get }
    /// Whether every step is a descent step, L_{n+1} ≤ L_n (held to 1e-12 relative by the contract tests).
    static var isMonotone: Bool { get }
    /// Runs `steps` selection steps on `problem` with `parameters` (resolved from `parameters`); randomised selectors draw from `stream`.
    static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, parameters: ParameterValues,
                    stream: RandomStream) throws(GreedyError) -> SelectionTrace
}

extension Selector {
    /// The declared defaults (empty for a selector without parameters).
    public static var defaults: ParameterValues {
        // Fixed defaults always resolve; a declaration that does not is caught by the contract tests.
        (try? ParameterValues(resolving: parameters, owner: "selector '\(name)'")) ?? ParameterValues()
    }

    /// Runs with the declared defaults; `options` default to recording the certificate when the selector does.
    public static func run(on problem: AtomProblem, steps: Int, options: SelectionOptions? = nil, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try run(on: problem, steps: steps, options: options ?? SelectionOptions(for: self), parameters: defaults, stream: stream)
    }
}

/// What a run records beyond the loss path.
public struct SelectionOptions: Sendable, Equatable {
    /// Compute w_n, D_n every step (one extra gemv per step for the random selectors).
    public var recordCertificate: Bool
    /// Keep the sparse weight vector after every step (for pruning a real network).
    public var recordWeights: Bool

    /// Carry the scores Φᵀe through each move with cached Gram columns instead of one gemv per step (same picks;
    /// off only to check it against the uncached path).
    public var gramCache: Bool

    /// Bound every score from a low-rank projection of Φ and compute exactly only those that could win (same picks;
    /// see `ScoreScreen`). Never with the certificate, which needs every score.
    public var screening: Screening

    /// When greedy-uniform and worst-neuron screen their scores (the other selectors never do).
    public enum Screening: Sendable, Equatable {
        /// On a Φ of at least 2²¹ entries (16 MB) and runs of at least 32 steps, until it stops paying (`ScoreScreen`).
        case automatic
        /// Always (tests check the screened picks against the full scan on small instances).
        case always
        /// Never.
        case never
    }

    /// Defaults: certificate on, weights off, Gram cache on, automatic screening.
    public init(recordCertificate: Bool = true, recordWeights: Bool = false, gramCache: Bool = true, screening: Screening = .automatic) {
        self.recordCertificate = recordCertificate
        self.recordWeights = recordWeights
        self.gramCache = gramCache
        self.screening = screening
    }

    /// The options an experiment uses for `selector`: the certificate only where the selector records it.
    public init(for selector: any Selector.Type) {
        self.init(recordCertificate: selector.recordsCertificate)
    }
}

/// A selector with the parameter values in force for one experiment (what experiments hold and records report).
public struct ConfiguredSelector: Sendable {
    /// The selector.
    public let type: any Selector.Type
    /// Its resolved parameters.
    public let parameters: ParameterValues

    /// The selector's name.
    public var name: String { type.name }

    /// `type` with its declared defaults.
    public init(_ type: any Selector.Type) {
        self.type = type
        parameters = type.defaults
    }

    /// `type` with `overrides` of its own parameters (parsed and checked against their domains).
    public init(_ type: any Selector.Type, overrides: [String: String]) throws(InputError) {
        self.type = type
        parameters = try ParameterValues(resolving: type.parameters, overrides: overrides, owner: "selector '\(type.name)'")
    }

    /// Runs the selector; `options` default to the selector's own (`SelectionOptions(for:)`).
    public func run(on problem: AtomProblem, steps: Int, options: SelectionOptions? = nil, stream: RandomStream) throws(GreedyError) -> SelectionTrace {
        try type.run(on: problem, steps: steps, options: options ?? SelectionOptions(for: type), parameters: parameters, stream: stream)
    }

    /// Shares one `--set` among `types`: each selector takes the keys it declares; a key that neither a selector
    /// nor `shared` (the other parameters of the command) declares is bad input, never silently dropped.
    public static func resolve(_ types: [any Selector.Type], settings: [String: String], shared: [Parameter]) throws(InputError) -> [ConfiguredSelector] {
        let sharedNames = Set(shared.map(\.name))
        for key in settings.keys.sorted() where !sharedNames.contains(key) && !types.contains(where: { $0.parameters.contains { $0.name == key } }) {
            let owners = SelectorCatalog.all.entries.filter { t in t.parameters.contains { $0.name == key } }.map { $0.name }
            if !owners.isEmpty {
                throw InputError("'\(key)' is a parameter of \(owners.joined(separator: ", ")), which is not selected")
            }
            let selectorKeys = types.flatMap { t in t.parameters.map { "\($0.name) (\(t.name))" } }
            throw InputError("no parameter '\(key)' (known: \((shared.map(\.name) + selectorKeys).joined(separator: ", ")))")
        }
        var out = [ConfiguredSelector]()
        for t in types {
            let own = Set(t.parameters.map(\.name))
            out.append(try ConfiguredSelector(t, overrides: settings.filter { own.contains($0.key) }))
        }
        return out
    }

    /// The selectors' parameters for a record, named `selector.parameter`.
    public static func recorded(_ selectors: [ConfiguredSelector]) -> [String: ParameterValue] {
        var out = [String: ParameterValue]()
        for s in selectors { for (k, v) in s.parameters.values { out["\(s.name).\(k)"] = v } }
        return out
    }
}
