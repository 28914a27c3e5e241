import LinearAlgebra
import Randomness

/// A feed-forward ReLU network whose every weight tensor carries a 0/1 mask (biases are never pruned).
///
/// Invariant kept by every mutating API here and by the trainer: weights are exactly zero
/// where the mask is zero, so the forward pass uses the weights as stored.
public struct MaskedNetwork: Sendable {
    /// The weight layers, input to output.
    public let layers: [any WeightLayer]
    /// Pooling after the ReLU of layer i (hidden layers only; nil when absent).
    public let pools: [AveragePool2?]
    /// Whether hidden layer i adds its input to its ReLU output (a[i+1] = a[i] + ReLU(z[i]); same width, no pool).
    public let residual: [Bool]
    /// Weights and biases.
    public var parameters: Parameters
    /// One 0/1 matrix per layer, shaped like its weights.
    public private(set) var masks: [Matrix]
    /// Replaced whenever the masks are, so a propagator can tell when to rebuild its sparse patterns.
    public private(set) var maskToken = MaskToken()
    /// Features per sample.
    public var inputSize: Int { layers.first?.inputSize ?? 0 }
    /// Number of classes (output units).
    public var classCount: Int { layers.last?.outputSize ?? 0 }

    /// Builds the architecture for `inputSize` features and `classCount` classes, initialised by `initialization` (default Kaiming-normal weights, zero biases), full masks.
    public init(_ architecture: Architecture, inputSize: Int, classCount: Int, stream: RandomStream,
                initialization: Initialization = .kaimingNormal) throws(SparseNetsError) {
        guard inputSize >= 1 else { throw SparseNetsError("a network needs at least one input feature") }
        guard classCount >= 2 else { throw SparseNetsError("a classifier needs at least 2 classes, got \(classCount)") }
        var layers = [any WeightLayer]()
        var pools = [AveragePool2?]()
        switch architecture {
        case .mlp(let hidden):
            var width = inputSize
            for h in hidden {
                layers.append(DenseLayer(inputs: width, outputs: h))
                pools.append(nil)
                width = h
            }
            layers.append(DenseLayer(inputs: width, outputs: classCount))
        case .cnn(let channels, let pooling):
            let side = Int(Double(inputSize).squareRoot().rounded())
            guard side * side == inputSize else {
                throw SparseNetsError("a cnn needs square single-channel images, but \(inputSize) features is not a perfect square")
            }
            var c = 1, h = side, w = side
            for out in channels {
                layers.append(ConvLayer(inChannels: c, outChannels: out, height: h, width: w))
                if pooling && h % 2 == 0 && w % 2 == 0 && h >= 2 {
                    pools.append(AveragePool2(channels: out, height: h, width: w))
                    h /= 2; w /= 2
                } else {
                    pools.append(nil)
                }
                c = out
            }
            layers.append(DenseLayer(inputs: c * h * w, outputs: classCount))
        case .cnn1d(let channels, let kernels, let strides, let paddings):
            var c = 1, length = inputSize
            for i in channels.indices {
                let conv = try Conv1DLayer(inChannels: c, outChannels: channels[i], length: length, kernel: kernels[i], stride: strides[i], padding: paddings[i])
                layers.append(conv)
                pools.append(nil)
                c = channels[i]; length = conv.outputLength
            }
            layers.append(DenseLayer(inputs: c * length, outputs: classCount))
        case .resmlp(let hidden):
            var width = inputSize
            for h in hidden {
                layers.append(DenseLayer(inputs: width, outputs: h))
                pools.append(nil)
                width = h
            }
            layers.append(DenseLayer(inputs: width, outputs: classCount))
            let residual = hidden.indices.map { $0 > 0 } + [false]
            try self.init(layers: layers, pools: pools, residual: Array(residual.dropLast()), stream: stream, initialization: initialization)
            return
        }
        try self.init(layers: layers, pools: pools, stream: stream, initialization: initialization)
    }

