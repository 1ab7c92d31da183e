import Foundation

// Line charts as standalone SVG 1.1, written by nnlab itself.
//
// The output renders alike in browsers and on GitHub (which shows .svg files
// as images): no scripts, no CSS, no external fonts; presentation attributes
// only, explicit font sizes, a white background (so it stays readable in dark
// mode). `<title>` children give native hover tooltips where the SVG is inlined
// in HTML. There is no XML declaration, so the text can be inlined as is.

/// How an axis maps values to positions.
public enum AxisScale: Sendable, Equatable {
    /// Position proportional to the value.
    case linear
    /// Position proportional to log₁₀ of the value; only positive values can be drawn.
    case log
}

/// One axis of a chart: its title, scale and range.
public struct Axis: Sendable {
    /// Shown along the axis (rotated for the y axis); "" for none.
    public var title: String
    public var scale: AxisScale
    /// The values at the two ends of the axis. nil takes it from the data: a
    /// linear axis runs from the nice tick at or below the smallest value to the
    /// one at or above the largest (`Ticks.linear`), a log axis between the powers
    /// of ten around the smallest and largest positive finite values (`Ticks.log`).
    /// A range of zero width, with a non-finite bound, or (log) with a lower bound
    /// ≤ 0 is ignored, as if nil. Data outside the range is clipped, not rescaled.
    public var range: ClosedRange<Double>?
    /// Only whole-number ticks (layers, epochs): fractional ticks are dropped, and
    /// when fewer than two remain, every whole number in the range is a tick.
    public var integerTicks: Bool

    public init(title: String, scale: AxisScale = .linear, range: ClosedRange<Double>? = nil, integerTicks: Bool = false) {
        self.title = title
        self.scale = scale
        self.range = range
        self.integerTicks = integerTicks
    }
}

/// One data point of a line chart.
public struct ChartPoint: Sendable {
    public var x: Double
    public var y: Double
    /// Extra text for the point's hover tooltip (a second line), e.g. "2 of 3 seeds".
    public var note: String?

    public init(x: Double, y: Double, note: String? = nil) {
        self.x = x
        self.y = y
        self.note = note
    }
}

/// A marker drawn at every point of a series.
public enum PointMark: Sendable {
    case none
    /// A filled circle.
    case dot
    /// A diagonal cross (×), e.g. for a diverged run.
    case cross
}

/// One line of a chart, with its legend entry.
public struct ChartSeries: Sendable {
    /// The legend entry; "" leaves the series out of the legend.
    public var name: String
    /// Joined in order by straight lines. A point that cannot be drawn — a
    /// non-finite coordinate, or a value ≤ 0 on a log axis — breaks the line into
    /// separate pieces; a point left alone by such breaks is drawn as a small dot.
    public var points: [ChartPoint]
    public var mark: PointMark
    /// The colour (Okabe–Ito palette, 7 colours; yellow is left out as too pale for
    /// thin lines) and, past the 7th, the dash pattern. nil: the series' position in the chart.
    public var colorIndex: Int?
    /// Draws the line dashed.
    public var dashed: Bool

    public init(name: String, points: [ChartPoint], mark: PointMark = .none, colorIndex: Int? = nil, dashed: Bool = false) {
        self.name = name
        self.points = points
        self.mark = mark
        self.colorIndex = colorIndex
        self.dashed = dashed
    }
}

/// A single point drawn as a cross with a hover tooltip, outside any series.
///
/// A y that is nil, NaN or +∞ (a diverged run's final loss) is drawn at the top
/// edge of the plot and counted as "diverged" in the legend; a finite y beyond
/// the axis range is drawn at the nearer edge ("off the scale"); −∞, or y ≤ 0 on a
/// log axis, at the bottom edge. Crosses at the same edge and x are stacked
/// inwards, so each stays visible. A point whose x cannot be drawn or lies
/// outside the x range is left out.
public struct MarkedPoint: Sendable {
    public var x: Double
    public var y: Double?
    /// The first line of the tooltip, e.g. "lr=1,seed=2: diverged at epoch 3".
    public var label: String
    /// The colour, as for `ChartSeries.colorIndex`.
    public var colorIndex: Int

    public init(x: Double, y: Double?, label: String, colorIndex: Int = 0) {
        self.x = x
        self.y = y
        self.label = label
        self.colorIndex = colorIndex
    }
}

