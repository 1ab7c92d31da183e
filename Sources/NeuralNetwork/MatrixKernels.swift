/// The inner loops of the matrix products: a register-blocked, vectorised
/// kernel over raw pointers, shared by A·B, Aᵀ·B and the forward pass.
///
/// C (m × n, row-major) = α · Σₚ A(i, p) B(p, j) (+ bⱼ), where B is row-major
/// (element (p, j) at `b[p·n + j]`) and A is read through strides, so that A
/// and Aᵀ are the same loop: A(i, p) = `a[i·aRowStride + p·aColumnStride]`.
///
/// C is cut into tiles of 8 and 6 (in AVX-512 builds), 4, 2 or 1 rows by 16
/// (in AVX-512 builds), 8, 4, 2 or 1 columns. A tile's sums are held in SIMD registers; for each p the
/// kernel broadcasts one element of A per row and multiplies it by a vector of
/// one row of B. Rows of C are taken in blocks so that the block of A stays in
/// cache while the panels of B pass over it.
///
/// Summation order: every element is summed from 0 in order p = 0, 1, …, k − 1,
/// then multiplied by α (when α ≠ 1), then bⱼ is added — the order of the
/// textbook triple loop, whatever the tiling or the vector width. Two
/// element-wise steps may follow as each tile is stored, so that they need no
/// pass over the matrix of their own: multiplying cᵢⱼ by relu′(gᵢⱼ) (0 for
/// gᵢⱼ ≤ 0, else 1, so NaN passes as PyTorch's relu backward lets it) for a given matrix G, and writing relu(cᵢⱼ) to a second
/// output or in place of cᵢⱼ. Each term is
/// added by `multiplyAdd`: a fused multiply-add (one rounding) in builds for a
/// CPU that has one (`make` passes `-D NNLAB_FMA` then), a multiplication and
/// an addition otherwise. A given binary always gives the same bits; two
/// builds differ in the last bits only when one fuses and the other does not.
enum ProductKernel {
    /// Rows of C per block.
    static let blockRows = 96
    /// The widest panel of columns: two AVX-512 registers (`make` passes
    /// `-D NNLAB_AVX512` for a CPU that has them), else two AVX ones; the
    /// largest tile then holds its sums in 16 of the 32 registers (8 rows),
    /// or in 8 of the 16 (4 rows).
    #if NNLAB_AVX512
    typealias WidestPanel = SIMD16<Double>
    #else
    typealias WidestPanel = SIMD8<Double>
    #endif

    /// The product described in the type's documentation. `bias`, when given,
    /// holds n numbers; `reluGate`, when given, is an m × n matrix G whose
    /// relu′ multiplies C; `reluOutput`, when given, receives relu(C), m × n;
    /// with `relu`, C itself receives relu of what it would hold.
    static func multiply(m: Int, n: Int, k: Int,
                         a: UnsafePointer<Double>, aRowStride: Int, aColumnStride: Int,
                         b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                         alpha: Double = 1, bias: UnsafePointer<Double>? = nil,
                         reluGate: UnsafePointer<Double>? = nil, reluOutput: UnsafeMutablePointer<Double>? = nil,
                         relu: Bool = false) {
        let operands = Operands(k: k, n: n, a: a, aRowStride: aRowStride, aColumnStride: aColumnStride,
                                b: b, c: c, alpha: alpha, bias: bias, reluGate: reluGate, reluOutput: reluOutput, relu: relu)
        var first = 0
        while first < m {
            let last = min(m, first + blockRows)
            var j = 0
            while j + WidestPanel.scalarCount <= n {
                operands.panel(WidestPanel.self, rows: first ..< last, column: j)
                j += WidestPanel.scalarCount
            }
            if j + 8 <= n {
                operands.panel(SIMD8<Double>.self, rows: first ..< last, column: j)
                j += 8
            }
            if j + 4 <= n {
                operands.panel(SIMD4<Double>.self, rows: first ..< last, column: j)
                j += 4
            }
            if j + 2 <= n {
                operands.panel(SIMD2<Double>.self, rows: first ..< last, column: j)
                j += 2
            }
            if j < n {
                operands.column(rows: first ..< last, column: j)
            }
            first = last
        }
    }
}

/// The operands of one product, and the tiles that compute it.
private struct Operands {
    let k: Int
    let n: Int
    let a: UnsafePointer<Double>
    let aRowStride: Int
    let aColumnStride: Int
    let b: UnsafePointer<Double>
    let c: UnsafeMutablePointer<Double>
    let alpha: Double
    let bias: UnsafePointer<Double>?
    let reluGate: UnsafePointer<Double>?
    let reluOutput: UnsafeMutablePointer<Double>?
    let relu: Bool

