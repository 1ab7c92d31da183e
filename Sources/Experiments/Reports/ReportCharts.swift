import Foundation
import NeuralNetwork

/// One chart of a report: its file under `charts/`, a heading and the SVG.
public struct ReportChart: Sendable {
    public var file: String
    public var heading: String
    public var caption: String
    public var svg: String
}

/// The charts of SPEC §7 for one results folder. Each chart is a value built
/// from the published results alone, independent of the others.
enum ReportCharts {
    /// What every chart of one report shares.
    struct Context {
        var results: ResultsFolder
        var points: [GridPoint]
        var ranking: Ranking
        /// The grid points' indices from best to worst (by the ranking, else by final loss).
        var order: [Int]
        var usesValidation: Bool
        var hasAccuracy: Bool

        init(_ results: ResultsFolder, _ points: [GridPoint], _ ranking: Ranking) {
            self.results = results
            self.points = points
            self.ranking = ranking
            usesValidation = !results.runs.isEmpty && results.runs.allSatisfy { $0.validationLoss != nil }
            hasAccuracy = results.runs.contains { $0.trainAccuracy != nil }
            order = ranking.metric != nil ? ranking.order(points)
                : Ranking(metric: usesValidation ? .validationLoss : .trainLoss, note: nil).order(points)
        }

        /// The runs of a point a curve averages: those that did not diverge, or all when every one did.
        func keptRuns(_ point: GridPoint) -> [RunSummary] {
            let kept = point.runs.filter { $0.status != .diverged }
            return kept.isEmpty ? point.runs : kept
        }
    }

    /// A quantity of curve.csv drawn by epoch.
    struct CurveLine {
        var name: String
        var value: @Sendable (EpochRecord) -> Double?
        var dashed: Bool
    }

    /// The axis small multiples are split by: with two or more swept axes, one
    /// with 2 to 12 values, preferring one that is not numeric (the numeric one
    /// then takes the colour scale), then the one with fewer values.
    static func panelAxis(_ c: Context) -> Int? {
        guard c.results.sweepPaths.count >= 2 else { return nil }
        let candidates = c.results.sweepPaths.indices.compactMap { axis -> (axis: Int, count: Int, numeric: Bool)? in
            let labels = Set(c.points.map { $0.labels[axis] })
            guard (2 ... 12).contains(labels.count) else { return nil }
            return (axis, labels.count, DisplayLabels.numericValues(Array(labels)) != nil)
        }
        return candidates.min { ($0.numeric ? 1 : 0, $0.count, $0.axis) < ($1.numeric ? 1 : 0, $1.count, $1.axis) }?.axis
    }

    /// The grid points in groups of one label of `axis`, in order of first appearance.
    static func groups(_ c: Context, by axis: Int) -> [(label: String, items: [Int])] {
        var order: [String] = []
        var items: [String: [Int]] = [:]
        for (index, point) in c.points.enumerated() {
            let label = point.labels[axis]
            if items[label] == nil { order.append(label) }
            items[label, default: []].append(index)
        }
        return order.map { ($0, items[$0]!) }
    }

    /// A point's name without one axis (inside a panel of that axis).
    static func name(_ c: Context, _ point: GridPoint, without axis: Int?) -> String {
        guard let axis else { return point.name }
        var labels = point.displayLabels, paths = c.results.sweepPaths
        labels.remove(at: axis)
        paths.remove(at: axis)
        return GridPoint.name(labels: labels, sweepPaths: paths)
    }

