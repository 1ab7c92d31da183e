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
    /// zˡ = aˡ⁻¹ Wˡᵀ + bˡ per layer, N × units; 0 × units for a hidden relu
    /// layer of a workspace made without `keepingReluPreactivations`.
    public internal(set) var z: [Matrix]
    /// aˡ = f(zˡ) per layer, N × units.
    public internal(set) var a: [Matrix]
    /// δˡ = ∂Cₙ/∂zˡ per layer, N × units: row n is sample n's δ of its own loss Cₙ.
    public internal(set) var delta: [Matrix]
    /// ∂C/∂Wˡ and ∂C/∂bˡ of the batch loss C = (1/N) Σₙ Cₙ.
    public internal(set) var gradients: [LayerParameters]
    /// Wˡᵀ, inputs × units, copied by each forward pass.
    var transposedWeights: [Matrix]
    /// With a softmax output layer, each sample's Σₖ≠ₘ e^(zₖ − max z) (the
    /// normalizer without its largest term) from the last forward pass, so that
    /// the cross-entropy needs no exponentials of its own.
    var softmaxSums: [Double]

    /// Buffers for batches of `batchSize` samples. Without
    /// `keepingReluPreactivations`, hidden relu layers keep no zˡ: the forward
    /// pass writes only aˡ = relu(zˡ), one store per element fewer, and
    /// training loses nothing, since backprop's relu′(zˡ) is 1 exactly where aˡ > 0.
    ///
    /// Without `forTraining`, the workspace is for `forward` alone: it has no
    /// δˡ (0 × units) and no gradients to fill.
    public init(network: Network, batchSize: Int, keepingReluPreactivations: Bool = true, forTraining: Bool = true) {
        precondition(batchSize >= 1, "a batch needs at least one sample, got \(batchSize)")
        self.batchSize = batchSize
        let last = network.layers.count - 1
        let stores = network.layers.indices.map { keepingReluPreactivations || network.layers[$0].activation != .relu || $0 == last }
        input = Matrix(rows: batchSize, columns: network.inputs)
        // Separate buffers (not copies of one array), so that no write has to copy on first use.
        z = network.layers.indices.map { Matrix(rows: stores[$0] ? batchSize : 0, columns: network.layers[$0].units) }
        a = network.layers.map { Matrix(rows: batchSize, columns: $0.units) }
        delta = network.layers.map { Matrix(rows: forTraining ? batchSize : 0, columns: $0.units) }
        gradients = forTraining ? network.layers.map(LayerParameters.init(zerosLike:)) : []
        transposedWeights = network.layers.map { Matrix(rows: $0.inputs, columns: $0.units) }
        softmaxSums = [Double](repeating: 0, count: network.layers[network.layers.count - 1].activation == .softmax ? batchSize : 0)
    }

    /// Whether the forward pass writes zˡ of layer index l (its buffer has rows).
    func storesPreactivation(_ l: Int) -> Bool { z[l].rows > 0 }

    /// The output aᴸ of the last forward pass.
    public var output: Matrix { a[a.count - 1] }

    /// ‖∂C/∂Wˡ‖, the Frobenius norm of each layer's weight gradient.
    public var weightGradientNorms: [Double] { gradients.map(\.weights.frobeniusNorm) }
}

extension Network {
    /// Forward pass over the rows of `x`: zˡ = aˡ⁻¹ Wˡᵀ + bˡ and aˡ = f(zˡ) for
    /// l = 1 … L, kept in `workspace` (zˡ of a hidden relu layer only when it
    /// keeps them).
    public func forward(_ x: Matrix, in workspace: inout Workspace) {
        precondition(x.rows == workspace.batchSize && x.columns == inputs,
                     "forward needs a batch of \(workspace.batchSize)×\(inputs), got \(x.rows)×\(x.columns)")
        workspace.input = x
        for l in layers.indices {
            let layer = layers[l]
            Matrix.transpose(layer.weights, into: &workspace.transposedWeights[l])
            let below = l == 0 ? workspace.input : workspace.a[l - 1]
            if layer.activation == .relu && !workspace.storesPreactivation(l) {
                Matrix.affine(below, transposedWeights: workspace.transposedWeights[l], biases: layer.biases,
                              reluInto: &workspace.a[l])
            } else if layer.activation == .relu {
                // relu is applied as the product is stored: one pass over z instead of two.
                Matrix.affine(below, transposedWeights: workspace.transposedWeights[l], biases: layer.biases,
                              into: &workspace.z[l], relu: &workspace.a[l])
            } else if layer.activation == .softmax && l == layers.count - 1 {
                Matrix.affine(below, transposedWeights: workspace.transposedWeights[l], biases: layer.biases, into: &workspace.z[l])
                Activation.softmax(workspace.z[l], into: &workspace.a[l], sums: &workspace.softmaxSums)
            } else {
                Matrix.affine(below, transposedWeights: workspace.transposedWeights[l], biases: layer.biases, into: &workspace.z[l])
                layer.activation.apply(workspace.z[l], into: &workspace.a[l])
            }
        }
    }

