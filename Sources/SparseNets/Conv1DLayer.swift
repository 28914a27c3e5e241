import LinearAlgebra

/// A 1-D convolution with stride and zero padding over channels × length (PyTorch's Conv1d), computed as im2col + gemm.
///
/// Per sample, features are channel-major (index c·L + t), as `nn.Flatten` lays out a Conv1d's
/// output. The weight matrix is outC × (inC·k) with column c·k + j = PyTorch's [out, in, k]
/// flattened, so a mask is one 0/1 entry per kernel tap. Output length ⌊(L + 2p − k)/s⌋ + 1.
public struct Conv1DLayer: WeightLayer {
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// Input length.
    public let length: Int
    /// Kernel width.
    public let kernel: Int
    /// Stride.
    public let stride: Int
    /// Zeros added at each end.
    public let padding: Int

    /// A convolution of `inChannels` sequences of `length`; throws when the kernel does not fit the padded input.
    public init(inChannels: Int, outChannels: Int, length: Int, kernel: Int, stride: Int = 1, padding: Int = 0) throws(SparseNetsError) {
        guard inChannels >= 1, outChannels >= 1, length >= 1 else { throw SparseNetsError("conv1d needs positive channels and length") }
        guard kernel >= 1, stride >= 1, padding >= 0 else {
            throw SparseNetsError("conv1d needs kernel ≥ 1, stride ≥ 1 and padding ≥ 0, got k\(kernel) s\(stride) p\(padding)")
        }
        guard length + 2 * padding >= kernel else {
            throw SparseNetsError("conv1d kernel \(kernel) is wider than its input of length \(length) padded by \(padding) on each side")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.length = length
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Output length per channel.
    public var outputLength: Int { (length + 2 * padding - kernel) / stride + 1 }
    public var inputSize: Int { inChannels * length }
    public var outputSize: Int { outChannels * outputLength }
    public var weightRows: Int { outChannels }
    public var weightCols: Int { inChannels * kernel }
    public var biasCount: Int { outChannels }
    public var fanIn: Int { inChannels * kernel }
    public var kernelShape: [Int] { [outChannels, inChannels, kernel] }
    public var denseMACs: Int { outChannels * inChannels * kernel * outputLength }
    public var description: String { "conv1d k\(kernel) s\(stride) p\(padding) \(inChannels)→\(outChannels) on \(length)→\(outputLength)" }

    /// Output positions [lo, hi) whose tap j reads inside the input (t = p·s + j − pad ∈ [0, L)).
    @inline(__always)
    func validRange(_ j: Int) -> (lo: Int, hi: Int) {
        let lout = outputLength, shift = j - padding
        // p·s + shift ≥ 0 ⇔ p ≥ ⌈−shift / s⌉; p·s + shift ≤ L − 1 ⇔ p ≤ ⌊(L − 1 − shift) / s⌋.
        let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let top = length - 1 - shift
        let hi = top < 0 ? 0 : min(lout, top / stride + 1)
        return (min(lo, hi), hi)
    }

    /// im2col: row p + Lout·b, column c·k + j holds input (c, p·s + j − pad) of sample b, 0 in the padding.
    func lower(_ a: Matrix, into x: inout Matrix) {
        let batch = a.cols, lout = outputLength, inSize = inputSize, s = stride, ldx = lout * batch
        LayerWorkspace.ensure(&x, ldx, inChannels * kernel)
        x.storage.withUnsafeMutableBufferPointer { xp in
            a.storage.withUnsafeBufferPointer { ap in
                for c in 0..<inChannels {
                    for j in 0..<kernel {
                        let (lo, hi) = validRange(j), shift = j - padding
                        let colBase = (c * kernel + j) * ldx
                        for b in 0..<batch {
                            let from = ap.baseAddress! + (b * inSize + c * length), to = xp.baseAddress! + (colBase + b * lout)
                            for q in 0..<lo { to[q] = 0 }
                            for q in lo..<hi { to[q] = from[q * s + shift] }
                            for q in hi..<lout { to[q] = 0 }
                        }
                    }
                }
            }
        }
    }

    /// (p + Lout·b, o) ↔ (o·Lout + p, b): `toLowered` rearranges an output-shaped matrix into the lowered layout, else back.
    func rearrange(_ from: Matrix, into to: inout Matrix, toLowered: Bool, batch: Int) {
        let lout = outputLength, outSize = outputSize, ld = lout * batch
        from.storage.withUnsafeBufferPointer { f in
            to.storage.withUnsafeMutableBufferPointer { t in
                for o in 0..<outChannels {
                    for b in 0..<batch {
                        let lowered = o * ld + b * lout, natural = b * outSize + o * lout
                        let src = f.baseAddress! + (toLowered ? natural : lowered), dst = t.baseAddress! + (toLowered ? lowered : natural)
                        for p in 0..<lout { dst[p] = src[p] }
                    }
                }
            }
        }
    }

    public func forward(weights: Matrix, input: Matrix, workspace ws: LayerWorkspace, into z: inout Matrix) throws {
        lower(input, into: &ws.lowered)
        let batch = input.cols
        LayerWorkspace.ensure(&ws.reordered, outputLength * batch, outChannels)
        try gemm(ws.lowered, weights, transposeB: .transpose, into: &ws.reordered)
        rearrange(ws.reordered, into: &z, toLowered: false, batch: batch)
    }

    public func weightGradient(outputGradient dz: Matrix, input: Matrix, workspace ws: LayerWorkspace, beta: Double, into dw: inout Matrix) throws {
        if !ws.loweredIsInput { lower(input, into: &ws.loweredOther) }
        LayerWorkspace.ensure(&ws.reordered, outputLength * dz.cols, outChannels)
        rearrange(dz, into: &ws.reordered, toLowered: true, batch: dz.cols)
        try gemm(ws.reordered, ws.loweredIsInput ? ws.lowered : ws.loweredOther, transposeA: .transpose, beta: beta, into: &dw)
    }

    public func inputGradient(weights: Matrix, outputGradient dz: Matrix, workspace ws: LayerWorkspace, beta: Double, into da: inout Matrix) throws {
        let batch = dz.cols, lout = outputLength, inSize = inputSize, s = stride, ldx = lout * batch
        LayerWorkspace.ensure(&ws.reordered, ldx, outChannels)
        rearrange(dz, into: &ws.reordered, toLowered: true, batch: batch)
        LayerWorkspace.ensure(&ws.loweredGradient, ldx, inChannels * kernel)
        try gemm(ws.reordered, weights, into: &ws.loweredGradient)
        // col2im: the adjoint of `lower`, each in-range tap added back onto its source position.
        ws.loweredGradient.storage.withUnsafeBufferPointer { xp in
            da.storage.withUnsafeMutableBufferPointer { ap in
                if beta == 0 {
                    for i in ap.indices { ap[i] = 0 }
                } else {
                    for i in ap.indices { ap[i] *= beta }
                }
                for c in 0..<inChannels {
                    for j in 0..<kernel {
                        let (lo, hi) = validRange(j), shift = j - padding
                        let colBase = (c * kernel + j) * ldx
                        for b in 0..<batch {
                            let to = ap.baseAddress! + (b * inSize + c * length), from = xp.baseAddress! + (colBase + b * lout)
                            for q in lo..<hi { to[q * s + shift] += from[q] }
                        }
                    }
                }
            }
        }
    }

    public func addBias(_ bias: [Double], to z: inout Matrix) {
        let batch = z.cols, lout = outputLength, outSize = outputSize
        z.storage.withUnsafeMutableBufferPointer { p in
            for b in 0..<batch {
                for o in 0..<outChannels {
                    let v = bias[o], map = p.baseAddress! + (b * outSize + o * lout)
                    for q in 0..<lout { map[q] += v }
                }
            }
        }
    }

    public func biasGradient(outputGradient dz: Matrix, beta: Double, into db: inout [Double]) {
        let batch = dz.cols, lout = outputLength, outSize = outputSize
        for o in 0..<outChannels { db[o] = beta == 0 ? 0 : db[o] * beta }
        dz.storage.withUnsafeBufferPointer { g in
            for b in 0..<batch {
                for o in 0..<outChannels {
                    let map = g.baseAddress! + (b * outSize + o * lout)
                    var s = 0.0
                    for q in 0..<lout { s += map[q] }
                    db[o] += s
                }
            }
        }
    }
}