    /// Curves by epoch, one line per grid point (mean over its seeds that did
    /// not diverge) and per `lines` (validation solid, training dashed), a band
    /// of ± one standard deviation over the seeds around the first line, and a
    /// cross in the diverged band for each diverged run at the epoch it stopped.
    ///
    /// Readable for any number of grid points: colours by `SeriesColors`; with
    /// two swept axes, a panel per value of one (`panelAxis`); with more grid
    /// points than a legend holds and two lines, training and validation side by side.
    static func curves(_ c: Context, lines: [CurveLine], title: String, yAxis: Axis, file: String, heading: String,
                       caption: String) -> ReportChart? {
        // Mean curves and bands per point and line.
        var means: [[[ChartPoint]]] = [], bands: [[(low: Double, high: Double)]] = []
        var low = Double.infinity, high = -Double.infinity
        for point in c.points {
            let curves = c.keptRuns(point).compactMap { c.results.curves[$0.run] }
            let longest = curves.map(\.count).max() ?? 0
            var perLine: [[ChartPoint]] = []
            var band: [(low: Double, high: Double)] = []
            for (lineIndex, line) in lines.enumerated() {
                var chartPoints: [ChartPoint] = []
                // Seeds' rows line up by index (`ReducedCurve`); the epoch is the row's.
                for row in 0 ..< longest {
                    let values = curves.compactMap { $0.count > row ? line.value($0[row]) : nil }.filter(\.isFinite)
                    guard let stats = MeanStd(values), let epoch = curves.lazy.compactMap({ $0.count > row ? $0[row].epoch : nil }).first else { continue }
                    chartPoints.append(ChartPoint(x: Double(epoch), y: stats.mean,
                                                  note: values.count < point.runs.count ? "\(values.count) of \(point.runs.count) seeds" : nil))
                    if lineIndex == 0 { band.append((stats.mean - (stats.std ?? 0), stats.mean + (stats.std ?? 0))) }
                    if point.diverged < point.runs.count, stats.mean > 0 || yAxis.scale == .linear {
                        low = min(low, stats.mean)
                        high = max(high, stats.mean)
                    }
                }
                perLine.append(chartPoints)
            }
            means.append(perLine)
            bands.append(band)
        }
        guard means.contains(where: { $0.contains { !$0.isEmpty } }) else { return nil }
        var y = yAxis
        if y.range == nil, low <= high {
            y.range = y.scale == .log ? pow(10, floor(log10(low))) ... pow(10, ceil(log10(high)) + (low == high ? 1 : 0))
                : max(0, floor(low * 10) / 10) ... min(1, max(ceil(high * 10) / 10, floor(low * 10) / 10 + 0.1))
        }
        if ManyGridPoints.applies(c.points.count) {
            return ManyGridPoints.curves(c, lines: lines, means: means, title: title, yAxis: y, file: file, heading: heading, caption: caption)
        }
        let seeds = c.results.seedsPerPoint
        let styleKey = lines.count < 2 ? [] : lines.map { LegendItem(text: $0.dashed ? "dashed: \($0.name)" : "solid: \($0.name)", color: "#555555", dash: $0.dashed ? SVG.dashes[1] : nil) }
        let bandNote = seeds > 1 ? [LegendItem(text: "band: ± 1 std over seeds", color: "#BBBBBB")] : []

        /// One chart of the items, with the given lines (indices into `lines`).
        func chart(_ items: [Int], lineIndices: [Int], title: String, without axis: Int?, colors: SeriesColors, showsLegend: Bool) -> LineChart {
            var series: [ChartSeries] = []
            var marked: [MarkedPoint] = []
            for (local, item) in items.enumerated() {
                let point = c.points[item]
                let color = colors.colors[local]
                let legendName = colors.legendNames[local]
                for lineIndex in lineIndices {
                    let line = lines[lineIndex]
                    let useBand = lineIndex == 0 && seeds > 1 && color != nil && items.count <= 4
                    let shownName = showsLegend ? (legendName ?? point.name) : point.name
                    series.append(ChartSeries(name: lineIndex == lineIndices[0] ? shownName : point.name, points: means[item][lineIndex],
                                              dashed: line.dashed && lineIndices.count > 1, color: color, faded: color == nil,
                                              band: useBand ? bands[item] : nil, yName: line.name, group: local,
                                              inLegend: legendName != nil && lineIndex == lineIndices[0]))
                }
                for run in point.runs where run.status == .diverged {
                    marked.append(MarkedPoint(x: Double(run.epochs), y: nil,
                                              label: "\(point.name) · seed \(run.seed) · diverged at epoch \(run.epochs)",
                                              color: color ?? "#888888", series: local))
                }
            }
            let keys = lineIndices.count > 1 ? styleKey : []
            return LineChart(title: title, x: Axis(title: "epoch", integerTicks: true), y: y, series: series, marked: marked,
                             legendItems: colors.extraLegend + keys + (seeds > 1 && items.count <= 4 ? bandNote : []),
                             colorScale: colors.colorScale, showsLegend: showsLegend)
        }

        func colors(_ items: [Int]) -> SeriesColors {
            let names = items.map { c.points[$0].name }
            let local = c.order.compactMap { items.firstIndex(of: $0) }
            return SeriesColors(names: names, values: numericAxis(items.map { c.points[$0].labels }, paths: c.results.sweepPaths), order: local)
        }

        let all = Array(c.points.indices)
        let svg: String
        var note = ""
        if let axis = panelAxis(c) {
            let groups = groups(c, by: axis)
            let perPanel = groups.map(\.items.count).max() ?? 0
            let shown = perPanel <= 6 ? Array(lines.indices) : [0]
            if shown.count < lines.count { note = " With this many grid points per panel, only the \(lines[0].name) is drawn." }
            let first = colors(groups[0].items)
            if first.fadedNote == nil {
                let shortPath = GridPoint.shortPaths(c.results.sweepPaths)[axis]
                let panels = groups.map { group -> LineChart in
                    let label = c.points[group.items[0]].displayLabels[axis]
                    return chart(group.items, lineIndices: shown, title: "\(shortPath)=\(label)", without: axis, colors: colors(group.items), showsLegend: false)
                }
                var legend = first.colorScale == nil ? groups[0].items.enumerated().compactMap { local, item -> LegendItem? in
                    guard first.legendNames[local] != nil else { return nil }
                    return LegendItem(text: ReportCharts.name(c, c.points[item], without: axis), color: first.colors[local] ?? "#888888")
                } : []
                legend += shown.count > 1 ? styleKey : []
                if c.results.runs.contains(where: { $0.status == .diverged }) {
                    legend.append(LegendItem(text: "diverged (band above the plot)", color: "#555555", mark: .cross, line: false))
                }
                svg = ChartPanels(title: title, panels: panels, legendItems: legend, colorScale: first.colorScale,
                                  columns: min(3, groups.count)).svg()
                return ReportChart(file: file, heading: heading, caption: caption + note, svg: svg)
            }
        }
        let colorsAll = colors(all)
        if lines.count > 1, c.points.count > SeriesColors.maxLegend {
            let panels = lines.indices.map { chart(all, lineIndices: [$0], title: lines[$0].name.capitalizedFirst, without: nil, colors: colorsAll, showsLegend: false) }
            var legend = colorsAll.colorScale == nil ? all.compactMap { item in
                colorsAll.legendNames[item].map { LegendItem(text: $0, color: colorsAll.colors[item] ?? "#888888") }
            } + colorsAll.extraLegend : []
            if c.results.runs.contains(where: { $0.status == .diverged }) {
                legend.append(LegendItem(text: "diverged (band above the plot)", color: "#555555", mark: .cross, line: false))
            }
            svg = ChartPanels(title: title, panels: panels, legendItems: legend, colorScale: colorsAll.colorScale, columns: 2,
                              panelHeight: 380).svg()
        } else {
            svg = chart(all, lineIndices: Array(lines.indices), title: title, without: nil, colors: colorsAll, showsLegend: true).svg()
        }
        return ReportChart(file: file, heading: heading, caption: caption + note, svg: svg)
    }

