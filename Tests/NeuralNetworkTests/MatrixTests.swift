import XCTest
@testable import NeuralNetwork

final class MatrixTests: XCTestCase {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])            // 2×3
    let b = Matrix([[7, 8], [9, 10], [11, 12]])       // 3×2

    func testProductAB() {
        var c = Matrix(rows: 2, columns: 2, repeating: 99)
        Matrix.multiply(a, b, into: &c)
        XCTAssertEqual(c, Matrix([[58, 64], [139, 154]]))
    }

    func testProductATransposedB() {
        var c = Matrix(rows: 3, columns: 3, repeating: 99)
        Matrix.multiply(transposing: a, a, into: &c)
        XCTAssertEqual(c, Matrix([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
    }

    func testProductABTransposed() {
        var c = Matrix(rows: 2, columns: 2, repeating: 99)
        Matrix.multiply(a, transposing: a, into: &c)
        XCTAssertEqual(c, Matrix([[14, 32], [32, 77]]))
    }

    /// The three kernels agree with the textbook triple loop on random shapes.
    func testProductsMatchTheDefinitionOnRandomShapes() {
        var g = Generator(seed: 9)
        for _ in 0 ..< 30 {
            let m = 1 + g.nextInt(below: 9), k = 1 + g.nextInt(below: 9), n = 1 + g.nextInt(below: 9)
            let x = randomMatrix(m, k, &g), y = randomMatrix(k, n, &g)
            var expected = Matrix(rows: m, columns: n)
            for i in 0 ..< m { for j in 0 ..< n { for p in 0 ..< k { expected[i, j] += x[i, p] * y[p, j] } } }
            var c1 = Matrix(rows: m, columns: n), c2 = c1, c3 = c1
            Matrix.multiply(x, y, into: &c1)
            Matrix.multiply(transposing: x.transposed, y, into: &c2)
            Matrix.multiply(x, transposing: y.transposed, into: &c3)
            for c in [c1, c2, c3] {
                for (e, v) in zip(expected.elements, c.elements) { XCTAssertEqual(v, e, accuracy: 1e-12) }
            }
        }
    }

    func testRowsTransposeAndNorm() {
        XCTAssertEqual(a.row(1), [4, 5, 6])
        XCTAssertEqual(a.rowArrays, [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(a.transposed, Matrix([[1, 4], [2, 5], [3, 6]]))
        XCTAssertEqual(Matrix([[3, 4]]).frobeniusNorm, 5)
        var m = a
        m.resizeRows(to: 1)
        XCTAssertEqual(m, Matrix([[1, 2, 3]]))
        m.resizeRows(to: 2)
        XCTAssertEqual(m, Matrix([[1, 2, 3], [0, 0, 0]]))
    }

    /// Widths around the kernel's panels (8, 16, and 9…15 left over after
    /// them), with the bias and relu steps applied as tiles are stored, agree
    /// with the triple loop.
    func testProductsOfWidthsAroundThePanelsMatchTheDefinition() {
        var g = Generator(seed: 21)
        for (m, k, n) in [(13, 7, 10), (7, 5, 15), (6, 9, 26), (11, 1, 9), (4, 3, 31), (64, 64, 10), (1, 2, 17)] {
            let x = randomMatrix(m, k, &g), wt = randomMatrix(k, n, &g), gate = randomMatrix(m, n, &g)
            let biases = (0 ..< n).map { _ in g.nextNormal() }
            var product = Matrix(rows: m, columns: n)
            for i in 0 ..< m { for j in 0 ..< n { for p in 0 ..< k { product[i, j] += x[i, p] * wt[p, j] } } }
            var z = Matrix(rows: m, columns: n), relu = z, gated = z
            Matrix.affine(x, transposedWeights: wt, biases: biases, into: &z, relu: &relu)
            Matrix.multiply(x, wt, reluGate: gate, into: &gated)
            for i in 0 ..< m {
                for j in 0 ..< n {
                    let affine = product[i, j] + biases[j]
                    XCTAssertEqual(z[i, j], affine, accuracy: 1e-12, "\(m)×\(k)×\(n) at (\(i), \(j))")
                    XCTAssertEqual(relu[i, j], max(affine, 0), accuracy: 1e-12)
                    XCTAssertEqual(gated[i, j], gate[i, j] > 0 ? product[i, j] : 0, accuracy: 1e-12)
                }
            }
        }
    }

    /// The 8×8 register blocks and the rows and columns left over around them
    /// put every element where the definition does.
    func testTransposeOfShapesAroundTheBlockSize() {
        for (rows, columns) in [(8, 8), (16, 24), (10, 64), (64, 10), (9, 17), (7, 7), (1, 13), (128, 64)] {
            let m = Matrix(rows: rows, columns: columns, elements: (0 ..< rows * columns).map(Double.init))
            var t = Matrix(rows: columns, columns: rows, repeating: -1)
            Matrix.transpose(m, into: &t)
            for i in 0 ..< rows { for j in 0 ..< columns { XCTAssertEqual(t[j, i], m[i, j], "\(rows)×\(columns) at (\(i), \(j))") } }
        }
    }

    private func randomMatrix(_ rows: Int, _ columns: Int, _ g: inout Generator) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: (0 ..< rows * columns).map { _ in g.nextNormal() })
    }
}
