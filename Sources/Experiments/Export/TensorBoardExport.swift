import Foundation
import NeuralNetwork

/// `nnlab export tensorboard`: experiments' runs as TensorBoard logs.
///
/// Each run's events file (`TensorBoardFolder.events(experiment:run:)`) holds,
/// in order: the file version; the run's HParams session start (its sweep
/// values and seed as hyperparameters, and `experiment` in a folder by
/// experiment); per epoch of `curve.csv`, every non-blank cell as a float32
/// scalar tagged by `tag(column:)`; the final model's weights and biases as
/// histograms (`weights/layer_l`, `biases/layer_l`; none when model.json has
/// non-finite weights); the session end (failure for a diverged run, success
/// otherwise). The folder's own events file holds the HParams experiment: each
/// hyperparameter with its type and values, and the metrics — the last value of
/// each `train_*` and `validation_*` scalar.
///
/// Deterministic: step = epoch, and wall time = epoch seconds after the Unix
/// epoch (so TensorBoard's "relative" axis reads epochs); the file version and
/// session start are at 0, the histograms and session end at the last epoch.
/// Files are written atomically (`ResultFiles`), the runs first, the folder's
/// own file last. The folder then holds this export alone: the events files an
/// earlier export wrote for runs not exported now (by their name,
/// `TensorBoardFolder.eventsFileName`; no other file is touched) are removed,
/// and their folders when that leaves them empty.
public enum TensorBoardExport {
    /// Writes every run's events file and the folder's; returns the number of runs written.
    public static func write(_ experiments: [ExportedExperiment], to folder: TensorBoardFolder) throws(WriteError) -> Int {
        var written: Set<String> = []
        for experiment in experiments {
            for run in experiment.runs {
                let path = folder.events(experiment: experiment.name, run: run.name)
                ResultFiles.removeTemporaryFiles(in: (path as NSString).deletingLastPathComponent)
                try ResultFiles.write(Data(runEvents(run, of: experiment, byExperiment: folder.byExperiment)), to: path)
                written.insert(path)
            }
        }
        try ResultFiles.write(Data(experimentEvents(experiments, byExperiment: folder.byExperiment)), to: folder.events)
        removeStaleRuns(in: folder, keeping: written)
        return written.count
    }

    /// Removes the events files at run depth that are not in `keeping`, and the folders they leave empty.
    static func removeStaleRuns(in folder: TensorBoardFolder, keeping: Set<String>) {
        func subfolders(_ path: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { joinFilePath(path, $0) }.filter {
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
            }
        }
        func removeIfEmpty(_ path: String) {
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { rmdir(path) }
        }
        let parents = folder.byExperiment ? subfolders(folder.path) : [folder.path]
        for parent in parents {
            for run in subfolders(parent) {
                let events = joinFilePath(run, TensorBoardFolder.eventsFileName)
                guard !keeping.contains(events), FileManager.default.fileExists(atPath: events) else { continue }
                unlink(events)
                removeIfEmpty(run)
            }
            if parent != folder.path { removeIfEmpty(parent) }
        }
    }

    /// A curve column's scalar tag, grouped as TensorBoard shows tags (by the
    /// text before "/"): `train_X` → `X/train`, `validation_X` → `X/validation`,
    /// a per-layer column `F_l` → `F/layer_l`, any other column as it is
    /// (`learning_rate`).
    public static func tag(column: String) -> String {
        for split in ["train", "validation"] where column.hasPrefix(split + "_") && column.count > split.count + 1 {
            return String(column.dropFirst(split.count + 1)) + "/" + split
        }
        if let (family, layer) = layerColumn(column) { return "\(family)/layer_\(layer)" }
        return column
    }

    static func hparams(_ run: ExportedExperiment.Run, of experiment: ExportedExperiment, byExperiment: Bool) -> [String: HParamValue] {
        var values: [String: HParamValue] = ["seed": .number(Double(run.seed))]
        for (path, value) in zip(experiment.sweepPaths, run.sweep) { values[path] = value }
        if byExperiment { values["experiment"] = .string(experiment.name) }
        return values
    }

    static func runEvents(_ run: ExportedExperiment.Run, of experiment: ExportedExperiment, byExperiment: Bool) -> [UInt8] {
        var events = [TensorBoardEvent.fileVersion(),
                      TensorBoardEvent.summary(wallTime: 0, step: 0,
                                               [TensorBoardEvent.sessionStart(hparams(run, of: experiment, byExperiment: byExperiment),
                                                                              startTime: 0)])]
        let tags = run.curve.columns.map { tag(column: $0) }
        for (epoch, row) in zip(run.curve.epochs, run.curve.rows) {
            var scalars: [ProtobufMessage] = []
            for (tag, cell) in zip(tags, row) {
                if let x = cell { scalars.append(TensorBoardEvent.scalar(tag: tag, Float(x))) }
            }
            if !scalars.isEmpty { events.append(TensorBoardEvent.summary(wallTime: Double(epoch), step: epoch, scalars)) }
        }
        let last = run.curve.epochs.last ?? 0
        if let model = run.model, model.hasFiniteParameters {
            var histograms: [ProtobufMessage] = []
            for (index, layer) in model.layers.enumerated() {
                histograms.append(TensorBoardEvent.histogram(tag: "weights/layer_\(index + 1)", Histogram(layer.weights.elements)))
                if let biases = layer.biases, !biases.isEmpty {
                    histograms.append(TensorBoardEvent.histogram(tag: "biases/layer_\(index + 1)", Histogram(biases)))
                }
            }
            events.append(TensorBoardEvent.summary(wallTime: Double(last), step: last, histograms))
        }
        events.append(TensorBoardEvent.summary(wallTime: Double(last), step: last,
                                               [TensorBoardEvent.sessionEnd(succeeded: run.status != .diverged, endTime: Double(last))]))
        return events.flatMap { TFRecord.frame($0.bytes) }
    }

    static func experimentEvents(_ experiments: [ExportedExperiment], byExperiment: Bool) -> [UInt8] {
        let names = (byExperiment ? ["experiment"] : []) + experiments.sweepPaths + ["seed"]
        var values: [String: [HParamValue]] = [:]
        for experiment in experiments {
            for run in experiment.runs {
                for (name, value) in hparams(run, of: experiment, byExperiment: byExperiment) { values[name, default: []].append(value) }
            }
        }
        let infos = names.compactMap { name in values[name].map { HParamInfo(name: name, values: $0) } }
        let metrics = experiments.curveColumns.compactMap { column -> MetricInfo? in
            let training = column.hasPrefix("train_") ? true : column.hasPrefix("validation_") ? false : nil
            return training.map { MetricInfo(tag: tag(column: column), displayName: column, training: $0) }
        }
        let events = [TensorBoardEvent.fileVersion(),
                      TensorBoardEvent.summary(wallTime: 0, step: 0, [TensorBoardEvent.experiment(hparams: infos, metrics: metrics)])]
        return events.flatMap { TFRecord.frame($0.bytes) }
    }
}
