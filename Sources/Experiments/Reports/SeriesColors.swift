import Foundation

/// How a chart of one line per item (a grid point, or a group of them) tells
/// the items apart, so that it stays readable for any number of them:
///
/// - the items differ in one numeric sweep axis (learning rate, noise, batch
///   size, width…) and there are 4 or more: a sequential colour scale with a
///   colour bar (`ColorScale`), no legend;
/// - otherwise up to 8 items: the Okabe–Ito palette, each named in the legend;
/// - more: the best, the median and the worst item (by `order`, best first)
///   coloured and named in the legend, the rest thin and light grey, named on hover.
struct SeriesColors {
    /// Each item's colour; nil for a faded item.
    var colors: [String?]
    /// Each item's legend text; nil for none (a faded item, or a colour scale's).
    var legendNames: [String?]
    var colorScale: ColorScale?
    /// The legend entry for the faded items ("other grid points"), when there are some.
    var fadedNote: LegendItem?

    static let maxLegend = 8, minScale = 4

    /// - names: each item's name.
    /// - values: each item's value of the one numeric axis that varies among
    ///   them, with the axis' name; nil when that is not the case.
    /// - order: the items from best to worst (all of them, for the highlights).
    /// - domain: the values the colour scale spans (every grid point's, so
    ///   that a chart drawing some of them colours them as the others do); nil: `values`.
    init(names: [String], values: (axis: String, values: [Double])?, order: [Int], what: String = "points", domain: [Double]? = nil) {
        let count = names.count
        if let values, count >= SeriesColors.minScale, Set(values.values).count >= 2 {
            let scale = ColorScale(title: values.axis, values: domain ?? values.values)
            colors = values.values.map { scale.color($0) }
            legendNames = Array(repeating: nil, count: count)
            colorScale = scale
            fadedNote = nil
        } else if count <= SeriesColors.maxLegend {
            colors = (0 ..< count).map { SVG.LineStyle(index: $0, dashed: false).color }
            legendNames = names
            colorScale = nil
            fadedNote = nil
        } else {
            colors = Array(repeating: nil, count: count)
            legendNames = Array(repeating: nil, count: count)
            let ranked = order.filter { (0 ..< count).contains($0) }
            let picks: [(String, Int)] = ranked.isEmpty ? [] : [("best", ranked[0]), ("median", ranked[ranked.count / 2]), ("worst", ranked[ranked.count - 1])]
            var seen: Set<Int> = []
            for (rank, (label, item)) in picks.enumerated() where seen.insert(item).inserted {
                colors[item] = SVG.palette[[0, 2, 5][rank]]
                legendNames[item] = "\(label): \(names[item])"
            }
            colorScale = nil
            fadedNote = LegendItem(text: "\(count - seen.count) other \(what): hover names them", color: LineChart.fadedColor)
        }
    }

    /// The legend entries besides the series' own.
    var extraLegend: [LegendItem] { fadedNote.map { [$0] } ?? [] }
}

extension ReportCharts {
    /// The value of the one sweep axis that varies among `items` (each a grid
    /// point's labels), when exactly one does and it is numeric; with its short name.
    static func numericAxis(_ items: [[String]], paths: [String]) -> (axis: String, values: [Double])? {
        guard let first = items.first else { return nil }
        let varying = first.indices.filter { axis in Set(items.map { $0[axis] }).count > 1 }
        guard varying.count == 1, let axis = varying.first,
              let values = DisplayLabels.numericValues(items.map { $0[axis] }) else { return nil }
        return (GridPoint.shortPaths(paths)[axis].replacingOccurrences(of: "_", with: " "), values)
    }
}
