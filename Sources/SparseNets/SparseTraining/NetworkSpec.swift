import Foundation
import Randomness

/// A network as `sparse-train --net` writes it: an `Architecture` (`mlp:256,256`, `cnn:16,32`), or a CNN with explicit pooling.
///
/// `cnn:8,16p,32p,64p` is a 3×3 CNN whose `p` layers are followed by 2×2 average pooling (a
/// pool that leaves 1×1 is a global average pool), then a dense layer to the classes.
/// `small-cnn` names the prototype's 1→8→16→pool→32→pool→64→global average pool→fc CNN
/// (24,904 weights on 8×8 digits).
public enum NetworkSpec: Sendable, Equatable, CustomStringConvertible {
    /// A network the `Architecture` type describes.
    case architecture(Architecture)
    /// 3×3 convolutions with these channels, each followed by 2×2 average pooling where `pooled` says so.
    case pooledCNN(channels: [Int], pooled: [Bool])

    /// The prototype's small CNN for the ERK-vs-uniform comparison.
    public static let smallCNN = NetworkSpec.pooledCNN(channels: [8, 16, 32, 64], pooled: [false, true, true, true])

    /// Parses `mlp:…`, `cnn:…`, `cnn:8,16p,32p` or `small-cnn`; throws a one-line error otherwise.
    public static func parse(_ text: String) throws(SparseNetsError) -> NetworkSpec {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "small-cnn" { return smallCNN }
        if t.hasPrefix("cnn:") && t.contains("p") && !t.hasSuffix(":pool") && !t.hasSuffix(":nopool") {
            var channels = [Int](), pooled = [Bool]()
            for part in t.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false) {
                var s = part.trimmingCharacters(in: .whitespaces)
                let p = s.hasSuffix("p")
                if p { s.removeLast() }
                guard let c = Int(s), c >= 1, c <= 100_000 else {
                    throw SparseNetsError("network spec '\(text)': '\(part)' is not a channel count (optionally followed by p for pooling)")
                }
                channels.append(c)
                pooled.append(p)
            }
            return .pooledCNN(channels: channels, pooled: pooled)
        }
        return .architecture(try Architecture.parse(t))
    }

    public var description: String {
        switch self {
        case .architecture(let a): return a.description
        case .pooledCNN(let c, let p):
            if self == Self.smallCNN { return "small-cnn" }
            return "cnn:" + zip(c, p).map { "\($0)\($1 ? "p" : "")" }.joined(separator: ",")
        }
    }

    /// The network for `inputSize` features and `classCount` classes, Kaiming-normal weights from `stream`, full masks.
    public func build(inputSize: Int, classCount: Int, stream: RandomStream) throws(SparseNetsError) -> MaskedNetwork {
        switch self {
        case .architecture(let a):
            return try MaskedNetwork(a, inputSize: inputSize, classCount: classCount, stream: stream)
        case .pooledCNN(let channels, let pooled):
            let side = Int(Double(inputSize).squareRoot().rounded())
            guard side * side == inputSize else {
                throw SparseNetsError("a cnn needs square single-channel images, but \(inputSize) features is not a perfect square")
            }
            var layers = [any WeightLayer](), pools = [AveragePool2?]()
            var c = 1, h = side, w = side
            for (out, pool) in zip(channels, pooled) {
                layers.append(ConvLayer(inChannels: c, outChannels: out, height: h, width: w))
                if pool {
                    guard h % 2 == 0, w % 2 == 0 else {
                        throw SparseNetsError("network spec \(self): cannot pool a \(h)×\(w) map after conv \(c)→\(out) (the side must be even)")
                    }
                    pools.append(AveragePool2(channels: out, height: h, width: w))
                    h /= 2; w /= 2
                } else {
                    pools.append(nil)
                }
                c = out
            }
            layers.append(DenseLayer(inputs: c * h * w, outputs: classCount))
            return try MaskedNetwork(layers: layers, pools: pools, stream: stream)
        }
    }
}
