import Foundation

/// How a report shows a sweep of more grid points than a reader can tell
/// apart one by one (SPEC §7: the report's cost is bounded in runs), past
/// `chartLimit` grid points:
///
/// - line charts by epoch (loss, accuracy) draw the best, the median and the
///   worst grid point (by the ranking, best first) in colour, named in the
///   legend, and under them the spread of all grid points' mean curves: at
///   each epoch their median, a band from the 25th to the 75th percentile and
///   a lighter one from the 10th to the 90th; each epoch's diverged runs are
///   one cross with their count;
/// - gradient norms by layer likewise, by layer;
/// - the table lists the `tableBest` best and the `tableWorst` worst grid
///   points in rank order, and says that summary.csv has them all.
///
/// Percentiles interpolate linearly between order statistics (numpy's
/// default, R's type 7): the p-th of n sorted values is x[(n − 1)·p],
/// interpolated. So the size of report.html is bounded by the number of
/// epochs drawn (itself bounded by the chart's width, `PixelDecimation`), not
/// by the number of runs. Not promised: a chart of every grid point; the
/// curves themselves are in each run's curve.csv.
enum ManyGridPoints {
    /// Up to this many grid points, every one is drawn and tabled.
    static let chartLimit = 100
    static let tableBest = 25, tableWorst = 5
    /// The colours of the best, the median and the worst grid point (as `SeriesColors` highlights them).
    static let highlightColors = [SVG.palette[0], SVG.palette[2], SVG.palette[5]]
    static let bandColor = "#5A5A5A"

    /// True when a report of `points` grid points summarizes them.
    static func applies(_ points: Int) -> Bool { points > chartLimit }

