import LinearAlgebra

/// A 3×3 convolution with zero padding 1 and stride 1 over channels × height × width, computed as im2col + gemm.
///
/// Per sample, features are laid out channel-major (index c·H·W + y·W + x). The weight matrix
/// is outC × (inC·9) with column c·9 + 3·dy + dx, so a mask is one 0/1 entry per kernel tap.
public struct ConvLayer: WeightLayer {
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// Image height.
    public let height: Int
    /// Image width.
    public let width: Int

    /// A 3×3 convolution on `inChannels` × `height` × `width` images.
    public init(inChannels: Int, outChannels: Int, height: Int, width: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.height = height
        self.width = width
    }

    var pixels: Int { height * width }
    public var inputSize: Int { inChannels * pixels }
    public var outputSize: Int { outChannels * pixels }
    public var weightRows: Int { outChannels }
    public var weightCols: Int { inChannels * 9 }
    public var biasCount: Int { outChannels }
    public var fanIn: Int { inChannels * 9 }
    public var kernelShape: [Int] { [outChannels, inChannels, 3, 3] }
    public var denseMACs: Int { outChannels * inChannels * 9 * pixels }
    public var description: String { "conv3×3 \(inChannels)→\(outChannels) on \(height)×\(width)" }

    /// im2col: row p + HW·b, column c·9 + k holds the input pixel under tap k of output pixel p (0 outside the image).
    ///
    /// Tap (dy, dx) reads pixel p + dy·W + dx, so each (channel, tap, sample) is one contiguous shifted copy of the
    /// image, with zeros where the shift leaves it and the wrapped edge column zeroed after. Copying row by row cost
    /// a loop per row, which at the CNN's 8×8, 4×4 and 2×2 maps was most of the work.
    func lower(_ a: Matrix, into x: inout Matrix) {
        let batch = a.cols, hw = pixels, w = width, inSize = inputSize
        LayerWorkspace.ensure(&x, hw * batch, inChannels * 9)
        let ldx = hw * batch
        x.storage.withUnsafeMutableBufferPointer { xp in
            a.storage.withUnsafeBufferPointer { ap in
                for c in 0..<inChannels {
                    for k in 0..<9 {
                        let (shift, lo, hi, edge) = tap(k)
                        let colBase = (c * 9 + k) * ldx
                        for b in 0..<batch {
                            // Pointers, not indices: index arithmetic carries overflow checks that kept the copy scalar.
                            let from = ap.baseAddress! + (b * inSize + c * hw + shift), to = xp.baseAddress! + (colBase + b * hw)
                            for q in 0..<lo { to[q] = 0 }
                            for q in lo..<hi { to[q] = from[q] }
                            for q in hi..<hw { to[q] = 0 }
                            if let edge { for q in stride(from: edge, to: hw, by: w) { to[q] = 0 } }
                        }
                    }
                }
            }
        }
    }

    /// Tap k's offset dy·W + dx in a channel's image, the output pixels [lo, hi) whose shifted source lies in the
    /// image's block, and the output column whose source wraps to the neighbouring row (nil when dx = 0).
    @inline(__always)
    func tap(_ k: Int) -> (shift: Int, lo: Int, hi: Int, edge: Int?) {
        let dy = k / 3 - 1, dx = k % 3 - 1, hw = pixels
        let shift = dy * width + dx
        // On a map one pixel high or wide a shift can leave the block entirely: then lo = hi and nothing is read.
        let lo = min(hw, max(0, -shift))
        return (shift, lo, max(lo, min(hw, hw - shift)), dx == 0 ? nil : (dx < 0 ? 0 : width - 1))
    }

    public func forward(weights: Matrix, input: Matrix, workspace ws: LayerWorkspace, into z: inout Matrix) throws {
        lower(input, into: &ws.lowered)
        let batch = input.cols, hw = pixels
        LayerWorkspace.ensure(&ws.reordered, hw * batch, outChannels)
        try gemm(ws.lowered, weights, transposeB: .transpose, into: &ws.reordered)
        // (p + HW·b, o) → (o·HW + p, b): one contiguous block of HW values per (o, b).
        let outSize = outputSize, ld = hw * batch
        ws.reordered.storage.withUnsafeBufferPointer { r in
            z.storage.withUnsafeMutableBufferPointer { zp in
                for o in 0..<outChannels {
                    for b in 0..<batch {
                        let from = r.baseAddress! + (o * ld + b * hw), to = zp.baseAddress! + (b * outSize + o * hw)
                        for p in 0..<hw { to[p] = from[p] }
                    }
                }
            }
        }
    }

    /// The output gradient (o·HW + p, b) rearranged to the lowered layout (p + HW·b, o).
    func reorder(_ dz: Matrix, into r: inout Matrix) {
        let batch = dz.cols, hw = pixels, outSize = outputSize, ld = hw * batch
        LayerWorkspace.ensure(&r, ld, outChannels)
        r.storage.withUnsafeMutableBufferPointer { rp in
            dz.storage.withUnsafeBufferPointer { g in
                for o in 0..<outChannels {
                    for b in 0..<batch {
                        let to = rp.baseAddress! + (o * ld + b * hw), from = g.baseAddress! + (b * outSize + o * hw)
                        for p in 0..<hw { to[p] = from[p] }
                    }
                }
            }
        }
    }

