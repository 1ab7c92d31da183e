import Foundation

// Line charts as standalone SVG 1.1, written by nnlab itself.
//
// The output renders alike in browsers and on GitHub (which shows .svg files
// as images): no scripts, no CSS, no external fonts; presentation attributes
// only, explicit font sizes, a white background (so it stays readable in dark
// mode). `<title>` children give native hover tooltips; where the SVG is
// inlined in report.html, the page's script (`HoverScript`) turns them into a
// tooltip for the nearest point, with its series highlighted (`data-s` names a
// mark's series). There is no XML declaration, so the text can be inlined as is.

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
    /// What a tooltip calls the axis' values ("epoch", "validation loss"); nil: the title.
    public var name: String?

    public init(title: String, scale: AxisScale = .linear, range: ClosedRange<Double>? = nil, integerTicks: Bool = false,
                name: String? = nil) {
        self.title = title
        self.scale = scale
        self.range = range
        self.integerTicks = integerTicks
        self.name = name
    }

    /// The tooltip's name for the axis' values.
    var hoverName: String { name ?? title }
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
    /// An explicit "#RRGGBB" colour (a colour scale's), instead of `colorIndex`.
    public var color: String?
    /// Drawn thin and light grey, under the others and out of the legend (the
    /// many series a chart shows without naming them); hover still names it.
    public var faded: Bool
    /// A band around the line, one (low, high) per point (e.g. mean ± std over
    /// seeds), filled in the line's colour, light; pieces break where a bound cannot be drawn.
    public var band: [(low: Double, high: Double)]?
    /// What a tooltip calls the series' y values ("training loss"); nil: the y axis' name.
    public var yName: String?
    /// The series' index for hover highlighting: series sharing it light up
    /// together (a grid point's training and validation lines); nil: its position.
    public var group: Int?
    /// False keeps the series out of the legend (its colour comes from a colour scale, say); hover still names it.
    public var inLegend: Bool
    /// False draws only the markers (data points), no line between them.
    public var joined: Bool

    public init(name: String, points: [ChartPoint], mark: PointMark = .none, colorIndex: Int? = nil, dashed: Bool = false,
                color: String? = nil, faded: Bool = false, band: [(low: Double, high: Double)]? = nil, yName: String? = nil,
                group: Int? = nil, inLegend: Bool = true, joined: Bool = true) {
        self.inLegend = inLegend
        self.joined = joined
        self.name = name
        self.points = points
        self.mark = mark
        self.colorIndex = colorIndex
        self.dashed = dashed
        self.color = color
        self.faded = faded
        self.band = band
        self.yName = yName
        self.group = group
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

    /// A pixel coordinate with at most 2 decimals and no trailing zeros ("12.5", "-3", "0"):
    /// `%.2f` (the exact value rounded to the nearest hundredth, ties to even) trimmed.
    /// Integer arithmetic on the exactly rounded 100·|value| (`roundedProduct`);
    /// huge values and NaN go through `String(format:)`.
    static func f(_ value: Double) -> String {
        if let hundredths = roundedProduct(abs(value), times: 100) {
            // The digits written straight into the string's storage (a short
            // string lives inline, so most coordinates allocate nothing).
            let negative = value < 0 && hundredths != 0
            return String(unsafeUninitializedCapacity: 24) { writeDecimals(hundredths, decimals: 2, negative: negative, into: $0) }
        }
        return fixedByPrintf(value, decimals: 2)
    }

    /// `f(value)`'s bytes appended to `out`, for markup built as bytes.
    static func appendF(_ value: Double, to out: inout [UInt8]) {
        guard let hundredths = roundedProduct(abs(value), times: 100) else { return out += fixedByPrintf(value, decimals: 2).utf8 }
        let negative = value < 0 && hundredths != 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let count = writeDecimals(hundredths, decimals: 2, negative: negative, into: buffer)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// `<circle cx="x" cy="y"` (coordinates as `f` writes them): the start of
    /// every circle drawn as bytes, for the caller to give its radius, fill and end.
    static func appendCircleCentre(_ x: Double, _ y: Double, to out: inout [UInt8]) {
        out += "<circle cx=\"".utf8
        appendF(x, to: &out)
        out += "\" cy=\"".utf8
        appendF(y, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The text of `scaled` / 10^decimals (`scaled` ≥ 0, the value already
    /// rounded to that many decimals) with the decimals' trailing zeros dropped,
    /// and the point with them, into `buffer`: its byte count. At most
    /// 18 + decimals bytes (16 digits, the sign and the point).
    static func writeDecimals(_ scaled: Int, decimals: Int, negative: Bool, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var digits = 0, rest = scaled
        repeat { digits += 1; rest /= 10 } while rest > 0
        let wholeDigits = max(1, digits - decimals)
        // The decimals kept, and the digits left once the dropped zeros are divided out.
        var kept = decimals, value = scaled
        while kept > 0 && value % 10 == 0 { kept -= 1; value /= 10 }
        var count = negative ? 1 : 0
        if negative { buffer[0] = UInt8(ascii: "-") }
        count += wholeDigits + (kept > 0 ? 1 + kept : 0)
        var position = count
        for _ in 0 ..< kept {
            position -= 1
            buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        if kept > 0 {
            position -= 1
            buffer[position] = UInt8(ascii: ".")
        }
        for _ in 0 ..< wholeDigits {
            position -= 1
            buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        return count
    }

    /// `%.(decimals)f` of `value` with the trailing zeros of its decimals (and
    /// then the point) dropped, "-0" read as "0", by `String(format:)`: for
    /// values too large for `roundedProduct`, and NaN.
    static func fixedByPrintf(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
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
        // The rounded digits and the decimal exponent, as "%.(digits-1)e" gives them.
        guard let (significand, exponent) = roundedSignificand(abs(value), digits) else {
            guard let rounded = roundedDigits(abs(value), digits) else { return numberText(value) }
            return laidOut(Array(rounded.digits.utf8), exponent: rounded.exponent, negative: value < 0)
        }
        // The significand's digits, written once into a small buffer (no string per digit).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var count = 0, rest = significand
            repeat { count += 1; rest /= 10 } while rest > 0
            rest = significand
            for k in stride(from: count - 1, through: 0, by: -1) {
                buffer[k] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return laidOut(UnsafeBufferPointer(rebasing: buffer[..<count]), exponent: exponent, negative: value < 0)
        }
    }

    /// `number`'s text of the significant digits `digits` (d₀ d₁ …, d₀ ≠ 0)
    /// times 10^(exponent − count + 1): trailing zeros dropped, then plain
    /// decimals for −3 ≤ exponent < 6 ("0.00123", "120", "1.5"), else
    /// "d₀.d₁…e±x".
    private static func laidOut<Digits: Collection<UInt8>>(_ digits: Digits, exponent: Int, negative: Bool) -> String
        where Digits.Index == Int {
        var end = digits.endIndex
        while end - digits.startIndex > 1, digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
        let significant = digits[digits.startIndex ..< end]
        let zero = UInt8(ascii: "0"), point = UInt8(ascii: ".")
        var out: [UInt8] = []
        out.reserveCapacity(significant.count + 8)
        if negative { out.append(UInt8(ascii: "-")) }
        if exponent >= -3 && exponent < 6 {
            if exponent < 0 {
                out += [zero, point]
                out += repeatElement(zero, count: -exponent - 1)
                out += significant
            } else if significant.count <= exponent + 1 {
                out += significant
                out += repeatElement(zero, count: exponent + 1 - significant.count)
            } else {
                let split = significant.startIndex + exponent + 1
                out += significant[..<split]
                out.append(point)
                out += significant[split...]
            }
        } else {
            out.append(significant[significant.startIndex])
            if significant.count > 1 {
                out.append(point)
                out += significant.dropFirst()
            }
            out.append(UInt8(ascii: "e"))
            out += String(exponent).utf8
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// |v| rounded to `digits` significant digits, as `%.(digits-1)e` rounds it
    /// (the exact value, ties to even): the digits and the decimal exponent.
    /// Up to 15 digits by `roundedSignificand`; more digits, subnormal numbers
    /// and exponents beyond 10^±22 go through `String(format:)`.
    static func roundedDigits(_ magnitude: Double, _ digits: Int) -> (digits: String, exponent: Int)? {
        if let (significand, exponent) = roundedSignificand(magnitude, digits) { return (String(significand), exponent) }
        let scientific = String(format: "%.\(digits - 1)e", magnitude)
        guard let e = scientific.firstIndex(where: { $0 == "e" || $0 == "E" }),
              let exponent = Int(scientific[scientific.index(after: e)...]) else { return nil }
        return (scientific[..<e].filter { $0 != "." }, exponent)
    }

    /// `roundedDigits` as an integer of exactly `digits` digits, by integer
    /// arithmetic on |v| · 10^(digits−1−e) rounded exactly (`roundedProduct`,
    /// `roundedQuotient`); nil past 15 digits, for subnormal numbers and for
    /// exponents beyond 10^±22.
    static func roundedSignificand(_ magnitude: Double, _ digits: Int) -> (significand: Int, exponent: Int)? {
        guard digits <= 15, magnitude.isNormal else { return nil }
        var exponent = Int(log10(magnitude).rounded(.down))
        for _ in 0 ..< 2 {
            let shift = digits - 1 - exponent
            guard abs(shift) <= 22,
                  let rounded = shift >= 0 ? roundedProduct(magnitude, times: powersOfTen[shift])
                                           : roundedQuotient(magnitude, over: powersOfTen[-shift]) else { return nil }
            if rounded >= integerPowersOfTen[digits] { exponent += 1; continue }
            if rounded < integerPowersOfTen[digits - 1] { exponent -= 1; continue }
            return (rounded, exponent)
        }
        return nil
    }

    /// 10⁰ … 10²², each exact in a Double.
    static let powersOfTen: [Double] = (0 ... 22).map { k in (0 ..< k).reduce(1.0) { x, _ in x * 10 } }
    private static let integerPowersOfTen: [Int] = (0 ... 16).map { k in (0 ..< k).reduce(1) { x, _ in x * 10 } }

    /// The exact m · s (m ≥ 0, s an exact power of ten) rounded to the nearest
    /// integer, ties to even, as printf rounds; nil from 2⁵² on (or NaN). The
    /// product's rounding error e = m·s − fl(m·s) is exact by a fused
    /// multiply-add; it can decide only a computed fraction of exactly ½, as
    /// any other fraction is at least an ulp from ½ and |e| ≤ ½ ulp.
    static func roundedProduct(_ m: Double, times s: Double) -> Int? {
        let q = m * s
        return nearest(q, above: (-q).addingProduct(m, s))
    }

    /// The exact m / d rounded as `roundedProduct` rounds; the quotient's
    /// error has the sign of the exact remainder m − fl(m/d)·d.
    static func roundedQuotient(_ m: Double, over d: Double) -> Int? {
        let q = m / d
        return nearest(q, above: m.addingProduct(-q, d))
    }

    /// q rounded to the nearest integer, a fraction of exactly ½ going up when
    /// the exact value is above q (`error` > 0), down when below, to even when q is exact.
    private static func nearest(_ q: Double, above error: Double) -> Int? {
        guard q >= 0, q < 4_503_599_627_370_496 else { return nil }
        let floor = q.rounded(.down), fraction = q - floor, whole = Int(floor)
        if fraction != 0.5 { return fraction < 0.5 ? whole : whole + 1 }
        if error != 0 { return error > 0 ? whole + 1 : whole }
        return whole % 2 == 0 ? whole : whole + 1
    }

    /// Text escaped for XML content and attribute values (&, <, >, ", '); characters
    /// XML 1.0 does not allow (control characters other than tab and newlines) become U+FFFD.
    static func escape(_ text: String) -> String {
        // Most text has nothing to escape: bytes below 0x20 (control characters,
        // tab and newlines included), & < > " ' and 0xEF (which starts U+FFFE
        // and U+FFFF) are the only ones that can need it.
        let utf8 = text.utf8
        func needsEscaping(_ byte: UInt8) -> Bool {
            byte < 0x20 || byte == 0xEF || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
        }
        // A native string's bytes are read in place.
        let plain = utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains(where: needsEscaping) }
            ?? !utf8.contains(where: needsEscaping)
        if plain { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        let bytes = Array(utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&apos;".utf8)
            case 0x09, 0x0A, 0x0D: out.append(byte)
            case 0 ..< 0x20: out += replacement
            case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                // U+FFFE or U+FFFF.
                out += replacement
                i += 2
            default: out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// U+FFFD in UTF-8: what `escape` puts for a character XML 1.0 does not allow.
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// An estimate of the width of `text` in Helvetica at `fontSize`, from
    /// per-character widths (em fractions); generous rather than tight.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        // Printable ASCII byte by byte (each byte a character); other text character by character.
        let ascii: Double? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var ems = 0.0
            for byte in bytes {
                guard let width = asciiEms(byte) else { return nil }
                ems += width
            }
            return ems
        } ?? nil
        if let ascii { return ascii * fontSize }
        var ems = 0.0
        for character in text {
            if let byte = character.asciiValue, let width = asciiEms(byte) {
                ems += width
                continue
            }
            switch character {
            case "—", "…": ems += 0.89
            default: ems += character.isUppercase ? 0.69 : 0.57
            }
        }
        return ems * fontSize
    }

    /// The width in ems of a printable ASCII character, nil for any other byte.
    private static func asciiEms(_ byte: UInt8) -> Double? {
        switch byte {
        case 0 ..< 0x20, 0x7F...: return nil
        case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "i"),
             UInt8(ascii: "j"), UInt8(ascii: "l"), UInt8(ascii: "I"), UInt8(ascii: "|"), UInt8(ascii: "!"), UInt8(ascii: "'"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "f"), UInt8(ascii: "t"),
             UInt8(ascii: "r"): return 0.33
        case UInt8(ascii: "m"), UInt8(ascii: "w"), UInt8(ascii: "M"), UInt8(ascii: "W"): return 0.89
        case UInt8(ascii: "A") ... UInt8(ascii: "Z"): return 0.69
        default: return 0.57
        }
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
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "#")]
        for v in [byte(r), byte(g), byte(b)] { bytes += [digits[v >> 4], digits[v & 15]] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