    /// Columns j ..< j + width(V) of the given rows of C.
    @inline(__always)
    func panel<V: DoubleVector>(_: V.Type, rows: Range<Int>, column j: Int) {
        let scale = V(repeating: alpha)
        let offset = bias.map { load(V.self, $0 + j) } ?? V()
        var i = rows.lowerBound
        #if NNLAB_AVX512
        // Ten or eleven rows left go as 6 + 4 (+ 1), not 8 + 1 + 1 (+ 1).
        while i + 8 <= rows.upperBound && !(10 ... 11).contains(rows.upperBound - i) {
            tile8(V.self, row: i, column: j, scale: scale, offset: offset)
            i += 8
        }
        while i + 6 <= rows.upperBound {
            tile6(V.self, row: i, column: j, scale: scale, offset: offset)
            i += 6
        }
        if i + 4 <= rows.upperBound {
            tile4(V.self, row: i, column: j, scale: scale, offset: offset)
            i += 4
        }
        #else
        // With 16 registers, a 6-row tile of two vectors per row (12 sums)
        // leaves too few for the loads and broadcasts, and the compiler spills
        // them in its unrolled loop; four rows (8 sums) are 8 independent
        // chains, as many as two FMA pipes of latency 4 need.
        while i + 4 <= rows.upperBound {
            tile4(V.self, row: i, column: j, scale: scale, offset: offset)
            i += 4
        }
        #endif
        if i + 2 <= rows.upperBound {
            tile2(V.self, row: i, column: j, scale: scale, offset: offset)
            i += 2
        }
        if i < rows.upperBound {
            tile1(V.self, row: i, column: j, scale: scale, offset: offset)
        }
    }

    /// α·acc + offset, times relu′ of the gate, stored at row i, column j of C
    /// (and its relu in the second output).
    @inline(__always)
    func finish<V: DoubleVector>(_ acc: V, row i: Int, column j: Int, scale: V, offset: V) {
        var value = acc
        if alpha != 1 { value *= scale }
        if bias != nil { value += offset }
        let index = i * n + j
        if let reluGate {
            value *= V.positivePart(V(repeating: 1), where: load(V.self, reluGate + index))
        }
        if relu { value = V.positivePart(value, where: value) }
        store(value, c + index)
        if let reluOutput {
            store(V.positivePart(value, where: value), reluOutput + index)
        }
    }

