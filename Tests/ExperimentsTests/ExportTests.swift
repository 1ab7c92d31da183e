import Foundation
import XCTest
@testable import Experiments

/// What the exports make of a results tree, in memory: curves read by their
/// header (columns added later flow through), scalar tags, the table's column
/// order and cells.
final class ExportTests: XCTestCase {
    func curve(_ text: String) throws -> CurveTable {
        try XCTUnwrap(CurveFile.table(text), text)
    }

    func testACurveIsReadByItsHeaderWithEveryColumn() throws {
        let table = try curve("epoch,train_loss,learning_rate,grad_norm_1,dead_1,saturated_2\n0,0.5,,,0,\n1,nan,0.1,inf,0.25,-inf\n")
        XCTAssertEqual(table.columns, ["train_loss", "learning_rate", "grad_norm_1", "dead_1", "saturated_2"])
        XCTAssertEqual(table.epochs, [0, 1])
        XCTAssertEqual(table.rows[0], [0.5, nil, nil, 0, nil])
        XCTAssert(table.rows[1][0]!.isNaN)
        XCTAssertEqual(Array(table.rows[1][1...]), [0.1, .infinity, 0.25, -.infinity])
        XCTAssertNil(CurveFile.table("epoch,train_loss\n0,x\n"), "not a number")
        XCTAssertNil(CurveFile.table("epoch,train_loss\n0\n"), "a short row")
        XCTAssertNil(CurveFile.table("train_loss\n0\n"), "no epoch column")
    }

    func testScalarTags() {
        let tags = ["train_loss", "validation_accuracy", "learning_rate", "grad_norm_3", "dead_1", "saturated_12", "train_"]
            .map(TensorBoardExport.tag(column:))
        XCTAssertEqual(tags, ["loss/train", "accuracy/validation", "learning_rate", "grad_norm/layer_3", "dead/layer_1",
                              "saturated/layer_12", "train_"])
    }

    func run(_ name: String, _ values: String, labels: [String], seed: Int, status: RunStatus, curve text: String) throws -> ExportedExperiment.Run {
        let nodes = try XCTUnwrap(JSONReader.parse(Data(values.utf8)).value.elements)
        return ExportedExperiment.Run(name: name, sweepValues: nodes, sweepLabels: labels, seed: seed, status: status,
                                      curve: try curve(text), model: nil)
    }

    /// Two experiments with different sweeps and depths: the union of their columns,
    /// plain ones first, then each per-layer family by layer; blanks where a run has none.
    func testTheTableJoinsExperimentsColumnByColumn() throws {
        let a = ExportedExperiment(folder: ExperimentFolder(path: "r/a"), name: "a", sweepPaths: ["optimizer.learning_rate", "model.hidden"],
                                   runs: [try run("lr=0.1,seed=0", "[0.1, [16, 16]]", labels: ["0.1", "16-16"], seed: 0, status: .completed,
                                                  curve: "epoch,train_loss,grad_norm_1,grad_norm_2,dead_1\n0,1,,,0.5\n1,0.5,2,3,0.25\n")],
                                   missing: [])
        let b = ExportedExperiment(folder: ExperimentFolder(path: "r/b"), name: "b", sweepPaths: ["training.shuffle", "optimizer.learning_rate"],
                                   runs: [try run("s", "[false, 1e-5]", labels: ["false", "1e-5"], seed: 3, status: .diverged,
                                                  curve: "epoch,train_loss,validation_loss,grad_norm_1,grad_norm_2,grad_norm_3\n0,2,3,,,\n1,inf,nan,1,2,3\n")],
                                   missing: ["t"])
        XCTAssertEqual(TidyTable.text([a, b]), """
            experiment,run,optimizer.learning_rate,model.hidden,training.shuffle,seed,status,epoch,train_loss,validation_loss,grad_norm_1,grad_norm_2,grad_norm_3,dead_1
            a,"lr=0.1,seed=0",0.1,16-16,,0,completed,0,1,,,,,0.5
            a,"lr=0.1,seed=0",0.1,16-16,,0,completed,1,0.5,,2,3,,0.25
            b,s,1e-5,,false,3,diverged,0,2,3,,,,
            b,s,1e-5,,false,3,diverged,1,inf,nan,1,2,3,

            """)
        XCTAssertEqual(layerColumn("grad_norm_12")?.family, "grad_norm")
        XCTAssertNil(layerColumn("grad_norm_01"))
        XCTAssertNil(layerColumn("learning_rate"))
    }
}
