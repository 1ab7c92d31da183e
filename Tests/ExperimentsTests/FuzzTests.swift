import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// Bad input never crashes: thousands of seeded mutations and truncations of
/// valid experiment files each give either diagnostics or a valid experiment.
final class FuzzTests: XCTestCase {
    /// Valid files to mutate: the shipped experiments and a few that reach the
    /// other parts of the format.
    func corpus() throws -> [(String, String)] {
        var files: [(String, String)] = []
        let experiments = packageRoot.appendingPathComponent("experiments")
        for name in try FileManager.default.contentsOfDirectory(atPath: experiments.path).sorted() where name.hasSuffix(".json") {
            files.append((experiments.path, try String(contentsOf: experiments.appendingPathComponent(name), encoding: .utf8)))
        }
        let samples = [
            #"{"name": "i", "data": {"source": "inline", "inputs": [[0, 1], [1, 0], [1, 1]], "targets": [[1], [2], [3]], "standardize": true}, "model": {"inputs": 2, "layers": [{"units": 2, "activation": "tanh", "weights": [[0.1, 0.2], [0.3, -0.4]], "biases": [0, 1]}, {"units": 1, "activation": "identity", "init": {"name": "normal", "std": 0.1}}]}, "loss": "mse", "optimizer": {"name": "momentum", "learning_rate": 0.01, "nesterov": true}, "training": {"epochs": 3, "batch_size": "full"}}"#,
            #"{"name": "b", "data": {"source": "blobs", "samples": 60, "classes": 4, "features": 3, "validation_split": 0.3}, "model": {"hidden": [8], "activation": "leaky_relu", "init": {"name": "uniform", "limit": 0.5}}, "loss": "cross_entropy", "optimizer": {"name": "adam", "beta1": 0.8, "weight_decay": 0.001}, "training": {"epochs": 2, "early_stopping": {"patience": 2, "min_delta": 0.01}}, "seeds": [4, 5], "sweep": {"optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "adam"}], "training.batch_size": [4, "full"]}}"#,
            #"{"name": "c", "data": {"source": "csv", "path": "../data/iris.csv", "target": "label"}, "model": {"hidden": [], "output_activation": "softmax"}, "loss": "cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 1}, "sweep": {"data.source": ["csv"], "model.hidden": [[3], [2, 2]]}}"#,
            #"{"name": "x", "data": {"source": "xor"}, "model": {"hidden": [3], "activation": "sigmoid"}, "loss": "squared_error", "optimizer": {"name": "sgd", "learning_rate": 1}, "training": {"epochs": 1}, "sweep": {"loss": ["mse", "half_squared_error"], "data.noise": {"linear": [0, 0.5], "count": 3}}}"#,
        ]
        files += samples.map { (packageRoot.appendingPathComponent("experiments").path, $0) }
        return files
    }

    func testMutationsAndTruncationsNeverTrap() throws {
        let files = try corpus()
        for (directory, text) in files {
            XCTAssertNoThrow(try ExperimentLoader.load(data: Data(text.utf8), file: "f.json", baseDirectory: directory),
                             "the corpus must start valid: \(text.prefix(60))")
        }
        var g = Generator(seed: 2024)
        let tokens = ["0", "-1", "1e308", "-1e308", "1e-320", "1e400", "9223372036854775807", "99999999999999999999",
                      "2.5", "\"\"", "\"softmax\"", "\"full\"", "null", "true", "[]", "{}", "[[]]", "[1e9]", "{\"log\": [1e-9, 1e9], \"count\": 3}",
                      "\"../../x\"", ",", ":", "{", "}", "[", "]", "\"", "\\", "\u{0}", "é", "\u{FEFF}", " "]
        var valid = 0, invalid = 0
        let cache = CSVCache()
        for iteration in 0 ..< 3_000 {
            let (directory, original) = files[g.nextInt(below: files.count)]
            var scalars = Array(original.unicodeScalars)
            let edits = 1 + g.nextInt(below: 3)
            for _ in 0 ..< edits where !scalars.isEmpty {
                let at = g.nextInt(below: scalars.count)
                switch g.nextInt(below: 5) {
                case 0: scalars.remove(at: at)
                case 1: scalars.insert(contentsOf: tokens[g.nextInt(below: tokens.count)].unicodeScalars, at: at)
                case 2: scalars[at] = "0123456789-.e,\"[]{}: ".unicodeScalars.randomElement(using: &g)!
                case 3: scalars = Array(scalars.prefix(at))
                default:
                    // Replace a whole number or string value with a hostile token.
                    let end = min(scalars.count, at + 1 + g.nextInt(below: 8))
                    scalars.replaceSubrange(at ..< end, with: tokens[g.nextInt(below: tokens.count)].unicodeScalars)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            do {
                let experiment = try ExperimentLoader.load(data: Data(String(text).utf8), file: "f.json",
                                                           baseDirectory: directory, cache: cache)
                XCTAssertFalse(experiment.runs.isEmpty, "iteration \(iteration)")
                valid += 1
            } catch {
                XCTAssertFalse(error.items.isEmpty, "iteration \(iteration)")
                for item in error.items {
                    XCTAssertFalse(item.message.isEmpty, "iteration \(iteration)")
                }
                invalid += 1
            }
        }
        // Both outcomes happen: the mutations neither only break nor only keep files valid.
        XCTAssertGreaterThan(valid, 100)
        XCTAssertGreaterThan(invalid, 1_000)
    }

    /// Every prefix of a valid file is refused with a diagnostic.
    func testEveryTruncationIsRefused() throws {
        let (directory, text) = try corpus()[0]
        let bytes = Array(text.utf8)
        for length in 0 ..< bytes.count - 1 where bytes[length] != UInt8(ascii: " ") {
            XCTAssertThrowsError(try ExperimentLoader.load(data: Data(bytes.prefix(length)), file: "f.json", baseDirectory: directory))
        }
    }

    var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
