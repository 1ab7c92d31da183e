import Foundation

/// A decision-boundary chart: a grid of the network's output over a 2-D input
/// region, with the data points on top, written as SVG (see `LineChart` for the
/// SVG conventions: no scripts or CSS, white background, deterministic bytes).
///
/// Colours: class k has palette colour k (Okabe–Ito: 0 blue #0072B2, 1 orange
/// #E69F00, 2 green #009E73, …; they repeat past 7 classes). With 2 classes the
/// grid is a diverging scale from lightened blue (value 0) through white (0.5)
/// to lightened orange (1), in 64 steps; with more, each cell has its class's
/// colour, lightened. A non-finite value, or a class index outside
/// 0 ..< classes, is drawn light grey.
///
/// Layout: title at the top, then a row of class swatches ("class 0", "class 1"
/// or the class names), the point shapes when there are validation points,
/// and the shading's scale (with 2 classes a bar from 0 to 1 of the output for
/// class 1, with more a note that it shows the predicted class), then the plot
/// with linear axes (ticks as in `LineChart`; a log scale is ignored).
/// Training points are circles, validation points diamonds, in their class
/// colour with a dark outline; each has a tooltip ("class 1 · training · x1 …
/// · x2 …") when there are at most 1000. Points outside the axis ranges are left out.
public struct Heatmap: Sendable {
    public var title: String
    /// The input region: `values` spans x.range × y.range. A nil (or unusable)
    /// range is taken from the points, extended to nice ticks, and the grid is
    /// stretched over that.
    public var x: Axis
    public var y: Axis
    /// `values[row][column]`: row 0 is the bottom row (at y.range.lowerBound),
    /// column 0 the left; each cell covers an equal part of the region, so row r
    /// spans y ∈ [low + r·Δy, low + (r+1)·Δy]. With `classes` ≤ 2 a value is the
    /// probability of class 1 in [0, 1] (clamped); with more, the predicted class
    /// index as a Double. Rows may differ in length. A grid larger than 100 × 100
    /// is sampled down (nearest cell) to keep the file small.
    public var values: [[Double]]
    public var classes: Int
    /// Data points drawn on top, coloured by `label` (the class index).
    public var points: [(x: Double, y: Double, label: Int)]
    /// Validation points, drawn as diamonds over the training points.
    public var validationPoints: [(x: Double, y: Double, label: Int)] = []
    /// The class names for the legend and tooltips; nil: "class 0", "class 1", ….
    public var classNames: [String]?
    /// In pixels; at least 200 × 200 is used.
    public var width: Int = 420
    public var height: Int = 420

    public init(title: String, x: Axis, y: Axis, values: [[Double]], classes: Int = 2,
                points: [(x: Double, y: Double, label: Int)] = [], width: Int = 420, height: Int = 420) {
        self.title = title
        self.x = x
        self.y = y
        self.values = values
        self.classes = classes
        self.points = points
        self.width = width
        self.height = height
    }

    static let maxCells = 100, maxTooltips = 1000, lightening = 0.5

    /// The chart as an SVG document.
    public func svg() -> String {
        let width = Double(max(self.width, 200)), height = Double(max(self.height, 200))
        let all = points + validationPoints
        let xAxis = ResolvedAxis(x, data: all.map(\.x).filter(\.isFinite), linearOnly: true)
        let yAxis = ResolvedAxis(y, data: all.map(\.y).filter(\.isFinite), linearOnly: true)

        // Legend rows under the title, wrapped to the width.
        let classCount = max(classes, 2)
        enum Swatch {
            case none, dot(String), diamond, scale
            var isPlain: Bool {
                switch self {
                case .none, .scale: return true
                case .dot, .diamond: return false
                }
            }
        }
        var items: [(text: String, swatch: Swatch)] = (0 ..< classCount).map { (className($0), .dot(SVG.palette[$0 % SVG.palette.count])) }
        if !validationPoints.isEmpty {
            items += [("training", .dot("#FFFFFF")), ("validation", .diamond)]
        }
        items.append(classes <= 2 ? ("output for \(className(1)): 0", .scale) : ("shading: predicted class", .none))
        var legend = ""
        var legendX = 14.0, legendY = title.isEmpty ? 18.0 : 46
        for item in items {
            let extra: Double
            switch item.swatch {
            case .none: extra = 0
            case .dot, .diamond: extra = 14
            case .scale: extra = 92
            }
            let itemWidth = extra + SVG.textWidth(item.text, fontSize: SVG.tickFont) + 14
            if legendX > 14, legendX + itemWidth > width - 8 {
                legendX = 14
                legendY += 16
            }
            switch item.swatch {
            case .dot(let color):
                legend += "<circle cx=\"\(SVG.f(legendX + 4))\" cy=\"\(SVG.f(legendY - 4))\" r=\"4\" fill=\"\(color)\" stroke=\"#1A1A1A\" stroke-width=\"0.8\"/>"
                legendX += 14
            case .diamond:
                var diamond: [UInt8] = []
                Heatmap.appendDiamond(legendX + 4, legendY - 4, fill: "#FFFFFF", to: &diamond)
                legend += String(decoding: diamond, as: UTF8.self)
                legendX += 14
            case .none, .scale:
                break
            }
            legend += "<text x=\"\(SVG.f(legendX))\" y=\"\(SVG.f(legendY))\"\(item.swatch.isPlain ? " fill=\"#555555\"" : "")>\(SVG.escape(item.text))</text>\n"
            legendX += SVG.textWidth(item.text, fontSize: SVG.tickFont) + 4
            if case .scale = item.swatch {
                // The shading's scale: 0 (blue) … 0.5 (white) … 1 (orange).
                for k in 0 ..< 16 {
                    legend += "<rect x=\"\(SVG.f(legendX + Double(k) * 4.5))\" y=\"\(SVG.f(legendY - 9))\" width=\"4.9\" height=\"10\" fill=\"\(color((Double(k) + 0.5) / 16))\"/>"
                }
                legend += "<rect x=\"\(SVG.f(legendX))\" y=\"\(SVG.f(legendY - 9))\" width=\"72\" height=\"10\" fill=\"none\" stroke=\"#888888\" stroke-width=\"0.6\"/>"
                legend += "<text x=\"\(SVG.f(legendX + 76))\" y=\"\(SVG.f(legendY))\" fill=\"#555555\">1</text>\n"
                legendX += 88
            }
            legendX += 10
        }

