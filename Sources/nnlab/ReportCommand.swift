import Experiments
import Foundation

let reportSpec = CommandSpec(
    name: "report",
    abstract: "Rebuild the reports and results/index.html from existing results, without training.",
    positionalUsage: "[DIR ...]",
    positionalHelp: "Results folders, or single experiments' folders in them (default: results/).",
    options: [OptionSpec(name: "--jobs", valueName: "N", help: "Experiments and charts to build at once (default: the number of cores).")])

/// `nnlab report [DIR ...]`: publishes each experiment folder from what is on
/// disk (the same publish as `nnlab run`'s), partial results too.
func runReport(_ arguments: ParsedArguments) -> ExitStatus {
    guard let jobs = jobsOption(arguments, command: "report"), let folders = experimentFolders(arguments.positional) else { return .invalidInput }
    let interrupt = Interrupt()
    interrupt.install()
    do {
        let published = try Publisher.publish(folders, jobs: jobs,
                                              cancelled: interrupt.beginPublishing())
        for experiment in published {
            print("\(experiment.folder.reportHTML): \(experiment.summaryLine)")
        }
    } catch {
        return failure(error, interrupt: interrupt, resume: "run 'nnlab report' again to publish the rest")
    }
    return .success
}

/// The experiment folders that `paths` name: each path an experiment's folder
/// (with an experiment copy or shard records), or a results folder of them
/// (default: results/); nil, with the error printed, when one names neither.
func experimentFolders(_ paths: [String]) -> [ExperimentFolder]? {
    var folders: [ExperimentFolder] = []
    for path in paths.isEmpty ? ["results"] : paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(path): error: no such results folder\n")
            return nil
        }
        let folder = ExperimentFolder(path: path)
        if folder.isPublishable {
            if !folders.contains(folder) { folders.append(folder) }
            continue
        }
        let found = ResultsTree(root: path).experimentFolders()
        guard !found.isEmpty else {
            printError("\(path): error: no experiment results here (no experiment.json, nor */experiment.json, nor shard records); run 'nnlab run' first\n")
            return nil
        }
        folders += found.filter { !folders.contains($0) }
    }
    return folders
}

/// Prints a publishing error; its exit status: 2 for results that cannot be
/// read as they are, 1 for a file that cannot be written, 130 (143 for
/// SIGTERM) when a signal stopped publishing — `resume` then says how to finish.
func failure(_ error: PublishError, interrupt: Interrupt? = nil, resume: String = "") -> ExitStatus {
    switch error {
    case .unreadable, .mixedShards:
        printError("\(error)\n")
        return .invalidInput
    case .write:
        printError("\(error)\n")
        return .writeFailure
    case .interrupted:
        let stop = interrupt?.verb ?? "interrupted"
        printError("\(error.description.replacingOccurrences(of: "interrupted", with: stop)) (each whole, the others as they were); \(resume)\n")
        return interrupt?.status ?? .interrupted
    }
}
