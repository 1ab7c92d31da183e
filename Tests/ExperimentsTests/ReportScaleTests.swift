import Foundation
import XCTest
@testable import Experiments

/// What a reader of a long run or a big sweep relies on: a chart's size is
/// bounded by its width, not by epochs, and still passes through every pixel
/// column's true extremes with real values on hover; a report of thousands of
/// grid points stays a few hundred kB and says what it leaves out; small
/// sweeps are drawn and tabled whole.
final class ReportScaleTests: XCTestCase {
    /// A deterministic value in [0, 1) for an index (a 64-bit mix, SplitMix64's finalizer).
    static func noise(_ index: Int) -> Double {
        var z = UInt64(truncatingIfNeeded: index) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }

    // MARK: - Decimation

    /// Against brute force: in every run of vertices in one pixel column, the
    /// first, the last and the least and greatest y are kept, at most four, in
    /// order; the first vertex of each break is kept.
    func testDecimationKeepsEachColumnsFirstLastLeastAndGreatest() {
        let pixels: [(Double, Double)?] = (0 ..< 5000).map { i in
            i % 997 == 13 || i % 997 == 14 ? nil : (Double(i) * 0.137, 100 * Self.noise(i))
        }
        let kept = PixelDecimation.kept(pixels)
        XCTAssertEqual(kept, kept.sorted())
        XCTAssertEqual(Set(kept).count, kept.count)
        let keptSet = Set(kept)
        var start = 0
        while start < pixels.count {
            guard let (x0, _) = pixels[start] else {
                XCTAssertEqual(keptSet.contains(start), start == 0 || pixels[start - 1] != nil, "break at \(start)")
                start += 1
                continue
            }
            var end = start
            while end + 1 < pixels.count, let (x, _) = pixels[end + 1], floor(x) == floor(x0) { end += 1 }
            let run = Array(start ... end)
            let ys = run.map { pixels[$0]!.1 }
            let least = run[ys.firstIndex(of: ys.min()!)!], greatest = run[ys.firstIndex(of: ys.max()!)!]
            for index in [start, end, least, greatest] { XCTAssert(keptSet.contains(index), "column of \(start)…\(end): \(index)") }
            XCTAssertLessThanOrEqual(run.filter(keptSet.contains).count, 4)
            start = end + 1
        }
        XCTAssertLessThan(kept.count, 5000 * 4 / 7)
    }

