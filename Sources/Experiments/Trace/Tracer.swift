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
    /// ηₜ, the rate of this step (the schedule's, when there is one).
    public var learningRate: Double
    /// μₜ (SGD) or β₁ₜ (Adam) of this step, when one_cycle cycles it.
    public var cycledMomentum: Double?
    /// With a schedule, the calls of scheduler.step() before this step (its t).
    public var scheduleSteps: Int?
    /// Per layer, f′(zˡ) as `Activation.derivatives` gives it (softmax: each sample's Jacobian).
    public var activationDerivatives: [Matrix] = []
    /// ∇ₐC = ∂Cₙ/∂ŷ of every sample, before its product with f′(zᴸ) (`Loss.outputGradient`).
    public var outputGradient = Matrix(rows: 0, columns: 0)
    /// Per layer, (Wˡ⁺¹)ᵀ δˡ⁺¹ as rows of the batch, before its product with f′(zˡ); nil for the output layer.
    public var backpropagated: [Matrix?] = []
    /// With `check`, the finite-difference check of this step's gradients.
    public var gradientCheck: GradientCheck?

    public var output: Matrix { a[a.count - 1] }
}

/// Replays the start of a run's training step by step, exactly as `Trainer`
/// does it: the same generator draws the initial weights, then the steps of
/// the same `BatchSchedule` (each epoch's shuffle, the last partial batch
/// kept, the learning-rate schedule stepped where the trainer steps it).
/// With `sample`, every step trains on that one training sample instead (at
/// the rates of the run's steps). With `check`, each step's gradients are
/// checked by finite differences (`GradientCheck`) at its parameters before the update.
public enum Tracer {
    /// The largest relative error `check` lets pass (`GradientCheck.tolerance`).
    public static let checkTolerance = GradientCheck.tolerance

    public static func trace(_ run: RunConfig, data: PreparedData, steps: Int, sample: Int? = nil, check: Bool = false) -> [TraceStep] {
        var generator = Generator(seed: run.seed)
        var network = run.initialNetwork(&generator)
        var plan = BatchSchedule(run: run, samples: data.trainingInputs.rows)
        var state = plan.baseOptimizer.makeState(for: network)
        var result: [TraceStep] = []
        guard plan.samples > 0 else { return result }
        while result.count < steps {
            plan.beginEpoch(&generator)
            while result.count < steps, let batch = plan.nextBatch() {
                let rows = sample.map { [$0] } ?? Array(plan.order[batch])
                let x = Matrix(rows.map { data.trainingInputs.row($0) })
                let y = Matrix(rows.map { data.trainingTargets.row($0) })
                var workspace = Workspace(network: network, batchSize: rows.count)
                network.forward(x, in: &workspace)
                let loss = network.backward(targets: y, loss: run.loss, in: &workspace)
                let before = network
                let optimizer = plan.optimizer
                optimizer.update(&network, gradients: workspace.gradients, state: &state)
                var step = TraceStep(step: result.count + 1, samples: rows, inputs: x, targets: y, z: workspace.z, a: workspace.a,
                                     delta: workspace.delta, loss: loss, gradients: workspace.gradients,
                                     before: before, after: network, state: state, learningRate: optimizer.learningRate,
                                     cycledMomentum: plan.scheduler?.momentum, scheduleSteps: plan.scheduler?.steps)
                let last = before.layers.count - 1
                step.activationDerivatives = before.layers.indices.map { before.layers[$0].activation.derivatives(z: workspace.z[$0], a: workspace.a[$0]) }
                step.outputGradient = run.loss.outputGradient(output: workspace.a[last], targets: y)
                step.backpropagated = before.layers.indices.map { $0 == last ? nil : before.backpropagated(below: $0, deltaAbove: workspace.delta[$0 + 1]) }
                if check {
                    step.gradientCheck = GradientCheck(network: before, inputs: x, targets: y, loss: run.loss, gradients: workspace.gradients)
                }
                result.append(step)
                plan.finishStep()
            }
            if result.count < steps {
                plan.finishEpoch(loss: plan.needsEpochLoss ? epochLoss(network, data: data, loss: run.loss) : .nan)
            }
        }
        return result
    }

    /// The loss reduce_on_plateau watches at the end of an epoch: the validation loss, else the training loss.
    static func epochLoss(_ network: Network, data: PreparedData, loss: Loss) -> Double {
        let (x, y) = data.hasValidation ? (data.validationInputs, data.validationTargets) : (data.trainingInputs, data.trainingTargets)
        var workspace = Workspace(network: network, batchSize: x.rows)
        return network.loss(loss, inputs: x, targets: y, in: &workspace)
    }
}
