/// The buffers of one forward and backward pass over a batch of a fixed size:
/// z and a of every layer, δ of every layer, and the gradients of the batch loss.
///
/// Allocated once per batch size and reused, so a training step allocates
/// nothing. Index l − 1 holds layer l (layers are numbered from 1). Rows are
/// the samples of the batch.
public struct Workspace: Sendable {
    /// The number of samples, N.
    public let batchSize: Int
    /// The batch a⁰ = x of the last forward pass.
    public internal(set) var input: Matrix
    /// zˡ = aˡ⁻¹ Wˡᵀ + bˡ per layer, N × units.
    public internal(set) var z: [Matrix]
    /// aˡ = f(zˡ) per layer, N × units.
    public internal(set) var a: [Matrix]
    /// δˡ = ∂Cₙ/∂zˡ per layer, N × units: row n is sample n's δ of its own loss Cₙ.
    public internal(set) var delta: [Matrix]
    /// ∂C/∂Wˡ and ∂C/∂bˡ of the batch loss C = (1/N) Σₙ Cₙ.
    public internal(set) var gradients: [LayerParameters]

    public init(network: Network, batchSize: Int) {
        precondition(batchSize >= 1, "a batch needs at least one sample, got \(batchSize)")
        self.batchSize = batchSize
        input = Matrix(rows: batchSize, columns: network.inputs)
        z = network.layers.map { Matrix(rows: batchSize, columns: $0.units) }
        a = z
        delta = z
        gradients = network.layers.map(LayerParameters.init(zerosLike:))
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
            let below = l == 0 ? workspace.input : workspace.a[l - 1]
            Matrix.multiply(below, transposing: layer.weights, into: &workspace.z[l])
            if let b = layer.biases {
                addRowVector(b, to: &workspace.z[l])
            }
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
        loss.outputDelta(logits: workspace.z[last], output: workspace.a[last], targets: y,
                         activation: layers[last].activation, into: &workspace.delta[last])
        let perSample = 1 / Double(workspace.batchSize)
        for l in stride(from: last, through: 0, by: -1) {
            let delta = workspace.delta[l]
            let below = l == 0 ? workspace.input : workspace.a[l - 1]
            Matrix.multiply(transposing: delta, below, into: &workspace.gradients[l].weights)
            scale(&workspace.gradients[l].weights.elements, by: perSample)
            if workspace.gradients[l].biases != nil {
                sumRows(delta, scaledBy: perSample, into: &workspace.gradients[l].biases!)
            }
            if l > 0 {
                Matrix.multiply(delta, layers[l].weights, into: &workspace.delta[l - 1])
                layers[l - 1].activation.backpropagate(z: workspace.z[l - 1], a: workspace.a[l - 1],
                                                       gradient: &workspace.delta[l - 1])
            }
        }
        return value
    }

    /// The batch loss of the network on `x` against `y`, with `workspace` as scratch.
    public func loss(_ loss: Loss, inputs x: Matrix, targets y: Matrix, in workspace: inout Workspace) -> Double {
        forward(x, in: &workspace)
        let last = layers.count - 1
        return loss.value(logits: workspace.z[last], output: workspace.a[last], targets: y)
    }
}

/// zᵢⱼ += bⱼ for every row i.
private func addRowVector(_ b: [Double], to z: inout Matrix) {
    let columns = z.columns
    b.withUnsafeBufferPointer { pb in
        z.elements.withUnsafeMutableBufferPointer { pz in
            for row in 0 ..< z.rows {
                let start = row * columns
                for j in 0 ..< columns { pz[start + j] += pb[j] }
            }
        }
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

/// xᵢ *= factor.
private func scale(_ x: inout [Double], by factor: Double) {
    x.withUnsafeMutableBufferPointer { p in
        for i in p.indices { p[i] *= factor }
    }
}
