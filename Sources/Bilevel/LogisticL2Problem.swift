import Components
import Foundation
import Datasets
import LinearAlgebra
import Randomness

/// Per-feature L2 regularisation selection for logistic regression on real data.
///
/// x = log λ (one per feature, bias included), y = w; g is the regularised training log-loss,
/// f the validation log-loss. Labels are ±1; features are standardised on the training split.
public struct LogisticL2Problem: BilevelProblem {
    public let xDimension: Int
    public var yDimension: Int { xDimension }
    public var lowerSampleCount: Int? { trainCount }
    public var upperSampleCount: Int? { validationCount }
    public let initialX: [Double]
    public let initialY: [Double]
    public let lowerSmoothness: Double
    public let lowerStrongConvexity: Double
    public let metric = ProblemMetric.validationLoss
    /// Name of the data set the instance was built from.
    public let dataName: String

    let trainCount: Int, validationCount: Int
    /// Samples row-major (sample i at i·d), bias column last.
    let trainA: [Double], validationA: [Double]
    /// Labels ±1.
    let trainB: [Double], validationB: [Double]

    /// An instance from a training and a validation split (two classes; features already standardised).
    public init(train: LabeledDataset, validation: LabeledDataset, initialLogLambda: Double = 0) throws(BilevelError) {
        guard train.classCount == 2, validation.classCount == 2 else {
            throw .invalidOption("logreg-l2 needs a data set with exactly two classes, '\(train.name)' has \(train.classCount)")
        }
        guard train.count >= 2, validation.count >= 1 else { throw .invalidOption("logreg-l2: the data set is too small to split") }
        try requireIn(initialLogLambda, -30, 30, "initial log λ")
        let d = train.dimension + 1
        xDimension = d
        dataName = train.name
        func pack(_ s: LabeledDataset) -> ([Double], [Double]) {
            var a = [Double](repeating: 1, count: s.count * d)
            for i in 0..<s.count { for j in 0..<(d - 1) { a[i * d + j] = s.features[i, j] } }
            return (a, s.labels.map { $0 == 1 ? 1.0 : -1.0 })
        }
        (trainA, trainB) = pack(train)
        (validationA, validationB) = pack(validation)
        trainCount = train.count
        validationCount = validation.count
        initialX = [Double](repeating: initialLogLambda, count: d)
        initialY = [Double](repeating: 0, count: d)
        // L ≤ ‖A‖²/(4n) + max e^λ; μ ≥ min e^λ (at the start).
        let n = trainCount
        let rowsA = trainA
        let gram = Matrix(rows: d, cols: d) { i, j in
            var s = 0.0
            for r in 0..<n { s += rowsA[r * d + i] * rowsA[r * d + j] }
            return s / (4 * Double(n))
        }
        let top: Double
        do { top = try SymmetricEigen(gram).values.last ?? 0 } catch { throw .lapack(error, "logreg-l2: Gram spectrum") }
        lowerSmoothness = top + exp(initialLogLambda)
        lowerStrongConvexity = exp(initialLogLambda)
    }


    public var summary: [(String, String)] {
        [("data", "\(dataName): \(trainCount) training rows, \(validationCount) validation rows, \(xDimension - 1) features + bias"),
         ("lower level at x₀", String(format: "μ ≥ %.3g, L ≤ %.3g, κ ≤ %.3g", lowerStrongConvexity, lowerSmoothness, lowerSmoothness / lowerStrongConvexity))]
    }

    public func drawBatch(size: Int, stream: RandomStream) -> Minibatch {
        .sampled(size: size, lowerCount: trainCount, upperCount: validationCount, stream: stream)
    }




    public func gradYG(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = xDimension
        for j in 0..<d { out[j] = exp(x[j]) * y[j] }
        trainA.withUnsafeBufferPointer { a in
            guard let ab = a.baseAddress else { return }
            y.withUnsafeBufferPointer { yp in
                guard let yb = yp.baseAddress else { return }
                Minibatch.forEachSample(batch.isFull, batch.lower, count: trainCount) { i, w in
                    let bi = trainB[i]
                    let coef = -w * bi * Logistic.sigmoid(-bi * dot(d, ab + i * d, yb))
                    for j in 0..<d { out[j] += coef * a[i * d + j] }
                }
            }
        }
    }

