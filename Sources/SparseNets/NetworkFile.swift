import Datasets
import Foundation
import Randomness
import LinearAlgebra

/// A masked network as a PyTorch `nn.Sequential` state dict in safetensors: weights, biases and masks.
///
/// The workbench's layouts already are PyTorch's: a dense weight matrix is [out, in], a conv
/// weight row is one output channel with columns c·9 + 3·dy + dx = [in, 3, 3] flattened, and conv
/// features are channel-major like `nn.Flatten`. So each tensor is the matrix in row-major order
/// and only the keys need the Sequential's module indices (ReLU, pooling and Flatten take an index
/// each without holding parameters).
public enum NetworkFile {
    /// The `nn.Sequential` index of each weight layer: MLP 0, 2, 4 …; CNN conv, ReLU, [AvgPool2d], …, Flatten, Linear.
    public static func sequentialIndices(_ net: MaskedNetwork) -> [Int] {
        var out = [Int](), next = 0
        for (i, layer) in net.layers.enumerated() {
            if layer is DenseLayer, i > 0, net.layers[i - 1] is ConvLayer || net.layers[i - 1] is Conv1DLayer { next += 1 } // nn.Flatten
            out.append(next)
            next += 1 // the layer
            if i < net.layers.count - 1 {
                next += 1 // ReLU
                if net.pools[i] != nil { next += 1 }
            }
        }
        return out
    }

    /// The PyTorch module the keys refer to, e.g. `nn.Sequential(nn.Linear(64, 300), nn.ReLU(), nn.Linear(300, 10))`.
    public static func pytorchModule(_ net: MaskedNetwork) -> String {
        var parts = [String]()
        for (i, layer) in net.layers.enumerated() {
            if let c = layer as? ConvLayer {
                parts.append("nn.Conv2d(\(c.inChannels), \(c.outChannels), 3, padding=1)")
            } else if let c = layer as? Conv1DLayer {
                parts.append("nn.Conv1d(\(c.inChannels), \(c.outChannels), \(c.kernel), stride=\(c.stride), padding=\(c.padding))")
            } else {
                if i > 0, net.layers[i - 1] is ConvLayer || net.layers[i - 1] is Conv1DLayer { parts.append("nn.Flatten()") }
                parts.append("nn.Linear(\(layer.inputSize), \(layer.outputSize))")
            }
            if i < net.layers.count - 1 {
                parts.append("nn.ReLU()")
                if net.pools[i] != nil { parts.append("nn.AvgPool2d(2)") }
            }
        }
        return "nn.Sequential(" + parts.joined(separator: ", ") + ")"
    }