/// A line chart on linear or log axes, written as SVG.
///
/// Layout: title centred at the top; the legend to the right of the plot, in the
/// width it needs (at most 40 % of the chart; long names are shortened with "…"
/// and shown whole on hover; entries that do not fit end in "+ N more"); the y
/// axis title rotated on the left. Grid lines at every tick; tick labels as
/// `Ticks.label` (on a log axis of powers of ten where some label would need
/// the exponent form, all as 10 with a superscript exponent), thinned where they
/// would overlap (on a log axis, first to the powers of ten). Lines are clipped
/// to the plot area; markers are drawn whole.
///
/// Hover: every drawn point inside the plot has an invisible circle (r = 5) with
/// the tooltip "name: x = …, y = …" (values to 6 significant digits) and the
/// point's note on a second line; a series with more than 200 drawn points gets
/// circles on every k-th point only (and its last), at most about 200.
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
    /// In pixels; at least 200 × 150 is used.
    public var width: Int = 640
    public var height: Int = 400

    public init(title: String, x: Axis, y: Axis, series: [ChartSeries], marked: [MarkedPoint] = [],
                width: Int = 640, height: Int = 400) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.marked = marked
        self.width = width
        self.height = height
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let draft = render(clipID: "plot")
        return render(clipID: "nnlab-clip-" + SVG.hash(draft))
    }

    private func render(clipID: String) -> String {
        let width = Double(max(self.width, 200)), height = Double(max(self.height, 150))

        // Axis ranges from every point that can be drawn.
        var xs: [Double] = [], ys: [Double] = []
        for line in series {
            for point in line.points where SVG.accepts(point.x, x.scale) {
                xs.append(point.x)
                if SVG.accepts(point.y, y.scale) { ys.append(point.y) }
            }
        }
        for mark in marked where SVG.accepts(mark.x, x.scale) {
            xs.append(mark.x)
            if let value = mark.y, SVG.accepts(value, y.scale) { ys.append(value) }
        }
        let xAxis = ResolvedAxis(x, data: xs), yAxis = ResolvedAxis(y, data: ys)

        // Where each marked point goes, to know the legend before the layout.
        let fractions = marked.map { placement(of: $0, xAxis: xAxis, yAxis: yAxis) }
        var entries = series.enumerated().compactMap { index, line -> LegendEntry? in
            guard !line.name.isEmpty else { return nil }
            let style = SVG.LineStyle(index: line.colorIndex ?? index, dashed: line.dashed)
            return LegendEntry(text: line.name, style: style, mark: line.mark, line: true)
        }
        let black = SVG.LineStyle(color: "#000000", dash: nil)
        if fractions.contains(where: { $0?.edge == .diverged }) {
            entries.append(LegendEntry(text: "diverged", style: black, mark: .cross, line: false))
        }
        if fractions.contains(where: { $0?.edge == .offScale }) {
            entries.append(LegendEntry(text: "off the scale", style: black, mark: .cross, line: false))
        }

        // Layout.
        let top = title.isEmpty ? 14.0 : 40
        let bottom = height - (x.title.isEmpty ? 30 : 48)
        let left = SVG.leftMargin(yAxis: yAxis, title: y.title)
        let legend = Legend(entries: entries, height: bottom - top, maxWidth: width * 0.4)
        let lastXLabel = SVG.tickLabels(xAxis).last.map { $0.width / 2 + 4 } ?? 0
        let right = width - legend.width - max(16, lastXLabel)
        let area = PlotArea(left: left, top: top, right: max(right, left + 40), bottom: max(bottom, top + 40))

        var out = SVG.header(width: width, height: height)
        out += "<defs><clipPath id=\"\(clipID)\"><rect x=\"\(SVG.f(area.left))\" y=\"\(SVG.f(area.top))\" width=\"\(SVG.f(area.width))\" height=\"\(SVG.f(area.height))\"/></clipPath></defs>\n"
        out += SVG.chartTitle(title, width: width)
        out += SVG.axes(x: xAxis, y: yAxis, area: area, xTitle: x.title, yTitle: y.title, grid: true)

        // Lines and markers, clipped.
        var hover = ""
        var allMarkers = ""   // outside the clip, so markers at the edges stay whole
        var drawnPoints = 0
        out += "<g clip-path=\"url(#\(clipID))\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
        for (index, line) in series.enumerated() {
            let style = SVG.LineStyle(index: line.colorIndex ?? index, dashed: line.dashed)
            let pixels: [(Double, Double)?] = line.points.map { point in
                guard SVG.accepts(point.x, x.scale), SVG.accepts(point.y, y.scale) else { return nil }
                return (area.x(xAxis.fraction(point.x)), area.y(yAxis.fraction(point.y)))
            }
            for run in SVG.visibleRuns(pixels, area: area) where run.count >= 2 {
                out += "<polyline points=\"\(run.map { "\(SVG.f($0.0)),\(SVG.f($0.1))" }.joined(separator: " "))\" stroke=\"\(style.color)\" stroke-width=\"2\"\(style.dashAttribute)/>\n"
            }
            let inside = pixels.indices.filter { pixels[$0].map(area.contains) ?? false }
            drawnPoints += inside.count
            var markers = ""
            for i in inside {
                guard let (px, py) = pixels[i] else { continue }
                let alone = (i == 0 || pixels[i - 1] == nil) && (i == pixels.count - 1 || pixels[i + 1] == nil)
                let mark = line.mark == .none && alone ? PointMark.dot : line.mark
                markers += SVG.marker(mark, px, py, color: style.color, size: alone && line.mark == .none ? 2.5 : 3.5)
            }
            allMarkers += markers

            let stride = max(1, (inside.count + 199) / 200)
            for (k, i) in inside.enumerated() where k % stride == 0 || k == inside.count - 1 {
                guard let (px, py) = pixels[i] else { continue }
                let point = line.points[i]
                var text = (line.name.isEmpty ? "" : line.name + ": ")
                    + "x = \(SVG.number(point.x, significantDigits: 6)), y = \(SVG.number(point.y, significantDigits: 6))"
                if let note = point.note, !note.isEmpty { text += "\n" + note }
                hover += "<circle cx=\"\(SVG.f(px))\" cy=\"\(SVG.f(py))\" r=\"5\"><title>\(SVG.escape(text))</title></circle>\n"
            }
        }
        out += "</g>\n"
        if !allMarkers.isEmpty { out += "<g>\n" + allMarkers + "</g>\n" }

        // Marked points, 7 px inside the edge when off the plot, stacked inwards where they share an edge and an x.
        let placements = fractions.map { fraction in
            fraction.map { p in
                (x: area.x(p.x), y: area.y(p.y) + (p.edge == .inside ? 0 : (p.y >= 1 ? 7 : -7)), edge: p.edge)
            }
        }
        var stacked: [String: Int] = [:]
        var marks = ""
        for (mark, place) in zip(marked, placements) {
            guard let place else { continue }
            var py = place.y
            if place.edge != .inside {
                let key = "\(Int((place.x / 4).rounded())),\(place.y < area.top + area.height / 2 ? "top" : "bottom")"
                let level = stacked[key, default: 0]
                stacked[key] = level + 1
                py += (py < area.top + area.height / 2 ? 1 : -1) * Double(level) * 11
            }
            let style = SVG.LineStyle(index: mark.colorIndex, dashed: false)
            marks += SVG.marker(.cross, place.x, py, color: style.color, size: 5, halo: true)
            var text = mark.label.isEmpty ? "" : mark.label + "\n"
            text += "x = \(SVG.number(mark.x, significantDigits: 6)), "
            text += mark.y.map { "y = \(SVG.number($0, significantDigits: 6))" } ?? "y = none"
            switch place.edge {
            case .inside: break
            case .diverged: text += " (diverged)"
            case .offScale: text += " (off the scale)"
            }
            hover += "<circle cx=\"\(SVG.f(place.x))\" cy=\"\(SVG.f(py))\" r=\"7\"><title>\(SVG.escape(text))</title></circle>\n"
        }
        if !marks.isEmpty { out += "<g>\n" + marks + "</g>\n" }

        if drawnPoints == 0 && placements.allSatisfy({ $0 == nil }) {
            out += "<text x=\"\(SVG.f(area.left + area.width / 2))\" y=\"\(SVG.f(area.top + area.height / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#888888\">no data</text>\n"
        }
        if !hover.isEmpty {
            out += "<g fill=\"#000000\" fill-opacity=\"0\">\n" + hover + "</g>\n"
        }
        out += legend.svg(left: area.right + 16, top: area.top)
        out += "</svg>\n"
        return out
    }

    private enum Edge { case inside, diverged, offScale }

    /// Where a marked point goes as fractions of the axes (the plot area is not
    /// known yet when the legend is built), or nil when its x cannot be drawn.
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

