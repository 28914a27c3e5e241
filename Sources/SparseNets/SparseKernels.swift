import LinearAlgebra

/// Which products a propagator uses for fully connected layers.
public enum KernelChoice: Sendable, Equatable {
    /// gemm on the masked weights, whatever the density (every product before #12, and what scores need).
    case dense
    /// CSR products for every fully connected layer, whatever the density (for tests and the benchmark).
    case sparse
    /// CSR products for fully connected layers whose density is below `SparseKernels.densityThreshold`.
    case automatic
}

/// The sparse × dense products of a masked fully connected layer, and the rule that selects them.
public enum SparseKernels {
    /// Below this kept fraction a fully connected layer's training step runs on CSR instead of gemm.
    ///
    /// Set from `make bench` (SparseNetsBench, "masked-dense vs CSR per training step", MLP
    /// 64-256-256-10 on the digits, one BLAS thread, on this 2-core machine): dense/CSR time per
    /// step was 1.14 (batch 32) and 1.17 (batch 64) at 5% density, 0.76 and 0.76 at 10%, so the
    /// crossover lies between 5% and 10%; the threshold sits midway.
    public static let densityThreshold = 0.075

    /// Whether `choice` runs a layer of kept fraction `density` on CSR.
    static func selects(_ choice: KernelChoice, density: Double) -> Bool {
        switch choice {
        case .dense: return false
        case .sparse: return true
        case .automatic: return density < densityThreshold
        }
    }
}

/// Shared identity of one set of masks: a propagator rebuilds its CSR patterns only when this changes.
public final class MaskToken: Sendable {
    init() {}
}

/// The kept positions of an out × in mask in compressed sparse row order, with value buffers reused across steps.
///
/// Built once per mask (pruning fixes it; RigL and SET change it every ΔT steps); the weights'
/// values are gathered into `values` at each forward pass, so the products read contiguous memory.
public final class CSRPattern {
    /// Rows (output units) and columns (input units).
    public let rows: Int, cols: Int
    /// Row i's kept entries are rowStart[i] ..< rowStart[i + 1].
    public let rowStart: [Int]
    /// Column of each kept entry.
    public let column: [Int]
    /// Column-major offset of each kept entry in the weight (and mask) storage.
    public let position: [Int]
    /// Weight values in CSR order (refreshed by `gather`).
    var values: [Double]
    /// Weight-gradient accumulator in CSR order.
    var gradient: [Double]

    /// The pattern of a 0/1 `mask` (rows × cols, column-major).
    public init(mask: Matrix) {
        let rows = mask.rows, cols = mask.cols
        self.rows = rows
        self.cols = cols
        var start = [Int](repeating: 0, count: rows + 1)
        var col = [Int](), pos = [Int]()
        mask.storage.withUnsafeBufferPointer { m in
            for i in 0..<rows { for j in 0..<cols where m[i + j * rows] != 0 { start[i + 1] += 1 } }
            for i in 0..<rows { start[i + 1] += start[i] }
            col.reserveCapacity(start[rows]); pos.reserveCapacity(start[rows])
            for i in 0..<rows { for j in 0..<cols where m[i + j * rows] != 0 { col.append(j); pos.append(i + j * rows) } }
        }
        rowStart = start
        column = col
        position = pos
        values = [Double](repeating: 0, count: col.count)
        gradient = values
    }

    /// Kept entries.
    public var nonZeros: Int { column.count }

    /// Copies the kept weights into CSR order.
    public func gather(_ weights: Matrix) {
        weights.storage.withUnsafeBufferPointer { w in
            position.withUnsafeBufferPointer { p in
                values.withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] = w[p[k]] } }
            }
        }
    }

    /// z ← W x for a batch (x: cols × B, z: rows × B), W the gathered values.
    public func forward(input x: Matrix, into z: inout Matrix) {
        let r = rows, c = cols, batch = x.cols
        rowStart.withUnsafeBufferPointer { rs in column.withUnsafeBufferPointer { cj in values.withUnsafeBufferPointer { v in
            x.storage.withUnsafeBufferPointer { xp in z.storage.withUnsafeMutableBufferPointer { zp in
                // Each sample's columns by pointer: an overflow-checked index sum per kept entry was a third of the loop.
                for b in 0..<batch {
                    let xb = xp.baseAddress! + b * c, zb = zp.baseAddress! + b * r
                    for i in 0..<r {
                        var s = 0.0
                        for k in rs[i]..<rs[i + 1] { s += v[k] * xb[cj[k]] }
                        zb[i] = s
                    }
                }
            } }
        } } }
    }

    /// da ← β·da + Wᵀ dz for a batch (dz: rows × B, da: cols × B).
    public func inputGradient(outputGradient dz: Matrix, beta: Double, into da: inout Matrix) {
        let r = rows, c = cols, batch = dz.cols
        rowStart.withUnsafeBufferPointer { rs in column.withUnsafeBufferPointer { cj in values.withUnsafeBufferPointer { v in
            dz.storage.withUnsafeBufferPointer { g in da.storage.withUnsafeMutableBufferPointer { out in
                for b in 0..<batch {
                    let ab = out.baseAddress! + b * c, gb = g.baseAddress! + b * r
                    if beta == 0 { for j in 0..<c { ab[j] = 0 } } else { for j in 0..<c { ab[j] *= beta } }
                    for i in 0..<r {
                        let gi = gb[i]
                        for k in rs[i]..<rs[i + 1] { ab[cj[k]] += v[k] * gi }
                    }
                }
            } }
        } } }
    }

    /// dw ← β·dw + (dz xᵀ) at the kept positions only; positions outside the mask get β·dw (0 when β = 0).
    public func weightGradient(outputGradient dz: Matrix, input x: Matrix, beta: Double, into dw: inout Matrix) {
        let r = rows, c = cols, batch = x.cols
        rowStart.withUnsafeBufferPointer { rs in column.withUnsafeBufferPointer { cj in gradient.withUnsafeMutableBufferPointer { acc in
            x.storage.withUnsafeBufferPointer { xp in dz.storage.withUnsafeBufferPointer { g in
                for k in acc.indices { acc[k] = 0 }
                for b in 0..<batch {
                    let xb = xp.baseAddress! + b * c, gb = g.baseAddress! + b * r
                    for i in 0..<r {
                        let gi = gb[i]
                        for k in rs[i]..<rs[i + 1] { acc[k] += gi * xb[cj[k]] }
                    }
                }
            } }
        } } }
        gradient.withUnsafeBufferPointer { acc in position.withUnsafeBufferPointer { p in
            dw.storage.withUnsafeMutableBufferPointer { w in
                if beta == 0 { w.update(repeating: 0) } else { for i in w.indices { w[i] *= beta } }
                for k in acc.indices { w[p[k]] += acc[k] }
            }
        } }
    }
}
