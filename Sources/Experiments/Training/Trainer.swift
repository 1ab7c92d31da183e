import Foundation
import NeuralNetwork

/// How a run ended.
public enum RunStatus: String, Sendable, Equatable {
    /// All epochs trained.
    case completed
    /// The training loss became NaN or infinite, or exceeded `divergence_factor`
    /// times its epoch-0 value. A result, not a failure.
    case diverged
    /// Early stopping: the validation loss stopped improving.
    case stopped
}

/// One row of a loss curve: the full training and validation sets evaluated
/// after an epoch (epoch 0: before training).
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    /// Nil without a validation split.
    public var validationLoss: Double?
    /// Fraction of samples classified right; nil for regression.
    public var trainAccuracy: Double?
    public var validationAccuracy: Double?
    /// Per layer, the mean over the epoch's steps of ‖∂C/∂Wˡ‖; nil at epoch 0.
    public var gradientNorms: [Double]?
    /// The learning rate of the epoch's last step; nil at epoch 0.
    public var learningRate: Double?
    /// Per layer, `UnitState.deadFraction` on the training set (nil where the
    /// activation has no dead units); empty when not known (a curve written before these columns).
    public var deadFractions: [Double?]
    /// Per layer, `UnitState.saturatedFraction` on the training set (nil where
    /// the activation does not saturate); empty when not known.
    public var saturatedFractions: [Double?]

    public init(epoch: Int, trainLoss: Double, validationLoss: Double?, trainAccuracy: Double?,
                validationAccuracy: Double?, gradientNorms: [Double]?, learningRate: Double? = nil,
                deadFractions: [Double?] = [], saturatedFractions: [Double?] = []) {
        self.learningRate = learningRate
        self.deadFractions = deadFractions
        self.saturatedFractions = saturatedFractions
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.gradientNorms = gradientNorms
    }
}

/// What training one run produced, its whole curve kept in memory.
public struct TrainingResult: Sendable {
    public var status: RunStatus
    /// Epoch 0 and every epoch trained.
    public var curve: [EpochRecord]
    /// The network after the last epoch trained.
    public var network: Network
    /// The network at each frame epoch (`FrameEpochs`) and at the last epoch
    /// that did not diverge; empty unless the run is 2-D classification.
    public var snapshots: [NetworkSnapshot] = []
}

/// What training one run produced when its curve went to a `CurveSink`.
public struct TrainedNetwork: Sendable {
    public var status: RunStatus
    /// The last epoch trained.
    public var epochs: Int
    /// The network after the last epoch trained (the last finite one, for a diverged run).
    public var network: Network
    /// As `TrainingResult.snapshots`.
    public var snapshots: [NetworkSnapshot] = []
}

/// Where a run's curve goes while it trains, one row per epoch, epoch 0 first.
public protocol CurveSink {
    /// Takes one epoch's row. The trainer reuses the record's storage for the
    /// next epoch: a sink that keeps rows keeps copies.
    mutating func append(_ record: EpochRecord)
}

/// A sink that keeps every row: the whole curve in memory.
public struct CollectedCurve: CurveSink {
    public var records: [EpochRecord] = []

    public init() {}

    public mutating func append(_ record: EpochRecord) { records.append(record) }
}

/// Trains runs as SPEC §4 defines it: the steps of `BatchSchedule` (mini-batches
/// of the training set, shuffled each epoch by the run's generator, the last
/// partial batch kept, the learning-rate schedule stepped where PyTorch's loop
/// steps it); the full training and validation sets evaluated before training
/// and after every epoch; divergence and early stopping.
///
/// The run's generator, `Generator(seed: run.seed)`, first draws the missing
/// initial weights (layer by layer), then each epoch's shuffle (Fisher–Yates of
/// the training indices, the permutation carried over from epoch to epoch).
/// A training step allocates nothing: batches are copied into preallocated
/// matrices and the network's buffers are reused.
public enum Trainer {
    /// Trains one run, keeping its whole curve. `shouldStop` is asked after every
    /// epoch; when it answers true, training ends and nil is returned (an
    /// interrupted run is no result).
    public static func train(_ run: RunConfig, data: PreparedData,
                             shouldStop: () -> Bool = { false }) -> TrainingResult? {
        var curve = CollectedCurve()
        guard let trained = train(run, data: data, curve: &curve, shouldStop: shouldStop) else { return nil }
        return TrainingResult(status: trained.status, curve: curve.records, network: trained.network, snapshots: trained.snapshots)
    }

