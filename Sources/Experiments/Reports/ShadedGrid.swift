/// A grid of values drawn into a rectangle as SVG: one path per colour (in
/// the order the colours first appear, row 0 first), each neighbouring run of
/// cells of one colour in a row one rectangle, as `Heatmap` draws its grid.
/// `values[row][column]`, row 0 at the bottom; rows of equal length.
///
/// Coordinates and colours are formatted once per column, row, run length and
/// distinct value, not once per cell: a report draws hundreds of these grids.
enum ShadedGrid {
    static func svg(_ values: [[Double]], left: Double, top: Double, width: Double, height: Double,
                    color: (Double) -> String) -> String {
        let rows = values.count
        guard rows > 0, let columns = values.first?.count, columns > 0 else { return "" }
        let cellWidth = width / Double(columns), cellHeight = height / Double(rows)
        let xs = (0 ... columns).map { SVG.f(left + Double($0) * cellWidth) }
        let widths = (0 ... columns).map { SVG.f(Double($0) * cellWidth) }
        let cellHeightText = SVG.f(cellHeight)
        var colorOf: [Double: String] = [:]
        var order: [String] = []
        var paths: [String: String] = [:]
        for row in 0 ..< rows {
            let colors = values[row].map { value -> String in
                if let known = colorOf[value] { return known }
                let text = color(value)
                colorOf[value] = text
                return text
            }
            let y0 = SVG.f(top + height - Double(row + 1) * cellHeight)
            var start = 0
            while start < colors.count {
                var end = start + 1
                while end < colors.count, colors[end] == colors[start] { end += 1 }
                if paths[colors[start]] == nil { order.append(colors[start]) }
                let runWidth = widths[end - start]
                paths[colors[start], default: ""] += "M\(xs[start]),\(y0)h\(runWidth)v\(cellHeightText)h-\(runWidth)z"
                start = end
            }
        }
        return order.map { "<path fill=\"\($0)\" d=\"\(paths[$0] ?? "")\"/>" }.joined(separator: "\n")
    }
}
