import Foundation
import LinearAlgebra
import Randomness

/// One named block of `BiGRUClassifier.parameters`: a column-major matrix (or a bias vector, `cols` = 1).
public struct BiGRUBlock: Sendable, Equatable {
    /// "forward.inputWeights", "backward.hiddenBias", "output.weights", …
    public let name: String
    /// Where the block lies in the flat parameter (and mask, and gradient) vector.
    public let range: Range<Int>
    /// Rows of the block's matrix (entry (i, j) is at `range.lowerBound + i + j·rows`).
    public let rows: Int
    /// Columns of the block's matrix (1 for a bias).
    public let cols: Int
    /// Whether the block holds weights (maskable) rather than biases (mask always 1).
    public let isWeight: Bool
}

/// A single-layer bidirectional GRU read out by a linear layer, the reference MNIST-1D recurrent model.
///
/// Each direction follows PyTorch's `nn.GRU` exactly (gate order r, z, n; h₀ = 0):
///   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
/// The forward direction reads steps 0…L−1, the backward one L−1…0; the outputs at step t are concatenated as
/// [h_fwd(t), h_bwd(t)] and the L steps flattened (2·H·L features, step-major) into Linear(2·H·L, classes).
///
/// A sample is one column of `length · inputFeatures` values, step-major (step t's features at t·F ..< (t+1)·F).
///
/// Flat layout of `parameters` (all matrices column-major), in this order:
///   for direction d in (forward, backward):
///     inputWeights  W_ih: 3H × F   (rows 0..<H gate r, H..<2H gate z, 2H..<3H gate n — PyTorch's weight_ih_l0)
///     hiddenWeights W_hh: 3H × H   (same row order — weight_hh_l0)
///     inputBias     b_ih: 3H
///     hiddenBias    b_hh: 3H
///   output.weights W: C × 2HL (column t·2H + d·H + i reads unit i of direction d at step t)
///   output.bias    b: C
/// `blocks` lists every block with its range; the effective weights are `parameters ⊙ mask`.
public struct BiGRUClassifier: Sendable {
    /// Time steps per sample.
    public let length: Int
    /// Hidden units per direction.
    public let hidden: Int
    /// Features per time step.
    public let inputFeatures: Int
    /// Output classes.
    public let classes: Int
    /// All weights and biases, laid out as `blocks` says.
    public var parameters: [Double]
    /// 0/1 per parameter: weights with mask 0 act as 0 and get gradient 0; biases are always 1.
    public var mask: [Double]
    /// The named blocks of `parameters`, in storage order (see the type's documentation).
    public let blocks: [BiGRUBlock]

    /// A network with PyTorch's default initialisation: every GRU weight and bias U(−1/√H, 1/√H); the linear
    /// layer's weights and biases U(−1/√fan_in, 1/√fan_in) with fan_in = 2·H·L. Every mask entry is 1.
    public init(length: Int, hidden: Int, inputFeatures: Int = 1, classes: Int, stream: RandomStream) throws {
        guard length >= 1, hidden >= 1, inputFeatures >= 1, classes >= 2 else {
            throw SparseNetsError("BiGRU: length \(length), hidden \(hidden), input features \(inputFeatures) must be ≥ 1 and classes \(classes) ≥ 2")
        }
        self.length = length
        self.hidden = hidden
        self.inputFeatures = inputFeatures
        self.classes = classes
        let g = 3 * hidden
        var blocks: [BiGRUBlock] = []
        var at = 0
        func add(_ name: String, _ rows: Int, _ cols: Int, _ isWeight: Bool) {
            blocks.append(BiGRUBlock(name: name, range: at..<(at + rows * cols), rows: rows, cols: cols, isWeight: isWeight))
            at += rows * cols
        }
        for d in ["forward", "backward"] {
            add("\(d).inputWeights", g, inputFeatures, true)
            add("\(d).hiddenWeights", g, hidden, true)
            add("\(d).inputBias", g, 1, false)
            add("\(d).hiddenBias", g, 1, false)
        }
        add("output.weights", classes, 2 * hidden * length, true)
        add("output.bias", classes, 1, false)
        self.blocks = blocks
        var p = [Double](repeating: 0, count: at)
        let kGRU = 1 / Double(hidden).squareRoot(), kOut = 1 / Double(2 * hidden * length).squareRoot()
        for block in blocks {
            let k = block.name.hasPrefix("output") ? kOut : kGRU
            for i in block.range { p[i] = stream.uniform(-k, k) }
        }
        parameters = p
        mask = [Double](repeating: 1, count: at)
    }

