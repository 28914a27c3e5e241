/// The lottery ticket: the IMP mask on the original initialisation, m ⊙ θ₀.
public struct TicketArm: LotteryArm {
    public static let name = "ticket"
    public static let summary = "m ⊙ θ₀: the mask on the original initial weights"

    public init() {}

    public func start(_ c: ArmContext) throws -> ArmStart {
        var net = c.initial
        try net.setMasks(c.mask)
        return ArmStart(network: net)
    }
}
