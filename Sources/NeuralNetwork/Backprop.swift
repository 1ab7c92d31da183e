/// The buffers of one forward and backward pass over a batch of a fixed size:
/// z and a of every layer, δ of every layer, and the gradients of the batch loss.
///
/// Allocated once per batch size and reused, so a training step allocates
/// nothing. Index l − 1 holds layer l (layers are numbered from 1). Rows are
/// the samples of the batch. The forward pass also keeps here a transposed
/// copy of each layer's weights, Wˡᵀ, so that aˡ⁻¹ Wˡᵀ runs in the vectorised
/// A·B kernel.
public struct Workspace: Sendable {
    /// The number of samples, N.
    public let batchSize: Int
    /// The batch a⁰ = x of the last forward pass. A training loop may write
    /// its next batch here in place and pass `input` to `forward`: then no
    /// second reference to the buffer exists when it is next written, so
    /// nothing is copied.
    public var input: Matrix
    /// zˡ = aˡ⁻¹ Wˡᵀ + bˡ per layer, N × units.
    public internal(set) var z: [Matrix]
    /// aˡ = f(zˡ) per layer, N × units.
    public internal(set) var a: [Matrix]
    /// δˡ = ∂Cₙ/∂zˡ per layer, N × units: row n is sample n's δ of its own loss Cₙ.
    public internal(set) var delta: [Matrix]
    /// ∂C/∂Wˡ and ∂C/∂bˡ of the batch loss C = (1/N) Σₙ Cₙ.
    public internal(set) var gradients: [LayerParameters]
    /// Wˡᵀ, inputs × units, copied by each forward pass.
    var transposedWeights: [Matrix]

    public init(network: Network, batchSize: Int) {
        precondition(batchSize >= 1, "a batch needs at least one sample, got \(batchSize)")
        self.batchSize = batchSize
        input = Matrix(rows: batchSize, columns: network.inputs)
        // Separate buffers (not copies of one array), so that no write has to copy on first use.
        z = network.layers.map { Matrix(rows: batchSize, columns: $0.units) }
        a = network.layers.map { Matrix(rows: batchSize, columns: $0.units) }
        delta = network.layers.map { Matrix(rows: batchSize, columns: $0.units) }
        gradients = network.layers.map(LayerParameters.init(zerosLike:))
        transposedWeights = network.layers.map { Matrix(rows: $0.inputs, columns: $0.units) }
    }

    /// The output aᴸ of the last forward pass.
    public var output: Matrix { a[a.count - 1] }

    /// ‖∂C/∂Wˡ‖, the Frobenius norm of each layer's weight gradient.
    public var weightGradientNorms: [Double] { gradients.map(\.weights.frobeniusNorm) }
}

extension Network {
    /// Forward pass over the rows of `x`: zˡ = aˡ⁻¹ Wˡᵀ + bˡ and aˡ = f(zˡ) for
    /// l = 1 … L, kept in `workspace`.
    public func forward(_ x: Matrix, in workspace: inout Workspace) {
        precondition(x.rows == workspace.batchSize && x.columns == inputs,
                     "forward needs a batch of \(workspace.batchSize)×\(inputs), got \(x.rows)×\(x.columns)")
        workspace.input = x
        for l in layers.indices {
            let layer = layers[l]
            Matrix.transpose(layer.weights, into: &workspace.transposedWeights[l])
            let below = l == 0 ? workspace.input : workspace.a[l - 1]
            Matrix.affine(below, transposedWeights: workspace.transposedWeights[l], biases: layer.biases, into: &workspace.z[l])
            layer.activation.apply(workspace.z[l], into: &workspace.a[l])
        }
    }

    /// Backward pass after `forward`: δᴸ from the loss, then
    /// δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ f′(zˡ) down to layer 1, and the gradients of the batch loss
    /// ∂C/∂Wˡ = (1/N) δˡᵀ aˡ⁻¹ and ∂C/∂bˡ = (1/N) Σₙ δˡₙ.
    /// Returns the batch loss C = (1/N) Σₙ Cₙ.
    @discardableResult
    public func backward(targets y: Matrix, loss: Loss, in workspace: inout Workspace) -> Double {
        let last = layers.count - 1
        precondition(y.rows == workspace.batchSize && y.columns == outputs,
                     "backward needs targets of \(workspace.batchSize)×\(outputs), got \(y.rows)×\(y.columns)")
        let value = loss.value(logits: workspace.z[last], output: workspace.a[last], targets: y)
        backpropagate(targets: y, loss: loss, in: &workspace)
        return value
    }

    /// `backward` without the batch loss: δ of every layer and the gradients,
    /// for a training loop that does not need C of the batch.
    public func backpropagate(targets y: Matrix, loss: Loss, in workspace: inout Workspace) {
        let last = layers.count - 1
        precondition(y.rows == workspace.batchSize && y.columns == outputs,
                     "backward needs targets of \(workspace.batchSize)×\(outputs), got \(y.rows)×\(y.columns)")
        loss.outputDelta(logits: workspace.z[last], output: workspace.a[last], targets: y,
                         activation: layers[last].activation, into: &workspace.delta[last])
        let perSample = 1 / Double(workspace.batchSize)
        for l in stride(from: last, through: 0, by: -1) {
            let delta = workspace.delta[l]
            let below = l == 0 ? workspace.input : workspace.a[l - 1]
            Matrix.multiply(transposing: delta, below, scaledBy: perSample, into: &workspace.gradients[l].weights)
            if workspace.gradients[l].biases != nil {
                sumRows(delta, scaledBy: perSample, into: &workspace.gradients[l].biases!)
            }
            if l > 0 {
                Matrix.multiply(delta, layers[l].weights, into: &workspace.delta[l - 1])
                layers[l - 1].activation.backpropagate(z: workspace.z[l - 1], a: workspace.a[l - 1],
                                                       gradient: &workspace.delta[l - 1])
            }
        }
    }

    /// The batch loss of the network on `x` against `y`, with `workspace` as scratch.
    public func loss(_ loss: Loss, inputs x: Matrix, targets y: Matrix, in workspace: inout Workspace) -> Double {
        forward(x, in: &workspace)
        let last = layers.count - 1
        return loss.value(logits: workspace.z[last], output: workspace.a[last], targets: y)
    }
}

/// sⱼ = scale · Σᵢ mᵢⱼ.
private func sumRows(_ m: Matrix, scaledBy scale: Double, into s: inout [Double]) {
    let columns = m.columns
    m.elements.withUnsafeBufferPointer { pm in
        s.withUnsafeMutableBufferPointer { ps in
            for j in 0 ..< columns { ps[j] = 0 }
            for row in 0 ..< m.rows {
                let start = row * columns
                for j in 0 ..< columns { ps[j] += pm[start + j] }
            }
            for j in 0 ..< columns { ps[j] *= scale }
        }
    }
}
