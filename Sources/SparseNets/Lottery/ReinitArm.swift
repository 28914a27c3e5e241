/// Random re-initialisation: the same mask on fresh weights, m ⊙ θ'₀ (Ma et al.'s baseline a ticket must beat).
public struct ReinitArm: LotteryArm {
    public static let name = "reinit"
    public static let summary = "m ⊙ θ'₀: the mask on a fresh initialisation"

    public init() {}

    public func start(_ c: ArmContext) throws -> ArmStart {
        var net = c.reinitialised
        try net.setMasks(c.mask)
        return ArmStart(network: net)
    }
}
