/// A dense, row-major matrix of Doubles.
///
/// Element (i, j) is `elements[i * columns + j]`. A batch of samples is a
/// matrix with one sample per row; a layer's weights W are `units × inputs`,
/// row j holding w_jk, the weight from neuron k below into neuron j.
///
/// The products backprop needs (A·B, Aᵀ·B, A·Bᵀ) write into a preallocated
/// output, so a training step allocates nothing.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// The elements, row by row.
    public var elements: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative, got \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A `rows × columns` matrix over the given row-major elements.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(elements.count == rows * columns,
                     "Matrix \(rows)×\(columns) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from a list of equally long rows.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "Matrix rows must all have \(columns) elements")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Double] {
        Array(elements[i * columns ..< (i + 1) * columns])
    }

    /// The rows as arrays.
    public var rowArrays: [[Double]] {
        (0 ..< rows).map(row)
    }

    /// The transpose, as a new matrix.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0 ..< rows {
            for j in 0 ..< columns {
                result[j, i] = self[i, j]
            }
        }
        return result
    }

    /// The Frobenius norm √(Σᵢⱼ aᵢⱼ²).
    public var frobeniusNorm: Double {
        var sum = 0.0
        for x in elements { sum += x * x }
        return sum.squareRoot()
    }

    /// Sets every element to `value`, keeping the storage.
    public mutating func fill(_ value: Double) {
        elements.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = value }
        }
    }

    /// Changes the number of rows, keeping `columns` and the first rows' elements.
    /// Used to reuse one buffer for a shorter last batch without allocating
    /// (the storage only shrinks or regrows within its capacity).
    public mutating func resizeRows(to newRows: Int) {
        precondition(newRows >= 0, "Matrix rows must be non-negative, got \(newRows)")
        let count = newRows * columns
        if count < elements.count {
            elements.removeLast(elements.count - count)
        } else if count > elements.count {
            elements.append(contentsOf: repeatElement(0, count: count - elements.count))
        }
        rows = newRows
    }

    public var description: String {
        "[" + rowArrays.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
    }
}

// MARK: - Products

extension Matrix {
    /// C = A·B, with A `m×k`, B `k×n` and C `m×n`; C's previous contents are overwritten.
    public static func multiply(_ a: Matrix, _ b: Matrix, into c: inout Matrix) {
        precondition(a.columns == b.rows && c.rows == a.rows && c.columns == b.columns,
                     "A·B needs A m×k, B k×n, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let m = a.rows, k = a.columns, n = b.columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    for i in 0 ..< m {
                        let ci = i * n
                        for j in 0 ..< n { pc[ci + j] = 0 }
                        for p in 0 ..< k {
                            let aip = pa[i * k + p]
                            let bp = p * n
                            for j in 0 ..< n { pc[ci + j] += aip * pb[bp + j] }
                        }
                    }
                }
            }
        }
    }

    /// C = Aᵀ·B, with A `k×m`, B `k×n` and C `m×n`; C's previous contents are overwritten.
    public static func multiply(transposing a: Matrix, _ b: Matrix, into c: inout Matrix) {
        precondition(a.rows == b.rows && c.rows == a.columns && c.columns == b.columns,
                     "Aᵀ·B needs A k×m, B k×n, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let k = a.rows, m = a.columns, n = b.columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    for index in 0 ..< m * n { pc[index] = 0 }
                    for p in 0 ..< k {
                        let bp = p * n
                        for i in 0 ..< m {
                            let api = pa[p * m + i]
                            let ci = i * n
                            for j in 0 ..< n { pc[ci + j] += api * pb[bp + j] }
                        }
                    }
                }
            }
        }
    }

    /// C = A·Bᵀ, with A `m×k`, B `n×k` and C `m×n`; C's previous contents are overwritten.
    public static func multiply(_ a: Matrix, transposing b: Matrix, into c: inout Matrix) {
        precondition(a.columns == b.columns && c.rows == a.rows && c.columns == b.rows,
                     "A·Bᵀ needs A m×k, B n×k, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let m = a.rows, k = a.columns, n = b.rows
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    for i in 0 ..< m {
                        let ai = i * k
                        for j in 0 ..< n {
                            let bj = j * k
                            var sum = 0.0
                            for p in 0 ..< k { sum += pa[ai + p] * pb[bj + p] }
                            pc[i * n + j] = sum
                        }
                    }
                }
            }
        }
    }
}
