import NeuralNetwork

/// One training step laid open, as a backprop exercise is solved on paper:
/// the batch, z and a of every layer, the loss, δ and the gradients of every
/// layer, and the parameters and optimizer state after the update.
public struct TraceStep: Sendable {
    /// Step number, from 1.
    public var step: Int
    /// Indices of the batch's samples in the training set (from 0).
    public var samples: [Int]
    public var inputs: Matrix
    public var targets: Matrix
    /// Per layer (index l − 1 holds layer l): zˡ, aˡ and δˡ, one row per sample.
    public var z: [Matrix]
    public var a: [Matrix]
    public var delta: [Matrix]
    /// The batch loss C = (1/N) Σₙ Cₙ.
    public var loss: Double
    /// ∂C/∂Wˡ and ∂C/∂bˡ of the batch loss.
    public var gradients: [LayerParameters]
    /// The network before and after this step's update.
    public var before: Network
    public var after: Network
    /// The optimizer's state after the update (its step count and buffers).
    public var state: OptimizerState

    public var output: Matrix { a[a.count - 1] }
}

/// Replays the start of a run's training step by step, exactly as `Trainer`
/// does it: the same generator draws the initial weights and then each epoch's
/// shuffle, batches follow in that order with the last partial batch kept.
/// With `sample`, every step trains on that one training sample instead.
public enum Tracer {
    public static func trace(_ run: RunConfig, data: PreparedData, steps: Int, sample: Int? = nil) -> [TraceStep] {
        var generator = Generator(seed: run.seed)
        var network = run.initialNetwork(&generator)
        let optimizer = run.optimizer.optimizer
        var state = optimizer.makeState(for: network)
        let n = data.trainingInputs.rows
        let batchSize = run.training.batchSize(samples: n)
        var order = Array(0 ..< n)
        var start = n  // forces a new epoch (and its shuffle) at the first step
        var result: [TraceStep] = []
        for step in 1 ... steps {
            let rows: [Int]
            if let sample {
                rows = [sample]
            } else {
                if start >= n {
                    if run.training.shuffle { generator.shuffle(&order) }
                    start = 0
                }
                rows = Array(order[start ..< min(start + batchSize, n)])
                start += rows.count
            }
            let x = Matrix(rows.map { data.trainingInputs.row($0) })
            let y = Matrix(rows.map { data.trainingTargets.row($0) })
            var workspace = Workspace(network: network, batchSize: rows.count)
            network.forward(x, in: &workspace)
            let loss = network.backward(targets: y, loss: run.loss, in: &workspace)
            let before = network
            optimizer.update(&network, gradients: workspace.gradients, state: &state)
            result.append(TraceStep(step: step, samples: rows, inputs: x, targets: y, z: workspace.z, a: workspace.a,
                                    delta: workspace.delta, loss: loss, gradients: workspace.gradients,
                                    before: before, after: network, state: state))
        }
        return result
    }
}