    /// Backward pass after `forward`: δᴸ from the loss, then
    /// δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ f′(zˡ) down to layer 1, and the gradients of the batch loss
    /// ∂C/∂Wˡ = (1/N) δˡᵀ aˡ⁻¹ and ∂C/∂bˡ = (1/N) Σₙ δˡₙ.
    /// Returns the batch loss C = (1/N) Σₙ Cₙ.
    @discardableResult
    public func backward(targets y: Matrix, loss: Loss, in workspace: inout Workspace) -> Double {
        precondition(y.rows == workspace.batchSize && y.columns == outputs,
                     "backward needs targets of \(workspace.batchSize)×\(outputs), got \(y.rows)×\(y.columns)")
        let value = batchLoss(loss, targets: y, in: workspace)
        backpropagate(targets: y, loss: loss, in: &workspace)
        return value
    }

    /// `backward` without the batch loss: δ of every layer and the gradients,
    /// for a training loop that does not need C of the batch.
    public func backpropagate(targets y: Matrix, loss: Loss, in workspace: inout Workspace) {
        let last = layers.count - 1
        precondition(y.rows == workspace.batchSize && y.columns == outputs,
                     "backward needs targets of \(workspace.batchSize)×\(outputs), got \(y.rows)×\(y.columns)")
        precondition(workspace.gradients.count == layers.count, "backpropagate needs a workspace made for training (forTraining: true)")
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
                if layers[l - 1].activation == .relu {
                    // relu′(z) is applied as the product is stored, read off a = relu(z) (z > 0 exactly where a > 0).
                    Matrix.multiply(delta, layers[l].weights, reluGate: workspace.a[l - 1], into: &workspace.delta[l - 1])
                } else {
                    Matrix.multiply(delta, layers[l].weights, into: &workspace.delta[l - 1])
                    layers[l - 1].activation.backpropagate(z: workspace.z[l - 1], a: workspace.a[l - 1],
                                                           gradient: &workspace.delta[l - 1])
                }
            }
        }
    }

    /// The batch loss of the network on `x` against `y`, with `workspace` as scratch.
    public func loss(_ loss: Loss, inputs x: Matrix, targets y: Matrix, in workspace: inout Workspace) -> Double {
        forward(x, in: &workspace)
        return batchLoss(loss, targets: y, in: workspace)
    }

    /// `loss.value` on the last forward pass; the cross-entropy after a softmax
    /// layer from the normalizers the softmax kept (the same bits).
    private func batchLoss(_ loss: Loss, targets y: Matrix, in workspace: Workspace) -> Double {
        let last = layers.count - 1
        if loss == .crossEntropy && layers[last].activation == .softmax {
            return Loss.crossEntropy(logits: workspace.z[last], softmaxSums: workspace.softmaxSums, targets: y)
        }
        return loss.value(logits: workspace.z[last], output: workspace.a[last], targets: y)
    }
}

/// sⱼ = scale · Σᵢ mᵢⱼ, each column summed in row order: 32 columns at a
/// time in four independent vectors (one vector's chain of additions would
/// wait on each addition's latency), then 16 in two, 8 in one, and the last
/// few one by one.
private func sumRows(_ m: Matrix, scaledBy scale: Double, into s: inout [Double]) {
    typealias V = SIMD8<Double>
    let rows = m.rows, columns = m.columns
    precondition(s.count == columns, "sums of \(columns) columns need \(columns) numbers, got \(s.count)")
    m.elements.withUnsafeBufferPointer { pm in
        s.withUnsafeMutableBufferPointer { ps in
            guard let pm = pm.baseAddress, let ps = ps.baseAddress else { return }
            let factor = V(repeating: scale)
            var j = 0
            while j + 32 <= columns {
                var s0 = V(), s1 = V(), s2 = V(), s3 = V()
                var p = pm + j
                for _ in 0 ..< rows {
                    s0 += load(V.self, p)
                    s1 += load(V.self, p + 8)
                    s2 += load(V.self, p + 16)
                    s3 += load(V.self, p + 24)
                    p += columns
                }
                store(s0 * factor, ps + j)
                store(s1 * factor, ps + j + 8)
                store(s2 * factor, ps + j + 16)
                store(s3 * factor, ps + j + 24)
                j += 32
            }
            if j + 16 <= columns {
                var s0 = V(), s1 = V()
                var p = pm + j
                for _ in 0 ..< rows {
                    s0 += load(V.self, p)
                    s1 += load(V.self, p + 8)
                    p += columns
                }
                store(s0 * factor, ps + j)
                store(s1 * factor, ps + j + 8)
                j += 16
            }
            if j + 8 <= columns {
                var sum = V()
                var p = pm + j
                for _ in 0 ..< rows {
                    sum += load(V.self, p)
                    p += columns
                }
                store(sum * factor, ps + j)
                j += 8
            }
            while j < columns {
                var sum = 0.0
                var p = pm + j
                for _ in 0 ..< rows {
                    sum += p[0]
                    p += columns
                }
                ps[j] = sum * scale
                j += 1
            }
        }
    }
}
