import Foundation
import LinearAlgebra

/// Forward, backward and Hessian-vector passes of a `MaskedNetwork` on one minibatch, with buffers reused across calls.
///
/// Loss: mean over the batch of the softmax cross-entropy of logits / T (T = 1 for training,
/// T = 200 for GraSP). The Hessian-vector product is exact: Pearlmutter's R-operator pushes a
/// direction forward through the same bilinear maps and back through the adjoint pass. ReLU
/// has zero second derivative almost everywhere, so it contributes only its 0/1 gate.
/// Not thread-safe: give each thread its own propagator.
public final class Propagator {
    private var batch = -1
    private var a: [Matrix] = [], z: [Matrix] = [], h: [Matrix] = []
    private var dz: [Matrix] = [], da: [Matrix] = [], dh: [Matrix] = []
    private var ra: [Matrix] = [], rz: [Matrix] = [], rh: [Matrix] = [], rdz: [Matrix] = [], rda: [Matrix] = [], tmp: [Matrix] = []
    private var probabilities = Matrix(rows: 0, cols: 0)
    private var workspaces: [LayerWorkspace] = []
    private var shapeKey: [Int] = []
    /// Which products the fully connected layers use; scores and Hessian products need `.dense` (their gradients are read off the mask).
    public var kernels: KernelChoice
    /// The CSR pattern of each layer that runs sparse (nil: gemm), for the masks of `patternToken`.
    private var patterns: [CSRPattern?] = []
    private var patternToken: MaskToken?
    private var patternChoice: KernelChoice?

    /// An empty propagator; buffers are sized on first use. With `.sparse` or `.automatic` the weight gradient is computed at kept positions only (zero elsewhere).
    public init(kernels: KernelChoice = .dense) {
        self.kernels = kernels
    }

    /// Rebuilds the CSR patterns when the masks or the choice changed, and gathers the current weights into them.
    private func preparePatterns(_ net: MaskedNetwork) {
        if kernels == .dense { return }
        if patternToken !== net.maskToken || patternChoice != kernels || patterns.count != net.layers.count {
            patternToken = net.maskToken
            patternChoice = kernels
            let densities = net.layerDensities
            patterns = net.layers.indices.map { l in
                net.layers[l] is DenseLayer && SparseKernels.selects(kernels, density: densities[l]) ? CSRPattern(mask: net.masks[l]) : nil
            }
        }
        for l in patterns.indices { patterns[l]?.gather(net.parameters.weights[l]) }
    }

    /// The CSR pattern layer `i` runs on in this pass, if any.
    private func pattern(_ i: Int) -> CSRPattern? { kernels == .dense ? nil : patterns[i] }

    private func prepare(_ net: MaskedNetwork, batch b: Int) {
        if b == batch && Self.sameShape(net, shapeKey) { return }
        batch = b
        shapeKey = net.layers.map(\.outputSize) + [net.inputSize]
        let L = net.layers.count
        func m(_ rows: Int) -> Matrix { Matrix(rows: rows, cols: b) }
        a = net.layers.map { m($0.inputSize) }
        z = net.layers.map { m($0.outputSize) }
        h = (0..<L).map { i in i < L - 1 && net.pools[i] != nil ? m(net.layers[i].outputSize) : Matrix(rows: 0, cols: 0) }
        dz = z; da = a; dh = h
        // The R-buffers are sized by the first Hessian-vector product: training never uses them.
        ra = []; rz = []; rh = []; rdz = []; rda = []; tmp = []
        probabilities = m(net.classCount)
        workspaces = net.layers.map { _ in LayerWorkspace() }
    }

    /// Whether `net`'s layer output sizes and input size equal `key` (checked every step without building an array).
    private static func sameShape(_ net: MaskedNetwork, _ key: [Int]) -> Bool {
        guard key.count == net.layers.count + 1, key[net.layers.count] == net.inputSize else { return false }
        for (i, layer) in net.layers.enumerated() where layer.outputSize != key[i] { return false }
        return true
    }

    /// Sizes the R-operator buffers for the current batch.
    private func prepareR() {
        guard ra.count != a.count else { return }
        ra = a; rz = z; rh = h; rdz = z; rda = a; tmp = z
    }

