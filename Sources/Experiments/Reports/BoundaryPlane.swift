import NeuralNetwork

/// The input plane of a run with 2 inputs, as the report's pictures of it
/// share it (decision boundaries, frames of training, unit heatmaps): the data
/// points in raw coordinates, the region drawn (the points' range padded by
/// 10%, at least 0.5 each side), and the grid of cell centres fed to a network
/// (standardized as the run's inputs are).
struct BoundaryPlane {
    var prepared: PreparedData
    var training: [(x: Double, y: Double, label: Int)]
    var validation: [(x: Double, y: Double, label: Int)]
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    /// Class names where a CSV gave text labels; nil for numbered classes and regression.
    var classNames: [String]?
    /// The number of classes (at least 2); 0 for regression.
    var classes: Int

    /// The plane of a run's data; nil unless it has 2 inputs. Points carry
    /// their class (0 for regression).
    init?(_ config: RunConfig, cache: CSVCache) {
        guard config.model.inputs == 2, let dataset = try? config.data.makeDataset(cache: cache),
              let prepared = try? config.data.prepare(outputs: config.model.outputs, cache: cache),
              prepared.trainingInputs.columns == 2 else { return nil }
        self.prepared = prepared
        if let labels = dataset.labels {
            classes = max(2, (labels.max() ?? 1) + 1)
            if case .classification(let names) = dataset.task, names != names.indices.map(String.init) { classNames = names }
        } else {
            classes = 0
        }
        func raw(_ m: Matrix, _ row: Int, _ column: Int) -> Double {
            guard let s = prepared.standardization else { return m[row, column] }
            return m[row, column] * s.std[column] + s.mean[column]
        }
        let trainingLabels = prepared.trainingLabels, validationLabels = prepared.validationLabels
        training = (0 ..< prepared.trainingInputs.rows).map {
            (x: raw(prepared.trainingInputs, $0, 0), y: raw(prepared.trainingInputs, $0, 1), label: trainingLabels?[$0] ?? 0)
        }
        validation = (0 ..< prepared.validationInputs.rows).map {
            (x: raw(prepared.validationInputs, $0, 0), y: raw(prepared.validationInputs, $0, 1), label: validationLabels?[$0] ?? 0)
        }
        guard let xRange = BoundaryPlane.padded((training + validation).map(\.x)),
              let yRange = BoundaryPlane.padded((training + validation).map(\.y)) else { return nil }
        self.xRange = xRange
        self.yRange = yRange
    }

    var isClassification: Bool { classes > 0 }

    /// The network's inputs at the centres of a size × size grid over the
    /// region, row by row from the bottom (row-major: sample row·size + column).
    func grid(size: Int) -> Matrix {
        var grid = Matrix(rows: size * size, columns: 2)
        for row in 0 ..< size {
            for column in 0 ..< size {
                var x = xRange.lowerBound + (Double(column) + 0.5) / Double(size) * (xRange.upperBound - xRange.lowerBound)
                var y = yRange.lowerBound + (Double(row) + 0.5) / Double(size) * (yRange.upperBound - yRange.lowerBound)
                if let scaling = prepared.standardization {
                    x = (x - scaling.mean[0]) / scaling.std[0]
                    y = (y - scaling.mean[1]) / scaling.std[1]
                }
                grid[row * size + column, 0] = x
                grid[row * size + column, 1] = y
            }
        }
        return grid
    }

    /// What a decision boundary shades over the size × size grid, `values[row][column]`
    /// as `Heatmap` takes them: the output for class 1 (one output, or two
    /// classes), clamped to [0, 1]; with more classes the predicted class.
    func shading(_ network: Network, size: Int) -> [[Double]] {
        let output = network.predict(grid(size: size))
        return (0 ..< size).map { row in
            (0 ..< size).map { column in
                let i = row * size + column
                if output.columns == 1 { return min(1, max(0, output[i, 0])) }
                if classes == 2 { return min(1, max(0, output[i, 1])) }
                var best = 0
                for j in 1 ..< output.columns where output[i, j] > output[i, best] { best = j }
                return Double(best)
            }
        }
    }

    /// The values' range padded by 10% of its width, at least 0.5, each side.
    static func padded(_ values: [Double]) -> ClosedRange<Double>? {
        guard let low = values.min(), let high = values.max(), low.isFinite, high.isFinite else { return nil }
        let pad = max((high - low) * 0.1, 0.5)
        return (low - pad) ... (high + pad)
    }
}
