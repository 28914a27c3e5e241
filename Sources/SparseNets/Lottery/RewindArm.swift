/// Late resetting (Frankle et al. 2019): the mask on the dense run's weights after k epochs, trained for the remaining epochs.
public struct RewindArm: LotteryArm {
    public static let name = "rewind"
    public static let summary = "m ⊙ θ_k: the mask on the dense run's weights at epoch k, trained from epoch k on"

    public init() {}

    public func start(_ c: ArmContext) throws -> ArmStart {
        var net = c.initial
        net.parameters = c.rewound
        try net.setMasks(c.mask)
        return ArmStart(network: net, startEpoch: c.rewindEpoch)
    }
}
