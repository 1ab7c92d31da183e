/// Which vertices of a polyline to draw so that it looks as if drawn whole,
/// with at most four per pixel column: M4 (Jugel et al., "M4: A
/// Visualization-Oriented Time Series Data Aggregation", VLDB 2014).
///
/// In each run of consecutive drawable vertices whose x falls in one pixel
/// column (⌊x⌋ equal), the first, the last, the one with the least y and the
/// one with the greatest y are kept, in their original order (ties: the
/// earliest). A line through them covers, in every column, the same span
/// from its least to its greatest y as the whole line and enters and leaves
/// the column at the same vertices, so the drawing differs by at most a pixel
/// of anti-aliasing. Every kept vertex is a real data point (hover shows true
/// values), spikes survive (LTTB, which keeps one vertex per bucket by
/// triangle area, can drop a column's maximum), and it is one pass, O(n).
/// Of each run of consecutive undrawable vertices (nil, a break in the line)
/// the first is kept, so the line breaks where it did.
///
/// Not promised: any reduction for vertices whose x is not sorted (each
/// change of column starts a new run; the result is still correct, only larger).
enum PixelDecimation {
    /// The indices of the vertices to keep, increasing.
    static func kept(_ pixels: [(Double, Double)?]) -> [Int] {
        var kept: [Int] = []
        kept.reserveCapacity(min(pixels.count, 1024))
        var column = Int.min
        var first = -1, last = -1, low = -1, high = -1
        var lowY = 0.0, highY = 0.0
        func flush() {
            guard first >= 0 else { return }
            kept.append(first)
            for index in low < high ? [low, high] : [high, low] where index != first && index != last && kept.last != index {
                kept.append(index)
            }
            if last != first { kept.append(last) }
            first = -1
        }
        for (index, pixel) in pixels.enumerated() {
            guard let (x, y) = pixel else {
                flush()
                if index == 0 || pixels[index - 1] != nil { kept.append(index) }
                column = Int.min
                continue
            }
            let here = Int(x.rounded(.down))
            if here != column || first < 0 {
                flush()
                column = here
                (first, last, low, high, lowY, highY) = (index, index, index, index, y, y)
                continue
            }
            last = index
            if y < lowY { (low, lowY) = (index, y) }
            if y > highY { (high, highY) = (index, y) }
        }
        flush()
        return kept
    }

    /// The indices to keep of one unbroken run given by x and y, as `kept`.
    static func kept(xs: [Double], ys: [Double]) -> [Int] {
        kept(zip(xs, ys).map { Optional(($0, $1)) })
    }
}
