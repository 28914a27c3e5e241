import Components
import Foundation
import Datasets
import LinearAlgebra
import Randomness

/// Data hyper-cleaning: learn one weight per training sample so a softmax regression trained on
/// corrupted labels does well on clean validation data.
///
/// x_i is the logit of sample i's weight σ(x_i); y = W (classes × features, bias last, row-major);
/// g = (1/n) Σ σ(x_i) ℓ_i(W) + C‖W‖², f = clean validation cross-entropy.
public struct HyperCleaningProblem: BilevelProblem {
    public var xDimension: Int { trainCount }
    public var yDimension: Int { classCount * featureCount }
    public var lowerSampleCount: Int? { trainCount }
    public var upperSampleCount: Int? { validationCount }
    public let initialX: [Double]
    public let initialY: [Double]
    public let lowerSmoothness: Double
    public let lowerStrongConvexity: Double
    public let metric = ProblemMetric.validationLoss
    /// Ridge weight C of the lower level.
    public let ridge: Double
    /// Which training labels were corrupted (for reports: good weights should be low there).
    public let corrupted: [Bool]
    /// Name of the data set the instance was built from.
    public let dataName: String

    let trainCount: Int, validationCount: Int, classCount: Int, featureCount: Int
    /// Samples row-major, bias column last.
    let trainA: [Double], validationA: [Double]
    let trainLabels: [Int], validationLabels: [Int]

    /// An instance from already standardised splits; `corruption` of the training labels are
    /// replaced by a uniformly drawn different class.
    public init(train: LabeledDataset, validation: LabeledDataset, corruption: Double = 0.3, ridge: Double = 0.05,
                stream: RandomStream) throws(BilevelError) {
        try requireIn(corruption, 0, 1, "corruption fraction")
        guard corruption < 1 else { throw .invalidOption("corruption fraction must be in [0, 1): with every label corrupted nothing is left to clean") }
        try requirePositive(ridge, "ridge C")
        guard train.classCount >= 2 else { throw .invalidOption("hyper-cleaning needs at least two classes") }
        guard train.count >= 2, validation.count >= 1 else { throw .invalidOption("hyper-cleaning: the data set is too small to split") }
        let c = train.classCount, d = train.dimension + 1
        classCount = c; featureCount = d; self.ridge = ridge; dataName = train.name
        trainCount = train.count; validationCount = validation.count
        func pack(_ s: LabeledDataset) -> [Double] {
            var a = [Double](repeating: 1, count: s.count * d)
            for i in 0..<s.count { for j in 0..<(d - 1) { a[i * d + j] = s.features[i, j] } }
            return a
        }
        trainA = pack(train); validationA = pack(validation)
        validationLabels = validation.labels
        var labels = train.labels, flags = [Bool](repeating: false, count: train.count)
        let noisy = stream.split("corrupt")
        for i in noisy.sample(Int((corruption * Double(train.count)).rounded()), from: train.count) {
            labels[i] = (labels[i] + 1 + noisy.uniformInt(c - 1)) % c
            flags[i] = true
        }
        trainLabels = labels; corrupted = flags
        initialX = [Double](repeating: 0, count: train.count)
        initialY = [Double](repeating: 0, count: c * d)
        // Softmax curvature ≤ ½: L ≤ ½ max σ ‖A‖²/n + 2C; μ ≥ 2C.
        let n = trainCount
        let rowsA = trainA
        let gram = Matrix(rows: d, cols: d) { i, j in
            var s = 0.0
            for r in 0..<n { s += rowsA[r * d + i] * rowsA[r * d + j] }
            return s / Double(n)
        }
        let top: Double
        do { top = try SymmetricEigen(gram).values.last ?? 0 } catch { throw .lapack(error, "hyper-cleaning: Gram spectrum") }
        lowerSmoothness = 0.5 * 0.5 * top + 2 * ridge
        lowerStrongConvexity = 2 * ridge
    }

    /// An instance on `train` and `validation`, subsampled (seeded by `stream`) to at most `trainLimit` training and
    /// twice that many validation rows; a nil limit keeps every row.
    public static func make(train: LabeledDataset, validation: LabeledDataset, stream: RandomStream, trainLimit: Int?,
                            corruption: Double = 0.3, ridge: Double = 0.05) throws(BilevelError) -> HyperCleaningProblem {
        var train = train, validation = validation
        if let trainLimit {
            try requireAtLeast(trainLimit, 2, "hyper-cleaning training rows")
            if train.count > trainLimit {
                train = train.subset(stream.split("subset").sample(trainLimit, from: train.count), name: train.name)
            }
            if validation.count > 2 * trainLimit {
                validation = validation.subset(stream.split("subset-val").sample(2 * trainLimit, from: validation.count), name: validation.name)
            }
        }
        return try HyperCleaningProblem(train: train, validation: validation, corruption: corruption, ridge: ridge, stream: stream)
    }

