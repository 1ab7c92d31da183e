import Foundation
import XCTest

/// End-to-end tests of the built `nnlab` executable.
final class CommandLineTests: XCTestCase {
    func testVersionAndHelpExitZero() throws {
        let version = try runTool(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssert(version.stdout.hasPrefix("nnlab "), version.stdout)
        let help = try runTool(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssert(help.stdout.contains("Usage:"), help.stdout)
    }

    func testUnknownCommandIsAUsageErrorWithExitTwo() throws {
        let result = try runTool(["frobnicate"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "nnlab: error: unknown command 'frobnicate' (see 'nnlab --help')\n")
        XCTAssertEqual(result.stdout, "")
    }

    /// Mistyped commands and options get the nearest name, as swift-argument-parser does.
    func testTyposGetSuggestions() throws {
        let command = try runTool(["chek"])
        XCTAssertEqual(command.status, 2)
        XCTAssertEqual(command.stderr, "nnlab: error: unknown command 'chek'; did you mean 'check'? (see 'nnlab --help')\n")
        let option = try runTool(["check", "--hepl"])
        XCTAssertEqual(option.status, 2)
        XCTAssertEqual(option.stderr, "nnlab: error: unknown option '--hepl'; did you mean '--help'?\nUsage: nnlab check [PATH ...]\n")
        let global = try runTool(["--verison"])
        XCTAssertEqual(global.stderr, "nnlab: error: unknown option '--verison'; did you mean '--version'?\nUsage: nnlab COMMAND [ARGUMENTS ...] (see 'nnlab --help')\n")
    }

    func testCheckHelp() throws {
        let help = try runTool(["check", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssert(help.stdout.contains("Usage: nnlab check [PATH ...]"), help.stdout)
        XCTAssert(try runTool(["--help"]).stdout.contains("check"))
    }

    /// `nnlab check` on the shipped experiments: every file valid, exit 0.
    func testCheckAcceptsTheShippedExperiments() throws {
        let result = try runTool(["check"], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        XCTAssert(result.stdout.contains("experiments/learning-rate.json: learning-rate, 27 runs"), result.stdout)
        XCTAssert(result.stdout.contains("  optimizer.learning_rate  9 × 0.001, 0.00316227766017, 0.01, 0.0316227766017, …, 10"), result.stdout)
        XCTAssert(result.stdout.hasSuffix("13 experiments, 96 runs: all valid\n"), result.stdout)
    }

    /// An invalid file: every mistake on stderr, compiler-style, exit 2, nothing on stdout for it.
    func testCheckReportsEveryMistakeAndExitsTwo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-check-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            {"name": "bad",
             "data": {"source": "moons"},
             "model": {"hidden": [4], "activation": "rleu"},
             "loss": "binary_cross_entropy",
             "optimizer": {"name": "sgd", "learning_rate": -0.1},
             "training": {"epochs": 5}}
            """.write(to: folder.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let result = try runTool(["check", "bad.json", "missing.json"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr, "missing.json: error: no such file or folder\n")
        let bad = try runTool(["check", "bad.json"], in: folder)
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, """
            bad.json:3:41: error: model.activation: unknown activation "rleu"; did you mean "relu"? (one of: identity, sigmoid, tanh, relu, leaky_relu, softmax, zero)
            bad.json:5:48: error: optimizer.learning_rate: expected a positive number, found -0.1
            1 of 1 experiment file has errors

            """)
    }
}

/// The package's root folder, where `experiments/` is.
var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The output and exit status of one run of the built tool.
struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `nnlab` executable built next to the test bundle; `environment`
/// is added to the test's own.
func runTool(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ToolResult {
    try runProgram(productsDirectory.appendingPathComponent("nnlab"), arguments, in: directory, environment: environment)
}

/// Runs a program to its end; its exit status and output.
func runProgram(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                environment: [String: String] = [:]) throws -> ToolResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
}

/// Every file below `root` by relative path, with its bytes, but those `excluded` names.
func filesBelow(_ root: URL, excluding excluded: (String) -> Bool = { _ in false }) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = root.appendingPathComponent(path).path
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue, !excluded(path) else { continue }
        files[path] = try Data(contentsOf: URL(fileURLWithPath: full))
    }
    return files
}

/// The build folder holding the `nnlab` executable: the test bundle's folder on
/// macOS, the bundle itself on Linux (where the bundle URL is that folder).
var productsDirectory: URL {
    let bundle = Bundle(for: CommandLineTests.self).bundleURL
    for candidate in [bundle, bundle.deletingLastPathComponent()]
    where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("nnlab").path) {
        return candidate
    }
    return bundle
}
