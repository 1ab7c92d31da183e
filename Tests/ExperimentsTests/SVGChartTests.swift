import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Experiments

/// An SVG document read back with Foundation's XMLParser: every element with its
/// attributes and its own text.
private final class ParsedSVG: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var parent: Int?
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var error: Error?

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? NSError(domain: "XMLParser", code: -1) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes, parent: stack.last))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = stack.last { elements[current].text += string }
    }

    var root: Element? { elements.first }
    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
    /// Texts of the `<title>` tooltips.
    var titles: [String] { all("title").map(\.text) }
    /// Texts of the visible `<text>` elements.
    var texts: [String] { all("text").map(\.text) }
    /// Tooltips of the invisible hover circles.
    var hoverTitles: [String] {
        elements.filter { $0.name == "title" && $0.parent.map { elements[$0].name == "circle" } == true }.map(\.text)
    }
    func parentName(_ element: Element) -> String? { element.parent.map { elements[$0].name } }
}

/// Charts are well-formed SVG with the right content.
final class SVGChartTests: XCTestCase {
    private func line(_ name: String, _ ys: [Double], mark: PointMark = .none) -> ChartSeries {
        ChartSeries(name: name, points: ys.enumerated().map { ChartPoint(x: Double($0.offset), y: $0.element) }, mark: mark)
    }

    /// Parses the chart, failing the test on an XML error or a wrong root element.
    private func parsed(_ svg: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) -> ParsedSVG {
        let document = ParsedSVG(svg)
        XCTAssertNil(document.error, "\(label): \(String(describing: document.error))", file: file, line: line)
        XCTAssertEqual(document.root?.name, "svg", label, file: file, line: line)
        let attributes = document.root?.attributes ?? [:]
        XCTAssertEqual(attributes["xmlns"], "http://www.w3.org/2000/svg", label, file: file, line: line)
        XCTAssertNotNil(attributes["width"], label, file: file, line: line)
        XCTAssertNotNil(attributes["height"], label, file: file, line: line)
        XCTAssertEqual(attributes["viewBox"], "0 0 \(attributes["width"] ?? "") \(attributes["height"] ?? "")", label, file: file, line: line)
        XCTAssertFalse(svg.hasPrefix("<?xml"), "inlinable without a declaration", file: file, line: line)
        return document
    }

