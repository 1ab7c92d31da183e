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
        var paths = ColorRunPaths()
        var colorOf: [Double: Int] = [:]
        var colors = [Int](repeating: 0, count: columns)
        for row in 0 ..< rows {
            for (column, value) in values[row].enumerated() {
                if let known = colorOf[value] {
                    colors[column] = known
                } else {
                    let index = paths.index(of: color(value))
                    colorOf[value] = index
                    colors[column] = index
                }
            }
            let y0 = SVG.f(top + height - Double(row + 1) * cellHeight)
            var start = 0
            while start < columns {
                var end = start + 1
                while end < columns, colors[end] == colors[start] { end += 1 }
                paths.addRun(colors[start], x: xs[start], y: y0, width: widths[end - start], height: cellHeightText)
                start = end
            }
        }
        return paths.markup(separator: "\n")
    }
}

/// The paths of a grid of coloured cells: per colour, in the order the colours
/// were first asked for, one path whose subpaths are the rectangles of its
/// runs ("M x,y h w v h h-w z"), built as bytes.
struct ColorRunPaths {
    private var indices: [String: Int] = [:]
    private var colors: [String] = []
    private var paths: [[UInt8]] = []

    /// The colour's index, given at its first use.
    mutating func index(of color: String) -> Int {
        if let index = indices[color] { return index }
        indices[color] = colors.count
        colors.append(color)
        paths.append([])
        return colors.count - 1
    }

    /// A run of cells of colour `index`, its corner at (x, y), `width` wide and `height` high.
    mutating func addRun(_ index: Int, x: String, y: String, width: String, height: String) {
        // The path of a colour that is asked for but gets no run is not drawn.
        paths[index].append(UInt8(ascii: "M"))
        paths[index].append(contentsOf: x.utf8)
        paths[index].append(UInt8(ascii: ","))
        paths[index].append(contentsOf: y.utf8)
        paths[index].append(UInt8(ascii: "h"))
        paths[index].append(contentsOf: width.utf8)
        paths[index].append(UInt8(ascii: "v"))
        paths[index].append(contentsOf: height.utf8)
        paths[index].append(contentsOf: "h-".utf8)
        paths[index].append(contentsOf: width.utf8)
        paths[index].append(UInt8(ascii: "z"))
    }

    /// `<path fill="colour" d="…"/>` per colour with runs, joined by `separator`.
    func markup(separator: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(paths.reduce(0) { $0 + $1.count + 40 })
        var first = true
        for (color, path) in zip(colors, paths) where !path.isEmpty {
            if !first { out.append(contentsOf: separator.utf8) }
            first = false
            out.append(contentsOf: "<path fill=\"".utf8)
            out.append(contentsOf: color.utf8)
            out.append(contentsOf: "\" d=\"".utf8)
            out.append(contentsOf: path)
            out.append(contentsOf: "\"/>".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
