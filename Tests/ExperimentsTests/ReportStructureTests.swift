import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Experiments

/// What a reader of any report relies on, checked on the report's own text:
/// the charts that apply are there, no legend is cut ("+ N more"), no label
/// or table cell shows more than 4 significant digits, numeric axes get a
/// colour bar, two swept axes get panels, diverged runs sit in their band.
final class ReportStructureTests: XCTestCase {
    /// A curve that falls from 1 towards `floor`, with accuracies when `classification`.
    static func curve(epochs: Int, floor: Double, classification: Bool = true, diverged: Bool = false) -> [EpochRecord] {
        (0 ... epochs).map { epoch in
            let loss = diverged && epoch == epochs ? Double.nan : floor + (1 - floor) * exp(-Double(epoch) / 10)
            let accuracy: Double? = classification ? min(1, 0.5 + 0.5 * (1 - loss)) : nil
            return EpochRecord(epoch: epoch, trainLoss: loss * 0.8, validationLoss: loss, trainAccuracy: accuracy, validationAccuracy: accuracy,
                               gradientNorms: epoch == 0 ? nil : [0.01, 0.1], learningRate: epoch == 0 ? nil : 0.1,
                               // As a relu hidden layer and a sigmoid output give them.
                               deadFractions: [min(1, floor), nil], saturatedFractions: [nil, min(1, loss / 2)])
        }
    }

    /// A sweep's results in memory: each combination of the axes' labels, `seeds` seeds, losses set by `floor`.
    static func results(paths: [String], axes: [[String]], seeds: Int = 2, classification: Bool = true,
                        floor: ([String], Int) -> Double, diverges: ([String], Int) -> Bool = { _, _ in false }) -> ResultsFolder {
        var combinations: [[String]] = [[]]
        for axis in axes { combinations = combinations.flatMap { prefix in axis.map { prefix + [$0] } } }
        var runs: [RunSummary] = [], curves: [String: [EpochRecord]] = [:]
        for labels in combinations {
            for seed in 0 ..< seeds {
                let name = zip(paths, labels).map { "\($0)=\($1)" }.joined(separator: ",") + ",seed=\(seed)"
                let diverged = diverges(labels, seed)
                let curve = curve(epochs: diverged ? 3 : 30, floor: floor(labels, seed), classification: classification, diverged: diverged)
                curves[name] = curve
                let training = TrainingConfig(epochs: 30, batchSize: .samples(8), shuffle: true, divergenceFactor: 1e4, earlyStopping: nil)
                runs.append(RunSummary(run: name, sweepLabels: labels, seed: seed, training: training, curve: curve))
            }
        }
        return ResultsFolder(folder: ExperimentFolder(path: "/nowhere"), name: "t", description: nil, sweepPaths: paths, runs: runs, curves: curves)
    }

