import Foundation

extension ReportCharts {
    /// Dead and saturated units by epoch (curve.csv's `dead_l` and
    /// `saturated_l`): one panel per layer and quantity that some run defines
    /// (dead for relu layers, saturated for sigmoid and tanh), a line per grid
    /// point, the mean over its seeds that did not diverge at each epoch. x is
    /// the record's own epoch (never its index: a reduced curve skips epochs).
    static func unitStates(_ c: Context) -> ReportChart? {
        let layers = c.results.curves.values.compactMap { $0.first.map { max($0.deadFractions.count, $0.saturatedFractions.count) } }.max() ?? 0
        func layer(_ l: Int) -> String { "layer \(l + 1)\(l == layers - 1 ? " (output)" : "")" }
        // A quantity's value in record r of a curve, read in place: a copy of
        // each record would retain its three arrays (a sweep has runs × epochs of them).
        func value(_ quantity: (name: String, layer: Int, dead: Bool), _ records: [EpochRecord], _ r: Int) -> Double? {
            let l = quantity.layer
            if quantity.dead { return records[r].deadFractions.indices.contains(l) ? records[r].deadFractions[l] : nil }
            return records[r].saturatedFractions.indices.contains(l) ? records[r].saturatedFractions[l] : nil
        }
        let quantities: [(name: String, layer: Int, dead: Bool)] = [
            (0 ..< layers).map { l in ("dead units, \(layer(l))", l, true) },
            (0 ..< layers).map { l in ("saturated units, \(layer(l))", l, false) },
        ].joined().filter { quantity in c.results.curves.values.contains { records in records.indices.contains { value(quantity, records, $0) != nil } } }
        guard !quantities.isEmpty else { return nil }

        let all = Array(c.points.indices)
        let colors = SeriesColors(names: all.map { c.points[$0].name },
                                  values: numericAxis(all.map { c.points[$0].labels }, paths: c.results.sweepPaths),
                                  order: c.order)
        // Past `ManyGridPoints.chartLimit` grid points: the best, median and worst over the spread of all.
        let many = ManyGridPoints.applies(c.points.count)
        let ranked = c.order.filter { c.ranking.value(c.points[$0]) != nil || c.ranking.metric == nil }.count
        let picks = many ? ManyGridPoints.highlights(c.order, ranked: max(ranked, 1)) : []
        let panels = quantities.map { quantity -> LineChart in
            var series: [ChartSeries] = []
            var means: [Int: [ChartPoint]] = [:]
            for item in all {
                // The seeds' values by epoch, then their mean.
                var byEpoch: [Int: [Double]] = [:]
                for run in c.keptRuns(c.points[item]) {
                    let records = c.results.curves[run.run] ?? []
                    for r in records.indices {
                        if let value = value(quantity, records, r), value.isFinite { byEpoch[records[r].epoch, default: []].append(value) }
                    }
                }
                guard !byEpoch.isEmpty else { continue }
                let points = byEpoch.keys.sorted().map { epoch in
                    ChartPoint(x: Double(epoch), y: byEpoch[epoch]!.reduce(0, +) / Double(byEpoch[epoch]!.count))
                }
                means[item] = points
                guard !many else { continue }
                series.append(ChartSeries(name: colors.legendNames[item] ?? c.points[item].name, points: points,
                                          color: colors.colors[item], faded: colors.colors[item] == nil,
                                          yName: quantity.name, group: item, inLegend: colors.legendNames[item] != nil))
            }
            if many {
                series = ManyGridPoints.spread(all.compactMap { means[$0] }, what: "grid points", yName: quantity.name, scale: .linear,
                                               group: picks.count)
                for (rank, pick) in picks.enumerated() {
                    guard let points = means[pick.item] else { continue }
                    series.append(ChartSeries(name: "\(pick.label): \(c.points[pick.item].name)", points: points,
                                              color: ManyGridPoints.highlightColors[rank], yName: quantity.name, group: rank))
                }
            }
            return LineChart(title: quantity.name.capitalizedFirst, x: Axis(title: "epoch", integerTicks: true),
                             y: Axis(title: "fraction", range: 0 ... 1, name: "fraction"), series: series, showsLegend: false)
        }
        let legend = many
            ? picks.enumerated().map { LegendItem(text: "\($1.label): \(c.points[$1.item].name)", color: ManyGridPoints.highlightColors[$0]) }
                + ManyGridPoints.spreadLegend(c.points.count, what: "grid points")
            : colors.colorScale == nil ? all.compactMap { item in
                colors.legendNames[item].map { LegendItem(text: $0, color: colors.colors[item] ?? "#888888") }
            } + colors.extraLegend : []
        let svg = ChartPanels(title: "Dead and saturated units by epoch", panels: panels, legendItems: legend,
                              colorScale: many ? nil : colors.colorScale, columns: min(3, panels.count)).svg()
        let note = many ? " \(ReportNumber.grouped(c.points.count)) grid points are more than a chart can tell apart: drawn are the best, the median and the worst and, at each epoch, the median and the spread of all grid points' means." : ""
        return ReportChart(file: "unit-states.svg", heading: "Dead and saturated units",
                           caption: "Per layer l, on the full training set after each epoch (epoch 0: the initial weights), mean over the seeds that did not diverge. Dead (relu layers): the fraction of the layer's units whose f′(z) is 0 on every training sample, so that no sample passes them a gradient. Saturated (sigmoid and tanh layers): the fraction of (sample, unit) pairs whose f′(z) is below 1% of f′'s maximum (σ′ < 0.0025, tanh′ < 0.01). Only layers where a run defines them are drawn." + note,
                           svg: svg)
    }
}
