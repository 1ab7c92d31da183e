import Experiments
import Foundation

let reportSpec = CommandSpec(
    name: "report",
    abstract: "Rebuild the reports and results/index.html from existing results, without training.",
    positionalUsage: "[DIR ...]",
    positionalHelp: "Results folders, or single experiments' folders in them (default: results/).",
    options: [])

/// `nnlab report [DIR ...]`: publishes each experiment folder from what is on
/// disk (the same publish as `nnlab run`'s), partial results too.
func runReport(_ arguments: ParsedArguments) -> ExitStatus {
    var folders: [ExperimentFolder] = []
    for path in arguments.positional.isEmpty ? ["results"] : arguments.positional {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(path): error: no such results folder\n")
            return .invalidInput
        }
        let folder = ExperimentFolder(path: path)
        if folder.exists {
            folders.append(folder)
            continue
        }
        let found = ResultsTree(root: path).experimentFolders()
        guard !found.isEmpty else {
            printError("\(path): error: no experiment results here (no experiment.json, nor */experiment.json); run 'nnlab run' first\n")
            return .invalidInput
        }
        folders += found
    }
    do {
        for experiment in try Publisher.publish(folders) {
            print("\(experiment.folder.reportHTML): \(experiment.summaryLine)")
        }
    } catch {
        printError("\(error)\n")
        if case .unreadable = error { return .invalidInput }
        return .writeFailure
    }
    return .success
}