    /// Training and validation loss of each grid point by epoch, log scale.
    static func lossCurves(_ c: Context) -> ReportChart? {
        var lines = [CurveLine(name: "training loss", value: { $0.trainLoss }, dashed: c.usesValidation)]
        if c.usesValidation { lines.insert(CurveLine(name: "validation loss", value: { $0.validationLoss }, dashed: false), at: 0) }
        let both = c.usesValidation ? "Training and validation loss" : "Training loss"
        return curves(c, lines: lines, title: "\(both) by epoch", yAxis: Axis(title: "loss (log scale)", scale: .log, name: "loss"),
                      file: "loss-curves.svg", heading: "Loss curves",
                      caption: "Mean over the seeds that did not diverge\(c.usesValidation ? "; validation solid, training dashed: a gap that widens is overfitting" : "")\(c.results.seedsPerPoint > 1 ? "; the band is ± one standard deviation over the seeds" : ""). A grid point whose seeds all diverged leaves the chart at the top; each diverged run is a cross in the band above the plot, at the epoch it stopped.")
    }

    /// Training and validation accuracy of each grid point by epoch.
    static func accuracyCurves(_ c: Context) -> ReportChart? {
        guard c.hasAccuracy else { return nil }
        let hasValidation = c.results.runs.allSatisfy { $0.validationAccuracy != nil }
        var lines = [CurveLine(name: "training accuracy", value: { $0.trainAccuracy }, dashed: hasValidation)]
        if hasValidation { lines.insert(CurveLine(name: "validation accuracy", value: { $0.validationAccuracy }, dashed: false), at: 0) }
        return curves(c, lines: lines, title: "\(hasValidation ? "Training and validation accuracy" : "Training accuracy") by epoch",
                      yAxis: Axis(title: "accuracy", name: "accuracy"), file: "accuracy-curves.svg", heading: "Accuracy by epoch",
                      caption: "The fraction of samples classified right, mean over the seeds that did not diverge\(hasValidation ? "; validation solid, training dashed" : "").")
    }

