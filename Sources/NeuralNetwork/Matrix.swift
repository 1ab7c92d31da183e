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
        Matrix.transpose(self, into: &result)
        return result
    }

    /// The Frobenius norm √(Σᵢⱼ aᵢⱼ²).
    ///
    /// The squares are summed in 16 interleaved partial sums (element i into
    /// sum i mod 16, in order), which are then added pairwise: a fixed order,
    /// but not the left-to-right one.
    public var frobeniusNorm: Double {
        elements.withUnsafeBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return 0 }
            let count = buffer.count
            var s0 = SIMD4<Double>(), s1 = s0, s2 = s0, s3 = s0
            var i = 0
            while i + 16 <= count {
                let x0 = load(SIMD4<Double>.self, p + i), x1 = load(SIMD4<Double>.self, p + i + 4)
                let x2 = load(SIMD4<Double>.self, p + i + 8), x3 = load(SIMD4<Double>.self, p + i + 12)
                s0 += x0 * x0
                s1 += x1 * x1
                s2 += x2 * x2
                s3 += x3 * x3
                i += 16
            }
            let rest = count - i
            if rest > 0 {
                let x0 = load(SIMD4<Double>.self, p + i, count: min(rest, 4))
                s0 += x0 * x0
                if rest > 4 {
                    let x1 = load(SIMD4<Double>.self, p + i + 4, count: min(rest - 4, 4))
                    s1 += x1 * x1
                }
                if rest > 8 {
                    let x2 = load(SIMD4<Double>.self, p + i + 8, count: min(rest - 8, 4))
                    s2 += x2 * x2
                }
                if rest > 12 {
                    let x3 = load(SIMD4<Double>.self, p + i + 12, count: rest - 12)
                    s3 += x3 * x3
                }
            }
            let s = (s0 + s1) + (s2 + s3)
            return ((s[0] + s[1]) + (s[2] + s[3])).squareRoot()
        }
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
    ///
    /// Blocked and vectorised (see `ProductKernel`); each element is summed in
    /// order p = 0 … k − 1, as in the textbook loop.
    public static func multiply(_ a: Matrix, _ b: Matrix, into c: inout Matrix) {
        precondition(a.columns == b.rows && c.rows == a.rows && c.columns == b.columns,
                     "A·B needs A m×k, B k×n, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let m = a.rows, k = a.columns, n = b.columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else { return }
                    ProductKernel.multiply(m: m, n: n, k: k, a: pa, aRowStride: k, aColumnStride: 1, b: pb, c: pc)
                }
            }
        }
    }

    /// C = α·Aᵀ·B, with A `k×m`, B `k×n` and C `m×n`; C's previous contents are overwritten.
    ///
    /// Blocked and vectorised (see `ProductKernel`); each element is summed in
    /// order p = 0 … k − 1, then multiplied by α.
    public static func multiply(transposing a: Matrix, _ b: Matrix, scaledBy alpha: Double = 1, into c: inout Matrix) {
        precondition(a.rows == b.rows && c.rows == a.columns && c.columns == b.columns,
                     "Aᵀ·B needs A k×m, B k×n, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let k = a.rows, m = a.columns, n = b.columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else { return }
                    ProductKernel.multiply(m: m, n: n, k: k, a: pa, aRowStride: 1, aColumnStride: m, b: pb, c: pc, alpha: alpha)
                }
            }
        }
    }

    /// C = A·Bᵀ, with A `m×k`, B `n×k` and C `m×n`; C's previous contents are overwritten.
    ///
    /// Each element is a dot product of two rows, summed in order p = 0 … k − 1
    /// with `multiplyAdd`.
    /// Not vectorised (the order of the sums forbids it without a transposed
    /// copy of B): for repeated products with one B, transpose B once with
    /// `transpose(_:into:)` and use `multiply(_:_:into:)`, as the forward pass does.
    public static func multiply(_ a: Matrix, transposing b: Matrix, into c: inout Matrix) {
        precondition(a.columns == b.columns && c.rows == a.rows && c.columns == b.rows,
                     "A·Bᵀ needs A m×k, B n×k, C m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns)")
        let m = a.rows, k = a.columns, n = b.rows
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    for i in 0 ..< m {
                        let ai = i * k
                        var j = 0
                        // Four dot products at once, each in its own register.
                        while j + 4 <= n {
                            let b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k
                            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                            for p in 0 ..< k {
                                let x = pa[ai + p]
                                multiplyAdd(&s0, x, pb[b0 + p])
                                multiplyAdd(&s1, x, pb[b1 + p])
                                multiplyAdd(&s2, x, pb[b2 + p])
                                multiplyAdd(&s3, x, pb[b3 + p])
                            }
                            pc[i * n + j] = s0
                            pc[i * n + j + 1] = s1
                            pc[i * n + j + 2] = s2
                            pc[i * n + j + 3] = s3
                            j += 4
                        }
                        while j < n {
                            let bj = j * k
                            var sum = 0.0
                            for p in 0 ..< k { multiplyAdd(&sum, pa[ai + p], pb[bj + p]) }
                            pc[i * n + j] = sum
                            j += 1
                        }
                    }
                }
            }
        }
    }

    /// Z = X·Wᵀ + b given Wᵀ: the affine map of a dense layer over a batch,
    /// X `m×k`, Wᵀ `k×n`, b n numbers or nil, Z `m×n`. Each element is summed
    /// in order p = 0 … k − 1, then bⱼ is added, as in `multiply` then a
    /// separate addition.
    static func affine(_ x: Matrix, transposedWeights wt: Matrix, biases: [Double]?, into z: inout Matrix) {
        affine(x, transposedWeights: wt, biases: biases, into: &z, reluOutput: nil)
    }

    /// `affine`, and A = relu(Z) written as each tile of Z is stored (A `m×n`).
    static func affine(_ x: Matrix, transposedWeights wt: Matrix, biases: [Double]?, into z: inout Matrix,
                       relu a: inout Matrix) {
        precondition(a.rows == z.rows && a.columns == z.columns,
                     "relu(Z) needs A of Z's shape \(z.rows)×\(z.columns), got \(a.rows)×\(a.columns)")
        a.elements.withUnsafeMutableBufferPointer { pa in
            affine(x, transposedWeights: wt, biases: biases, into: &z, reluOutput: pa.baseAddress)
        }
    }

    /// relu(X·Wᵀ + b) into A, without Z: `affine` with relu applied as each tile is stored.
    static func affine(_ x: Matrix, transposedWeights wt: Matrix, biases: [Double]?, reluInto a: inout Matrix) {
        affine(x, transposedWeights: wt, biases: biases, into: &a, reluOutput: nil, relu: true)
    }

    private static func affine(_ x: Matrix, transposedWeights wt: Matrix, biases: [Double]?, into z: inout Matrix,
                               reluOutput: UnsafeMutablePointer<Double>?, relu: Bool = false) {
        precondition(x.columns == wt.rows && z.rows == x.rows && z.columns == wt.columns && (biases?.count ?? wt.columns) == wt.columns,
                     "X·Wᵀ + b needs X m×k, Wᵀ k×n, n biases, Z m×n; got X \(x.rows)×\(x.columns), Wᵀ \(wt.rows)×\(wt.columns), Z \(z.rows)×\(z.columns)")
        let m = x.rows, k = x.columns, n = wt.columns
        x.elements.withUnsafeBufferPointer { px in
            wt.elements.withUnsafeBufferPointer { pw in
                z.elements.withUnsafeMutableBufferPointer { pz in
                    guard let px = px.baseAddress, let pw = pw.baseAddress, let pz = pz.baseAddress else { return }
                    if let biases {
                        biases.withUnsafeBufferPointer { pb in
                            ProductKernel.multiply(m: m, n: n, k: k, a: px, aRowStride: k, aColumnStride: 1, b: pw, c: pz,
                                                   bias: pb.baseAddress, reluOutput: reluOutput, relu: relu)
                        }
                    } else {
                        ProductKernel.multiply(m: m, n: n, k: k, a: px, aRowStride: k, aColumnStride: 1, b: pw, c: pz,
                                               reluOutput: reluOutput, relu: relu)
                    }
                }
            }
        }
    }

    /// C = (A·B) ⊙ relu′(G): `multiply(_:_:into:)`, then each element multiplied
    /// by 1 where gᵢⱼ > 0 and by 0 elsewhere, as each tile is stored (G `m×n`).
    /// The backward pass's δ = (δ W) ⊙ f′(z) below a relu layer.
    static func multiply(_ a: Matrix, _ b: Matrix, reluGate g: Matrix, into c: inout Matrix) {
        precondition(a.columns == b.rows && c.rows == a.rows && c.columns == b.columns && g.rows == c.rows && g.columns == c.columns,
                     "(A·B) ⊙ relu′(G) needs A m×k, B k×n, C and G m×n; got A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns), C \(c.rows)×\(c.columns), G \(g.rows)×\(g.columns)")
        let m = a.rows, k = a.columns, n = b.columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                g.elements.withUnsafeBufferPointer { pg in
                    c.elements.withUnsafeMutableBufferPointer { pc in
                        guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else { return }
                        ProductKernel.multiply(m: m, n: n, k: k, a: pa, aRowStride: k, aColumnStride: 1, b: pb, c: pc,
                                               reluGate: pg.baseAddress)
                    }
                }
            }
        }
    }

    /// T = Aᵀ, written into a preallocated `columns × rows` matrix.
    public static func transpose(_ a: Matrix, into t: inout Matrix) {
        precondition(t.rows == a.columns && t.columns == a.rows,
                     "Aᵀ of a \(a.rows)×\(a.columns) matrix needs a \(a.columns)×\(a.rows) matrix, got \(t.rows)×\(t.columns)")
        let rows = a.rows, columns = a.columns
        a.elements.withUnsafeBufferPointer { pa in
            t.elements.withUnsafeMutableBufferPointer { pt in
                guard let pa = pa.baseAddress, let pt = pt.baseAddress else { return }
                // 8×8 blocks in registers, the rest element by element.
                var i = 0
                while i &+ 8 <= rows {
                    var j = 0
                    while j &+ 8 <= columns {
                        transposeBlock(pa + (i &* columns &+ j), rowStride: columns, into: pt + (j &* rows &+ i), rowStride: rows)
                        j &+= 8
                    }
                    for column in j ..< columns {
                        for row in i ..< i + 8 { pt[column * rows + row] = pa[row * columns + column] }
                    }
                    i &+= 8
                }
                for row in i ..< rows {
                    for column in 0 ..< columns { pt[column * rows + row] = pa[row * columns + column] }
                }
            }
        }
    }
}

