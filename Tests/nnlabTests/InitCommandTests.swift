import Foundation
import XCTest
@testable import nnlab

/// `nnlab init` writes a starter experiment that checks, and never overwrites one.
final class InitCommandTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("InitCommandTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testEveryStarterPassesCheck() throws {
        let folder = try temporaryFolder()
        try Data("a,b,label\n1,2,x\n2,1,y\n3,3,x\n4,1,y\n0,0,x\n".utf8).write(to: folder.appendingPathComponent("points.csv"))
        let cases: [[String]] = [
            [], ["lr", "--question", "lr"], ["acts", "--question", "activations", "--data", "spirals"],
            ["losses", "--question", "loss", "--data", "blobs"], ["opt", "--question", "optimizers", "--data", "sine"],
            ["table", "--data", "points.csv", "--question", "lr"],
        ]
        for arguments in cases {
            let written = try runTool(["init"] + arguments, in: folder)
            XCTAssertEqual(written.status, 0, "\(arguments): \(written.stderr)")
            let file = "experiments/\(arguments.first ?? "first-experiment").json"
            XCTAssert(written.stdout.hasPrefix("wrote \(file) ("), written.stdout)
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            XCTAssert(text.contains(#""$schema": "../schema/experiment.schema.json""#), text)
            let check = try runTool(["check", file], in: folder)
            XCTAssertEqual(check.status, 0, "\(arguments): \(check.stderr)")
            XCTAssert(check.stdout.hasSuffix("all valid\n"), check.stdout)
        }
    }

    func testAnExistingFileIsNotOverwritten() throws {
        let folder = try temporaryFolder()
        XCTAssertEqual(try runTool(["init", "mine"], in: folder).status, 0)
        let file = folder.appendingPathComponent("experiments/mine.json")
        try Data("{}".utf8).write(to: file)
        let again = try runTool(["init", "mine", "--question", "lr"], in: folder)
        XCTAssertEqual(again.status, 2)
        XCTAssertEqual(again.stderr, "nnlab: error: experiments/mine.json already exists; give another NAME (nnlab init NAME) or remove the file first\n")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "{}")
    }

    func testMistakenRequestsExitTwo() throws {
        let folder = try temporaryFolder()
        let question = try runTool(["init", "--question", "speed"], in: folder)
        XCTAssertEqual(question.status, 2)
        XCTAssert(question.stderr.hasPrefix("nnlab: error: option '--question': expected one of lr, activations, loss, optimizers, found 'speed'\n"), question.stderr)
        let regression = try runTool(["init", "--question", "loss", "--data", "sine"], in: folder)
        XCTAssertEqual(regression.status, 2)
        XCTAssertEqual(regression.stderr, "nnlab: error: --question loss compares mse with cross-entropy, which needs classification data; sine is regression\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("experiments/first-experiment.json").path))
    }

    /// The live progress line fits the terminal: never as wide as it, so it never wraps.
    func testTheProgressLineFitsTheTerminal() {
        let parts = ["12/33 runs", "0:04 elapsed", "~0:07 left", "2 diverged"]
        XCTAssertEqual(progressLine(parts, fraction: 0.5, columns: 120),
                       "[############············] 12/33 runs  0:04 elapsed  ~0:07 left  2 diverged")
        for columns in 1 ... 120 {
            XCTAssertLessThan(progressLine(parts, fraction: 0.5, columns: columns).count, max(columns, 2), "\(columns) columns")
        }
        XCTAssertEqual(progressLine(parts, fraction: 0.5, columns: 50), "12/33 runs  0:04 elapsed  ~0:07 left  2 diverged")
        XCTAssertEqual(progressLine(parts, fraction: 0.5, columns: 30), "12/33 runs  0:04 elapsed")
    }
}
