import Experiments
import Foundation

let traceSpec = CommandSpec(
    name: "trace",
    abstract: "Solve training steps of a run the way a backprop exercise is solved on paper.",
    positionalUsage: "FILE",
    positionalHelp: "An experiment file (its first run is traced unless --run names another) or a run's config.json.",
    options: [
        OptionSpec(name: "--run", valueName: "NAME", help: "The run to trace (a run folder name, e.g. learning_rate=0.1,seed=0)."),
        OptionSpec(name: "--steps", valueName: "N", help: "Steps to trace (default: 1)."),
        OptionSpec(name: "--sample", valueName: "I", help: "Train on training sample I (from 0) alone instead of the first batches."),
        OptionSpec(name: "--check", valueName: nil, help: "Check every gradient against central differences; exit 1 when one is off."),
        OptionSpec(name: "--format", valueName: "FORMAT", help: "text (default) or json."),
    ],
    discussion: """
        Prints, per step: the inputs and targets; per layer z, a and f′(z); the output and
        the loss; per layer from the last, the factors of δ (∇ₐC or (Wˡ⁺¹)ᵀδˡ⁺¹, and f′(z)),
        δ and the gradients; the optimizer's update, its state and the new parameters.
        Layers are numbered from 1. --check compares each gradient with
        [C(θ + h) − C(θ − h)] / 2h, h = ε^(1/3)·max(1, |θ|), and fails above a relative
        error of 1e-5, except where the step crosses a relu kink.
        """)

/// `nnlab trace FILE [--run NAME] [--steps N] [--sample I] [--check] [--format text|json]`.
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
    guard let selected = selectRun(file, arguments, command: "trace", jobs: 1) else { return .invalidInput }  // trace trains one run
    let (experiment, run, data) = (selected.experiment, selected.run, selected.data)
    var sample: Int?
    if let text = arguments.values["--sample"] {
        let count = data.trainingInputs.rows
        guard let i = Int(text), i >= 0, i < count else {
            return report(.invalidValue(option: "--sample", value: text,
                                        expected: "a training sample from 0 to \(count - 1) (the training set has \(count))", command: "trace"))
        }
        sample = i
    }
    let check = arguments.flags.contains("--check")
    let trace = Tracer.trace(run, data: data, steps: steps, sample: sample, check: check)
    if format == "json" {
        print(TraceJSON.render(experiment: experiment.name, steps: trace, optimizer: run.optimizer.optimizer), terminator: "")
    } else {
        let text = TraceText.render(run, steps: trace)
        print(text, terminator: "")
        if sample == nil, let batch = trace.map(\.samples.count).max(), batch > 1, let hint = sampleHint(text, batch: batch, samples: data.trainingInputs.rows) {
            printError(hint)
        }
    }
    if check && !trace.allSatisfy({ $0.gradientCheck?.passed ?? true }) {
        printError("nnlab: error: gradient check failed: a relative error is above \(numberText(Tracer.checkTolerance)) (see the trace)\n")
        return .writeFailure  // exit status 1, as SPEC §6 gives a failed check
    }
    return .success
}

/// The one-line hint to trace one sample, when a batch's trace is wider than
/// the terminal or longer than a screen (its size from standard error's
/// terminal, else $COLUMNS and $LINES, else 80 × 24); nil when it fits.
func sampleHint(_ text: String, batch: Int, samples: Int) -> String? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    let widest = lines.map(\.count).max() ?? 0
    let (columns, rows) = (terminalColumns(), terminalRows())
    guard widest > columns || lines.count > rows else { return nil }
    return "nnlab: hint: a batch of \(batch) makes this trace \(lines.count) lines up to \(widest) columns; "
        + "--sample I traces training sample I alone (I from 0 to \(samples - 1))\n"
}

/// The height of the terminal on standard error (TIOCGWINSZ), else $LINES, else 24.
func terminalRows() -> Int {
    var size = winsize()
    if withUnsafeMutablePointer(to: &size, { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }) == 0 && size.ws_row > 0 {
        return Int(size.ws_row)
    }
    return ProcessInfo.processInfo.environment["LINES"].flatMap { Int($0) } ?? 24
}
