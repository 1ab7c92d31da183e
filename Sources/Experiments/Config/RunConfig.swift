import NeuralNetwork

/// One fully resolved, validated run of an experiment: the sweep applied, one
/// seed chosen, every default filled in. Everything the trainer needs.
public struct RunConfig: Sendable {
    /// The experiment's name (its results folder).
    public var experiment: String
    /// The run's folder name, e.g. `learning_rate=0.01,seed=2`.
    public var name: String
    /// The seed of weight initialisation and shuffling.
    public var seed: Int
    /// The value each sweep axis takes in this run, in axis order.
    public var sweepValues: [SweepValue]
    public var data: DataConfig
    public var model: ModelConfig
    public var loss: Loss
    public var optimizer: OptimizerConfig
    public var training: TrainingConfig
    /// The resolved experiment as JSON, without `sweep` and with `seeds: [seed]`:
    /// run on its own, it reproduces this run.
    public var resolved: JSONNode
}

/// The value one sweep axis takes in one run.
public struct SweepValue: Sendable, Equatable {
    /// The dotted path, e.g. `optimizer.learning_rate`.
    public var path: String
    /// The value as text for run names and tables: a number's shortest text, a
    /// string itself, a list's items joined by "-", an object's "name".
    public var label: String
    /// The value as it replaced the one at `path`.
    public var value: JSONNode
}

/// Where the data comes from, with the source-specific settings.
public enum DataSource: Sendable, Equatable {
    /// Four corners without `samples`, else `samples` noisy points.
    case xor(samples: Int?)
    case moons(samples: Int)
    case circles(samples: Int, factor: Double)
    case spirals(samples: Int)
    case blobs(samples: Int, classes: Int, features: Int)
    case sine(samples: Int)
    case inline(inputs: [[Double]], labels: [Int]?, targets: [[Double]]?)
    /// `path` as the process opens it; `displayPath` as the file wrote it;
    /// `sha256` the digest of the file's bytes (recorded in config.json).
    case csv(path: String, displayPath: String, target: String, task: LearningTask.Kind, sha256: String)

    /// The `source` name in experiment files.
    public var name: String {
        switch self {
        case .xor: return "xor"
        case .moons: return "moons"
        case .circles: return "circles"
        case .spirals: return "spirals"
        case .blobs: return "blobs"
        case .sine: return "sine"
        case .inline: return "inline"
        case .csv: return "csv"
        }
    }
}

/// The `data` section, resolved.
public struct DataConfig: Sendable, Equatable {
    public var source: DataSource
    /// The noise: the standard deviation of Gaussian noise (blobs: of each
    /// cluster), for spirals the amplitude of uniform noise in [−noise, noise).
    public var noise: Double
    /// The fraction of samples held out for validation, 0 ≤ f < 1.
    public var validationSplit: Double
    /// The data seed: generation and the split.
    public var seed: Int
    /// Scale each input to mean 0, std 1 using the training part only.
    public var standardize: Bool
}

/// The network to build: the number of inputs and every layer, the compact
/// form already expanded.
public struct ModelConfig: Sendable, Equatable {
    public var inputs: Int
    public var layers: [LayerSpec]

    public var outputs: Int { layers[layers.count - 1].units }
    public var outputActivation: Activation { layers[layers.count - 1].activation }
}

/// The `optimizer` section: its name as written (`sgd`, `momentum`, `adam`), the update rule
/// and its learning-rate schedule (nil: the constant rate).
public struct OptimizerConfig: Sendable, Equatable {
    public var name: String
    public var optimizer: Optimizer
    public var schedule: ScheduleSettings?

    public init(name: String, optimizer: Optimizer, schedule: ScheduleSettings? = nil) {
        self.name = name
        self.optimizer = optimizer
        self.schedule = schedule
    }
}

/// The `training` section, resolved.
public struct TrainingConfig: Sendable, Equatable {
    public enum BatchSize: Sendable, Equatable {
        case samples(Int)
        /// The whole training set in one batch.
        case full
    }

    public struct EarlyStopping: Sendable, Equatable {
        /// Epochs without an improvement of at least `minDelta` before stopping.
        public var patience: Int
        public var minDelta: Double
    }

    public var epochs: Int
    public var batchSize: BatchSize
    public var shuffle: Bool
    /// A run diverges when its training loss exceeds this factor times its epoch-0 loss.
    public var divergenceFactor: Double
    public var earlyStopping: EarlyStopping?
}
