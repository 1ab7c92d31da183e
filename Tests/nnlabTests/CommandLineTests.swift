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
        XCTAssert(result.stderr.contains("unknown command 'frobnicate'"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}

/// The output and exit status of one run of the built tool.
struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `nnlab` executable built next to the test bundle.
func runTool(_ arguments: [String], in directory: URL? = nil) throws -> ToolResult {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("nnlab")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
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
