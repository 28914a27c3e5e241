import Components

/// Erdős–Rényi: density ∝ (n_in + n_out)/(n_in·n_out), counting channels only for convolutions (Mocanu et al.'s SET).
public struct ERDistribution: SparsityDistribution {
    public static let name = "er"
    public static let summary = "Erdős–Rényi: density ∝ (n_in + n_out)/(n_in·n_out); kernel dims ignored"
    public static let parameters: [Parameter] = []

    public init(parameters: ParameterValues = ParameterValues()) {}

    public func relativeDensities(_ layers: [LayerShape]) -> [Double] {
        layers.map { l in
            let out = Double(l.kernelShape[0]), inp = Double(l.kernelShape.count > 1 ? l.kernelShape[1] : 1)
            return (inp + out) / (inp * out)
        }
    }
}