    public func weightGradient(outputGradient dz: Matrix, input: Matrix, workspace ws: LayerWorkspace, beta: Double, into dw: inout Matrix) throws {
        if !ws.loweredIsInput { lower(input, into: &ws.loweredOther) }
        reorder(dz, into: &ws.reordered)
        try gemm(ws.reordered, ws.loweredIsInput ? ws.lowered : ws.loweredOther, transposeA: .transpose, beta: beta, into: &dw)
    }

    public func inputGradient(weights: Matrix, outputGradient dz: Matrix, workspace ws: LayerWorkspace, beta: Double, into da: inout Matrix) throws {
        reorder(dz, into: &ws.reordered)
        let batch = dz.cols, hw = pixels, w = width, inSize = inputSize, ldx = hw * batch
        LayerWorkspace.ensure(&ws.loweredGradient, ldx, inChannels * 9)
        try gemm(ws.reordered, weights, into: &ws.loweredGradient)
        // col2im: the adjoint of `lower`, scattering every tap back onto its source pixel. The wrapped edge column
        // holds taps outside the image: zeroed in the workspace, each (channel, tap, sample) is one contiguous
        // shifted add, and every pixel receives its in-image taps in the same order as a row-by-row scatter.
        ws.loweredGradient.storage.withUnsafeMutableBufferPointer { xp in
            da.storage.withUnsafeMutableBufferPointer { ap in
                if beta == 0 {
                    for i in ap.indices { ap[i] = 0 }
                } else {
                    for i in ap.indices { ap[i] *= beta }
                }
                for c in 0..<inChannels {
                    for k in 0..<9 {
                        let (shift, lo, hi, edge) = tap(k)
                        let colBase = (c * 9 + k) * ldx
                        for b in 0..<batch {
                            let to = ap.baseAddress! + (b * inSize + c * hw + shift), from = xp.baseAddress! + (colBase + b * hw)
                            if let edge { for q in stride(from: edge, to: hw, by: w) { from[q] = 0 } }
                            for q in lo..<hi { to[q] += from[q] }
                        }
                    }
                }
            }
        }
    }

    public func addBias(_ bias: [Double], to z: inout Matrix) {
        let batch = z.cols, hw = pixels, outSize = outputSize
        z.storage.withUnsafeMutableBufferPointer { p in
            for b in 0..<batch {
                for o in 0..<outChannels {
                    let v = bias[o], map = p.baseAddress! + (b * outSize + o * hw)
                    for q in 0..<hw { map[q] += v }
                }
            }
        }
    }

    public func biasGradient(outputGradient dz: Matrix, beta: Double, into db: inout [Double]) {
        let batch = dz.cols, hw = pixels, outSize = outputSize
        for o in 0..<outChannels { db[o] = beta == 0 ? 0 : db[o] * beta }
        dz.storage.withUnsafeBufferPointer { g in
            for b in 0..<batch {
                for o in 0..<outChannels {
                    let map = g.baseAddress! + (b * outSize + o * hw)
                    var s = 0.0
                    for q in 0..<hw { s += map[q] }
                    db[o] += s
                }
            }
        }
    }
}

/// 2×2 average pooling over channels × height × width (height and width even); linear, so its R-operator is itself.
public struct AveragePool2: Sendable, Equatable {
    /// Channels.
    public let channels: Int
    /// Input height.
    public let height: Int
    /// Input width.
    public let width: Int

    /// Pooling of `channels` maps of `height` × `width` (both even).
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Features per sample in.
    public var inputSize: Int { channels * height * width }
    /// Features per sample out.
    public var outputSize: Int { channels * (height / 2) * (width / 2) }

    /// out ← pool(a).
    func forward(_ a: Matrix, into out: inout Matrix) {
        let batch = a.cols, h2 = height / 2, w2 = width / 2, inSize = inputSize, outSize = outputSize
        a.storage.withUnsafeBufferPointer { ap in
            out.storage.withUnsafeMutableBufferPointer { op in
                for b in 0..<batch {
                    for c in 0..<channels {
                        let s = b * inSize + c * height * width, d = b * outSize + c * h2 * w2
                        for y in 0..<h2 {
                            for x in 0..<w2 {
                                let i = s + 2 * y * width + 2 * x
                                op[d + y * w2 + x] = 0.25 * (ap[i] + ap[i + 1] + ap[i + width] + ap[i + width + 1])
                            }
                        }
                    }
                }
            }
        }
    }

    /// da ← poolᵀ(g): each input pixel gets a quarter of its window's gradient.
    func adjoint(_ g: Matrix, into da: inout Matrix) {
        let batch = g.cols, h2 = height / 2, w2 = width / 2, inSize = inputSize, outSize = outputSize
        g.storage.withUnsafeBufferPointer { gp in
            da.storage.withUnsafeMutableBufferPointer { ap in
                for b in 0..<batch {
                    for c in 0..<channels {
                        let d = b * inSize + c * height * width, s = b * outSize + c * h2 * w2
                        for y in 0..<h2 {
                            for x in 0..<w2 {
                                let v = 0.25 * gp[s + y * w2 + x]
                                let i = d + 2 * y * width + 2 * x
                                ap[i] = v; ap[i + 1] = v; ap[i + width] = v; ap[i + width + 1] = v
                            }
                        }
                    }
                }
            }
        }
    }
}