    /// Trains one run, handing each epoch's row to `sink` as it is evaluated;
    /// nil when `shouldStop` answered true. The rows share one record's
    /// storage: past epoch 0, an epoch allocates nothing unless the sink keeps rows.
    public static func train<Sink: CurveSink>(_ run: RunConfig, data: PreparedData, curve sink: inout Sink,
                                              shouldStop: () -> Bool = { false }) -> TrainedNetwork? {
        var generator = Generator(seed: run.seed)
        var network = run.initialNetwork(&generator)
        var plan = BatchSchedule(run: run, samples: data.trainingInputs.rows)
        var state = plan.baseOptimizer.makeState(for: network)
        let n = plan.samples, batchSize = plan.batchSize

        var evaluator = Evaluator(network: network, data: data, loss: run.loss)
        var record = EpochRecord(epoch: 0, trainLoss: 0, validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, gradientNorms: nil)
        evaluator.record(network, into: &record)
        sink.append(record)
        let initialLoss = record.trainLoss

        var batch = BatchBuffers(network: network, size: batchSize, features: data.trainingInputs.columns,
                                 outputs: data.trainingTargets.columns)
        let lastSize = n % batchSize
        var lastBatch = lastSize == 0 ? nil : BatchBuffers(network: network, size: lastSize, features: data.trainingInputs.columns,
                                                            outputs: data.trainingTargets.columns)
        var normSums = [Double](repeating: 0, count: network.layers.count)
        var status = isDiverged(initialLoss, initial: initialLoss, factor: run.training.divergenceFactor) ? RunStatus.diverged : .completed
        // The network after the last epoch that did not diverge: what model.json
        // holds when a diverged run's weights are no longer finite (JSON has no NaN).
        var lastFinite = network
        var best = record.validationLoss ?? .infinity
        var epochsWithoutImprovement = 0
        let recordsFrames = FrameEpochs.records(data)
        var snapshots = recordsFrames ? [NetworkSnapshot(epoch: 0, network: network)] : []
        var lastFiniteEpoch = 0

        while status == .completed && plan.epoch < run.training.epochs {
            plan.beginEpoch(&generator)
            for l in normSums.indices { normSums[l] = 0 }
            var steps = 0
            var learningRate = plan.learningRate
            while let rows = plan.nextBatch() {
                let optimizer = plan.optimizer
                learningRate = optimizer.learningRate
                if rows.count == batchSize {
                    batch.step(&network, rows: plan.order, from: rows.lowerBound, data: data, loss: run.loss, optimizer: optimizer,
                               state: &state, normSums: &normSums)
                } else {
                    lastBatch?.step(&network, rows: plan.order, from: rows.lowerBound, data: data, loss: run.loss, optimizer: optimizer,
                                    state: &state, normSums: &normSums)
                }
                steps += 1
                plan.finishStep()
            }
            record.epoch = plan.epoch
            if record.gradientNorms == nil { record.gradientNorms = normSums }
            for l in normSums.indices { record.gradientNorms![l] = normSums[l] / Double(steps) }
            record.learningRate = learningRate
            evaluator.record(network, into: &record)
            sink.append(record)
            plan.finishEpoch(loss: record.validationLoss ?? record.trainLoss)
            if isDiverged(record.trainLoss, initial: initialLoss, factor: run.training.divergenceFactor) {
                status = .diverged
            } else if let stopping = run.training.earlyStopping, let loss = record.validationLoss {
                if loss < best - stopping.minDelta {
                    best = loss
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    // Patience running out at the last epoch changes nothing: the run completed.
                    if epochsWithoutImprovement >= stopping.patience && plan.epoch < run.training.epochs { status = .stopped }
                }
            }
            if status != .diverged {
                lastFinite.copyParameters(from: network)
                lastFiniteEpoch = plan.epoch
                if recordsFrames && FrameEpochs.isFrame(plan.epoch) { snapshots.append(NetworkSnapshot(epoch: plan.epoch, network: network)) }
            } else if !network.hasFiniteParameters {
                network = lastFinite
            }
            if shouldStop() { return nil }
        }
        if recordsFrames && snapshots.last?.epoch != lastFiniteEpoch {
            snapshots.append(NetworkSnapshot(epoch: lastFiniteEpoch, network: lastFinite))
        }
        return TrainedNetwork(status: status, epochs: record.epoch, network: network, snapshots: snapshots)
    }

