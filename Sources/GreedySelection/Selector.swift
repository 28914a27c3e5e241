import Foundation
import Randomness

/// A rule that picks neurons one step at a time and returns the whole path.
public protocol Selector: Sendable {
    /// Which method this is.
    var method: SelectionMethod { get }
    /// Runs `steps` selection steps on `problem`; randomised selectors draw from `stream`.
    func run(on problem: AtomProblem, steps: Int, options: SelectionOptions, stream: RandomStream) throws(GreedyError) -> SelectionTrace
}

/// What a run records beyond the loss path.
public struct SelectionOptions: Sendable, Equatable {
    /// Compute w_n, D_n every step (one extra gemv per step for the random selectors).
    public var recordCertificate: Bool
    /// Keep the sparse weight vector after every step (for pruning a real network).
    public var recordWeights: Bool

    /// Defaults: certificate on, weights off.
    public init(recordCertificate: Bool = true, recordWeights: Bool = false) {
        self.recordCertificate = recordCertificate
        self.recordWeights = recordWeights
    }
}

/// The selection methods, by their command-line names.
public enum SelectionMethod: String, Sendable, CaseIterable, Codable {
    /// Uniform weights on n neurons drawn without replacement.
    case random
    /// Uniform weights on n draws with replacement.
    case randomWithReplacement = "random-replacement"
    /// ICML 2020: f_{n+1} = (n f_n + φ_i)/(n+1) with the best i.
    case greedyUniform = "greedy-uniform"
    /// Best neuron and best step γ ∈ [0, 1] (Frank–Wolfe over all atoms with exact line search).
    case greedyLineSearch = "greedy-linesearch"
    /// Away-step Frank–Wolfe with exact line search.
    case awayStep = "away-step"
    /// Frank–Wolfe vertex, then re-optimised simplex weights on the chosen set.
    case fullyCorrective = "fully-corrective"
    /// Negative control: the uniform-greedy update with the WORST neuron.
    case worstNeuron = "worst-neuron"

    /// The selector implementing this method.
    public var selector: any Selector {
        switch self {
        case .random: return RandomSelector(withReplacement: false)
        case .randomWithReplacement: return RandomSelector(withReplacement: true)
        case .greedyUniform: return GreedyUniformSelector(worst: false)
        case .worstNeuron: return GreedyUniformSelector(worst: true)
        case .greedyLineSearch: return GreedyLineSearchSelector()
        case .awayStep: return AwayStepSelector()
        case .fullyCorrective: return FullyCorrectiveSelector()
        }
    }

    /// The methods a user normally compares (the control excluded).
    public static let standardSet: [SelectionMethod] = [.random, .greedyUniform, .greedyLineSearch, .awayStep, .fullyCorrective]

    /// Parses a name, or throws the one-line "unknown method" error.
    public static func named(_ name: String) throws(GreedyError) -> SelectionMethod {
        guard let m = SelectionMethod(rawValue: name.lowercased()) else {
            throw .unknownName(kind: "method", name: name, known: allCases.map(\.rawValue))
        }
        return m
    }

    /// Parses a comma-separated list ("all" = the standard set).
    public static func list(_ text: String) throws(GreedyError) -> [SelectionMethod] {
        if text == "all" { return standardSet }
        var out = [SelectionMethod]()
        for part in text.split(separator: ",") {
            let m = try named(part.trimmingCharacters(in: .whitespaces))
            if !out.contains(m) { out.append(m) }
        }
        guard !out.isEmpty else { throw .invalidArgument("no method named in '\(text)'") }
        return out
    }
}
