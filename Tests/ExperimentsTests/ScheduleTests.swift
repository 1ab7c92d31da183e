import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// `optimizer.schedule` (SPEC §3.4): the rates equal torch.optim.lr_scheduler's
/// get_last_lr() to 1e-15, and curves trained with them a PyTorch float64 loop's
/// to 1e-12, against the values Tests/References/schedule_reference.py wrote
/// (torch 2.15) into schedule_reference.json; every key is validated and sweepable.
final class ScheduleTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The reference file, parsed by nnlab's own reader.
    static let reference: JSONNode? = {
        let url = packageRoot.appendingPathComponent("Tests/References/schedule_reference.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONReader.parse(data)
    }()

    func load(_ text: String) throws -> Experiment {
        try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".")
    }

    /// The diagnostics of an invalid experiment, rendered.
    func refusal(_ text: String) -> String {
        do {
            _ = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".")
            return "accepted"
        } catch {
            return error.rendered
        }
    }

    static func numbers(_ node: JSONNode?) -> [Double?] {
        (node?.value.elements ?? []).map { $0.value.doubleValue }
    }

    func assertClose(_ value: Double?, _ expected: Double?, relative: Double, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let value, let expected else {
            XCTAssert(value == nil && expected == nil, "\(message): \(String(describing: value)) vs \(String(describing: expected))",
                      file: file, line: line)
            return
        }
        XCTAssert(abs(value - expected) <= relative * abs(expected), "\(message): \(value) vs PyTorch \(expected)", file: file, line: line)
    }

    /// An experiment of one sample whose optimizer is `optimizer` (JSON text).
    func scheduleRun(_ optimizer: String) throws -> RunConfig {
        try load("""
            {"name": "s", "data": {"source": "inline", "inputs": [[0]], "targets": [[0]]}, "model": {"hidden": []},
             "loss": "mse", "optimizer": \(optimizer), "training": {"epochs": 1}}
            """).runs[0]
    }

    // MARK: - Against PyTorch

    func testRatesMatchPyTorch() throws {
        let cases = try XCTUnwrap(Self.reference?.member("schedules")?.value.value.elements, "schedule_reference.json")
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        var names = Set<String>()
        for entry in cases {
            let name = entry.member("name")?.value.value.stringValue ?? "?"
            let optimizerNode = try XCTUnwrap(entry.member("optimizer")?.value)
            let run = try scheduleRun(JSONWriter.render(optimizerNode))
            let settings = try XCTUnwrap(run.optimizer.schedule, name)
            names.insert(optimizerNode.member("schedule")?.value.member("name")?.value.value.stringValue ?? "warmup")
            let steps = try XCTUnwrap(entry.member("steps")?.value.intValue)
            let rates = Self.numbers(entry.member("rates")?.value)
            let momenta = Self.numbers(entry.member("momenta")?.value)
            let losses = Self.numbers(entry.member("losses")?.value)
            var scheduler = LearningRateScheduler(settings, baseRate: run.optimizer.optimizer.learningRate, stepsPerEpoch: 1,
                                                  totalSteps: steps)
            XCTAssertEqual(rates.count, steps + 1)
            for t in 0 ... steps {
                if t > 0 { scheduler.step(loss: losses.isEmpty ? .nan : losses[t - 1] ?? .nan) }
                assertClose(scheduler.learningRate, rates[t], relative: 1e-15, "\(name) rate \(t)")
                if !momenta.isEmpty { assertClose(scheduler.momentum, momenta[t], relative: 1e-15, "\(name) momentum \(t)") }
            }
            if momenta.isEmpty { XCTAssertNil(scheduler.momentum, name) }
        }
        XCTAssertEqual(names, ["step", "multistep", "exponential", "cosine", "linear", "one_cycle", "reduce_on_plateau", "warmup"])
    }

    func testCurvesMatchPyTorch() throws {
        let reference = try XCTUnwrap(Self.reference)
        let setup = try XCTUnwrap(reference.member("curve_setup")?.value)
        func text(_ key: String) throws -> String { JSONWriter.render(try XCTUnwrap(setup.member(key)?.value)) }
        let weights = try XCTUnwrap(setup.member("weights")?.value.value.elements)
        let biases = try XCTUnwrap(setup.member("biases")?.value.value.elements)
        let model = """
            {"inputs": 2, "layers": [
              {"units": 3, "activation": "tanh", "weights": \(JSONWriter.render(weights[0])), "biases": \(JSONWriter.render(biases[0]))},
              {"units": 1, "activation": "identity", "weights": \(JSONWriter.render(weights[1])), "biases": \(JSONWriter.render(biases[1]))}]}
            """
        let cases = try XCTUnwrap(reference.member("curves")?.value.value.elements)
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for entry in cases {
            let name = entry.member("name")?.value.value.stringValue ?? "?"
            let optimizer = JSONWriter.render(try XCTUnwrap(entry.member("optimizer")?.value))
            let run = try load("""
                {"name": "c", "data": {"source": "inline", "inputs": \(try text("inputs")), "targets": \(try text("targets"))},
                 "model": \(model), "loss": "mse", "optimizer": \(optimizer),
                 "training": {"epochs": \(try text("epochs")), "batch_size": \(try text("batch_size")), "shuffle": false}}
                """).runs[0]
            let data = try run.data.prepare(outputs: 1, cache: CSVCache())
            let result = try XCTUnwrap(Trainer.train(run, data: data))
            let losses = Self.numbers(entry.member("train_loss")?.value)
            let rates = Self.numbers(entry.member("learning_rate")?.value)
            XCTAssertEqual(result.curve.count, losses.count, name)
            for (record, (loss, rate)) in zip(result.curve, zip(losses, rates)) {
                assertClose(record.trainLoss, loss, relative: 1e-12, "\(name) loss at epoch \(record.epoch)")
                assertClose(record.learningRate, rate, relative: 1e-15, "\(name) rate at epoch \(record.epoch)")
            }
        }
    }

    // MARK: - The rules by hand

    /// Warm-up alone: ηₜ = LinearLR from f·η for W epochs, then η exactly.
    func testWarmupThenConstant() throws {
        let run = try scheduleRun(#"{"name": "sgd", "learning_rate": 0.3, "schedule": {"warmup": {"epochs": 4, "start_factor": 0.25}}}"#)
        var scheduler = LearningRateScheduler(try XCTUnwrap(run.optimizer.schedule), baseRate: 0.3, stepsPerEpoch: 1, totalSteps: 10)
        var rates = [scheduler.learningRate]
        for _ in 0 ..< 6 {
            scheduler.step()
            rates.append(scheduler.learningRate)
        }
        for (t, rate) in rates.prefix(4).enumerated() {
            XCTAssertEqual(rate, 0.3 * (0.25 + 0.75 * Double(t) / 4), accuracy: 1e-16)
        }
        XCTAssertEqual(Array(rates.suffix(3)), [0.3, 0.3, 0.3])
    }

    /// With interval "step", the rate changes within an epoch and the warm-up's epochs count in steps.
    func testIntervalStepCountsOptimizerSteps() throws {
        let run = try scheduleRun(#"{"name": "sgd", "learning_rate": 1, "schedule": {"name": "exponential", "gamma": 0.5, "interval": "step", "warmup": {"epochs": 1, "start_factor": 0.5}}}"#)
        let settings = try XCTUnwrap(run.optimizer.schedule)
        XCTAssertEqual(settings.interval, .step)
        var scheduler = LearningRateScheduler(settings, baseRate: 1, stepsPerEpoch: 2, totalSteps: 10)
        var rates = [scheduler.learningRate]
        for _ in 0 ..< 4 {
            scheduler.step()
            rates.append(scheduler.learningRate)
        }
        XCTAssertEqual(rates, [0.5, 0.75, 1, 0.5, 0.25])
    }

    /// one_cycle defaults to interval "step"; with cycle_momentum plain sgd gets a momentum buffer, as in PyTorch.
    func testOneCycleOnPlainSGDTurnsMomentumOn() throws {
        let run = try scheduleRun(#"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 1}}"#)
        XCTAssertEqual(run.optimizer.schedule?.interval, .step)
        guard case .sgd(let sgd) = run.optimizer.optimizer else { return XCTFail("sgd") }
        XCTAssertEqual(sgd.momentum, 0.95)
        let fixed = try scheduleRun(#"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 1, "cycle_momentum": false}}"#)
        XCTAssertEqual(fixed.optimizer.optimizer, .sgd(SGD(learningRate: 0.1)))
    }

    // MARK: - Trainer, tracer and curve agree

    /// The tracer steps through the trainer's batch schedule: after two epochs of
    /// traced steps the network is the trainer's, with rates that change at
    /// epochs (reduce_on_plateau on the training loss) and at steps (one_cycle).
    func testTracedStepsAreTheTrainersWithASchedule() throws {
        for schedule in [#"{"name": "reduce_on_plateau", "patience": 0, "factor": 0.5, "threshold": 0.5}"#,
                         #"{"name": "one_cycle", "max_lr": 2}"#,
                         #"{"name": "cosine", "t_max": 1, "warmup": {"epochs": 1}}"#] {
            let text = """
                {"name": "b", "data": {"source": "xor"}, "model": {"hidden": [3]}, "loss": "mse",
                 "optimizer": {"name": "sgd", "learning_rate": 0.5, "schedule": \(schedule)},
                 "training": {"epochs": 3, "batch_size": 3}, "seeds": [4]}
                """
            let run = try load(text).runs[0]
            let data = try run.data.prepare(outputs: 1, cache: CSVCache())
            let steps = Tracer.trace(run, data: data, steps: 6)
            let trained = try XCTUnwrap(Trainer.train(run, data: data))
            XCTAssertEqual(steps[5].after, trained.network, schedule)
            XCTAssertEqual(trained.curve.compactMap(\.learningRate), [steps[1].learningRate, steps[3].learningRate, steps[5].learningRate], schedule)
            XCTAssertEqual(CurveFile.parse(CurveFile.text(trained.curve, layers: 2), layers: 2), trained.curve)
        }
    }

    /// reduce_on_plateau watches the validation loss when there is one: the curve's rates are those
    /// of a scheduler stepped with the curve's validation losses.
    func testPlateauWatchesTheValidationLoss() throws {
        let run = try load("""
            {"name": "p", "data": {"source": "moons", "samples": 80, "noise": 0.3, "validation_split": 0.5}, "model": {"hidden": [16]},
             "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.2,
             "schedule": {"name": "reduce_on_plateau", "patience": 1, "factor": 0.5}}, "training": {"epochs": 40, "batch_size": 8}}
            """).runs[0]
        let data = try run.data.prepare(outputs: 1, cache: CSVCache())
        let curve = try XCTUnwrap(Trainer.train(run, data: data)).curve
        var scheduler = LearningRateScheduler(try XCTUnwrap(run.optimizer.schedule), baseRate: 0.2, stepsPerEpoch: 5, totalSteps: 40)
        for record in curve.dropFirst() {
            XCTAssertEqual(record.learningRate, scheduler.learningRate, "epoch \(record.epoch)")
            scheduler.step(loss: try XCTUnwrap(record.validationLoss))
        }
        XCTAssertLessThan(curve.last?.learningRate ?? 1, 0.2, "the rate was reduced")
    }

    func testTraceShowsTheStepsRate() throws {
        let run = try load("""
            {"name": "b", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse",
             "optimizer": {"name": "momentum", "learning_rate": 0.5, "schedule": {"name": "one_cycle", "max_lr": 1, "div_factor": 4}},
             "training": {"epochs": 10, "batch_size": 4}}
            """).runs[0]
        let data = try run.data.prepare(outputs: 1, cache: CSVCache())
        let steps = Tracer.trace(run, data: data, steps: 2)
        XCTAssertEqual(steps[0].learningRate, 0.25)
        XCTAssertEqual(steps[0].cycledMomentum, 0.95)
        let text = TraceText.render(run, steps: steps)
        for expected in ["θ ← θ − ηₜ b", "b ← μₜb + g", "ηₜ = 0.25 (t = 0), μₜ = 0.95", "(t = 1), μₜ = ",
                         "schedule: one_cycle (OneCycleLR), max_lr = 1"] {
            XCTAssert(text.contains(expected), "\(expected) in\n\(text)")
        }
        let json = TraceJSON.render(experiment: "b", steps: steps, optimizer: run.optimizer.optimizer)
        XCTAssert(json.contains("\"learning_rate\": 0.25,\n      \"momentum\": 0.95"), json)
    }

    /// The report draws the learning rate by epoch where a run's rate changes, not for constant rates.
    func testTheReportDrawsTheScheduleWhereTheRateChanges() {
        func results(_ rates: [Double]) -> ResultsFolder {
            let curve = [EpochRecord(epoch: 0, trainLoss: 1, validationLoss: nil, trainAccuracy: nil, validationAccuracy: nil, gradientNorms: nil)]
                + rates.enumerated().map { EpochRecord(epoch: $0.offset + 1, trainLoss: 0.5, validationLoss: nil, trainAccuracy: nil,
                                                       validationAccuracy: nil, gradientNorms: [1], learningRate: $0.element) }
            let run = RunSummary(run: "seed=0", sweepLabels: [], seed: 0, status: .completed, epochs: rates.count, trainLoss: 0.5,
                                 validationLoss: nil, bestValidationLoss: nil, bestEpoch: rates.count, trainAccuracy: nil, validationAccuracy: nil)
            return ResultsFolder(folder: ExperimentFolder(path: "/nowhere"), name: "r", description: nil, sweepPaths: [], runs: [run], curves: ["seed=0": curve])
        }
        XCTAssert(Report(results([0.1, 0.05, 0.025])).charts.contains { $0.file == "learning-rate-schedule.svg" })
        XCTAssertFalse(Report(results([0.1, 0.1, 0.1])).charts.contains { $0.file == "learning-rate-schedule.svg" })
    }

    // MARK: - Validation

    /// Each mistake, its located message (the optimizer is on line 3).
    func testMistakesAreLocatedAndSuggestFixes() {
        let cases: [(String, String)] = [
            (#"{"name": "cosin", "t_max": 3}"#,
             #"t.json:3:74: error: optimizer.schedule.name: unknown schedule "cosin"; did you mean "cosine"? (one of: step, multistep, exponential, cosine, linear, one_cycle, reduce_on_plateau)"#),
            (#"{"name": "cosine"}"#, #"t.json:3:65: error: optimizer.schedule: missing required key "t_max""#),
            (#"{"name": "step", "step_size": 3, "t_max": 4}"#,
             #"t.json:3:98: error: optimizer.schedule.t_max: step takes no "t_max" (cosine does)"#),
            (#"{"name": "step", "step_sise": 3}"#, #"t.json:3:82: error: optimizer.schedule.step_sise: unknown key "step_sise"; did you mean "step_size"?"#),
            (#"{"name": "exponential", "gamma": -1}"#, #"t.json:3:98: error: optimizer.schedule.gamma: expected a positive number, found -1"#),
            (#"{"name": "multistep", "milestones": [5, 3]}"#,
             #"t.json:3:105: error: optimizer.schedule.milestones[1]: milestones must increase; expected an integer > 5, found 3"#),
            (#"{"name": "linear", "start_factor": 0}"#, #"t.json:3:100: error: optimizer.schedule.start_factor: expected a number in (0, 1], found 0"#),
            (#"{"name": "one_cycle", "max_lr": 1, "warmup": {"epochs": 2}}"#,
             #"t.json:3:100: error: optimizer.schedule.warmup: one_cycle warms up by itself (pct_start, div_factor); it takes no "warmup""#),
            (#"{"name": "reduce_on_plateau", "interval": "step"}"#,
             #"t.json:3:107: error: optimizer.schedule.interval: reduce_on_plateau steps once per epoch, on the epoch's loss; expected "epoch", found "step""#),
            (#"{"name": "one_cycle", "max_lr": 1, "anneal_strategy": "cosine"}"#,
             #"t.json:3:119: error: optimizer.schedule.anneal_strategy: unknown anneal strategy "cosine" (one of: cos, linear)"#),
            // One error per mistake: the near miss, not also the missing "epochs".
            (#"{"warmup": {"epoch": 3}}"#, #"t.json:3:77: error: optimizer.schedule.warmup.epoch: unknown key "epoch"; did you mean "epochs"?"#),
            (#"{}"#, #"t.json:3:65: error: optimizer.schedule: missing required key "name""#),
            (#"{"name": "cosine", "t_max": 5, "interval": "batch"}"#,
             #"t.json:3:108: error: optimizer.schedule.interval: unknown interval "batch" (one of: epoch, step)"#),
        ]
        for (schedule, expected) in cases {
            let text = """
                {"name": "v", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse",
                 "training": {"epochs": 1},
                 "optimizer": {"name": "sgd", "learning_rate": 0.1, "schedule": \(schedule)}}
                """
            let rendered = refusal(text)
            XCTAssert(rendered.contains(expected), "\(schedule):\nexpected \(expected)\nin \(rendered)")
        }
    }

    /// Every key is sweepable; run names say what changed.
    func testScheduleKeysAreSweepable() throws {
        let text = """
            {"name": "w", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse", "training": {"epochs": 1},
             "optimizer": {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "step", "step_size": 2}},
             "sweep": {"optimizer.schedule.gamma": [0.5, 0.9], "optimizer.schedule.warmup.epochs": [1, 2]}}
            """
        let e = try load(text)
        XCTAssertEqual(e.runs.map(\.name), ["gamma=0.5,epochs=1,seed=0", "gamma=0.5,epochs=2,seed=0",
                                            "gamma=0.9,epochs=1,seed=0", "gamma=0.9,epochs=2,seed=0"])
        XCTAssertEqual(e.runs[3].optimizer.schedule, ScheduleSettings(schedule: .step(stepSize: 2, gamma: 0.9), warmup: .init(epochs: 2)))
        let whole = try load("""
            {"name": "w", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse", "training": {"epochs": 1},
             "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "sweep": {"optimizer.schedule": [{"name": "cosine", "t_max": 1}, {"warmup": {"epochs": 1}}, {"name": "one_cycle", "max_lr": 1}]}}
            """)
        XCTAssertEqual(whole.runs.map(\.name), ["schedule=cosine,seed=0", "schedule=warmup,seed=0", "schedule=one_cycle,seed=0"])
        XCTAssert(refusal("""
            {"name": "w", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse", "training": {"epochs": 1},
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "sweep": {"optimizer.schedule.gama": [0.5]}}
            """).contains(#"sweep.optimizer.schedule.gama: unknown path "optimizer.schedule.gama"; did you mean "optimizer.schedule.gamma"?"#))
    }
}
