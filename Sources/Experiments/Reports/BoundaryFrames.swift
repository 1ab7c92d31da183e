import Foundation
import NeuralNetwork

/// Training you can watch: for 2-D classification data, the decision boundary
/// of the best run of each pictured grid point (`ReportCharts.picturedPoints`)
/// at its recorded epochs (`FrameEpochs`: 0, 1, 2, 5, 10, 20, 50, … and the
/// last), drawn from the snapshots in its model.json.
///
/// report.md gets a strip of small frames per run (`frames-<k>.svg`, k the
/// grid point's number, as for `boundary-<k>.svg`); report.html one picture
/// per run holding every frame, a slider over the epochs and a play button
/// (`script`): each run shows its latest frame at or before the chosen epoch.
/// The shading is the decision boundary's (`Heatmap`), on a coarser grid
/// (`cells` per side), shaded once per snapshot: its paths are drawn in cell
/// units and placed in the strip and on the page by a transform.
struct BoundaryFrames {
    struct Run {
        var point: Int
        var name: String
        var run: String
        var seed: Int
        var plane: BoundaryPlane
        /// Empty when the run's model.json has no snapshots (trained before they were recorded).
        var snapshots: [NetworkSnapshot]
    }

    /// One run with its frames drawn (by a job of the report's pool): the
    /// strip for report.md and the picture for report.html, nil without snapshots.
    struct Drawn {
        var run: Run
        var strip: ReportChart?
        var page: String?

        init(_ run: Run) {
            self.run = run
            guard !run.snapshots.isEmpty else { return }
            let shadings = run.snapshots.map { BoundaryFrames.shading(run, $0) }
            strip = BoundaryFrames.strip(run, shadings)
            page = BoundaryFrames.page(run, shadings)
        }
    }

    var runs: [Run]
    /// One strip per run with frames (report.md's `frames-<k>.svg`).
    var strips: [ReportChart]
    /// One picture per run with frames (report.html's).
    var pages: [String]

    /// Grid cells per side of a frame, in the strip's small frames (4 px a
    /// cell) and the page's (10 px).
    static let cells = 30

    /// The frames of the pictured runs, in their order; nil when there are none.
    init?(_ drawn: [Drawn]) {
        if drawn.isEmpty { return nil }
        runs = drawn.map(\.run)
        strips = drawn.compactMap(\.strip)
        pages = drawn.compactMap(\.page)
    }

    /// Every run's frame epochs together, in order.
    var epochs: [Int] { Array(Set(runs.flatMap { $0.snapshots.map(\.epoch) })).sorted() }

    /// The runs trained before snapshots were recorded.
    var unrecorded: [Run] { runs.filter(\.snapshots.isEmpty) }

    var caption: String {
        var text = "The decision boundary of the best seed of each grid point (as in the decision boundaries above) at epochs 0, 1, 2, 5, 10, 20, 50, … and its last, from the networks recorded during training (the snapshots in its model.json). Shading: the output for class 1 (blue 0, white 0.5, orange 1), or the predicted class."
        if !unrecorded.isEmpty {
            text += " No frames for \(unrecorded.map(\.run).joined(separator: ", ")): trained before nnlab recorded them (`nnlab run --fresh` trains again and records them)."
        }
        return text
    }

    // MARK: report.md

    /// A run's strip: small frames in rows of 6, each titled by its epoch.
    static func strip(_ run: Run, _ shadings: [String]) -> ReportChart {
        let side = 120.0, gap = 12.0, perRow = min(6, run.snapshots.count)
        let rows = (run.snapshots.count + perRow - 1) / perRow
        let width = gap + Double(perRow) * (side + gap), height = 40 + Double(rows) * (side + 26)
        var out = SVG.header(width: max(width, 300), height: height)
        out.reserveCapacity(16_384 * (run.snapshots.count + 1))
        out += SVG.chartTitle("\(run.name), seed \(run.seed): decision boundary by epoch", width: max(width, 300))
        let dots = BoundaryFrames.sample(run.plane.training, max: 150)
        for (k, snapshot) in run.snapshots.enumerated() {
            let left = gap + Double(k % perRow) * (side + gap), top = 40 + Double(k / perRow) * (side + 26) + 16
            out += "<text x=\"\(SVG.f(left + side / 2))\" y=\"\(SVG.f(top - 4))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#222222\">epoch \(snapshot.epoch)</text>\n"
            appendFrame(run, shadings[k], left: left, top: top, side: side, dots: dots, radius: 1.6, to: &out)
        }
        return ReportChart(file: "frames-\(run.point + 1).svg", heading: run.name, caption: "", svg: out + "</svg>\n")
    }