    /// The block called `name` (see `blocks`); nil for an unknown name.
    public func block(_ name: String) -> BiGRUBlock? { blocks.first { $0.name == name } }

    /// The range of direction `direction`'s (0 forward, 1 backward) input weights W_ih (3H × F).
    public func inputWeightsRange(direction: Int) -> Range<Int> { blocks[4 * direction].range }
    /// The range of direction `direction`'s hidden weights W_hh (3H × H).
    public func hiddenWeightsRange(direction: Int) -> Range<Int> { blocks[4 * direction + 1].range }
    /// The range of direction `direction`'s input bias b_ih (3H).
    public func inputBiasRange(direction: Int) -> Range<Int> { blocks[4 * direction + 2].range }
    /// The range of direction `direction`'s hidden bias b_hh (3H).
    public func hiddenBiasRange(direction: Int) -> Range<Int> { blocks[4 * direction + 3].range }
    /// The range of the linear read-out's weights (C × 2HL).
    public var outputWeightsRange: Range<Int> { blocks[8].range }
    /// The range of the linear read-out's bias (C).
    public var outputBiasRange: Range<Int> { blocks[9].range }

    /// Features per sample: `length · inputFeatures`.
    public var inputSize: Int { length * inputFeatures }
    /// Number of parameters (weights and biases).
    public var parameterCount: Int { parameters.count }

    /// Class scores (classes × batch) for inputs of `length · inputFeatures` rows, one column per sample.
    public func logits(inputs: Matrix, workspace: BiGRUWorkspace? = nil) throws -> Matrix {
        try validate(inputs: inputs, labels: nil)
        let pass = workspace ?? BiGRUWorkspace()
        try pass.forward(self, inputs: inputs)
        return pass.logits
    }

    /// The fraction of samples whose largest logit is their label (ties go to the lower class).
    public func accuracy(inputs: Matrix, labels: [Int], workspace: BiGRUWorkspace? = nil) throws -> Double {
        try validate(inputs: inputs, labels: labels)
        let z = try logits(inputs: inputs, workspace: workspace)
        var correct = 0
        for b in 0..<z.cols {
            var best = 0
            for c in 1..<classes where z[c, b] > z[best, b] { best = c }
            if best == labels[b] { correct += 1 }
        }
        return Double(correct) / Double(z.cols)
    }

    /// Mean cross-entropy over the batch; `gradient` (resized to the parameter count if needed) receives its
    /// gradient with respect to `parameters` by backpropagation through time, masked entries exactly 0.
    /// A `workspace` reused across calls keeps the per-step buffers allocated (one per thread).
    public func lossAndGradient(inputs: Matrix, labels: [Int], gradient: inout [Double], workspace: BiGRUWorkspace? = nil) throws -> Double {
        try validate(inputs: inputs, labels: labels)
        if gradient.count != parameters.count { gradient = [Double](repeating: 0, count: parameters.count) }
        let pass = workspace ?? BiGRUWorkspace()
        try pass.forward(self, inputs: inputs)
        let loss = pass.crossEntropy(labels: labels)
        guard loss.isFinite else { throw SparseNetsError("BiGRU: the loss is not finite (\(loss)); the parameters diverged") }
        try pass.backward(self, gradient: &gradient)
        for i in gradient.indices { gradient[i] *= mask[i] }
        return loss
    }

    func validate(inputs: Matrix, labels: [Int]?) throws {
        guard inputs.rows == inputSize else {
            throw SparseNetsError("BiGRU: inputs have \(inputs.rows) rows, expected length \(length) × features \(inputFeatures) = \(inputSize)")
        }
        guard inputs.cols >= 1 else { throw SparseNetsError("BiGRU: the batch is empty") }
        if let labels {
            guard labels.count == inputs.cols else {
                throw SparseNetsError("BiGRU: \(labels.count) labels for a batch of \(inputs.cols)")
            }
            if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
                throw SparseNetsError("BiGRU: label \(bad) outside 0..<\(classes)")
            }
        }
        guard parameters.count == mask.count, parameters.count == blocks.last!.range.upperBound else {
            throw SparseNetsError("BiGRU: \(parameters.count) parameters and \(mask.count) mask entries, expected \(blocks.last!.range.upperBound) each")
        }
        for block in blocks {
            for i in block.range where mask[i] != 1 && (block.isWeight ? mask[i] != 0 : true) {
                throw SparseNetsError("BiGRU: mask entry \(i) (\(block.name)) is \(mask[i]); weights take 0 or 1, biases 1")
            }
        }
        if let i = parameters.firstIndex(where: { !$0.isFinite }) { throw SparseNetsError("BiGRU: parameter \(i) is not finite") }
        if let i = inputs.storage.firstIndex(where: { !$0.isFinite }) { throw SparseNetsError("BiGRU: input entry \(i) is not finite") }
    }
}

