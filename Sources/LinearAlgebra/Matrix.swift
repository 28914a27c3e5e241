/// A dense column-major matrix of doubles, the layout BLAS and LAPACK expect.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Entries in column-major order: element (i, j) is at `i + j * rows`.
    public var storage: [Double]

    /// A matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over existing column-major storage.
    public init(rows: Int, cols: Int, columnMajor: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, cols >= 0, columnMajor.count == rows * cols else {
            throw .dimensionMismatch("\(columnMajor.count) entries cannot form a \(rows)×\(cols) matrix")
        }
        self.rows = rows
        self.cols = cols
        self.storage = columnMajor
    }

    /// A matrix from rows given as arrays of equal length.
    public init(rowArrays: [[Double]]) throws(LinearAlgebraError) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        var s = [Double](repeating: 0, count: r * c)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == c else {
                throw .dimensionMismatch("row \(i) has \(row.count) entries, expected \(c)")
            }
            for j in 0..<c { s[i + j * r] = row[j] }
        }
        self.rows = r
        self.cols = c
        self.storage = s
    }

    /// A matrix whose entry (i, j) is `f(i, j)`.
    public init(rows: Int, cols: Int, _ f: (Int, Int) -> Double) {
        self.init(rows: rows, cols: cols)
        for j in 0..<cols { for i in 0..<rows { storage[i + j * rows] = f(i, j) } }
    }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    /// A square diagonal matrix.
    public static func diagonal(_ d: [Double]) -> Matrix {
        var m = Matrix(rows: d.count, cols: d.count)
        for i in d.indices { m.storage[i + i * d.count] = d[i] }
        return m
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Whether the matrix is square.
    public var isSquare: Bool { rows == cols }

    /// Column j as an array.
    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Double] {
        (0..<cols).map { storage[i + $0 * rows] }
    }

    /// The diagonal entries.
    public var diagonalEntries: [Double] { (0..<Swift.min(rows, cols)).map { self[$0, $0] } }

    /// The transpose (a copy).
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for j in 0..<cols { for i in 0..<rows { t.storage[j + i * cols] = storage[i + j * rows] } }
        return t
    }

    /// The sub-matrix of the given columns, in order.
    public func columns(_ indices: [Int]) -> Matrix {
        var m = Matrix(rows: rows, cols: indices.count)
        for (k, j) in indices.enumerated() {
            m.storage.replaceSubrange((k * rows)..<((k + 1) * rows), with: storage[(j * rows)..<((j + 1) * rows)])
        }
        return m
    }

    /// The sub-matrix of the given rows, in order.
    public func rows(_ indices: [Int]) -> Matrix {
        var m = Matrix(rows: indices.count, cols: cols)
        for j in 0..<cols { for (k, i) in indices.enumerated() { m.storage[k + j * indices.count] = storage[i + j * rows] } }
        return m
    }

    /// Whether every entry is finite.
    public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

    /// Frobenius norm.
    public var frobeniusNorm: Double { nrm2(storage) }

    public var description: String {
        (0..<rows).map { i in (0..<cols).map { j in String(self[i, j]) }.joined(separator: " ") }.joined(separator: "\n")
    }
}