        let top = legendY + 14
        let bottom = height - (x.title.isEmpty ? 30 : 48)
        let left = SVG.leftMargin(yAxis: yAxis, title: y.title)
        let lastXLabel = SVG.tickLabels(xAxis).last.map { $0.width / 2 + 4 } ?? 0
        let area = PlotArea(left: left, top: top, right: max(width - max(16, lastXLabel), left + 40), bottom: max(bottom, top + 40))

        var out = SVG.header(width: width, height: height)
        out += SVG.chartTitle(title, width: width)
        out += "<g font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#222222\">\n" + legend + "</g>\n"
        out += cells(area: area, xAxis: xAxis, yAxis: yAxis)
        out += SVG.axes(x: xAxis, y: yAxis, area: area, xTitle: x.title, yTitle: y.title, grid: false)

        // The data points: training as circles, validation as diamonds on top.
        // Built as bytes: a chart has hundreds of points, each with its tooltip.
        var dots: [UInt8] = []
        let tooltips = points.count + validationPoints.count <= Heatmap.maxTooltips
        for (set, isValidation) in [(points, false), (validationPoints, true)] {
            var prefixes: [Int: String] = [:]
            for point in set where point.x.isFinite && point.y.isFinite && xAxis.contains(point.x) && yAxis.contains(point.y) {
                let color = (0 ..< classCount).contains(point.label) ? SVG.palette[point.label % SVG.palette.count] : "#888888"
                let px = area.x(xAxis.fraction(point.x)), py = area.y(yAxis.fraction(point.y))
                if isValidation { Heatmap.appendDiamond(px, py, fill: color, to: &dots) } else { Heatmap.appendCircle(px, py, fill: color, to: &dots) }
                if tooltips {
                    // The shape's "/>" becomes its tooltip and closing tag.
                    dots.removeLast(2)
                    dots += "><title>".utf8
                    let prefix = prefixes[point.label] ?? SVG.escape("\(className(point.label)) · \(isValidation ? "validation" : "training") · ")
                    prefixes[point.label] = prefix
                    dots += prefix.utf8
                    dots += SVG.escape(SVG.named(x.hoverName, point.x) + " · " + SVG.named(y.hoverName, point.y)).utf8
                    dots += (isValidation ? "</title></path>\n" : "</title></circle>\n").utf8
                } else {
                    dots.append(UInt8(ascii: "\n"))
                }
            }
        }
        if !dots.isEmpty { out += "<g stroke=\"#1A1A1A\" stroke-width=\"0.8\">\n" + String(decoding: dots, as: UTF8.self) + "</g>\n" }
        out += "</svg>\n"
        return out
    }

    /// A training point's circle centred at (x, y).
    static func appendCircle(_ x: Double, _ y: Double, fill: String, to out: inout [UInt8]) {
        SVG.appendCircleCentre(x, y, to: &out)
        out += " r=\"3.5\" fill=\"".utf8
        out += fill.utf8
        out += "\"/>".utf8
    }

    /// A diamond (a square on its corner) centred at (x, y), for a validation point.
    static func appendDiamond(_ x: Double, _ y: Double, fill: String, to out: inout [UInt8]) {
        let r = 4.6
        out += "<path d=\"M".utf8
        SVG.appendF(x, to: &out)
        out.append(UInt8(ascii: ","))
        SVG.appendF(y - r, to: &out)
        out.append(UInt8(ascii: "L"))
        SVG.appendF(x + r, to: &out)
        out.append(UInt8(ascii: ","))
        SVG.appendF(y, to: &out)
        out.append(UInt8(ascii: "L"))
        SVG.appendF(x, to: &out)
        out.append(UInt8(ascii: ","))
        SVG.appendF(y + r, to: &out)
        out.append(UInt8(ascii: "L"))
        SVG.appendF(x - r, to: &out)
        out.append(UInt8(ascii: ","))
        SVG.appendF(y, to: &out)
        out += "z\" fill=\"".utf8
        out += fill.utf8
        out += "\" stroke=\"#1A1A1A\" stroke-width=\"0.9\"/>".utf8
    }

    private func className(_ index: Int) -> String {
        if let classNames, classNames.indices.contains(index) { return classNames[index] }
        return "class \(index)"
    }

    /// The grid: one path per colour (in the order the colours first appear, row 0
    /// first), each neighbouring run of cells of that colour in a row one rectangle
    /// of it — about a third of the bytes of a rect per cell. The paths are in
    /// cell units (a cell of the widest row is 1 × 1, the top row at y = 0),
    /// placed on the plot by the group's transform: whole numbers, where pixel
    /// coordinates took twice the bytes.
    private func cells(area: PlotArea, xAxis: ResolvedAxis, yAxis: ResolvedAxis) -> String {
        let rows = values.count
        guard rows > 0 else { return "" }
        // The grid spans the axis range; if the ranges were explicit this is the plot.
        let gridLeft = area.x(xAxis.fraction(x.range?.lowerBound ?? xAxis.low))
        let gridRight = area.x(xAxis.fraction(x.range?.upperBound ?? xAxis.high))
        let gridBottom = area.y(yAxis.fraction(y.range?.lowerBound ?? yAxis.low))
        let gridTop = area.y(yAxis.fraction(y.range?.upperBound ?? yAxis.high))
        let shownRows = min(rows, Heatmap.maxCells)
        let sampled = (0 ..< shownRows).map { values[$0 * rows / shownRows] }
        // The widest row's cells are the unit; a shorter row's are wider.
        let unitColumns = sampled.map { min($0.count, Heatmap.maxCells) }.max() ?? 0
        guard unitColumns > 0 else { return "<g shape-rendering=\"crispEdges\">\n</g>\n" }
        var paths = ColorRunPaths()
        var colors = ColorIndices(color: color)
        // Each column's left edge and each run's width, formatted once for the rows' width.
        var columns = 0, cells = ColorRunPaths.Columns(xs: [], widths: [], height: Array("1".utf8))
        var indices: [Int] = []
        for (shownRow, row) in sampled.enumerated() where !row.isEmpty {
            let shownColumns = min(row.count, Heatmap.maxCells)
            let cellWidth = Double(unitColumns) / Double(shownColumns)
            if shownColumns != columns {
                columns = shownColumns
                cells = ColorRunPaths.Columns(xs: (0 ..< columns).map { Array(SVG.f(Double($0) * cellWidth).utf8) },
                                              widths: (0 ... columns).map { Array(SVG.f(Double($0) * cellWidth).utf8) },
                                              height: Array("1".utf8))
            }
            indices.removeAll(keepingCapacity: true)
            for column in 0 ..< shownColumns { indices.append(colors.index(of: row[column * row.count / shownColumns], in: &paths)) }
            paths.addRuns(indices, cells, y: Array(String(shownRows - 1 - shownRow).utf8))
        }
        let markup = paths.markup(separator: "\n")
        return ShadedGrid.placedGroup(left: gridLeft, top: gridTop, cellWidth: (gridRight - gridLeft) / Double(unitColumns),
                                      cellHeight: (gridBottom - gridTop) / Double(shownRows))
            + markup + (markup.isEmpty ? "" : "\n") + "</g>\n"
    }

    /// The colour of one cell value (see the type's doc).
    func color(_ value: Double) -> String {
        let invalid = "#DDDDDD"
        guard value.isFinite else { return invalid }
        if classes <= 2 { return Heatmap.twoClassShades[Int((min(max(value, 0), 1) * 64).rounded())] }
        let rounded = value.rounded()
        guard rounded >= 0, rounded < Double(classes) else { return invalid }
        return Heatmap.classShades[Int(rounded) % Heatmap.classShades.count]
    }

    /// The 65 shades of two classes, k/64 for k = 0 … 64: white at ½, towards
    /// the lightened class colour at 0 and 1 (computed once: a boundary has thousands of cells).
    static let twoClassShades: [String] = (0 ... 64).map { k in
        let step = Double(k) / 64
        let end = SVG.lighten(SVG.palette[step < 0.5 ? 0 : 1], lightening)
        let t = abs(step - 0.5) * 2   // 0 white at 0.5 … 1 the lightened class colour
        return SVG.hex(255 + (end.0 - 255) * t, 255 + (end.1 - 255) * t, 255 + (end.2 - 255) * t)
    }

    /// Each class's lightened colour, for more than two classes.
    static let classShades: [String] = SVG.palette.map { color in
        let c = SVG.lighten(color, lightening)
        return SVG.hex(c.0, c.1, c.2)
    }
}