/// Scratch buffers of `BiGRUClassifier` for one batch size, reused across calls (never shared between threads).
///
/// Per direction, "step-block" buffers hold processing step s of sample b in column s·B + b; the input
/// projections are indexed by time, column t·B + b, so one gemm covers all steps and each step reads one
/// contiguous block (the inputs are copied to that order once per call). Every buffer is
/// overwritten in full by each pass, so reuse needs no clearing.
public final class BiGRUWorkspace {
    var L = 0, H = 0, F = 0, C = 0, B = 0
    /// The inputs as F × (L·B) in time-major order, column t·B + b.
    var x = Matrix(rows: 0, cols: 0)
    /// Effective (masked) weights per direction, and the read-out's.
    var wih: [Matrix] = [], whh: [Matrix] = []
    var wOut = Matrix(rows: 0, cols: 0)
    /// Per direction: W_ih x for every step (3H × L·B, column t·B + b).
    var gi: [Matrix] = []
    /// Per direction, step blocks: the state before the step (H), the gates r, z, n (3H), and W_hn h + b_hn (H).
    var hPrev: [Matrix] = [], gates: [Matrix] = [], hn: [Matrix] = []
    /// The flattened outputs (2HL × B) and the logits (C × B); softmax − one-hot after `crossEntropy`.
    var z = Matrix(rows: 0, cols: 0)
    var logits = Matrix(rows: 0, cols: 0)
    var probabilities = Matrix(rows: 0, cols: 0)
    /// Per-step state and its gradient (H × B), hidden projections and their gradient (3H × B).
    var h = Matrix(rows: 0, cols: 0), gh = Matrix(rows: 0, cols: 0), dh = Matrix(rows: 0, cols: 0), dgh = Matrix(rows: 0, cols: 0)
    /// Backward: pre-activation gradients per direction (input side column t·B + b, hidden side step blocks), dz.
    var dgi: [Matrix] = [], dghAll: [Matrix] = []
    var dz = Matrix(rows: 0, cols: 0)

    /// Empty buffers, sized on first use.
    public init() {}

    /// Sizes every buffer for this network and batch (allocating only when a shape changed).
    func prepare(_ net: BiGRUClassifier, batch: Int) {
        guard (L, H, F, C, B) != (net.length, net.hidden, net.inputFeatures, net.classes, batch) else { return }
        (L, H, F, C, B) = (net.length, net.hidden, net.inputFeatures, net.classes, batch)
        let g = 3 * H, steps = L * B
        gi = (0..<2).map { _ in Matrix(rows: g, cols: steps) }
        hPrev = (0..<2).map { _ in Matrix(rows: H, cols: steps) }
        gates = (0..<2).map { _ in Matrix(rows: g, cols: steps) }
        hn = (0..<2).map { _ in Matrix(rows: H, cols: steps) }
        dgi = (0..<2).map { _ in Matrix(rows: g, cols: steps) }
        dghAll = (0..<2).map { _ in Matrix(rows: g, cols: steps) }
        x = Matrix(rows: F, cols: steps)
        z = Matrix(rows: 2 * H * L, cols: B)
        dz = Matrix(rows: 2 * H * L, cols: B)
        logits = Matrix(rows: C, cols: B)
        probabilities = Matrix(rows: C, cols: B)
        h = Matrix(rows: H, cols: B); dh = Matrix(rows: H, cols: B)
        gh = Matrix(rows: g, cols: B); dgh = Matrix(rows: g, cols: B)
    }

