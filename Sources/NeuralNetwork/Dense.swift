/// A fully connected layer: z = W a + b, then a′ = f(z).
///
/// W is `units × inputs`; row j holds w_jk, the weight from neuron k of the
/// layer below into neuron j. A layer without bias has `biases == nil`.
public struct DenseLayer: Sendable, Equatable {
    public var weights: Matrix
    public var biases: [Double]?
    public var activation: Activation

    public var inputs: Int { weights.columns }
    public var units: Int { weights.rows }

    public init(weights: Matrix, biases: [Double]?, activation: Activation) {
        precondition(biases == nil || biases?.count == weights.rows,
                     "a layer of \(weights.rows) units needs \(weights.rows) biases, got \(biases?.count ?? 0)")
        self.weights = weights
        self.biases = biases
        self.activation = activation
    }

    /// The layer's parameters, shaped like its gradients and optimizer buffers.
    public var parameters: LayerParameters {
        LayerParameters(weights: weights, biases: biases)
    }
}

/// What to build a layer from: its size and activation, and either given
/// weights and biases or an initializer for the missing weights.
public struct LayerSpec: Sendable, Equatable {
    public var units: Int
    public var activation: Activation
    /// Whether the layer adds a bias b.
    public var bias: Bool
    /// `units` rows of `inputs` numbers, used exactly; nil: drawn by `initializer`.
    public var weights: [[Double]]?
    /// `units` numbers; nil: zeros.
    public var biases: [Double]?
    public var initializer: Initializer

    public init(units: Int, activation: Activation, bias: Bool = true,
                weights: [[Double]]? = nil, biases: [Double]? = nil,
                initializer: Initializer = .xavierUniform) {
        self.units = units
        self.activation = activation
        self.bias = bias
        self.weights = weights
        self.biases = biases
        self.initializer = initializer
    }
}

/// Values shaped like one layer's parameters: its weight matrix and, when the
/// layer has a bias, a vector of biases. Gradients and optimizer buffers use it.
public struct LayerParameters: Sendable, Equatable {
    public var weights: Matrix
    public var biases: [Double]?

    public init(weights: Matrix, biases: [Double]?) {
        self.weights = weights
        self.biases = biases
    }

    /// Zeros shaped like `layer`'s parameters.
    public init(zerosLike layer: DenseLayer) {
        weights = Matrix(rows: layer.units, columns: layer.inputs)
        biases = layer.biases.map { Array(repeating: 0, count: $0.count) }
    }
}