// MARK: - Legend

struct LegendEntry {
    var text: String
    var style: SVG.LineStyle
    var mark: PointMark
    /// A line sample (a series) or only the marker (a kind of marked point).
    var line: Bool
}

/// Legend entries in columns to the right of the plot.
struct Legend {
    static let rowHeight = 17.0, sample = 24.0, maxCharacters = 32

    var entries: [LegendEntry]
    var rows: Int
    var columnWidth: Double
    var columns: Int
    /// Entries left out for lack of room (shown as "+ N more").
    var hidden: Int

    /// The reserved width, 0 without entries.
    var width: Double { entries.isEmpty ? 0 : Double(columns) * columnWidth + 8 }

    init(entries: [LegendEntry], height: Double, maxWidth: Double) {
        var shortened = entries
        for i in shortened.indices where shortened[i].text.count > Legend.maxCharacters {
            shortened[i].text = String(shortened[i].text.prefix(Legend.maxCharacters - 1)) + "…"
        }
        let textWidth = shortened.map { SVG.textWidth($0.text, fontSize: SVG.tickFont) }.max() ?? 0
        columnWidth = Legend.sample + 6 + max(textWidth, 40) + 14
        rows = max(1, Int((height - 4) / Legend.rowHeight))
        let needed = (entries.count + rows - 1) / rows
        let fitting = max(1, Int((maxWidth - 8) / columnWidth))
        columns = max(1, min(needed, fitting))
        let capacity = columns * rows
        hidden = entries.count > capacity ? entries.count - (capacity - 1) : 0
        self.entries = entries
        // Keep the full names for the tooltips of shortened entries.
        self.shortened = shortened
    }

