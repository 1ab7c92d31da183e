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
/// Layout: title at the top, then a row of class swatches ("class 0", "class 1",
/// and what the background shows), then the plot with linear axes (ticks as in
/// `LineChart`; a log scale is ignored). Points are circles in their class
/// colour with a dark outline; each has a tooltip ("class 1: x = …, y = …") when
/// there are at most 1000. Points outside the axis ranges are left out.
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
        let xAxis = ResolvedAxis(x, data: points.map(\.x).filter(\.isFinite), linearOnly: true)
        let yAxis = ResolvedAxis(y, data: points.map(\.y).filter(\.isFinite), linearOnly: true)

        // Legend rows under the title, wrapped to the width.
        let classCount = max(classes, 2)
        var items: [(text: String, color: String?)] = (0 ..< classCount).map { ("class \($0)", SVG.palette[$0 % SVG.palette.count]) }
        items.append((classes <= 2 ? "shading: output for class 1" : "shading: predicted class", nil))
        var legend = ""
        var legendX = 14.0, legendY = title.isEmpty ? 18.0 : 46
        for item in items {
            let itemWidth = (item.color == nil ? 0 : 14) + SVG.textWidth(item.text, fontSize: SVG.tickFont) + 14
            if legendX > 14, legendX + itemWidth > width - 8 {
                legendX = 14
                legendY += 16
            }
            if let color = item.color {
                legend += "<circle cx=\"\(SVG.f(legendX + 4))\" cy=\"\(SVG.f(legendY - 4))\" r=\"4\" fill=\"\(color)\" stroke=\"#1A1A1A\" stroke-width=\"0.8\"/>"
                legendX += 14
            }
            legend += "<text x=\"\(SVG.f(legendX))\" y=\"\(SVG.f(legendY))\"\(item.color == nil ? " fill=\"#555555\"" : "")>\(SVG.escape(item.text))</text>\n"
            legendX += SVG.textWidth(item.text, fontSize: SVG.tickFont) + 14
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

        // The data points.
        var dots = ""
        let tooltips = points.count <= Heatmap.maxTooltips
        for point in points where point.x.isFinite && point.y.isFinite && xAxis.contains(point.x) && yAxis.contains(point.y) {
            let color = (0 ..< classCount).contains(point.label) ? SVG.palette[point.label % SVG.palette.count] : "#888888"
            let cx = SVG.f(area.x(xAxis.fraction(point.x))), cy = SVG.f(area.y(yAxis.fraction(point.y)))
            dots += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"3.5\" fill=\"\(color)\""
            if tooltips {
                let text = "class \(point.label): x = \(SVG.number(point.x, significantDigits: 6)), y = \(SVG.number(point.y, significantDigits: 6))"
                dots += "><title>\(SVG.escape(text))</title></circle>\n"
            } else {
                dots += "/>\n"
            }
        }
        if !dots.isEmpty { out += "<g stroke=\"#1A1A1A\" stroke-width=\"0.8\">\n" + dots + "</g>\n" }
        out += "</svg>\n"
        return out
    }

    /// The grid: one path per colour (in the order the colours first appear, row 0
    /// first), each neighbouring run of cells of that colour in a row one rectangle
    /// of it — about a third of the bytes of a rect per cell.
    private func cells(area: PlotArea, xAxis: ResolvedAxis, yAxis: ResolvedAxis) -> String {
        let rows = values.count
        guard rows > 0 else { return "" }
        // The grid spans the axis range; if the ranges were explicit this is the plot.
        let gridLeft = area.x(xAxis.fraction(x.range?.lowerBound ?? xAxis.low))
        let gridRight = area.x(xAxis.fraction(x.range?.upperBound ?? xAxis.high))
        let gridBottom = area.y(yAxis.fraction(y.range?.lowerBound ?? yAxis.low))
        let gridTop = area.y(yAxis.fraction(y.range?.upperBound ?? yAxis.high))
        let shownRows = min(rows, Heatmap.maxCells)
        let cellHeight = (gridBottom - gridTop) / Double(shownRows)
        var order: [String] = []
        var paths: [String: String] = [:]
        for shownRow in 0 ..< shownRows {
            let row = values[shownRow * rows / shownRows]
            guard !row.isEmpty else { continue }
            let shownColumns = min(row.count, Heatmap.maxCells)
            let cellWidth = (gridRight - gridLeft) / Double(shownColumns)
            let colors = (0 ..< shownColumns).map { color(row[$0 * row.count / shownColumns]) }
            let y0 = gridBottom - Double(shownRow + 1) * cellHeight
            var start = 0
            while start < shownColumns {
                var end = start + 1
                while end < shownColumns, colors[end] == colors[start] { end += 1 }
                let runWidth = SVG.f(Double(end - start) * cellWidth)
                if paths[colors[start]] == nil { order.append(colors[start]) }
                paths[colors[start], default: ""] += "M\(SVG.f(gridLeft + Double(start) * cellWidth)),\(SVG.f(y0))h\(runWidth)v\(SVG.f(cellHeight))h-\(runWidth)z"
                start = end
            }
        }
        var out = "<g shape-rendering=\"crispEdges\">\n"
        for color in order {
            out += "<path fill=\"\(color)\" d=\"\(paths[color] ?? "")\"/>\n"
        }
        return out + "</g>\n"
    }

    /// The colour of one cell value (see the type's doc).
    private func color(_ value: Double) -> String {
        let invalid = "#DDDDDD"
        guard value.isFinite else { return invalid }
        if classes <= 2 {
            let step = (min(max(value, 0), 1) * 64).rounded() / 64
            let end = SVG.lighten(SVG.palette[step < 0.5 ? 0 : 1], Heatmap.lightening)
            let t = abs(step - 0.5) * 2   // 0 white at 0.5 … 1 the lightened class colour
            return SVG.hex(255 + (end.0 - 255) * t, 255 + (end.1 - 255) * t, 255 + (end.2 - 255) * t)
        }
        let rounded = value.rounded()
        guard rounded >= 0, rounded < Double(classes) else { return invalid }
        let index = Int(rounded)
        let c = SVG.lighten(SVG.palette[index % SVG.palette.count], Heatmap.lightening)
        return SVG.hex(c.0, c.1, c.2)
    }
}
