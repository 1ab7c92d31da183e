import NeuralNetwork

/// The order of a run's training steps, written once for the trainer, the
/// tracer and the learning-rate finder (STYLE 13):
///
///     for epoch e = 1, 2, …:
///         order ← shuffle(order) with the run's generator (when `shuffle`; the
///                 permutation carried over from epoch to epoch)
///         for each batch order[0 ..< B], order[B ..< 2B], …, the last partial one kept:
///             one optimizer step at the scheduler's ηₜ (and μₜ or β₁ₜ)
///             scheduler.step()                               (interval "step")
///         evaluate the training and validation sets
///         scheduler.step(loss)                               (interval "epoch"; reduce_on_plateau
///                                                             watches the validation loss, else
///                                                             the training loss)
///
/// as a PyTorch loop calling `optimizer.step()` and `scheduler.step()` there
/// would. Allocates nothing after `init`.
public struct BatchSchedule: Sendable {
    /// Training samples N and the batch size B (at most N).
    public let samples: Int
    public let batchSize: Int
    public let shuffle: Bool
    /// The run's optimizer as configured; `optimizer` is it at the current rates.
    public let baseOptimizer: Optimizer
    /// The training indices in this epoch's order.
    public private(set) var order: [Int]
    /// The current epoch, from 1 once `beginEpoch` was called (0 before).
    public private(set) var epoch = 0
    /// Optimizer steps taken in all epochs.
    public private(set) var steps = 0
    /// The learning rate (and momentum or β₁) from step to step; nil for a constant rate.
    public private(set) var scheduler: LearningRateScheduler?
    /// Where the next batch starts in `order`.
    private var start = 0

    public init(run: RunConfig, samples: Int) {
        self.samples = samples
        batchSize = run.training.batchSize(samples: samples)
        shuffle = run.training.shuffle
        baseOptimizer = run.optimizer.optimizer
        order = Array(0 ..< samples)
        start = samples
        if let settings = run.optimizer.schedule {
            let perEpoch = batchSize == 0 ? 0 : (samples + batchSize - 1) / batchSize
            let total = settings.interval == .step ? perEpoch * run.training.epochs : run.training.epochs
            scheduler = LearningRateScheduler(settings, baseRate: baseOptimizer.learningRate, stepsPerEpoch: perEpoch,
                                              totalSteps: total)
        }
    }

    /// Optimizer steps in one epoch: ⌈N / B⌉.
    public var stepsPerEpoch: Int { batchSize == 0 ? 0 : (samples + batchSize - 1) / batchSize }

    /// The optimizer of the next step: the run's, at the scheduler's rates.
    @inline(__always)
    public var optimizer: Optimizer {
        guard let scheduler else { return baseOptimizer }
        return baseOptimizer.with(learningRate: scheduler.learningRate, momentum: scheduler.momentum)
    }

    /// The rate of the next step.
    public var learningRate: Double { scheduler?.learningRate ?? baseOptimizer.learningRate }

    /// Whether the epoch's end needs its loss (reduce_on_plateau watches it).
    public var needsEpochLoss: Bool { scheduler?.settings.needsLoss ?? false }

    /// Starts the next epoch: its shuffle.
    public mutating func beginEpoch(_ generator: inout Generator) {
        epoch += 1
        if shuffle { generator.shuffle(&order) }
        start = 0
    }

    /// The next batch of this epoch, as positions in `order`; nil when the epoch is done.
    @inline(__always)
    public mutating func nextBatch() -> Range<Int>? {
        guard start < samples else { return nil }
        let end = min(start + batchSize, samples)
        defer { start = end }
        return start ..< end
    }

    /// After each optimizer step.
    @inline(__always)
    public mutating func finishStep() {
        steps += 1
        if scheduler?.settings.interval == .step { scheduler?.step() }
    }

    /// After the epoch's evaluation; `loss` is the validation loss, else the
    /// training loss (read by reduce_on_plateau only).
    public mutating func finishEpoch(loss: Double) {
        if scheduler?.settings.interval == .epoch { scheduler?.step(loss: loss) }
    }
}
