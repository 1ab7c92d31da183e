import Experiments
import Foundation

let lrFindSpec = CommandSpec(
    name: "lr-find",
    abstract: "Run the learning-rate range test on a run of an experiment and suggest learning rates.",
    positionalUsage: "FILE",
    positionalHelp: "An experiment file; its first run is tested unless --run names another.",
    options: [
        OptionSpec(name: "--run", valueName: "NAME", help: "The run to test (a run folder name, e.g. learning_rate=0.1,seed=0)."),
        OptionSpec(name: "--start", valueName: "X", help: "The first learning rate (default: 1e-7)."),
        OptionSpec(name: "--end", valueName: "Y", help: "The last learning rate (default: 10)."),
        OptionSpec(name: "--steps", valueName: "N", help: "Steps, one mini-batch each (default: 100)."),
        OptionSpec(name: "--output", valueName: "DIR", help: "Where results go (default: results/)."),
        OptionSpec(name: "--format", valueName: "FORMAT", help: "text (default) or json."),
    ],
    discussion: """
        From the run's initial weights, trains one mini-batch per step in the run's batch
        order at rates rising geometrically from --start to --end, records each batch's
        loss and its debiased moving average (β = 0.98), and stops once that exceeds 4×
        its minimum. Writes results/<name>/lr-find/ (lr-find.csv, lr-find.svg, report.md)
        and prints the rate of steepest descent and the rate at the minimum / 10.
        """)

/// `nnlab lr-find FILE [--run NAME] [--start X] [--end Y] [--steps N] [--output DIR] [--format text|json]`.
func runLRFind(_ arguments: ParsedArguments) -> ExitStatus {
    guard let file = arguments.positional.first else {
        return report(.missingArgument("FILE (an experiment file)", command: "lr-find"))
    }
    if arguments.positional.count > 1 {
        return report(.tooManyArguments(arguments.positional[1], command: "lr-find"))
    }
    var settings = LearningRateFinder.Settings()
    for (option, keyPath) in [("--start", \LearningRateFinder.Settings.start), ("--end", \LearningRateFinder.Settings.end)] {
        guard let text = arguments.values[option] else { continue }
        guard let x = Double(text), x > 0, x.isFinite else {
            return report(.invalidValue(option: option, value: text, expected: "a positive number", command: "lr-find"))
        }
        settings[keyPath: keyPath] = x
    }
    if settings.end <= settings.start {
        return report(.invalidValue(option: "--end", value: arguments.values["--end"] ?? "10",
                                    expected: "a rate above --start (\(numberText(settings.start)))", command: "lr-find"))
    }
    if let text = arguments.values["--steps"] {
        guard let n = Int(text), n >= 2, n <= 100_000 else {
            return report(.invalidValue(option: "--steps", value: text, expected: "a whole number from 2 to 100000", command: "lr-find"))
        }
        settings.steps = n
    }
    let format = arguments.values["--format"] ?? "text"
    guard format == "text" || format == "json" else {
        return report(.invalidValue(option: "--format", value: format, expected: "text or json", command: "lr-find"))
    }
    let output = arguments.values["--output"] ?? "results"
    guard !output.isEmpty else {
        return report(.invalidValue(option: "--output", value: output, expected: "a folder", command: "lr-find"))
    }
    guard let selected = selectRun(file, arguments, command: "lr-find") else { return .invalidInput }
    let (experiment, run, data) = (selected.experiment, selected.run, selected.data)
    let result = LearningRateFinder.run(run, data: data, settings: settings)
    let folder = LRFindFolder.folder(output: output, experiment: experiment.name)
    do {
        try LRFindFolder.write(result, experiment: experiment.name, run: run.name, to: folder)
    } catch {
        printError("nnlab: error: \(error)\n")
        return .writeFailure
    }
    if format == "json" {
        print(lrFindJSON(result, experiment: experiment.name, run: run.name, folder: folder))
    } else {
        print(lrFindText(result, experiment: experiment.name, run: run.name, folder: folder), terminator: "")
    }
    return .success
}

/// A rate to 4 significant digits.
private func rateText(_ x: Double) -> String {
    String(format: "%.4g", x)
}

private func lrFindText(_ result: LearningRateFinder.Result, experiment: String, run: String, folder: String) -> String {
    let s = result.settings
    var text = "nnlab lr-find: \(experiment), run \(run): \(s.steps) steps from \(numberText(s.start)) to \(numberText(s.end))\n"
    if result.stoppedEarly, let last = result.steps.last {
        text += "stopped after step \(last.step) (η = \(rateText(last.learningRate))): the smoothed loss passed 4× its minimum\n"
    }
    text += "suggested learning rates:\n"
    text += "  steepest descent of the smoothed loss  \(result.steepest.map(rateText) ?? "none")\n"
    text += "  minimum of the smoothed loss / 10      \(result.minimumOverTen.map(rateText) ?? "none")\n"
    text += "written: \(folder)/ (\(LRFindFolder.csvFile), \(LRFindFolder.chartFile), \(LRFindFolder.reportFile))\n"
    return text
}

private func lrFindJSON(_ result: LearningRateFinder.Result, experiment: String, run: String, folder: String) -> String {
    let location = SourceLocation(line: 1, column: 1)
    func node(_ value: JSONValue) -> JSONNode { JSONNode(value, at: location) }
    func member(_ key: String, _ value: JSONValue) -> JSONMember { JSONMember(key: key, keyLocation: location, value: node(value)) }
    func optional(_ x: Double?) -> JSONValue { x.map(JSONWriter.number) ?? .null }
    func integer(_ n: Int) -> JSONValue { .number(Double(n), literal: String(n)) }
    let points = result.steps.map { step in
        node(.object([member("step", integer(step.step)), member("learning_rate", JSONWriter.number(step.learningRate)),
                      member("loss", JSONWriter.number(step.loss)), member("smoothed_loss", JSONWriter.number(step.smoothedLoss))]))
    }
    return JSONWriter.render(.object([
        member("experiment", .string(experiment)), member("run", .string(run)),
        member("start", JSONWriter.number(result.settings.start)), member("end", JSONWriter.number(result.settings.end)),
        member("steps", integer(result.settings.steps)), member("stopped_early", .bool(result.stoppedEarly)),
        member("suggestions", .object([member("steepest", optional(result.steepest)),
                                       member("minimum_over_10", optional(result.minimumOverTen))])),
        member("folder", .string(folder)), member("points", .array(points)),
    ]))
}
