import Experiments
import Foundation

let initSpec = CommandSpec(
    name: "init",
    abstract: "Write a starter experiment into experiments/ that already checks.",
    positionalUsage: "[NAME]",
    positionalHelp: "The experiment's name and file name (default: first-experiment).",
    options: [
        OptionSpec(name: "--data", valueName: "SOURCE",
                   help: "xor, moons (default), circles, spirals, blobs, sine, or a CSV file (its last column is the target)."),
        OptionSpec(name: "--question", valueName: "Q",
                   help: "Sweep one thing: lr, activations, loss or optimizers (default: no sweep)."),
    ],
    discussion: """
        Writes experiments/NAME.json, with "$schema" so that editors complete and check
        it, and a description of what it does and what to change. An existing file is
        never overwritten (exit status 2).
        """)

/// `nnlab init [NAME] [--data SOURCE] [--question lr|activations|loss|optimizers]`.
func runInit(_ arguments: ParsedArguments) -> ExitStatus {
    guard arguments.positional.count <= 1 else {
        return report(.tooManyArguments(arguments.positional[1], command: "init"))
    }
    let name = arguments.positional.first ?? "first-experiment"
    let nameIsValid = !name.isEmpty && name.count <= 100 && !name.contains("..") && name != "."
        && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    guard nameIsValid else {
        return report(.invalidValue(option: "NAME", value: name, expected: "letters, digits, '.', '_' and '-' only (no '..')", command: "init"))
    }
    let folder = "experiments"
    let file = joinFilePath(folder, name + ".json")
    let source = arguments.values["--data"] ?? "moons"
    let isCSV = source.lowercased().hasSuffix(".csv")
    guard isCSV || StarterExperiment.sources.contains(source) else {
        return report(.invalidValue(option: "--data", value: source,
                                    expected: "one of \(StarterExperiment.sources.joined(separator: ", ")), or a .csv file", command: "init"))
    }
    if let question = arguments.values["--question"], !StarterExperiment.questions.contains(question) {
        return report(.invalidValue(option: "--question", value: question,
                                    expected: "one of \(StarterExperiment.questions.joined(separator: ", "))", command: "init"))
    }
    guard !FileManager.default.fileExists(atPath: file) else {
        printError("nnlab: error: \(file) already exists; give another NAME (nnlab init NAME) or remove the file first\n")
        return .invalidInput
    }
    let text: String
    do {
        // A relative CSV path names the file from here; the experiment names it from its folder.
        let fromExperiment = source.hasPrefix("/") ? source : "../" + source
        text = try StarterExperiment.text(name: name, source: source, question: arguments.values["--question"],
                                          csvFile: isCSV ? source : nil, csvPathFromExperiment: isCSV ? fromExperiment : nil)
    } catch {
        printError("nnlab: error: \(error.message)\n")
        return .invalidInput
    }
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .withoutOverwriting)
    } catch {
        printError("nnlab: error: cannot write \(file): \(error.localizedDescription)\n")
        return .writeFailure
    }
    let runs = (try? ExperimentLoader.load(path: file).runs.count) ?? 0
    print("wrote \(file) (\(count(runs, "run")))")
    print("next: nnlab check \(file), then nnlab run \(file)")
    return .success
}
