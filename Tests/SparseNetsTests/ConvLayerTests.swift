import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// The 3×3 convolution's three bilinear maps against the definition summed term by term, on image shapes whose
/// edges the im2col shifts must get right: one pixel, rows and columns of one, non-square, and the CNN's 8×8.
@Suite struct ConvLayerTests {
    static let shapes: [(Int, Int)] = [(1, 1), (1, 4), (3, 1), (2, 2), (3, 5), (4, 4), (8, 8)]
    static let inC = 2, outC = 3, batch = 3

    /// Σ over the taps inside the image of w(o, c, k) · a(c, y + dy, x + dx), per sample.
    static func direct(_ f: (_ o: Int, _ c: Int, _ k: Int, _ b: Int, _ out: Int, _ src: Int) -> Void, h: Int, w: Int) {
        for b in 0..<batch {
            for o in 0..<outC {
                for c in 0..<inC {
                    for k in 0..<9 {
                        let dy = k / 3 - 1, dx = k % 3 - 1
                        for y in 0..<h {
                            for x in 0..<w where y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w {
                                f(o, c, k, b, b * outC * h * w + o * h * w + y * w + x, b * inC * h * w + c * h * w + (y + dy) * w + x + dx)
                            }
                        }
                    }
                }
            }
        }
    }

    static func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    @Test("forward, input gradient (with β) and weight gradient equal the direct sums to 1e-13", arguments: shapes)
    func mapsEqualTheirDefinitions(shape: (Int, Int)) throws {
        let (h, w) = shape
        let layer = ConvLayer(inChannels: Self.inC, outChannels: Self.outC, height: h, width: w)
        let s = RandomStream(seed: UInt64(10 * h + w))
        let a = try Matrix(rows: layer.inputSize, cols: Self.batch, columnMajor: s.gaussianVector(layer.inputSize * Self.batch))
        let weights = try Matrix(rows: Self.outC, cols: Self.inC * 9, columnMajor: s.gaussianVector(Self.outC * Self.inC * 9))
        let dz = try Matrix(rows: layer.outputSize, cols: Self.batch, columnMajor: s.gaussianVector(layer.outputSize * Self.batch))
        let start = s.gaussianVector(layer.inputSize * Self.batch)
        let ws = LayerWorkspace()
        let weight = { (o: Int, c: Int, k: Int) in weights.storage[(c * 9 + k) * Self.outC + o] }

        var z = Matrix(rows: layer.outputSize, cols: Self.batch)
        try layer.forward(weights: weights, input: a, workspace: ws, into: &z)
        var zDirect = [Double](repeating: 0, count: z.storage.count)
        Self.direct({ o, c, k, _, out, src in zDirect[out] += weight(o, c, k) * a.storage[src] }, h: h, w: w)
        #expect(Self.maxRelativeError(z.storage, zDirect) < 1e-13, "forward \(h)×\(w)")

        for beta in [0.0, 0.5] {
            var da = try Matrix(rows: layer.inputSize, cols: Self.batch, columnMajor: start)
            try layer.inputGradient(weights: weights, outputGradient: dz, workspace: ws, beta: beta, into: &da)
            var daDirect = start.map { beta * $0 }
            Self.direct({ o, c, k, _, out, src in daDirect[src] += weight(o, c, k) * dz.storage[out] }, h: h, w: w)
            #expect(Self.maxRelativeError(da.storage, daDirect) < 1e-13, "input gradient \(h)×\(w), β = \(beta)")
        }

        var dw = Matrix(rows: Self.outC, cols: Self.inC * 9)
        ws.loweredIsInput = false
        try layer.weightGradient(outputGradient: dz, input: a, workspace: ws, beta: 0, into: &dw)
        var dwDirect = [Double](repeating: 0, count: dw.storage.count)
        Self.direct({ o, c, k, _, out, src in dwDirect[(c * 9 + k) * Self.outC + o] += dz.storage[out] * a.storage[src] }, h: h, w: w)
        #expect(Self.maxRelativeError(dw.storage, dwDirect) < 1e-13, "weight gradient \(h)×\(w)")
    }
}
