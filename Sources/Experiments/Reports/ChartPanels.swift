import Foundation

/// Small multiples: line charts side by side in rows (one panel per value of
/// a sweep axis, say), under one title, with one legend and colour bar for all
/// of them at the right. Give the panels the same axis ranges to make them
/// comparable. Each panel is its own nested `<svg>`, so its clip path and
/// hover stay its own.
public struct ChartPanels: Sendable {
    public var title: String
    /// Drawn without their own legends.
    public var panels: [LineChart]
    public var legendItems: [LegendItem]
    public var colorScale: ColorScale?
    /// The panels per row.
    public var columns: Int
    /// The width of the whole figure; panels share what the legend leaves.
    public var width: Int
    public var panelHeight: Int

    public init(title: String, panels: [LineChart], legendItems: [LegendItem] = [], colorScale: ColorScale? = nil,
                columns: Int = 3, width: Int = 960, panelHeight: Int = 300) {
        self.title = title
        self.panels = panels
        self.legendItems = legendItems
        self.colorScale = colorScale
        self.columns = columns
        self.width = width
        self.panelHeight = panelHeight
    }

    public func svg() -> String {
        let width = Double(max(self.width, 300))
        let columns = max(1, min(self.columns, panels.count))
        let rows = (panels.count + columns - 1) / columns
        var legend = Legend(entries: legendItems, maxWidth: width * 0.3)
        let rightColumn = max(legend.width, colorScale.map { $0.barWidth + 8 } ?? 0)
        let panelWidth = ((width - rightColumn - 8) / Double(columns)).rounded(.down)
        let top = title.isEmpty ? 8.0 : 36
        let height = max(top + Double(rows * panelHeight) + 8, top + legend.height + (colorScale.map { $0.barHeight + 40 } ?? 0) + 8)
        legend.top = top + 8
        var out = SVG.header(width: width, height: height)
        out += SVG.chartTitle(title, width: width)
        for (index, panel) in panels.enumerated() {
            var panel = panel
            panel.showsLegend = false
            panel.width = Int(panelWidth)
            panel.height = panelHeight
            let x = Double(index % columns) * panelWidth, y = top + Double(index / columns) * Double(panelHeight)
            var document = panel.svg()
            if let start = document.firstRange(of: "<svg ") {
                document.replaceSubrange(start, with: "<svg x=\"\(SVG.f(x))\" y=\"\(SVG.f(y))\" ")
            }
            out += document
        }
        let columnLeft = Double(columns) * panelWidth + 12
        out += legend.svg(left: columnLeft)
        if let colorScale {
            out += colorScale.svg(left: columnLeft, top: legend.top + legend.height + (legendItems.isEmpty ? 0 : 14))
        }
        return out + "</svg>\n"
    }
}
