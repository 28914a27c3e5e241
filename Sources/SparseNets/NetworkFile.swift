import Datasets
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
            if layer is DenseLayer, i > 0, net.layers[i - 1] is ConvLayer { next += 1 } // nn.Flatten
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
            } else {
                if i > 0, net.layers[i - 1] is ConvLayer { parts.append("nn.Flatten()") }
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