    private var shortened: [LegendEntry]

    func svg(left: Double, top: Double) -> String {
        guard !entries.isEmpty else { return "" }
        let shown = hidden > 0 ? entries.count - hidden : entries.count
        var out = "<g font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#222222\">\n"
        for index in 0 ..< shown + (hidden > 0 ? 1 : 0) {
            let x = left + Double(index / rows) * columnWidth
            let y = top + 8 + Double(index % rows) * Legend.rowHeight
            if index == shown {
                out += "<text x=\"\(SVG.f(x))\" y=\"\(SVG.f(y + 4))\" fill=\"#555555\">+ \(hidden) more</text>\n"
                continue
            }
            let entry = shortened[index]
            let style = entry.style
            out += "<g>"
            if entry.text != entries[index].text { out += "<title>\(SVG.escape(entries[index].text))</title>" }
            if entry.line {
                out += "<line x1=\"\(SVG.f(x))\" y1=\"\(SVG.f(y))\" x2=\"\(SVG.f(x + Legend.sample))\" y2=\"\(SVG.f(y))\" stroke=\"\(style.color)\" stroke-width=\"2\"\(style.dashAttribute)/>"
            }
            if entry.mark != .none {
                out += SVG.marker(entry.mark, x + Legend.sample / 2, y, color: style.color, size: entry.line ? 3.5 : 5, halo: false)
                    .trimmingCharacters(in: .newlines)
            }
            out += "<text x=\"\(SVG.f(x + Legend.sample + 6))\" y=\"\(SVG.f(y + 4))\">\(SVG.escape(entry.text))</text></g>\n"
        }
        return out + "</g>\n"
    }
}

// MARK: - Axes

/// The rectangle of the plot in pixels; y grows downwards.
struct PlotArea {
    var left: Double, top: Double, right: Double, bottom: Double
    var width: Double { right - left }
    var height: Double { bottom - top }

    /// Pixel x of a fraction of the x axis (0 left, 1 right).
    func x(_ fraction: Double) -> Double { left + fraction * width }
    /// Pixel y of a fraction of the y axis (0 bottom, 1 top).
    func y(_ fraction: Double) -> Double { bottom - fraction * height }

    func contains(_ point: (Double, Double)) -> Bool {
        point.0 >= left - 0.01 && point.0 <= right + 0.01 && point.1 >= top - 0.01 && point.1 <= bottom + 0.01
    }
}

