import NeuralNetwork

/// A run's data, ready to train on: the split, standardized parts as matrices,
/// with targets shaped for the output layer.
public struct PreparedData: Sendable {
    /// N × features and N × outputs.
    public var trainingInputs: Matrix
    public var trainingTargets: Matrix
    /// Class labels of the training samples (classification only).
    public var trainingLabels: [Int]?
    /// Empty (0 rows) when there is no validation split.
    public var validationInputs: Matrix
    public var validationTargets: Matrix
    public var validationLabels: [Int]?
    /// The input scaling fitted on the training part, when `standardize` is on.
    public var standardization: Standardization?
    public var isClassification: Bool

    public var hasValidation: Bool { validationInputs.rows > 0 }
}

extension DataConfig {
    /// The data set this section describes, generated from the data seed or loaded.
    public func makeDataset(cache: CSVCache) throws(CSVError) -> Dataset {
        switch source {
        case .xor(let samples): return SyntheticData.xor(samples: samples, noise: noise, seed: seed)
        case .moons(let samples): return SyntheticData.moons(samples: samples, noise: noise, seed: seed)
        case .circles(let samples, let factor): return SyntheticData.circles(samples: samples, noise: noise, factor: factor, seed: seed)
        case .spirals(let samples): return SyntheticData.spirals(samples: samples, noise: noise, seed: seed)
        case .blobs(let samples, let classes, let features):
            return SyntheticData.blobs(samples: samples, classes: classes, features: features, noise: noise, seed: seed)
        case .sine(let samples): return SyntheticData.sine(samples: samples, noise: noise, seed: seed)
        case .inline(let inputs, let labels, let targets): return Dataset.inline(inputs: inputs, labels: labels, targets: targets)
        case .csv(let path, let displayPath, let target, let task, _):
            return try cache.dataset(path: path, displayPath: displayPath, target: target, task: task).get()
        }
    }

    /// The data split by the data seed, standardized when asked, with targets for `outputs` output units.
    /// Made once per process for the runs that share the config (`CSVCache.prepared`).
    public func prepare(outputs: Int, cache: CSVCache) throws(CSVError) -> PreparedData {
        if let kept = cache.prepared(self, outputs: outputs) { return kept }
        let data = try prepareAnew(outputs: outputs, cache: cache)
        cache.keep(data, for: self, outputs: outputs)
        return data
    }

    private func prepareAnew(outputs: Int, cache: CSVCache) throws(CSVError) -> PreparedData {
        let dataset = try makeDataset(cache: cache)
        var (training, validation) = dataset.split(validationFraction: validationSplit, seed: seed)
        var standardization: Standardization?
        if standardize {
            let fitted = Standardization(fitting: training)
            training = fitted.apply(to: training)
            validation = fitted.apply(to: validation)
            standardization = fitted
        }
        return PreparedData(trainingInputs: training.inputs, trainingTargets: training.targetMatrix(outputs: outputs),
                            trainingLabels: training.labels,
                            validationInputs: validation.inputs, validationTargets: validation.targetMatrix(outputs: outputs),
                            validationLabels: validation.labels, standardization: standardization,
                            isClassification: dataset.labels != nil)
    }
}
