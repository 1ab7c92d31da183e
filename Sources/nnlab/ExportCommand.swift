import Experiments
import Foundation

let exportSpec = CommandSpec(
    name: "export",
    abstract: "Export results as TensorBoard logs, or as one tidy CSV table for pandas.",
    positionalUsage: "tensorboard|table [DIR ...]",
    positionalHelp: "What to write, then results folders or experiments' folders in them (default: results/).",
    options: [
        OptionSpec(name: "--output", valueName: "PATH",
                   help: "The log folder (tensorboard) or CSV file (table; - for standard output)."),
    ],
    discussion: """
        tensorboard writes one events file per run: every curve.csv column as a scalar
        per epoch, an HParams session (sweep values and seed; final losses and
        accuracies) and histograms of the final weights and biases. Default folder:
        <experiment folder>/tensorboard/ (one folder per run), or for a results folder
        <results>/tensorboard/ (<experiment>/<run>/); view with tensorboard --logdir.
        table writes one row per run and epoch: experiment, run, the sweep values,
        seed, status, then every curve.csv column; default <experiment folder>/table.csv
        or <results>/table.csv. Both are byte-identical on rerun.
        """)

/// What `export` writes.
private enum ExportFormat: String, CaseIterable {
    case tensorboard, table
}

/// One DIR argument: an experiment's folder, or a results folder with its experiments.
private struct ExportSource {
    var path: String
    var experiments: [ExperimentFolder]
    var isExperimentFolder: Bool
}

/// `nnlab export tensorboard|table [DIR ...] [--output PATH]`: reads every
/// folder first (any bad DIR is exit 2 with nothing written), then writes.
func runExport(_ arguments: ParsedArguments) -> ExitStatus {
    let formats = ExportFormat.allCases.map(\.rawValue)
    guard let formatText = arguments.positional.first else {
        return report(.missingArgument("FORMAT (tensorboard or table)", command: "export"))
    }
    guard let format = ExportFormat(rawValue: formatText) else {
        return report(.invalidArgument(formatText, name: "FORMAT", expected: "tensorboard or table",
                                       suggestion: nearestName(to: formatText, in: formats), command: "export"))
    }
    let output = arguments.values["--output"]
    if let output, output.isEmpty || (output == "-" && format == .tensorboard) {
        return report(.invalidValue(option: "--output", value: output,
                                    expected: format == .table ? "a file, or - for standard output" : "a folder", command: "export"))
    }
    var sources: [ExportSource] = []
    for path in arguments.positional.count > 1 ? Array(arguments.positional.dropFirst()) : ["results"] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(path): error: no such results folder\n")
            return .invalidInput
        }
        let folder = ExperimentFolder(path: path)
        if folder.exists {
            sources.append(ExportSource(path: path, experiments: [folder], isExperimentFolder: true))
            continue
        }
        let found = ResultsTree(root: path).experimentFolders().filter(\.exists)
        guard !found.isEmpty else {
            printError("\(path): error: no experiment results here (no experiment.json, nor */experiment.json); run 'nnlab run' first\n")
            return .invalidInput
        }
        sources.append(ExportSource(path: path, experiments: found, isExperimentFolder: false))
    }
    var read: [String: ExportedExperiment] = [:]
    for folder in sources.flatMap(\.experiments) where read[folder.path] == nil {
        do {
            read[folder.path] = try ExportedExperiment.read(folder)
        } catch {
            printError(error.rendered + "\n")
            return .invalidInput
        }
    }
    /// The experiments of these folders, each once, in order.
    func experiments(_ folders: [ExperimentFolder]) -> [ExportedExperiment] {
        var paths: [String] = []
        for folder in folders where !paths.contains(folder.path) { paths.append(folder.path) }
        return paths.compactMap { read[$0] }
    }
    // Where each export goes, and which experiments it holds.
    var destinations: [(path: String, experiments: [ExportedExperiment], byExperiment: Bool)] = []
    if let output {
        destinations.append((output, experiments(sources.flatMap(\.experiments)), true))
    } else {
        for source in sources {
            let tree = ResultsTree(root: source.path)
            let path: String
            switch (format, source.isExperimentFolder) {
            case (.tensorboard, true): path = source.experiments[0].tensorboard.path
            case (.tensorboard, false): path = tree.tensorboard.path
            case (.table, true): path = source.experiments[0].table
            case (.table, false): path = tree.table
            }
            destinations.append((path, experiments(source.experiments), !source.isExperimentFolder))
        }
    }
    for destination in destinations {
        var seen: [String: String] = [:]
        for experiment in destination.experiments {
            if let other = seen[experiment.name] {
                printError("\(experiment.folder.path): error: another experiment named \(experiment.name) (\(other)) would share \(destination.path); export them separately\n")
                return .invalidInput
            }
            seen[experiment.name] = experiment.folder.path
        }
    }
    do {
        for destination in destinations {
            let runs = destination.experiments.map(\.runs.count).reduce(0, +)
            let missing = destination.experiments.map(\.missing.count).reduce(0, +)
            let names = destination.experiments.count == 1 ? destination.experiments[0].name : "\(destination.experiments.count) experiments"
            let note = missing == 0 ? "" : " (\(missing) unfinished \(missing == 1 ? "run" : "runs") left out)"
            let runsText = "\(runs) \(runs == 1 ? "run" : "runs") of \(names)"
            switch format {
            case .tensorboard:
                let folder = TensorBoardFolder(path: destination.path, byExperiment: destination.byExperiment)
                _ = try TensorBoardExport.write(destination.experiments, to: folder)
                print("\(destination.path): \(runsText)\(note); view with: tensorboard --logdir \(destination.path)")
            case .table:
                let text = TidyTable.text(destination.experiments)
                if destination.path == "-" {
                    print(text, terminator: "")
                } else {
                    try ResultFiles.write(text, to: destination.path)
                    let rows = destination.experiments.flatMap(\.runs).map(\.curve.epochs.count).reduce(0, +)
                    print("\(destination.path): \(rows) \(rows == 1 ? "row" : "rows"), \(runsText)\(note)")
                }
            }
        }
    } catch {
        printError("nnlab: error: \(error)\n")
        return .writeFailure
    }
    return .success
}
