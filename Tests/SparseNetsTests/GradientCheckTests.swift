import Datasets
import Foundation
import LinearAlgebra
import Randomness
import Testing
@testable import SparseNets

/// Small random problems for finite-difference checks.
enum Fixtures {
    static func data(features: Int, classes: Int, count: Int, seed: UInt64) throws -> TrainingData {
        let s = RandomStream(seed: seed)
        let x = try Matrix(rows: features, cols: count, columnMajor: s.gaussianVector(features * count))
        let y = (0..<count).map { $0 % classes }
        return try TrainingData(columns: x, labels: y, classCount: classes)
    }

    static func mlp(seed: UInt64 = 3) throws -> (MaskedNetwork, TrainingData) {
        var net = try MaskedNetwork(.mlp(hidden: [7, 5]), inputSize: 6, classCount: 4, stream: RandomStream(seed: seed))
        // Non-zero biases so the bias gradients are exercised.
        for l in net.parameters.biases.indices { net.parameters.biases[l] = RandomStream(seed: seed + 10).split(l).gaussianVector(net.parameters.biases[l].count, sd: 0.1) }
        return (net, try data(features: 6, classes: 4, count: 9, seed: seed + 1))
    }

    static func cnn(pooling: Bool, seed: UInt64 = 5) throws -> (MaskedNetwork, TrainingData) {
        var net = try MaskedNetwork(.cnn(channels: [3, 2], pooling: pooling), inputSize: 16, classCount: 3, stream: RandomStream(seed: seed))
        for l in net.parameters.biases.indices { net.parameters.biases[l] = RandomStream(seed: seed + 10).split(l).gaussianVector(net.parameters.biases[l].count, sd: 0.1) }
        return (net, try data(features: 16, classes: 3, count: 5, seed: seed + 1))
    }

    static func loss(_ net: MaskedNetwork, _ d: TrainingData, temperature: Double = 1) throws -> Double {
        try Propagator().evaluate(net, data: d.columns, labels: d.labels, columns: Array(0..<d.count)[...], temperature: temperature).loss
    }

    static func gradient(_ net: MaskedNetwork, _ d: TrainingData, temperature: Double = 1) throws -> Parameters {
        var g = Parameters(zerosLike: net.parameters)
        try Propagator().lossAndGradient(net, data: d.columns, labels: d.labels, columns: Array(0..<d.count)[...], temperature: temperature, into: &g)
        return g
    }

    /// A random direction shaped like the parameters.
    static func direction(_ p: Parameters, seed: UInt64, biases: Bool = true) -> Parameters {
        let s = RandomStream(seed: seed)
        var v = Parameters(zerosLike: p)
        for l in v.weights.indices {
            v.weights[l].storage = s.gaussianVector(v.weights[l].storage.count)
            if biases { v.biases[l] = s.gaussianVector(v.biases[l].count) }
        }
        return v
    }

    /// Number of units whose ReLU state differs between two patterns.
    static func flips(_ a: [[Bool]], _ b: [[Bool]]) -> Int {
        var n = 0
        for (x, y) in zip(a, b) { for (p, q) in zip(x, y) where p != q { n += 1 } }
        return n
    }

    /// The sign pattern of every pre-activation, to detect ReLU flips between two points.
    static func pattern(_ net: MaskedNetwork, _ d: TrainingData) throws -> [[Bool]] {
        let p = Propagator()
        _ = try p.evaluate(net, data: d.columns, labels: d.labels, columns: Array(0..<d.count)[...])
        return p.preActivations.dropLast().map { $0.storage.map { $0 > 0 } }
    }
}

@Suite("Backward passes and Hessian-vector products against finite differences")
struct GradientCheckTests {
    /// Central differences of the loss along every coordinate of every layer, vs the backward pass.
    func checkEveryCoordinate(_ net: MaskedNetwork, _ d: TrainingData) throws {
        let g = try Fixtures.gradient(net, d)
        let h = 1e-6
        for l in net.parameters.weights.indices {
            var worst = 0.0
            for i in net.parameters.weights[l].storage.indices {
                var plus = net, minus = net
                plus.parameters.weights[l].storage[i] += h
                minus.parameters.weights[l].storage[i] -= h
                let fd = (try Fixtures.loss(plus, d) - Fixtures.loss(minus, d)) / (2 * h)
                worst = max(worst, abs(fd - g.weights[l].storage[i]))
            }
            for i in net.parameters.biases[l].indices {
                var plus = net, minus = net
                plus.parameters.biases[l][i] += h
                minus.parameters.biases[l][i] -= h
                let fd = (try Fixtures.loss(plus, d) - Fixtures.loss(minus, d)) / (2 * h)
                worst = max(worst, abs(fd - g.biases[l][i]))
            }
            let scale = max(g.weights[l].storage.map(abs).max() ?? 0, 1e-3)
            #expect(worst / scale < 1e-6, "layer \(l + 1) (\(net.layers[l])): max |fd − backprop| = \(worst), scale \(scale)")
        }
    }

    @Test("MLP: every layer's weight and bias gradient matches central differences")
    func mlpBackward() throws {
        let (net, d) = try Fixtures.mlp()
        try checkEveryCoordinate(net, d)
    }

