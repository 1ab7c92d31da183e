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
        XCTAssertEqual(Array(layers[1].keys).sorted(), ["a", "activation", "bias_gradient", "biases_after", "delta", "layer",
                                                        "weight_gradient", "weights_after", "z"])
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
}