    /// The visible texts of a chart (`<text>` contents, tags removed).
    func texts(_ svg: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<text[^>]*>(.*?)</text>", options: [.dotMatchesLineSeparators])
        let range = NSRange(svg.startIndex..., in: svg)
        return pattern.matches(in: svg, range: range).compactMap { Range($0.range(at: 1), in: svg).map { String(svg[$0]) } }
            .map { $0.replacingOccurrences(of: "<title>.*?</title>", with: "", options: .regularExpression)
                .replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression) }
    }

    /// The largest count of significant digits of a number in `text`.
    func significantDigits(_ text: String) -> Int {
        let pattern = try! NSRegularExpression(pattern: "[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?")
        var most = 0
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            var digits = String(text[range]).split(separator: "e").first.map(String.init) ?? ""
            digits = digits.replacingOccurrences(of: ".", with: "")
            while digits.hasPrefix("0") { digits.removeFirst() }
            if text[range].contains(".") == false { while digits.hasSuffix("0") { digits.removeLast() } }
            most = max(most, digits.count)
        }
        return most
    }

    func assertReadable(_ report: Report, file: StaticString = #filePath, line: UInt = #line) {
        for chart in report.charts + report.boundaries {
            XCTAssertTrue(XMLParser(data: Data(chart.svg.utf8)).parse(), "\(chart.file) is well-formed", file: file, line: line)
            let shown = texts(chart.svg)
            XCTAssertFalse(shown.contains { $0.hasPrefix("+ ") && $0.hasSuffix(" more") }, "\(chart.file): a legend is cut", file: file, line: line)
            for text in shown {
                XCTAssertLessThanOrEqual(significantDigits(text), 4, "\(chart.file): \(text)", file: file, line: line)
            }
        }
        let markdown = report.markdown()
        for row in markdown.split(separator: "\n") where row.hasPrefix("|") {
            XCTAssertLessThanOrEqual(significantDigits(String(row)), 4, String(row), file: file, line: line)
        }
    }

    func testFiftyLearningRatesGetAColourBarAndNoLegendOfFifty() throws {
        let rates = (0 ..< 50).map { String(pow(10, -3 + 4 * Double($0) / 49)) }
        XCTAssert(rates.contains { $0.count > 12 }, "the test's premise: labels with many digits")
        let results = Self.results(paths: ["optimizer.learning_rate"], axes: [rates], floor: { labels, _ in
            let rate = Double(labels[0])!
            return 0.01 + abs(log10(rate) + 1.05) / 10
        }, diverges: { labels, seed in Double(labels[0])! > 3 && seed == 1 })
        let report = Report(results)
        assertReadable(report)
        let files = report.charts.map(\.file)
        XCTAssertEqual(files, ["loss-curves.svg", "accuracy-curves.svg", "learning-rate.svg", "gradient-norms.svg", "unit-states.svg"])
        let loss = try XCTUnwrap(report.charts.first)
        XCTAssert(texts(loss.svg).contains("learning rate"), "a colour bar titled by the axis")
        XCTAssert(texts(loss.svg).contains("diverged"), "the diverged band")
        XCTAssert(loss.svg.contains("diverged at epoch 3"), "each diverged run has a tooltip")
        XCTAssertFalse(texts(loss.svg).contains { $0.hasPrefix("learning_rate=") }, "no legend of 50 names")
        XCTAssert(loss.svg.contains("learning_rate=0.001 · epoch 30 · validation loss"), "hover names series and axes")
        XCTAssertEqual(report.ranking.metric, .validationLoss)
        XCTAssert(report.markdown().contains("★ **learning_rate=0.09103**"), "the best is the rate nearest 10^-1.05, at 4 significant digits")
        XCTAssertFalse(report.markdown().contains(rates[24]), "not the label's every digit")
    }

    func testTwoSweptAxesGetPanels() throws {
        let results = Self.results(paths: ["model.activation", "optimizer.learning_rate"],
                                   axes: [["relu", "tanh", "sigmoid"], ["0.001", "0.01", "0.1", "1"]],
                                   floor: { labels, _ in labels[0] == "sigmoid" ? 0.3 : 0.05 })
        let report = Report(results)
        assertReadable(report)
        let loss = try XCTUnwrap(report.charts.first { $0.file == "loss-curves.svg" })
        for panel in ["activation=relu", "activation=tanh", "activation=sigmoid"] {
            XCTAssert(texts(loss.svg).contains(panel), "a panel per activation: \(panel)")
        }
        XCTAssertEqual(loss.svg.components(separatedBy: "<svg ").count - 1, 4, "three panels in one figure")
        XCTAssert(texts(loss.svg).contains("learning rate"), "the numeric axis as a colour bar")
    }

    func testManyCategoriesHighlightBestMedianAndWorst() throws {
        let names = (0 ..< 12).map { "opt\($0)" }
        let results = Self.results(paths: ["optimizer"], axes: [names], seeds: 1, floor: { labels, _ in
            0.01 * Double(names.firstIndex(of: labels[0])! + 1)
        })
        let report = Report(results)
        assertReadable(report)
        let loss = try XCTUnwrap(report.charts.first)
        let shown = texts(loss.svg)
        XCTAssert(shown.contains("best: optimizer=opt0"), "\(shown)")
        XCTAssert(shown.contains("worst: optimizer=opt11"), "\(shown)")
        XCTAssert(shown.contains { $0.hasPrefix("median: optimizer=") })
        XCTAssert(shown.contains("9 other points: hover names them"))
        XCTAssert(loss.svg.contains("optimizer=opt5 · epoch 0 · "), "faded lines are named on hover: \(loss.svg.components(separatedBy: "<title>").dropFirst().prefix(3))")
    }

    func testASweptLossRanksByAccuracyAndARegressionRanksNothing() {
        let classification = Self.results(paths: ["loss"], axes: [["mse", "binary_cross_entropy"]], floor: { labels, _ in
            labels[0] == "mse" ? 0.02 : 0.2   // mse has the lower loss and the higher accuracy… of a different function
        })
        let ranking = Ranking(classification)
        XCTAssertEqual(ranking.metric, .validationAccuracy)
        XCTAssertEqual(Report(classification).markdown().contains("★ **loss=mse**"), true)
        XCTAssert(Report(classification).summaryLine.contains("(final validation accuracy "))

        let regression = Self.results(paths: ["loss"], axes: [["mse", "half_squared_error"]], classification: false, floor: { _, _ in 0.1 })
        let unranked = Report(regression)
        XCTAssertNil(unranked.ranking.metric)
        XCTAssertNil(unranked.best)
        XCTAssertFalse(unranked.markdown().contains("★"))
        XCTAssert(unranked.markdown().contains("Nothing is ranked: the loss is swept"), unranked.markdown())
        XCTAssertEqual(unranked.summaryLine, "4 runs; not ranked")
    }

    /// Two grid points at the same best value: no ★ pretends one is better.
    func testTiesStarNothing() {
        var results = Self.results(paths: ["loss"], axes: [["mse", "binary_cross_entropy"]], floor: { _, _ in 0.1 })
        for i in results.runs.indices { results.runs[i].validationAccuracy = 1 }
        let report = Report(results)
        XCTAssertNil(report.best)
        XCTAssertEqual(report.tied, [0, 1])
        XCTAssertFalse(report.markdown().contains("| ★"))
        XCTAssert(report.markdown().contains("No ★: loss=mse, loss=binary_cross_entropy tie at the best mean final validation accuracy."))
        XCTAssertEqual(report.summaryLine, "4 runs; 2 grid points tie at final validation accuracy 1")
    }

    func testRankByFollowsTheFile() {
        // b has the lower loss, a the higher accuracy: rank_by decides.
        var results = Self.results(paths: ["optimizer.name"], axes: [["a", "b"]], floor: { labels, _ in labels[0] == "a" ? 0.3 : 0.1 })
        for i in results.runs.indices where results.runs[i].sweepLabels == ["a"] { results.runs[i].validationAccuracy = 0.99 }
        XCTAssertEqual(Report(results).best, 1)
        results.rankBy = .validationAccuracy
        let report = Report(results)
        XCTAssertEqual(report.best, 0)
        XCTAssert(report.markdown().contains("by mean final validation accuracy (highest first)"))
        XCTAssert(report.markdown().contains("validation accuracy ★"), "the ranked column is marked")
        results.rankBy = .trainAccuracy
        results.runs = results.runs.map { var run = $0; run.trainAccuracy = nil; run.validationAccuracy = nil; return run }
        XCTAssertNil(Report(results).ranking.metric)
        XCTAssert(Report(results).markdown().contains("a regression has no accuracy"))
    }
}
