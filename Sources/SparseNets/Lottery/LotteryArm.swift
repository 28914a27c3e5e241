import Components
import LinearAlgebra
import Randomness

/// What an arm is given at one round: the seed's initial, rewound and re-initialised weights, the round's mask, and randomness.
public struct ArmContext: Sendable {
    /// θ₀: the seed's initial network, all masks full.
    public var initial: MaskedNetwork
    /// θ_k: the dense run's weights and biases after `rewindEpoch` epochs (θ₀ when k = 0).
    public var rewound: Parameters
    /// k, the epoch the rewind arm restarts from.
    public var rewindEpoch: Int
    /// θ'₀: a fresh initialisation of the same architecture, from its own stream.
    public var reinitialised: MaskedNetwork
    /// m: the round's IMP mask.
    public var mask: [Matrix]
    /// The round (1-based).
    public var round: Int
    /// This arm's randomness at this round.
    public var stream: RandomStream

    /// A context.
    public init(initial: MaskedNetwork, rewound: Parameters, rewindEpoch: Int, reinitialised: MaskedNetwork,
                mask: [Matrix], round: Int, stream: RandomStream) {
        self.initial = initial
        self.rewound = rewound
        self.rewindEpoch = rewindEpoch
        self.reinitialised = reinitialised
        self.mask = mask
        self.round = round
        self.stream = stream
    }
}

/// Where an arm's training starts: the masked network and the recipe's epoch to resume at.
public struct ArmStart: Sendable {
    /// The network to train (its masks are the arm's mask).
    public var network: MaskedNetwork
    /// 0 for a fresh run; k for a rewound one (the schedule and data order continue from epoch k).
    public var startEpoch: Int

    /// A starting point.
    public init(network: MaskedNetwork, startEpoch: Int = 0) {
        self.network = network
        self.startEpoch = startEpoch
    }
}

/// One arm of a lottery-ticket round: a starting point built from the round's mask, trained with the dense recipe.
///
/// Adding an arm is one file with a type conforming to this protocol and one line in `LotteryArmCatalog.all`.
public protocol LotteryArm: Sendable {
    /// The name used on the command line (`ticket`, `reinit`, …).
    static var name: String { get }
    /// What the arm starts from, in one line.
    static var summary: String { get }
    /// The arm (arms take no parameters).
    init()
    /// The starting point at one round.
    func start(_ context: ArmContext) throws -> ArmStart
}

extension LotteryArm {
    /// The arm's catalogue name.
    public var name: String { Self.name }
}

/// The arms of a round: the one list that `lottery --arms`, the claim and the contract tests read.
public enum LotteryArmCatalog {
    /// Every arm, in the order tables use (the dense reference is not an arm: it is round 0).
    public static let all = Catalogue<any LotteryArm.Type>(kind: "arm", [
        TicketArm.self,
        RewindArm.self,
        ReinitArm.self,
        RandomPruningArm.self,
    ]) { $0.name }

    /// The arms named in `list` (comma-separated, or `all`), in catalogue order.
    public static func arms(_ list: String) throws(InputError) -> [any LotteryArm] {
        let chosen = Set(try all.list(list.lowercased()).map { $0.name })
        return all.entries.filter { chosen.contains($0.name) }.map { $0.init() }
    }
}
