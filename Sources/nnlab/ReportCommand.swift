import Experiments
import Foundation

let reportSpec = CommandSpec(
    name: "report",
    abstract: "Rebuild the reports and results/index.html from existing results, without training.",
    positionalUsage: "[DIR ...]",
    positionalHelp: "Results folders, or single experiments' folders in them (default: results/).",
    options: [])

/// `nnlab report [DIR ...]`.
func runReport(_ arguments: ParsedArguments) -> ExitStatus {
    var roots: [String] = []
    var experimentFolders: [String] = []
    for path in arguments.positional.isEmpty ? ["results"] : arguments.positional {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(path): error: no such results folder\n")
            return .invalidInput
        }
        if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("summary.csv")) {
            experimentFolders.append(path)
            roots.append((path as NSString).deletingLastPathComponent)
        } else {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            let found = names.map { (path as NSString).appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("summary.csv")) }
            guard !found.isEmpty else {
                printError("\(path): error: no experiment results here (no */summary.csv); run 'nnlab run' first\n")
                return .invalidInput
            }
            experimentFolders += found
            roots.append(path)
        }
    }
    do {
        let written = try writeReports(experimentFolders, roots: roots)
        for line in written { print(line) }
    } catch {
        printError("nnlab: error: \(error)\n")
        return .writeFailure
    }
    return .success
}

/// Writes each folder's report, then the index of each results root; returns a line per report.
func writeReports(_ folders: [String], roots: [String]) throws(WriteError) -> [String] {
    let cache = CSVCache()
    var lines: [String] = []
    for folder in folders {
        guard let results = ResultsFolder.read(folder) else { continue }
        let report = Report(results, cache: cache)
        try report.write()
        lines.append("\((folder as NSString).appendingPathComponent("report.html")): \(report.summaryLine)")
    }
    var seen = Set<String>()
    for root in roots where seen.insert(root).inserted {
        try IndexPage.write(output: root.isEmpty ? "." : root)
    }
    return lines
}