    /// Divergence: a non-finite loss, or one above `factor` times the epoch-0
    /// loss. When the epoch-0 loss is 0 only a non-finite loss counts.
    public static func isDiverged(_ loss: Double, initial: Double, factor: Double) -> Bool {
        !loss.isFinite || (initial > 0 && loss > factor * initial)
    }
}

/// The preallocated batch of one size: targets and the network's buffers,
/// whose `input` holds the batch's inputs.
private struct BatchBuffers {
    var targets: Matrix
    var workspace: Workspace

    init(network: Network, size: Int, features: Int, outputs: Int) {
        targets = Matrix(rows: size, columns: outputs)
        workspace = Workspace(network: network, batchSize: size, keepingReluPreactivations: false)
    }

    /// One training step on the rows `order[start ..< start + size]`: forward,
    /// backward, the optimizer's update; adds each layer's ‖∂C/∂Wˡ‖ to `normSums`.
    mutating func step(_ network: inout Network, rows order: [Int], from start: Int, data: PreparedData, loss: Loss,
                       optimizer: Optimizer, state: inout OptimizerState, normSums: inout [Double]) {
        // The inputs go straight into the workspace, whose buffer then has no
        // other owner: writing it copies nothing.
        copyRows(order, from: start, of: data.trainingInputs, into: &workspace.input)
        copyRows(order, from: start, of: data.trainingTargets, into: &targets)
        network.forward(workspace.input, in: &workspace)
        network.backpropagate(targets: targets, loss: loss, in: &workspace)
        for l in normSums.indices {
            normSums[l] += workspace.gradients[l].weights.frobeniusNorm
        }
        optimizer.update(&network, gradients: workspace.gradients, state: &state)
    }
}

/// Copies rows `order[start ..< start + destination.rows]` of `source` into `destination`.
private func copyRows(_ order: [Int], from start: Int, of source: Matrix, into destination: inout Matrix) {
    let columns = source.columns
    order.withUnsafeBufferPointer { indices in
        source.elements.withUnsafeBufferPointer { from in
            destination.elements.withUnsafeMutableBufferPointer { to in
                guard let from = from.baseAddress, let to = to.baseAddress else { return }
                for row in 0 ..< destination.rows {
                    let source = from + indices[start + row] * columns, target = to + row * columns
                    // Eight at a time, each a memcpy of constant size that the compiler
                    // makes one vector move: a call to memmove costs more than it saves on rows this short.
                    var j = 0
                    while j + 8 <= columns {
                        memcpy(target + j, source + j, 8 * MemoryLayout<Double>.stride)
                        j += 8
                    }
                    while j < columns {
                        target[j] = source[j]
                        j += 1
                    }
                }
            }
        }
    }
}