/// Writes the transpose of the 8×8 block at `source` to `target`, in registers:
/// three rounds, each of which pairs the rows whose index differs in one bit
/// (1, then 2, then 4) and replaces the pair (u, v) with the even lanes of u
/// then v, and the odd lanes of u then v. A round moves the lowest bit of
/// the lane index into that bit of the row index, and the row bit into the
/// highest lane bit, so after three rounds row r, lane c holds element (c, r).
@inline(__always)
private func transposeBlock(_ source: UnsafePointer<Double>, rowStride: Int,
                            into target: UnsafeMutablePointer<Double>, rowStride targetStride: Int) {
    typealias V = SIMD8<Double>
    var r0 = load(V.self, source), r1 = load(V.self, source + rowStride)
    var r2 = load(V.self, source + 2 &* rowStride), r3 = load(V.self, source + 3 &* rowStride)
    var r4 = load(V.self, source + 4 &* rowStride), r5 = load(V.self, source + 5 &* rowStride)
    var r6 = load(V.self, source + 6 &* rowStride), r7 = load(V.self, source + 7 &* rowStride)
    @inline(__always) func unzip(_ u: inout V, _ v: inout V) {
        (u, v) = (V(lowHalf: u.evenHalf, highHalf: v.evenHalf), V(lowHalf: u.oddHalf, highHalf: v.oddHalf))
    }
    unzip(&r0, &r1); unzip(&r2, &r3); unzip(&r4, &r5); unzip(&r6, &r7)
    unzip(&r0, &r2); unzip(&r1, &r3); unzip(&r4, &r6); unzip(&r5, &r7)
    unzip(&r0, &r4); unzip(&r1, &r5); unzip(&r2, &r6); unzip(&r3, &r7)
    store(r0, target); store(r1, target + targetStride)
    store(r2, target + 2 &* targetStride); store(r3, target + 3 &* targetStride)
    store(r4, target + 4 &* targetStride); store(r5, target + 5 &* targetStride)
    store(r6, target + 6 &* targetStride); store(r7, target + 7 &* targetStride)
}