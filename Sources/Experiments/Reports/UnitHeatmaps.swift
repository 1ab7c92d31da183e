import NeuralNetwork

/// What each hidden neuron computes: for a run with 2 inputs and at most
/// `maxHiddenUnits` hidden units, each unit's activation aˡⱼ(x) = f(Σₖ wˡⱼₖ aˡ⁻¹ₖ(x) + bˡⱼ)
/// over the input plane (the decision boundary's region, a⁰ = x), drawn in its
/// node of the network's diagram (`NetworkDiagram`), layer by layer as
/// TensorFlow Playground does; the inputs' nodes show x₁ and x₂ themselves.
///
/// Shading: blue (low) through white (the middle) to orange (high) over the
/// activation's range — sigmoid and softmax [0, 1], tanh [−1, 1]; relu,
/// leaky_relu, identity and the inputs [−m, m] with m the unit's own largest
/// |a| over the plane (so a relu's 0 is white, and a dead unit all white).
enum UnitHeatmaps {
    static let maxHiddenUnits = 64

    /// Grid cells per side of a unit's heatmap: 20, fewer for smaller nodes (about 2 px a cell, 8 at least).
    static func cells(_ network: Network) -> Int {
        max(8, min(20, Int(NetworkDiagram.nodeSide(network) / 2)))
    }

    /// Per column (inputs, then each layer), per unit, the grid `values[row][column]`
    /// of the unit's activation (`cells` per side) and the range its shading spans.
    static func activations(_ network: Network, plane: BoundaryPlane) -> [[(grid: [[Double]], range: ClosedRange<Double>)]] {
        let cells = cells(network)
        let grid = plane.grid(size: cells)
        var workspace = Workspace(network: network, batchSize: grid.rows)
        network.forward(grid, in: &workspace)
        let matrices = [grid] + workspace.a
        return matrices.enumerated().map { column, a in
            let activation = column == 0 ? Activation.identity : network.layers[column - 1].activation
            return (0 ..< a.columns).map { unit in
                let grid = (0 ..< cells).map { row in (0 ..< cells).map { a[row * cells + $0, unit] } }
                return (grid, range(activation, grid.flatMap { $0 }))
            }
        }
    }

    /// The shading's range for a unit of the activation taking `values` (see the type's doc).
    static func range(_ activation: Activation, _ values: [Double]) -> ClosedRange<Double> {
        switch activation {
        case .sigmoid, .softmax: return 0 ... 1
        case .tanh: return -1 ... 1
        case .identity, .relu, .leakyRelu, .zero:
            let m = values.filter(\.isFinite).map(abs).max() ?? 0
            return m > 0 ? -m ... m : -1 ... 1
        }
    }

    /// The colour of t ∈ [0, 1] (clamped; 32 steps, of which the heatmaps use every other): blue (Okabe–Ito #0072B2,
    /// lightened 15%) at 0, white at ½, orange (#E69F00, lightened 15%) at 1.
    static func color(_ t: Double) -> String {
        guard t.isFinite else { return "#DDDDDD" }
        let step = (min(max(t, 0), 1) * 32).rounded() / 32
        let end = SVG.lighten(SVG.palette[step < 0.5 ? 0 : 1], 0.15)
        let u = abs(step - 0.5) * 2
        return SVG.hex(255 + (end.0 - 255) * u, 255 + (end.1 - 255) * u, 255 + (end.2 - 255) * u)
    }

    /// The best run's diagram with its units' heatmaps; nil unless it has 2
    /// inputs and at most `maxHiddenUnits` hidden units.
    static func chart(_ c: ReportCharts.Context, cache: CSVCache) -> ReportChart? {
        guard let (point, run) = ReportCharts.pictured(c), let config = c.results.config(of: run.run, cache: cache),
              let plane = BoundaryPlane(config, cache: cache), let network = c.results.network(of: run.run),
              network.layers.dropLast().map(\.units).reduce(0, +) <= maxHiddenUnits else { return nil }
        let pictures = activations(network, plane: plane).map { column in
            column.map { unit -> ((Double, Double, Double) -> String)? in
                let low = unit.range.lowerBound, span = unit.range.upperBound - unit.range.lowerBound
                let scaled = unit.grid.map { row in row.map { (($0 - low) / span * 16).rounded() / 16 } }
                return { left, top, side in
                    "<g shape-rendering=\"crispEdges\">" + ShadedGrid.svg(scaled, left: left, top: top, width: side, height: side, color: color) + "</g>\n"
                }
            }
        }
        var scale = "<text x=\"14\" y=\"68\" fill=\"#555555\">unit's activation: low</text>"
        for k in 0 ..< 16 {
            scale += "<rect x=\"\(SVG.f(140 + Double(k) * 4.5))\" y=\"59\" width=\"4.9\" height=\"10\" fill=\"\(color((Double(k) + 0.5) / 16))\"/>"
        }
        scale += "<text x=\"216\" y=\"68\" fill=\"#555555\">high (white: the middle of its range; relu: 0)</text>\n"
        let diagram = NetworkDiagram(title: "What each unit computes: \(point.name), seed \(run.seed)", network: network,
                                     pictures: pictures, extraLegend: scale)
        let which = c.points.count == 1 ? "the experiment's best seed" : c.ranking.metric == nil ? "the first grid point's best seed (nothing is ranked)" : "the best grid point's best seed"
        return ReportChart(file: "network.svg", heading: "What each unit computes",
                           caption: "The trained network of \(which) (\(run.run)), one column per layer. Each square is a unit's activation aˡⱼ = f(Σₖ wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ) over the input plane of the decision boundaries (x1 across, x2 up), shaded from blue (low) through white to orange (high) over f's range (sigmoid 0 to 1, tanh −1 to 1; relu and identity ± the unit's largest |a|, so a dead relu unit is all white). Each line is a weight wˡⱼₖ: its width is proportional to |w|, orange for w > 0 and blue for w < 0 (hover a line for its value, up to \(NetworkDiagram.maxTooltips) weights).",
                           svg: diagram.svg())
    }
}
