import Foundation

/// One legend entry: a line sample (a series, or a line style: "dashed:
/// training") and/or a marker, then the text.
public struct LegendItem: Sendable, Equatable {
    public var text: String
    public var color: String
    /// A stroke-dasharray, nil for a solid line.
    public var dash: String?
    public var mark: PointMark
    /// Draws a line sample; false: only the marker.
    public var line: Bool

    public init(text: String, color: String, dash: String? = nil, mark: PointMark = .none, line: Bool = true) {
        self.text = text
        self.color = color
        self.dash = dash
        self.mark = mark
        self.line = line
    }
}

extension PointMark: Equatable {}

/// Legend entries in columns to the right of the plot: every entry is shown,
/// in as many columns as `maxWidth` holds and as many rows as that takes (the
/// chart grows to hold them). Texts past 32 characters are shortened with "…",
/// whole on hover.
struct Legend {
    static let rowHeight = 17.0, sample = 24.0, maxCharacters = 32

    var entries: [LegendItem]
    var rows: Int
    var columnWidth: Double
    var columns: Int
    /// Where the first row starts.
    var top = 0.0
    private var shortened: [LegendItem]

    /// The reserved width, 0 without entries.
    var width: Double { entries.isEmpty ? 0 : Double(columns) * columnWidth + 8 }
    /// The height the rows take, 0 without entries.
    var height: Double { entries.isEmpty ? 0 : Double(rows) * Legend.rowHeight + 8 }

    init(entries: [LegendItem], maxWidth: Double) {
        var shortened = entries
        for i in shortened.indices where shortened[i].text.count > Legend.maxCharacters {
            shortened[i].text = String(shortened[i].text.prefix(Legend.maxCharacters - 1)) + "…"
        }
        let textWidth = shortened.map { SVG.textWidth($0.text, fontSize: SVG.tickFont) }.max() ?? 0
        columnWidth = Legend.sample + 6 + max(textWidth, 40) + 14
        // One column up to 16 entries; more columns only as the width allows.
        let fitting = max(1, Int((maxWidth - 8) / columnWidth))
        columns = max(1, min(fitting, (entries.count + 15) / 16))
        rows = max(1, (entries.count + columns - 1) / columns)
        self.entries = entries
        self.shortened = shortened
    }

    func svg(left: Double) -> String {
        guard !entries.isEmpty else { return "" }
        var out = "<g font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#222222\">\n"
        for index in entries.indices {
            let x = left + Double(index / rows) * columnWidth
            let y = top + 8 + Double(index % rows) * Legend.rowHeight
            let entry = shortened[index]
            out += "<g>"
            if entry.text != entries[index].text { out += "<title>\(SVG.escape(entries[index].text))</title>" }
            if entry.line {
                out += "<line x1=\"\(SVG.f(x))\" y1=\"\(SVG.f(y))\" x2=\"\(SVG.f(x + Legend.sample))\" y2=\"\(SVG.f(y))\" stroke=\"\(entry.color)\" stroke-width=\"2\"\(entry.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            }
            if entry.mark != .none {
                out += SVG.marker(entry.mark, x + Legend.sample / 2, y, color: entry.color, size: entry.line ? 3.5 : 4.5, halo: false)
                    .trimmingNewlines
            }
            out += "<text x=\"\(SVG.f(x + Legend.sample + 6))\" y=\"\(SVG.f(y + 4))\">\(SVG.escape(entry.text))</text></g>\n"
        }
        return out + "</g>\n"
    }
}

/// A sequential colour scale for a numeric sweep axis (learning rate, noise,
/// batch size, width…): values map to the viridis colours from dark purple
/// (the lowest) to green-yellow (the highest; viridis' last, pale yellow tenth
/// is left out, too light for lines on white), linearly in the value or, on a
/// log scale, in log₁₀ of it. Drawn as a vertical colour bar with ticks and a
/// short mark at each value of the axis.
public struct ColorScale: Sendable, Equatable {
    public var title: String
    public var values: [Double]
    public var scale: AxisScale

    /// A scale over `values`; `log` when they are all positive and span a factor of 20 or more.
    public init(title: String, values: [Double]) {
        self.title = title
        self.values = values
        let positive = values.allSatisfy { $0 > 0 }
        let (low, high) = (values.min() ?? 0, values.max() ?? 1)
        scale = positive && low > 0 && high / low >= 20 ? .log : .linear
    }

