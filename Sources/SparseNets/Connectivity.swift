import LinearAlgebra

/// Which parts of a masked network still connect inputs to outputs.
public struct ConnectivityReport: Sendable, Equatable {
    /// Layers (0-based) whose mask is all zero.
    public var collapsedLayers: [Int]
    /// Classes (output units) with no input-to-output path of kept weights.
    public var disconnectedClasses: [Int]
    /// Kept weights in total.
    public var kept: Int

    /// Whether the network has neither a collapsed layer nor a disconnected class.
    public var isHealthy: Bool { collapsedLayers.isEmpty && disconnectedClasses.isEmpty }
}

/// Path analysis of masks: a unit is reached when some kept weight joins it to a reached unit of the previous layer.
public enum Connectivity {
    /// Collapsed layers and disconnected classes of `network`'s masks.
    ///
    /// Runs the network with the 0/1 masks as weights, no biases and an all-ones input: every
    /// activation is then a count of paths (ReLU is the identity on non-negative values, pooling
    /// averages), so output c is positive exactly when some input reaches class c.
    public static func analyze(_ network: MaskedNetwork) throws -> ConnectivityReport {
        var paths = network
        paths.parameters = Parameters(weights: network.masks, biases: network.parameters.biases.map { [Double](repeating: 0, count: $0.count) })
        let ones = Matrix(rows: network.inputSize, cols: 1, repeating: 1)
        let logits = try Propagator().logits(paths, data: ones, columns: [0])
        let disconnected = logits.storage.enumerated().filter { !($0.element > 0) }.map(\.offset)
        return ConnectivityReport(collapsedLayers: network.collapsedLayers, disconnectedClasses: disconnected,
                                  kept: network.layerNonZeros.reduce(0, +))
    }
}
