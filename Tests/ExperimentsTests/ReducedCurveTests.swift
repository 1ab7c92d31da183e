import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// A run's curve in bounded memory (`ReducedCurve`), streamed to and from
/// curve.csv (`CurveWriter`, `CurveFile.read(_:into:)`): what reports draw is
/// bounded whatever the epochs, keeps every bucket's extremes, and is the same
/// whether it comes from training or from the file.
final class ReducedCurveTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A deterministic, noisy two-layer curve of `epochs` epochs, with validation, NaNs sprinkled in.
    func curve(epochs: Int) -> [EpochRecord] {
        var generator = Generator(seed: 7)
        return (0 ... epochs).map { epoch in
            let noise = generator.nextUniform()
            let loss = epoch == 5 ? Double.nan : 1 / Double(epoch + 1) + 0.1 * noise
            return EpochRecord(epoch: epoch, trainLoss: loss, validationLoss: loss * 1.1 + 0.01 * generator.nextUniform(),
                               trainAccuracy: noise, validationAccuracy: 1 - noise,
                               gradientNorms: epoch == 0 ? nil : [noise * 3, generator.nextUniform()],
                               learningRate: epoch == 0 ? nil : 0.1, deadFractions: [noise < 0.5 ? 0 : 0.25, nil],
                               saturatedFractions: [nil, noise / 2])
        }
    }

    /// Up to 1,023 epochs every row is kept as it is.
    func testShortCurvesKeepEveryRow() {
        let rows = curve(epochs: 1023)
        let reduced = ReducedCurve(rows, epochs: 1023)
        XCTAssertEqual(reduced.epochsPerBucket, 1)
        XCTAssertEqual(CurveFile.text(reduced.records, layers: 2), CurveFile.text(rows, layers: 2))
    }

    /// A long curve keeps four rows per bucket of w epochs: the first and last
    /// rows as they are, and each column's true minimum and maximum over the
    /// bucket (NaN ignored); never more than 4 × 1024 rows.
    func testLongCurvesKeepEachBucketsFirstLastAndExtremes() throws {
        let epochs = 50_000
        let rows = curve(epochs: epochs)
        let reduced = ReducedCurve(rows, epochs: epochs)
        let w = reduced.epochsPerBucket
        XCTAssertEqual(w, 49, "⌈50,001 / 1024⌉")
        XCTAssertLessThanOrEqual(reduced.records.count, 4 * ReducedCurve.bucketLimit)
        let buckets = stride(from: 0, through: epochs, by: w).map { Array(rows[$0 ..< min($0 + w, rows.count)]) }
        XCTAssertEqual(reduced.records.count, 4 * buckets.count)
        for (b, bucket) in buckets.enumerated() {
            let kept = Array(reduced.records[4 * b ..< 4 * b + 4])
            XCTAssertEqual(kept[0], bucket.first)
            XCTAssertEqual(kept[3], bucket.last)
            XCTAssertEqual(kept[1].epoch, bucket.first!.epoch)
            XCTAssertEqual(kept[2].epoch, bucket.last!.epoch)
            func finite(_ values: [Double]) -> [Double] { values.filter { !$0.isNaN } }
            let losses = finite(bucket.map(\.trainLoss))
            XCTAssertEqual(kept[1].trainLoss, losses.min(), "bucket \(b)")
            XCTAssertEqual(kept[2].trainLoss, losses.max(), "bucket \(b)")
            XCTAssertEqual(kept[1].validationLoss, bucket.compactMap(\.validationLoss).min())
            XCTAssertEqual(kept[2].trainAccuracy, bucket.compactMap(\.trainAccuracy).max())
            let norms = bucket.compactMap { $0.gradientNorms?[1] }
            if !norms.isEmpty { XCTAssertEqual(kept[2].gradientNorms?[1], norms.max()) }
            XCTAssertEqual(kept[2].saturatedFractions[1], bucket.compactMap { $0.saturatedFractions[1] }.max())
            XCTAssertEqual(kept[1].deadFractions, [bucket.compactMap { $0.deadFractions[0] }.min(), nil])
        }
    }

    /// The summary gathered row by row is the one `RunSummary` computes from every row.
    func testTheSummaryIsTakenFromEveryRow() throws {
        let rows = curve(epochs: 5000)
        let training = try ExperimentLoader.load(data: Data("""
            {"name": "t", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse",
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 5000}}
            """.utf8), file: "t.json", baseDirectory: ".").runs[0].training
        let reduced = ReducedCurve(rows, epochs: 5000)
        let summary = RunSummary(run: "r", sweepLabels: [], seed: 0, training: training, curve: reduced.summary)
        let best = rows.min { $0.validationLoss! < $1.validationLoss! }!
        XCTAssertEqual(summary.bestEpoch, best.epoch)
        XCTAssertEqual(summary.bestValidationLoss, best.validationLoss)
        XCTAssertEqual(summary.trainLoss, rows.last!.trainLoss)
        XCTAssertEqual(summary.epochs, 5000)
        XCTAssertEqual(summary, RunSummary(run: "r", sweepLabels: [], seed: 0, training: training, curve: rows))
    }

    /// Streamed to curve.csv while training and read back in chunks (the file is
    /// several MiB: many reads, rows cut at chunk ends), the curve is the one
    /// `CurveFile.text` writes, and its reduction equals the one made in memory.
    func testAStreamedCurveReadsBackExactly() throws {
        let rows = curve(epochs: 30_000)
        let run = RunFolder(path: folder.appendingPathComponent("run").path)
        var writer = try CurveWriter(run, layers: 2)
        var inMemory = ReducedCurve(epochs: 30_000)
        for row in rows {
            writer.append(row)
            inMemory.append(row)
        }
        inMemory.close()
        try writer.finish()
        let text = try String(contentsOfFile: run.curve, encoding: .utf8)
        XCTAssertGreaterThan(text.utf8.count, 2 << 20)
        XCTAssertEqual(text, CurveFile.text(rows, layers: 2))
        let read = try XCTUnwrap(CurveFile.read(run))
        XCTAssertEqual(read.count, rows.count)
        for (a, b) in zip(read, rows) where a != b {
            // NaN is the one value that is not equal to itself.
            XCTAssert(a.trainLoss.isNaN && b.trainLoss.isNaN, "epoch \(a.epoch)")
        }
        let fromDisk = try XCTUnwrap(CurveFile.reduced(run, epochs: 30_000))
        XCTAssertEqual(fromDisk.records.count, inMemory.records.count)
        XCTAssertEqual(fromDisk.summary, inMemory.summary)
        XCTAssertEqual(CurveFile.text(fromDisk.records, layers: 2), CurveFile.text(inMemory.records, layers: 2))
    }

    /// A writer dropped before `finish` (an interrupted run) leaves no file behind.
    func testAnUnfinishedWriterLeavesNothing() throws {
        let run = RunFolder(path: folder.appendingPathComponent("run").path)
        do {
            var writer = try CurveWriter(run, layers: 2)
            for row in curve(epochs: 10) { writer.append(row) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path), [])
    }

    /// Not a curve: a wrong header, a short row, a cell that is not a number.
    func testMalformedCurvesAreRefused() throws {
        let good = CurveFile.text(curve(epochs: 3), layers: 2)
        XCTAssertNotNil(CurveFile.parse(good, layers: 2))
        XCTAssertNil(CurveFile.parse(good, layers: 3))
        XCTAssertNil(CurveFile.parse(good.replacingOccurrences(of: "\n2,", with: "\nx,"), layers: 2))
        XCTAssertNil(CurveFile.parse(good.replacingOccurrences(of: ",0.1,", with: ",0.1x,"), layers: 2))
        XCTAssertNil(CurveFile.parse(good + "7,1\n", layers: 2))
        XCTAssertNil(CurveFile.parse(String(good.prefix { $0 != "\n" }) + "\n", layers: 2), "a header and no row")
    }

    /// Training into a sink gives the rows `Trainer.train` keeps, and past
    /// epoch 0 hands the sink one record whose storage it reuses.
    func testTrainingIntoASinkGivesTheKeptCurve() throws {
        let run = try ExperimentLoader.load(data: Data("""
            {"name": "t", "data": {"source": "moons", "samples": 40}, "model": {"hidden": [4, 3]}, "loss": "binary_cross_entropy",
             "optimizer": {"name": "adam", "learning_rate": 0.01}, "training": {"epochs": 30, "batch_size": 8}}
            """.utf8), file: "t.json", baseDirectory: ".").runs[0]
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        let kept = try XCTUnwrap(Trainer.train(run, data: data))
        var reduced = ReducedCurve(epochs: 30)
        let trained = try XCTUnwrap(Trainer.train(run, data: data, curve: &reduced))
        reduced.close()
        XCTAssertEqual(reduced.records, kept.curve)
        XCTAssertEqual(trained.network, kept.network)
        XCTAssertEqual(trained.epochs, 30)
    }
}
