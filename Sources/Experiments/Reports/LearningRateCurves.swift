import Foundation

extension ReportCharts {
    /// The learning rate by epoch (curve.csv's `learning_rate`, the rate of each
    /// epoch's last step), one line per grid point, mean over its seeds that
    /// did not diverge, on a log axis; drawn only where some run's rate changes
    /// during training (a schedule is used or swept).
    static func learningRateCurves(_ results: ResultsFolder, _ points: [GridPoint]) -> ReportChart? {
        let scheduled = results.curves.values.contains { curve in
            let rates = curve.compactMap(\.learningRate)
            return rates.contains { $0 != rates.first }
        }
        guard scheduled else { return nil }
        var series: [ChartSeries] = []
        for point in points {
            let kept = point.runs.filter { $0.status != .diverged }
            let curves = (kept.isEmpty ? point.runs : kept).compactMap { results.curves[$0.run] }
            guard let longest = curves.map(\.count).max() else { continue }
            var chartPoints: [ChartPoint] = []
            // By record, at the record's epoch (a long run's curve may hold a bucketed subset of its epochs).
            for index in 0 ..< longest {
                let records = curves.compactMap { $0.count > index ? $0[index] : nil }
                let rates = records.compactMap(\.learningRate)
                guard let epoch = records.first?.epoch, !rates.isEmpty else { continue }
                chartPoints.append(ChartPoint(x: Double(epoch), y: rates.reduce(0, +) / Double(rates.count), note: nil))
            }
            series.append(ChartSeries(name: point.name, points: chartPoints, mark: .none, colorIndex: nil, dashed: false))
        }
        guard !series.isEmpty else { return nil }
        let chart = LineChart(title: "Learning rate by epoch", x: Axis(title: "epoch", scale: .linear, range: nil),
                              y: Axis(title: "learning rate of the epoch's last step (log scale)", scale: .log, range: nil),
                              series: series, marked: [])
        return ReportChart(file: "learning-rate-schedule.svg", heading: "Learning-rate schedule",
                           caption: "The rate of each epoch's last step (curve.csv's learning_rate), mean over the seeds of each grid point that did not diverge.",
                           svg: chart.svg())
    }
}
