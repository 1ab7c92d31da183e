/// The factors of backprop's products, each on its own, as a trace shows them
/// before their products: δᴸ = ∇ₐC ⊙ f′(zᴸ) and δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f′(zˡ).
///
/// Training never forms these (it fuses them into δ); they are for reading,
/// and allocate.
extension Activation {
    /// f′(z) element by element for a batch z (N × n) with a = f(z), as
    /// `derivative(z:a:)` gives it. For softmax, which has no element-wise
    /// derivative, row n holds sample n's Jacobian ∂aⱼ/∂zₖ = aⱼ(1[j = k] − aₖ),
    /// row-major (N × n²).
    public func derivatives(z: Matrix, a: Matrix) -> Matrix {
        precondition(z.rows == a.rows && z.columns == a.columns,
                     "derivatives need z and a of one shape; got \(z.rows)×\(z.columns) and \(a.rows)×\(a.columns)")
        let n = z.columns
        guard self == .softmax else {
            var result = Matrix(rows: z.rows, columns: n)
            for i in z.elements.indices { result.elements[i] = derivative(z: z.elements[i], a: a.elements[i]) }
            return result
        }
        var result = Matrix(rows: z.rows, columns: n * n)
        for row in 0 ..< z.rows {
            for j in 0 ..< n {
                for k in 0 ..< n {
                    result[row, j * n + k] = a[row, j] * ((j == k ? 1 : 0) - a[row, k])
                }
            }
        }
        return result
    }
}

extension Loss {
    /// ∇ₐC = ∂Cₙ/∂ŷ of every sample n's own loss (row n), ŷ = aᴸ the output:
    ///
    /// - mse: 2(ŷ − y)/K; squared_error: 2(ŷ − y); half_squared_error: ŷ − y
    /// - binary_cross_entropy: (1/K)(ŷ − y) / (ŷ(1 − ŷ)), i.e. −(1/K)[y/ŷ − (1 − y)/(1 − ŷ)]
    ///   (infinite where ŷ rounds to 0 or 1)
    /// - cross_entropy: −yₖ/ŷₖ (0 where yₖ = 0)
    ///
    /// K is the number of outputs. The cross-entropies' δᴸ is not computed from
    /// this but in the fused form (ŷ − y)/K and ŷ − y, where f′ cancels.
    public func outputGradient(output a: Matrix, targets y: Matrix) -> Matrix {
        precondition(a.rows == y.rows && a.columns == y.columns,
                     "outputGradient needs output and targets of one shape; got \(a.rows)×\(a.columns), \(y.rows)×\(y.columns)")
        let k = Double(y.columns)
        var g = Matrix(rows: y.rows, columns: y.columns)
        for i in g.elements.indices {
            let p = a.elements[i], t = y.elements[i]
            switch self {
            case .mse: g.elements[i] = 2 * (p - t) / k
            case .squaredError: g.elements[i] = 2 * (p - t)
            case .halfSquaredError: g.elements[i] = p - t
            case .binaryCrossEntropy: g.elements[i] = (p - t) / (p * (1 - p)) / k
            case .crossEntropy: g.elements[i] = t == 0 ? 0 : -t / p
            }
        }
        return g
    }
}

extension Network {
    /// (Wˡ⁺¹)ᵀ δˡ⁺¹ for every sample, as rows: δˡ⁺¹ Wˡ⁺¹ (N × units of layer l),
    /// for the layer at index `l` (layer l + 1) given the δ of the layer above.
    /// Summed in order of the units above.
    public func backpropagated(below l: Int, deltaAbove delta: Matrix) -> Matrix {
        let weights = layers[l + 1].weights
        precondition(delta.columns == weights.rows, "backpropagated needs δ of \(weights.rows) units, got \(delta.columns)")
        var result = Matrix(rows: delta.rows, columns: weights.columns)
        for row in 0 ..< delta.rows {
            for k in 0 ..< weights.columns {
                var sum = 0.0
                for j in 0 ..< weights.rows { sum += weights[j, k] * delta[row, j] }
                result[row, k] = sum
            }
        }
        return result
    }
}
