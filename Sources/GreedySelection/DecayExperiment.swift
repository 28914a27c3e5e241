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
    /// The selectors to run.
    public var methods: [SelectionMethod]
    /// Also compute the LP lower bound on the inradius and the diameter per instance.
    public var computeBounds: Bool

    /// An experiment description (validated by `run`).
    public init(instance: GreedyInstance, steps: Int, seeds: [UInt64], methods: [SelectionMethod], computeBounds: Bool = false) {
        self.instance = instance
        self.steps = steps
        self.seeds = seeds
        self.methods = methods
        self.computeBounds = computeBounds
    }

    /// Everything one seed produced.
    public struct SeedRun: Sendable {
        /// The seed of this instance.
        public let seed: UInt64
        /// One path per method.
        public let traces: [SelectionMethod: SelectionTrace]
        /// V of this instance.
        public let variance: Double
        /// N.
        public let width: Int
        /// Inradius / diameter bounds, if asked for.
        public let bounds: InradiusBounds?

        /// A run assembled by hand (e.g. one user-supplied atom matrix).
        public init(seed: UInt64, traces: [SelectionMethod: SelectionTrace], variance: Double, width: Int, bounds: InradiusBounds?) {
            self.seed = seed
            self.traces = traces
            self.variance = variance
            self.width = width
            self.bounds = bounds
        }
    }

    /// Runs every method on every seed's instance; `progress` receives a short status line.
    public func run(progress: (String) -> Void = { _ in }) throws(GreedyError) -> [SeedRun] {
        try GreedyValidation.checkSteps(steps)
        guard !seeds.isEmpty else { throw .invalidArgument("an experiment needs at least one seed") }
        var out = [SeedRun]()
        for (k, seed) in seeds.enumerated() {
            progress("seed \(k + 1)/\(seeds.count)")
            let stream = RandomStream(seed: seed)
            let problem = try instance.build(stream: stream.split("instance"))
            var traces = [SelectionMethod: SelectionTrace]()
            for m in methods {
                // Only line search needs the certificate in the decay claim; the others skip its extra work.
                let options = SelectionOptions(recordCertificate: m == .greedyLineSearch || m == .awayStep)
                traces[m] = try m.selector.run(on: problem, steps: steps, options: options, stream: stream.split(m.rawValue))
            }
            let bounds = computeBounds ? try InradiusBounds(problem, stream: stream.split("directions")) : nil
            out.append(SeedRun(seed: seed, traces: traces, variance: problem.variance, width: problem.neuronCount, bounds: bounds))
        }
        return out
    }
}

extension Array where Element == DecayExperiment.SeedRun {
    /// The loss curves of one method across seeds.
    public func curves(_ m: SelectionMethod) -> [[Double]] { compactMap { $0.traces[m]?.loss } }
    /// The held-out curves of one method across seeds.
    public func heldOutCurves(_ m: SelectionMethod) -> [[Double]] { compactMap { $0.traces[m]?.heldOutLoss }.filter { !$0.isEmpty } }
}
