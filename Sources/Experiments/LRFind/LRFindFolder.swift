import Foundation

/// `results/<name>/lr-find/`: a range test's files, written by `write` and
/// nothing else (the rest of the results folder is left as it is).
///
///     lr-find.csv   step, learning_rate, loss, smoothed_loss (one row per recorded step, i from 0)
///     lr-find.svg   the smoothed and the raw loss against the rate (log axes), the suggestions marked
///     report.md     the run, the settings, the suggestions and the chart
public enum LRFindFolder {
    public static let csvFile = "lr-find.csv"
    public static let chartFile = "lr-find.svg"
    public static let reportFile = "report.md"

    /// The folder of the experiment's range test under `output`.
    public static func folder(output: String, experiment: String) -> String {
        ResultsTree(root: output).experiment(experiment).lrFind
    }

    public static func csv(_ result: LearningRateFinder.Result) -> String {
        var text = CSVText.line(["step", "learning_rate", "loss", "smoothed_loss"])
        for step in result.steps {
            text += CSVText.line([String(step.step), CSVText.number(step.learningRate), CSVText.number(step.loss),
                                  CSVText.number(step.smoothedLoss)])
        }
        return text
    }

    /// Reads a CSV written by `csv`; nil when the text is not one.
    public static func parse(_ text: String) -> [LearningRateFinder.Step]? {
        let rows = CSVText.parse(text)
        guard rows.first == ["step", "learning_rate", "loss", "smoothed_loss"] else { return nil }
        var steps: [LearningRateFinder.Step] = []
        for row in rows.dropFirst() {
            guard row.count == 4, let step = Int(row[0]), let rate = CurveFile.number(row[1]), let loss = CurveFile.number(row[2]),
                  let smoothed = CurveFile.number(row[3]) else { return nil }
            steps.append(.init(step: step, learningRate: rate, loss: loss, smoothedLoss: smoothed))
        }
        return steps
    }

    public static func chart(_ result: LearningRateFinder.Result, title: String) -> String {
        let smoothed = result.steps.map { ChartPoint(x: $0.learningRate, y: $0.smoothedLoss, note: "step \($0.step)") }
        let raw = result.steps.map { ChartPoint(x: $0.learningRate, y: $0.loss, note: "step \($0.step)") }
        func value(at rate: Double) -> Double? {
            result.steps.min { abs(log($0.learningRate / rate)) < abs(log($1.learningRate / rate)) }?.smoothedLoss
        }
        var marked: [MarkedPoint] = []
        if let steepest = result.steepest {
            marked.append(MarkedPoint(x: steepest, y: value(at: steepest), label: "steepest descent: η = \(rate(steepest))", colorIndex: 2))
        }
        if let minimum = result.minimumOverTen {
            marked.append(MarkedPoint(x: minimum, y: value(at: minimum), label: "minimum / 10: η = \(rate(minimum))", colorIndex: 3))
        }
        let finite = result.steps.map(\.smoothedLoss).filter { $0.isFinite && $0 > 0 }
        let range: ClosedRange<Double>? = finite.isEmpty ? nil
            : (finite.min()! * 0.9) ... max(finite.min()! * 1.1, min(finite.max()!, LearningRateFinder.Settings.divergenceFactor * finite.min()!) * 1.1)
        let chart = LineChart(title: title, x: Axis(title: "learning rate", scale: .log, range: result.settings.start ... result.settings.end),
                              y: Axis(title: "loss", scale: .log, range: range),
                              series: [ChartSeries(name: "smoothed loss", points: smoothed, colorIndex: 0),
                                       ChartSeries(name: "batch loss", points: raw, colorIndex: 1, dashed: true)],
                              marked: marked)
        return chart.svg()
    }

    /// A rate to 4 significant digits.
    static func rate(_ x: Double) -> String {
        String(format: "%.4g", x)
    }

    public static func report(_ result: LearningRateFinder.Result, experiment: String, run: String) -> String {
        let settings = result.settings
        var text = "# Learning-rate range test: \(experiment)\n\n"
        text += "Run `\(run)`, from its initial weights, one mini-batch per step in the run's batch order; "
        text += "the rate rises geometrically from \(Ticks.label(settings.start)) to \(Ticks.label(settings.end)) over \(settings.steps) steps "
        text += "(ηᵢ = start · (end/start)^(i/(steps − 1))). The loss is smoothed by a debiased exponential moving average (β = 0.98).\n\n"
        if result.stoppedEarly, let last = result.steps.last {
            text += "Stopped at step \(last.step) (η = \(rate(last.learningRate))): the smoothed loss exceeded 4× its minimum or was not finite.\n\n"
        }
        text += "| suggestion | learning rate |\n|---|---|\n"
        text += "| steepest descent of the smoothed loss | \(result.steepest.map(rate) ?? "—") |\n"
        text += "| minimum of the smoothed loss / 10 | \(result.minimumOverTen.map(rate) ?? "—") |\n\n"
        text += "![smoothed loss against the learning rate](\(chartFile))\n\nThe steps: [\(csvFile)](\(csvFile)).\n"
        return text
    }

    /// Writes the three files into `folder`, each atomically.
    public static func write(_ result: LearningRateFinder.Result, experiment: String, run: String, to folder: String) throws(WriteError) {
        try ResultFiles.write(csv(result), to: joinFilePath(folder, csvFile))
        try ResultFiles.write(chart(result, title: "lr-find: \(experiment)"), to: joinFilePath(folder, chartFile))
        try ResultFiles.write(report(result, experiment: experiment, run: run), to: joinFilePath(folder, reportFile))
    }
}
