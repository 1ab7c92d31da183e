import Foundation
import XCTest
@testable import Experiments

/// The plan is pure: from the experiments and what is on disk, which runs train,
/// which are reused, which folders are stale; and the outline publishing reads
/// names the same runs as the loader.
final class RunPlanTests: XCTestCase {
    let text = """
        {"name": "p", "data": {"source": "moons", "samples": 40}, "model": {"hidden": [4]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.1},
         "training": {"epochs": 2}, "seeds": 2, "sweep": {"model.activation": ["relu", "tanh"]}}
        """

    func testFinishedRunsAreThoseWhoseConfigIsTheOneTheyWouldWrite() throws {
        let experiment = try ExperimentLoader.load(data: Data(text.utf8), file: "p.json", baseDirectory: ".")
        let tree = ResultsTree(root: "out")
        let folder = tree.experiment("p")
        let runs = experiment.runs
        func digest(_ index: Int) -> String { SHA256.hex(Data(ConfigFile.text(runs[index], in: folder.run(runs[index].name)).utf8)) }
        let disk = RunsOnDisk(folders: Set(runs.map(\.name) + ["activation=sigmoid,seed=0"]),
                              finishedConfigs: [runs[0].name: digest(0), runs[1].name: digest(2), "activation=sigmoid,seed=0": digest(3)])
        let plan = RunPlan.make([experiment], onDisk: [disk], tree: tree, fresh: false)
        XCTAssertEqual(plan.total, 4)
        XCTAssertEqual(plan.reused, 1)
        XCTAssertEqual(plan.jobs.map(\.run), [1, 2, 3])
        XCTAssertEqual(plan.outdatedConfigs, [[runs[1].name]], "a config of other settings is removed before its run trains again")
        XCTAssertEqual(plan.staleFolders, [["activation=sigmoid,seed=0"]])

        let fresh = RunPlan.make([experiment], onDisk: [disk], tree: tree, fresh: true)
        XCTAssertEqual(fresh.jobs.map(\.run), [0, 1, 2, 3])
        XCTAssertEqual(fresh.outdatedConfigs, [[runs[0].name, runs[1].name]])
    }

    func testTheOutlineNamesTheLoadersRuns() throws {
        let experiment = try ExperimentLoader.load(data: Data(text.utf8), file: "p.json", baseDirectory: ".")
        let outline = try ExperimentLoader.outline(data: Data(text.utf8), file: "p.json")
        XCTAssertEqual(outline.runs.map(\.name), experiment.runs.map(\.name))
        XCTAssertEqual(outline.runs.map(\.labels), experiment.runs.map { $0.sweepValues.map(\.label) })
        XCTAssertEqual(outline.runs.map(\.point), [0, 0, 1, 1])
        XCTAssertEqual(outline.trainings, [experiment.runs[0].training, experiment.runs[2].training])
        XCTAssertEqual(outline.seedsPerPoint, 2)
    }

    /// SHA-256's known answers (FIPS 180-4 examples).
    func testSHA256() {
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(Data(repeating: 0x61, count: 1_000_000)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
