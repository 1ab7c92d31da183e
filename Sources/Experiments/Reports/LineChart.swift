import Foundation

/// A single point drawn as a cross with a hover tooltip, outside any series.
///
/// A y that is nil, NaN or +∞ (a diverged run) is drawn in the "diverged" band
/// above the plot area, so that it never reads as a value of the y axis; a
/// finite y beyond the axis range is drawn at the nearer edge of the plot ("off
/// the scale"); −∞, or y ≤ 0 on a log axis, at the bottom edge. Crosses at the
/// same place are stacked, so each stays visible. A point whose x cannot be
/// drawn or lies outside the x range is left out.
public struct MarkedPoint: Sendable {
    public var x: Double
    public var y: Double?
    /// The tooltip's first line, e.g. "learning_rate=1 · seed 2 · diverged at epoch 3".
    public var label: String
    /// The colour, as for `ChartSeries.colorIndex`.
    public var colorIndex: Int
    /// An explicit "#RRGGBB" colour, instead of `colorIndex`.
    public var color: String?
    /// The series (its `group`, or position) the point belongs to, for hover highlighting.
    public var series: Int?

    public init(x: Double, y: Double?, label: String, colorIndex: Int = 0, color: String? = nil, series: Int? = nil) {
        self.x = x
        self.y = y
        self.label = label
        self.colorIndex = colorIndex
        self.color = color
        self.series = series
    }

    var resolvedColor: String { color ?? SVG.LineStyle(index: colorIndex, dashed: false).color }
}

/// A line chart on linear or log axes, written as SVG.
///
/// Layout: title centred at the top; the "diverged" band under it when some
/// marked point diverged; the legend to the right of the plot, every entry
/// shown (the chart grows taller when the entries need it; names past 32
/// characters are shortened with "…" and shown whole on hover), then the colour
/// bar of `colorScale`; the y axis title rotated on the left. Grid lines at
/// every tick; tick labels as `Ticks.label` (on a log axis of powers of ten
/// where some label would need the exponent form, all as 10 with a superscript
/// exponent), thinned where they would overlap. Lines are clipped to the plot
/// area; markers are drawn whole. Faded series are drawn first, thin and grey.
///
/// Hover: every drawn point inside the plot has an invisible circle (r = 5)
/// with the tooltip "series · x-name x · y-name y" (4 significant digits; a
/// whole x on an axis of `integerTicks` in full: "epoch 123457") and
/// the point's note on a second line; a series with more drawn points than its
/// share gets circles on every k-th point only (and its last): at most about
/// 100 per series and 3000 per chart (but 10 per series at least).
///
/// A joined series with more points than the plot has pixel columns is drawn
/// through at most four of them per column (`PixelDecimation`: first, last,
/// least and greatest), its band's edges likewise, so the chart's size is
/// bounded by its width, not by the number of epochs; hover circles sit on
/// kept points, so they show real values.
///
/// The same chart always gives the same bytes: coordinates have 2 decimals, and
/// the clip path's id is a hash of the rest of the document (so charts inlined in
/// one HTML page do not share ids unless they are identical).
public struct LineChart: Sendable {
    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [ChartSeries]
    public var marked: [MarkedPoint]
    /// Legend entries after the series' own (a line-style key, say).
    public var legendItems: [LegendItem]
    /// A colour scale the series' colours come from, drawn as a colour bar right of the plot.
    public var colorScale: ColorScale?
    /// False leaves out the legend and the colour bar (a panel of `ChartPanels`, which draws them once).
    public var showsLegend: Bool
    /// In pixels; at least 200 × 150 is used.
    public var width: Int
    public var height: Int

