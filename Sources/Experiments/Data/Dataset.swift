import NeuralNetwork

/// What a data set asks a network to learn.
///
/// Named `LearningTask` rather than `Task` so that it never shadows Swift's
/// concurrency `Task` in code that imports this module.
public enum LearningTask: Sendable, Equatable {
    /// Each sample belongs to one class; class i is `classNames[i]`.
    case classification(classNames: [String])
    /// Each sample has a row of real-valued targets.
    case regression

    /// The task without its class names, as experiment files write it.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case classification
        case regression
    }

    public var kind: Kind {
        switch self {
        case .classification: .classification
        case .regression: .regression
        }
    }
}

/// A data set in memory: one sample per row of `inputs`, with either a class
/// label (classification) or a row of targets (regression) per sample.
///
/// Build one with `init(inputs:labels:classNames:featureNames:)`,
/// `init(inputs:targets:featureNames:)`, `Dataset.inline`, a `SyntheticData`
/// generator or `CSVData.load`; the initialisers check that the parts agree.
public struct Dataset: Sendable, Equatable {
    /// N × features, one sample per row.
    public var inputs: Matrix
    /// Classification: the class index of each row, in 0 ..< classNames.count. Nil for regression.
    public var labels: [Int]?
    /// Regression: N × target width. Nil for classification.
    public var targets: Matrix?
    public var task: LearningTask
    /// One name per input column.
    public var featureNames: [String]

    /// A classification data set. Every label must be in 0 ..< classNames.count.
    public init(inputs: Matrix, labels: [Int], classNames: [String], featureNames: [String]) {
        precondition(labels.count == inputs.rows,
                     "Dataset needs one label per input row: \(inputs.rows) rows, \(labels.count) labels")
        precondition(featureNames.count == inputs.columns,
                     "Dataset needs one feature name per input column: \(inputs.columns) columns, \(featureNames.count) names")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classNames.count },
                     "Dataset labels must be in 0 ..< \(classNames.count)")
        self.inputs = inputs
        self.labels = labels
        self.targets = nil
        self.task = .classification(classNames: classNames)
        self.featureNames = featureNames
    }

    /// A regression data set: `targets` has one row per input row.
    public init(inputs: Matrix, targets: Matrix, featureNames: [String]) {
        precondition(targets.rows == inputs.rows,
                     "Dataset needs one target row per input row: inputs \(inputs.rows)×\(inputs.columns), targets \(targets.rows)×\(targets.columns)")
        precondition(featureNames.count == inputs.columns,
                     "Dataset needs one feature name per input column: \(inputs.columns) columns, \(featureNames.count) names")
        self.inputs = inputs
        self.labels = nil
        self.targets = targets
        self.task = .regression
        self.featureNames = featureNames
    }

    /// The number of samples.
    public var count: Int { inputs.rows }

    /// The samples at `indices`, in that order (an index may repeat).
    public func subset(_ indices: [Int]) -> Dataset {
        var result = self
        result.inputs = Self.rows(indices, of: inputs)
        if let labels {
            result.labels = indices.map { labels[$0] }
        }
        if let targets {
            result.targets = Self.rows(indices, of: targets)
        }
        return result
    }

    /// The targets a network with `outputs` output units is trained on
    /// (SPEC §3.1):
    ///
    /// - classification, one output: the label (0 or 1) as an N × 1 column;
    /// - classification, K ≥ 2 outputs: one-hot rows, N × K, with a 1 in column `label`;
    /// - regression: `targets`, whose width must equal `outputs`.
    ///
    /// The pairing is validated with the experiment; a mismatch here is a
    /// programming error and stops with a precondition naming the shapes.
    public func targetMatrix(outputs: Int) -> Matrix {
        switch task {
        case .classification(let classNames):
            let labels = labels ?? []
            if outputs == 1 {
                precondition(classNames.count <= 2,
                             "One output unit holds a 0/1 label, but the data has \(classNames.count) classes")
                return Matrix(rows: count, columns: 1, elements: labels.map(Double.init))
            }
            precondition(outputs >= classNames.count,
                         "One-hot targets need at least \(classNames.count) outputs (one per class), got \(outputs)")
            var result = Matrix(rows: count, columns: outputs)
            for (row, label) in labels.enumerated() {
                result[row, label] = 1
            }
            return result
        case .regression:
            let targets = targets ?? Matrix(rows: count, columns: 0)
            precondition(targets.columns == outputs,
                         "Regression targets are \(targets.rows)×\(targets.columns), the network has \(outputs) outputs")
            return targets
        }
    }

    private static func rows(_ indices: [Int], of matrix: Matrix) -> Matrix {
        var elements: [Double] = []
        elements.reserveCapacity(indices.count * matrix.columns)
        for i in indices {
            precondition(i >= 0 && i < matrix.rows, "Row index \(i) out of range 0 ..< \(matrix.rows)")
            elements.append(contentsOf: matrix.elements[i * matrix.columns ..< (i + 1) * matrix.columns])
        }
        return Matrix(rows: indices.count, columns: matrix.columns, elements: elements)
    }
}

