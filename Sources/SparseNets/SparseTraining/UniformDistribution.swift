import Components

/// The same density in every layer; optionally the first layer dense and the rest sparser to keep the total.
public struct UniformDistribution: SparsityDistribution {
    public static let name = "uniform"
    public static let summary = "the same density in every layer (dense-first=true keeps the first layer dense)"
    public static let parameters: [Parameter] = [
        .flag("dense-first", false, "keep the first layer dense and spread the rest of the budget uniformly"),
    ]

    /// Whether the first layer is kept dense.
    public var denseFirst: Bool

    public init(parameters: ParameterValues) { denseFirst = parameters.flag("dense-first") }

    public func relativeDensities(_ layers: [LayerShape]) -> [Double] { layers.map { _ in 1 } }

    public func denseByChoice(_ layers: [LayerShape]) -> Set<Int> { denseFirst && layers.count > 1 ? [0] : [] }
}