    /// Final loss against the learning rate on log axes: a line per combination of the
    /// other axes (mean over seeds that did not diverge), a cross in the diverged band for each diverged run.
    static func learningRate(_ c: Context) -> ReportChart? {
        let results = c.results
        guard let axis = results.sweepPaths.firstIndex(where: { $0 == "optimizer.learning_rate" || $0.hasSuffix("learning_rate") }) else {
            return nil
        }
        let usesValidation = c.usesValidation
        var keys: [[String]] = []
        var byGroup: [[String]: [GridPoint]] = [:]
        for point in c.points {
            var key = point.labels
            key.remove(at: axis)
            if byGroup[key] == nil { keys.append(key) }
            byGroup[key, default: []].append(point)
        }
        var otherPaths = results.sweepPaths
        otherPaths.remove(at: axis)
        let names = keys.map { key -> String in
            guard !key.isEmpty, let point = byGroup[key]?.first else { return "mean over seeds" }
            return name(c, point, without: axis)
        }
        // Groups ranked by their best point's rank.
        let rank = Dictionary(uniqueKeysWithValues: c.order.enumerated().map { (c.points[$0.element].labels, $0.offset) })
        let groupRank = keys.map { key in byGroup[key]!.compactMap { rank[$0.labels] }.min() ?? Int.max }
        let groupOrder = keys.indices.sorted { a, b in (groupRank[a], a) < (groupRank[b], b) }
        let colors = SeriesColors(names: names, values: numericAxis(keys, paths: otherPaths), order: groupOrder, what: "groups")
        var series: [ChartSeries] = []
        var marked: [MarkedPoint] = []
        let which = usesValidation ? "validation" : "training"
        for (index, key) in keys.enumerated() {
            var chartPoints: [ChartPoint] = []
            for point in byGroup[key]! {
                guard let rate = Double(point.labels[axis]) else { continue }
                if let loss = (usesValidation ? point.finalValidationLoss : point.finalTrainLoss) {
                    chartPoints.append(ChartPoint(x: rate, y: loss.mean, note: point.diverged > 0 ? "\(point.diverged) of \(point.runs.count) seeds diverged" : nil))
                }
                for run in point.runs where run.status == .diverged {
                    marked.append(MarkedPoint(x: rate, y: nil, label: "\(point.name) · seed \(run.seed) · diverged at epoch \(run.epochs)",
                                              color: colors.colors[index] ?? LineChart.fadedColor, series: index))
                }
            }
            series.append(ChartSeries(name: colors.legendNames[index] ?? names[index], points: chartPoints.sorted { $0.x < $1.x }, mark: .dot,
                                      color: colors.colors[index], faded: colors.colors[index] == nil, group: index,
                                      inLegend: colors.legendNames[index] != nil))
        }
        var legend = colors.extraLegend, scale = colors.colorScale, note = ""
        if ManyGridPoints.applies(c.points.count), keys.count > SeriesColors.maxLegend {
            (series, marked, legend) = ManyGridPoints.summarized(series, names: names, order: groupOrder, marked: marked, xName: "learning rate")
            scale = nil
            note = " One line per value of the other axes: \(ReportNumber.grouped(keys.count)) lines; drawn are the best, the median and the worst and, at each learning rate, the median and the spread of all of them."
        }
        let chart = LineChart(title: "Final \(which) loss against learning rate",
                              x: Axis(title: "learning rate (log scale)", scale: .log, name: "learning rate"),
                              y: Axis(title: "final \(which) loss (log scale)", scale: .log, name: "final \(which) loss"),
                              series: series, marked: marked, legendItems: legend, colorScale: scale)
        return ReportChart(file: "learning-rate.svg", heading: "Final loss against learning rate",
                           caption: "Mean final \(which) loss over the seeds that did not diverge; each diverged run is a cross in the band above the plot." + note,
                           svg: chart.svg())
    }