    /// viridis at 0, 0.1, …, 0.9.
    static let stops: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (218, 227, 25),
    ]

    private var low: Double { values.min() ?? 0 }
    private var high: Double { values.max() ?? 1 }

    /// Where a value lies on the scale, 0 … 1 (0.5 when all values are equal).
    func fraction(_ value: Double) -> Double {
        let t: (Double) -> Double = { scale == .log ? log10($0) : $0 }
        let (a, b) = (t(low), t(high))
        guard b > a, value.isFinite else { return 0.5 }
        return min(max((t(value) - a) / (b - a), 0), 1)
    }

    /// The colour of a value, "#RRGGBB".
    public func color(_ value: Double) -> String {
        let position = fraction(value) * Double(ColorScale.stops.count - 1)
        let i = min(Int(position), ColorScale.stops.count - 2), u = position - Double(i)
        let (a, b) = (ColorScale.stops[i], ColorScale.stops[i + 1])
        return SVG.hex(a.0 + (b.0 - a.0) * u, a.1 + (b.1 - a.1) * u, a.2 + (b.2 - a.2) * u)
    }

    static let barThickness = 14.0
    var barHeight: Double { 180 }

    private var axis: ResolvedAxis {
        ResolvedAxis(Axis(title: "", scale: scale, range: low < high ? low ... high : nil), data: values)
    }

    /// The width the bar, its tick labels and its title take.
    var barWidth: Double {
        let labels = SVG.tickLabels(axis).map(\.width).max() ?? 0
        return max(ColorScale.barThickness + 10 + labels, SVG.textWidth(title, fontSize: SVG.tickFont)) + 8
    }

    /// The bar with its title above, top at `top`; the highest value at the top.
    func svg(left: Double, top: Double) -> String {
        let axis = self.axis
        let barTop = top + 16, height = barHeight
        var out = "<g font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#222222\">\n"
        out += "<text x=\"\(SVG.f(left))\" y=\"\(SVG.f(top + 8))\">\(SVG.escape(title))</text>\n"
        let steps = 48
        for k in 0 ..< steps {
            let t = (Double(k) + 0.5) / Double(steps)
            let value = scale == .log ? pow(10, log10(low) + t * (log10(high) - log10(low))) : low + t * (high - low)
            let y0 = barTop + height * (1 - Double(k + 1) / Double(steps))
            out += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(y0))\" width=\"\(SVG.f(ColorScale.barThickness))\" height=\"\(SVG.f(height / Double(steps) + 0.6))\" fill=\"\(color(low < high ? value : low))\"/>\n"
        }
        out += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(barTop))\" width=\"\(SVG.f(ColorScale.barThickness))\" height=\"\(SVG.f(height))\" fill=\"none\" stroke=\"#555555\" stroke-width=\"0.8\"/>\n"
        // A short mark at each value of the axis, then the ticks.
        for value in Set(values).sorted() {
            let y = barTop + height * (1 - fraction(value))
            out += "<line x1=\"\(SVG.f(left))\" y1=\"\(SVG.f(y))\" x2=\"\(SVG.f(left + 4))\" y2=\"\(SVG.f(y))\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>\n"
        }
        let labels = SVG.tickLabels(axis)
        let positions = axis.ticks.map { barTop + height * (1 - fraction($0)) }
        let shown = SVG.labelled(axis.ticks, positions: positions, sizes: labels.map { _ in SVG.tickFont }, gap: 3, scale: scale)
        for i in shown {
            out += "<line x1=\"\(SVG.f(left + ColorScale.barThickness))\" y1=\"\(SVG.f(positions[i]))\" x2=\"\(SVG.f(left + ColorScale.barThickness + 4))\" y2=\"\(SVG.f(positions[i]))\" stroke=\"#555555\" stroke-width=\"1\"/>\n"
            out += "<text x=\"\(SVG.f(left + ColorScale.barThickness + 7))\" y=\"\(SVG.f(positions[i] + 4))\">\(labels[i].markup)</text>\n"
        }
        return out + "</g>\n"
    }
}
