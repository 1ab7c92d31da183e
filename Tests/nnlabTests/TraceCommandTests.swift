import Foundation
import XCTest

/// `nnlab trace` end to end: the JSON form of SPEC §6 and its errors.
final class TraceCommandTests: XCTestCase {
    /// The one-neuron exercise: ∂C/∂w₁ ≈ 2.081, ∂C/∂w₂ ≈ −0.004, ∂C/∂b ≈ −0.139 and the updated w₁.
    func testTheExerciseAsJSON() throws {
        let result = try runTool(["trace", "experiments/backprop-exercise.json", "--format", "json"], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["experiment"] as? String, "backprop-exercise")
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, 1)
        let step = steps[0]
        XCTAssertEqual(step["step"] as? Int, 1)
        XCTAssertEqual(step["samples"] as? [Int], [0])
        XCTAssertEqual(step["inputs"] as? [[Double]], [[3]])
        XCTAssertEqual(step["targets"] as? [[Double]], [[1]])
        XCTAssertEqual((step["loss"] as? Double) ?? 0, 0.28842841648243966, accuracy: 1e-15)
        let layers = try XCTUnwrap(step["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.map { $0["layer"] as? Int }, [1, 2])
        XCTAssertEqual(layers.map { $0["activation"] as? String }, ["relu", "sigmoid"])
        let dw1 = try XCTUnwrap((layers[0]["weight_gradient"] as? [[Double]])?.first?.first)
        let dw2 = try XCTUnwrap((layers[1]["weight_gradient"] as? [[Double]])?.first?.first)
        let db = try XCTUnwrap((layers[1]["bias_gradient"] as? [Double])?.first)
        XCTAssertEqual(dw1, 2.081, accuracy: 0.0005)
        XCTAssertEqual(dw2, -0.004, accuracy: 0.0005)
        XCTAssertEqual(db, -0.139, accuracy: 0.0005)
        XCTAssertEqual(dw1, 2.080916562170455, accuracy: 1e-14)
        let w1 = try XCTUnwrap((layers[0]["weights_after"] as? [[Double]])?.first?.first)
        XCTAssertEqual(w1, 0.01 - 0.1 * dw1, accuracy: 1e-15)
        XCTAssertNil(layers[0]["bias_gradient"], "a layer without bias has no bias keys")
        XCTAssertNil(layers[0]["biases_after"])
        XCTAssertEqual(Array(layers[1].keys).sorted(), ["a", "activation", "activation_derivative", "bias_gradient", "biases_after", "delta",
                                                        "layer", "output_gradient", "weight_gradient", "weights_after", "z"])
        XCTAssertEqual(Array(layers[0].keys).sorted(), ["a", "activation", "activation_derivative", "backpropagated", "delta", "layer",
                                                        "weight_gradient", "weights_after", "z"])
        // The factors of δ: ∇ₐC = ŷ − t, f′(z²) = ŷ(1 − ŷ), (W²)ᵀδ² = −5 δ², f′(z¹) = 1.
        let y = 1 / (1 + exp(1.15)), delta2 = (y - 1) * y * (1 - y)
        XCTAssertEqual(try XCTUnwrap((layers[1]["output_gradient"] as? [[Double]])?.first?.first), y - 1, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap((layers[1]["activation_derivative"] as? [[Double]])?.first?.first), y * (1 - y), accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap((layers[0]["backpropagated"] as? [[Double]])?.first?.first), -5 * delta2, accuracy: 1e-15)
        XCTAssertEqual(layers[0]["activation_derivative"] as? [[Double]], [[1]])
        XCTAssertEqual(Array(step.keys).sorted(), ["inputs", "layers", "learning_rate", "loss", "output", "samples", "step", "targets"])
        XCTAssertEqual(step["learning_rate"] as? Double, 0.1)
        // Key order as SPEC §6 gives it.
        XCTAssert(result.stdout.hasPrefix("{\n  \"experiment\": \"backprop-exercise\",\n  \"steps\": ["), result.stdout)
    }

    func testSteppingASampleAndTextFormat() throws {
        let result = try runTool(["trace", "experiments/learning-rate.json", "--steps", "2", "--sample", "5"], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("━━ Step 1: sample 5 of the training set"), result.stdout)
        XCTAssert(result.stdout.contains("━━ Step 2: sample 5 of the training set"), result.stdout)
        XCTAssert(result.stdout.contains("layer 3 (1 identity)"), result.stdout)
    }

    func testMistakesAreUsageErrors() throws {
        let missing = try runTool(["trace"], in: packageRoot)
        XCTAssertEqual(missing.status, 2)
        XCTAssert(missing.stderr.hasPrefix("nnlab: error: missing argument FILE (an experiment file)\nUsage: nnlab trace FILE"), missing.stderr)
        let sample = try runTool(["trace", "experiments/backprop-exercise.json", "--sample", "1"], in: packageRoot)
        XCTAssertEqual(sample.status, 2)
        XCTAssert(sample.stderr.hasPrefix("nnlab: error: option '--sample': expected a training sample from 0 to 0 (the training set has 1), found '1'"), sample.stderr)
        let format = try runTool(["trace", "experiments/backprop-exercise.json", "--format", "yaml"], in: packageRoot)
        XCTAssertEqual(format.status, 2)
        XCTAssert(format.stderr.contains("option '--format': expected text or json, found 'yaml'"), format.stderr)
    }

    /// --check prints ĝ beside each gradient with its relative error, in text and JSON, and exits 0 when all agree.
    func testCheck() throws {
        let text = try runTool(["trace", "experiments/exercise-two-layer.json", "--check"], in: packageRoot)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssert(text.stdout.contains("Gradient check: backprop's g = ∂C/∂θ beside ĝ = [C(θ + h) − C(θ − h)] / 2h,\n"), text.stdout)
        XCTAssert(text.stdout.contains("    ĝ for ∂C/∂W² = [   0.1643340811    0.1653352557 ]"), text.stdout)
        XCTAssert(text.stdout.contains("  passed: 12 of 12 gradients within 1e-5"), text.stdout)
        let json = try runTool(["trace", "experiments/exercise-two-layer.json", "--check", "--format", "json"], in: packageRoot)
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let step = try XCTUnwrap((object["steps"] as? [[String: Any]])?.first)
        let summary = try XCTUnwrap(step["gradient_check"] as? [String: Any])
        XCTAssertEqual(summary["passed"] as? Bool, true)
        XCTAssertEqual(summary["tolerance"] as? Double, 1e-5)
        XCTAssertLessThan(try XCTUnwrap(summary["largest_relative_error"] as? Double), 1e-7)
        let layer = try XCTUnwrap((step["layers"] as? [[String: Any]])?.last)
        let check = try XCTUnwrap(layer["gradient_check"] as? [String: Any])
        let estimate = try XCTUnwrap((check["weight_gradient"] as? [[Double]])?.first?.first)
        let gradient = try XCTUnwrap((layer["weight_gradient"] as? [[Double]])?.first?.first)
        XCTAssertEqual(estimate, gradient, accuracy: 1e-9)
        XCTAssertEqual(check["bias_kink"] as? [Bool], [false, false])
    }

    /// A step whose loss is not finite cannot be checked: exit status 1.
    func testACheckThatCannotPassExitsOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("huge.json")
        try """
            {"name": "huge", "data": {"source": "inline", "inputs": [[1e10]], "targets": [[0]]},
             "model": {"inputs": 1, "layers": [{"units": 1, "activation": "identity", "weights": [[1e300]]}]},
             "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 1}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try runTool(["trace", file.path, "--check"])
        XCTAssertEqual(result.status, 1)
        XCTAssert(result.stdout.contains("not checked: the loss is not finite"), result.stdout)
        XCTAssert(result.stderr.contains("nnlab: error: gradient check failed"), result.stderr)
    }

    /// --run traces a named run of a sweep; a run's config.json traces the same run.
    func testAnyRunOfASweepAndARunsConfig() throws {
        let named = try runTool(["trace", "experiments/learning-rate.json", "--run", "learning_rate=0.1,seed=2", "--sample", "0"], in: packageRoot)
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssert(named.stdout.hasPrefix("nnlab trace: learning-rate, run learning_rate=0.1,seed=2\n"), named.stdout)
        XCTAssert(named.stdout.contains("optimizer: sgd, η = 0.1\n"), named.stdout)
        let typo = try runTool(["trace", "experiments/learning-rate.json", "--run", "learning_rate=0.1,seed=7"], in: packageRoot)
        XCTAssertEqual(typo.status, 2)
        XCTAssert(typo.stderr.contains("option '--run': expected a run of learning-rate (did you mean 'learning_rate=0.1,seed=0'?)"), typo.stderr)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-trace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runTool(["run", "experiments/mse-vs-cross-entropy.json", "--output", folder.path, "--quiet"], in: packageRoot)
        XCTAssertEqual(run.status, 0, run.stderr)
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mse-vs-cross-entropy/runs").path).sorted()
        XCTAssertEqual(runs.count, 2)
        let last = try XCTUnwrap(runs.first)  // loss=binary_cross_entropy,seed=0: the second run
        let config = folder.appendingPathComponent("mse-vs-cross-entropy/runs/\(last)/config.json").path
        let fromConfig = try runTool(["trace", config, "--steps", "2", "--format", "json"], in: packageRoot)
        let fromExperiment = try runTool(["trace", "experiments/mse-vs-cross-entropy.json", "--run", last, "--steps", "2", "--format", "json"],
                                         in: packageRoot)
        XCTAssertNotEqual(try runTool(["trace", "experiments/mse-vs-cross-entropy.json", "--steps", "2", "--format", "json"],
                                      in: packageRoot).stdout, fromExperiment.stdout, "the last run is not the first")
        XCTAssertEqual(fromConfig.status, 0, fromConfig.stderr)
        XCTAssertEqual(fromConfig.stdout, fromExperiment.stdout)
    }

    /// A batch whose trace does not fit the screen gets a one-line hint on standard error; one sample does not.
    func testHintToTraceOneSample() throws {
        let screen = ["COLUMNS": "100", "LINES": "50"]
        let batch = try runTool(["trace", "experiments/learning-rate.json"], in: packageRoot, environment: screen)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let lines = batch.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(batch.stderr, "nnlab: hint: a batch of 32 makes this trace \(lines.count) lines up to \(lines.map(\.count).max() ?? 0) columns; "
                       + "--sample I traces training sample I alone (I from 0 to 299)\n")
        let one = try runTool(["trace", "experiments/learning-rate.json", "--sample", "3"], in: packageRoot, environment: screen)
        XCTAssertEqual(one.stderr, "")
        let exercise = try runTool(["trace", "experiments/backprop-exercise.json"], in: packageRoot, environment: screen)
        XCTAssertEqual(exercise.stderr, "", "a batch of one sample has nothing to cut")
        let json = try runTool(["trace", "experiments/learning-rate.json", "--format", "json"], in: packageRoot, environment: screen)
        XCTAssertEqual(json.stderr, "")
    }
}
