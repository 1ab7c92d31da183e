import Foundation
import XCTest
@testable import Experiments

/// The report's table: grid points grouped from the summary, mean ± std over
/// seeds against hand-computed values, the best row marked.
final class ReportTests: XCTestCase {
    func row(_ run: String, _ labels: [String], seed: Int, status: RunStatus = .completed, train: Double, validation: Double?,
             accuracy: Double? = nil) -> RunSummary {
        RunSummary(run: run, sweepLabels: labels, seed: seed, status: status, epochs: 10, trainLoss: train,
                   validationLoss: validation, bestValidationLoss: validation, bestEpoch: 10, trainAccuracy: accuracy,
                   validationAccuracy: accuracy)
    }

    func testMeansAndSampleStandardDeviations() throws {
        // 0.2, 0.4, 0.6: mean 0.4, sample std √((0.04 + 0 + 0.04) / 2) = 0.2.
        let stats = try XCTUnwrap(MeanStd([0.2, 0.4, 0.6]))
        XCTAssertEqual(stats.mean, 0.4, accuracy: 1e-15)
        XCTAssertEqual(stats.std ?? 0, 0.2, accuracy: 1e-15)
        XCTAssertEqual(stats.text, "0.4 ± 0.2")
        // 1, 2, 3, 4: mean 2.5, sample std √(5/3) = 1.2910.
        XCTAssertEqual(MeanStd([1, 2, 3, 4])?.text, "2.5 ± 1.291")
        XCTAssertNil(MeanStd([1])?.std)
        XCTAssertNil(MeanStd([]))
    }

    /// Spreads are shown to the mean's last digit: floating-point noise is 0, not "1.360e-16".
    func testSpreadsBelowTheResolutionAreZero() {
        let third = 14.0 / 15
        XCTAssertEqual(MeanStd([third, third, third + 1e-16])?.text, "0.9333 ± 0")
        XCTAssertEqual(MeanStd([0.0123, 0.0127])?.text, "0.0125 ± 0.00028")
        XCTAssertEqual(MeanStd([120.5, 130.5])?.text, "125.5 ± 7.1")
        XCTAssertEqual(MeanStd([1e-6, 3e-6])?.text, "2e-6 ± 1.414e-6")
    }

    /// Numbers as labels: 4 significant digits unless two values would read the same.
    func testDisplayLabels() {
        XCTAssertEqual(DisplayLabels.map(["0.00316227766017", "0.01", "10"]), ["0.00316227766017": "0.003162", "0.01": "0.01", "10": "10"])
        XCTAssertEqual(DisplayLabels.map(["0.123451", "0.123459"]), ["0.123451": "0.12345", "0.123459": "0.12346"])
        XCTAssertEqual(DisplayLabels.map(["relu", "0.5"]), ["relu": "relu", "0.5": "0.5"], "not every label a number: as written")
        XCTAssertEqual(DisplayLabels.map(["16-16", "16"]), ["16-16": "16-16", "16": "16"])
    }

    func testGridPointsGroupSeedsAndMarkTheBest() {
        let results = ResultsFolder(folder: ExperimentFolder(path: "/nowhere"), name: "t", description: nil, sweepPaths: ["optimizer.learning_rate"], runs: [
            row("a0", ["0.01"], seed: 0, train: 0.5, validation: 0.6),
            row("a1", ["0.01"], seed: 1, train: 0.7, validation: 0.8),
            row("b0", ["0.1"], seed: 0, train: 0.1, validation: 0.2),
            row("b1", ["0.1"], seed: 1, train: 0.3, validation: 0.4),
            row("c0", ["10"], seed: 0, status: .diverged, train: .nan, validation: .nan),
            row("c1", ["10"], seed: 1, train: 0.01, validation: 0.05),
        ], curves: [:])
        let points = GridPoint.points(of: results)
        XCTAssertEqual(points.map(\.name), ["learning_rate=0.01", "learning_rate=0.1", "learning_rate=10"])
        XCTAssertEqual(points[0].finalValidationLoss?.mean ?? 0, 0.7, accuracy: 1e-15)
        XCTAssertEqual(points[0].finalValidationLoss?.std ?? 0, (0.02).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(points[1].finalTrainLoss?.mean ?? 0, 0.2, accuracy: 1e-15)
        // The diverged seed is left out of the statistics and counted.
        XCTAssertEqual(points[2].diverged, 1)
        XCTAssertEqual(points[2].finalValidationLoss?.count, 1)
        XCTAssertEqual(Ranking(results).best(points), 2)
        let report = Report(results)
        XCTAssert(report.markdown().contains("| ★ **learning_rate=10** | **2** | **0.01** | **0.05** | **0.05** | **1 of 2** |"), report.markdown())
        XCTAssertEqual(report.summaryLine, "6 runs; best learning_rate=10 (final validation loss 0.05); 1 diverged")
    }

    /// Layers are whole numbers: the gradient-norm chart's axis has no tick at 1.5.
    func testIntegerTicks() {
        let series = [ChartSeries(name: "n", points: [ChartPoint(x: 1, y: 2), ChartPoint(x: 2, y: 0.004)], mark: .dot)]
        let plain = LineChart(title: "t", x: Axis(title: "layer", range: 0.5 ... 2.5), y: Axis(title: "y", scale: .log), series: series).svg()
        let whole = LineChart(title: "t", x: Axis(title: "layer", range: 0.5 ... 2.5, integerTicks: true), y: Axis(title: "y", scale: .log),
                              series: series).svg()
        XCTAssert(plain.contains(">1.5</text>"), "the test's premise: linear ticks put one at 1.5")
        XCTAssertFalse(whole.contains(">1.5</text>"))
        XCTAssert(whole.contains(">1</text>") && whole.contains(">2</text>"))
    }

    func testReportNumbers() {
        XCTAssertEqual(ReportNumber.text(0.034567), "0.03457")
        XCTAssertEqual(ReportNumber.text(12.5), "12.5")
        XCTAssertEqual(ReportNumber.text(0.30000000000000004), "0.3")
        XCTAssertEqual(ReportNumber.text(1234567), "1.235e6")
        XCTAssertEqual(ReportNumber.text(0.0000123), "1.23e-5")
        XCTAssertEqual(ReportNumber.text(.infinity), "∞")
    }
}
