import Experiments
import Foundation

let version = "0.2.0"

/// The exit statuses of SPEC §6.
enum ExitStatus: Int32 {
    /// Success; diverged runs are results, not failures.
    case success = 0
    /// A run or file could not be written; also `trace --check` finding a gradient off.
    case writeFailure = 1
    /// Invalid input or usage.
    case invalidInput = 2
    /// Ctrl-C: finished runs were kept (128 + SIGINT, as shells report it).
    case interrupted = 130
    /// SIGTERM (scancel, a time limit): finished runs were kept (128 + SIGTERM).
    case terminated = 143
}

/// A command and the function that carries it out.
struct Command: Sendable {
    var spec: CommandSpec
    var run: @Sendable (ParsedArguments) -> ExitStatus
}

/// The commands, in the order `nnlab --help` lists them.
let commands = [
    Command(spec: runSpec, run: runRun),
    Command(spec: checkSpec, run: runCheck),
    Command(spec: traceSpec, run: runTrace),
    Command(spec: reportSpec, run: runReport),
    Command(spec: mergeSpec, run: runMerge),
    Command(spec: slurmSpec, run: runSlurm),
    Command(spec: lrFindSpec, run: runLRFind),
    Command(spec: exportSpec, run: runExport),
    Command(spec: initSpec, run: runInit),
]

let toolHelp = """
    nnlab \(version): a declarative experiment runner for small dense neural networks.

    Usage: nnlab COMMAND [ARGUMENTS ...]

    Commands:
    \(commands.map { "  " + $0.spec.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.spec.abstract }.joined(separator: "\n"))

    Options:
      --help      Show this help; 'nnlab COMMAND --help' shows a command's.
      --version   Print the version.

    """

/// Runs the command line and returns its exit status.
func runCommandLine(_ arguments: [String]) -> ExitStatus {
    guard let first = arguments.first else {
        print(toolHelp, terminator: "")
        return .success
    }
    switch first {
    case "--help", "-h", "help":
        print(toolHelp, terminator: "")
        return .success
    case "--version":
        print("nnlab \(version)")
        return .success
    default:
        break
    }
    guard let command = commands.first(where: { $0.spec.name == first }) else {
        let names = commands.map(\.spec.name)
        let error = first.hasPrefix("-")
            ? UsageError.unknownOption(first, command: "", suggestion: nearestName(to: first, in: ["--help", "--version"]))
            : UsageError.unknownCommand(first, suggestion: nearestName(to: first, in: names))
        return report(error)
    }
    do {
        let parsed = try parseArguments(Array(arguments.dropFirst()), for: command.spec)
        if parsed.wantsHelp {
            print(command.spec.help, terminator: "")
            return .success
        }
        return command.run(parsed)
    } catch {
        return report(error)
    }
}

/// Prints a usage mistake and the command's usage line to stderr.
func report(_ error: UsageError) -> ExitStatus {
    var text = "nnlab: error: \(error.message)\n"
    if let name = error.command, let command = commands.first(where: { $0.spec.name == name }) {
        text += "Usage: \(command.spec.usage)\n"
    } else if error.command == "" {
        text += "Usage: nnlab COMMAND [ARGUMENTS ...] (see 'nnlab --help')\n"
    }
    printError(text)
    return .invalidInput
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
