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
    public init(run: String, sweepLabels: [String], seed: Int, training: TrainingConfig, curve: [EpochRecord]) {
        var summary = CurveSummary()
        for record in curve { summary.add(record) }
        self.init(run: run, sweepLabels: sweepLabels, seed: seed, training: training, curve: summary)
    }

    /// The same from a curve's `CurveSummary` (of at least one row).
    public init(run: String, sweepLabels: [String], seed: Int, training: TrainingConfig, curve: CurveSummary) {
        let last = curve.last!
        self.run = run
        self.sweepLabels = sweepLabels
        self.seed = seed
        epochs = last.epoch
        trainLoss = last.trainLoss
        validationLoss = last.validationLoss
        trainAccuracy = last.trainAccuracy
        validationAccuracy = last.validationAccuracy
        if Trainer.isDiverged(last.trainLoss, initial: curve.initialTrainLoss, factor: training.divergenceFactor) {
            status = .diverged
        } else if last.epoch < training.epochs {
            status = .stopped
        } else {
            status = .completed
        }
        if curve.allValidated {
            bestEpoch = curve.bestValidation.epoch
            bestValidationLoss = curve.bestValidation.loss.isFinite ? curve.bestValidation.loss : last.validationLoss
        } else {
            bestEpoch = curve.bestTraining.epoch
            bestValidationLoss = nil
        }
    }
}

extension RunSummary {
    /// A run's row, from its config and curve.
    public init(run: RunConfig, curve: [EpochRecord]) {
        self.init(run: run.name, sweepLabels: run.sweepValues.map(\.label), seed: run.seed, training: run.training, curve: curve)
    }

    public init(run: RunConfig, curve: CurveSummary) {
        self.init(run: run.name, sweepLabels: run.sweepValues.map(\.label), seed: run.seed, training: run.training, curve: curve)
    }
}

/// `summary.csv`: one row per finished run, in the experiment's run order.
///
/// Columns: `run`, one per sweep path, then `seed, status, epochs, train_loss,
/// validation_loss, best_validation_loss, best_epoch, train_accuracy,
/// validation_accuracy`; blank where a value does not apply. Read back by
/// column name.
public enum SummaryFile {
    /// The columns after the sweep paths.
    static let columns = ["seed", "status", "epochs", "train_loss", "validation_loss", "best_validation_loss",
                          "best_epoch", "train_accuracy", "validation_accuracy"]

    public static func header(sweepPaths: [String]) -> [String] {
        ["run"] + sweepPaths + columns
    }

    static func fields(_ row: RunSummary) -> [String] {
        [row.run] + row.sweepLabels + [String(row.seed), row.status.rawValue, String(row.epochs), CSVText.number(row.trainLoss),
                                       CSVText.number(row.validationLoss), CSVText.number(row.bestValidationLoss), String(row.bestEpoch),
                                       CSVText.number(row.trainAccuracy), CSVText.number(row.validationAccuracy)]
    }

    /// The whole file, rows in the order given (the experiment's run order).
    public static func text(_ rows: [RunSummary], sweepPaths: [String]) -> String {
        var text = CSVText.line(header(sweepPaths: sweepPaths))
        for row in rows { text += CSVText.line(fields(row)) }
        return text
    }

    public static func write(_ rows: [RunSummary], sweepPaths: [String], to folder: ExperimentFolder) throws(WriteError) {
        try ResultFiles.write(text(rows, sweepPaths: sweepPaths), to: folder.summary)
    }

    /// Reads `summary.csv` by its column names: the sweep paths (the columns
    /// between `run` and `seed`) and the rows; nil when the file is missing or not such a table.
    public static func read(_ folder: ExperimentFolder) -> (sweepPaths: [String], rows: [RunSummary])? {
        guard let data = ResultFiles.read(folder.summary) else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> (sweepPaths: [String], rows: [RunSummary])? {
        let table = CSVText.parse(text)
        guard let header = table.first, header.first == "run", let seedColumn = header.firstIndex(of: "seed"),
              Array(header[seedColumn...]) == columns else { return nil }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where i >= seedColumn { index[name] = i }
        let paths = Array(header[1 ..< seedColumn])
        var rows: [RunSummary] = []
        for row in table.dropFirst() {
            guard row.count == header.count else { return nil }
            func cell(_ name: String) -> String { row[index[name]!] }
            guard let seed = Int(cell("seed")), let status = RunStatus(rawValue: cell("status")), let epochs = Int(cell("epochs")),
                  let trainLoss = CurveFile.number(cell("train_loss")), let bestEpoch = Int(cell("best_epoch")) else { return nil }
            rows.append(RunSummary(run: row[0], sweepLabels: Array(row[1 ..< seedColumn]), seed: seed, status: status,
                                   epochs: epochs, trainLoss: trainLoss, validationLoss: CurveFile.number(cell("validation_loss")),
                                   bestValidationLoss: CurveFile.number(cell("best_validation_loss")), bestEpoch: bestEpoch,
                                   trainAccuracy: CurveFile.number(cell("train_accuracy")),
                                   validationAccuracy: CurveFile.number(cell("validation_accuracy"))))
        }
        return (paths, rows)
    }
}

extension RunSummary {
    init(run: String, sweepLabels: [String], seed: Int, status: RunStatus, epochs: Int, trainLoss: Double,
         validationLoss: Double?, bestValidationLoss: Double?, bestEpoch: Int, trainAccuracy: Double?, validationAccuracy: Double?) {
        self.run = run
        self.sweepLabels = sweepLabels
        self.seed = seed
        self.status = status
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.bestValidationLoss = bestValidationLoss
        self.bestEpoch = bestEpoch
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
    }
}