/// Evaluates the network on the whole training and validation sets, with
/// buffers allocated once per run; the training set's forward pass also gives
/// each layer's dead and saturated units (`UnitState`).
private struct Evaluator {
    let data: PreparedData
    let loss: Loss
    var training: Workspace?
    var validation: Workspace?
    /// Scratch for `UnitState.deadFraction`: a slot per unit of the widest layer.
    var unseen: [Int32]

    init(network: Network, data: PreparedData, loss: Loss) {
        self.data = data
        self.loss = loss
        unseen = [Int32](repeating: 0, count: network.layers.map(\.units).max() ?? 0)
        training = data.trainingInputs.rows > 0 ? Workspace(network: network, batchSize: data.trainingInputs.rows, keepingReluPreactivations: false, forTraining: false) : nil
        validation = data.hasValidation ? Workspace(network: network, batchSize: data.validationInputs.rows, keepingReluPreactivations: false, forTraining: false) : nil
    }

    /// Fills `record`'s losses, accuracies and unit states (its epoch, gradient
    /// norms and learning rate are the caller's), in place: its arrays are
    /// reused when no one else holds them.
    mutating func record(_ network: Network, into record: inout EpochRecord) {
        // `evaluate` is static: a method of `self` would take a copy of `self`,
        // whose second reference to the workspace would make every write to it copy.
        (record.trainLoss, record.trainAccuracy) = Evaluator.evaluate(network, loss, &training!, data.trainingInputs,
                                                                      data.trainingTargets, data.trainingLabels)
        let layers = network.layers.count
        if record.deadFractions.count != layers {
            record.deadFractions = Array(repeating: nil, count: layers)
            record.saturatedFractions = Array(repeating: nil, count: layers)
        }
        for l in network.layers.indices {
            let activation = network.layers[l].activation
            record.deadFractions[l] = UnitState.deadFraction(activation, a: training!.a[l], unseen: &unseen)
            record.saturatedFractions[l] = UnitState.saturatedFraction(activation, a: training!.a[l])
        }
        if validation != nil {
            (record.validationLoss, record.validationAccuracy) = Evaluator.evaluate(network, loss, &validation!, data.validationInputs,
                                                                                    data.validationTargets, data.validationLabels)
        }
    }

    /// The mean loss and, for classification, the accuracy: the predicted class
    /// is aᴸ > 0.5 for one output, the largest output (first on ties) otherwise.
    private static func evaluate(_ network: Network, _ loss: Loss, _ workspace: inout Workspace, _ x: Matrix, _ y: Matrix,
                                 _ labels: [Int]?) -> (Double, Double?) {
        let value = network.loss(loss, inputs: x, targets: y, in: &workspace)
        guard let labels else { return (value, nil) }
        let output = workspace.output
        let columns = output.columns
        var correct = 0
        output.elements.withUnsafeBufferPointer { scores in
            for row in 0 ..< output.rows {
                let start = row * columns
                var predicted = 0
                if columns == 1 {
                    predicted = scores[start] > 0.5 ? 1 : 0
                } else {
                    for j in 1 ..< columns where scores[start + j] > scores[start + predicted] { predicted = j }
                }
                if predicted == labels[row] { correct += 1 }
            }
        }
        return (value, Double(correct) / Double(output.rows))
    }
}

extension RunConfig {
    /// The run's initial network: given weights as they are, the missing ones
    /// drawn from `generator` (the run's own, seeded by `seed`), layer by layer.
    func initialNetwork(_ generator: inout Generator) -> Network {
        // The specs were validated against the data; a failure here is a bug.
        guard let network = try? Network(inputs: model.inputs, specs: model.layers, generator: &generator) else {
            preconditionFailure("a validated model could not be built: \(name)")
        }
        return network
    }
}

extension TrainingConfig {
    /// The mini-batch size for a training set of n samples: `batch_size`, at most n; "full" is n.
    func batchSize(samples n: Int) -> Int {
        switch batchSize {
        case .full: return n
        case .samples(let size): return min(size, n)
        }
    }
}
