import Experiments
import Foundation

let traceSpec = CommandSpec(
    name: "trace",
    abstract: "Solve training steps of an experiment's first run the way a backprop exercise is solved on paper.",
    positionalUsage: "FILE",
    positionalHelp: "An experiment file; its first run is traced.",
    options: [
        OptionSpec(name: "--steps", valueName: "N", help: "Steps to trace (default: 1)."),
        OptionSpec(name: "--sample", valueName: "I", help: "Train on training sample I (from 0) alone instead of the first batches."),
        OptionSpec(name: "--format", valueName: "FORMAT", help: "text (default) or json."),
    ],
    discussion: """
        Prints, per step: the inputs and targets; per layer z and a; the output and the
        loss; per layer from the last, δ and the gradients; the optimizer's update, its
        state and the new parameters. Layers are numbered from 1.
        """)

/// `nnlab trace FILE [--steps N] [--sample I] [--format text|json]`.
func runTrace(_ arguments: ParsedArguments) -> ExitStatus {
    guard let file = arguments.positional.first else {
        return report(.missingArgument("FILE (an experiment file)", command: "trace"))
    }
    if arguments.positional.count > 1 {
        return report(.tooManyArguments(arguments.positional[1], command: "trace"))
    }
    var steps = 1
    if let text = arguments.values["--steps"] {
        guard let n = Int(text), n >= 1, n <= 10_000 else {
            return report(.invalidValue(option: "--steps", value: text, expected: "a whole number from 1 to 10000", command: "trace"))
        }
        steps = n
    }
    let format = arguments.values["--format"] ?? "text"
    guard format == "text" || format == "json" else {
        return report(.invalidValue(option: "--format", value: format, expected: "text or json", command: "trace"))
    }
    let cache = CSVCache()
    let experiment: Experiment
    do {
        experiment = try ExperimentLoader.load(path: file, cache: cache, jobs: 1)  // trace trains one run
    } catch {
        printError(error.rendered + "\n")
        return .invalidInput
    }
    let run = experiment.runs[0]
    let data: PreparedData
    do {
        data = try run.data.prepare(outputs: run.model.outputs, cache: cache)
    } catch {
        printError("\(error.path): error: \(error.message)\n")
        return .invalidInput
    }
    var sample: Int?
    if let text = arguments.values["--sample"] {
        let count = data.trainingInputs.rows
        guard let i = Int(text), i >= 0, i < count else {
            return report(.invalidValue(option: "--sample", value: text,
                                        expected: "a training sample from 0 to \(count - 1) (the training set has \(count))", command: "trace"))
        }
        sample = i
    }
    let trace = Tracer.trace(run, data: data, steps: steps, sample: sample)
    print(format == "json" ? TraceJSON.render(experiment: experiment.name, steps: trace, optimizer: run.optimizer.optimizer) : TraceText.render(run, steps: trace),
          terminator: "")
    return .success
}
