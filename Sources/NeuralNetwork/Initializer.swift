/// How a layer's missing weights are drawn from the run's generator.
///
/// With fan-in n_in (the layer's inputs) and fan-out n_out (its units), the
/// variants follow PyTorch's `torch.nn.init` with gain 1 for Xavier and gain √2
/// (ReLU) for He, in fan-in mode. Weights are drawn row by row (w₁₁, w₁₂, …),
/// one draw each. The numbers are nnlab's own (see `Generator`), not PyTorch's.
public enum Initializer: Sendable, Equatable {
    /// U(−a, a) with a = √(6 / (n_in + n_out)).
    case xavierUniform
    /// N(0, σ²) with σ = √(2 / (n_in + n_out)).
    case xavierNormal
    /// U(−a, a) with a = √(6 / n_in).
    case heUniform
    /// N(0, σ²) with σ = √(2 / n_in).
    case heNormal
    /// Every weight 0.
    case zeros
    /// U(−limit, limit).
    case uniform(limit: Double)
    /// N(0, std²).
    case normal(std: Double)
    /// Every weight `value`.
    case constant(value: Double)

    /// The file-format names of the variants.
    public var name: String {
        switch self {
        case .xavierUniform: return "xavier_uniform"
        case .xavierNormal: return "xavier_normal"
        case .heUniform: return "he_uniform"
        case .heNormal: return "he_normal"
        case .zeros: return "zeros"
        case .uniform: return "uniform"
        case .normal: return "normal"
        case .constant: return "constant"
        }
    }

    /// A `units × inputs` weight matrix drawn from `generator`, row by row.
    public func weights(units: Int, inputs: Int, generator: inout Generator) -> Matrix {
        let fanIn = Double(inputs), fanOut = Double(units)
        var w = Matrix(rows: units, columns: inputs)
        for i in w.elements.indices {
            switch self {
            case .xavierUniform:
                let a = (6 / (fanIn + fanOut)).squareRoot()
                w.elements[i] = generator.nextUniform(in: -a, a)
            case .xavierNormal:
                w.elements[i] = (2 / (fanIn + fanOut)).squareRoot() * generator.nextNormal()
            case .heUniform:
                let a = (6 / fanIn).squareRoot()
                w.elements[i] = generator.nextUniform(in: -a, a)
            case .heNormal:
                w.elements[i] = (2 / fanIn).squareRoot() * generator.nextNormal()
            case .zeros:
                w.elements[i] = 0
            case .uniform(let limit):
                w.elements[i] = generator.nextUniform(in: -limit, limit)
            case .normal(let std):
                w.elements[i] = std * generator.nextNormal()
            case .constant(let value):
                w.elements[i] = value
            }
        }
        return w
    }
}
