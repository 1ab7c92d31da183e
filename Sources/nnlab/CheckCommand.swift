import Experiments
import Foundation

let checkSpec = CommandSpec(
    name: "check",
    abstract: "Validate experiment files and show each one's sweep and run count.",
    positionalUsage: "[PATH ...]",
    positionalHelp: "Experiment files or folders of them (default: experiments/).",
    options: [],
    discussion: """
        Every mistake in a file is reported as file:line:column with the path of the
        value, what was found and what was expected. The memory check counts the runs
        'nnlab run' trains at once by default (one per core). Exit status 0 when every
        file is valid, 2 otherwise.
        """)

/// `nnlab check [PATH ...]`.
func runCheck(_ arguments: ParsedArguments) -> ExitStatus {
    let paths = arguments.positional.isEmpty ? ["experiments"] : arguments.positional
    let files: [String]
    do {
        files = try ExperimentLoader.experimentFiles(paths)
    } catch {
        printError(error.rendered + "\n")
        return .invalidInput
    }
    let cache = CSVCache()
    var invalid = 0, runs = 0
    for file in files {
        do {
            let experiment = try ExperimentLoader.load(path: file, cache: cache)
            print(summary(of: experiment))
            runs += experiment.runs.count
        } catch {
            printError(error.rendered + "\n")
            invalid += 1
        }
    }
    let valid = files.count - invalid
    if invalid == 0 {
        print("\(count(valid, "experiment")), \(count(runs, "run")): all valid")
        return .success
    }
    printError("\(invalid) of \(count(files.count, "experiment file")) \(invalid == 1 ? "has" : "have") errors\n")
    return .invalidInput
}

/// `experiments/lr.json: learning-rate-sweep, 27 runs` and one line per axis.
func summary(of experiment: Experiment) -> String {
    var lines = ["\(experiment.file): \(experiment.name), \(count(experiment.runs.count, "run"))"]
    let width = max(5, experiment.axes.map(\.path.count).max() ?? 0)
    for axis in experiment.axes {
        lines.append("  \(axis.path.padding(toLength: width, withPad: " ", startingAt: 0))  \(axis.values.count) × \(abbreviated(axis.labels))")
    }
    let seeds = experiment.seeds.map(String.init)
    lines.append("  \("seeds".padding(toLength: width, withPad: " ", startingAt: 0))  \(seeds.count) × \(abbreviated(seeds))")
    return lines.joined(separator: "\n")
}

/// At most six items: the first four, "…", the last.
func abbreviated(_ items: [String]) -> String {
    items.count <= 6 ? items.joined(separator: ", ") : (items.prefix(4) + ["…", items[items.count - 1]]).joined(separator: ", ")
}

/// "1 run", "3 runs", "10,000 runs".
func count(_ n: Int, _ noun: String) -> String {
    "\(ReportNumber.grouped(n)) \(noun)\(n == 1 ? "" : "s")"
}
