import Components

/// Erdős–Rényi-Kernel: density ∝ Σ dims / Π dims of the weight tensor, kernel height and width included (RigL).
///
/// For a dense layer it equals ER; for a 3×3 convolution the kernel dims make small-channel
/// convolutions (the first conv) much denser, which costs FLOPs because those run at every pixel.
public struct ERKDistribution: SparsityDistribution {
    public static let name = "erk"
    public static let summary = "Erdős–Rényi-Kernel: density ∝ Σ dims / Π dims, kernel dims included"
    public static let parameters: [Parameter] = []

    public init(parameters: ParameterValues = ParameterValues()) {}

    public func relativeDensities(_ layers: [LayerShape]) -> [Double] {
        layers.map { l in
            let dims = l.kernelShape.map(Double.init)
            return dims.reduce(0, +) / dims.reduce(1, *)
        }
    }
}