    @Test("CNN (conv 3×3 + average pooling, and without pooling): every layer matches central differences", arguments: [true, false])
    func cnnBackward(pooling: Bool) throws {
        let (net, d) = try Fixtures.cnn(pooling: pooling)
        try checkEveryCoordinate(net, d)
    }

    /// HVP vs (g(θ + εv) − g(θ − εv)) / 2ε with ε scaled so ‖εv‖/‖θ‖ ≤ 1e-6, skipping nothing but asserting no ReLU flipped.
    func checkHVP(_ net: MaskedNetwork, _ d: TrainingData, temperature: Double, v: Parameters) throws -> Double {
        var g = Parameters(zerosLike: net.parameters), hv = g
        _ = try Propagator().hessianVectorProduct(net, data: d.columns, labels: d.labels, columns: Array(0..<d.count)[...],
                                                   temperature: temperature, direction: v, gradient: &g, product: &hv)
        let eps = 1e-6 * net.parameters.squaredNorm().squareRoot() / v.squaredNorm().squareRoot()
        var plus = net, minus = net
        plus.parameters.add(v, scaledBy: eps)
        minus.parameters.add(v, scaledBy: -eps)
        let base = try Fixtures.pattern(net, d)
        let flips = Fixtures.flips(try Fixtures.pattern(plus, d), base) + Fixtures.flips(try Fixtures.pattern(minus, d), base)
        #expect(flips == 0, "a ReLU flipped inside the finite-difference step; the comparison would be meaningless")
        var fd = try Fixtures.gradient(plus, d, temperature: temperature)
        fd.add(try Fixtures.gradient(minus, d, temperature: temperature), scaledBy: -1)
        fd.scale(by: 1 / (2 * eps))
        var diff = fd
        diff.add(hv, scaledBy: -1)
        return (diff.squaredNorm() / hv.squaredNorm()).squareRoot()
    }

    @Test("Hv matches finite differences of gradients (MLP, T = 1 and T = 200; CNN)")
    func hvpFiniteDifferences() throws {
        let (net, d) = try Fixtures.mlp()
        for t in [1.0, 200.0] {
            let err = try checkHVP(net, d, temperature: t, v: Fixtures.direction(net.parameters, seed: 77))
            #expect(err < 1e-6, "relative error \(err) at T = \(t)")
        }
        // The direction GraSP uses: the weight gradient itself, biases zero.
        let gw = try Fixtures.gradient(net, d).withoutBiases()
        let errG = try checkHVP(net, d, temperature: 1, v: gw)
        #expect(errG < 1e-6, "Hg relative error \(errG)")
        for pooling in [true, false] {
            let (c, cd) = try Fixtures.cnn(pooling: pooling)
            let err = try checkHVP(c, cd, temperature: 1, v: Fixtures.direction(c.parameters, seed: 78))
            #expect(err < 1e-6, "CNN (pooling \(pooling)) relative error \(err)")
        }
    }

    @Test("Hg on the digits MLP 64-256-256-10 at T = 200 with the pruning batch (GraSP's exact setting) matches finite differences")
    func hvpDigits() throws {
        let exp = PairedPruningExperiment(architecture: .mlp(hidden: [256, 256]), data: try PreparedData.digits())
        let net = try exp.initialNetwork(seed: 1)
        let batch = try exp.pruningBatch(seed: 1)
        let g = try Fixtures.gradient(net, batch, temperature: 200).withoutBiases()
        let err = try checkHVP(net, batch, temperature: 200, v: g)
        #expect(err < 1e-6, "relative error \(err)")
    }

    @Test("finite differences with a large step cross a ReLU kink, and the flip detector sees it")
    func reluFlipDetected() throws {
        let (net, d) = try Fixtures.mlp()
        let v = Fixtures.direction(net.parameters, seed: 77)
        var far = net
        far.parameters.add(v, scaledBy: 0.3)
        let a = try Fixtures.pattern(net, d), b = try Fixtures.pattern(far, d)
        let flips = Fixtures.flips(a, b)
        #expect(flips > 0)
    }

    @Test("uᵀHv = vᵀHu (the Hessian is symmetric)")
    func symmetry() throws {
        let (net, d) = try Fixtures.mlp()
        let u = Fixtures.direction(net.parameters, seed: 1), v = Fixtures.direction(net.parameters, seed: 2)
        let p = Propagator()
        var g = Parameters(zerosLike: net.parameters), hu = g, hv = g
        let cols = Array(0..<d.count)[...]
        _ = try p.hessianVectorProduct(net, data: d.columns, labels: d.labels, columns: cols, temperature: 1, direction: u, gradient: &g, product: &hu)
        _ = try p.hessianVectorProduct(net, data: d.columns, labels: d.labels, columns: cols, temperature: 1, direction: v, gradient: &g, product: &hv)
        let a = u.dot(hv), b = v.dot(hu)
        #expect(abs(a - b) <= 1e-12 * max(abs(a), abs(b)), "uᵀHv = \(a), vᵀHu = \(b)")
    }
}