    /// Eight rows: with AVX-512's 32 registers, the 16 sums of an 8×16 tile,
    /// two vectors of B and the broadcasts fit.
    @inline(__always)
    func tile8<V: DoubleVector>(_: V.Type, row i: Int, column j: Int, scale: V, offset: V) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V(), c6 = V(), c7 = V()
        var pa = a + i * aRowStride, pb = b + j
        let rs = aRowStride
        for _ in 0 ..< k {
            let row = load(V.self, pb)
            multiplyAdd(&c0, V(repeating: pa[0]), row)
            multiplyAdd(&c1, V(repeating: pa[rs]), row)
            multiplyAdd(&c2, V(repeating: pa[2 * rs]), row)
            multiplyAdd(&c3, V(repeating: pa[3 * rs]), row)
            multiplyAdd(&c4, V(repeating: pa[4 * rs]), row)
            multiplyAdd(&c5, V(repeating: pa[5 * rs]), row)
            multiplyAdd(&c6, V(repeating: pa[6 * rs]), row)
            multiplyAdd(&c7, V(repeating: pa[7 * rs]), row)
            pa += aColumnStride
            pb += n
        }
        finish(c0, row: i, column: j, scale: scale, offset: offset)
        finish(c1, row: i + 1, column: j, scale: scale, offset: offset)
        finish(c2, row: i + 2, column: j, scale: scale, offset: offset)
        finish(c3, row: i + 3, column: j, scale: scale, offset: offset)
        finish(c4, row: i + 4, column: j, scale: scale, offset: offset)
        finish(c5, row: i + 5, column: j, scale: scale, offset: offset)
        finish(c6, row: i + 6, column: j, scale: scale, offset: offset)
        finish(c7, row: i + 7, column: j, scale: scale, offset: offset)
    }

    @inline(__always)
    func tile6<V: DoubleVector>(_: V.Type, row i: Int, column j: Int, scale: V, offset: V) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var pa = a + i * aRowStride, pb = b + j
        let rs = aRowStride
        for _ in 0 ..< k {
            let row = load(V.self, pb)
            multiplyAdd(&c0, V(repeating: pa[0]), row)
            multiplyAdd(&c1, V(repeating: pa[rs]), row)
            multiplyAdd(&c2, V(repeating: pa[2 * rs]), row)
            multiplyAdd(&c3, V(repeating: pa[3 * rs]), row)
            multiplyAdd(&c4, V(repeating: pa[4 * rs]), row)
            multiplyAdd(&c5, V(repeating: pa[5 * rs]), row)
            pa += aColumnStride
            pb += n
        }
        finish(c0, row: i, column: j, scale: scale, offset: offset)
        finish(c1, row: i + 1, column: j, scale: scale, offset: offset)
        finish(c2, row: i + 2, column: j, scale: scale, offset: offset)
        finish(c3, row: i + 3, column: j, scale: scale, offset: offset)
        finish(c4, row: i + 4, column: j, scale: scale, offset: offset)
        finish(c5, row: i + 5, column: j, scale: scale, offset: offset)
    }

    @inline(__always)
    func tile4<V: DoubleVector>(_: V.Type, row i: Int, column j: Int, scale: V, offset: V) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V()
        var pa = a + i * aRowStride, pb = b + j
        let rs = aRowStride
        for _ in 0 ..< k {
            let row = load(V.self, pb)
            multiplyAdd(&c0, V(repeating: pa[0]), row)
            multiplyAdd(&c1, V(repeating: pa[rs]), row)
            multiplyAdd(&c2, V(repeating: pa[2 * rs]), row)
            multiplyAdd(&c3, V(repeating: pa[3 * rs]), row)
            pa += aColumnStride
            pb += n
        }
        finish(c0, row: i, column: j, scale: scale, offset: offset)
        finish(c1, row: i + 1, column: j, scale: scale, offset: offset)
        finish(c2, row: i + 2, column: j, scale: scale, offset: offset)
        finish(c3, row: i + 3, column: j, scale: scale, offset: offset)
    }

    @inline(__always)
    func tile2<V: DoubleVector>(_: V.Type, row i: Int, column j: Int, scale: V, offset: V) {
        var c0 = V(), c1 = V()
        var pa = a + i * aRowStride, pb = b + j
        let rs = aRowStride
        for _ in 0 ..< k {
            let row = load(V.self, pb)
            multiplyAdd(&c0, V(repeating: pa[0]), row)
            multiplyAdd(&c1, V(repeating: pa[rs]), row)
            pa += aColumnStride
            pb += n
        }
        finish(c0, row: i, column: j, scale: scale, offset: offset)
        finish(c1, row: i + 1, column: j, scale: scale, offset: offset)
    }

    @inline(__always)
    func tile1<V: DoubleVector>(_: V.Type, row i: Int, column j: Int, scale: V, offset: V) {
        var c0 = V()
        var pa = a + i * aRowStride, pb = b + j
        for _ in 0 ..< k {
            multiplyAdd(&c0, V(repeating: pa[0]), load(V.self, pb))
            pa += aColumnStride
            pb += n
        }
        finish(c0, row: i, column: j, scale: scale, offset: offset)
    }

    /// Column j of the given rows of C, eight rows at a time in scalar
    /// registers (eight chains of fused multiply-adds), then four, then one.
    @inline(__always)
    func column(rows: Range<Int>, column j: Int) {
        let offset = bias?[j] ?? 0
        func finish(_ acc: Double, row i: Int) {
            var value = acc
            if alpha != 1 { value *= alpha }
            if bias != nil { value += offset }
            let index = i * n + j
            if let reluGate { value *= reluGate[index] <= 0 ? 0 : 1 }
            if relu { value = value <= 0 ? 0 : value }
            c[index] = value
            if let reluOutput { reluOutput[index] = value <= 0 ? 0 : value }
        }
        var i = rows.lowerBound
        let rs = aRowStride
        while i + 8 <= rows.upperBound {
            var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0, c5 = 0.0, c6 = 0.0, c7 = 0.0
            var pa = a + i * aRowStride, pb = b + j
            for _ in 0 ..< k {
                let element = pb[0]
                multiplyAdd(&c0, pa[0], element)
                multiplyAdd(&c1, pa[rs], element)
                multiplyAdd(&c2, pa[2 * rs], element)
                multiplyAdd(&c3, pa[3 * rs], element)
                multiplyAdd(&c4, pa[4 * rs], element)
                multiplyAdd(&c5, pa[5 * rs], element)
                multiplyAdd(&c6, pa[6 * rs], element)
                multiplyAdd(&c7, pa[7 * rs], element)
                pa += aColumnStride
                pb += n
            }
            finish(c0, row: i)
            finish(c1, row: i + 1)
            finish(c2, row: i + 2)
            finish(c3, row: i + 3)
            finish(c4, row: i + 4)
            finish(c5, row: i + 5)
            finish(c6, row: i + 6)
            finish(c7, row: i + 7)
            i += 8
        }
        if i + 4 <= rows.upperBound {
            var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0
            var pa = a + i * aRowStride, pb = b + j
            for _ in 0 ..< k {
                let element = pb[0]
                multiplyAdd(&c0, pa[0], element)
                multiplyAdd(&c1, pa[rs], element)
                multiplyAdd(&c2, pa[2 * rs], element)
                multiplyAdd(&c3, pa[3 * rs], element)
                pa += aColumnStride
                pb += n
            }
            finish(c0, row: i)
            finish(c1, row: i + 1)
            finish(c2, row: i + 2)
            finish(c3, row: i + 3)
            i += 4
        }
        while i < rows.upperBound {
            var c0 = 0.0
            var pa = a + i * aRowStride, pb = b + j
            for _ in 0 ..< k {
                multiplyAdd(&c0, pa[0], pb[0])
                pa += aColumnStride
                pb += n
            }
            finish(c0, row: i)
            i += 1
        }
    }
}