    /// Per-layer gradient norms of the last epoch, mean over the seeds that did not diverge, by layer.
    static func gradientNorms(_ c: Context) -> ReportChart? {
        var items: [Int] = []
        var series: [ChartSeries] = []
        var means: [[Double]] = []
        for (index, point) in c.points.enumerated() {
            let norms = point.runs.filter { $0.status != .diverged }.compactMap { c.results.curves[$0.run]?.last?.gradientNorms }
            guard let layers = norms.first?.count, layers > 0, norms.allSatisfy({ $0.count == layers }) else { continue }
            items.append(index)
            means.append((0 ..< layers).map { l in norms.map { $0[l] }.reduce(0, +) / Double(norms.count) })
        }
        guard !items.isEmpty else { return nil }
        if ManyGridPoints.applies(items.count) { return ManyGridPoints.gradientNorms(c, items: items, means: means) }
        let local = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1, $0) })
        let colors = SeriesColors(names: items.map { c.points[$0].name },
                                  values: numericAxis(items.map { c.points[$0].labels }, paths: c.results.sweepPaths),
                                  order: c.order.compactMap { local[$0] },
                                  domain: numericAxis(c.points.map(\.labels), paths: c.results.sweepPaths)?.values)
        for (local, item) in items.enumerated() {
            series.append(ChartSeries(name: colors.legendNames[local] ?? c.points[item].name,
                                      points: means[local].enumerated().map { ChartPoint(x: Double($0.offset + 1), y: $0.element) },
                                      mark: .dot, color: colors.colors[local], faded: colors.colors[local] == nil, group: local,
                                      inLegend: colors.legendNames[local] != nil))
        }
        let layers = Double(means.map(\.count).max() ?? 1)
        let chart = LineChart(title: "Gradient norm by layer, last epoch",
                              x: Axis(title: "layer", scale: .linear, range: 0.5 ... layers + 0.5, integerTicks: true),
                              y: Axis(title: "mean ‖∂C/∂W‖ over the epoch's steps (log scale)", scale: .log, name: "‖∂C/∂W‖"),
                              series: series, legendItems: colors.extraLegend, colorScale: colors.colorScale)
        return ReportChart(file: "gradient-norms.svg", heading: "Gradient norms by layer",
                           caption: "‖∂C/∂Wˡ‖ averaged over the last epoch's steps and the seeds that did not diverge; layer 1 is nearest the input. Vanishing gradients show as a fall towards layer 1.",
                           svg: chart.svg())
    }

    /// At most this many grid points get per-run pictures (decision boundaries, frames).
    static let picturedLimit = 12

    /// The grid points that get per-run pictures, in grid order; all of them
    /// up to `picturedLimit`, else a bounded set: the best three by the ranking,
    /// then for each swept axis the points at its two extremes (lowest and
    /// highest value; first and last for text), each the one that shares the
    /// most other labels with the best point.
    static func picturedPoints(_ c: Context) -> [Int] {
        guard c.points.count > picturedLimit else { return Array(c.points.indices) }
        var chosen: [Int] = Array(c.order.prefix(3))
        guard let best = c.order.first else { return chosen }
        for axis in c.results.sweepPaths.indices {
            var labels: [String] = []
            for point in c.points where !labels.contains(point.labels[axis]) { labels.append(point.labels[axis]) }
            if let values = DisplayLabels.numericValues(labels) {
                labels = zip(labels, values).sorted { $0.1 < $1.1 }.map(\.0)
            }
            for label in [labels.first, labels.last].compactMap({ $0 }) {
                let shared = { (index: Int) in zip(c.points[index].labels, c.points[best].labels).filter { $0 == $1 }.count }
                let candidates = c.order.filter { c.points[$0].labels[axis] == label }
                // The most labels in common, the better ranked on ties (`order` is best first).
                let most = candidates.map(shared).max()
                if let pick = candidates.first(where: { shared($0) == most }), !chosen.contains(pick), chosen.count < picturedLimit {
                    chosen.append(pick)
                }
            }
        }
        return chosen.sorted()
    }

    /// The grid point the single-run pictures (fit, confusion matrix) show: the best, else the first that did not diverge.
    /// Unranked (a swept loss of a regression), the first grid point that did not diverge.
    static func pictured(_ c: Context) -> (point: GridPoint, run: RunSummary)? {
        let candidates = c.ranking.metric == nil ? Array(c.points.indices) : (c.ranking.best(c.points).map { [$0] } ?? []) + c.order
        for index in candidates {
            if let run = c.ranking.bestRun(c.points[index]) { return (c.points[index], run) }
        }
        return nil
    }

    /// For regression with one input and one output, the best run's fitted function over the training and validation points.
    static func regressionFit(_ c: Context, cache: CSVCache) -> ReportChart? {
        guard let (point, run) = pictured(c), let config = c.results.config(of: run.run, cache: cache),
              config.model.inputs == 1, config.model.outputs == 1, let network = c.results.network(of: run.run),
              let data = try? config.data.prepare(outputs: 1, cache: cache), !data.isClassification else { return nil }
        func raw(_ x: Double) -> Double {
            guard let s = data.standardization else { return x }
            return x * s.std[0] + s.mean[0]
        }
        let train = (0 ..< data.trainingInputs.rows).map { ChartPoint(x: raw(data.trainingInputs[$0, 0]), y: data.trainingTargets[$0, 0]) }
        let validation = (0 ..< data.validationInputs.rows).map { ChartPoint(x: raw(data.validationInputs[$0, 0]), y: data.validationTargets[$0, 0]) }
        let xs = (train + validation).map(\.x)
        guard let low = xs.min(), let high = xs.max(), low < high else { return nil }
        let steps = 200
        var grid = Matrix(rows: steps + 1, columns: 1)
        var gridX: [Double] = []
        for k in 0 ... steps {
            let x = low + (high - low) * Double(k) / Double(steps)
            gridX.append(x)
            grid[k, 0] = data.standardization.map { (x - $0.mean[0]) / $0.std[0] } ?? x
        }
        let output = network.predict(grid)
        let fit = (0 ... steps).map { ChartPoint(x: gridX[$0], y: output[$0, 0]) }
        var series = [ChartSeries(name: "training data", points: train.sorted { $0.x < $1.x }, mark: .dot, color: "#9AA7B4", yName: "target", joined: false)]
        if !validation.isEmpty {
            series.append(ChartSeries(name: "validation data", points: validation.sorted { $0.x < $1.x }, mark: .cross, color: "#E69F00", yName: "target", joined: false))
        }
        series.append(ChartSeries(name: "fitted function", points: fit, color: "#0072B2", yName: "output"))
        let chart = LineChart(title: "Fitted function of \(point.name), seed \(run.seed)", x: Axis(title: "input x", name: "x"),
                              y: Axis(title: "output", name: "y"), series: series)
        return ReportChart(file: "fit.svg", heading: "Fitted function",
                           caption: "The network's output over the range of the data, for the best seed of \(c.points.count == 1 ? "the experiment" : c.ranking.metric == nil ? "the first grid point (nothing is ranked)" : "the best grid point") (\(run.run)); the points are the data.",
                           svg: chart.svg())
    }

    /// For classification with three or more classes, the best run's confusion
    /// matrix on the validation set (the training set when there is none).
    static func confusion(_ c: Context, cache: CSVCache) -> ReportChart? {
        guard c.hasAccuracy, let (point, run) = pictured(c), let config = c.results.config(of: run.run, cache: cache),
              let dataset = try? config.data.makeDataset(cache: cache),
              case .classification(let names) = dataset.task, names.count >= 3,
              let data = try? config.data.prepare(outputs: config.model.outputs, cache: cache), data.isClassification,
              let network = c.results.network(of: run.run) else { return nil }
        let onValidation = data.hasValidation
        let inputs = onValidation ? data.validationInputs : data.trainingInputs
        guard let labels = onValidation ? data.validationLabels : data.trainingLabels, inputs.rows > 0 else { return nil }
        let output = network.predict(inputs)
        var counts = Array(repeating: Array(repeating: 0, count: names.count), count: names.count)
        for row in 0 ..< inputs.rows {
            var predicted = 0
            for j in 1 ..< output.columns where output[row, j] > output[row, predicted] { predicted = j }
            if labels[row] < names.count, predicted < names.count { counts[labels[row]][predicted] += 1 }
        }
        let set = onValidation ? "validation" : "training"
        let matrix = ConfusionMatrix(title: "Confusion matrix of \(point.name), seed \(run.seed), \(set) set", classNames: names, counts: counts)
        return ReportChart(file: "confusion-matrix.svg", heading: "Confusion matrix",
                           caption: "Rows: the true class; columns: the class the best run (\(run.run)) predicts, on the \(set) set. The shading is the fraction of the row; the diagonal is right.",
                           svg: matrix.svg())
    }

    /// Grid point `index`'s pictures, from one read of its best run's
    /// config.json and model.json: the decision boundary (data on top; nil
    /// when the model is not a valid network) and the frames through
    /// training; nil unless 2-D classification.
    static func pictures(_ c: Context, _ index: Int, cache: CSVCache) -> (boundary: ReportChart?, frames: BoundaryFrames.Drawn)? {
        let point = c.points[index]
        guard let best = c.ranking.bestRun(point), let config = c.results.config(of: best.run, cache: cache),
              let plane = BoundaryPlane(config, cache: cache), plane.isClassification else { return nil }
        let model = c.results.model(of: best.run)
        let boundary = model.network.map { network -> ReportChart in
            var heatmap = Heatmap(title: "\(point.name), seed \(best.seed)", x: Axis(title: "x1", scale: .linear, range: plane.xRange),
                                  y: Axis(title: "x2", scale: .linear, range: plane.yRange), values: plane.shading(network, size: 60),
                                  classes: plane.classes, points: plane.training)
            heatmap.validationPoints = plane.validation
            heatmap.classNames = plane.classNames
            return ReportChart(file: "boundary-\(index + 1).svg", heading: point.name,
                               caption: "The best seed of this grid point (\(best.run)); shading is the network's output, the points are the data.",
                               svg: heatmap.svg())
        }
        let run = BoundaryFrames.Run(point: index, name: point.name, run: best.run, seed: best.seed, plane: plane,
                                     snapshots: model.snapshots ?? [])
        return (boundary, BoundaryFrames.Drawn(run))
    }
}

extension String {
    /// The text without the newlines at either end (those of
    /// `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029),
    /// without a trip through NSString.
    var trimmingNewlines: String {
        let scalars = unicodeScalars
        func isNewline(_ s: Unicode.Scalar) -> Bool { (0x0A ... 0x0D).contains(s.value) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029 }
        guard let first = scalars.firstIndex(where: { !isNewline($0) }), let last = scalars.lastIndex(where: { !isNewline($0) }) else { return "" }
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first ... last])
    }

    /// The text with its first letter in upper case.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