/// An axis with its range and ticks settled.
struct ResolvedAxis {
    let scale: AxisScale
    let low: Double
    let high: Double
    /// The ticks inside [low, high].
    private(set) var ticks: [Double]

    /// `linearOnly` ignores a log scale (the heatmap's axes).
    init(_ axis: Axis, data: [Double], linearOnly: Bool = false) {
        let scale: AxisScale = linearOnly ? .linear : axis.scale
        func generate(_ low: Double, _ high: Double) -> [Double] {
            scale == .log ? Ticks.log(low, high) : Ticks.linear(low, high)
        }
        var low: Double, high: Double, ticks: [Double]
        if let range = axis.range, range.lowerBound.isFinite, range.upperBound.isFinite,
           range.lowerBound < range.upperBound, scale == .linear || range.lowerBound > 0 {
            (low, high) = (range.lowerBound, range.upperBound)
            ticks = generate(low, high)
        } else if let smallest = data.min(), let largest = data.max() {
            ticks = generate(smallest, largest)
            (low, high) = (ticks.first ?? smallest, ticks.last ?? largest)
        } else {
            (low, high) = scale == .log ? (1, 10) : (0, 1)
            ticks = generate(low, high)
        }
        if !(low < high) {   // ticks could not widen a degenerate range (values near the Double limits)
            (low, high) = scale == .log ? (low / 2, low * 2) : (low - 1, low + 1)
        }
        self.scale = scale
        self.low = low
        self.high = high
        self.ticks = []
        var inside = ticks.filter(contains)
        if inside.count < 2, scale == .log { inside = Ticks.linear(low, high).filter(contains) }
        if axis.integerTicks && scale == .linear {
            inside = inside.filter { $0 == $0.rounded() }
            if inside.count < 2 && high - low < 1000 {
                inside = stride(from: low.rounded(.up), through: high.rounded(.down), by: 1).map { $0 }
            }
        }
        self.ticks = inside
    }

    private func transform(_ value: Double) -> Double {
        scale == .log ? log10(value) : value
    }

    /// Where a value lies along the axis: 0 at `low`, 1 at `high`, clamped to ±10⁴
    /// (far outside any plot, but keeping pixel coordinates small and finite).
    func fraction(_ value: Double) -> Double {
        let a = transform(value), lo = transform(low), hi = transform(high)
        let fraction = (a / 2 - lo / 2) / (hi / 2 - lo / 2)   // halves: no overflow near the Double limits
        if fraction.isNaN { return a < lo ? -1e4 : 1e4 }
        return min(max(fraction, -1e4), 1e4)
    }

    func contains(_ value: Double) -> Bool {
        let f = fraction(value)
        return f >= -1e-9 && f <= 1 + 1e-9
    }
}

// MARK: - Shared SVG helpers

/// Helpers shared by the charts: escaping, number text, palette, geometry.
enum SVG {
    static let fontFamily = "Helvetica, Arial, sans-serif"
    static let tickFont = 11.0, titleFont = 15.0, axisTitleFont = 12.0, superscriptFont = 8.0

    /// Okabe–Ito, the colour-blind-safe palette (Okabe & Ito 2008), without its
    /// yellow #F0E442, too pale for lines on white.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
    /// Dash patterns for the 2nd, 3rd, … pass through the palette.
    static let dashes: [String?] = [nil, "7 4", "2 3", "10 3 2 3"]

    /// The colour and dash of line `index`: colours cycle through the palette,
    /// each further cycle with the next dash pattern.
    struct LineStyle {
        var color: String
        var dash: String?

        init(color: String, dash: String?) {
            self.color = color
            self.dash = dash
        }

        init(index: Int, dashed: Bool) {
            let count = SVG.palette.count
            color = SVG.palette[((index % count) + count) % count]
            let cycle = abs(index / count)
            dash = dashed ? SVG.dashes[1 + cycle % 3] : SVG.dashes[cycle % SVG.dashes.count]
        }

        var dashAttribute: String { dash.map { " stroke-dasharray=\"\($0)\"" } ?? "" }
    }

    /// `<svg>` start tag with a white background.
    static func header(width: Double, height: Double) -> String {
        let w = f(width), h = f(height)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"\(fontFamily)\">\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#FFFFFF\"/>\n"
    }

