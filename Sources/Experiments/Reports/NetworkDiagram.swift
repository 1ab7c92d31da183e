import NeuralNetwork

/// A network drawn as TensorFlow Playground draws it: a column of nodes per
/// layer (the inputs first), each weight wˡⱼₖ a line from node k of layer l − 1
/// to node j of layer l whose width shows |w| and whose colour its sign
/// (orange w > 0, blue w < 0). Width = 0.5 + 5.5 · |w| / max |w|, the maximum
/// over every weight of the network, so the widest line is the largest weight
/// and widths compare across layers. Each node may hold a picture (a unit's
/// heatmap, `UnitHeatmaps`); up to `maxTooltips` lines, each carries its
/// weight (`data-w`) and a tooltip (past that, a tangle no one hovers, none do).
struct NetworkDiagram {
    var title: String
    var network: Network
    /// Per column (0: the inputs, l: layer l), per unit, the SVG markup drawn
    /// in the node's square (given its left, top and side), or nil for an empty node.
    var pictures: [[((Double, Double, Double) -> String)?]]
    /// Legend entries under the title after the line key (the shading's scale, say).
    var extraLegend: String = ""

    static let positive = "#E69F00", negative = "#0072B2", maxTooltips = 400

    /// The width of a weight's line (see the type's doc); 0.5 for every line when all weights are 0.
    static func lineWidth(_ w: Double, maxAbs: Double) -> Double {
        guard maxAbs > 0, w.isFinite else { return 0.5 }
        return 0.5 + 5.5 * abs(w) / maxAbs
    }

    /// The side of a hidden node in px: 44 up to 16 units a layer, smaller past
    /// that (12 at least); the output's nodes (the decision boundary itself) are at least 88.
    static func nodeSide(_ network: Network) -> Double {
        let most = ([network.inputs] + network.layers.map(\.units)).max() ?? 1
        return most <= 16 ? 44.0 : max(12, 1100 / Double(most) - 6)
    }

    func svg() -> String {
        let columns = [network.inputs] + network.layers.map(\.units)
        let side = NetworkDiagram.nodeSide(network)
        let gap = max(5, side / 4)
        let columnGap = max(170, side * 3)
        let last = columns.count - 1
        func sideOf(_ column: Int) -> Double { column == last ? max(side, 88) : side }
        let tallest = columns.indices.map { Double(columns[$0]) * (sideOf($0) + gap) }.max() ?? 0
        let left = 70.0, top = 84.0
        let width = left + Double(last) * columnGap + sideOf(last) + 60
        let height = top + tallest + 40
        func nodeTop(_ column: Int, _ unit: Int) -> Double {
            top + (tallest - Double(columns[column]) * (sideOf(column) + gap)) / 2 + Double(unit) * (sideOf(column) + gap)
        }
        func nodeLeft(_ column: Int) -> Double { left + Double(column) * columnGap }

        var out = SVG.header(width: width, height: height)
        out += SVG.chartTitle(title, width: width)
        // The key: line colours and widths.
        let maxAbs = network.layers.flatMap { $0.weights.elements.filter(\.isFinite).map(abs) }.max() ?? 0
        out += "<g font-size=\"11\" fill=\"#222222\">\n"
        out += "<line x1=\"14\" y1=\"46\" x2=\"40\" y2=\"46\" stroke=\"\(NetworkDiagram.positive)\" stroke-width=\"4\"/><text x=\"46\" y=\"50\">w &gt; 0</text>\n"
        out += "<line x1=\"100\" y1=\"46\" x2=\"126\" y2=\"46\" stroke=\"\(NetworkDiagram.negative)\" stroke-width=\"4\"/><text x=\"132\" y=\"50\">w &lt; 0</text>\n"
        out += "<text x=\"190\" y=\"50\">line width ∝ |w| (widest: |w| = \(SVG.escape(ReportNumber.text(maxAbs))))</text>\n"
        out += extraLegend + "</g>\n"

        // The weights, under the nodes.
        let tooltips = network.layers.map { $0.units * $0.inputs }.reduce(0, +) <= NetworkDiagram.maxTooltips
        out += "<g fill=\"none\" stroke-opacity=\"0.65\">\n"
        let widest = columns.max() ?? 0
        let indices = tooltips ? (0 ... widest).map(lowered) : []
        for (l, layer) in network.layers.enumerated() {
            let name = tooltips ? "w" + superscript(l + 1) : ""
            for j in 0 ..< layer.units {
                for k in 0 ..< layer.inputs {
                    let w = layer.weights[j, k]
                    let x1 = nodeLeft(l) + sideOf(l), y1 = nodeTop(l, k) + sideOf(l) / 2
                    let x2 = nodeLeft(l + 1), y2 = nodeTop(l + 1, j) + sideOf(l + 1) / 2
                    out += "<line x1=\"\(SVG.f(x1))\" y1=\"\(SVG.f(y1))\" x2=\"\(SVG.f(x2))\" y2=\"\(SVG.f(y2))\""
                    out += " stroke=\"\(w < 0 ? NetworkDiagram.negative : NetworkDiagram.positive)\" stroke-width=\"\(SVG.f(NetworkDiagram.lineWidth(w, maxAbs: maxAbs)))\""
                    out += tooltips ? " data-w=\"\(numberText(w))\"><title>\(name)\(indices[j + 1])\(indices[k + 1]) = \(SVG.escape(ReportNumber.text(w)))</title></line>\n" : "/>\n"
                }
            }
        }
        out += "</g>\n"

        // The nodes, and each column's name under it.
        for column in columns.indices {
            for unit in 0 ..< columns[column] {
                let x = nodeLeft(column), y = nodeTop(column, unit), side = sideOf(column)
                if let picture = pictures.indices.contains(column) && pictures[column].indices.contains(unit) ? pictures[column][unit] : nil {
                    out += picture(x, y, side)
                }
                var tip = column == 0 ? "input x\(unit + 1)" : "layer \(column), unit \(unit + 1) · \(network.layers[column - 1].activation.rawValue)"
                if column > 0, let b = network.layers[column - 1].biases?[unit] { tip += " · b = \(ReportNumber.text(b))" }
                out += "<rect x=\"\(SVG.f(x))\" y=\"\(SVG.f(y))\" width=\"\(SVG.f(side))\" height=\"\(SVG.f(side))\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"><title>\(SVG.escape(tip))</title></rect>\n"
                if column == 0 {
                    out += "<text x=\"\(SVG.f(x - 6))\" y=\"\(SVG.f(y + side / 2 + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#222222\">x\(unit + 1)</text>\n"
                }
            }
            let name = column == 0 ? "inputs" : column == columns.count - 1 ? "output (\(network.layers[column - 1].activation.rawValue))"
                : "layer \(column) (\(network.layers[column - 1].activation.rawValue))"
            out += "<text x=\"\(SVG.f(nodeLeft(column) + sideOf(column) / 2))\" y=\"\(SVG.f(height - 14))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555555\">\(SVG.escape(name))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func superscript(_ n: Int) -> String { NetworkDiagram.digits(n, NetworkDiagram.superscripts) }
    private func lowered(_ n: Int) -> String { NetworkDiagram.digits(n, NetworkDiagram.subscripts) }
    private static let superscripts = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    private static let subscripts = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
    /// n's decimal digits in the given glyphs (n ≥ 0).
    private static func digits(_ n: Int, _ glyphs: [String]) -> String {
        var text = ""
        for digit in String(n).utf8 { text += glyphs[Int(digit - UInt8(ascii: "0"))] }
        return text
    }
}
