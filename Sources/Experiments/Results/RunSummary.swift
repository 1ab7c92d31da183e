import NeuralNetwork

/// One row of `summary.csv`, derived from a run's curve and config alone, so a
/// run read back from disk summarizes exactly as when it was trained.
public struct RunSummary: Sendable, Equatable {
    public var run: String
    /// The labels of the run's sweep values, in axis order.
    public var sweepLabels: [String]
    public var seed: Int
    public var status: RunStatus
    /// The epochs trained (the last epoch of the curve).
    public var epochs: Int
    public var trainLoss: Double
    public var validationLoss: Double?
    /// The lowest validation loss and its epoch (without validation: the epoch of the lowest training loss).
    public var bestValidationLoss: Double?
    public var bestEpoch: Int
    public var trainAccuracy: Double?
    public var validationAccuracy: Double?

    /// The summary of a curve: the last row's values, the best epoch, and the
    /// status — diverged when the last training loss diverged (see
    /// `Trainer.isDiverged`), stopped when early stopping ended the run before
    /// its last epoch, completed otherwise.
    public init(run: RunConfig, curve: [EpochRecord]) {
        let last = curve[curve.count - 1]
        self.run = run.name
        sweepLabels = run.sweepValues.map(\.label)
        seed = run.seed
        epochs = last.epoch
        trainLoss = last.trainLoss
        validationLoss = last.validationLoss
        trainAccuracy = last.trainAccuracy
        validationAccuracy = last.validationAccuracy
        if Trainer.isDiverged(last.trainLoss, initial: curve[0].trainLoss, factor: run.training.divergenceFactor) {
            status = .diverged
        } else if last.epoch < run.training.epochs {
            status = .stopped
        } else {
            status = .completed
        }
        let byValidation = curve.allSatisfy { $0.validationLoss != nil }
        var bestEpoch = 0
        var bestLoss = Double.infinity
        for record in curve {
            let loss = byValidation ? record.validationLoss! : record.trainLoss
            if loss < bestLoss {
                bestLoss = loss
                bestEpoch = record.epoch
            }
        }
        self.bestEpoch = bestEpoch
        bestValidationLoss = byValidation ? (bestLoss.isFinite ? bestLoss : last.validationLoss) : nil
    }

    /// `summary.csv`'s header for an experiment's sweep paths.
    public static func header(sweepPaths: [String]) -> [String] {
        ["run"] + sweepPaths + ["seed", "status", "epochs", "train_loss", "validation_loss", "best_validation_loss",
                                "best_epoch", "train_accuracy", "validation_accuracy"]
    }

    public var fields: [String] {
        [run] + sweepLabels + [String(seed), status.rawValue, String(epochs), CSVText.number(trainLoss),
                               CSVText.number(validationLoss), CSVText.number(bestValidationLoss), String(bestEpoch),
                               CSVText.number(trainAccuracy), CSVText.number(validationAccuracy)]
    }

    /// The whole `summary.csv`, rows in the experiment's run order.
    public static func csv(_ rows: [RunSummary], sweepPaths: [String]) -> String {
        rows.reduce(CSVText.line(header(sweepPaths: sweepPaths))) { $0 + CSVText.line($1.fields) }
    }
}

/// `model.json`: the trained network in the explicit model form of SPEC §3.2,
/// so it can be pasted into an experiment's `model`. Non-finite weights (a
/// diverged run) are written as null.
public enum ModelFile {
    public static func text(_ network: Network) -> String {
        let location = SourceLocation(line: 1, column: 1)
        func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
        func member(_ key: String, _ value: JSONValue) -> JSONMember {
            JSONMember(key: key, keyLocation: location, value: node(value))
        }
        func numbers(_ values: [Double]) -> JSONValue { .array(values.map { node(JSONWriter.number($0)) }) }
        let layers: [JSONNode] = network.layers.map { layer in
            var members = [member("units", JSONWriter.number(Double(layer.units))),
                           member("activation", .string(layer.activation.rawValue))]
            if layer.biases == nil { members.append(member("bias", .bool(false))) }
            members.append(member("weights", .array(layer.weights.rowArrays.map { node(numbers($0)) })))
            if let biases = layer.biases { members.append(member("biases", numbers(biases))) }
            return node(.object(members))
        }
        return JSONWriter.render(.object([member("inputs", JSONWriter.number(Double(network.inputs))),
                                          member("layers", .array(layers))]))
    }
}
