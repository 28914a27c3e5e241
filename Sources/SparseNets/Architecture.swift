import Foundation

/// A network shape as the command line writes it: `mlp:300,100` (hidden widths) or `cnn:16,32` (3×3 conv channels).
///
/// `mlp` alone is a linear classifier. A CNN takes square single-channel images (the feature
/// count must be a perfect square), puts 2×2 average pooling after each conv while the side is
/// even (`cnn:16,32:nopool` turns pooling off), and ends in one dense layer to the classes.
public enum Architecture: Sendable, Equatable, CustomStringConvertible {
    /// A multilayer perceptron with these hidden widths (ReLU between layers).
    case mlp(hidden: [Int])
    /// 3×3 convolutions with these channel counts, optional pooling, then a dense output layer.
    case cnn(channels: [Int], pooling: Bool)

    /// Parses `mlp:300,100`, `mlp`, `cnn:16,32` or `cnn:16,32:nopool`; throws a one-line error otherwise.
    public static func parse(_ text: String) throws(SparseNetsError) -> Architecture {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let kind = parts.first, ["mlp", "cnn"].contains(kind) else {
            throw SparseNetsError("network spec '\(text)' must start with 'mlp' or 'cnn' (e.g. mlp:300,100 or cnn:16,32)")
        }
        func widths(_ s: String) throws(SparseNetsError) -> [Int] {
            if s.isEmpty { return [] }
            var out = [Int]()
            for w in s.split(separator: ",", omittingEmptySubsequences: false) {
                guard let v = Int(w.trimmingCharacters(in: .whitespaces)) else {
                    throw SparseNetsError("network spec '\(text)': width '\(w)' is not an integer")
                }
                guard v >= 1 else { throw SparseNetsError("network spec '\(text)': width \(v) must be at least 1") }
                guard v <= 100_000 else { throw SparseNetsError("network spec '\(text)': width \(v) is larger than 100000") }
                out.append(v)
            }
            return out
        }
        if kind == "mlp" {
            guard parts.count <= 2 else { throw SparseNetsError("network spec '\(text)': expected mlp:W1,W2,...") }
            return .mlp(hidden: try widths(parts.count == 2 ? parts[1] : ""))
        }
        guard parts.count >= 2, parts.count <= 3 else { throw SparseNetsError("network spec '\(text)': expected cnn:C1,C2[,...][:nopool]") }
        let channels = try widths(parts[1])
        guard !channels.isEmpty else { throw SparseNetsError("network spec '\(text)': a cnn needs at least one conv layer") }
        var pooling = true
        if parts.count == 3 {
            guard parts[2] == "nopool" || parts[2] == "pool" else {
                throw SparseNetsError("network spec '\(text)': unknown option '\(parts[2])' (use pool or nopool)")
            }
            pooling = parts[2] == "pool"
        }
        return .cnn(channels: channels, pooling: pooling)
    }

    /// Number of weight layers (hidden layers or convolutions, plus the output layer).
    public var depth: Int {
        switch self {
        case .mlp(let h): return h.count + 1
        case .cnn(let c, _): return c.count + 1
        }
    }

    public var description: String {
        switch self {
        case .mlp(let h): return h.isEmpty ? "mlp" : "mlp:" + h.map(String.init).joined(separator: ",")
        case .cnn(let c, let p): return "cnn:" + c.map(String.init).joined(separator: ",") + (p ? "" : ":nopool")
        }
    }
}