    /// A network from explicit layers; `pools[i]` follows the ReLU of layer i (count = layers − 1); `residual[i]` adds layer i's input to its ReLU output.
    public init(layers: [any WeightLayer], pools: [AveragePool2?], residual: [Bool]? = nil, stream: RandomStream,
                initialization: Initialization = .kaimingNormal) throws(SparseNetsError) {
        guard !layers.isEmpty else { throw SparseNetsError("a network needs at least one layer") }
        guard pools.count == layers.count - 1 else { throw SparseNetsError("expected \(layers.count - 1) pooling slots, got \(pools.count)") }
        let residual = residual ?? [Bool](repeating: false, count: layers.count - 1)
        guard residual.count == layers.count - 1 else { throw SparseNetsError("expected \(layers.count - 1) residual slots, got \(residual.count)") }
        for i in residual.indices where residual[i] {
            guard pools[i] == nil, layers[i].inputSize == layers[i].outputSize else {
                throw SparseNetsError("layer \(i + 1) (\(layers[i])) cannot be residual: its input and output differ in size or it is pooled")
            }
        }
        for i in 1..<layers.count {
            let fed = pools[i - 1]?.outputSize ?? layers[i - 1].outputSize
            if let p = pools[i - 1], p.inputSize != layers[i - 1].outputSize {
                throw SparseNetsError("pooling after layer \(i) expects \(p.inputSize) features, the layer gives \(layers[i - 1].outputSize)")
            }
            guard fed == layers[i].inputSize else {
                throw SparseNetsError("layer \(i + 1) (\(layers[i])) expects \(layers[i].inputSize) inputs, gets \(fed)")
            }
        }
        self.layers = layers
        self.pools = pools
        self.residual = residual
        var weights = [Matrix](), biases = [[Double]]()
        for (i, layer) in layers.enumerated() {
            let (w, b) = initialization.draw(layer, stream: stream.split("layer-\(i)"), biasStream: stream.split("bias-\(i)"))
            weights.append(w)
            biases.append(b)
        }
        parameters = Parameters(weights: weights, biases: biases)
        masks = weights.map { Matrix(rows: $0.rows, cols: $0.cols, repeating: 1) }
    }

    /// Number of weight layers.
    public var depth: Int { layers.count }

    /// Prunable weights per layer.
    public var layerSizes: [Int] { masks.map { $0.storage.count } }

    /// Prunable weights in total.
    public var prunableCount: Int { layerSizes.reduce(0, +) }

    /// Kept (mask = 1) weights per layer.
    public var layerNonZeros: [Int] { masks.map { m in m.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } } }

    /// Kept fraction per layer.
    public var layerDensities: [Double] { zip(layerNonZeros, layerSizes).map { Double($0) / Double(max($1, 1)) } }

    /// Kept fraction over all prunable weights.
    public var density: Double { Double(layerNonZeros.reduce(0, +)) / Double(max(prunableCount, 1)) }

    /// Replaces the masks (0/1, shaped like the weights) and zeroes the weights they remove.
    public mutating func setMasks(_ newMasks: [Matrix]) throws(SparseNetsError) {
        guard newMasks.count == masks.count else { throw SparseNetsError("expected \(masks.count) masks, got \(newMasks.count)") }
        for (l, m) in newMasks.enumerated() {
            guard m.rows == masks[l].rows, m.cols == masks[l].cols else {
                throw SparseNetsError("mask \(l + 1) is \(m.rows)×\(m.cols), weights are \(masks[l].rows)×\(masks[l].cols)")
            }
            guard m.storage.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw SparseNetsError("mask \(l + 1) has entries other than 0 and 1") }
        }
        masks = newMasks
        maskToken = MaskToken()
        parameters.applyMask(masks)
    }

    /// Whether every masked-out weight is exactly zero (the invariant training must keep).
    public var maskedWeightsAreZero: Bool {
        for l in masks.indices {
            let w = parameters.weights[l].storage, m = masks[l].storage
            for i in w.indices where m[i] == 0 && w[i] != 0 { return false }
        }
        return true
    }

    /// Layers whose mask is entirely zero (layer collapse), 0-based.
    public var collapsedLayers: [Int] { layerNonZeros.enumerated().filter { $0.element == 0 }.map(\.offset) }
}

/// How a network's weights and biases are drawn.
public enum Initialization: String, Sendable, Equatable, CaseIterable {
    /// Weights N(0, 2/fan-in) (Kaiming normal), biases 0: the workbench's default.
    case kaimingNormal = "kaiming-normal"
    /// PyTorch's default for Linear/Conv: weights and biases U(−1/√fan-in, 1/√fan-in) (kaiming_uniform with a = √5).
    case pytorch

    /// The weight matrix (column-major, from `stream`) and biases (from `biasStream`) of `layer`.
    func draw(_ layer: any WeightLayer, stream: RandomStream, biasStream: RandomStream) -> (Matrix, [Double]) {
        let n = layer.weightRows * layer.weightCols
        switch self {
        case .kaimingNormal:
            let sd = (2.0 / Double(layer.fanIn)).squareRoot()
            return (Matrix(rows: layer.weightRows, cols: layer.weightCols, columnMajor: stream.gaussianVector(n, mean: 0, sd: sd), unchecked: ()),
                    [Double](repeating: 0, count: layer.biasCount))
        case .pytorch:
            let bound = 1 / Double(layer.fanIn).squareRoot()
            let w = (0..<n).map { _ in stream.uniform(-bound, bound) }
            let b = (0..<layer.biasCount).map { _ in biasStream.uniform(-bound, bound) }
            return (Matrix(rows: layer.weightRows, cols: layer.weightCols, columnMajor: w, unchecked: ()), b)
        }
    }
}

extension Matrix {
    /// Column-major storage already known to have rows·cols entries.
    init(rows: Int, cols: Int, columnMajor: [Double], unchecked: ()) {
        self.init(rows: rows, cols: cols)
        self.storage = columnMajor
    }
}
