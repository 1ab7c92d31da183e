/// A run's curve as summaries and reports hold it: bounded in memory whatever
/// the number of epochs, built row by row as the run trains or as curve.csv is
/// read (both give the same values: the file's numbers read back exactly).
///
/// Up to `bucketLimit` epochs every row is kept. A longer run of E planned
/// epochs is cut into buckets of w = ⌈(E + 1) / bucketLimit⌉ consecutive
/// epochs (epoch e in bucket ⌊e / w⌋), and each bucket keeps four rows: its
/// first row, the column-wise minimum and maximum of its rows (NaN ignored;
/// dated at the bucket's first and last epoch), and its last row. A chart
/// drawn through them passes through every bucket's extremes, as a chart with
/// a pixel column per bucket shows them. Every run of a grid point has the
/// same planned epochs, so its seeds' rows line up by index.
///
/// `summary` gathers what `RunSummary` needs from every row exactly: the first
/// training loss, the last row and the best epoch.
public struct ReducedCurve: Sendable, CurveSink {
    /// The most buckets a curve is cut into: about a pixel column each of a report's chart.
    public static let bucketLimit = 1024

    /// Epochs per bucket (1: every row kept).
    public let epochsPerBucket: Int
    /// The rows kept, in epoch order: every row, or four per bucket (the last bucket's once `close`d).
    public private(set) var records: [EpochRecord] = []
    public private(set) var summary = CurveSummary()

    // The current bucket (w > 1): its first row, column-wise minimum and maximum.
    private var bucket = -1
    private var first: EpochRecord?
    private var low: EpochRecord?
    private var high: EpochRecord?

    /// An empty curve for a run of `epochs` planned epochs.
    public init(epochs: Int) {
        epochsPerBucket = max(1, (epochs + 1 + ReducedCurve.bucketLimit - 1) / ReducedCurve.bucketLimit)
    }

    /// The curve of `curve`'s rows (a run of `epochs` planned epochs).
    public init(_ curve: [EpochRecord], epochs: Int) {
        self.init(epochs: epochs)
        for record in curve { append(record) }
        close()
    }

    public mutating func append(_ record: EpochRecord) {
        defer { summary.add(record) }
        guard epochsPerBucket > 1 else {
            // Per-layer values equal to the previous row's share its storage
            // (a layer without dead units has none at every epoch): less
            // memory, and the trainer's record keeps its own arrays.
            var kept = record
            if let previous = records.last {
                if kept.gradientNorms == previous.gradientNorms { kept.gradientNorms = previous.gradientNorms }
                if kept.deadFractions == previous.deadFractions { kept.deadFractions = previous.deadFractions }
                if kept.saturatedFractions == previous.saturatedFractions { kept.saturatedFractions = previous.saturatedFractions }
            }
            records.append(kept)
            return
        }
        let index = record.epoch / epochsPerBucket
        if index != bucket {
            // `summary.last` is still the previous row: the bucket's last.
            closeBucket()
            bucket = index
            first = record
            low = record
            high = record
        } else {
            low!.combine(record, by: min)
            high!.combine(record, by: max)
        }
    }

    /// Ends the curve: the last bucket's rows join `records`.
    public mutating func close() { closeBucket() }

    private mutating func closeBucket() {
        guard let first, var low, var high, let last = summary.last else { return }
        low.epoch = first.epoch
        high.epoch = last.epoch
        records += [first, low, high, last]
        self.first = nil
        self.low = nil
        self.high = nil
    }
}

/// What a summary takes from a curve's rows, gathered one row at a time.
public struct CurveSummary: Sendable, Equatable {
    /// The training loss at epoch 0.
    public private(set) var initialTrainLoss = Double.nan
    public private(set) var last: EpochRecord?
    /// Whether every row has a validation loss.
    public private(set) var allValidated = true
    /// The first lowest validation loss and its epoch, and the same of the training loss.
    public private(set) var bestValidation: (loss: Double, epoch: Int) = (.infinity, 0)
    public private(set) var bestTraining: (loss: Double, epoch: Int) = (.infinity, 0)

    public init() {}

    public mutating func add(_ record: EpochRecord) {
        if last == nil {
            initialTrainLoss = record.trainLoss
            last = record
        } else {
            last!.assign(record)
        }
        if let loss = record.validationLoss {
            if loss < bestValidation.loss { bestValidation = (loss, record.epoch) }
        } else {
            allValidated = false
        }
        if record.trainLoss < bestTraining.loss { bestTraining = (record.trainLoss, record.epoch) }
    }

    public static func == (a: CurveSummary, b: CurveSummary) -> Bool {
        a.initialTrainLoss.bitPattern == b.initialTrainLoss.bitPattern && a.last == b.last && a.allValidated == b.allValidated
            && a.bestValidation == b.bestValidation && a.bestTraining == b.bestTraining
    }
}

extension EpochRecord {
    /// Takes `other`'s values, in this record's own storage where the shapes match
    /// (no allocation when its arrays are not shared).
    mutating func assign(_ other: EpochRecord) {
        epoch = other.epoch
        trainLoss = other.trainLoss
        validationLoss = other.validationLoss
        trainAccuracy = other.trainAccuracy
        validationAccuracy = other.validationAccuracy
        learningRate = other.learningRate
        if let norms = other.gradientNorms, gradientNorms?.count == norms.count {
            for l in norms.indices { gradientNorms![l] = norms[l] }
        } else {
            gradientNorms = other.gradientNorms
        }
        if deadFractions.count == other.deadFractions.count, saturatedFractions.count == other.saturatedFractions.count {
            for l in deadFractions.indices {
                deadFractions[l] = other.deadFractions[l]
                saturatedFractions[l] = other.saturatedFractions[l]
            }
        } else {
            deadFractions = other.deadFractions
            saturatedFractions = other.saturatedFractions
        }
    }

    /// Each value replaced by `pick(value, other's)`; a NaN or missing value gives way to the other.
    mutating func combine(_ other: EpochRecord, by pick: (Double, Double) -> Double) {
        func choose(_ a: Double, _ b: Double) -> Double { a.isNaN ? b : b.isNaN ? a : pick(a, b) }
        func choose(_ a: Double?, _ b: Double?) -> Double? {
            guard let a else { return b }
            guard let b else { return a }
            return choose(a, b)
        }
        trainLoss = choose(trainLoss, other.trainLoss)
        validationLoss = choose(validationLoss, other.validationLoss)
        trainAccuracy = choose(trainAccuracy, other.trainAccuracy)
        validationAccuracy = choose(validationAccuracy, other.validationAccuracy)
        learningRate = choose(learningRate, other.learningRate)
        if let norms = other.gradientNorms {
            if gradientNorms?.count == norms.count {
                for l in norms.indices { gradientNorms![l] = choose(gradientNorms![l], norms[l]) }
            } else if gradientNorms == nil {
                gradientNorms = norms
            }
        }
        if deadFractions.count == other.deadFractions.count, saturatedFractions.count == other.saturatedFractions.count {
            for l in deadFractions.indices {
                deadFractions[l] = choose(deadFractions[l], other.deadFractions[l])
                saturatedFractions[l] = choose(saturatedFractions[l], other.saturatedFractions[l])
            }
        }
    }
}
