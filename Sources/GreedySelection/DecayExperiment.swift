import Components
import Randomness

/// Runs several selectors on independent random instances (one per seed) and keeps what the claims and the
/// `greedy` command report: the traces, V and the geometric bounds of each instance.
public struct DecayExperiment: Sendable {
    /// The instance family.
    public var instance: GreedyInstance
    /// Steps n_max per run.
    public var steps: Int
    /// One instance per seed.
    public var seeds: [UInt64]
    /// The selectors to run, with their parameters.
    public var selectors: [ConfiguredSelector]
    /// Also compute the LP lower bound on the inradius and the diameter per instance.
    public var computeBounds: Bool

    /// An experiment description (validated by `run`).
    public init(instance: GreedyInstance, steps: Int, seeds: [UInt64], selectors: [ConfiguredSelector], computeBounds: Bool = false) {
        self.instance = instance
        self.steps = steps
        self.seeds = seeds
        self.selectors = selectors
        self.computeBounds = computeBounds
    }

    /// An experiment running `selectors` with their declared defaults.
    public init(instance: GreedyInstance, steps: Int, seeds: [UInt64], selectors: [any Selector.Type], computeBounds: Bool = false) {
        self.init(instance: instance, steps: steps, seeds: seeds, selectors: selectors.map { ConfiguredSelector($0) }, computeBounds: computeBounds)
    }

    /// Everything one seed produced.
    public struct SeedRun: Sendable {
        /// The seed of this instance.
        public let seed: UInt64
        /// One path per selector, by selector name.
        public let traces: [String: SelectionTrace]
        /// V of this instance.
        public let variance: Double
        /// N.
        public let width: Int
        /// Inradius / diameter bounds, if asked for.
        public let bounds: InradiusBounds?

        /// A run assembled by hand (e.g. one user-supplied atom matrix).
        public init(seed: UInt64, traces: [String: SelectionTrace], variance: Double, width: Int, bounds: InradiusBounds?) {
            self.seed = seed
            self.traces = traces
            self.variance = variance
            self.width = width
            self.bounds = bounds
        }
    }

    /// Runs every selector on every seed's instance; `progress` receives a short status line.
    public func run(progress: (String) -> Void = { _ in }) throws(GreedyError) -> [SeedRun] {
        try GreedyValidation.checkSteps(steps)
        guard !seeds.isEmpty else { throw .invalidArgument("an experiment needs at least one seed") }
        var out = [SeedRun]()
        for (k, seed) in seeds.enumerated() {
            progress("seed \(k + 1)/\(seeds.count)")
            let stream = RandomStream(seed: seed)
            let problem = try instance.build(stream: stream.split("instance"))
            var traces = [String: SelectionTrace]()
            for s in selectors {
                // Each selector draws from a stream named after it, so adding a selector never shifts another's numbers.
                traces[s.name] = try s.run(on: problem, steps: steps, stream: stream.split(s.name))
            }
            let bounds = computeBounds ? try InradiusBounds(problem, stream: stream.split("directions")) : nil
            out.append(SeedRun(seed: seed, traces: traces, variance: problem.variance, width: problem.neuronCount, bounds: bounds))
        }
        return out
    }

    /// Runs `selectors` once on a given problem (a user's atom matrix), with the streams `run` would use for one seed.
    public static func single(_ problem: AtomProblem, steps: Int, seed: UInt64, selectors: [ConfiguredSelector]) throws(GreedyError) -> SeedRun {
        try GreedyValidation.checkSteps(steps)
        let stream = RandomStream(seed: seed)
        var traces = [String: SelectionTrace]()
        for s in selectors { traces[s.name] = try s.run(on: problem, steps: steps, stream: stream.split(s.name)) }
        return SeedRun(seed: seed, traces: traces, variance: problem.variance, width: problem.neuronCount, bounds: nil)
    }
}

// The experiment's own parameters, declared once (the claims narrow n_max's domain and declare their own seed counts).
extension DecayExperiment {
    /// Selection steps n_max per run.
    public static let stepsParameter = Parameter.int("n_max", 400, 1...GreedyValidation.maxSteps, "selection steps n_max per run")

    /// Random instances per setting for `workbench greedy`.
    public static let seedsParameter = Parameter.int("seeds", 5, 1...1000, "random instances (seeds) per setting")

    /// `stepsParameter` with a larger minimum (a fit window needs steps beyond its start); same default.
    public static func stepsParameter(atLeast lower: Int, help: String) -> Parameter {
        Parameter(stepsParameter.name, .integer(lower...GreedyValidation.maxSteps), default: stepsParameter.defaultValue, help)
    }
}

extension Array where Element == DecayExperiment.SeedRun {
    /// The loss curves of one selector across seeds.
    public func curves(_ selector: String) -> [[Double]] { compactMap { $0.traces[selector]?.loss } }
    /// The loss curves of one selector across seeds.
    public func curves(_ selector: any Selector.Type) -> [[Double]] { curves(selector.name) }
    /// The held-out curves of one selector across seeds.
    public func heldOutCurves(_ selector: String) -> [[Double]] { compactMap { $0.traces[selector]?.heldOutLoss }.filter { !$0.isEmpty } }
    /// The held-out curves of one selector across seeds.
    public func heldOutCurves(_ selector: any Selector.Type) -> [[Double]] { heldOutCurves(selector.name) }
}
