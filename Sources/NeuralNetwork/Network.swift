/// A dense feed-forward network: layers 1 … L, each z = W a + b, a = f(z),
/// fed by the input a⁰ = x.
public struct Network: Sendable, Equatable {
    /// The layers, from the first hidden layer to the output layer.
    public var layers: [DenseLayer]
    /// The number of inputs, n₀.
    public let inputs: Int

    /// A network over the given layers; each layer's inputs must match the units below it.
    public init(inputs: Int, layers: [DenseLayer]) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        var below = inputs
        for (index, layer) in layers.enumerated() {
            precondition(layer.inputs == below,
                         "layer \(index + 1) takes \(layer.inputs) inputs but the layer below has \(below) units")
            below = layer.units
        }
        self.inputs = inputs
        self.layers = layers
    }

    /// Whether every weight and bias is a finite number.
    public var hasFiniteParameters: Bool {
        layers.allSatisfy { layer in
            layer.weights.elements.allSatisfy(\.isFinite) && (layer.biases ?? []).allSatisfy(\.isFinite)
        }
    }

    /// Copies every weight and bias of `other`, a network of the same shape,
    /// into this one's buffers (allocating nothing once they are its own).
    public mutating func copyParameters(from other: Network) {
        precondition(layers.count == other.layers.count, "copyParameters needs networks of one shape; got \(layers.count) and \(other.layers.count) layers")
        for l in layers.indices {
            layers[l].weights.elements.overwrite(with: other.layers[l].weights.elements)
            if let biases = other.layers[l].biases {
                layers[l].biases?.overwrite(with: biases)
            }
        }
    }

    /// Builds a network from layer specs: given weights and biases are used
    /// exactly; missing weights are drawn by each layer's initializer from
    /// `generator`, layer by layer (a layer with given weights draws nothing);
    /// missing biases start at 0.
    public init(inputs: Int, specs: [LayerSpec], generator: inout Generator) throws(NetworkError) {
        guard inputs >= 1 else { throw .invalidInputs(inputs) }
        guard !specs.isEmpty else { throw .noLayers }
        var layers: [DenseLayer] = []
        var below = inputs
        for (index, spec) in specs.enumerated() {
            let number = index + 1
            guard spec.units >= 1 else { throw .invalidUnits(layer: number, found: spec.units) }
            let weights: Matrix
            if let given = spec.weights {
                let columns = given.first?.count ?? 0
                guard given.count == spec.units, given.allSatisfy({ $0.count == below }) else {
                    throw .weightShape(layer: number, expectedRows: spec.units, expectedColumns: below,
                                       foundRows: given.count, foundColumns: given.allSatisfy { $0.count == columns } ? columns : nil)
                }
                weights = Matrix(given)
            } else {
                weights = spec.initializer.weights(units: spec.units, inputs: below, generator: &generator)
            }
            var biases: [Double]?
            if spec.bias {
                if let given = spec.biases {
                    guard given.count == spec.units else {
                        throw .biasCount(layer: number, expected: spec.units, found: given.count)
                    }
                    biases = given
                } else {
                    biases = Array(repeating: 0, count: spec.units)
                }
            } else if spec.biases != nil {
                throw .biasesWithoutBias(layer: number)
            }
            layers.append(DenseLayer(weights: weights, biases: biases, activation: spec.activation))
            below = spec.units
        }
        self.init(inputs: inputs, layers: layers)
    }

    /// Builds a network from layer specs with a fresh generator for `seed`.
    public init(inputs: Int, specs: [LayerSpec], seed: Int) throws(NetworkError) {
        var generator = Generator(seed: seed)
        try self.init(inputs: inputs, specs: specs, generator: &generator)
    }

    /// The number of outputs, n_L.
    public var outputs: Int { layers[layers.count - 1].units }

    /// The number of weights and biases.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.weights.elements.count + ($1.biases?.count ?? 0) }
    }

    /// The network's output aᴸ for every row of `x` (allocates; for training
    /// use `forward`): `forward` over blocks of at most 256 rows in one
    /// workspace without δ or the zˡ of hidden relu layers, so that a large
    /// grid's buffers stay small and in cache. A row's output depends on that
    /// row alone, summed in the same order: the bits of one pass over all of `x`.
    public func predict(_ x: Matrix) -> Matrix {
        let block = 256, columns = x.columns, width = outputs
        var output = Matrix(rows: x.rows, columns: width)
        var workspace: Workspace?
        var first = 0
        while first < x.rows {
            let count = min(block, x.rows - first)
            if workspace?.batchSize != count {
                workspace = Workspace(network: self, batchSize: count, keepingReluPreactivations: false, forTraining: false)
            }
            workspace!.input.elements.replaceSubrange(0 ..< count * columns, with: x.elements[first * columns ..< (first + count) * columns])
            forward(workspace!.input, in: &workspace!)
            output.elements.replaceSubrange(first * width ..< (first + count) * width, with: workspace!.a[layers.count - 1].elements)
            first += count
        }
        return output
    }
}

/// Why a network could not be built from its specs. Layers are numbered from 1.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    case invalidInputs(Int)
    case noLayers
    case invalidUnits(layer: Int, found: Int)
    /// Given weights of the wrong shape; `foundColumns` is nil for ragged rows.
    case weightShape(layer: Int, expectedRows: Int, expectedColumns: Int, foundRows: Int, foundColumns: Int?)
    case biasCount(layer: Int, expected: Int, found: Int)
    case biasesWithoutBias(layer: Int)

    public var description: String {
        switch self {
        case .invalidInputs(let n):
            return "a network needs at least 1 input, got \(n)"
        case .noLayers:
            return "a network needs at least one layer"
        case .invalidUnits(let layer, let found):
            return "layer \(layer) needs at least 1 unit, got \(found)"
        case .weightShape(let layer, let rows, let columns, let foundRows, let foundColumns):
            let found = foundColumns.map { "\(foundRows)×\($0)" } ?? "\(foundRows) rows of different lengths"
            return "layer \(layer) needs weights of \(rows)×\(columns) (units × inputs), got \(found)"
        case .biasCount(let layer, let expected, let found):
            return "layer \(layer) needs \(expected) biases, got \(found)"
        case .biasesWithoutBias(let layer):
            return "layer \(layer) has biases but \"bias\" is false"
        }
    }
}

private extension Array where Element == Double {
    /// Copies `source`, of the same length, into this array's buffer.
    @inline(__always)
    mutating func overwrite(with source: [Double]) {
        precondition(source.count == count, "copyParameters needs layers of one shape; got \(source.count) and \(count) numbers")
        withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                guard let to = target.baseAddress, let from = source.baseAddress else { return }
                to.update(from: from, count: source.count)
            }
        }
    }
}