    /// The chart title, centred at the top, shortened to fit the width.
    static func chartTitle(_ title: String, width: Double) -> String {
        guard !title.isEmpty else { return "" }
        return "<text x=\"\(f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"\(f(titleFont))\" font-weight=\"bold\" fill=\"#222222\">"
            + fitted(title, fontSize: titleFont, width: width - 20) + "</text>\n"
    }

    /// Escaped text, shortened with "…" to about `width` pixels; a shortened text
    /// carries the whole one in a `<title>` (tooltip).
    static func fitted(_ text: String, fontSize: Double, width: Double) -> String {
        guard textWidth(text, fontSize: fontSize) > width else { return escape(text) }
        var shown = text
        while !shown.isEmpty, textWidth(shown + "…", fontSize: fontSize) > width { shown.removeLast() }
        return "<title>\(escape(text))</title>" + escape(shown + "…")
    }

    /// Left margin: room for the rotated y title and the widest y tick label.
    static func leftMargin(yAxis: ResolvedAxis, title: String) -> Double {
        let labels = tickLabels(yAxis).map(\.width).max() ?? 0
        return (title.isEmpty ? 8 : 26) + labels + 9
    }

    /// The tick labels of an axis as markup, with their estimated widths: `Ticks.label`,
    /// except on a log axis whose ticks are all powers of ten and where some label
    /// would take the exponent form: there every label is 10 with a superscript
    /// exponent (10⁻⁴ … 10⁰ … 10⁸), rather than a mix of "1e-4", "0.001" and "100".
    static func tickLabels(_ axis: ResolvedAxis) -> [(markup: String, width: Double)] {
        let plain = axis.ticks.map(Ticks.label)
        let exponents = axis.ticks.map { tick -> Int? in
            let power = log10(tick).rounded()
            return abs(log10(tick) - power) < 1e-9 && abs(power) < 400 ? Int(power) : nil
        }
        let superscripts = exponents.compactMap { $0 }
        guard axis.scale == .log, plain.contains(where: { $0.contains("e") }), superscripts.count == plain.count else {
            return plain.map { (escape($0), textWidth($0, fontSize: tickFont)) }
        }
        return superscripts.map { exponent in
            let digits = (exponent < 0 ? "\u{2212}" : "") + String(abs(exponent))
            return ("10<tspan dy=\"-5\" font-size=\"\(f(superscriptFont))\">\(digits)</tspan>",
                    textWidth("10", fontSize: tickFont) + textWidth(digits, fontSize: superscriptFont))
        }
    }

    /// Grid lines (optional), axis lines, tick marks, tick labels and axis titles.
    static func axes(x: ResolvedAxis, y: ResolvedAxis, area: PlotArea, xTitle: String, yTitle: String, grid: Bool) -> String {
        let xs = x.ticks.map { area.x(x.fraction($0)) }, ys = y.ticks.map { area.y(y.fraction($0)) }
        var out = ""
        if grid {
            out += "<g stroke=\"#E4E4E4\" stroke-width=\"1\">\n"
            for px in xs { out += "<line x1=\"\(f(px))\" y1=\"\(f(area.top))\" x2=\"\(f(px))\" y2=\"\(f(area.bottom))\"/>\n" }
            for py in ys { out += "<line x1=\"\(f(area.left))\" y1=\"\(f(py))\" x2=\"\(f(area.right))\" y2=\"\(f(py))\"/>\n" }
            out += "</g>\n"
        }
        out += "<g stroke=\"#555555\" stroke-width=\"1\">\n"
        out += "<line x1=\"\(f(area.left))\" y1=\"\(f(area.bottom))\" x2=\"\(f(area.right))\" y2=\"\(f(area.bottom))\"/>\n"
        out += "<line x1=\"\(f(area.left))\" y1=\"\(f(area.top))\" x2=\"\(f(area.left))\" y2=\"\(f(area.bottom))\"/>\n"
        for px in xs { out += "<line x1=\"\(f(px))\" y1=\"\(f(area.bottom))\" x2=\"\(f(px))\" y2=\"\(f(area.bottom + 5))\"/>\n" }
        for py in ys { out += "<line x1=\"\(f(area.left - 5))\" y1=\"\(f(py))\" x2=\"\(f(area.left))\" y2=\"\(f(py))\"/>\n" }
        out += "</g>\n"

        let xLabels = tickLabels(x), yLabels = tickLabels(y)
        let xShown = labelled(x.ticks, positions: xs, sizes: xLabels.map(\.width), gap: 8, scale: x.scale)
        let yShown = labelled(y.ticks, positions: ys, sizes: yLabels.map { _ in tickFont }, gap: 4, scale: y.scale)
        out += "<g font-size=\"\(f(tickFont))\" fill=\"#333333\">\n"
        for i in xShown {
            out += "<text x=\"\(f(xs[i]))\" y=\"\(f(area.bottom + 18))\" text-anchor=\"middle\">\(xLabels[i].markup)</text>\n"
        }
        for i in yShown {
            out += "<text x=\"\(f(area.left - 8))\" y=\"\(f(ys[i] + tickFont * 0.35))\" text-anchor=\"end\">\(yLabels[i].markup)</text>\n"
        }
        out += "</g>\n"
        if !xTitle.isEmpty {
            out += "<text x=\"\(f(area.left + area.width / 2))\" y=\"\(f(area.bottom + 38))\" text-anchor=\"middle\" font-size=\"\(f(axisTitleFont))\" fill=\"#222222\">"
                + fitted(xTitle, fontSize: axisTitleFont, width: area.width) + "</text>\n"
        }
        if !yTitle.isEmpty {
            let cx = f(17), cy = f(area.top + area.height / 2)
            out += "<text x=\"\(cx)\" y=\"\(cy)\" transform=\"rotate(-90 \(cx) \(cy))\" text-anchor=\"middle\" font-size=\"\(f(axisTitleFont))\" fill=\"#222222\">"
                + fitted(yTitle, fontSize: axisTitleFont, width: area.height) + "</text>\n"
        }
        return out
    }

