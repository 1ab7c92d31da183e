/// A grid of values drawn into a rectangle as SVG: one path per colour (in
/// the order the colours first appear, row 0 first), each neighbouring run of
/// cells of one colour in a row one rectangle, as `Heatmap` draws its grid.
/// `values[row][column]`, row 0 at the bottom; rows of equal length.
enum ShadedGrid {
    static func svg(_ values: [[Double]], left: Double, top: Double, width: Double, height: Double,
                    color: (Double) -> String) -> String {
        let rows = values.count
        guard rows > 0, let columns = values.first?.count, columns > 0 else { return "" }
        let cellWidth = width / Double(columns), cellHeight = height / Double(rows)
        var order: [String] = []
        var paths: [String: String] = [:]
        for row in 0 ..< rows {
            let colors = values[row].map(color)
            let y0 = top + height - Double(row + 1) * cellHeight
            var start = 0
            while start < colors.count {
                var end = start + 1
                while end < colors.count, colors[end] == colors[start] { end += 1 }
                let runWidth = SVG.f(Double(end - start) * cellWidth)
                if paths[colors[start]] == nil { order.append(colors[start]) }
                paths[colors[start], default: ""] += "M\(SVG.f(left + Double(start) * cellWidth)),\(SVG.f(y0))h\(runWidth)v\(SVG.f(cellHeight))h-\(runWidth)z"
                start = end
            }
        }
        return order.map { "<path fill=\"\($0)\" d=\"\(paths[$0] ?? "")\"/>" }.joined(separator: "\n")
    }
}
