import LinearAlgebra

/// Random pruning at matched per-layer density: in each layer, as many weights as the mask keeps, at random positions, on θ₀.
public struct RandomPruningArm: LotteryArm {
    public static let name = "random"
    public static let summary = "random per-layer masks with the IMP mask's per-layer counts, on θ₀"

    public init() {}

    public func start(_ c: ArmContext) throws -> ArmStart {
        var masks = [Matrix]()
        for (l, m) in c.mask.enumerated() {
            let n = m.storage.count
            var r = Matrix(rows: m.rows, cols: m.cols)
            for i in c.stream.split("layer-\(l)").sample(IMPCount.kept(m), from: n) { r.storage[i] = 1 }
            masks.append(r)
        }
        var net = c.initial
        try net.setMasks(masks)
        return ArmStart(network: net)
    }
}