    public var summary: [(String, String)] {
        [("data", "\(dataName): \(trainCount) training rows (\(corrupted.filter { $0 }.count) labels corrupted), \(validationCount) clean validation rows, \(featureCount - 1) features + bias, \(classCount) classes"),
         ("lower level at x₀", String(format: "μ ≥ %.3g (= 2C), L ≤ %.3g, κ ≤ %.3g", lowerStrongConvexity, lowerSmoothness, lowerSmoothness / lowerStrongConvexity))]
    }

    public func drawBatch(size: Int, stream: RandomStream) -> Minibatch {
        .sampled(size: size, lowerCount: trainCount, upperCount: validationCount, stream: stream)
    }


    /// Softmax probabilities of sample `row` of `a` under W = y into `p`; returns log-sum-exp − z_label.
    @inline(__always)
    func probabilities(_ a: UnsafePointer<Double>, _ row: Int, _ y: UnsafePointer<Double>, label: Int, into p: inout [Double]) -> Double {
        let d = featureCount
        var zmax = -Double.infinity
        for k in 0..<classCount { p[k] = dot(d, y + k * d, a + row * d); zmax = max(zmax, p[k]) }
        let zl = p[label]
        var s = 0.0
        for k in 0..<classCount { p[k] = exp(p[k] - zmax); s += p[k] }
        for k in 0..<classCount { p[k] /= s }
        return zmax + log(s) - zl
    }


    public func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = featureCount
        for j in 0..<yDimension { out[j] = 2 * ridge * y[j] }
        var p = [Double](repeating: 0, count: classCount)
        trainA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                guard let a = ap.baseAddress, let yb = yp.baseAddress else { return }
                Minibatch.forEachSample(batch.isFull, batch.lower, count: trainCount) { i, w in
                    _ = probabilities(a, i, yb, label: trainLabels[i], into: &p)
                    p[trainLabels[i]] -= 1
                    let s = w * Logistic.sigmoid(x[i])
                    for k in 0..<classCount {
                        let coef = s * p[k]
                        for j in 0..<d { out[k * d + j] += coef * a[i * d + j] }
                    }
                }
            }
        }
    }

    public func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        for i in 0..<xDimension { out[i] = 0 }
    }

    public func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = featureCount
        for j in 0..<yDimension { out[j] = 0 }
        var p = [Double](repeating: 0, count: classCount)
        validationA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                guard let a = ap.baseAddress, let yb = yp.baseAddress else { return }
                Minibatch.forEachSample(batch.isFull, batch.upper, count: validationCount) { i, w in
                    _ = probabilities(a, i, yb, label: validationLabels[i], into: &p)
                    p[validationLabels[i]] -= 1
                    for k in 0..<classCount {
                        let coef = w * p[k]
                        for j in 0..<d { out[k * d + j] += coef * a[i * d + j] }
                    }
                }
            }
        }
    }

    public func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = featureCount, c = classCount
        for j in 0..<yDimension { out[j] = 2 * ridge * v[j] }
        var p = [Double](repeating: 0, count: c), u = p
        trainA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                v.withUnsafeBufferPointer { vp in
                    guard let a = ap.baseAddress, let yb = yp.baseAddress, let vb = vp.baseAddress else { return }
                    Minibatch.forEachSample(batch.isFull, batch.lower, count: trainCount) { i, w in
                        _ = probabilities(a, i, yb, label: trainLabels[i], into: &p)
                        var pu = 0.0
                        for k in 0..<c { u[k] = dot(d, vb + k * d, a + i * d); pu += p[k] * u[k] }
                        let s = w * Logistic.sigmoid(x[i])
                        for k in 0..<c {
                            let coef = s * p[k] * (u[k] - pu)
                            for j in 0..<d { out[k * d + j] += coef * a[i * d + j] }
                        }
                    }
                }
            }
        }
    }

    public func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = featureCount, c = classCount
        for i in 0..<xDimension { out[i] = 0 }
        var p = [Double](repeating: 0, count: c)
        trainA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                v.withUnsafeBufferPointer { vp in
                    guard let a = ap.baseAddress, let yb = yp.baseAddress, let vb = vp.baseAddress else { return }
                    Minibatch.forEachSample(batch.isFull, batch.lower, count: trainCount) { i, w in
                        _ = probabilities(a, i, yb, label: trainLabels[i], into: &p)
                        p[trainLabels[i]] -= 1
                        var s = 0.0
                        for k in 0..<c { s += p[k] * dot(d, vb + k * d, a + i * d) }
                        let sg = Logistic.sigmoid(x[i])
                        out[i] += w * sg * (1 - sg) * s
                    }
                }
            }
        }
    }

    /// Mean cross-entropy over a sample set, optionally weighted by σ(x).
    func meanLoss(_ a: [Double], _ labels: [Int], _ y: [Double], weights x: [Double]?) -> Double {
        var p = [Double](repeating: 0, count: classCount)
        var total = 0.0
        a.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                guard let ab = ap.baseAddress, let yb = yp.baseAddress else { return }
                for i in 0..<labels.count {
                    let l = probabilities(ab, i, yb, label: labels[i], into: &p)
                    total += (x.map { Logistic.sigmoid($0[i]) } ?? 1) * l
                }
            }
        }
        return total / Double(max(labels.count, 1))
    }

    public func lowerObjective(_ x: [Double], _ y: [Double]) -> Double {
        meanLoss(trainA, trainLabels, y, weights: x) + ridge * Vec.normSquared(y)
    }

    public func upperObjective(_ x: [Double], _ y: [Double]) -> Double {
        meanLoss(validationA, validationLabels, y, weights: nil)
    }

    /// Validation accuracy of W = y (for reports).
    public func validationAccuracy(_ y: [Double]) -> Double {
        var p = [Double](repeating: 0, count: classCount)
        var right = 0
        validationA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                guard let ab = ap.baseAddress, let yb = yp.baseAddress else { return }
                for i in 0..<validationCount {
                    _ = probabilities(ab, i, yb, label: validationLabels[i], into: &p)
                    if p.indices.max(by: { p[$0] < p[$1] }) == validationLabels[i] { right += 1 }
                }
            }
        }
        return Double(right) / Double(max(validationCount, 1))
    }

    public func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix {
        let n = trainCount, d = featureCount, c = classCount, dim = yDimension
        // All class probabilities, then one Aᵀ diag(w) A product per class pair (k ≤ l).
        var probs = [Double](repeating: 0, count: n * c)
        var p = [Double](repeating: 0, count: c)
        let sig = (0..<n).map { Logistic.sigmoid(x[$0]) }
        trainA.withUnsafeBufferPointer { ap in
            y.withUnsafeBufferPointer { yp in
                guard let a = ap.baseAddress, let yb = yp.baseAddress else { return }
                for i in 0..<n {
                    _ = probabilities(a, i, yb, label: trainLabels[i], into: &p)
                    for k in 0..<c { probs[i * c + k] = p[k] }
                }
            }
        }
        // A as an n×d column-major matrix (rows = samples).
        let am = Matrix(rows: n, cols: d) { i, j in trainA[i * d + j] }
        var hm = Matrix(rows: dim, cols: dim)
        var aw = am
        var block = Matrix(rows: d, cols: d)
        do {
            for k in 0..<c {
                for l in k..<c {
                    for i in 0..<n {
                        let pk = probs[i * c + k], pl = probs[i * c + l]
                        let w = sig[i] * ((k == l ? pk : 0) - pk * pl) / Double(n)
                        for j in 0..<d { aw.storage[i + j * n] = w * am.storage[i + j * n] }
                    }
                    try gemm(aw, am, transposeA: .transpose, into: &block)
                    for jj in 0..<d {
                        for ii in 0..<d {
                            let v = block.storage[ii + jj * d]
                            hm[k * d + ii, l * d + jj] = v
                            hm[l * d + jj, k * d + ii] = v
                        }
                    }
                }
            }
        } catch { throw .lapack(error, "hyper-cleaning: Hessian") }
        for i in 0..<dim { hm[i, i] += 2 * ridge }
        return hm
    }

    public func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double] {
        try newtonLowerSolution(x, from: [Double](repeating: 0, count: yDimension))
    }
}