/// acc += x·y: fused into one rounding in builds for a CPU with fused
/// multiply-add (`-D NNLAB_FMA`, and every arm64 build), else a
/// multiplication then an addition.
///
/// Why every arm64 build: arm64 (ARMv8-A) always has fused multiply-add
/// (FMLA, lane by lane, one rounding: the IEEE 754 fusedMultiplyAdd that
/// x86's VFMADD computes too), so no arm64 CPU needs the unfused path. With
/// it, an arm64 build sums every product in the same order as an x86 build
/// with FMA — the order is this code's (p = 0, 1, …, k − 1 per element,
/// whatever the vector width), not the hardware's — and rounds each term
/// the same way, so shards trained on Graviton or Apple silicon give the bytes
/// of shards trained on AVX2 or AVX-512. (Reasoned, not measured: no arm64
/// machine was at hand. The C library's exp, log1p, tanh and pow, which
/// sigmoid, tanh and the losses call, are the system's: see docs/cluster.md.)
@inline(__always)
func multiplyAdd<V: SIMD>(_ acc: inout V, _ x: V, _ y: V) where V.Scalar == Double {
    #if NNLAB_FMA || arch(arm64)
    acc.addProduct(x, y)
    #else
    acc += x * y
    #endif
}

/// The scalar `multiplyAdd`.
@inline(__always)
func multiplyAdd(_ acc: inout Double, _ x: Double, _ y: Double) {
    #if NNLAB_FMA || arch(arm64)
    acc.addProduct(x, y)
    #else
    acc += x * y
    #endif
}

/// How the kernels were compiled, for benchmarks to report.
public enum KernelBuild {
    /// Whether products use fused multiply-add (`-D NNLAB_FMA`, or arm64).
    public static var fusedMultiplyAdd: Bool {
        #if NNLAB_FMA || arch(arm64)
        return true
        #else
        return false
        #endif
    }

    /// The widest panel of the product kernel, in columns (16 with `-D NNLAB_AVX512`, else 8).
    public static var panelWidth: Int { ProductKernel.WidestPanel.scalarCount }
}

/// The SIMD vectors of Doubles the kernels use, with the element-wise steps
/// they need written on each concrete type: in generic code, comparisons and
/// `replacing(with:where:)` are the `SIMD` protocol's lane-by-lane versions,
/// which the compiler does not keep in vector registers (digits ran 2.6 times
/// slower with them in the tiles).
protocol DoubleVector: SIMD where Scalar == Double {
    /// +0 where g ≤ 0, else x, lane by lane (NaN in g keeps x, as PyTorch's
    /// relu keeps NaN): `g <= 0 ? 0 : x`.
    static func positivePart(_ x: Self, where g: Self) -> Self
}

extension SIMD2: DoubleVector where Scalar == Double {
    @inline(__always)
    static func positivePart(_ x: Self, where g: Self) -> Self { x.replacing(with: 0, where: g .<= 0) }
}

extension SIMD4: DoubleVector where Scalar == Double {
    @inline(__always)
    static func positivePart(_ x: Self, where g: Self) -> Self { x.replacing(with: 0, where: g .<= 0) }
}

extension SIMD8: DoubleVector where Scalar == Double {
    @inline(__always)
    static func positivePart(_ x: Self, where g: Self) -> Self { x.replacing(with: 0, where: g .<= 0) }
}

extension SIMD16: DoubleVector where Scalar == Double {
    @inline(__always)
    static func positivePart(_ x: Self, where g: Self) -> Self { x.replacing(with: 0, where: g .<= 0) }
}