    public init(title: String, x: Axis, y: Axis, series: [ChartSeries], marked: [MarkedPoint] = [],
                legendItems: [LegendItem] = [], colorScale: ColorScale? = nil, showsLegend: Bool = true,
                width: Int = 960, height: Int = 420) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.marked = marked
        self.legendItems = legendItems
        self.colorScale = colorScale
        self.showsLegend = showsLegend
        self.width = width
        self.height = height
    }

    /// Hover circles per series, and per chart (shared among its series, at least 10 each).
    static let maxTooltips = 100, maxChartTooltips = 3000, fadedColor = "#C4C4C4"

    /// The chart as an SVG document.
    ///
    /// The clip path's id is "nnlab-clip-" and the hash of the chart drawn
    /// with the id "plot", so that charts inlined in one page never share one.
    /// The chart is drawn once, and the id put into its two places after.
    public func svg() -> String {
        let draft = render(clipID: "plot")
        let id = "nnlab-clip-" + SVG.hash(draft)
        // Escaped text cannot hold these (their quotes and < would be entities).
        let definition = "<clipPath id=\"plot\">", use = "<g clip-path=\"url(#plot)\""
        guard let first = draft.firstRange(of: definition), let second = draft[first.upperBound...].firstRange(of: use) else {
            return render(clipID: id)
        }
        var out = String(draft[..<first.lowerBound])
        out.reserveCapacity(draft.utf8.count + 2 * id.utf8.count)
        out += "<clipPath id=\"\(id)\">"
        out += draft[first.upperBound ..< second.lowerBound]
        out += "<g clip-path=\"url(#\(id))\""
        out += draft[second.upperBound...]
        return out
    }

    /// The legend entries of the series, `legendItems`, then the kinds of marked
    /// points drawn (`edges`: each marked point's, nil when not drawn), each in
    /// the colour its crosses have when they share one.
    private func legendEntries(edges: [Edge?]) -> [LegendItem] {
        var entries = series.enumerated().compactMap { index, line -> LegendItem? in
            guard !line.name.isEmpty, !line.faded, line.inLegend else { return nil }
            let style = style(of: line, index)
            return LegendItem(text: line.name, color: style.color, dash: style.dash, mark: line.mark, line: line.joined)
        }
        entries += legendItems
        for kind in [Edge.diverged, Edge.offScale] where edges.contains(kind) {
            let colors = Set(zip(marked, edges).filter { $0.1 == kind }.map(\.0.resolvedColor))
            let text = kind == .diverged ? "diverged (band above the plot)" : "off the scale (at the edge)"
            entries.append(LegendItem(text: colors.count == 1 ? text : text + ", in its series' colour",
                                      color: colors.count == 1 ? colors.first! : "#555555", dash: nil, mark: .cross, line: false))
        }
        return entries
    }

    private func style(of line: ChartSeries, _ index: Int) -> SVG.LineStyle {
        if line.faded { return SVG.LineStyle(color: LineChart.fadedColor, dash: line.dashed ? SVG.dashes[1] : nil) }
        if let color = line.color { return SVG.LineStyle(color: color, dash: line.dashed ? SVG.dashes[1] : nil) }
        return SVG.LineStyle(index: line.colorIndex ?? index, dashed: line.dashed)
    }

    private func render(clipID: String) -> String {
        let width = Double(max(self.width, 200))
        var height = Double(max(self.height, 150))

        // Axis ranges from every point that can be drawn.
        var xs: [Double] = [], ys: [Double] = []
        for line in series {
            for (i, point) in line.points.enumerated() where SVG.accepts(point.x, x.scale) {
                xs.append(point.x)
                if SVG.accepts(point.y, y.scale) { ys.append(point.y) }
                if let band = line.band, band.count == line.points.count {
                    for bound in [band[i].low, band[i].high] where SVG.accepts(bound, y.scale) && y.range == nil { ys.append(bound) }
                }
            }
        }
        for mark in marked where SVG.accepts(mark.x, x.scale) {
            xs.append(mark.x)
            if let value = mark.y, SVG.accepts(value, y.scale) { ys.append(value) }
        }
        let xAxis = ResolvedAxis(x, data: xs), yAxis = ResolvedAxis(y, data: ys)
        let placements = marked.map { placement(of: $0, xAxis: xAxis, yAxis: yAxis) }
        let hasDiverged = placements.contains { $0?.edge == .diverged }

        // The diverged band: one row per cross stacked at one x (at most 4).
        var stackKeys: [Int: Int] = [:]
        var levels: [Int] = []
        for place in placements {
            guard let place, place.edge == .diverged else { levels.append(0); continue }
            let key = Int((place.x * 1000).rounded())
            levels.append(stackKeys[key, default: 0])
            stackKeys[key, default: 0] += 1
        }
        let bandRows = Double(min(max(stackKeys.values.max() ?? 0, 1), 4))
        let bandHeight = hasDiverged ? 8 + 9 * bandRows : 0

        // Layout.
        let titleTop = title.isEmpty ? 14.0 : 40
        let top = titleTop + (hasDiverged ? bandHeight + 8 : 0)
        let left = SVG.leftMargin(yAxis: yAxis, title: y.title)
        let entries = showsLegend ? legendEntries(edges: placements.map { $0?.edge }) : []
        let bar = showsLegend ? colorScale : nil
        var legend = Legend(entries: entries, maxWidth: width * 0.4)
        let barWidth = bar?.barWidth ?? 0
        let rightColumn = max(legend.width, barWidth > 0 ? barWidth + 8 : 0)
        let needed = titleTop + legend.height + (bar.map { $0.barHeight + 40 } ?? 0) + 40
        if needed > height { height = needed }
        let bottom = height - (x.title.isEmpty ? 30 : 48)
        let lastXLabel = SVG.tickLabels(xAxis).last.map { $0.width / 2 + 4 } ?? 0
        let right = width - rightColumn - max(16, lastXLabel)
        let area = PlotArea(left: left, top: top, right: max(right, left + 40), bottom: max(bottom, top + 40))
        legend.top = titleTop

        var out = SVG.header(width: width, height: height)
        out += "<defs><clipPath id=\"\(clipID)\"><rect x=\"\(SVG.f(area.left))\" y=\"\(SVG.f(area.top))\" width=\"\(SVG.f(area.width))\" height=\"\(SVG.f(area.height))\"/></clipPath></defs>\n"
        out += SVG.chartTitle(title, width: width)
        out += SVG.axes(x: xAxis, y: yAxis, area: area, xTitle: x.title, yTitle: y.title, grid: true)
        let bandTop = titleTop + 2
        if hasDiverged {
            out += "<rect x=\"\(SVG.f(area.left))\" y=\"\(SVG.f(bandTop))\" width=\"\(SVG.f(area.width))\" height=\"\(SVG.f(bandHeight))\" fill=\"#F7ECEC\" stroke=\"#E3C8C8\" stroke-width=\"1\"/>\n"
            out += "<text x=\"\(SVG.f(area.left - 6))\" y=\"\(SVG.f(bandTop + bandHeight / 2 + 4))\" text-anchor=\"end\" font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#8A3B3B\">diverged</text>\n"
        }

        // Lines, bands and markers, clipped; faded series first.
        var hover: [UInt8] = []   // the tooltips' circles, as bytes (a chart has thousands)
        var allMarkers = ""   // outside the clip, so markers at the edges stay whole
        var drawnPoints = 0
        var lines: [UInt8] = [], bands = ""
        let order = series.indices.filter { series[$0].faded } + series.indices.filter { !series[$0].faded }
        for index in order {
            let line = series[index]
            let style = style(of: line, index)
            let group = line.group ?? index
            var pixels: [(Double, Double)?] = line.points.map { point in
                guard SVG.accepts(point.x, x.scale), SVG.accepts(point.y, y.scale) else { return nil }
                return (area.x(xAxis.fraction(point.x)), area.y(yAxis.fraction(point.y)))
            }
            // More vertices than pixel columns: at most four per column (`PixelDecimation`), real points all.
            var points = line.points
            if line.joined, pixels.count > Int(area.width.rounded(.up)) {
                let kept = PixelDecimation.kept(pixels)
                pixels = kept.map { pixels[$0] }
                points = kept.map { line.points[$0] }
            }
            if let band = line.band, band.count == line.points.count, !line.faded {
                bands += bandPaths(line, band, xAxis: xAxis, yAxis: yAxis, area: area, color: style.color, group: group)
            }
            let strokeWidth = line.faded ? "1.2" : "2"
            let groupText = String(group)
            // The vertices and tooltips are appended as bytes: a chart has
            // thousands, and a string per vertex, an array per tooltip or a
            // String append per piece cost more than the numbers themselves.
            for run in SVG.visibleRuns(pixels, area: area) where run.count >= 2 && line.joined {
                lines += "<polyline points=\"".utf8
                for (k, vertex) in run.enumerated() {
                    if k > 0 { lines.append(UInt8(ascii: " ")) }
                    SVG.appendF(vertex.0, to: &lines)
                    lines.append(UInt8(ascii: ","))
                    SVG.appendF(vertex.1, to: &lines)
                }
                lines += "\" stroke=\"\(style.color)\" stroke-width=\"\(strokeWidth)\"\(style.dashAttribute) data-s=\"\(groupText)\"/>\n".utf8
            }
            let inside = pixels.indices.filter { pixels[$0].map(area.contains) ?? false }
            drawnPoints += inside.count
            for i in inside {
                guard let (px, py) = pixels[i] else { continue }
                let alone = line.joined && (i == 0 || pixels[i - 1] == nil) && (i == pixels.count - 1 || pixels[i + 1] == nil)
                let mark = line.mark == .none && alone ? PointMark.dot : line.mark
                let marker = SVG.marker(mark, px, py, color: style.color, size: alone && line.mark == .none ? 2.5 : 3.5)
                if !marker.isEmpty { allMarkers += "<g data-s=\"\(groupText)\">" + marker.trimmingNewlines + "</g>\n" }
            }

            let cap = max(10, min(LineChart.maxTooltips, LineChart.maxChartTooltips / max(series.count, 1)))
            let stride = max(1, (inside.count + cap - 1) / cap)
            for (k, i) in inside.enumerated() where k % stride == 0 || k == inside.count - 1 {
                guard let (px, py) = pixels[i] else { continue }
                let point = points[i]
                // "name · x · y", and the point's note on a line of its own.
                var text = line.name.isEmpty ? "" : line.name + " · "
                text += x.integerTicks && point.x == point.x.rounded() && abs(point.x) < 1e15
                    ? "\(x.hoverName) \(Int(point.x))" : SVG.named(x.hoverName, point.x)
                text += " · "
                text += SVG.named(line.yName ?? y.hoverName, point.y)
                if let note = point.note, !note.isEmpty { text += "\n" + note }
                SVG.appendCircleCentre(px, py, to: &hover)
                hover += " r=\"5\" data-s=\"".utf8
                hover += groupText.utf8
                hover += "\"><title>".utf8
                hover += SVG.escape(text).utf8
                hover += "</title></circle>\n".utf8
            }
        }
        out += "<g clip-path=\"url(#\(clipID))\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n" + bands + String(decoding: lines, as: UTF8.self) + "</g>\n"
        if !allMarkers.isEmpty { out += "<g>\n" + allMarkers + "</g>\n" }

        // Marked points: diverged ones in the band, stacked; off-scale ones 7 px inside the edge.
        var edgeStacks: [String: Int] = [:]
        var marks = ""
        for (index, (mark, place)) in zip(marked, placements).enumerated() {
            guard let place else { continue }
            let px = area.x(place.x)
            var py: Double
            switch place.edge {
            case .diverged:
                py = bandTop + 8 + 9 * Double(min(levels[index], 3))
            case .inside:
                py = area.y(place.y)
            case .offScale:
                py = area.y(place.y) + (place.y >= 1 ? 7 : -7)
                let key = "\(Int((px / 4).rounded())),\(place.y >= 1 ? "top" : "bottom")"
                let level = edgeStacks[key, default: 0]
                edgeStacks[key] = level + 1
                py += (place.y >= 1 ? 1 : -1) * Double(level) * 11
            }
            let group = mark.series.map { " data-s=\"\($0)\"" } ?? ""
            marks += "<g\(group)>" + SVG.marker(.cross, px, py, color: mark.resolvedColor, size: place.edge == .diverged ? 3.5 : 5,
                                                halo: place.edge != .diverged).trimmingNewlines + "</g>\n"
            var text = mark.label
            switch place.edge {
            case .diverged: break
            case .inside, .offScale:
                text += (text.isEmpty ? "" : "\n") + SVG.named(x.hoverName, mark.x) + " · "
                    + (mark.y.map { SVG.named(y.hoverName, $0) } ?? "\(y.hoverName) none") + (place.edge == .offScale ? " (off the scale)" : "")
            }
            hover += "<circle cx=\"\(SVG.f(px))\" cy=\"\(SVG.f(py))\" r=\"6\"\(group)><title>\(SVG.escape(text))</title></circle>\n".utf8
        }
        if !marks.isEmpty { out += "<g>\n" + marks + "</g>\n" }

        if drawnPoints == 0 && placements.allSatisfy({ $0 == nil }) {
            out += "<text x=\"\(SVG.f(area.left + area.width / 2))\" y=\"\(SVG.f(area.top + area.height / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#888888\">no data</text>\n"
        }
        if !hover.isEmpty {
            out += "<g class=\"nnlab-hit\" fill=\"#000000\" fill-opacity=\"0\">\n" + String(decoding: hover, as: UTF8.self) + "</g>\n"
        }
        let columnLeft = area.right + max(16, lastXLabel)
        out += legend.svg(left: columnLeft)
        if let bar {
            out += bar.svg(left: columnLeft, top: titleTop + legend.height + (legend.entries.isEmpty ? 0 : 14))
        }
        out += "</svg>\n"
        return out
    }

    /// The band of a series as filled polygons, one per run of points whose bounds can be drawn.
    private func bandPaths(_ line: ChartSeries, _ band: [(low: Double, high: Double)], xAxis: ResolvedAxis, yAxis: ResolvedAxis,
                           area: PlotArea, color: String, group: Int) -> String {
        var out = ""
        var run: [(Double, Double, Double)] = []
        let columns = Int(area.width.rounded(.up))
        func flush() {
            if run.count >= 2 {
                // Each edge decimated on its own (`PixelDecimation`) when there are more points than pixel columns.
                let xs = run.map(\.0), lows = run.map(\.1), highs = run.map(\.2)
                let upperKept = run.count > columns ? PixelDecimation.kept(xs: xs, ys: highs) : Array(run.indices)
                let lowerKept = run.count > columns ? PixelDecimation.kept(xs: xs, ys: lows) : Array(run.indices)
                let upper = upperKept.map { "\(SVG.f(xs[$0])),\(SVG.f(highs[$0]))" }
                let lower = lowerKept.reversed().map { "\(SVG.f(xs[$0])),\(SVG.f(lows[$0]))" }
                out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.16\" stroke=\"none\" data-s=\"\(group)\"/>\n"
            }
            run = []
        }
        for (point, bounds) in zip(line.points, band) {
            // On a log axis a lower bound ≤ 0 is mirrored in log space: mean² / upper bound.
            let low = y.scale == .log && bounds.low <= 0 && bounds.high > 0 ? point.y * point.y / bounds.high : bounds.low
            guard SVG.accepts(point.x, x.scale), SVG.accepts(low, y.scale), SVG.accepts(bounds.high, y.scale) else {
                flush()
                continue
            }
            let px = area.x(xAxis.fraction(point.x))
            let clampTop = { (v: Double) in min(max(area.y(yAxis.fraction(v)), area.top - 2), area.bottom + 2) }
            run.append((px, clampTop(low), clampTop(bounds.high)))
        }
        flush()
        return out
    }

    enum Edge { case inside, diverged, offScale }

    /// Where a marked point goes as fractions of the axes, or nil when its x cannot be drawn.
    private func placement(of mark: MarkedPoint, xAxis: ResolvedAxis, yAxis: ResolvedAxis) -> (x: Double, y: Double, edge: Edge)? {
        guard SVG.accepts(mark.x, x.scale), xAxis.contains(mark.x) else { return nil }
        guard let value = mark.y, !value.isNaN, value != .infinity else { return (xAxis.fraction(mark.x), 1, .diverged) }
        guard SVG.accepts(value, y.scale) else { return (xAxis.fraction(mark.x), 0, .offScale) }
        let fraction = yAxis.fraction(value)
        if fraction > 1 + 1e-9 { return (xAxis.fraction(mark.x), 1, .offScale) }
        if fraction < -1e-9 { return (xAxis.fraction(mark.x), 0, .offScale) }
        return (xAxis.fraction(mark.x), fraction, .inside)
    }
}

extension SVG {
    /// "epoch 50", "validation loss 0.09035": a value named for a tooltip, at 4 significant digits.
    static func named(_ name: String, _ value: Double) -> String {
        let text = number(value, significantDigits: 4)
        return name.isEmpty ? text : "\(name) \(text)"
    }
}