extension HyperCleaningProblem: BilevelProblemType {
    public static let name = "hyper-cleaning"
    public static let summary = "data hyper-cleaning: x = per-sample weight logits, y = softmax weights trained on corrupted labels, f = clean validation loss"
    public static let parameters: [Parameter] = [
        .real("corruption", 0.3, .real(lower: 0, upper: 1, lowerOpen: false, upperOpen: true), "fraction of training labels replaced by a different class (benchopt: 0.5, 0.7, 0.9)"),
        .real("ridge", 0.05, .positive, "ridge weight C of the lower level (μ = 2C)"),
    ]
    public static let defaultBudget = 100_000
    public static let defaultData: String? = "digits"
    public static let isFiniteSum = true
    /// Each sample weight's hypergradient is O(1/n): x steps 100× the quadratic's.
    public static let upperStepScale = 100.0
    /// Training rows kept from a data set split by the policy (validation: twice as many); a user's own files are used whole.
    public static let trainLimit = 300

    public static func make(_ parameters: ParameterValues, data: ProblemData?, stream: RandomStream) throws(BilevelError) -> HyperCleaningProblem {
        guard let data else { throw .invalidOption("hyper-cleaning needs data") }
        return try make(train: data.split.train, validation: data.split.validation, stream: stream, trainLimit: data.asGiven ? nil : trainLimit,
                        corruption: parameters.real("corruption"), ridge: parameters.real("ridge"))
    }
}
