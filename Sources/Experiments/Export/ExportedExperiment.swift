import Foundation
import NeuralNetwork

/// An experiment's finished runs as the exports read them, from disk alone:
/// which runs there are and their sweep values from the experiment copy's
/// outline, each finished run's curve (every column, `CurveTable`), status
/// (as `summary.csv` derives it) and final model. A run is finished when its
/// config, model and curve are there, as for publishing; the others are `missing`.
public struct ExportedExperiment: Sendable {
    public struct Run: Sendable {
        public var name: String
        /// The sweep values, in axis order, and their labels.
        public var sweepValues: [JSONNode]
        public var sweepLabels: [String]
        public var seed: Int
        public var status: RunStatus
        public var curve: CurveTable
        /// The final network; nil when `model.json` is not a valid model (a diverged run's null weights).
        public var model: Network?
    }

    public var folder: ExperimentFolder
    public var name: String
    public var sweepPaths: [String]
    /// The finished runs, in run order.
    public var runs: [Run]
    /// The runs not finished on disk, in run order.
    public var missing: [String]

    /// Reads an experiment folder; throws the experiment copy's diagnostics when it is missing or invalid.
    public static func read(_ folder: ExperimentFolder) throws(Diagnostics) -> ExportedExperiment {
        let outline = try ExperimentCopy.outline(folder)
        var runs: [Run] = []
        var missing: [String] = []
        for run in outline.runs {
            let runFolder = folder.run(run.name)
            guard FileManager.default.fileExists(atPath: runFolder.config), FileManager.default.fileExists(atPath: runFolder.model),
                  let records = CurveFile.read(runFolder), let curve = CurveFile.table(runFolder) else {
                missing.append(run.name)
                continue
            }
            let summary = RunSummary(run: run.name, sweepLabels: run.labels, seed: run.seed,
                                     training: outline.trainings[run.point], curve: records)
            runs.append(Run(name: run.name, sweepValues: run.values, sweepLabels: run.labels, seed: run.seed,
                            status: summary.status, curve: curve, model: ModelFile.read(runFolder)))
        }
        return ExportedExperiment(folder: folder, name: outline.name, sweepPaths: outline.sweepPaths, runs: runs, missing: missing)
    }
}

extension ExportedExperiment.Run {
    /// The sweep values as typed values: numbers, strings and booleans as
    /// they are; a list or an object as its label (`16-16`, `adam+cosine`).
    var sweep: [HParamValue] {
        zip(sweepValues, sweepLabels).map { node, label in
            switch node.value {
            case .number(let x, _): return .number(x)
            case .string(let s): return .string(s)
            case .bool(let b): return .bool(b)
            case .null, .array, .object: return .string(label)
            }
        }
    }
}

extension [ExportedExperiment] {
    /// Every sweep path of the experiments, in the order they first appear.
    var sweepPaths: [String] {
        var paths: [String] = []
        for experiment in self {
            for path in experiment.sweepPaths where !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// Every curve column of every run, in a fixed order: `epoch`; the columns
    /// without a layer number in the order they first appear (`train_loss,
    /// validation_loss, train_accuracy, validation_accuracy, learning_rate`);
    /// then each per-layer family (`grad_norm_l`, `dead_l`, `saturated_l`, …) in
    /// the order it first appears, its layers from 1 up.
    var curveColumns: [String] {
        var plain: [String] = []
        var families: [String] = []
        var layers: [String: Set<Int>] = [:]
        for run in flatMap(\.runs) {
            for column in run.curve.columns {
                if let (family, layer) = layerColumn(column) {
                    if layers[family] == nil { families.append(family) }
                    layers[family, default: []].insert(layer)
                } else if !plain.contains(column) {
                    plain.append(column)
                }
            }
        }
        return ["epoch"] + plain + families.flatMap { family in layers[family, default: []].sorted().map { "\(family)_\($0)" } }
    }
}

/// A per-layer column's family and layer: `grad_norm_3` → ("grad_norm", 3); nil for other columns.
func layerColumn(_ column: String) -> (family: String, layer: Int)? {
    guard let underscore = column.lastIndex(of: "_") else { return nil }
    let digits = column[column.index(after: underscore)...]
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let layer = Int(digits), String(layer) == digits else { return nil }
    return (String(column[..<underscore]), layer)
}