    /// Copies the columns `indices` of a features × samples matrix into the input buffer.
    private func loadInput(_ data: Matrix, columns indices: ArraySlice<Int>) {
        let d = data.rows
        a[0].storage.withUnsafeMutableBufferPointer { dst in
            data.storage.withUnsafeBufferPointer { src in
                for (k, j) in indices.enumerated() {
                    let from = src.baseAddress! + j * d, to = dst.baseAddress! + k * d
                    for i in 0..<d { to[i] = from[i] }
                }
            }
        }
    }

    @inline(__always)
    private static func gate(_ zv: Matrix, _ x: inout Matrix) {
        zv.storage.withUnsafeBufferPointer { zp in
            x.storage.withUnsafeMutableBufferPointer { xp in
                // Four lanes at a time by an explicit vector select: the scalar loop compiled to a branch per element,
                // 7% of a training step. Same values (0 where z ≤ 0; NaN pre-activations keep x).
                let n = xp.count
                var i = 0
                if let x = xp.baseAddress, let zb = zp.baseAddress {
                    let xr = UnsafeMutableRawPointer(x), zr = UnsafeRawPointer(zb)
                    while i + 4 <= n {
                        var v = xr.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                        let zv = zr.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                        v.replace(with: 0, where: zv .<= 0)
                        xr.storeBytes(of: v, toByteOffset: i * 8, as: SIMD4<Double>.self)
                        i += 4
                    }
                }
                while i < n {
                    if zp[i] <= 0 { xp[i] = 0 }
                    i += 1
                }
            }
        }
    }

    /// Runs the forward pass on the given sample columns of `data` (features × samples); returns the logits buffer's contents via `logits`.
    private func forward(_ net: MaskedNetwork, _ data: Matrix, _ cols: ArraySlice<Int>) throws {
        prepare(net, batch: cols.count)
        preparePatterns(net)
        loadInput(data, columns: cols)
        let L = net.layers.count
        for i in 0..<L {
            let layer = net.layers[i]
            if let p = pattern(i) {
                p.forward(input: a[i], into: &z[i])
            } else {
                try layer.forward(weights: net.parameters.weights[i], input: a[i], workspace: workspaces[i], into: &z[i])
            }
            layer.addBias(net.parameters.biases[i], to: &z[i])
            if i < L - 1 {
                if let pool = net.pools[i] {
                    relu(z[i], into: &h[i])
                    pool.forward(h[i], into: &a[i + 1])
                } else {
                    relu(z[i], into: &a[i + 1])
                    if net.residual[i] { addInPlace(a[i], to: &a[i + 1]) }
                }
            }
        }
    }

