import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// Training you can watch and what each unit computes: the frame epochs, the
/// snapshots the trainer records at them (the networks a shorter run ends
/// with), their round trip through model.json, and the report's frames,
/// slider, unit heatmaps, network diagram and dead/saturated chart.
final class TrainingFramesTests: XCTestCase {
    static let moons = """
        {"name": "frames", "data": {"source": "moons", "samples": 60, "noise": 0.2, "validation_split": 0.25},
         "model": {"hidden": [4], "activation": "tanh"}, "loss": "binary_cross_entropy",
         "optimizer": {"name": "adam", "learning_rate": 0.05}, "training": {"epochs": EPOCHS, "batch_size": 16}, "seeds": [3]}
        """

    func experiment(_ text: String) throws -> Experiment {
        try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".")
    }

    func train(_ run: RunConfig) throws -> TrainingResult {
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        return try XCTUnwrap(Trainer.train(run, data: data))
    }

    func moons(epochs: Int) throws -> RunConfig {
        try experiment(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: String(epochs))).runs[0]
    }

    /// Runs the experiment into a fresh results folder and publishes it; the folder.
    func publish(_ text: String) throws -> ExperimentFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-frames-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let runner = Runner(experiments: [try experiment(text)], options: RunnerOptions(output: root, jobs: 1, fresh: true))
        _ = try runner.run(events: { _ in }, cancelled: { false })
        _ = try Publisher.publish(runner.folders)
        return runner.folders[0]
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    // MARK: Frame epochs

    func testFrameEpochsAreOneTwoFiveTimesPowersOfTen() {
        XCTAssertEqual(FrameEpochs.epochs(upTo: 0), [0])
        XCTAssertEqual(FrameEpochs.epochs(upTo: 1), [0, 1])
        XCTAssertEqual(FrameEpochs.epochs(upTo: 7), [0, 1, 2, 5])
        XCTAssertEqual(FrameEpochs.epochs(upTo: 200), [0, 1, 2, 5, 10, 20, 50, 100, 200])
        XCTAssertEqual(FrameEpochs.epochs(upTo: 120_000).suffix(3), [20_000, 50_000, 100_000])
        for epoch in 0 ... 2_000 {
            XCTAssertEqual(FrameEpochs.isFrame(epoch), FrameEpochs.epochs(upTo: 2_000).contains(epoch), "epoch \(epoch)")
        }
    }

    /// The frames (the frame epochs and the last) stay within the bound, 18 for 120,000 epochs, even at Int's largest.
    func testTheNumberOfFramesIsBounded() {
        for epochs in [1, 2, 9, 10, 11, 99, 100, 101, 999, 120_000, 1_000_000, Int.max] {
            let frames = FrameEpochs.epochs(upTo: epochs).count + 1
            XCTAssertLessThanOrEqual(frames, FrameEpochs.bound(epochs: epochs), "\(epochs) epochs")
        }
        XCTAssertEqual(FrameEpochs.bound(epochs: 120_000), 20)
        XCTAssertEqual(FrameEpochs.epochs(upTo: 120_000).count + 1, 18)
        XCTAssertLessThanOrEqual(FrameEpochs.bound(epochs: Int.max), 3 * 19 + 2)
    }

    // MARK: Snapshots

    /// The strong check: training the same run for e epochs ends exactly at the
    /// longer run's snapshot of epoch e (same seed, same shuffles, constant rate).
    func testSnapshotsAreTheNetworksShorterRunsEndWith() throws {
        let long = try train(try moons(epochs: 12))
        XCTAssertEqual(long.snapshots.map(\.epoch), [0, 1, 2, 5, 10, 12])
        XCTAssertEqual(long.snapshots.last?.network, long.network)
        for snapshot in long.snapshots.dropLast() {
            let short = try train(try moons(epochs: max(snapshot.epoch, 1)))
            if snapshot.epoch == 0 {
                var generator = Generator(seed: 3)
                XCTAssertEqual(snapshot.network, try moons(epochs: 1).initialNetwork(&generator))
            } else {
                XCTAssertEqual(short.network, snapshot.network, "epoch \(snapshot.epoch)")
                XCTAssertEqual(short.snapshots.last, snapshot)
            }
        }
        XCTAssertNotEqual(long.snapshots[1].network, long.snapshots[2].network)
    }

    func testOnlyTwoInputClassificationRecordsSnapshots() throws {
        let sine = try experiment("""
            {"name": "s", "data": {"source": "sine", "samples": 20}, "model": {"hidden": [3]}, "loss": "mse",
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 3}}
            """).runs[0]
        XCTAssertEqual(try train(sine).snapshots, [])
        let blobs = try experiment("""
            {"name": "b", "data": {"source": "blobs", "samples": 30, "features": 3}, "model": {"hidden": [3]}, "loss": "cross_entropy",
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 3}}
            """).runs[0]
        XCTAssertEqual(try train(blobs).snapshots, [])
    }

    /// A diverged run's frames end at its last epoch that did not diverge.
    func testADivergedRunsFramesEndBeforeItDiverged() throws {
        let config = try experiment(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: "30")
            .replacingOccurrences(of: "\"adam\", \"learning_rate\": 0.05", with: "\"sgd\", \"learning_rate\": 1e6")).runs[0]
        let result = try train(config)
        XCTAssertEqual(result.status, .diverged)
        let last = try XCTUnwrap(result.snapshots.last)
        XCTAssertLessThan(last.epoch, result.curve.count - 1)
        XCTAssertTrue(last.network.hasFiniteParameters)
    }

    func testSnapshotsRoundTripThroughModelJSON() throws {
        let result = try train(try moons(epochs: 20))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let run = RunFolder(path: folder)
        try ModelFile.write(result.network, snapshots: result.snapshots, to: run)
        XCTAssertEqual(ModelFile.read(run), result.network)
        XCTAssertEqual(ModelFile.readSnapshots(run), result.snapshots)
        let text = try read(run.model)
        XCTAssertTrue(text.contains("\"snapshots\": ["))
        // A model.json without snapshots (written before they were recorded) reads as having none.
        try ModelFile.write(result.network, to: run)
        XCTAssertEqual(ModelFile.read(run), result.network)
        XCTAssertNil(ModelFile.readSnapshots(run))
        XCTAssertFalse(try read(run.model).contains("snapshots"))
    }

    /// model.json is written straight to bytes; its text is JSONWriter's
    /// layout of the same document, byte for byte: snapshots, a layer without
    /// biases, and a non-finite weight (null).
    func testModelTextIsJSONWritersLayout() throws {
        let result = try train(try moons(epochs: 5))
        var network = result.network
        network.layers[0].weights[1, 0] = .nan
        network.layers.append(DenseLayer(weights: Matrix([[0.5], [-2]]), biases: nil, activation: .sigmoid))
        let location = SourceLocation(line: 1, column: 1)
        func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
        func member(_ key: String, _ value: JSONValue) -> JSONMember { JSONMember(key: key, keyLocation: location, value: node(value)) }
        func numbers(_ values: [Double]) -> JSONValue { .array(values.map { node(JSONWriter.number($0)) }) }
        func layers(_ network: Network) -> JSONValue {
            .array(network.layers.map { layer in
                var members = [member("units", JSONWriter.number(Double(layer.units))), member("activation", .string(layer.activation.rawValue))]
                if layer.biases == nil { members.append(member("bias", .bool(false))) }
                members.append(member("weights", .array(layer.weights.rowArrays.map { node(numbers($0)) })))
                if let biases = layer.biases { members.append(member("biases", numbers(biases))) }
                return node(.object(members))
            })
        }
        let snapshots = result.snapshots.map { NetworkSnapshot(epoch: $0.epoch, network: network) }
        for kept in [[], snapshots] {
            var members = [member("inputs", JSONWriter.number(Double(network.inputs))), member("layers", layers(network))]
            if !kept.isEmpty {
                members.append(member("snapshots", .array(kept.map {
                    node(.object([member("epoch", JSONWriter.number(Double($0.epoch))), member("layers", layers($0.network))]))
                })))
            }
            XCTAssertEqual(ModelFile.text(network, snapshots: kept), JSONWriter.render(.object(members)))
        }
    }

    // MARK: Reports

    func testA2DClassificationReportHasFramesASliderAndUnitPictures() throws {
        let folder = try publish(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: "12"))
        let html = try read(folder.reportHTML), markdown = try read(folder.reportMarkdown)
        XCTAssertEqual(count("class=\"nnlab-slider\"", in: html), 1)
        XCTAssertTrue(html.contains("data-epochs=\"0,1,2,5,10,12\""))
        XCTAssertEqual(count("<g data-epoch=", in: html), 6)
        XCTAssertTrue(html.contains("class=\"nnlab-play\""))
        XCTAssertTrue(markdown.contains("## Decision boundaries through training"))
        XCTAssertTrue(markdown.contains("(charts/frames-1.svg)"))
        let strip = try read(folder.chart("frames-1.svg"))
        for epoch in [0, 1, 2, 5, 10, 12] { XCTAssertTrue(strip.contains(">epoch \(epoch)</text>"), "epoch \(epoch)") }
        XCTAssertTrue(markdown.contains("(charts/network.svg)"))
        let network = try read(folder.chart("network.svg"))
        // 2·4 + 4·1 weights, one line each; 2 + 4 + 1 nodes.
        XCTAssertEqual(count("<line x1=", in: network) - 2, 12)
        XCTAssertEqual(count("fill=\"none\" stroke=\"#555555\"", in: network), 7)
        // Rebuilt from disk alone: the same bytes.
        let before = try read(folder.reportHTML)
        _ = try Publisher.publish([folder])
        XCTAssertEqual(try read(folder.reportHTML), before)
    }

    /// report.html is written piece by piece (its charts from their own
    /// strings): the file is the page `html()` builds as one string, and each
    /// chart is in it as in its file.
    func testReportHTMLOnDiskIsThePageWithEachChartInline() throws {
        let folder = try publish(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: "12"))
        let report = try XCTUnwrap(Publisher.publish([folder]).first).report
        let html = try read(folder.reportHTML)
        XCTAssertEqual(report.html(), html)
        let charts = try FileManager.default.contentsOfDirectory(atPath: folder.charts).filter { !$0.hasPrefix("frames-") }
        XCTAssertGreaterThan(charts.count, 3)
        for name in charts {
            let svg = try read(folder.chart(name))
            let markup = svg.hasPrefix("<?xml") ? svg[svg.range(of: "?>")!.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines) : svg
            XCTAssertTrue(markup.hasPrefix("<svg") && markup.hasSuffix("</svg>\n"), name)
            XCTAssertTrue(html.contains("<figure>" + markup + "</figure>") || html.contains(">" + markup + "<figcaption>"), name)
        }
        // One whole page: its head, one body, its foot; the charts in report.md's order.
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"))
        XCTAssertTrue(html.hasSuffix("\n</body>\n</html>\n"))
        XCTAssertEqual(html.components(separatedBy: "<body>").count, 2)
        let markdown = try read(folder.reportMarkdown)
        let order = try NSRegularExpression(pattern: "charts/([a-z0-9-]+)\\.svg").matches(in: markdown, range: NSRange(markdown.startIndex..., in: markdown))
            .map { String(markdown[Range($0.range(at: 1), in: markdown)!]) + ".svg" }.filter { !$0.hasPrefix("frames-") }
        XCTAssertGreaterThan(order.count, 3)
        let positions = try order.map { name -> String.Index in
            let svg = try read(folder.chart(name))
            return try XCTUnwrap(html.range(of: String(inlineSVG(svg)))?.lowerBound, name)
        }
        XCTAssertEqual(positions, positions.sorted(), "charts inlined in report.md's order: \(order)")
    }

    /// A chart's XML declaration and the white space around the markup are left out; a chart without one is inlined whole.
    func testInlinedChartsLeaveOutTheXMLDeclaration() {
        XCTAssertEqual(inlineSVG("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n\t <svg x=\"1\">é</svg>\n \n"), "<svg x=\"1\">é</svg>")
        XCTAssertEqual(inlineSVG("<svg/>\n"), "<svg/>\n")
        XCTAssertEqual(inlineSVG("<?xml version=\"1.0\"?> \n"), "")
    }

    func testPiecesAreWrittenAsOneFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-pieces-\(UUID().uuidString)/page.html").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let long = String(repeating: "η ± 0.5 — ", count: 20_000)
        var page = PageText()
        page += "<h1>★</h1>"
        page.append(piece: long.dropFirst(3))
        page += ""
        page.append(piece: "")
        page += "tail\n"
        try ResultFiles.write(pieces: page.finished, to: path)
        XCTAssertEqual(try read(path), "<h1>★</h1>" + long.dropFirst(3) + "tail\n")
        XCTAssertEqual(page.text, try read(path))
    }

    /// The strip (report.md) and the page (report.html) show each epoch with
    /// the same shading: the same cells, scaled into their squares.
    func testTheStripAndThePageShadeEachEpochAlike() throws {
        let folder = try publish(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: "12"))
        func shadings(_ svg: String) -> [String] {
            svg.components(separatedBy: "<g shape-rendering=\"crispEdges\" transform=").dropFirst().map {
                // What the group holds, after its opening tag's transform.
                $0[$0.index(after: $0.firstIndex(of: ">")!)...].components(separatedBy: "\n</g>")[0]
            }
        }
        let strip = shadings(try read(folder.chart("frames-1.svg")))
        let html = try read(folder.reportHTML)
        let page = shadings(String(html[html.range(of: "<svg class=\"nnlab-run\"")!.lowerBound...]))
        XCTAssertEqual(strip.count, 6, "one frame per recorded epoch: 0, 1, 2, 5, 10, 12")
        XCTAssertEqual(page, strip)
        XCTAssertTrue(strip.allSatisfy { $0.contains("<path fill=") }, "each frame is shaded")
        XCTAssertNotEqual(strip.first, strip.last, "the boundary moves during training")
    }

    func testOlderRunsWithoutSnapshotsSaySo() throws {
        let folder = try publish(TrainingFramesTests.moons.replacingOccurrences(of: "EPOCHS", with: "3"))
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.runs).first)
        let model = folder.run(run)
        let network = try XCTUnwrap(ModelFile.read(model))
        try ModelFile.write(network, to: model)
        _ = try Publisher.publish([folder])
        let html = try read(folder.reportHTML)
        XCTAssertEqual(count("<g data-epoch=", in: html), 0)
        XCTAssertTrue(html.contains("No frames for \(run): trained before nnlab recorded them"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.chart("frames-1.svg")))
    }

    func testOtherDataHasNoFrames() throws {
        let folder = try publish("""
            {"name": "s", "data": {"source": "sine", "samples": 20}, "model": {"hidden": [3]}, "loss": "mse",
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 3}}
            """)
        let html = try read(folder.reportHTML), markdown = try read(folder.reportMarkdown)
        XCTAssertFalse(html.contains("nnlab-slider"))
        XCTAssertFalse(html.contains("data-epoch="))
        XCTAssertFalse(markdown.contains("through training"))
        XCTAssertFalse(markdown.contains("network.svg"))
    }

    /// Each weight's line: width 0.5 + 5.5·|w|/max|w|, orange for w > 0, blue for w < 0.
    func testTheDiagramsLineWidthsFollowTheWeights() throws {
        let weights = [[0.5, -2.0], [0.0, 1.0], [-0.25, 4.0]]
        let network = Network(inputs: 2, layers: [
            DenseLayer(weights: Matrix(weights), biases: [0, 0, 0], activation: .relu),
            DenseLayer(weights: Matrix([[1.0, -1.0, 3.0]]), biases: nil, activation: .sigmoid),
        ])
        let svg = NetworkDiagram(title: "t", network: network, pictures: []).svg()
        let pattern = try NSRegularExpression(pattern: "stroke=\"(#[0-9A-F]{6})\" stroke-width=\"([0-9.]+)\" data-w=\"([^\"]+)\"")
        let matches = pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
        let lines = matches.map { match in
            (1 ... 3).map { String(svg[Range(match.range(at: $0), in: svg)!]) }
        }
        XCTAssertEqual(lines.map { Double($0[2])! }, weights.flatMap { $0 } + [1, -1, 3])
        for line in lines {
            let w = Double(line[2])!, width = Double(line[1])!
            XCTAssertEqual(width, 0.5 + 5.5 * abs(w) / 4, accuracy: 0.01, "w = \(w)")
            XCTAssertEqual(line[0], w < 0 ? NetworkDiagram.negative : NetworkDiagram.positive, "w = \(w)")
        }
        let widths = lines.map { Double($0[1])! }, sizes = lines.map { abs(Double($0[2])!) }
        for i in widths.indices { for j in widths.indices where sizes[i] < sizes[j] { XCTAssertLessThan(widths[i], widths[j]) } }
    }

    /// Each line's tooltip names its weight wˡⱼₖ (layer superscript, unit and
    /// input subscripts, two-digit indices included) and its value.
    func testTheDiagramsTooltipsNameEachWeight() throws {
        var generator = Generator(seed: 3)
        let network = try Network(inputs: 2, specs: [LayerSpec(units: 12, activation: .relu), LayerSpec(units: 1, activation: .sigmoid)],
                                  generator: &generator)
        let svg = NetworkDiagram(title: "t", network: network, pictures: []).svg()
        let titles = try NSRegularExpression(pattern: "<title>(w[^<]*)</title>").matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
            .map { String(svg[Range($0.range(at: 1), in: svg)!]) }
        let subscripts = Array("₀₁₂₃₄₅₆₇₈₉")
        func lowered(_ n: Int) -> String { String(String(n).map { subscripts[$0.wholeNumberValue!] }) }
        var expected: [String] = []
        for (l, layer) in network.layers.enumerated() {
            for j in 0 ..< layer.units {
                for k in 0 ..< layer.inputs {
                    expected.append("w\(["¹", "²"][l])\(lowered(j + 1))\(lowered(k + 1)) = \(ReportNumber.text(layer.weights[j, k]))")
                }
            }
        }
        XCTAssertEqual(titles, expected)
        XCTAssertTrue(titles.contains { $0.hasPrefix("w²₁₁₂ = ") }, "layer 2, unit 1, input 12")
    }

    /// Each unit's heatmap is its activation over the plane: at every cell centre x,
    /// layer 1's tanh(W¹x + b¹) and the output's σ(W²a¹ + b²), computed here by hand.
    func testUnitHeatmapsAreTheUnitsActivationsOverThePlane() throws {
        let config = try moons(epochs: 1)
        let plane = try XCTUnwrap(BoundaryPlane(config, cache: CSVCache()))
        let network = Network(inputs: 2, layers: [
            DenseLayer(weights: Matrix([[1.5, -0.5], [0.25, 2]]), biases: [0.1, -0.3], activation: .tanh),
            DenseLayer(weights: Matrix([[2, -1]]), biases: [0.5], activation: .sigmoid),
        ])
        let columns = UnitHeatmaps.activations(network, plane: plane)
        XCTAssertEqual(columns.map(\.count), [2, 2, 1])
        let cells = UnitHeatmaps.cells(network)
        XCTAssertEqual(cells, 20)
        let grid = plane.grid(size: cells)
        for row in [0, 7, cells - 1] {
            for column in [0, 11, cells - 1] {
                let x = [grid[row * cells + column, 0], grid[row * cells + column, 1]]
                let a1 = [Foundation.tanh(1.5 * x[0] - 0.5 * x[1] + 0.1), Foundation.tanh(0.25 * x[0] + 2 * x[1] - 0.3)]
                let a2 = 1 / (1 + exp(-(2 * a1[0] - a1[1] + 0.5)))
                XCTAssertEqual(columns[0][1].grid[row][column], x[1])
                XCTAssertEqual(columns[1][0].grid[row][column], a1[0], accuracy: 1e-12)
                XCTAssertEqual(columns[1][1].grid[row][column], a1[1], accuracy: 1e-12)
                XCTAssertEqual(columns[2][0].grid[row][column], a2, accuracy: 1e-12)
            }
        }
        XCTAssertEqual(columns[1][0].range, -1 ... 1)
        XCTAssertEqual(columns[2][0].range, 0 ... 1)
        // Row 0 is the bottom of the plane, column 0 its left.
        XCTAssertLessThan(grid[0, 1], grid[(cells - 1) * cells, 1])
        XCTAssertLessThan(grid[0, 0], grid[cells - 1, 0])
    }

    /// x is each record's epoch: a curve reduced to epochs 0, 10 and 20 spans 0 … 20, not 0 … 2.
    func testTheUnitStateChartTakesEpochsFromTheRecords() throws {
        let curve = [0, 10, 20].map { epoch in
            EpochRecord(epoch: epoch, trainLoss: 1, validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, gradientNorms: nil,
                        deadFractions: [Double(epoch) / 40, nil], saturatedFractions: [nil, 0.5])
        }
        let training = TrainingConfig(epochs: 20, batchSize: .samples(8), shuffle: true, divergenceFactor: 1e4, earlyStopping: nil)
        let results = ResultsFolder(folder: ExperimentFolder(path: "/nowhere"), name: "t", description: nil, sweepPaths: [],
                                    runs: [RunSummary(run: "seed=0", sweepLabels: [], seed: 0, training: training, curve: curve)],
                                    curves: ["seed=0": curve])
        let chart = try XCTUnwrap(ReportCharts.unitStates(ReportCharts.Context(results, GridPoint.points(of: results), Ranking(results))))
        XCTAssertTrue(chart.svg.contains("Dead units, layer 1"))
        XCTAssertTrue(chart.svg.contains("Saturated units, layer 2 (output)"))
        XCTAssertFalse(chart.svg.contains("Dead units, layer 2"))
        XCTAssertFalse(chart.svg.contains("Saturated units, layer 1"))
        XCTAssertTrue(chart.svg.contains("epoch 20"))
        XCTAssertFalse(chart.svg.contains("epoch 2 "))
    }
}
