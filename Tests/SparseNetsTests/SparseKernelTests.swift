import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

@Suite("Sparse kernels")
struct SparseKernelTests {
    /// A 0/1 mask with exactly round(density · rows · cols) ones at random positions.
    static func randomMask(rows: Int, cols: Int, density: Double, stream: RandomStream) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        let keep = Int((density * Double(rows * cols)).rounded())
        for p in stream.permutation(rows * cols).prefix(keep) { m.storage[p] = 1 }
        return m
    }

    static func gaussian(_ rows: Int, _ cols: Int, _ stream: RandomStream) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        m.storage = stream.gaussianVector(rows * cols)
        return m
    }

    /// Largest |a − b| / (1 + |b|) over the entries.
    static func gap(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1) / (1 + abs($1.1))) }
    }

    @Test("CSR forward, input gradient and kept-position weight gradient equal gemm on the masked weights to 1e-12 (densities 1%, 10%, 50%)",
          arguments: [0.01, 0.1, 0.5])
    func kernelsMatchGemm(density: Double) throws {
        let rows = 256, cols = 192, batch = 33
        let s = RandomStream(seed: 12).split("density-\(density)")
        let mask = Self.randomMask(rows: rows, cols: cols, density: density, stream: s.split("mask"))
        var w = Self.gaussian(rows, cols, s.split("w"))
        for i in w.storage.indices { w.storage[i] *= mask.storage[i] }
        let x = Self.gaussian(cols, batch, s.split("x")), dy = Self.gaussian(rows, batch, s.split("dy"))
        let p = CSRPattern(mask: mask)
        #expect(p.nonZeros == Int((density * Double(rows * cols)).rounded()))
        p.gather(w)

        var zRef = Matrix(rows: rows, cols: batch), z = Matrix(rows: rows, cols: batch, repeating: .nan)
        try gemm(w, x, into: &zRef)
        p.forward(input: x, into: &z)
        #expect(Self.gap(z.storage, zRef.storage) <= 1e-12)

        var daRef = Matrix(rows: cols, cols: batch), da = Matrix(rows: cols, cols: batch, repeating: .nan)
        try gemm(w, dy, transposeA: .transpose, into: &daRef)
        p.inputGradient(outputGradient: dy, beta: 0, into: &da)
        #expect(Self.gap(da.storage, daRef.storage) <= 1e-12)

        var dwRef = Matrix(rows: rows, cols: cols), dw = Matrix(rows: rows, cols: cols, repeating: .nan)
        try gemm(dy, x, transposeB: .transpose, into: &dwRef)
        p.weightGradient(outputGradient: dy, input: x, beta: 0, into: &dw)
        var keptGap = 0.0, outsideNonZero = 0
        for i in dw.storage.indices {
            if mask.storage[i] != 0 { keptGap = max(keptGap, abs(dw.storage[i] - dwRef.storage[i]) / (1 + abs(dwRef.storage[i]))) }
            else if dw.storage[i] != 0 { outsideNonZero += 1 }
        }
        #expect(keptGap <= 1e-12)
        #expect(outsideNonZero == 0)
        // The reference gradient is not zero outside the mask, so the restriction is doing work.
        #expect(zip(dwRef.storage, mask.storage).contains { $1 == 0 && $0 != 0 })

        // β = 1 accumulates onto what is there.
        var acc = dw
        p.weightGradient(outputGradient: dy, input: x, beta: 1, into: &acc)
        #expect(Self.gap(acc.storage, dw.storage.map { 2 * $0 }) <= 1e-12)
        var da2 = da
        p.inputGradient(outputGradient: dy, beta: 1, into: &da2)
        #expect(Self.gap(da2.storage, da.storage.map { 2 * $0 }) <= 1e-12)
    }

    static func maskedNet(density: Double, seed: UInt64) throws -> MaskedNetwork {
        var net = try MaskedNetwork(.mlp(hidden: [256, 256]), inputSize: 64, classCount: 10, stream: RandomStream(seed: seed))
        let s = RandomStream(seed: seed).split("masks")
        try net.setMasks(net.masks.enumerated().map { l, m in randomMask(rows: m.rows, cols: m.cols, density: density, stream: s.split(l)) })
        return net
    }

    static let data: TrainingData = {
        do {
            let train = try PreparedData.digits().train
            let idx = Array(0..<200)
            return try TrainingData(columns: train.columns.columns(idx), labels: idx.map { train.labels[$0] }, classCount: train.classCount)
        } catch { preconditionFailure("digits: \(error)") }
    }()

    @Test("the MLP 64-256-256-10's loss and masked gradient agree between CSR and gemm to 1e-12, with zeros outside the mask (1%, 10%, 50%)",
          arguments: [0.01, 0.1, 0.5])
    func propagatorMatches(density: Double) throws {
        let net = try Self.maskedNet(density: density, seed: 3)
        var gDense = Parameters(zerosLike: net.parameters), gSparse = gDense
        let cols = Array(0..<64)[...]
        let (lDense, cDense) = try Propagator(kernels: .dense).lossAndGradient(net, data: Self.data.columns, labels: Self.data.labels, columns: cols, into: &gDense)
        let (lSparse, cSparse) = try Propagator(kernels: .sparse).lossAndGradient(net, data: Self.data.columns, labels: Self.data.labels, columns: cols, into: &gSparse)
        #expect(abs(lDense - lSparse) <= 1e-12 * abs(lDense))
        #expect(cDense == cSparse)
        gDense.applyMask(net.masks)
        for l in gDense.weights.indices {
            #expect(Self.gap(gSparse.weights[l].storage, gDense.weights[l].storage) <= 1e-12, "layer \(l)")
            #expect(Self.gap(gSparse.biases[l], gDense.biases[l]) <= 1e-12, "layer \(l) biases")
            #expect(zip(gSparse.weights[l].storage, net.masks[l].storage).allSatisfy { $1 != 0 || $0 == 0 })
        }
    }

    @Test("a few SGD steps (momentum, Nesterov, weight decay) on CSR equal the masked-dense steps to 1e-12 (1%, 10%, 50%)",
          arguments: [0.01, 0.1, 0.5])
    func trainingMatches(density: Double) throws {
        let recipe = TrainingRecipe(epochs: 2, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3))
        let net0 = try Self.maskedNet(density: density, seed: 5)
        var dense = net0, sparse = net0
        let hd = try Trainer.train(&dense, on: Self.data, recipe: recipe, stream: RandomStream(seed: 6), kernels: .dense)
        let hs = try Trainer.train(&sparse, on: Self.data, recipe: recipe, stream: RandomStream(seed: 6), kernels: .sparse)
        #expect(sparse.maskedWeightsAreZero)
        for l in dense.parameters.weights.indices {
            #expect(Self.gap(sparse.parameters.weights[l].storage, dense.parameters.weights[l].storage) <= 1e-12, "layer \(l)")
            #expect(Self.gap(sparse.parameters.biases[l], dense.parameters.biases[l]) <= 1e-12, "layer \(l) biases")
        }
        // The steps moved the weights, so the comparison is not of the initial network with itself.
        #expect(Self.gap(dense.parameters.weights[1].storage, net0.parameters.weights[1].storage) > 1e-6)
        #expect(Self.gap(hs.history.map(\.trainLoss), hd.history.map(\.trainLoss)) <= 1e-12)
    }

    @Test("automatic selection leaves training bit-for-bit unchanged above the threshold and equals CSR below it")
    func automaticSelection() throws {
        let recipe = TrainingRecipe(epochs: 1, batchSize: 32, optimizer: SGDConfiguration(learningRate: 0.05))
        let above = try Self.maskedNet(density: min(1, 2 * SparseKernels.densityThreshold), seed: 7)
        var a = above, b = above
        try Trainer.train(&a, on: Self.data, recipe: recipe, stream: RandomStream(seed: 8), kernels: .automatic)
        try Trainer.train(&b, on: Self.data, recipe: recipe, stream: RandomStream(seed: 8), kernels: .dense)
        #expect(a.parameters == b.parameters)
        let below = try Self.maskedNet(density: SparseKernels.densityThreshold / 2, seed: 7)
        var c = below, d = below
        try Trainer.train(&c, on: Self.data, recipe: recipe, stream: RandomStream(seed: 8), kernels: .automatic)
        try Trainer.train(&d, on: Self.data, recipe: recipe, stream: RandomStream(seed: 8), kernels: .sparse)
        #expect(c.parameters == d.parameters)
    }

    @Test("a new mask rebuilds the pattern: the same propagator follows setMasks")
    func maskChangeRebuilds() throws {
        var net = try Self.maskedNet(density: 0.1, seed: 9)
        let p = Propagator(kernels: .sparse)
        var g = Parameters(zerosLike: net.parameters)
        let cols = Array(0..<32)[...]
        _ = try p.evaluate(net, data: Self.data.columns, labels: Self.data.labels, columns: cols)
        let s = RandomStream(seed: 10)
        try net.setMasks(net.masks.enumerated().map { l, m in Self.randomMask(rows: m.rows, cols: m.cols, density: 0.1, stream: s.split(l)) })
        try p.lossAndGradient(net, data: Self.data.columns, labels: Self.data.labels, columns: cols, into: &g)
        var ref = Parameters(zerosLike: net.parameters)
        try Propagator(kernels: .dense).lossAndGradient(net, data: Self.data.columns, labels: Self.data.labels, columns: cols, into: &ref)
        ref.applyMask(net.masks)
        for l in g.weights.indices { #expect(Self.gap(g.weights[l].storage, ref.weights[l].storage) <= 1e-12, "layer \(l)") }
    }

    @Test("dynamic sparse training asks for the dense gradient only where its grow criterion reads it: RigL on update steps, static never, SNFS every step")
    func denseGradientSteps() throws {
        let net = try Self.maskedNet(density: 0.05, seed: 11)
        func hook(_ name: String) throws -> DynamicSparsity {
            DynamicSparsity(method: try SparseMethodCatalog.method(named: name, overrides: name == "static" ? [:] : ["delta-t": "10"]),
                            targets: net.layerNonZeros, layers: net.layerShapes, totalSteps: 100, samples: 320, batchSize: 32, stream: RandomStream(seed: 1))
        }
        let rigl = try hook("rigl")
        let first = try #require(rigl.plan.steps.first)
        #expect((0..<100).filter { rigl.needsDenseGradient(step: $0) } == [first - 1])
        #expect(try !(0..<100).contains { try hook("static").needsDenseGradient(step: $0) })
        #expect(try (0..<100).allSatisfy { try hook("snfs").needsDenseGradient(step: $0) })
    }
}