    /// Indices of the ticks to label so that labels keep `gap` pixels apart: all
    /// of them if they fit; else, on a log axis, the powers of ten; then every
    /// 2nd, 3rd, … of those.
    static func labelled(_ ticks: [Double], positions: [Double], sizes: [Double], gap: Double, scale: AxisScale) -> [Int] {
        guard !ticks.isEmpty else { return [] }
        func fits(_ chosen: [Int]) -> Bool {
            zip(chosen, chosen.dropFirst()).allSatisfy { a, b in
                abs(positions[b] - positions[a]) >= (sizes[a] + sizes[b]) / 2 + gap
            }
        }
        var base = Array(ticks.indices)
        if fits(base) { return base }
        if scale == .log {
            let powers = base.filter { abs(log10(ticks[$0]) - log10(ticks[$0]).rounded()) < 1e-9 }
            if !powers.isEmpty { base = powers }
        }
        for stride in 1 ... base.count {
            let chosen = Swift.stride(from: 0, to: base.count, by: stride).map { base[$0] }
            if fits(chosen) { return chosen }
        }
        return [base[0]]
    }

    /// A marker centred at (x, y): a dot of radius `size`, or a cross of half-width `size`.
    /// `halo` draws a white outline first so the cross stands out over lines.
    static func marker(_ mark: PointMark, _ x: Double, _ y: Double, color: String, size: Double, halo: Bool = false) -> String {
        switch mark {
        case .none:
            return ""
        case .dot:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(size))\" fill=\"\(color)\"/>\n"
        case .cross:
            let d = "M\(f(x - size)),\(f(y - size))L\(f(x + size)),\(f(y + size))M\(f(x - size)),\(f(y + size))L\(f(x + size)),\(f(y - size))"
            let under = halo ? "<path d=\"\(d)\" fill=\"none\" stroke=\"#FFFFFF\" stroke-width=\"5\" stroke-linecap=\"round\"/>" : ""
            return under + "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.2\" stroke-linecap=\"round\"/>\n"
        }
    }

    /// The pieces of a polyline inside `area`: nil points break the line, and each
    /// segment is clipped to the area (Liang–Barsky), so coordinates stay near the plot.
    static func visibleRuns(_ points: [(Double, Double)?], area: PlotArea) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        func flush() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        var previous: (Double, Double)?
        for point in points {
            guard let point else {
                flush()
                previous = nil
                continue
            }
            if let start = previous {
                if let (t0, t1) = clip(start, point, area: area) {
                    let a = (start.0 + t0 * (point.0 - start.0), start.1 + t0 * (point.1 - start.1))
                    let b = (start.0 + t1 * (point.0 - start.0), start.1 + t1 * (point.1 - start.1))
                    if t0 > 0 { flush() }
                    if current.isEmpty { current = [a] }
                    current.append(b)
                    if t1 < 1 { flush() }
                } else {
                    flush()
                }
            }
            previous = point
        }
        flush()
        return runs
    }

    /// The parameter interval [t0, t1] ⊆ [0, 1] of the segment p→q inside the area, or nil.
    static func clip(_ p: (Double, Double), _ q: (Double, Double), area: PlotArea) -> (Double, Double)? {
        let dx = q.0 - p.0, dy = q.1 - p.1
        var t0 = 0.0, t1 = 1.0
        for (denominator, numerator) in [(-dx, p.0 - area.left), (dx, area.right - p.0), (-dy, p.1 - area.top), (dy, area.bottom - p.1)] {
            if denominator == 0 {
                if numerator < 0 { return nil }
                continue
            }
            let t = numerator / denominator
            if denominator < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
            if t0 > t1 { return nil }
        }
        return (t0, t1)
    }

    /// Whether a value can be drawn on an axis of this scale.
    static func accepts(_ value: Double, _ scale: AxisScale) -> Bool {
        value.isFinite && (scale == .linear || value > 0)
    }

    /// A pixel coordinate with at most 2 decimals and no trailing zeros ("12.5", "-3", "0").
    static func f(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A number for people: rounded to `significantDigits`, no trailing zeros, plain
    /// decimals for 0.001 ≤ |v| < 1e6, otherwise "2.5e-7"-style exponents; "0" for
    /// both zeros; "nan", "inf", "-inf".
    static func number(_ value: Double, significantDigits: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        let digits = min(max(significantDigits, 1), 17)
        // "d.ddddde±xx": the rounded digits and the decimal exponent.
        let scientific = String(format: "%.\(digits - 1)e", abs(value))
        guard let e = scientific.firstIndex(where: { $0 == "e" || $0 == "E" }),
              let exponent = Int(scientific[scientific.index(after: e)...]) else { return numberText(value) }
        var significand = scientific[..<e].filter { $0 != "." }
        while significand.count > 1, significand.hasSuffix("0") { significand.removeLast() }
        let sign = value < 0 ? "-" : ""
        if exponent >= -3 && exponent < 6 {
            if exponent < 0 {
                return sign + "0." + String(repeating: "0", count: -exponent - 1) + significand
            }
            if significand.count <= exponent + 1 {
                return sign + significand + String(repeating: "0", count: exponent + 1 - significand.count)
            }
            let point = significand.index(significand.startIndex, offsetBy: exponent + 1)
            return sign + significand[..<point] + "." + significand[point...]
        }
        let mantissa = significand.count > 1 ? "\(significand.first ?? "0")." + significand.dropFirst() : significand
        return sign + mantissa + "e" + String(exponent)
    }

    /// Text escaped for XML content and attribute values (&, <, >, ", '); characters
    /// XML 1.0 does not allow (control characters other than tab and newlines) become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// An estimate of the width of `text` in Helvetica at `fontSize`, from
    /// per-character widths (em fractions); generous rather than tight.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for character in text {
            switch character {
            case " ", ".", ",", ":", ";", "i", "j", "l", "I", "|", "!", "'", "(", ")", "[", "]", "f", "t", "r": ems += 0.33
            case "m", "w", "M", "W", "—", "…": ems += 0.89
            default: ems += character.isUppercase ? 0.69 : 0.57
            }
        }
        return ems * fontSize
    }

    /// FNV-1a 64-bit hash of the text as 16 hex digits: stable across runs and platforms.
    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A "#RRGGBB" colour mixed with white: `amount` 0 keeps it, 1 gives white.
    static func lighten(_ color: String, _ amount: Double) -> (Double, Double, Double) {
        let (r, g, b) = rgb(color)
        return (r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount)
    }

    /// The components of "#RRGGBB", 0…255.
    static func rgb(_ color: String) -> (Double, Double, Double) {
        let value = Int(color.dropFirst(), radix: 16) ?? 0
        return (Double((value >> 16) & 0xFF), Double((value >> 8) & 0xFF), Double(value & 0xFF))
    }

    /// "#RRGGBB" from components 0…255 (rounded, clamped).
    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        func byte(_ v: Double) -> Int { Int(min(max(v, 0), 255).rounded()) }
        return String(format: "#%02X%02X%02X", byte(r), byte(g), byte(b))
    }
}