    /// A million epochs draw into a chart of bounded size whose polyline, in
    /// every pixel column, reaches the column's true least and greatest value;
    /// each hover tooltip shows a value of the curve at its epoch.
    func testAMillionEpochCurveIsBoundedAndPassesThroughEveryColumnsExtremes() throws {
        let epochs = 1_000_000
        // A falling loss with noise and two spikes that a sampling would miss.
        func loss(_ epoch: Int) -> Double {
            if epoch == 123_457 { return 0.99 }
            if epoch == 654_321 { return 0.01 }
            return 0.2 + 0.5 * exp(-Double(epoch) / 200_000) + 0.05 * Self.noise(epoch)
        }
        let points = (0 ... epochs).map { ChartPoint(x: Double($0), y: loss($0)) }
        let chart = LineChart(title: "loss", x: Axis(title: "epoch", range: 0 ... Double(epochs), integerTicks: true, name: "epoch"),
                              y: Axis(title: "loss", range: 0 ... 1, name: "loss"), series: [ChartSeries(name: "run", points: points)])
        let svg = chart.svg()
        XCTAssertLessThan(svg.utf8.count, 100_000, "an SVG bounded by the chart's width")

        // The plot area from the clip path; the polyline's vertices.
        let rect = try XCTUnwrap(svg.firstMatch(of: #/<clipPath id="[^"]+"><rect x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" height="([0-9.]+)"\/>/#))
        let (left, top, width, height) = (Double(rect.1)!, Double(rect.2)!, Double(rect.3)!, Double(rect.4)!)
        let polylines = svg.matches(of: #/<polyline points="([^"]+)"/#).map { String($0.1) }
        XCTAssertEqual(polylines.count, 1)
        let vertices = polylines[0].split(separator: " ").map { pair -> (Double, Double) in
            let xy = pair.split(separator: ",")
            return (Double(xy[0])!, Double(xy[1])!)
        }
        XCTAssertLessThanOrEqual(vertices.count, 4 * (Int(width) + 2))
        let drawn = Set(vertices.map { "\(SVG.f($0.0)),\(SVG.f($0.1))" })
        // The vertices of each column's true extremes, mapped as the chart maps them.
        var extremes: [Int: (low: (Double, Double), high: (Double, Double))] = [:]
        for epoch in 0 ... epochs {
            let px = left + Double(epoch) / Double(epochs) * width, py = top + height - loss(epoch) * height
            let column = Int(floor(px))
            let e = extremes[column] ?? ((px, py), (px, py))
            extremes[column] = (py < e.low.1 ? (px, py) : e.low, py > e.high.1 ? (px, py) : e.high)
        }
        XCTAssertGreaterThan(extremes.count, 500)
        for (column, e) in extremes {
            for (px, py) in [e.low, e.high] {
                XCTAssert(drawn.contains("\(SVG.f(px)),\(SVG.f(py))"), "column \(column): its extreme at (\(px), \(py)) is drawn")
            }
        }
        XCTAssert(drawn.contains { $0.hasSuffix("," + SVG.f(top + height - 0.99 * height)) }, "the spike up")
        XCTAssert(drawn.contains { $0.hasSuffix("," + SVG.f(top + height - 0.01 * height)) }, "the spike down")

        let tooltips = svg.matches(of: #/<title>run · epoch ([0-9]+) · loss ([0-9.e-]+)<\/title>/#)
        XCTAssertGreaterThan(tooltips.count, 10)
        for tip in tooltips {
            let epoch = try XCTUnwrap(Int(String(tip.1)), "a whole epoch: \(tip.1)")
            XCTAssertEqual(String(tip.2), SVG.number(loss(epoch), significantDigits: 4), "epoch \(epoch)")
        }
    }

    /// The index's chart of a 100,000-epoch run comes from the curve in memory
    /// (the folder does not exist), names the real last epoch, stays bounded by
    /// its 140 pixel columns and keeps the lowest loss.
    func testTheIndexSparklineOfALongRunIsBoundedAndKeepsItsLowestLoss() throws {
        let epochs = 100_000
        let curve = (0 ... epochs).map { epoch in
            EpochRecord(epoch: epoch, trainLoss: epoch == 77_777 ? 0.001 : 0.1 + 0.9 * exp(-Double(epoch) / 20_000) + 0.01 * Self.noise(epoch),
                        validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, gradientNorms: nil)
        }
        let training = TrainingConfig(epochs: epochs, batchSize: .samples(8), shuffle: true, divergenceFactor: 1e4, earlyStopping: nil)
        let run = RunSummary(run: "seed=0", sweepLabels: [], seed: 0, training: training, curve: curve)
        let results = ResultsFolder(folder: ExperimentFolder(path: "/nowhere"), name: "long", description: nil, sweepPaths: [], runs: [run],
                                    curves: ["seed=0": curve])
        let point = try XCTUnwrap(GridPoint.points(of: results).first)
        let svg = IndexPage.sparkline(point, results: results)
        XCTAssert(svg.contains("training loss from 1.0"), svg)
        XCTAssert(svg.contains(" at epoch 100000</title>"), svg)
        let vertices = try XCTUnwrap(svg.firstMatch(of: #/points="([^"]+)"/#)).1.split(separator: " ")
        XCTAssertLessThanOrEqual(vertices.count, 4 * 137)
        XCTAssert(vertices.contains { $0.hasSuffix(",31") }, "the lowest loss, at the bottom (y = 34 − 3)")
        var withoutCurves = results
        withoutCurves.curves = [:]
        XCTAssertEqual(IndexPage.sparkline(point, results: withoutCurves), "", "nothing on disk to read")
    }

    /// `SVG.f` (and `SVG.appendF`) gives `%.2f` trimmed of trailing zeros, ties and large values included.
    func testPixelCoordinatesAreRoundedAsPrintfDoes() {
        func reference(_ value: Double) -> String {
            var text = String(format: "%.2f", value)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text == "-0" ? "0" : text
        }
        var values: [Double] = [0, -0.0, 0.005, 0.015, 0.125, -0.125, 2.675, 1.005, 12.5, -3, 0.001, -0.004, 99.995, 1e15, -2.5e17, 1e-300]
        values += (0 ..< 20000).map { (Self.noise($0) - 0.3) * pow(10, Double($0 % 9) - 3) }
        values += (0 ..< 2000).map { Double($0) / 200 - 5 }   // every tie of the third decimal
        for value in values { XCTAssertEqual(SVG.f(value), reference(value), "\(value)") }
        // Appended as bytes (charts' vertices and points): the same digits.
        var bytes: [UInt8] = Array("x".utf8)
        for value in values + [.nan, 1e300, .infinity, -.infinity] {
            bytes.removeSubrange(1...)
            SVG.appendF(value, to: &bytes)
            XCTAssertEqual(String(decoding: bytes.dropFirst(), as: UTF8.self), SVG.f(value), "\(value)")
        }
    }

    // MARK: - Many grid points

    /// numpy.percentile's default (linear) on hand values.
    func testPercentilesInterpolateBetweenOrderStatistics() {
        let values = [1.0, 2, 3, 4]
        XCTAssertEqual(ManyGridPoints.percentile(values, 0.25), 1.75)
        XCTAssertEqual(ManyGridPoints.percentile(values, 0.5), 2.5)
        XCTAssertEqual(ManyGridPoints.percentile(values, 0.9), 3.7, accuracy: 1e-12)
        XCTAssertEqual(ManyGridPoints.percentile([5], 0.1), 5)
        XCTAssertEqual(ReportNumber.grouped(2500), "2,500")
        XCTAssertEqual(ReportNumber.grouped(1_000_000), "1,000,000")
        XCTAssertEqual(ReportNumber.grouped(999), "999")
    }

    /// 2,500 grid points × 4 seeds: report.html stays well under 4 MB, the
    /// table lists the best 25 and the worst 5 and says summary.csv has every
    /// run, the curves show the best, median and worst over the spread, and
    /// the page says so; the same results give the same bytes.
    func testTenThousandRunsGiveABoundedReportThatSaysWhatItLeavesOut() throws {
        let rates = (0 ..< 50).map { String(format: "%.6g", 0.01 * pow(1000, Double($0) / 49)) }
        let noises = (0 ..< 50).map { String(Double($0) / 100) }
        let results = ReportStructureTests.results(paths: ["optimizer.learning_rate", "data.noise"], axes: [rates, noises], seeds: 4,
                                                   floor: { labels, seed in 0.01 + Double(labels[1])! + 0.001 * Double(seed) / Double(labels[0])! },
                                                   diverges: { labels, seed in labels[0] == rates.last && seed == 0 })
        XCTAssertEqual(results.runs.count, 10_000)
        let report = Report(results)
        XCTAssert(report.summaryLine.hasPrefix("10,000 runs; best "), report.summaryLine)
        let html = report.html()
        XCTAssertLessThan(html.utf8.count, 1_500_000, "report.html of 10,000 runs")
        XCTAssert(html.contains("… 2,470 more grid points: every one is in summary.csv"))
        XCTAssert(html.contains("2,500 grid points: the table lists the 25 best and the 5 worst by mean final validation loss, best first; summary.csv has every run (10,000 rows)."))
        XCTAssertEqual(html.components(separatedBy: "<tr").count - 1, 1 + 30 + 1, "header, 30 grid points, the gap")
        let best = try XCTUnwrap(report.best)
        XCTAssert(html.contains("<tr class=\"best\"><th scope=\"row\">★ \(escapeHTML(report.points[best].name))</th>"))

        let loss = try XCTUnwrap(report.charts.first { $0.file == "loss-curves.svg" })
        XCTAssert(loss.caption.contains("2,500 grid points are more than a chart can tell apart"))
        for name in ["best: ", "median: ", "worst: ", "median of the 2,500 grid points", "band: their 25th–75th percentile"] {
            XCTAssert(loss.svg.contains(name), name)
        }
        XCTAssertFalse(loss.svg.contains("more</text>"), "no cut legend")
        XCTAssertEqual(loss.svg.components(separatedBy: "<polyline").count - 1, 2 * 4, "per panel: the median and three highlights")
        XCTAssert(loss.svg.contains("50 runs diverged at epoch 3, the first: "), "diverged runs counted, not drawn one by one")
        let units = try XCTUnwrap(report.charts.first { $0.file == "unit-states.svg" })
        XCTAssert(units.caption.contains("2,500 grid points are more than a chart can tell apart"))
        for chart in report.charts {
            XCTAssertLessThan(chart.svg.utf8.count, 200_000, chart.file)
        }
        XCTAssertEqual(Report(results).html(), html, "the same bytes")
        XCTAssert(report.markdown().contains("| … 2,470 more grid points: every one is in summary.csv |"))
    }

    /// Charts built side by side on many threads give the report of one thread, byte for byte.
    func testChartsBuiltInParallelGiveTheSameReport() {
        let rates = (0 ..< 6).map { String(Double($0 + 1) / 10) }
        let results = ReportStructureTests.results(paths: ["optimizer.learning_rate", "model.activation"], axes: [rates, ["relu", "tanh"]],
                                                   seeds: 3, floor: { labels, seed in Double(labels[0])! / 10 + 0.01 * Double(seed) },
                                                   diverges: { labels, seed in labels[0] == "0.6" && seed == 1 })
        final class Slots: @unchecked Sendable {
            var values: [ReportChart?]
            init(_ count: Int) { values = Array(repeating: nil, count: count) }
        }
        let parallel: Report.ChartRunner = { jobs in
            let slots = Slots(jobs.count)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                let chart = jobs[index]()
                lock.lock()
                slots.values[index] = chart
                lock.unlock()
            }
            return slots.values
        }
        let serial = Report(results)
        for _ in 0 ..< 3 {
            let report = Report(results, runCharts: parallel)
            XCTAssertEqual(report.charts.map(\.file), serial.charts.map(\.file))
            XCTAssertEqual(report.html(), serial.html())
            XCTAssertEqual(report.markdown(), serial.markdown())
        }
        XCTAssertGreaterThanOrEqual(serial.charts.count, 3)
    }

    /// Up to `ManyGridPoints.chartLimit` grid points every one is tabled and drawn.
    func testSmallSweepsAreTabledAndDrawnWhole() throws {
        let rates = (0 ..< 12).map { String(Double($0 + 1) / 10) }
        let results = ReportStructureTests.results(paths: ["optimizer.learning_rate"], axes: [rates], seeds: 2,
                                                   floor: { labels, _ in Double(labels[0])! / 10 })
        let report = Report(results)
        let html = report.html()
        XCTAssertFalse(html.contains("more grid points"))
        XCTAssertEqual(html.components(separatedBy: "<tr").count - 1, 1 + 12)
        let loss = try XCTUnwrap(report.charts.first { $0.file == "loss-curves.svg" })
        XCTAssertFalse(loss.caption.contains("more than a chart can tell apart"))
        XCTAssertEqual(loss.svg.components(separatedBy: "<polyline").count - 1, 2 * 12)
    }
}
