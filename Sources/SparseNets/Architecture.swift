import Foundation

/// A network shape as the command line writes it: `mlp:300,100` (hidden widths), `cnn:16,32` (3×3 conv channels), `cnn1d:…` or `resmlp:…`.
///
/// `mlp` alone is a linear classifier. `cnn1d:25,25,25:k5,3,3:s2:p1` is MNIST-1D's reference CNN
/// (Conv1d channels, kernels, strides, paddings; one value applies to every layer; padding
/// defaults to k/2, stride to 1, kernel to 3). `resmlp:100,100` is its reference MLP
/// (h ← ReLU(W₁x), h ← h + ReLU(W₂h), then the output layer). A CNN takes square single-channel images (the feature
/// count must be a perfect square), puts 2×2 average pooling after each conv while the side is
/// even (`cnn:16,32:nopool` turns pooling off), and ends in one dense layer to the classes.
public enum Architecture: Sendable, Equatable, CustomStringConvertible {
    /// A multilayer perceptron with these hidden widths (ReLU between layers).
    case mlp(hidden: [Int])
    /// 3×3 convolutions with these channel counts, optional pooling, then a dense output layer.
    case cnn(channels: [Int], pooling: Bool)
    /// 1-D convolutions (PyTorch Conv1d) over a single-channel sequence, ReLU after each, then a dense layer on the flattened maps.
    case cnn1d(channels: [Int], kernels: [Int], strides: [Int], paddings: [Int])
    /// An MLP whose hidden layers after the first add their input back: h ← h + ReLU(W h + b) (widths must be equal).
    case resmlp(hidden: [Int])

    /// Parses `mlp:300,100`, `mlp`, `cnn:16,32`, `cnn:16,32:nopool`, `cnn1d:25,25:k5,3:s2:p1` or `resmlp:100,100`; throws a one-line error otherwise.
    public static func parse(_ text: String) throws(SparseNetsError) -> Architecture {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let kind = parts.first, ["mlp", "cnn", "cnn1d", "resmlp"].contains(kind) else {
            throw SparseNetsError("network spec '\(text)' must start with mlp, cnn, cnn1d or resmlp (e.g. mlp:300,100, cnn:16,32, cnn1d:25,25,25:k5,3,3:s2:p1, resmlp:100,100)")
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
        if kind == "resmlp" {
            guard parts.count == 2 else { throw SparseNetsError("network spec '\(text)': expected resmlp:W1,W2,... (W2… equal to W1)") }
            let h = try widths(parts[1])
            guard let first = h.first else { throw SparseNetsError("network spec '\(text)': a resmlp needs at least one hidden width") }
            guard h.allSatisfy({ $0 == first }) else {
                throw SparseNetsError("network spec '\(text)': every residual width must equal the first (\(first)), since h + ReLU(W h) adds h")
            }
            return .resmlp(hidden: h)
        }
        if kind == "cnn1d" {
            guard parts.count >= 2, parts.count <= 5 else {
                throw SparseNetsError("network spec '\(text)': expected cnn1d:C1,C2,...[:kK1,K2,...][:sS...][:pP...]")
            }
            let channels = try widths(parts[1])
            guard !channels.isEmpty else { throw SparseNetsError("network spec '\(text)': a cnn1d needs at least one conv layer") }
            var kernels = [3], strides = [1], paddings = [-1]
            var seen = Set<Character>()
            for option in parts.dropFirst(2) {
                guard let tag = option.first, "ksp".contains(tag), !seen.contains(tag) else {
                    throw SparseNetsError("network spec '\(text)': option '\(option)' must be kK…, sS… or pP…, each at most once")
                }
                seen.insert(tag)
                var values = [Int]()
                for w in option.dropFirst().split(separator: ",", omittingEmptySubsequences: false) {
                    guard let v = Int(w), v >= (tag == "p" ? 0 : 1), v <= 1000 else {
                        throw SparseNetsError("network spec '\(text)': '\(w)' in '\(option)' is not a \(tag == "p" ? "padding ≥ 0" : (tag == "k" ? "kernel ≥ 1" : "stride ≥ 1"))")
                    }
                    values.append(v)
                }
                guard values.count == 1 || values.count == channels.count else {
                    throw SparseNetsError("network spec '\(text)': '\(option)' gives \(values.count) values for \(channels.count) conv layers (give 1 or \(channels.count))")
                }
                switch tag { case "k": kernels = values; case "s": strides = values; default: paddings = values }
            }
            func expand(_ v: [Int]) -> [Int] { v.count == 1 ? Array(repeating: v[0], count: channels.count) : v }
            kernels = expand(kernels); strides = expand(strides)
            // Default padding: k / 2 (keeps the length at stride 1 for odd kernels).
            paddings = paddings == [-1] ? kernels.map { $0 / 2 } : expand(paddings)
            return .cnn1d(channels: channels, kernels: kernels, strides: strides, paddings: paddings)
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
        case .cnn1d(let c, _, _, _): return c.count + 1
        case .resmlp(let h): return h.count + 1
        }
    }

    public var description: String {
        switch self {
        case .mlp(let h): return h.isEmpty ? "mlp" : "mlp:" + h.map(String.init).joined(separator: ",")
        case .cnn(let c, let p): return "cnn:" + c.map(String.init).joined(separator: ",") + (p ? "" : ":nopool")
        case .cnn1d(let c, let k, let s, let p):
            func list(_ v: [Int]) -> String { Set(v).count == 1 ? String(v[0]) : v.map(String.init).joined(separator: ",") }
            return "cnn1d:" + c.map(String.init).joined(separator: ",") + ":k" + list(k) + ":s" + list(s) + ":p" + list(p)
        case .resmlp(let h): return "resmlp:" + h.map(String.init).joined(separator: ",")
        }
    }
}

