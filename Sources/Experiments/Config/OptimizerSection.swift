import NeuralNetwork

/// The optimizers and the keys each takes.
private let optimizerKeys: [(String, [String])] = [
    ("sgd", ["name", "learning_rate", "weight_decay", "schedule"]),
    ("momentum", ["name", "learning_rate", "momentum", "nesterov", "weight_decay", "schedule"]),
    ("adam", ["name", "learning_rate", "beta1", "beta2", "epsilon", "weight_decay", "schedule"]),
]
/// Every key an `optimizer` object may have, for sweep paths.
let allOptimizerKeys = ["name", "learning_rate", "momentum", "nesterov", "beta1", "beta2", "epsilon", "weight_decay", "schedule"]

/// Reads and checks `optimizer`: `sgd`, `momentum` (SGD with μ, optionally Nesterov) or `adam`, each
/// with an optional learning-rate `schedule` (ScheduleSection.swift).
///
/// one_cycle with cycle_momentum cycles SGD's momentum as PyTorch does, whose SGD always has a
/// momentum setting: on plain `sgd` it turns momentum on (μ from max_momentum down to
/// base_momentum and back, the buffer b ← μₜ b + g), so `sgd` then trains as `momentum` would.
func readOptimizer(_ node: JSONNode, sink: DiagnosticSink) -> OptimizerConfig? {
    guard var reader = ObjectReader(node, path: "optimizer", sink: sink) else { return nil }
    guard let name = reader.choice("name", kind: "optimizer", optimizerKeys.map { ($0.0, $0.0) }, required: true) else {
        return nil
    }
    let own = optimizerKeys.first { $0.0 == name }!.1
    var explanations: [String: String] = [:]
    for key in allOptimizerKeys where !own.contains(key) {
        let takers = optimizerKeys.filter { $0.1.contains(key) }.map(\.0)
        explanations[key] = "\(name) takes no \"\(key)\" (\(nameList(takers)) \(takers.count == 1 ? "does" : "do"))"
    }
    let weightDecay = reader.number("weight_decay", .nonNegative, default: 0)
    var optimizer: Optimizer?
    switch name {
    case "sgd", "momentum":
        let learningRate = reader.number("learning_rate", .positive, required: true)
        let momentum = name == "momentum" ? reader.number("momentum", .positive, default: 0.9) : 0
        let nesterov = name == "momentum" ? reader.bool("nesterov", default: false) : false
        if let learningRate, let momentum, let nesterov, let weightDecay {
            optimizer = .sgd(SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay))
        }
    default:
        let learningRate = reader.number("learning_rate", .positive, default: 0.001)
        let beta1 = reader.number("beta1", .fractionBelowOne, default: 0.9)
        let beta2 = reader.number("beta2", .fractionBelowOne, default: 0.999)
        let epsilon = reader.number("epsilon", .positive, default: 1e-8)
        if let learningRate, let beta1, let beta2, let epsilon, let weightDecay {
            optimizer = .adam(Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay))
        }
    }
    var schedule: ScheduleSettings?
    var scheduleOK = true
    if let member = reader.member("schedule") {
        schedule = readSchedule(member.value, path: reader.childPath("schedule"), sink: sink)
        scheduleOK = schedule != nil
    }
    reader.finish(allowed: own, explanations: explanations)
    guard scheduleOK, var optimizer else { return nil }
    if case .oneCycle(let cycle) = schedule?.schedule, cycle.cycleMomentum {
        // The momentum buffer exists from the first step, as in PyTorch's SGD with μ ≠ 0.
        optimizer = optimizer.with(learningRate: optimizer.learningRate, momentum: cycle.maxMomentum)
    }
    return OptimizerConfig(name: name, optimizer: optimizer, schedule: schedule)
}

let trainingKeys = ["epochs", "batch_size", "shuffle", "divergence_factor", "early_stopping"]

/// The most epochs a run may train.
let maximumEpochs = 10_000_000

/// Reads and checks `training`.
func readTraining(_ node: JSONNode, validationSplit: Double?, sink: DiagnosticSink) -> TrainingConfig? {
    guard var reader = ObjectReader(node, path: "training", sink: sink) else { return nil }
    let epochs = reader.integer("epochs", minimum: 1, maximum: maximumEpochs, required: true)
    var batchSize: TrainingConfig.BatchSize? = .samples(32)
    if let member = reader.member("batch_size") {
        if member.value.value.stringValue == "full" {
            batchSize = .full
        } else if let n = member.value.intValue, n >= 1 {
            batchSize = .samples(n)
        } else {
            sink.error(at: member.value.location, "training.batch_size", "expected an integer ≥ 1 or \"full\", found \(foundText(member.value))")
            batchSize = nil
        }
    }
    let shuffle = reader.bool("shuffle", default: true)
    let divergenceFactor = reader.number("divergence_factor", .greaterThanOne, default: 1e4)
    var earlyStopping: TrainingConfig.EarlyStopping?
    var earlyStoppingOK = true
    if let member = reader.member("early_stopping") {
        earlyStoppingOK = false
        if var object = ObjectReader(member.value, path: "training.early_stopping", sink: sink) {
            let patience = object.integer("patience", minimum: 1, maximum: maximumEpochs, required: true)
            let minDelta = object.number("min_delta", .nonNegative, default: 0)
            object.finish(allowed: ["patience", "min_delta"])
            if let patience, let minDelta {
                earlyStopping = .init(patience: patience, minDelta: minDelta)
                earlyStoppingOK = true
            }
            if validationSplit == 0 {
                sink.error(at: member.keyLocation, "training.early_stopping",
                           "early stopping watches the validation loss, but data.validation_split is 0")
                earlyStoppingOK = false
            }
        }
    }
    reader.finish(allowed: trainingKeys)
    guard let epochs, let batchSize, let shuffle, let divergenceFactor, earlyStoppingOK else { return nil }
    return TrainingConfig(epochs: epochs, batchSize: batchSize, shuffle: shuffle,
                          divergenceFactor: divergenceFactor, earlyStopping: earlyStopping)
}

/// Checks that the loss fits the output layer and the task: binary
/// cross-entropy needs a sigmoid output, cross-entropy a softmax one, and both
/// need classification data.
func checkLossPairing(_ loss: Loss, lossNode: JSONNode, model: ModelConfig?, shape: DataShape, sink: DiagnosticSink) -> Bool {
    if case .regression = shape.targets, loss.requiredOutputActivation != nil {
        sink.error(at: lossNode.location, "loss", "\(loss.rawValue) needs classification data, but the data is regression (use mse, squared_error or half_squared_error)")
        return false
    }
    if let model, let required = loss.requiredOutputActivation, required != model.outputActivation {
        sink.error(at: lossNode.location, "loss",
                   "\(loss.rawValue) needs a \(required.rawValue) output layer, but the output activation is \(model.outputActivation.rawValue)")
        return false
    }
    return true
}