// MARK: - Inline data

extension Dataset {
    /// The `inline` source of SPEC §3.1: the rows exactly as written, in that order.
    ///
    /// Exactly one of `labels` (classification; classes "0", "1", … up to the
    /// largest label, so a class may have no samples) and `targets`
    /// (regression, one row per input row) is given. Features are named
    /// x1, x2, …. Shapes are checked by the experiment reader, which knows the
    /// file positions; here a mismatch stops with a precondition.
    public static func inline(inputs: [[Double]], labels: [Int]?, targets: [[Double]]?) -> Dataset {
        precondition((labels == nil) != (targets == nil), "Inline data needs exactly one of labels and targets")
        precondition(!inputs.isEmpty, "Inline data needs at least one input row")
        let width = inputs[0].count
        precondition(inputs.allSatisfy { $0.count == width }, "Inline input rows must all have \(width) values")
        let matrix = Matrix(inputs)
        let names = (0 ..< width).map { "x\($0 + 1)" }
        if let labels {
            precondition(labels.allSatisfy { $0 >= 0 }, "Inline labels must be non-negative")
            let classCount = (labels.max() ?? 0) + 1
            return Dataset(inputs: matrix, labels: labels,
                           classNames: (0 ..< classCount).map(String.init), featureNames: names)
        }
        let targetRows = targets ?? []
        let targetWidth = targetRows.first?.count ?? 0
        precondition(targetRows.allSatisfy { $0.count == targetWidth }, "Inline target rows must all have \(targetWidth) values")
        return Dataset(inputs: matrix, targets: Matrix(targetRows), featureNames: names)
    }
}

// MARK: - Validation split

extension Dataset {
    /// The constant XOR-ed into the data seed to seed the split's generator:
    /// the ASCII bytes of "split". The split's random numbers therefore come
    /// from a different stream than the generation's, which uses the data seed
    /// itself.
    public static let splitSeedKey: UInt64 = 0x73_70_6C_69_74

    /// Splits the data into a training and a validation part, deterministically
    /// given `seed` (the data seed, SPEC §3.1).
    ///
    /// The rule, fixed so that a seed always picks the same samples:
    ///
    /// 1. N = `count`; the validation size is V = round(f·N), rounded to
    ///    nearest with halves away from zero (f·N = 2.5 → 3), then capped at
    ///    N − 1 so the training part is never empty when N ≥ 1. With f = 0,
    ///    V = 0.
    /// 2. p = the indices 0 ..< N shuffled by
    ///    `Generator(seed: UInt64(bitPattern: Int64(seed)) ^ splitSeedKey).shuffle`
    ///    (Fisher–Yates from the last element down).
    /// 3. Validation = p[0 ..< V], training = p[V ..< N]; each part keeps the
    ///    samples in their original order (the indices sorted ascending).
    ///
    /// So the split only chooses which samples go where: with f = 0 the
    /// training part is the data unchanged and the validation part is empty.
    /// The split is not stratified: class proportions in the parts vary.
    ///
    /// - Precondition: 0 ≤ `validationFraction` < 1.
    public func split(validationFraction: Double, seed: Int) -> (training: Dataset, validation: Dataset) {
        precondition(validationFraction >= 0 && validationFraction < 1,
                     "validationFraction must be in [0, 1), got \(validationFraction)")
        let n = count
        let validationCount = n == 0 ? 0 : min(Int((validationFraction * Double(n)).rounded()), n - 1)
        guard validationCount > 0 else {
            return (self, subset([]))
        }
        var generator = Generator(seed: UInt64(bitPattern: Int64(seed)) ^ Self.splitSeedKey)
        var permutation = Array(0 ..< n)
        generator.shuffle(&permutation)
        let validation = permutation[..<validationCount].sorted()
        let training = permutation[validationCount...].sorted()
        return (subset(training), subset(validation))
    }
}