    /// The trained weights `<k>.weight` (PyTorch shapes) and biases `<k>.bias`, in F64 so that nothing is rounded.
    public static func weights(_ net: MaskedNetwork, metadata: [String: String]) -> SafetensorsFile {
        var tensors = [SafetensorsTensor]()
        for (l, k) in sequentialIndices(net).enumerated() {
            let layer = net.layers[l]
            tensors.append(SafetensorsTensor(name: "\(k).weight", dtype: .f64, shape: layer.kernelShape,
                                             values: rowMajor(net.parameters.weights[l])))
            tensors.append(SafetensorsTensor(name: "\(k).bias", dtype: .f64, shape: [layer.biasCount], values: net.parameters.biases[l]))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// One 0/1 F32 mask `<k>.weight` per weight tensor, shaped like it (biases are never pruned, so have none).
    public static func masks(_ net: MaskedNetwork, metadata: [String: String]) -> SafetensorsFile {
        let tensors = sequentialIndices(net).enumerated().map { l, k in
            SafetensorsTensor(name: "\(k).weight", dtype: .f32, shape: net.layers[l].kernelShape, values: rowMajor(net.masks[l]))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Row-major values of a column-major matrix (PyTorch's contiguous order).
    static func rowMajor(_ m: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: m.rows * m.cols)
        for i in 0..<m.rows { for j in 0..<m.cols { out[i * m.cols + j] = m.storage[i + j * m.rows] } }
        return out
    }
}

extension NetworkFile {
    /// A network from a PyTorch-style state dict: consecutive `<k>.weight` / `<k>.bias` pairs, in `order` or in natural key order.
    ///
    /// Rank-2 weights are Linear [out, in]; rank-4 weights are Conv2d [out, in, 3, 3] (padding 1) on
    /// square images of `inputSize` features, with 2×2 average pooling after a conv when that is what
    /// makes the first Linear's input size fit. A missing bias is zero; any other tensor is an error,
    /// so nothing in the file is silently ignored. Masks start full.
    public static func network(_ file: SafetensorsFile, path: String, order: [String]? = nil, inputSize: Int? = nil) throws(SparseNetsError) -> MaskedNetwork {
        func fail(_ message: String) -> SparseNetsError { SparseNetsError("\(path): \(message)") }
        let prefixes = layerNames(file, order: order)
        guard !prefixes.isEmpty else { throw fail("no '<name>.weight' tensors") }
        var used = Set<String>()
        var shapes = [(weight: SafetensorsTensor, bias: SafetensorsTensor?)]()
        for p in prefixes {
            guard let w = file["\(p).weight"] else { throw fail("--layers names '\(p)', but there is no tensor '\(p).weight'") }
            used.insert(w.name)
            let b = file["\(p).bias"]
            if let b { used.insert(b.name) }
            shapes.append((w, b))
        }
        if let extra = file.tensors.first(where: { !used.contains($0.name) }) {
            throw fail("tensor '\(extra.name)' is not a weight or bias of the layers \(prefixes.joined(separator: ","))")
        }
        var layers = [any WeightLayer](), pools = [AveragePool2?]()
        var channels = 1, side = 0
        if let first = shapes.first, first.weight.shape.count == 4 {
            let n = inputSize ?? first.weight.shape[1]
            side = Int(Double(n).squareRoot().rounded())
            guard side * side == n else { throw fail("a conv network needs square single-channel images; \(n) features is not a square") }
        }
        // Pooling is not in a state dict. With nn.Sequential keys the index gaps tell: a conv is followed by ReLU
        // (and AvgPool2d when pooled), a conv before the first Linear also by Flatten. Otherwise the first Linear's
        // input size tells how many 2×2 poolings the convs had; they are put after the first convs, as the
        // workbench's own CNNs do (pool while the side is even).
        var poolsLeft = 0
        let convCount = shapes.prefix { $0.weight.shape.count == 4 }.count
        let indexPools = convCount > 0 ? sequentialPools(prefixes, convCount: convCount) : nil
        if indexPools == nil, convCount > 0, convCount < shapes.count, shapes[convCount].weight.shape.count == 2 {
            let c = shapes[convCount - 1].weight.shape[0], fed = shapes[convCount].weight.shape[1]
            var sd = side
            while c * sd * sd > fed, sd % 2 == 0, poolsLeft < convCount { sd /= 2; poolsLeft += 1 }
        }
        for (i, (w, b)) in shapes.enumerated() {
            let s = w.shape
            switch s.count {
            case 2:
                layers.append(DenseLayer(inputs: s[1], outputs: s[0]))
            case 4:
                guard s[2] == 3, s[3] == 3 else { throw fail("tensor '\(w.name)': only 3×3 convolutions are supported, got \(s[2])×\(s[3])") }
                guard layers.allSatisfy({ $0 is ConvLayer }) else { throw fail("tensor '\(w.name)': a conv after a Linear layer is not supported") }
                guard s[1] == channels else { throw fail("tensor '\(w.name)': expects \(s[1]) input channels, gets \(channels)") }
                layers.append(ConvLayer(inChannels: s[1], outChannels: s[0], height: side, width: side))
                channels = s[0]
            default:
                throw fail("tensor '\(w.name)': shape \(s) is neither Linear [out, in] nor Conv2d [out, in, 3, 3]")
            }
            if let b, b.shape != [s[0]] { throw fail("tensor '\(b.name)': shape \(b.shape), expected [\(s[0])]") }
            if i < shapes.count - 1 {
                var pool: AveragePool2?
                let pooled = indexPools.map { i < $0.count && $0[i] } ?? (poolsLeft > 0 && side % 2 == 0)
                if let conv = layers.last as? ConvLayer, pooled {
                    guard side % 2 == 0 else { throw fail("tensor '\(w.name)': the keys put 2×2 pooling after it, but its map is \(side)×\(side) (odd)") }
                    pool = AveragePool2(channels: conv.outChannels, height: conv.height, width: conv.width)
                    side /= 2
                    poolsLeft -= 1
                }
                pools.append(pool)
            }
        }
        var net: MaskedNetwork
        do { net = try MaskedNetwork(layers: layers, pools: pools, stream: RandomStream(seed: 0)) } catch { throw fail(error.description) }
        for (l, (w, b)) in shapes.enumerated() {
            let rows = layers[l].weightRows, cols = layers[l].weightCols
            var m = Matrix(rows: rows, cols: cols)
            for i in 0..<rows { for j in 0..<cols { m.storage[i + j * rows] = w.values[i * cols + j] } }
            net.parameters.weights[l] = m
            net.parameters.biases[l] = b?.values ?? [Double](repeating: 0, count: layers[l].biasCount)
        }
        return net
    }

    /// Whether each of the first `convCount` layers is pooled, read from nn.Sequential index gaps (the inverse of
    /// `sequentialIndices`); nil when the prefixes are not such indices or a gap fits neither.
    static func sequentialPools(_ prefixes: [String], convCount: Int) -> [Bool]? {
        let indices = prefixes.compactMap { Int($0) }
        guard indices.count == prefixes.count, indices.count > convCount else { return nil }
        var out = [Bool]()
        for i in 0..<convCount {
            let plain = i + 1 < convCount ? 2 : 3 // ReLU, plus Flatten before the first Linear
            switch indices[i + 1] - indices[i] {
            case plain: out.append(false)
            case plain + 1: out.append(true)
            default: return nil
            }
        }
        return out
    }

    /// The layers' key prefixes: `order`, or the `<name>.weight` names in natural order.
    public static func layerNames(_ file: SafetensorsFile, order: [String]? = nil) -> [String] {
        order ?? file.tensors.map(\.name).filter { $0.hasSuffix(".weight") }.map { String($0.dropLast(".weight".count)) }.sorted { naturalLess($0, $1) }
    }

    /// The tensors `network` reads, in layer order: each layer's weight, then its bias when the file has one.
    public static func keyOrder(_ file: SafetensorsFile, order: [String]? = nil) -> [String] {
        layerNames(file, order: order).flatMap { p in ["\(p).weight", "\(p).bias"].filter { file[$0] != nil } }
    }

    /// "2" < "10" and "fc2" < "fc10": digit runs compare as numbers, the way PyTorch numbers modules.
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}

extension NetworkFile {
    /// The `--net` spec that builds `net`'s layers and pooling, or nil when none does (a CNN pooled other than while the side is even).
    public static func architecture(of net: MaskedNetwork) -> Architecture? {
        func shape(_ l: any WeightLayer) -> [Int] { l.kernelShape + [l.inputSize, l.outputSize] }
        let hidden = Array(net.layers.dropLast())
        let candidate: Architecture
        if hidden.allSatisfy({ $0 is DenseLayer }) {
            candidate = net.residual.contains(true) ? .resmlp(hidden: hidden.map(\.outputSize)) : .mlp(hidden: hidden.map(\.outputSize))
        } else if case let convs = hidden.compactMap({ $0 as? Conv1DLayer }), convs.count == hidden.count {
            candidate = .cnn1d(channels: convs.map(\.outChannels), kernels: convs.map(\.kernel), strides: convs.map(\.stride), paddings: convs.map(\.padding))
        } else if case let convs = hidden.compactMap({ $0 as? ConvLayer }), convs.count == hidden.count {
            candidate = .cnn(channels: convs.map(\.outChannels), pooling: net.pools.contains { $0 != nil })
        } else {
            return nil
        }
        guard let built = try? MaskedNetwork(candidate, inputSize: net.inputSize, classCount: net.classCount, stream: RandomStream(seed: 0)),
              built.layers.map(shape) == net.layers.map(shape), built.pools.map({ $0 != nil }) == net.pools.map({ $0 != nil }),
              built.residual == net.residual, built.layers.map(\.description) == net.layers.map(\.description) else { return nil }
        return candidate
    }

    /// The layers in one line, e.g. `mlp 64-32-10` (input, hidden widths, classes) or `cnn 1x8x8 conv8 pool conv16 pool linear64-10`.
    public static func summary(_ net: MaskedNetwork) -> String {
        if net.layers.allSatisfy({ $0 is DenseLayer }) {
            if net.residual.contains(true) {
                return "resmlp " + ([net.inputSize] + net.layers.map(\.outputSize)).map(String.init).joined(separator: "-")
            }
            return "mlp " + ([net.inputSize] + net.layers.map(\.outputSize)).map(String.init).joined(separator: "-")
        }
        var parts = [String]()
        for (i, layer) in net.layers.enumerated() {
            if let c = layer as? ConvLayer {
                if i == 0 { parts.append("\(c.inChannels)x\(c.height)x\(c.width)") }
                parts.append("conv\(c.outChannels)")
            } else if let c = layer as? Conv1DLayer {
                if i == 0 { parts.append("\(c.inChannels)x\(c.length)") }
                parts.append("conv1d\(c.outChannels)k\(c.kernel)s\(c.stride)p\(c.padding)")
            } else {
                parts.append("linear\(layer.inputSize)-\(layer.outputSize)")
            }
            if i < net.pools.count, net.pools[i] != nil { parts.append("pool") }
        }
        return "cnn " + parts.joined(separator: " ")
    }
}
