import Foundation

/// A confusion matrix as SVG: row i, column j holds how many samples of true
/// class i were predicted as class j. Each cell is shaded by its fraction of
/// the row (white 0 to dark blue 1; text turns white on dark cells) and shows
/// its count; hover gives "true c · predicted d · n of N (p %)". Class names
/// label the rows (left) and columns (top, rotated when long).
public struct ConfusionMatrix: Sendable {
    public var title: String
    public var classNames: [String]
    /// `counts[true][predicted]`.
    public var counts: [[Int]]

    public init(title: String, classNames: [String], counts: [[Int]]) {
        self.title = title
        self.classNames = classNames
        self.counts = counts
    }

    public func svg() -> String {
        let k = classNames.count
        let cell = k <= 4 ? 64.0 : (k <= 10 ? 44 : 30)
        let rowLabel = (classNames.map { SVG.textWidth($0, fontSize: SVG.tickFont) }.max() ?? 20) + 12
        let columnLabel = min(rowLabel, 120.0)
        let rotate = classNames.contains { SVG.textWidth($0, fontSize: SVG.tickFont) > cell - 6 }
        let left = 34 + rowLabel, top = 40 + 20 + (rotate ? columnLabel : 18)
        let width = max(left + Double(k) * cell + 20, 320, SVG.textWidth(title, fontSize: SVG.titleFont) + 40), height = top + Double(k) * cell + 16
        var out = SVG.header(width: width, height: height)
        out += SVG.chartTitle(title, width: width)
        out += "<text x=\"\(SVG.f(left + Double(k) * cell / 2))\" y=\"54\" text-anchor=\"middle\" font-size=\"\(SVG.f(SVG.axisTitleFont))\" fill=\"#222222\">predicted class</text>\n"
        let cy = SVG.f(top + Double(k) * cell / 2)
        out += "<text x=\"14\" y=\"\(cy)\" transform=\"rotate(-90 14 \(cy))\" text-anchor=\"middle\" font-size=\"\(SVG.f(SVG.axisTitleFont))\" fill=\"#222222\">true class</text>\n"
        out += "<g font-size=\"\(SVG.f(SVG.tickFont))\" fill=\"#333333\">\n"
        for (i, name) in classNames.enumerated() {
            let y = top + (Double(i) + 0.5) * cell + 4
            out += "<text x=\"\(SVG.f(left - 6))\" y=\"\(SVG.f(y))\" text-anchor=\"end\">\(SVG.escape(name))</text>\n"
            let x = left + (Double(i) + 0.5) * cell
            if rotate {
                out += "<text x=\"\(SVG.f(x + 4))\" y=\"\(SVG.f(top - 6))\" transform=\"rotate(-60 \(SVG.f(x + 4)) \(SVG.f(top - 6)))\">\(SVG.escape(name))</text>\n"
            } else {
                out += "<text x=\"\(SVG.f(x))\" y=\"\(SVG.f(top - 6))\" text-anchor=\"middle\">\(SVG.escape(name))</text>\n"
            }
        }
        out += "</g>\n<g font-size=\"\(SVG.f(k <= 10 ? 12 : 9))\" text-anchor=\"middle\">\n"
        for i in 0 ..< k {
            let row = i < counts.count ? counts[i] : []
            let total = row.reduce(0, +)
            for j in 0 ..< k {
                let n = j < row.count ? row[j] : 0
                let fraction = total > 0 ? Double(n) / Double(total) : 0
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                let color = SVG.hex(255 - (255 - 8) * fraction, 255 - (255 - 69) * fraction, 255 - (255 - 148) * fraction)
                let tip = "true \(classNames[i]) · predicted \(classNames[j]) · \(n) of \(total)" + (total > 0 ? " (\(ReportNumber.text(fraction * 100)) %)" : "")
                out += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y))\" width=\"\(SVG.f(cell))\" height=\"\(SVG.f(cell))\" fill=\"\(color)\" stroke=\"#FFFFFF\" stroke-width=\"1\"><title>\(SVG.escape(tip))</title></rect>\n"
                out += "<text x=\"\(SVG.f(x + cell / 2))\" y=\"\(SVG.f(y + cell / 2 + 4))\" fill=\"\(fraction > 0.5 ? "#FFFFFF" : "#222222")\"\(i == j ? " font-weight=\"bold\"" : "")>\(n)</text>\n"
            }
        }
        out += "</g>\n"
        out += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(top))\" width=\"\(SVG.f(Double(k) * cell))\" height=\"\(SVG.f(Double(k) * cell))\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>\n"
        return out + "</svg>\n"
    }
}