    public func gradXF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        for j in 0..<xDimension { out[j] = 0 }
    }

    public func gradYF(_ x: [Double], _ y: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = xDimension
        for j in 0..<d { out[j] = 0 }
        validationA.withUnsafeBufferPointer { a in
            guard let ab = a.baseAddress else { return }
            y.withUnsafeBufferPointer { yp in
                guard let yb = yp.baseAddress else { return }
                Minibatch.forEachSample(batch.isFull, batch.upper, count: validationCount) { i, w in
                    let bi = validationB[i]
                    let coef = -w * bi * Logistic.sigmoid(-bi * dot(d, ab + i * d, yb))
                    for j in 0..<d { out[j] += coef * a[i * d + j] }
                }
            }
        }
    }

    public func hessianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        let d = xDimension
        for j in 0..<d { out[j] = exp(x[j]) * v[j] }
        trainA.withUnsafeBufferPointer { a in
            guard let ab = a.baseAddress else { return }
            y.withUnsafeBufferPointer { yp in
                v.withUnsafeBufferPointer { vp in
                    guard let yb = yp.baseAddress, let vb = vp.baseAddress else { return }
                    Minibatch.forEachSample(batch.isFull, batch.lower, count: trainCount) { i, w in
                        let s = Logistic.sigmoid(dot(d, ab + i * d, yb))
                        let coef = w * s * (1 - s) * dot(d, ab + i * d, vb)
                        for j in 0..<d { out[j] += coef * a[i * d + j] }
                    }
                }
            }
        }
    }

    public func jacobianVector(_ x: [Double], _ y: [Double], _ v: [Double], _ batch: Minibatch, into out: inout [Double]) {
        // ∂²g/∂λ_j∂w_j = e^{λ_j} w_j: diagonal and sample-free.
        for j in 0..<xDimension { out[j] = exp(x[j]) * y[j] * v[j] }
    }

    public func lowerObjective(_ x: [Double], _ y: [Double]) -> Double {
        let d = xDimension
        var s = 0.0
        for j in 0..<d { s += 0.5 * exp(x[j]) * y[j] * y[j] }
        var loss = 0.0
        for i in 0..<trainCount {
            var z = 0.0
            for j in 0..<d { z += trainA[i * d + j] * y[j] }
            loss += Logistic.logLoss(trainB[i] * z)
        }
        return s + loss / Double(trainCount)
    }

    public func upperObjective(_ x: [Double], _ y: [Double]) -> Double {
        let d = xDimension
        var loss = 0.0
        for i in 0..<validationCount {
            var z = 0.0
            for j in 0..<d { z += validationA[i * d + j] * y[j] }
            loss += Logistic.logLoss(validationB[i] * z)
        }
        return loss / Double(validationCount)
    }

    public func lowerHessian(_ x: [Double], _ y: [Double]) throws(BilevelError) -> Matrix {
        let d = xDimension, n = trainCount
        var hm = Matrix(rows: d, cols: d)
        for i in 0..<n {
            var z = 0.0
            for j in 0..<d { z += trainA[i * d + j] * y[j] }
            let s = Logistic.sigmoid(z)
            let w = s * (1 - s) / Double(n)
            for c in 0..<d {
                let ac = w * trainA[i * d + c]
                for r in c..<d { hm.storage[r + c * d] += ac * trainA[i * d + r] }
            }
        }
        for c in 0..<d {
            for r in (c + 1)..<d { hm.storage[c + r * d] = hm.storage[r + c * d] }
            hm.storage[c + c * d] += exp(x[c])
        }
        return hm
    }

    public func lowerSolution(_ x: [Double]) throws(BilevelError) -> [Double] {
        try newtonLowerSolution(x, from: [Double](repeating: 0, count: yDimension))
    }
}

extension LogisticL2Problem: BilevelProblemType {
    public static let name = "logreg-l2"
    public static let summary = "per-feature L2 regularisation of logistic regression: x = log λ, y = weights, f = validation log-loss"
    public static let parameters: [Parameter] = []
    public static let defaultBudget = 300_000
    public static let defaultData: String? = "breast-cancer"
    public static let isFiniteSum = true
    /// Hypergradients in log λ are small (validation loss moves little per unit of log λ): x steps 10× the quadratic's.
    public static let upperStepScale = 10.0

    /// The instance on the split's training and validation parts (the stream is not needed: the data fix everything).
    public static func make(_ parameters: ParameterValues, data: ProblemData?, stream: RandomStream) throws(BilevelError) -> LogisticL2Problem {
        guard let data else { throw .invalidOption("logreg-l2 needs data") }
        return try LogisticL2Problem(train: data.split.train, validation: data.split.validation)
    }
}