    // MARK: report.html

    /// Appends the section's figures, slider and play button (`script` makes
    /// them work; without it each picture shows its last frame).
    func appendHTML(to out: inout PageText) {
        let epochs = self.epochs
        out += "<div class=\"nnlab-frames\" data-epochs=\"\(epochs.map(String.init).joined(separator: ","))\">\n"
        if epochs.count > 1 {
            out += "<p class=\"frame-controls\"><button type=\"button\" class=\"nnlab-play\">▶ play</button> "
            out += "<input type=\"range\" class=\"nnlab-slider\" style=\"width: 360px; vertical-align: middle;\" min=\"0\" max=\"\(epochs.count - 1)\" value=\"\(epochs.count - 1)\" step=\"1\" aria-label=\"epoch\"> "
            out += "<span class=\"nnlab-frame-label\">epoch \(epochs.last ?? 0)</span></p>\n"
        }
        out += "<div class=\"grid\">\n"
        for page in pages {
            out += "<figure style=\"flex: 0 1 330px;\">"
            out.append(piece: page[...])
            out += "</figure>\n"
        }
        out += "</div>\n</div>\n"
    }

    /// One run's picture for the page: every frame a hidden group but the last, the points on top.
    private static func page(_ run: Run, _ shadings: [String]) -> String {
        let side = 300.0, top = 44.0, left = 10.0
        var out = SVG.header(width: side + 2 * left, height: top + side + 10).replacingOccurrences(of: "<svg ", with: "<svg class=\"nnlab-run\" ")
        out.reserveCapacity(16_384 * (run.snapshots.count + 1))
        out += SVG.chartTitle("\(run.name), seed \(run.seed)", width: side + 2 * left)
        let last = run.snapshots.count - 1
        out += "<text class=\"nnlab-epoch\" x=\"\(SVG.f(left + side / 2))\" y=\"40\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555555\">epoch \(run.snapshots[last].epoch)</text>\n"
        for (k, snapshot) in run.snapshots.enumerated() {
            out += "<g data-epoch=\"\(snapshot.epoch)\" visibility=\"\(k == last ? "visible" : "hidden")\">\n"
            appendFrame(run, shadings[k], left: left, top: top, side: side, dots: [], radius: 0, to: &out)
            out += "</g>\n"
        }
        appendDots(run, BoundaryFrames.sample(run.plane.training, max: 600), left: left, top: top, side: side, radius: 2.6, to: &out)
        return out + "</svg>"
    }

    // MARK: Drawing

    /// A snapshot's shading as paths in cell units (the square 0 … `cells`
    /// on each side, row 0 at the bottom), for `appendFrame` to place.
    static func shading(_ run: Run, _ snapshot: NetworkSnapshot) -> String {
        let shades = Heatmap(title: "", x: Axis(title: ""), y: Axis(title: ""), values: [], classes: run.plane.classes)
        // 32 steps for two classes (the boundary chart has 64), so that runs of a colour are longer.
        let values = run.plane.shading(snapshot.network, size: cells).map { row in
            row.map { run.plane.classes <= 2 ? ($0 * 32).rounded() / 32 : $0 }
        }
        let side = Double(cells)
        return ShadedGrid.svg(values, left: 0, top: 0, width: side, height: side, color: shades.color)
    }