    private func relu(_ x: Matrix, into y: inout Matrix) {
        x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
                for i in yp.indices { yp[i] = xp[i] > 0 ? xp[i] : 0 }
            }
        }
    }

    /// Softmax of logits/T per column into `probabilities`; returns (summed loss, correct predictions).
    private func softmax(_ labels: [Int], _ cols: ArraySlice<Int>, temperature t: Double) -> (Double, Int) {
        let logits = z[z.count - 1]
        let k = logits.rows
        var loss = 0.0, correct = 0
        logits.storage.withUnsafeBufferPointer { zp in
            probabilities.storage.withUnsafeMutableBufferPointer { pp in
                for (b, j) in cols.enumerated() {
                    let base = b * k
                    var mx = -Double.infinity, arg = 0
                    for c in 0..<k where zp[base + c] > mx { mx = zp[base + c]; arg = c }
                    var s = 0.0
                    for c in 0..<k { let e = Foundation.exp((zp[base + c] - mx) / t); pp[base + c] = e; s += e }
                    for c in 0..<k { pp[base + c] /= s }
                    let y = labels[j]
                    loss += -((zp[base + y] - mx) / t - Foundation.log(s))
                    if arg == y { correct += 1 }
                }
            }
        }
        return (loss, correct)
    }

    /// Mean loss and number correct on the samples `cols` (no gradient).
    public func evaluate(_ net: MaskedNetwork, data: Matrix, labels: [Int], columns cols: ArraySlice<Int>, temperature: Double = 1) throws -> (loss: Double, correct: Int) {
        try forward(net, data, cols)
        let (l, c) = softmax(labels, cols, temperature: temperature)
        return (l / Double(cols.count), c)
    }

    /// The logits of the samples `cols`, classes × batch.
    public func logits(_ net: MaskedNetwork, data: Matrix, columns cols: ArraySlice<Int>) throws -> Matrix {
        try forward(net, data, cols)
        return z[z.count - 1]
    }

    /// Mean loss over the batch, number correct, and the gradient of the mean loss (dense: unmasked) written into `gradient`.
    @discardableResult
    public func lossAndGradient(_ net: MaskedNetwork, data: Matrix, labels: [Int], columns cols: ArraySlice<Int>,
                                temperature: Double = 1, into gradient: inout Parameters) throws -> (loss: Double, correct: Int) {
        try forward(net, data, cols)
        let (l, c) = softmax(labels, cols, temperature: temperature)
        seedOutputGradient(labels, cols, temperature: temperature)
        try backward(net, into: &gradient)
        return (l / Double(cols.count), c)
    }

    /// dL/dz_out = (p − onehot(y)) / (T·B).
    private func seedOutputGradient(_ labels: [Int], _ cols: ArraySlice<Int>, temperature t: Double) {
        let L = z.count, k = probabilities.rows
        let s = 1 / (t * Double(cols.count))
        probabilities.storage.withUnsafeBufferPointer { pp in
            dz[L - 1].storage.withUnsafeMutableBufferPointer { g in
                for (b, j) in cols.enumerated() {
                    for c in 0..<k { g[b * k + c] = pp[b * k + c] * s }
                    g[b * k + labels[j]] -= s
                }
            }
        }
    }

    private func backward(_ net: MaskedNetwork, into gradient: inout Parameters) throws {
        let L = net.layers.count
        for i in stride(from: L - 1, through: 0, by: -1) {
            let layer = net.layers[i]
            let p = pattern(i)
            if let p {
                p.weightGradient(outputGradient: dz[i], input: a[i], beta: 0, into: &gradient.weights[i])
            } else {
                // backward always follows the forward pass on the same inputs, so the layer's lowered input is still a[i].
                workspaces[i].loweredIsInput = true
                defer { workspaces[i].loweredIsInput = false }
                try layer.weightGradient(outputGradient: dz[i], input: a[i], workspace: workspaces[i], beta: 0, into: &gradient.weights[i])
            }
            layer.biasGradient(outputGradient: dz[i], beta: 0, into: &gradient.biases[i])
            if i > 0 {
                // A residual layer i already holds ∂L/∂a[i+1] in da[i] (the skip's share, copied at step i + 1): add to it.
                let skip = i < L - 1 && net.residual[i]
                if let p {
                    p.inputGradient(outputGradient: dz[i], beta: skip ? 1 : 0, into: &da[i])
                } else {
                    try layer.inputGradient(weights: net.parameters.weights[i], outputGradient: dz[i], workspace: workspaces[i], beta: skip ? 1 : 0, into: &da[i])
                }
                if let pool = net.pools[i - 1] {
                    pool.adjoint(da[i], into: &dz[i - 1])
                } else if net.residual[i - 1] {
                    // a[i] = a[i−1] + ReLU(z[i−1]): the gradient reaches a[i−1] through the skip unchanged.
                    copy(da[i], into: &dz[i - 1])
                    if i - 1 > 0 { copy(da[i], into: &da[i - 1]) }
                } else {
                    // Same shape without a pool: exchanging the two buffers replaces a copy (every element is overwritten next step).
                    swap(&da[i], &dz[i - 1])
                }
                Self.gate(z[i - 1], &dz[i - 1])
            }
        }
    }

    private func copy(_ x: Matrix, into y: inout Matrix) {
        y.storage.withUnsafeMutableBufferPointer { yp in x.storage.withUnsafeBufferPointer { xp in for i in yp.indices { yp[i] = xp[i] } } }
    }

    private func addInPlace(_ x: Matrix, to y: inout Matrix) {
        y.storage.withUnsafeMutableBufferPointer { yp in x.storage.withUnsafeBufferPointer { xp in for i in yp.indices { yp[i] += xp[i] } } }
    }

    /// The gradient g of the mean loss and the exact Hessian-vector product H·v, both with respect to all parameters.
    ///
    /// For the weights-only block H_ww·v_w (what GraSP uses) pass v with zero biases and read the weights.
    public func hessianVectorProduct(_ net: MaskedNetwork, data: Matrix, labels: [Int], columns cols: ArraySlice<Int>,
                                     temperature: Double = 1, direction v: Parameters,
                                     gradient: inout Parameters, product hv: inout Parameters) throws -> Double {
        try forward(net, data, cols)
        let (l, _) = softmax(labels, cols, temperature: temperature)
        seedOutputGradient(labels, cols, temperature: temperature)
        try backward(net, into: &gradient)
        prepareR()
        let L = net.layers.count
        // R-forward: R{z_i} = W_i ⊛ R{a_i} + V_i ⊛ a_i + v_b; R{a_0} = 0.
        for i in 0..<L {
            let layer = net.layers[i]
            try layer.forward(weights: v.weights[i], input: a[i], workspace: workspaces[i], into: &rz[i])
            if i > 0 {
                try layer.forward(weights: net.parameters.weights[i], input: ra[i], workspace: workspaces[i], into: &tmp[i])
                addInPlace(tmp[i], to: &rz[i])
            }
            layer.addBias(v.biases[i], to: &rz[i])
            if i < L - 1 {
                if let pool = net.pools[i] {
                    copy(rz[i], into: &rh[i]); Self.gate(z[i], &rh[i])
                    pool.forward(rh[i], into: &ra[i + 1])
                } else {
                    copy(rz[i], into: &ra[i + 1]); Self.gate(z[i], &ra[i + 1])
                    if net.residual[i] && i > 0 { addInPlace(ra[i], to: &ra[i + 1]) }
                }
            }
        }
        // R of the softmax-CE output gradient: (1/(T·B)) · (diag p − p pᵀ) R{z}/T, per column.
        let k = probabilities.rows, s = 1 / (temperature * temperature * Double(cols.count))
        probabilities.storage.withUnsafeBufferPointer { pp in
            rz[L - 1].storage.withUnsafeBufferPointer { r in
                rdz[L - 1].storage.withUnsafeMutableBufferPointer { out in
                    for b in 0..<cols.count {
                        let base = b * k
                        var pr = 0.0
                        for c in 0..<k { pr += pp[base + c] * r[base + c] }
                        for c in 0..<k { out[base + c] = s * pp[base + c] * (r[base + c] - pr) }
                    }
                }
            }
        }
        // R-backward through the adjoint pass.
        for i in stride(from: L - 1, through: 0, by: -1) {
            let layer = net.layers[i]
            try layer.weightGradient(outputGradient: rdz[i], input: a[i], workspace: workspaces[i], beta: 0, into: &hv.weights[i])
            if i > 0 {
                try layer.weightGradient(outputGradient: dz[i], input: ra[i], workspace: workspaces[i], beta: 1, into: &hv.weights[i])
            }
            layer.biasGradient(outputGradient: rdz[i], beta: 0, into: &hv.biases[i])
            if i > 0 {
                let skip = i < L - 1 && net.residual[i]
                try layer.inputGradient(weights: net.parameters.weights[i], outputGradient: rdz[i], workspace: workspaces[i], beta: skip ? 1 : 0, into: &rda[i])
                try layer.inputGradient(weights: v.weights[i], outputGradient: dz[i], workspace: workspaces[i], beta: 1, into: &rda[i])
                if let pool = net.pools[i - 1] {
                    pool.adjoint(rda[i], into: &rdz[i - 1])
                } else {
                    copy(rda[i], into: &rdz[i - 1])
                    if net.residual[i - 1] && i - 1 > 0 { copy(rda[i], into: &rda[i - 1]) }
                }
                Self.gate(z[i - 1], &rdz[i - 1])
            }
        }
        return l / Double(cols.count)
    }

    /// The pre-activations of every layer from the last forward pass (for ReLU-flip detection in finite-difference checks).
    public var preActivations: [Matrix] { z }

    /// Gradient of R = Σ outputs with respect to the weights for an all-ones single input, no biases, and every weight replaced by |w| (SynFlow's linearised network).
    ///
    /// Returns R; the gradient goes into `gradient`. With non-negative weights and input every
    /// ReLU is the identity on the path, so R = 1ᵀ |W_L| ⋯ |W_1| 1.
    public func synapticFlow(_ net: MaskedNetwork, into gradient: inout Parameters) throws -> Double {
        var lin = net
        for l in lin.parameters.weights.indices {
            lin.parameters.weights[l].storage.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] = abs(w[i]) } }
        }
        lin.parameters = lin.parameters.withoutBiases()
        let ones = Matrix(rows: net.inputSize, cols: 1, repeating: 1)
        try forward(lin, ones, [0])
        let L = z.count
        let r = z[L - 1].storage.reduce(0, +)
        for i in dz[L - 1].storage.indices { dz[L - 1].storage[i] = 1 }
        try backward(lin, into: &gradient)
        return r
    }
}