    /// The polyline coordinates of a document.
    private func polylinePoints(_ document: ParsedSVG) -> [[(Double, Double)]] {
        document.all("polyline").map { element in
            (element.attributes["points"] ?? "").split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").compactMap { Double($0) }
                return (xy.first ?? .nan, xy.last ?? .nan)
            }
        }
    }

    private var sampleCharts: [(String, String)] {
        let loss = { (rate: Double) in (0 ... 60).map { epoch in 2.3 * exp(-rate * Double(epoch)) + 0.02 } }
        var diverging = loss(0.3)
        for epoch in 8 ... 60 { diverging[epoch] = epoch < 14 ? pow(10, Double(epoch - 6)) : (epoch < 16 ? .infinity : .nan) }
        let logCurves = LineChart(
            title: "Validation loss by epoch", x: Axis(title: "epoch"), y: Axis(title: "validation loss (log scale)", scale: .log),
            series: [line("learning_rate=0.01", loss(0.02)), line("learning_rate=0.1", loss(0.1)),
                     line("learning_rate=1", diverging), line("learning_rate=0.03, a long name that needs shortening", loss(0.05))])
        let rates = [0.0001, 0.001, 0.01, 0.1, 1, 10]
        let learningRate = LineChart(
            title: "Final validation loss against learning rate", x: Axis(title: "learning rate (log scale)", scale: .log),
            y: Axis(title: "final validation loss (log scale)", scale: .log),
            series: [ChartSeries(name: "hidden=8", points: zip(rates, [0.9, 0.5, 0.08, 0.03]).map { ChartPoint(x: $0, y: $1) }, mark: .dot),
                     ChartSeries(name: "hidden=32", points: zip(rates, [0.8, 0.3, 0.05, 0.02, 0.4]).map { ChartPoint(x: $0, y: $1, note: "3 seeds") },
                                 mark: .dot, colorIndex: 1)],
            marked: [MarkedPoint(x: 1, y: .infinity, label: "hidden=8,lr=1,seed=1: diverged at epoch 3", colorIndex: 0),
                     MarkedPoint(x: 1, y: nil, label: "hidden=8,lr=1,seed=2: diverged", colorIndex: 0),
                     MarkedPoint(x: 10, y: .nan, label: "hidden=32,lr=10: diverged", colorIndex: 1),
                     MarkedPoint(x: 10, y: .nan, label: "hidden=8,lr=10: diverged", colorIndex: 0)])
        let many = LineChart(title: "Twenty series", x: Axis(title: "x"), y: Axis(title: "y"),
                             series: (0 ..< 20).map { k in line("series \(k)", (0 ..< 30).map { sin(Double($0) / 4 + Double(k) / 3) + Double(k) / 10 }) })
        let norms = LineChart(title: "Gradient norm by layer", x: Axis(title: "layer"), y: Axis(title: "‖∂C/∂W‖ (log scale)", scale: .log),
                              series: [line("sigmoid", [0.0002, 0.003, 0.04, 0.5], mark: .dot), line("relu", [0.1, 0.2, 0.15, 0.3], mark: .cross)])
        let size = 60
        let probability: [[Double]] = (0 ..< size).map { row in
            (0 ..< size).map { column in
                let x = -2 + 4 * (Double(column) + 0.5) / Double(size), y = -2 + 4 * (Double(row) + 0.5) / Double(size)
                return 1 / (1 + exp(-3 * (x * x + y * y - 1.5)))
            }
        }
        var points: [(x: Double, y: Double, label: Int)] = []
        for k in 0 ..< 80 {
            let angle = Double(k) * 2.399, radius = k % 2 == 0 ? 0.6 + Double(k % 7) / 20 : 1.6 + Double(k % 5) / 15
            points.append((radius * cos(angle), radius * sin(angle), k % 2))
        }
        let twoClasses = Heatmap(title: "hidden=8: hidden=8,seed=1", x: Axis(title: "x1", range: -2 ... 2), y: Axis(title: "x2", range: -2 ... 2),
                                 values: probability, classes: 2, points: points)
        let threeClasses = Heatmap(title: "three classes", x: Axis(title: "x1", range: -2 ... 2), y: Axis(title: "x2", range: -2 ... 2),
                                   values: (0 ..< size).map { row in (0 ..< size).map { column in Double((row / 20 + column / 25) % 3) } },
                                   classes: 3, points: points.enumerated().map { (x: $0.element.x, y: $0.element.y, label: $0.offset % 3) })
        let edges = LineChart(
            title: "Breaks & edges: <nan>, inf, negative on log", x: Axis(title: "x"), y: Axis(title: "y (log scale, fixed 0.1 … 100)", scale: .log, range: 0.1 ... 100),
            series: [line("gaps", [1, 2, .nan, 4, 5, .infinity, 7, -1, 9, 10, 1e9, 20]), line("empty", []), line("alone", [.nan, 3, .nan], mark: .none)],
            marked: [MarkedPoint(x: 3, y: nil, label: "diverged"), MarkedPoint(x: 3, y: 1e6, label: "above", colorIndex: 1),
                     MarkedPoint(x: 6, y: 0.5, label: "inside", colorIndex: 2)])
        let crowded = LineChart(title: "Forty series", x: Axis(title: "x"), y: Axis(title: "y"),
                                series: (0 ..< 40).map { k in line("learning_rate=0.\(k),seed=\(k % 3)", [Double(k), Double(k) / 2, Double(40 - k)]) })
        return [("edge-cases", edges.svg()), ("crowded-legend", crowded.svg()), ("loss-curves", logCurves.svg()), ("learning-rate", learningRate.svg()), ("many-series", many.svg()),
                ("gradient-norms", norms.svg()), ("boundary-2", twoClasses.svg()), ("boundary-3", threeClasses.svg())]
    }

    /// The charts a report draws parse; with NNLAB_SVG_SAMPLES=DIR set they are also written there to look at.
    func testSampleChartsAreWellFormed() throws {
        let charts = sampleCharts
        for (name, svg) in charts {
            _ = parsed(svg, name)
        }
        if let folder = ProcessInfo.processInfo.environment["NNLAB_SVG_SAMPLES"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, svg) in charts {
                try svg.write(toFile: folder + "/" + name + ".svg", atomically: true, encoding: .utf8)
            }
        }
    }

    func testEdgeCaseChartsAreWellFormed() {
        let weird = ChartSeries(name: "weird", points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: .nan), ChartPoint(x: 2, y: .infinity),
                                                        ChartPoint(x: 3, y: -2), ChartPoint(x: .nan, y: 1), ChartPoint(x: 5, y: -.infinity),
                                                        ChartPoint(x: 6, y: 1e300), ChartPoint(x: 7, y: -1e300), ChartPoint(x: 8, y: 0)])
        let charts: [(String, LineChart)] = [
            ("empty", LineChart(title: "", x: Axis(title: ""), y: Axis(title: ""), series: [])),
            ("empty series", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y", scale: .log), series: [line("a", [])])),
            ("single point", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y"), series: [line("a", [3])])),
            ("weird linear", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y"), series: [weird])),
            ("weird log", LineChart(title: "t", x: Axis(title: "x", scale: .log), y: Axis(title: "y", scale: .log), series: [weird])),
            ("all nan", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y", scale: .log), series: [line("a", [.nan, .nan])])),
            ("bad ranges", LineChart(title: "t", x: Axis(title: "x", range: 1 ... 1), y: Axis(title: "y", scale: .log, range: -1 ... 5),
                                     series: [weird])),
            ("tiny", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y"), series: [weird], width: 1, height: -5)),
            ("extremes", LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y"),
                                   series: [line("a", [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, .leastNonzeroMagnitude])])),
            ("only marked", LineChart(title: "t", x: Axis(title: "x", scale: .log), y: Axis(title: "y", scale: .log), series: [],
                                      marked: [MarkedPoint(x: 0.1, y: nil, label: "d"), MarkedPoint(x: -1, y: 1, label: "not drawn"),
                                               MarkedPoint(x: 1, y: 0, label: "zero"), MarkedPoint(x: .nan, y: 1, label: "nan x")])),
        ]
        for (name, chart) in charts {
            let document = parsed(chart.svg(), name)
            for run in polylinePoints(document) {
                XCTAssertGreaterThanOrEqual(run.count, 2, name)
                for (x, y) in run {
                    XCTAssertTrue(x.isFinite && y.isFinite && x >= 0 && y >= 0 && x <= 960 && y <= 420, "\(name): \(x), \(y)")
                }
            }
        }
        let empty = parsed(charts[0].1.svg(), "empty")
        XCTAssertTrue(empty.texts.contains("no data"))
        let single = parsed(charts[2].1.svg(), "single point")
        XCTAssertEqual(single.all("polyline").count, 0)
        XCTAssertEqual(single.hoverTitles, ["a · x 0 · y 3"])
        XCTAssertEqual(single.all("circle").filter { $0.attributes["fill"] == "#0072B2" }.count, 1, "a lone point is drawn as a dot")
    }

    func testNonDrawablePointsBreakTheLine() {
        let ys = [1, 2, Double.nan, 4, 5, .infinity, 7, 8, -1, 9, 10]
        let linear = parsed(LineChart(title: "", x: Axis(title: "x"), y: Axis(title: "y"), series: [line("a", ys)]).svg(), "linear")
        XCTAssertEqual(polylinePoints(linear).map(\.count), [2, 2, 5], "nan and inf break the line, -1 does not")
        let log = parsed(LineChart(title: "", x: Axis(title: "x"), y: Axis(title: "y", scale: .log), series: [line("a", ys)]).svg(), "log")
        XCTAssertEqual(polylinePoints(log).map(\.count), [2, 2, 2, 2], "on a log axis -1 breaks it too")
        XCTAssertEqual(log.hoverTitles.count, 8, "one tooltip per drawn point")
    }

    func testLinesAreClippedToThePlot() {
        // A diverging loss on a fixed range: the line leaves the plot through its top edge.
        let chart = LineChart(title: "", x: Axis(title: "x"), y: Axis(title: "y", range: 0 ... 2),
                              series: [line("a", [1, 1.5, 1e30, 1e300, 1])])
        let svg = chart.svg()
        let document = parsed(svg, "clipped")
        let runs = polylinePoints(document)
        XCTAssertEqual(runs.count, 2)
        let ys = runs.flatMap { $0.map(\.1) }
        let top = ys.min() ?? 0
        XCTAssertTrue(ys.allSatisfy { $0 >= top && $0 < 420 }, "\(ys)")
        XCTAssertEqual(runs.first?.count, 3, "up to the top edge, where it is cut")
        XCTAssertEqual(runs.last?.count, 2, "down from the top edge to the last point")
        XCTAssertEqual(runs.first?.last?.1, runs.last?.first?.1, "both cut at the same edge")
        XCTAssertLessThan(svg.utf8.count, 20_000)
        XCTAssertEqual(document.all("clipPath").count, 1)
        let clipID = document.all("clipPath").first?.attributes["id"] ?? ""
        XCTAssertTrue(document.all("g").contains { $0.attributes["clip-path"] == "url(#\(clipID))" })
        XCTAssertEqual(document.hoverTitles, ["a · x 0 · y 1", "a · x 1 · y 1.5", "a · x 4 · y 1"], "no tooltip outside the plot")
    }

    func testTextIsEscaped() {
        let nasty = "a & b < c > \"d\" 'e' \u{1}"
        let chart = LineChart(title: nasty, x: Axis(title: nasty), y: Axis(title: nasty),
                              series: [ChartSeries(name: nasty, points: [ChartPoint(x: 1, y: 2, note: nasty), ChartPoint(x: 2, y: 3)])],
                              marked: [MarkedPoint(x: 1, y: 2, label: nasty)])
        let svg = chart.svg()
        XCTAssertFalse(svg.contains("a & b"))
        XCTAssertFalse(svg.contains("< c"))
        XCTAssertTrue(svg.contains("a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos; \u{FFFD}"))
        let document = parsed(svg, "escaped")
        let expected = "a & b < c > \"d\" 'e' \u{FFFD}"
        XCTAssertTrue(document.texts.contains(expected), "\(document.texts)")
        XCTAssertTrue(document.hoverTitles.contains("\(expected) · \(expected) 1 · \(expected) 2\n\(expected)"), "\(document.hoverTitles)")
        XCTAssertTrue(document.hoverTitles.contains("\(expected)\n\(expected) 1 · \(expected) 2"), "marked point")
        let heatmap = Heatmap(title: nasty, x: Axis(title: nasty, range: 0 ... 1), y: Axis(title: nasty, range: 0 ... 1), values: [[0.5]])
        XCTAssertTrue(parsed(heatmap.svg(), "heatmap").texts.contains(expected))
        XCTAssertEqual(SVG.escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;")
    }

    func testHoverTitlesCarryTheValues() {
        let chart = LineChart(title: "t", x: Axis(title: "epoch"), y: Axis(title: "loss (log scale)", scale: .log, name: "validation loss"),
                              series: [ChartSeries(name: "train", points: [ChartPoint(x: 0, y: 2.302585093), ChartPoint(x: 1, y: 0.25, note: "2 of 3 seeds"),
                                                                          ChartPoint(x: 2, y: 1e-7)], yName: "training loss"),
                                       ChartSeries(name: "", points: [ChartPoint(x: 0.5, y: 1234567)])])
        let document = parsed(chart.svg(), "hover")
        XCTAssertEqual(document.hoverTitles, ["train · epoch 0 · training loss 2.303", "train · epoch 1 · training loss 0.25\n2 of 3 seeds",
                                              "train · epoch 2 · training loss 1e-7", "epoch 0.5 · validation loss 1.235e6"])
        let circles = document.all("circle").filter { $0.attributes["r"] == "5" }
        XCTAssertEqual(circles.count, 4)
        XCTAssertTrue(circles.allSatisfy { document.elements[$0.parent ?? 0].attributes["fill-opacity"] == "0" }, "invisible")
        XCTAssertEqual(circles.map { $0.attributes["data-s"] ?? "" }, ["0", "0", "0", "1"], "each names its series for highlighting")
    }

    func testLongSeriesGetThinnedTooltips() {
        let long = line("long", (0 ..< 1_000).map { 1 + Double($0) })
        let document = parsed(LineChart(title: "", x: Axis(title: ""), y: Axis(title: ""), series: [long, line("short", [1, 2, 3])]).svg(), "long")
        let tooltips = document.hoverTitles.filter { $0.hasPrefix("long ·") }
        XCTAssertGreaterThanOrEqual(tooltips.count, 80)
        XCTAssertLessThanOrEqual(tooltips.count, 102)
        XCTAssertEqual(tooltips.first, "long · 0 · 1")
        XCTAssertEqual(tooltips.last, "long · 999 · 1000", "the last point keeps its tooltip")
        XCTAssertEqual(document.hoverTitles.filter { $0.hasPrefix("short ·") }.count, 3)
    }

    func testDivergedPointsAreDrawnInTheirBandAboveThePlot() {
        let chart = LineChart(title: "t", x: Axis(title: "lr", scale: .log), y: Axis(title: "loss", scale: .log),
                              series: [ChartSeries(name: "a", points: [ChartPoint(x: 0.01, y: 0.5), ChartPoint(x: 0.1, y: 0.1)], mark: .dot, colorIndex: 2)],
                              marked: [MarkedPoint(x: 1, y: .infinity, label: "lr=1 · seed 0 · diverged at epoch 2", colorIndex: 2),
                                       MarkedPoint(x: 1, y: .nan, label: "lr=1 · seed 2 · diverged at epoch 1", colorIndex: 2),
                                       MarkedPoint(x: 0.1, y: 0.2, label: "on the plot", colorIndex: 2)])
        let document = parsed(chart.svg(), "diverged")
        XCTAssertTrue(document.texts.contains("diverged"), "the band is labelled")
        XCTAssertTrue(document.texts.contains("diverged (band above the plot)"), "legend entry")
        XCTAssertFalse(document.texts.contains { $0.hasPrefix("off the scale") })
        let band = try? XCTUnwrap(document.all("rect").first { $0.attributes["fill"] == "#F7ECEC" })
        let bandBottom = (Double(band?.attributes["y"] ?? "") ?? 0) + (Double(band?.attributes["height"] ?? "") ?? 0)
        let hover = document.all("circle").filter { $0.attributes["r"] == "6" }
        XCTAssertEqual(hover.count, 3)
        let tops = hover.prefix(2).compactMap { Double($0.attributes["cy"] ?? "") }
        XCTAssertEqual(tops.count, 2)
        XCTAssertTrue(tops.allSatisfy { $0 < bandBottom }, "inside the band, outside the plot")
        let plotTop = document.all("rect").filter { document.parentName($0) == "clipPath" }.compactMap { Double($0.attributes["y"] ?? "") }.first ?? 0
        XCTAssertLessThan(bandBottom, plotTop + 0.01, "the band is above the plot area")
        XCTAssertNotEqual(tops.first, tops.last, "stacked, not on top of each other")
        XCTAssertEqual(document.hoverTitles.filter { $0.contains("diverged at") },
                       ["lr=1 · seed 0 · diverged at epoch 2", "lr=1 · seed 2 · diverged at epoch 1"])
        XCTAssertTrue(document.hoverTitles.contains("on the plot\nlr 0.1 · loss 0.2"))
        // The legend's cross has the colour the crosses are drawn in.
        let crosses = document.all("path").filter { $0.attributes["stroke"] == SVG.palette[2] }
        XCTAssertEqual(crosses.count, 4, "three crosses and the legend's")
        XCTAssertFalse(document.texts.contains("inf"))
    }

    func testLegendsAreNeverCut() {
        let series = (0 ..< 60).map { line("series number \($0)", [1, 2]) }
        let document = parsed(LineChart(title: "", x: Axis(title: ""), y: Axis(title: ""), series: series).svg(), "crowded")
        XCTAssertFalse(document.texts.contains { $0.hasSuffix(" more") })
        XCTAssertEqual(document.texts.filter { $0.hasPrefix("series number ") }.count, 60, "every entry is shown")
        let height = Double(document.all("svg").first?.attributes["height"] ?? "") ?? 0
        let lowest = document.all("text").compactMap { Double($0.attributes["y"] ?? "") }.max() ?? 0
        XCTAssertLessThan(lowest, height, "the chart grew to hold them")
    }

    func testLogAxisTicksAndLabels() {
        let chart = LineChart(title: "", x: Axis(title: "x"), y: Axis(title: "loss", scale: .log),
                              series: [line("a", [2, 0.5, 0.03, 0.004])])
        let document = parsed(chart.svg(), "log")
        for label in ["0.001", "0.01", "0.1", "1", "10"] {
            XCTAssertTrue(document.texts.contains(label), label)
        }
        XCTAssertFalse(document.texts.contains("0.0001"), "range rounded out to the powers of ten around the data only")
        // Evenly spaced powers of ten.
        let ys = ["0.001", "0.01", "0.1", "1", "10"].compactMap { label in
            document.all("text").first { $0.text == label && $0.attributes["text-anchor"] == "end" }.flatMap { Double($0.attributes["y"] ?? "") }
        }
        XCTAssertEqual(ys.count, 5)
        let gaps = zip(ys, ys.dropFirst()).map { $0 - $1 }
        XCTAssertTrue(gaps.allSatisfy { abs($0 - gaps[0]) < 0.02 && $0 > 20 }, "\(gaps)")
    }

    func testWideLogAxesUseSuperscriptPowers() {
        let chart = LineChart(title: "", x: Axis(title: "x", scale: .log), y: Axis(title: "y", scale: .log),
                              series: [ChartSeries(name: "a", points: [ChartPoint(x: 0.001, y: 1e-6), ChartPoint(x: 10, y: 1)])])
        let document = parsed(chart.svg(), "superscripts")
        let superscripts = document.all("tspan").filter { document.elements[$0.parent ?? 0].attributes["text-anchor"] == "end" }
        XCTAssertEqual(superscripts.map(\.text), ["\u{2212}6", "\u{2212}5", "\u{2212}4", "\u{2212}3", "\u{2212}2", "\u{2212}1", "0"])
        XCTAssertTrue(superscripts.allSatisfy { document.parentName($0) == "text" && $0.attributes["dy"] == "-5" })
        XCTAssertFalse(document.texts.contains("1e-6"))
        let xLabels = document.all("text").filter { $0.attributes["text-anchor"] == "middle" && $0.attributes["font-size"] == nil }
        XCTAssertEqual(xLabels.map(\.text), ["0.001", "0.01", "0.1", "1", "10"], "no exponent needed: plain decimals")
    }

    func testColoursAndLegend() {
        let series = (0 ..< 9).map { line("s\($0)", [Double($0), Double($0) + 1]) } + [ChartSeries(name: "d", points: [], dashed: true)]
        let document = parsed(LineChart(title: "", x: Axis(title: ""), y: Axis(title: ""), series: series).svg(), "colours")
        let lines = document.all("polyline")
        XCTAssertEqual(lines.map { $0.attributes["stroke"] ?? "" }, (0 ..< 9).map { SVG.palette[$0 % 7] })
        XCTAssertFalse(SVG.palette.contains("#F0E442"), "pale yellow left out of the line colours")
        XCTAssertNil(lines[0].attributes["stroke-dasharray"])
        XCTAssertNotNil(lines[7].attributes["stroke-dasharray"], "second pass through the palette is dashed")
        XCTAssertEqual(document.texts.filter { $0.hasPrefix("s") || $0 == "d" }, (0 ..< 9).map { "s\($0)" } + ["d"])
        let legendLines = document.all("line").filter { $0.attributes["stroke-width"] == "2" }
        XCTAssertEqual(legendLines.count, 10)
        XCTAssertNotNil(legendLines[9].attributes["stroke-dasharray"], "a dashed series has a dashed sample")
        // The legend sits right of the plot: its samples start right of every line point.
        let rightmost = polylinePoints(document).flatMap { $0.map(\.0) }.max() ?? 0
        XCTAssertTrue(legendLines.allSatisfy { (Double($0.attributes["x1"] ?? "") ?? 0) > rightmost })
    }

    func testOutputIsDeterministicAndIDsDiffer() {
        let a = LineChart(title: "a", x: Axis(title: "x"), y: Axis(title: "y"), series: [line("a", [1, 2, 3])])
        var b = a
        b.title = "b"
        XCTAssertEqual(a.svg(), a.svg())
        let idA = parsed(a.svg(), "a").all("clipPath").first?.attributes["id"]
        let idB = parsed(b.svg(), "b").all("clipPath").first?.attributes["id"]
        XCTAssertNotNil(idA)
        XCTAssertNotEqual(idA, idB, "charts inlined in one page must not share clip ids")
        XCTAssertFalse(a.svg().contains("0.30000000000000004"))
    }

    /// The heatmap's cells: per colour path, its rectangles (x, y, width,
    /// height) in pixels, through the group's "translate(x y) scale(sx sy)"
    /// ("scale(s)" when sx = sy).
    private func cellRuns(_ document: ParsedSVG) -> [(fill: String, rects: [[Double]])] {
        document.all("path").filter { document.elements[$0.parent ?? 0].attributes["shape-rendering"] == "crispEdges" }.map { path in
            var transform = (document.elements[path.parent ?? 0].attributes["transform"] ?? "translate(0 0) scale(1 1)")
                .split(whereSeparator: { "() ".contains($0) }).compactMap { Double($0) }
            if transform.count == 3 { transform.append(transform[2]) }
            XCTAssertEqual(transform.count, 4, "translate(x y) scale(sx sy) or scale(s)")
            let (dx, dy, sx, sy) = (transform[0], transform[1], transform[2], transform[3])
            let rects = (path.attributes["d"] ?? "").split(separator: "z").map { piece -> [Double] in
                // "Mx,yhWvHh-Wz"
                let numbers = piece.split(whereSeparator: { "Mhv,".contains($0) }).compactMap { Double($0) }
                guard numbers.count >= 4 else { return numbers }
                return [dx + sx * numbers[0], dy + sy * numbers[1], sx * numbers[2], sy * numbers[3]]
            }
            return (path.attributes["fill"] ?? "", rects)
        }
    }

    func testHeatmapTwoClasses() {
        let values: [[Double]] = [[0, 0, 0.5, 1], [0, 0.5, 1, 1], [.nan, 1, 1, 1]]
        let heatmap = Heatmap(title: "boundary", x: Axis(title: "x1", range: 0 ... 4), y: Axis(title: "x2", range: 0 ... 3),
                              values: values, classes: 2, points: [(1, 1, 0), (3, 2, 1), (9, 9, 1), (.nan, 0, 0)])
        let document = parsed(heatmap.svg(), "two classes")
        let cells = cellRuns(document)
        let blue = SVG.lighten("#0072B2", 0.5), orange = SVG.lighten("#E69F00", 0.5)
        // Row 0 at the bottom: runs [0 0][0.5][1] · [0][0.5][1 1] · [nan][1 1 1].
        XCTAssertEqual(cells.map(\.fill), [SVG.hex(blue.0, blue.1, blue.2), "#FFFFFF", SVG.hex(orange.0, orange.1, orange.2), "#DDDDDD"],
                       "0 blue, 0.5 white, 1 orange, nan grey")
        XCTAssertEqual(cells.map(\.rects.count), [2, 2, 3, 1])
        XCTAssertTrue(cells.allSatisfy { $0.rects.allSatisfy { $0.count == 4 } })
        let blueRuns = cells[0].rects, orangeRuns = cells[2].rects
        XCTAssertEqual(blueRuns[0][2], 2 * blueRuns[1][2], accuracy: 0.02, "two equal neighbours merge into one rectangle")
        XCTAssertGreaterThan(blueRuns[0][1], orangeRuns[2][1], "row 0 is drawn at the bottom")
        XCTAssertEqual(blueRuns[0][0], orangeRuns[2][0] - (orangeRuns[2][2] / 3), accuracy: 0.02, "the nan cell starts the top row")
        // The grid covers the plot's range: x1 from 0 to 4, the x axis's ticks 0 and 4.
        let rects = cells.flatMap(\.rects)
        func xTick(_ label: String) -> Double? {
            document.all("text").first { $0.text == label && $0.attributes["text-anchor"] == "middle" }.flatMap { Double($0.attributes["x"] ?? "") }
        }
        if let zero = xTick("0"), let four = xTick("4") {
            XCTAssertEqual(rects.map { $0[0] }.min()!, zero, accuracy: 0.02, "the grid starts at x1 = 0")
            XCTAssertEqual(rects.map { $0[0] + $0[2] }.max()!, four, accuracy: 0.02, "the grid ends at x1 = 4")
        } else {
            XCTFail("x ticks 0 and 4")
        }
        // The points inside the range, with their class colours and a dark outline.
        let dots = document.all("circle").filter { $0.attributes["r"] == "3.5" }
        XCTAssertEqual(dots.map { $0.attributes["fill"] ?? "" }, ["#0072B2", "#E69F00"])
        XCTAssertTrue(dots.allSatisfy { document.elements[$0.parent ?? 0].attributes["stroke"] == "#1A1A1A" })
        XCTAssertEqual(document.titles.filter { $0.hasPrefix("class") }, ["class 0 · training · x1 1 · x2 1", "class 1 · training · x1 3 · x2 2"])
        XCTAssertTrue(document.texts.contains("class 0") && document.texts.contains("class 1"), "legend")
        XCTAssertTrue(document.texts.contains("0") && document.texts.contains("4"), "x ticks")
    }

    func testHeatmapThreeClassesAndLargeGrids() {
        let values: [[Double]] = [[0, 1, 2, 7, .infinity]]
        let document = parsed(Heatmap(title: "", x: Axis(title: "", range: 0 ... 5), y: Axis(title: "", range: 0 ... 1), values: values,
                                      classes: 3, points: [(0.5, 0.5, 2), (1.5, 0.5, 5)]).svg(), "three classes")
        let expected = (0 ..< 3).map { k -> String in
            let c = SVG.lighten(SVG.palette[k], 0.5)
            return SVG.hex(c.0, c.1, c.2)
        }
        XCTAssertEqual(cellRuns(document).map(\.fill), expected + ["#DDDDDD"], "class 7 and inf are not classes")
        XCTAssertEqual(cellRuns(document).map(\.rects.count), [1, 1, 1, 1], "equal neighbours merge")
        XCTAssertEqual(document.all("circle").filter { $0.attributes["r"] == "3.5" }.map { $0.attributes["fill"] ?? "" }, [SVG.palette[2], "#888888"])
        XCTAssertTrue(document.texts.contains("class 2"))

        let big = Heatmap(title: "", x: Axis(title: "", range: 0 ... 1), y: Axis(title: "", range: 0 ... 1),
                          values: (0 ..< 300).map { row in (0 ..< 300).map { Double(($0 + row) % 2) } })
        let runs = cellRuns(parsed(big.svg(), "big")).map(\.rects.count).reduce(0, +)
        XCTAssertEqual(runs, 100 * 100, "sampled down to 100 × 100 cells (a checkerboard: no merging)")
        let empty = Heatmap(title: "", x: Axis(title: ""), y: Axis(title: ""), values: [], classes: 2, points: [])
        _ = parsed(empty.svg(), "empty heatmap")
    }

    func testNumberTextForPeople() {
        let cases: [(Double, Int, String)] = [
            (2.302585093, 6, "2.30259"), (1234567, 6, "1.23457e6"), (999999.7, 6, "1e6"), (-0.000123456, 3, "-1.23e-4"),
            (0.0123456, 2, "0.012"), (100, 6, "100"), (-0.0, 6, "0"), (.infinity, 6, "inf"), (.nan, 6, "nan"),
        ]
        for (value, digits, text) in cases {
            XCTAssertEqual(SVG.number(value, significantDigits: digits), text, "\(value)")
        }
        XCTAssertEqual(SVG.f(12.5), "12.5")
        XCTAssertEqual(SVG.f(-0.001), "0")
        XCTAssertEqual(SVG.f(3), "3")
        XCTAssertEqual(SVG.f(1.005), "1", "2 decimals")
    }

    /// The fast rounding of `SVG.number` and `SVG.f` gives printf's digits: the
    /// exact value rounded to nearest, ties to even, whatever the magnitude.
    func testRoundedDigitsArePrintfs() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.125, 0.375, 2.5, 3.5, 9.9996, 9.99949999, 999.95, 0.00099995, 1e-300, .leastNonzeroMagnitude, 1.7e308, 1, 10, 1e22, 1e23, 123456.5]
        for _ in 0 ..< 6_000 {
            let exponent = Double.random(in: -30 ... 30, using: &generator)
            values.append(Foundation.pow(10, exponent) * Double.random(in: 1 ... 10, using: &generator))
            // Decimal-looking values, the ones near ties.
            values.append(Double(Int.random(in: 1 ... 99_999, using: &generator)) / [1, 10, 100, 1000, 10_000][Int.random(in: 0 ... 4, using: &generator)])
        }
        // Exact ties and near-ties of two decimals: k/8, k/1000 (pixel coordinates).
        for k in 0 ..< 2_000 { values += [Double(k) / 8, Double(k) / 1000, Double(k) * 0.005, Double(k) / 8 + 1e-12] }
        for value in values {
            for scaled in [value, -value] {
                var printf = String(format: "%.2f", scaled)
                if printf.contains(".") {
                    while printf.hasSuffix("0") { printf.removeLast() }
                    if printf.hasSuffix(".") { printf.removeLast() }
                }
                XCTAssertEqual(SVG.f(scaled), printf == "-0" ? "0" : printf, "SVG.f(\(scaled))")
            }
            for digits in 1 ... 17 {
                let printf = String(format: "%.\(digits - 1)e", value)
                let e = printf.firstIndex(of: "e")!
                let expected = (printf[..<e].filter { $0 != "." }, Int(printf[printf.index(after: e)...])!)
                let found = SVG.roundedDigits(value, digits)
                XCTAssertTrue(found?.digits == expected.0 && found?.exponent == expected.1,
                              "\(value) to \(digits) digits: \(String(describing: found)), printf \(printf)")
            }
        }
    }

    /// `SVG.number` lays out printf's rounded digits (`%.(d−1)e`), and
    /// `ReportNumber.fixed` is `%.(d)f` with its trailing zeros trimmed, for
    /// values of every magnitude, ties and near-ties among them.
    func testNumberAndFixedArePrintfsDigitsLaidOut() {
        func layout(_ value: Double, _ digits: Int) -> String {
            let printf = String(format: "%.\(digits - 1)e", abs(value))
            let e = printf.firstIndex(of: "e")!
            var significand = printf[..<e].filter { $0 != "." }
            let exponent = Int(printf[printf.index(after: e)...])!
            while significand.count > 1, significand.hasSuffix("0") { significand.removeLast() }
            let sign = value < 0 ? "-" : "", chars = Array(significand)
            guard exponent >= -3, exponent < 6 else {
                return sign + String(chars[0]) + (chars.count > 1 ? "." + String(chars[1...]) : "") + "e\(exponent)"
            }
            if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + significand }
            if chars.count <= exponent + 1 { return sign + significand + String(repeating: "0", count: exponent + 1 - chars.count) }
            return sign + String(chars[...exponent]) + "." + String(chars[(exponent + 1)...])
        }
        func fixed(_ value: Double, _ decimals: Int) -> String {
            var printf = String(format: "%.\(decimals)f", value)
            if printf.contains(".") {
                while printf.hasSuffix("0") { printf.removeLast() }
                if printf.hasSuffix(".") { printf.removeLast() }
            }
            return printf == "-0" ? "0" : printf
        }
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.125, 0.375, 2.5, 9.9996, 999.95, 0.00099995, 999_999.5, 1e-300, .leastNonzeroMagnitude, 1.7e308, 1, 10, 1e22, 1e23, 2.2250738585072014e-308, Double.leastNormalMagnitude / 64]
        for _ in 0 ..< 3_000 {
            values.append(Foundation.pow(10, Double.random(in: -30 ... 30, using: &generator)) * Double.random(in: 1 ... 10, using: &generator))
            values.append(Double(Int.random(in: 1 ... 99_999, using: &generator)) / [1, 10, 100, 1000, 10_000, 1e6][Int.random(in: 0 ... 5, using: &generator)])
        }
        for k in 0 ..< 1_000 { values += [Double(k) / 8, Double(k) / 1024, Double(k) * 0.0005] }
        for magnitude in values {
            for value in [magnitude, -magnitude] {
                for digits in 1 ... 17 {
                    XCTAssertEqual(SVG.number(value, significantDigits: digits), value == 0 ? "0" : layout(value, digits), "\(value) to \(digits) digits")
                }
                for decimals in 0 ... 10 {
                    XCTAssertEqual(ReportNumber.fixed(value, decimals: decimals), fixed(value, decimals), "\(value) with \(decimals) decimals")
                }
            }
        }
        XCTAssertEqual(ReportNumber.fixed(.nan, decimals: 2), "nan")
    }

    /// Printable ASCII is measured byte by byte, as the character-by-character definition measures it.
    func testTextWidthOfASCIIIsPerCharacter() {
        func reference(_ text: String) -> Double {
            text.reduce(0.0) { ems, character in
                switch character {
                case " ", ".", ",", ":", ";", "i", "j", "l", "I", "|", "!", "'", "(", ")", "[", "]", "f", "t", "r": return ems + 0.33
                case "m", "w", "M", "W", "—", "…": return ems + 0.89
                default: return ems + (character.isUppercase ? 0.69 : 0.57)
                }
            } * 12
        }
        let alphabet: [Character] = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~") + ["·", "—", "é", "\r\n", "\t"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 2_000 {
            let text = String((0 ..< Int.random(in: 0 ... 20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            XCTAssertEqual(SVG.textWidth(text, fontSize: 12), reference(text), accuracy: 1e-9, text)
        }
    }

    func testEscapeLeavesPlainTextAndEscapesTheRest() {
        XCTAssertEqual(SVG.escape("learning_rate=0.1, seed 2 · épsilon"), "learning_rate=0.1, seed 2 · épsilon")
        XCTAssertEqual(SVG.escape("a\u{FFFE}b\u{FFFF}c\u{FFFD}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        XCTAssertEqual(SVG.escape("x\ty\n"), "x\ty\n")
        // Byte by byte, as the definition (scalar by scalar) escapes, on random text.
        func reference(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default: out += scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? "\u{FFFD}" : String(scalar)
                }
            }
            return out
        }
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\u{1}", "\u{1F}", "·", "é",
                                          "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{EFBF}", "\u{F0BF}", "😀", "—"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 2_000 {
            var text = ""
            for _ in 0 ..< Int.random(in: 0 ... 12, using: &generator) { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            XCTAssertEqual(SVG.escape(text), reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            XCTAssertEqual(text.trimmingNewlines, text.trimmingCharacters(in: .newlines))
        }
        XCTAssertEqual("\u{2028}\n x \u{85}\r\n".trimmingNewlines, " x ")
        XCTAssertEqual(SVG.hex(0, 127.6, 255.4), "#0080FF")
        XCTAssertEqual(SVG.hex(-3, 300, 10), "#00FF0A")
    }
}

/// Tick values and labels.
final class TickTests: XCTestCase {
    func testLinearTicks() {
        let cases: [(Double, Double, [Double])] = [
            (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
            (0, 97, [0, 20, 40, 60, 80, 100]),
            (-3, 3, [-4, -2, 0, 2, 4]),
            (3, -3, [-4, -2, 0, 2, 4]),
            (0, 12, [0, 2.5, 5, 7.5, 10, 12.5]),
            (0.1, 0.7, [0, 0.2, 0.4, 0.6, 0.8]),
            (1e-9, 3e-9, [1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9]),
            (0, 0, [-1, -0.5, 0, 0.5, 1]),
            (1e300, 3e300, [1e300, 1.5e300, 2e300, 2.5e300, 3e300]),
            (-7.3, -2.1, [-8, -6, -4, -2]),
        ]
        for (low, high, expected) in cases {
            XCTAssertEqual(Ticks.linear(low, high), expected, "linear(\(low), \(high))")
        }
        let flat = Ticks.linear(5, 5)
        XCTAssertFalse(flat.isEmpty)
        XCTAssertTrue(flat.contains(5))
        XCTAssertLessThan(flat.first ?? 5, 5)
        XCTAssertGreaterThan(flat.last ?? 5, 5)
        XCTAssertEqual(Ticks.linear(0, 10, target: 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        XCTAssertEqual(Ticks.linear(.nan, 1), [])
        XCTAssertEqual(Ticks.linear(0, .infinity), [])
    }

    func testLinearTicksAlwaysCoverAndStaySmall() {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var ranges: [(Double, Double)] = [(-.greatestFiniteMagnitude, .greatestFiniteMagnitude), (0, .leastNonzeroMagnitude),
                                          (1, 1 + Double.ulpOfOne), (1e15, 1e15 + 1), (.greatestFiniteMagnitude, .greatestFiniteMagnitude)]
        for _ in 0 ..< 2_000 {
            let scale = pow(10, (next() * 40 - 20).rounded())
            let a = (next() * 2 - 1) * scale, b = next() < 0.1 ? a : (next() * 2 - 1) * scale
            ranges.append((a, b))
        }
        for (n, (a, b)) in ranges.enumerated() {
            for target in [1, 5, 10] {
                let ticks = Ticks.linear(a, b, target: target)
                let label = "linear(\(a), \(b), target: \(target)) = \(ticks)"
                XCTAssertFalse(ticks.isEmpty, label)
                XCTAssertLessThanOrEqual(ticks.count, target + 2, label)
                XCTAssertTrue(zip(ticks, ticks.dropFirst()).allSatisfy { $0 < $1 }, label)
                XCTAssertLessThanOrEqual(ticks.first ?? .infinity, min(a, b), label)
                XCTAssertGreaterThanOrEqual(ticks.last ?? -.infinity, max(a, b), label)
                XCTAssertTrue(ticks.allSatisfy(\.isFinite), label)
                if n >= 5, abs(a - b) > 0.1 * max(abs(a), abs(b)) {   // not the extremes listed first
                    XCTAssertTrue(ticks.allSatisfy { Ticks.label($0).count <= 10 }, "short labels: \(ticks.map(Ticks.label))")
                }
            }
        }
    }

    func testLogTicks() {
        let cases: [(Double, Double, [Double])] = [
            (0.001, 10, [0.001, 0.01, 0.1, 1, 10]),
            (0.5, 3, [0.1, 0.2, 0.5, 1, 2, 5, 10]),
            (1, 100, [1, 2, 5, 10, 20, 50, 100]),
            (1, 1, [0.1, 0.2, 0.5, 1, 2, 5, 10]),
            (0.0123, 45_678, [0.01, 0.1, 1, 10, 100, 1_000, 10_000, 100_000]),
            (1, 1e8, [1, 1e2, 1e4, 1e6, 1e8]),
            (1e-300, 1e300, [1e-300, 1e-200, 1e-100, 1, 1e100, 1e200, 1e300]),
            (0, 10, []), (-1, 10, []), (1, .infinity, []), (.nan, 1, []),
        ]
        for (low, high, expected) in cases {
            XCTAssertEqual(Ticks.log(low, high), expected, "log(\(low), \(high))")
        }
        let wide = Ticks.log(Double.leastNonzeroMagnitude, .greatestFiniteMagnitude)
        XCTAssertFalse(wide.isEmpty)
        XCTAssertLessThanOrEqual(wide.count, 10)
        XCTAssertTrue(wide.allSatisfy { $0 > 0 && $0.isFinite })
    }

    func testLabels() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (0.001, "0.001"), (0.25, "0.25"), (1e-5, "1e-5"), (100_000, "100000"),
            (0.30000000000000004, "0.3"), (1e6, "1e6"), (2.5e-7, "2.5e-7"), (-3, "-3"), (12.5, "12.5"),
            (0.0001, "1e-4"), (1e300, "1e300"), (1.5e300, "1.5e300"), (0.1 + 0.7, "0.8"), (.nan, "nan"), (-.infinity, "-inf"),
        ]
        for (value, text) in cases {
            XCTAssertEqual(Ticks.label(value), text, "\(value)")
        }
        // Every tick of a range is labelled without noise.
        for tick in Ticks.linear(0, 0.7, target: 7) {
            XCTAssertLessThanOrEqual(Ticks.label(tick).count, 3, "\(tick)")
        }
    }
}
