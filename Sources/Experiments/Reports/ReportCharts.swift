import Foundation
import NeuralNetwork

/// One chart of a report: its file under `charts/`, a heading and the SVG.
public struct ReportChart: Sendable {
    public var file: String
    public var heading: String
    public var caption: String
    public var svg: String
}

/// The charts of SPEC §7 for one results folder.
enum ReportCharts {
    /// The loss curve of each grid point, the mean over its seeds at every epoch
    /// some seed reached (validation loss, or training loss without validation data), on a log axis.
    ///
    /// Diverged seeds are left out of a grid point's mean while another seed did
    /// not diverge; the loss axis spans the runs that did not diverge, so a
    /// diverging curve leaves the chart at the top instead of flattening the others.
    static func lossCurves(_ results: ResultsFolder, _ points: [GridPoint]) -> ReportChart? {
        let usesValidation = results.runs.allSatisfy { $0.validationLoss != nil }
        var series: [ChartSeries] = []
        var low = Double.infinity, high = -Double.infinity
        for point in points {
            let kept = point.runs.filter { $0.status != .diverged }
            let curves = (kept.isEmpty ? point.runs : kept).compactMap { results.curves[$0.run] }
            guard let longest = curves.map(\.count).max() else { continue }
            var chartPoints: [ChartPoint] = []
            for epoch in 0 ..< longest {
                let values = curves.compactMap { $0.count > epoch ? (usesValidation ? $0[epoch].validationLoss : $0[epoch].trainLoss) : nil }
                guard !values.isEmpty else { continue }
                let mean = values.reduce(0, +) / Double(values.count)
                chartPoints.append(ChartPoint(x: Double(epoch), y: mean,
                                              note: values.count < point.runs.count ? "\(values.count) of \(point.runs.count) seeds" : nil))
                if !kept.isEmpty && mean.isFinite && mean > 0 {
                    low = min(low, mean)
                    high = max(high, mean)
                }
            }
            series.append(ChartSeries(name: point.name, points: chartPoints, mark: .none, colorIndex: nil, dashed: false))
        }
        guard !series.isEmpty else { return nil }
        let which = usesValidation ? "validation" : "training"
        let range: ClosedRange<Double>? = low <= high ? pow(10, floor(log10(low))) ... pow(10, ceil(log10(high)) + (low == high ? 1 : 0)) : nil
        let chart = LineChart(title: "\(which.capitalized) loss by epoch", x: Axis(title: "epoch", scale: .linear, range: nil),
                              y: Axis(title: "\(which) loss (log scale)", scale: .log, range: range), series: series, marked: [])
        return ReportChart(file: "loss-curves.svg", heading: "Loss curves",
                           caption: "Mean \(which) loss over the seeds of each grid point that did not diverge, epoch 0 being before training; a grid point whose seeds all diverged leaves the chart at the top.",
                           svg: chart.svg())
    }

    /// Final loss against the learning rate on log axes: a line per combination of the
    /// other axes (mean over seeds that did not diverge), a cross for each diverged run.
    static func learningRate(_ results: ResultsFolder, _ points: [GridPoint]) -> ReportChart? {
        guard let axis = results.sweepPaths.firstIndex(where: { $0 == "optimizer.learning_rate" || $0.hasSuffix("learning_rate") }) else {
            return nil
        }
        let usesValidation = results.runs.allSatisfy { $0.validationLoss != nil }
        var groups: [[String]] = []
        var byGroup: [[String]: [GridPoint]] = [:]
        for point in points {
            var key = point.labels
            key.remove(at: axis)
            if byGroup[key] == nil { groups.append(key) }
            byGroup[key, default: []].append(point)
        }
        var series: [ChartSeries] = []
        var marked: [MarkedPoint] = []
        let otherPaths = results.sweepPaths.enumerated().filter { $0.offset != axis }.map { String($0.element.split(separator: ".").last!) }
        for (index, key) in groups.enumerated() {
            let name = key.isEmpty ? "mean over seeds" : zip(otherPaths, key).map { "\($0)=\($1)" }.joined(separator: ", ")
            var chartPoints: [ChartPoint] = []
            for point in byGroup[key]! {
                guard let rate = Double(point.labels[axis]) else { continue }
                if let loss = (usesValidation ? point.finalValidationLoss : point.finalTrainLoss) {
                    chartPoints.append(ChartPoint(x: rate, y: loss.mean, note: point.diverged > 0 ? "\(point.diverged) of \(point.runs.count) seeds diverged" : nil))
                }
                for run in point.runs where run.status == .diverged {
                    marked.append(MarkedPoint(x: rate, y: nil, label: "\(run.run): diverged at epoch \(run.epochs)", colorIndex: index))
                }
            }
            series.append(ChartSeries(name: name, points: chartPoints.sorted { $0.x < $1.x }, mark: .dot, colorIndex: index, dashed: false))
        }
        let which = usesValidation ? "validation" : "training"
        let chart = LineChart(title: "Final \(which) loss against learning rate", x: Axis(title: "learning rate (log scale)", scale: .log, range: nil),
                              y: Axis(title: "final \(which) loss (log scale)", scale: .log, range: nil), series: series, marked: marked)
        return ReportChart(file: "learning-rate.svg", heading: "Final loss against learning rate",
                           caption: "Mean final \(which) loss over the seeds that did not diverge; a cross at the top marks each diverged run.",
                           svg: chart.svg())
    }