// MARK: - Standardization

/// Per-feature standardization x′ = (x − mean) / std, with mean and std taken
/// from one data set (the training part) and applied to any other.
///
/// `mean` is the sum of the column in row order divided by N; `std` is the
/// population standard deviation √(Σ(x − mean)² / N) (NumPy's `std`,
/// scikit-learn's `StandardScaler`). A constant column (every value equal)
/// gets mean = that value and std = 1, so it standardizes to exactly 0 and
/// nothing divides by zero. Only inputs are scaled; labels and regression
/// targets are left as they are.
public struct Standardization: Sendable, Equatable {
    public var mean: [Double]
    public var std: [Double]

    public init(mean: [Double], std: [Double]) {
        precondition(mean.count == std.count, "Standardization needs one std per mean: \(mean.count) means, \(std.count) stds")
        self.mean = mean
        self.std = std
    }

    /// The standardization fitted to `dataset`'s inputs (at least one sample).
    public init(fitting dataset: Dataset) {
        let x = dataset.inputs
        precondition(x.rows >= 1, "Standardization needs at least one sample")
        var mean = [Double](repeating: 0, count: x.columns)
        var std = [Double](repeating: 1, count: x.columns)
        let n = Double(x.rows)
        for j in 0 ..< x.columns {
            var sum = 0.0
            var low = x[0, j], high = x[0, j]
            for i in 0 ..< x.rows {
                let value = x[i, j]
                sum += value
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            if low == high {
                mean[j] = low
                continue
            }
            let m = sum / n
            var squares = 0.0
            for i in 0 ..< x.rows {
                let d = x[i, j] - m
                squares += d * d
            }
            mean[j] = m
            std[j] = (squares / n).squareRoot()
        }
        self.init(mean: mean, std: std)
    }

    /// Whether every mean and std is finite and every std positive: a column
    /// that is not constant but whose std underflows to 0 (values like 1e-320)
    /// or whose mean or std overflows (values near 1e308) cannot be scaled.
    public func scales(column j: Int) -> Bool {
        mean[j].isFinite && std[j].isFinite && std[j] > 0
    }

    /// `dataset` with every input x_ij replaced by (x_ij − mean_j) / std_j.
    public func apply(to dataset: Dataset) -> Dataset {
        precondition(dataset.inputs.columns == mean.count,
                     "Standardization of \(mean.count) features applied to \(dataset.inputs.columns) features")
        var result = dataset
        let columns = mean.count
        for i in 0 ..< dataset.count {
            for j in 0 ..< columns {
                result.inputs[i, j] = (dataset.inputs[i, j] - mean[j]) / std[j]
            }
        }
        return result
    }
}

extension Dataset {
    /// The first input column that standardization (fitted on the training
    /// part of the split with this fraction and seed) cannot turn into finite
    /// numbers, with the reason in words; nil when every column scales.
    public func columnStandardizationCannotScale(validationFraction: Double, seed: Int) -> (column: String, reason: String)? {
        let (training, validation) = split(validationFraction: validationFraction, seed: seed)
        let scaler = Standardization(fitting: training)
        for j in 0 ..< inputs.columns {
            var low = Double.infinity, high = -Double.infinity
            for i in 0 ..< training.count {
                low = Swift.min(low, training.inputs[i, j])
                high = Swift.max(high, training.inputs[i, j])
            }
            let range = "values from \(numberText(low)) to \(numberText(high))"
            if !scaler.mean[j].isFinite {
                return (featureNames[j], "its mean overflows a Double (\(range))")
            }
            if !scaler.std[j].isFinite {
                return (featureNames[j], "its standard deviation overflows a Double (\(range))")
            }
            if !(scaler.std[j] > 0) {
                return (featureNames[j], "its standard deviation underflows to 0 although its values differ (\(range))")
            }
            for part in [training, validation] {
                for i in 0 ..< part.count where !((part.inputs[i, j] - scaler.mean[j]) / scaler.std[j]).isFinite {
                    return (featureNames[j], "a standardized value overflows a Double (\(range))")
                }
            }
        }
        return nil
    }
}