    func forward(_ net: BiGRUClassifier, inputs: Matrix) throws {
        prepare(net, batch: inputs.cols)
        let g = 3 * H
        let (LF, FF, BB) = (L * F, F, B)
        inputs.storage.withUnsafeBufferPointer { src in
            x.storage.withUnsafeMutableBufferPointer { dst in
                for b in 0..<BB {
                    for t in 0..<(LF / FF) {
                        for f in 0..<FF { dst[(t * BB + b) * FF + f] = src[b * LF + t * FF + f] }
                    }
                }
            }
        }
        let p = net.parameters, m = net.mask
        func effective(_ r: Range<Int>, _ rows: Int, _ cols: Int) throws -> Matrix {
            try Matrix(rows: rows, cols: cols, columnMajor: r.map { p[$0] * m[$0] })
        }
        wih = []; whh = []
        for d in 0..<2 {
            wih.append(try effective(net.inputWeightsRange(direction: d), g, F))
            whh.append(try effective(net.hiddenWeightsRange(direction: d), g, H))
        }
        wOut = try effective(net.outputWeightsRange, C, 2 * H * L)

        for d in 0..<2 {
            try gemm(wih[d], x, into: &gi[d])
            let bih = Array(p[net.inputBiasRange(direction: d)]), bhh = Array(p[net.hiddenBiasRange(direction: d)])
            for i in h.storage.indices { h.storage[i] = 0 }
            for s in 0..<L {
                let t = d == 0 ? s : L - 1 - s
                try gemm(whh[d], h, into: &gh)
                let (HH, BB, zRows) = (H, B, 2 * H * L)
                gi[d].storage.withUnsafeBufferPointer { giP in
                    gh.storage.withUnsafeBufferPointer { ghP in
                        h.storage.withUnsafeMutableBufferPointer { hP in
                            hPrev[d].storage.withUnsafeMutableBufferPointer { hpP in
                                gates[d].storage.withUnsafeMutableBufferPointer { gaP in
                                    hn[d].storage.withUnsafeMutableBufferPointer { hnP in
                                        z.storage.withUnsafeMutableBufferPointer { zP in
                                            for b in 0..<BB {
                                                let giCol = giP.baseAddress! + (t * BB + b) * g, ghCol = ghP.baseAddress! + b * g
                                                let hCol = hP.baseAddress! + b * HH
                                                let col = s * BB + b
                                                let hpCol = hpP.baseAddress! + col * HH, gaCol = gaP.baseAddress! + col * g
                                                let hnCol = hnP.baseAddress! + col * HH
                                                let zCol = zP.baseAddress! + (b * zRows + t * 2 * HH + d * HH)
                                                for i in 0..<HH {
                                                    let r = 1 / (1 + exp(-(giCol[i] + bih[i] + ghCol[i] + bhh[i])))
                                                    let u = 1 / (1 + exp(-(giCol[HH + i] + bih[HH + i] + ghCol[HH + i] + bhh[HH + i])))
                                                    let hnv = ghCol[2 * HH + i] + bhh[2 * HH + i]
                                                    let n = 2 / (1 + exp(-2 * (giCol[2 * HH + i] + bih[2 * HH + i] + r * hnv))) - 1   // tanh by one exp, cheaper than libm's tanh
                                                    let old = hCol[i]
                                                    hpCol[i] = old
                                                    gaCol[i] = r; gaCol[HH + i] = u; gaCol[2 * HH + i] = n
                                                    hnCol[i] = hnv
                                                    let new = (1 - u) * n + u * old
                                                    hCol[i] = new
                                                    zCol[i] = new
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try gemm(wOut, z, into: &logits)
        let bOut = Array(p[net.outputBiasRange])
        for b in 0..<B { for c in 0..<C { logits.storage[c + b * C] += bOut[c] } }
    }

    /// Mean cross-entropy of `labels`; leaves the softmax probabilities in `probabilities`.
    func crossEntropy(labels: [Int]) -> Double {
        var total = 0.0
        for b in 0..<B {
            let base = b * C
            var top = -Double.infinity
            for c in 0..<C { top = max(top, logits.storage[base + c]) }
            var sum = 0.0
            for c in 0..<C {
                let e = exp(logits.storage[base + c] - top)
                probabilities.storage[base + c] = e
                sum += e
            }
            for c in 0..<C { probabilities.storage[base + c] /= sum }
            total += log(sum) + top - logits.storage[base + labels[b]]
            probabilities.storage[base + labels[b]] -= 1   // now softmax − onehot
        }
        return total / Double(B)
    }

    /// Writes ∂(mean loss)/∂parameters (unmasked) into `gradient`; call after `crossEntropy`.
    func backward(_ net: BiGRUClassifier, gradient: inout [Double]) throws {
        let g = 3 * H
        scal(1 / Double(B), &probabilities.storage)
        let dLogits = probabilities
        // Read-out: dW = dLogits zᵀ, db = Σ_b dLogits, dz = Wᵀ dLogits.
        var dW = Matrix(rows: C, cols: 2 * H * L)
        try gemm(dLogits, z, transposeB: .transpose, into: &dW)
        gradient.replaceSubrange(net.outputWeightsRange, with: dW.storage)
        let ob = net.outputBiasRange.lowerBound
        for c in 0..<C {
            var s = 0.0
            for b in 0..<B { s += dLogits.storage[c + b * C] }
            gradient[ob + c] = s
        }
        try gemm(wOut, dLogits, transposeA: .transpose, into: &dz)

        for d in 0..<2 {
            // Pre-activation gradients: input side (column t·B + b, like gi) and hidden side (step blocks).
            for i in dh.storage.indices { dh.storage[i] = 0 }
            for s in stride(from: L - 1, through: 0, by: -1) {
                let t = d == 0 ? s : L - 1 - s
                let (HH, BB, zRows) = (H, B, 2 * H * L)
                dz.storage.withUnsafeBufferPointer { dzP in
                    dh.storage.withUnsafeMutableBufferPointer { dhP in
                        hPrev[d].storage.withUnsafeBufferPointer { hpP in
                            gates[d].storage.withUnsafeBufferPointer { gaP in
                                hn[d].storage.withUnsafeBufferPointer { hnP in
                                    dgi[d].storage.withUnsafeMutableBufferPointer { dgiP in
                                        dghAll[d].storage.withUnsafeMutableBufferPointer { dghAllP in
                                            dgh.storage.withUnsafeMutableBufferPointer { dghP in
                                                for b in 0..<BB {
                                                    let col = s * BB + b
                                                    let dhCol = dhP.baseAddress! + b * HH
                                                    let dzCol = dzP.baseAddress! + (b * zRows + t * 2 * HH + d * HH)
                                                    let hpCol = hpP.baseAddress! + col * HH, gaCol = gaP.baseAddress! + col * g
                                                    let hnCol = hnP.baseAddress! + col * HH
                                                    let dgiCol = dgiP.baseAddress! + (t * BB + b) * g
                                                    let dghCol = dghP.baseAddress! + b * g, dghKeep = dghAllP.baseAddress! + col * g
                                                    for i in 0..<HH {
                                                        let dOut = dhCol[i] + dzCol[i]
                                                        let r = gaCol[i], u = gaCol[HH + i], n = gaCol[2 * HH + i]
                                                        let dnPre = dOut * (1 - u) * (1 - n * n)
                                                        let duPre = dOut * (hpCol[i] - n) * u * (1 - u)
                                                        let drPre = dnPre * hnCol[i] * r * (1 - r)
                                                        dgiCol[i] = drPre; dgiCol[HH + i] = duPre; dgiCol[2 * HH + i] = dnPre
                                                        dghCol[i] = drPre; dghCol[HH + i] = duPre; dghCol[2 * HH + i] = dnPre * r
                                                        dghKeep[i] = drPre; dghKeep[HH + i] = duPre; dghKeep[2 * HH + i] = dnPre * r
                                                        dhCol[i] = dOut * u   // the direct path h → h'; W_hhᵀ dgh is added below
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                try gemm(whh[d], dgh, transposeA: .transpose, beta: 1, into: &dh)
            }
            // Weight gradients summed over all steps in one gemm each.
            var dWih = Matrix(rows: g, cols: F), dWhh = Matrix(rows: g, cols: H)
            try gemm(dgi[d], x, transposeB: .transpose, into: &dWih)
            try gemm(dghAll[d], hPrev[d], transposeB: .transpose, into: &dWhh)
            gradient.replaceSubrange(net.inputWeightsRange(direction: d), with: dWih.storage)
            gradient.replaceSubrange(net.hiddenWeightsRange(direction: d), with: dWhh.storage)
            let ib = net.inputBiasRange(direction: d).lowerBound, hb = net.hiddenBiasRange(direction: d).lowerBound
            let steps = L * B
            gradient.withUnsafeMutableBufferPointer { gp in
                dgi[d].storage.withUnsafeBufferPointer { a in
                    dghAll[d].storage.withUnsafeBufferPointer { c in
                        let gi = gp.baseAddress! + ib, gh = gp.baseAddress! + hb
                        for j in 0..<g { gi[j] = 0; gh[j] = 0 }
                        for col in 0..<steps {
                            let ac = a.baseAddress! + col * g, cc = c.baseAddress! + col * g
                            for j in 0..<g { gi[j] += ac[j]; gh[j] += cc[j] }
                        }
                    }
                }
            }
        }
    }
}