    /// One frame, appended to `out` (a strip or page holds many): its
    /// shading scaled into a square, the square's outline, and `dots` on top.
    private static func appendFrame(_ run: Run, _ shading: String, left: Double, top: Double, side: Double,
                                    dots: [(x: Double, y: Double, label: Int)], radius: Double, to out: inout String) {
        out += ShadedGrid.placedGroup(left: left, top: top, cellWidth: side / Double(cells), cellHeight: side / Double(cells))
        out += shading
        out += "\n</g>\n"
        out += "<rect x=\"\(SVG.f(left))\" y=\"\(SVG.f(top))\" width=\"\(SVG.f(side))\" height=\"\(SVG.f(side))\" fill=\"none\" stroke=\"#888888\" stroke-width=\"0.8\"/>\n"
        appendDots(run, dots, left: left, top: top, side: side, radius: radius, to: &out)
    }

    private static func appendDots(_ run: Run, _ dots: [(x: Double, y: Double, label: Int)], left: Double, top: Double, side: Double,
                                   radius: Double, to out: inout String) {
        guard !dots.isEmpty else { return }
        let x = run.plane.xRange, y = run.plane.yRange
        // As bytes: a strip draws its dots in every frame, thousands of circles.
        let r = Array(SVG.f(radius).utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 * dots.count + 64)
        bytes += "<g stroke=\"#1A1A1A\" stroke-width=\"\(SVG.f(radius / 4))\">\n".utf8
        for dot in dots where x.contains(dot.x) && y.contains(dot.y) {
            let px = left + (dot.x - x.lowerBound) / (x.upperBound - x.lowerBound) * side
            let py = top + side - (dot.y - y.lowerBound) / (y.upperBound - y.lowerBound) * side
            SVG.appendCircleCentre(px, py, to: &bytes)
            bytes += " r=\"".utf8
            bytes += r
            bytes += "\" fill=\"".utf8
            bytes += SVG.palette[dot.label % SVG.palette.count].utf8
            bytes += "\"/>".utf8
        }
        bytes += "\n</g>\n".utf8
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// At most `max` of the points, evenly spaced in their order (deterministic).
    static func sample(_ points: [(x: Double, y: Double, label: Int)], max: Int) -> [(x: Double, y: Double, label: Int)] {
        guard points.count > max else { return points }
        return (0 ..< max).map { points[$0 * points.count / max] }
    }

    /// The slider and play button: `#frame=K` in the address starts at frame K
    /// (for screenshots); play steps a frame every 0.7 s and stops at the last.
    static let script = """
    <script>
    (function () {
      document.querySelectorAll('.nnlab-frames').forEach(function (box) {
        var epochs = box.getAttribute('data-epochs').split(',').map(Number);
        var slider = box.querySelector('.nnlab-slider'), label = box.querySelector('.nnlab-frame-label');
        var play = box.querySelector('.nnlab-play');
        if (!slider) return;
        function show(k) {
          var epoch = epochs[k];
          slider.value = String(k);
          label.textContent = 'epoch ' + epoch;
          box.querySelectorAll('svg.nnlab-run').forEach(function (svg) {
            var frames = svg.querySelectorAll('g[data-epoch]'), pick = frames[0];
            frames.forEach(function (g) { if (Number(g.getAttribute('data-epoch')) <= epoch) pick = g; });
            frames.forEach(function (g) { g.setAttribute('visibility', g === pick ? 'visible' : 'hidden'); });
            svg.querySelector('.nnlab-epoch').textContent = 'epoch ' + pick.getAttribute('data-epoch');
          });
        }
        var timer = null;
        function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = '▶ play'; }
        play.addEventListener('click', function () {
          if (timer) { stop(); return; }
          if (Number(slider.value) >= epochs.length - 1) show(0);
          play.textContent = '❚❚ pause';
          timer = setInterval(function () {
            var k = Number(slider.value) + 1;
            if (k >= epochs.length) { stop(); return; }
            show(k);
          }, 700);
        });
        slider.addEventListener('input', function () { stop(); show(Number(slider.value)); });
        var start = /frame=(\\d+)/.exec(location.hash);
        if (start) show(Math.min(Number(start[1]), epochs.length - 1));
      });
    })();
    </script>
    """
}
