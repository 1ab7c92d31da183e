/// A grid of values drawn into a rectangle as SVG: one path per colour (in
/// the order the colours first appear, row 0 first), each neighbouring run of
/// cells of one colour in a row one rectangle, as `Heatmap` draws its grid.
/// `values[row][column]`, row 0 at the bottom; rows of equal length.
///
/// Coordinates and colours are formatted once per column, row, run length and
/// distinct value, not once per cell: a report draws hundreds of these grids.
enum ShadedGrid {
    static func svg(_ values: [[Double]], left: Double, top: Double, width: Double, height: Double,
                    color: @escaping (Double) -> String) -> String {
        let rows = values.count
        guard rows > 0, let columns = values.first?.count, columns > 0 else { return "" }
        let cellWidth = width / Double(columns), cellHeight = height / Double(rows)
        let cells = ColorRunPaths.Columns(xs: (0 ..< columns).map { Array(SVG.f(left + Double($0) * cellWidth).utf8) },
                                          widths: (0 ... columns).map { Array(SVG.f(Double($0) * cellWidth).utf8) },
                                          height: Array(SVG.f(cellHeight).utf8))
        var paths = ColorRunPaths()
        var colors = ColorIndices(color: color)
        var indices = [Int](repeating: 0, count: columns)
        for row in 0 ..< rows {
            for (column, value) in values[row].enumerated() {
                indices[column] = colors.index(of: value, in: &paths)
            }
            let y0 = Array(SVG.f(top + height - Double(row + 1) * cellHeight).utf8)
            paths.addRuns(indices, cells, y: y0)
        }
        return paths.markup(separator: "\n")
    }

    /// The opening tag of a crisp-edged group that places a grid drawn in
    /// cell units (a cell 1 × 1, the grid's top left at 0, 0) with its top
    /// left at (`left`, `top`) and cells `cellWidth` × `cellHeight` pixels.
    /// The scale is written in full precision: rounded to `SVG.f`'s
    /// hundredths, 100 cells could miss the plot's edge by a pixel.
    static func placedGroup(left: Double, top: Double, cellWidth: Double, cellHeight: Double) -> String {
        let scale = cellWidth == cellHeight ? numberText(cellWidth) : numberText(cellWidth) + " " + numberText(cellHeight)
        return "<g shape-rendering=\"crispEdges\" transform=\"translate(\(SVG.f(left)) \(SVG.f(top))) scale(\(scale))\">\n"
    }
}

/// Each value's colour index in a `ColorRunPaths`, its colour computed once
/// per distinct value; a value equal to the one before (neighbouring cells
/// mostly are) is not looked up again.
struct ColorIndices {
    let color: (Double) -> String
    private var known: [Double: Int] = [:]
    private var last: (value: Double, index: Int)?

    init(color: @escaping (Double) -> String) {
        self.color = color
    }

    mutating func index(of value: Double, in paths: inout ColorRunPaths) -> Int {
        // Bit equality, as the dictionary's keys (NaN equals itself here, and 0 is not −0).
        if let last, last.value.bitPattern == value.bitPattern { return last.index }
        let index: Int
        if let found = known[value] {
            index = found
        } else {
            index = paths.index(of: color(value))
            // NaN equals no key: it is looked up by its colour each time it does not follow itself.
            if !value.isNaN { known[value] = index }
        }
        last = (value, index)
        return index
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

    /// The columns of a grid as its runs are written: each column's left
    /// edge, and for each run length n the rest of a run's subpath
    /// ("h w v h h-w z", w the width of n cells), formatted once per grid.
    struct Columns {
        var xs: [[UInt8]]
        var runEnds: [[UInt8]]

        /// `xs[c]` column c's left edge, `widths[n]` the width of n cells, `height` a row's.
        init(xs: [[UInt8]], widths: [[UInt8]], height: [UInt8]) {
            self.xs = xs
            runEnds = widths.map { width in
                [UInt8(ascii: "h")] + width + [UInt8(ascii: "v")] + height + [UInt8(ascii: "h"), UInt8(ascii: "-")] + width + [UInt8(ascii: "z")]
            }
        }
    }

    /// One row of cells, its top at `y`: `colors[c]` the colour index of
    /// column c, the neighbouring cells of one colour a run.
    mutating func addRuns(_ colors: [Int], _ columns: Columns, y: [UInt8]) {
        let row = [UInt8(ascii: ",")] + y
        var start = 0
        while start < colors.count {
            var end = start + 1
            while end < colors.count, colors[end] == colors[start] { end += 1 }
            ColorRunPaths.append(columns.xs[start], row, columns.runEnds[end - start], to: &paths[colors[start]])
            start = end
        }
    }

    /// "M" x ",y" and the run's end.
    private static func append(_ x: [UInt8], _ row: [UInt8], _ end: [UInt8], to path: inout [UInt8]) {
        path.append(UInt8(ascii: "M"))
        path.append(contentsOf: x)
        path.append(contentsOf: row)
        path.append(contentsOf: end)
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