    /// Per-layer gradient norms of the last epoch, mean over the seeds that did not diverge, by layer.
    static func gradientNorms(_ results: ResultsFolder, _ points: [GridPoint]) -> ReportChart? {
        var series: [ChartSeries] = []
        for point in points {
            let norms = point.runs.filter { $0.status != .diverged }.compactMap { results.curves[$0.run]?.last?.gradientNorms }
            guard let layers = norms.first?.count, layers > 0 else { continue }
            let means = (0 ..< layers).map { l in norms.map { $0[l] }.reduce(0, +) / Double(norms.count) }
            series.append(ChartSeries(name: point.name, points: means.enumerated().map { ChartPoint(x: Double($0.offset + 1), y: $0.element, note: nil) },
                                      mark: .dot, colorIndex: nil, dashed: false))
        }
        guard !series.isEmpty else { return nil }
        let layers = Double(series.map(\.points.count).max() ?? 1)
        let chart = LineChart(title: "Gradient norm by layer, last epoch",
                              x: Axis(title: "layer", scale: .linear, range: 0.5 ... layers + 0.5, integerTicks: true),
                              y: Axis(title: "mean ‖∂C/∂W‖ over the epoch's steps (log scale)", scale: .log, range: nil),
                              series: series, marked: [])
        return ReportChart(file: "gradient-norms.svg", heading: "Gradient norms by layer",
                           caption: "‖∂C/∂Wˡ‖ averaged over the last epoch's steps and the seeds that did not diverge; layer 1 is nearest the input. Vanishing gradients show as a fall towards layer 1.",
                           svg: chart.svg())
    }

    /// For 2-D classification data, the decision boundary of the best run of each grid point, data on top.
    static func decisionBoundaries(_ results: ResultsFolder, _ points: [GridPoint], cache: CSVCache) -> [ReportChart] {
        var charts: [ReportChart] = []
        for (index, point) in points.enumerated() {
            let candidates = point.runs.filter { $0.status != .diverged }
            guard let best = candidates.min(by: { ($0.validationLoss ?? $0.trainLoss) < ($1.validationLoss ?? $1.trainLoss) }),
                  let config = results.config(of: best.run, cache: cache), config.model.inputs == 2,
                  let network = results.network(of: best.run),
                  let dataset = try? config.data.makeDataset(cache: cache), let labels = dataset.labels,
                  let prepared = try? config.data.prepare(outputs: config.model.outputs, cache: cache) else { continue }
            let classes = max(2, (labels.max() ?? 1) + 1)
            let xs = (0 ..< dataset.count).map { dataset.inputs[$0, 0] }, ys = (0 ..< dataset.count).map { dataset.inputs[$0, 1] }
            guard let xRange = paddedRange(xs), let yRange = paddedRange(ys) else { continue }
            let size = 60
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
            let output = network.predict(grid)
            let values: [[Double]] = (0 ..< size).map { row in
                (0 ..< size).map { column in
                    let i = row * size + column
                    if output.columns == 1 { return min(1, max(0, output[i, 0])) }
                    if classes == 2 { return min(1, max(0, output[i, 1])) }
                    var best = 0
                    for j in 1 ..< output.columns where output[i, j] > output[i, best] { best = j }
                    return Double(best)
                }
            }
            let heatmap = Heatmap(title: "\(point.name), seed \(best.seed)", x: Axis(title: "x1", scale: .linear, range: xRange),
                                  y: Axis(title: "x2", scale: .linear, range: yRange), values: values, classes: classes,
                                  points: (0 ..< dataset.count).map { (x: xs[$0], y: ys[$0], label: labels[$0]) })
            charts.append(ReportChart(file: "boundary-\(index + 1).svg", heading: point.name,
                                      caption: "The best seed of this grid point (\(best.run)); shading is the network's output, the points are the data.",
                                      svg: heatmap.svg()))
        }
        return charts
    }

    private static func paddedRange(_ values: [Double]) -> ClosedRange<Double>? {
        guard let low = values.min(), let high = values.max(), low.isFinite, high.isFinite else { return nil }
        let pad = max((high - low) * 0.1, 0.5)
        return (low - pad) ... (high + pad)
    }
}