    /// The p-th percentile (0 ≤ p ≤ 1) of sorted values, linear between order statistics.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty, "percentile of no values")
        let position = Double(sorted.count - 1) * p
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }

    /// The best, the median and the worst grid point in `order` (best first), each once.
    static func highlights(_ order: [Int], ranked: Int) -> [(label: String, item: Int)] {
        let ranked = Array(order.prefix(ranked))
        guard !ranked.isEmpty else { return [] }
        var picks: [(label: String, item: Int)] = []
        for (label, item) in [("best", ranked[0]), ("median", ranked[ranked.count / 2]), ("worst", ranked[ranked.count - 1])]
        where !picks.contains(where: { $0.item == item }) {
            picks.append((label, item))
        }
        return picks
    }

    /// The spread of many curves as two series: at each x that some curve has,
    /// the median of the curves' finite values there, with a band from the
    /// 25th to the 75th percentile (hover: the median and both bands); and a
    /// band alone from the 10th to the 90th (its points have y = NaN, so it
    /// draws no line and no hover circles).
    static func spread(_ curves: [[ChartPoint]], what: String, yName: String?, scale: AxisScale, group: Int) -> [ChartSeries] {
        var byX: [Double: [Double]] = [:]
        for curve in curves {
            for point in curve where point.y.isFinite && (scale == .linear || point.y > 0) {
                byX[point.x, default: []].append(point.y)
            }
        }
        var middle: [ChartPoint] = [], inner: [(low: Double, high: Double)] = [], outer: [(low: Double, high: Double)] = []
        for x in byX.keys.sorted() {
            let values = byX[x]!.sorted()
            let median = percentile(values, 0.5)
            let q = [0.1, 0.25, 0.75, 0.9].map { percentile(values, $0) }
            let note = "25th–75th percentile \(ReportNumber.text(q[1]))–\(ReportNumber.text(q[2])), 10th–90th \(ReportNumber.text(q[0]))–\(ReportNumber.text(q[3])), of \(values.count) \(what)"
            middle.append(ChartPoint(x: x, y: median, note: note))
            inner.append((q[1], q[2]))
            outer.append((q[0], q[3]))
        }
        return [
            ChartSeries(name: "", points: middle.map { ChartPoint(x: $0.x, y: .nan) }, color: bandColor, band: outer, yName: yName,
                        group: group, inLegend: false),
            ChartSeries(name: "median of the \(what)", points: middle, color: bandColor, band: inner, yName: yName,
                        group: group, inLegend: false),
        ]
    }

    /// The legend entries of `spread`.
    static func spreadLegend(_ count: Int, what: String) -> [LegendItem] {
        // The bands' colours as drawn: one or two layers of `bandColor` at opacity 0.16 over white.
        [LegendItem(text: "median of the \(ReportNumber.grouped(count)) \(what)", color: bandColor),
         LegendItem(text: "band: their 25th–75th percentile", color: "#CECECE"),
         LegendItem(text: "light band: 10th–90th", color: "#E5E5E5")]
    }

    /// One cross per epoch at which some runs diverged, with their count and the first of them.
    static func divergedMarks(_ c: ReportCharts.Context) -> [MarkedPoint] {
        var byEpoch: [Int: (count: Int, first: String)] = [:]
        for point in c.points {
            for run in point.runs where run.status == .diverged {
                let first = byEpoch[run.epochs]?.first ?? "\(point.name) · seed \(run.seed)"
                byEpoch[run.epochs] = ((byEpoch[run.epochs]?.count ?? 0) + 1, first)
            }
        }
        return byEpoch.keys.sorted().map { epoch in
            let entry = byEpoch[epoch]!
            let label = entry.count == 1 ? "\(entry.first) · diverged at epoch \(epoch)"
                : "\(ReportNumber.grouped(entry.count)) runs diverged at epoch \(epoch), the first: \(entry.first)"
            return MarkedPoint(x: Double(epoch), y: nil, label: label, color: "#555555")
        }
    }

    /// `ReportCharts.curves` for many grid points: the highlights over the
    /// spread, one panel per line (validation, training) side by side.
    static func curves(_ c: ReportCharts.Context, lines: [ReportCharts.CurveLine], means: [[[ChartPoint]]], title: String,
                       yAxis: Axis, file: String, heading: String, caption: String) -> ReportChart {
        let ranked = c.order.filter { c.ranking.value(c.points[$0]) != nil || c.ranking.metric == nil }.count
        let picks = highlights(c.order, ranked: max(ranked, 1))
        let what = "grid points"
        let marks = divergedMarks(c)
        func panel(_ lineIndex: Int, title: String, showsLegend: Bool) -> LineChart {
            let line = lines[lineIndex]
            var series = spread(means.map { $0[lineIndex] }, what: what, yName: line.name, scale: yAxis.scale, group: picks.count)
            for (rank, pick) in picks.enumerated() {
                series.append(ChartSeries(name: "\(pick.label): \(c.points[pick.item].name)", points: means[pick.item][lineIndex],
                                          color: highlightColors[rank], yName: line.name, group: rank))
            }
            return LineChart(title: title, x: Axis(title: "epoch", integerTicks: true), y: yAxis, series: series, marked: marks,
                             legendItems: spreadLegend(c.points.count, what: what), showsLegend: showsLegend)
        }
        let svg: String
        if lines.count == 1 {
            svg = panel(0, title: title, showsLegend: true).svg()
        } else {
            var legend = picks.enumerated().map { LegendItem(text: "\($1.label): \(c.points[$1.item].name)", color: highlightColors[$0]) }
            legend += spreadLegend(c.points.count, what: what)
            if !marks.isEmpty { legend.append(LegendItem(text: "diverged (band above the plot)", color: "#555555", mark: .cross, line: false)) }
            svg = ChartPanels(title: title, panels: lines.indices.map { panel($0, title: lines[$0].name.capitalizedFirst, showsLegend: false) },
                              legendItems: legend, columns: 2, panelHeight: 380).svg()
        }
        let by = c.ranking.metric.map { "by mean \(Report.metricText($0))" } ?? "by mean final \(c.usesValidation ? "validation" : "training") loss"
        let note = " \(ReportNumber.grouped(c.points.count)) grid points are more than a chart can tell apart: drawn are the best, the median and the worst (\(by)) and, at each epoch, the median and the spread of all grid points' mean curves. Every run's curve is in its curve.csv."
        return ReportChart(file: file, heading: heading, caption: caption + note, svg: svg)
    }

    /// `ReportCharts.gradientNorms` for many grid points (`items`, each with its mean norm per layer in `means`):
    /// the highlights over the spread of all of them, by layer.
    static func gradientNorms(_ c: ReportCharts.Context, items: [Int], means: [[Double]]) -> ReportChart {
        let local = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1, $0) })
        let order = c.order.compactMap { local[$0] }
        let ranked = order.filter { c.ranking.value(c.points[items[$0]]) != nil || c.ranking.metric == nil }.count
        let picks = highlights(order, ranked: max(ranked, 1))
        let curves = means.map { $0.enumerated().map { ChartPoint(x: Double($0.offset + 1), y: $0.element) } }
        let what = "grid points"
        var series = spread(curves, what: what, yName: nil, scale: .log, group: picks.count)
        for (rank, pick) in picks.enumerated() {
            series.append(ChartSeries(name: "\(pick.label): \(c.points[items[pick.item]].name)", points: curves[pick.item], mark: .dot,
                                      color: highlightColors[rank], group: rank))
        }
        let layers = Double(means.map(\.count).max() ?? 1)
        let chart = LineChart(title: "Gradient norm by layer, last epoch",
                              x: Axis(title: "layer", scale: .linear, range: 0.5 ... layers + 0.5, integerTicks: true),
                              y: Axis(title: "mean ‖∂C/∂W‖ over the epoch's steps (log scale)", scale: .log, name: "‖∂C/∂W‖"),
                              series: series, legendItems: spreadLegend(items.count, what: what))
        return ReportChart(file: "gradient-norms.svg", heading: "Gradient norms by layer",
                           caption: "‖∂C/∂Wˡ‖ averaged over the last epoch's steps and the seeds that did not diverge; layer 1 is nearest the input. Vanishing gradients show as a fall towards layer 1. Drawn are the best, the median and the worst of the \(ReportNumber.grouped(items.count)) grid points and, per layer, the median and the spread of all of them.",
                           svg: chart.svg())
    }

    /// Many lines of one chart (each a group of grid points, `names`, ranked by
    /// `order`, best first) summarized: the best, the median and the worst in
    /// colour over the spread of all of them (`spread`, on a log y axis), and
    /// the marked points at one x merged into one with their count.
    static func summarized(_ lines: [ChartSeries], names: [String], order: [Int], marked: [MarkedPoint],
                           xName: String) -> (series: [ChartSeries], marked: [MarkedPoint], legend: [LegendItem]) {
        let picks = highlights(order, ranked: order.count)
        let what = "lines"
        var series = spread(lines.map(\.points), what: what, yName: nil, scale: .log, group: picks.count)
        for (rank, pick) in picks.enumerated() {
            var line = lines[pick.item]
            line.name = "\(pick.label): \(names[pick.item])"
            (line.color, line.faded, line.inLegend, line.group) = (highlightColors[rank], false, true, rank)
            series.append(line)
        }
        var byX: [Double: [MarkedPoint]] = [:]
        for mark in marked { byX[mark.x, default: []].append(mark) }
        let merged = byX.keys.sorted().map { x -> MarkedPoint in
            let marks = byX[x]!
            guard marks.count > 1 else { return MarkedPoint(x: x, y: marks[0].y, label: marks[0].label, color: "#555555") }
            return MarkedPoint(x: x, y: marks[0].y, label: "\(ReportNumber.grouped(marks.count)) runs diverged at \(SVG.named(xName, x)), the first: \(marks[0].label)",
                               color: "#555555")
        }
        return (series, merged, spreadLegend(lines.count, what: what))
    }

    /// The table's grid points, in rank order: the `tableBest` best and the `tableWorst` worst (`order`: best first).
    static func tableRows(_ order: [Int]) -> (best: [Int], worst: [Int]) {
        guard order.count > tableBest + tableWorst else { return (order, []) }
        return (Array(order.prefix(tableBest)), Array(order.suffix(tableWorst)))
    }
}
