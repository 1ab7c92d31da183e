import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// `nnlab lr-find`'s range test, recomputed from its definition.
final class LearningRateFinderTests: XCTestCase {
    func run(_ text: String) throws -> (RunConfig, PreparedData) {
        let run = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
        return (run, try run.data.prepare(outputs: run.model.outputs, cache: CSVCache()))
    }

    static let moons = """
        {"name": "f", "data": {"source": "moons", "samples": 100, "noise": 0.2}, "model": {"hidden": [8]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 1, "batch_size": 16}}
        """

    /// The rates are start·(end/start)^(i/(steps−1)); the smoothed loss is the debiased
    /// moving average of the recorded batch losses; the batch losses are those of the
    /// run's batches (epochs repeating), trained step by step at those rates.
    func testStepsFollowTheDefinition() throws {
        let (config, data) = try run(Self.moons)
        let settings = LearningRateFinder.Settings(start: 1e-4, end: 1, steps: 30)
        let result = LearningRateFinder.run(config, data: data, settings: settings)
        XCTAssertEqual(result.steps.count, 30)
        XCTAssertFalse(result.stoppedEarly)
        XCTAssertEqual(result.steps.map(\.step), Array(0 ..< 30))
        var average = 0.0
        for (i, step) in result.steps.enumerated() {
            XCTAssertEqual(step.learningRate, 1e-4 * pow(1e4, Double(i) / 29))
            average = 0.98 * average + 0.02 * step.loss
            XCTAssertEqual(step.smoothedLoss, average / (1 - pow(0.98, Double(i + 1))), accuracy: 1e-15)
        }
        XCTAssertEqual(result.steps.last?.learningRate ?? 0, 1, accuracy: 1e-15)

        // The batch losses by hand: 80 training samples in batches of 16 (5 per epoch), from the initial weights.
        var generator = Generator(seed: 0)
        var network = config.initialNetwork(&generator)
        var state = config.optimizer.optimizer.makeState(for: network)
        var order = Array(0 ..< data.trainingInputs.rows)
        for i in 0 ..< 12 {
            if i % 5 == 0 { generator.shuffle(&order) }
            let rows = Array(order[(i % 5) * 16 ..< (i % 5) * 16 + 16])
            var workspace = Workspace(network: network, batchSize: 16)
            network.forward(Matrix(rows.map { data.trainingInputs.row($0) }), in: &workspace)
            let loss = network.backward(targets: Matrix(rows.map { data.trainingTargets.row($0) }), loss: config.loss, in: &workspace)
            XCTAssertEqual(loss, result.steps[i].loss, "step \(i)")
            config.optimizer.optimizer.with(learningRate: settings.learningRate(i)).update(&network, gradients: workspace.gradients, state: &state)
        }
    }

    /// A range up to a rate that diverges stops once the smoothed loss passes 4× its minimum, and
    /// the suggestions come from the kept steps.
    func testStopsWhenTheLossDivergesAndSuggests() throws {
        let (config, data) = try run(Self.moons)
        let result = LearningRateFinder.run(config, data: data, settings: .init(start: 1e-3, end: 1e4, steps: 100))
        XCTAssert(result.stoppedEarly)
        let last = try XCTUnwrap(result.steps.last)
        let best = result.steps.map(\.smoothedLoss).min()!
        XCTAssert(!last.smoothedLoss.isFinite || last.smoothedLoss > 4 * best)
        XCTAssert(result.steps.dropLast().allSatisfy { $0.smoothedLoss <= 4 * best })
        let kept = result.steps[10 ..< result.steps.count - 5]
        let minimum = kept.min { $0.smoothedLoss < $1.smoothedLoss }!
        XCTAssertEqual(result.minimumOverTen, minimum.learningRate / 10)
        let slopes = zip(kept, kept.dropFirst()).map { ($0.learningRate, ($1.smoothedLoss - $0.smoothedLoss) / (log($1.learningRate) - log($0.learningRate))) }
        XCTAssertEqual(result.steepest, slopes.min { $0.1 < $1.1 }!.0)
        // Deterministic, and the CSV reads back.
        let again = LearningRateFinder.run(config, data: data, settings: .init(start: 1e-3, end: 1e4, steps: 100))
        XCTAssertEqual(again.steps, result.steps)
        XCTAssertEqual(LRFindFolder.parse(LRFindFolder.csv(result)), result.steps)
        XCTAssert(LRFindFolder.chart(result, title: "t").hasPrefix("<svg"))
    }
}
