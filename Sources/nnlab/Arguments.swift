import Foundation
import Experiments

/// nnlab's own argument parser: commands with positional arguments, options
/// with values (`--jobs 4`, `--jobs=4`) and flags, `--` to end options.
/// Mistakes are `UsageError` values; `UsageError.message` is the one place
/// they become text.

/// An option of a command: `--jobs N` (with a value) or `--fresh` (a flag).
struct OptionSpec: Sendable {
    var name: String
    /// The value's placeholder (`N`, `DIR`), or nil for a flag.
    var valueName: String?
    var help: String
    /// A required option is shown in the usage line without brackets.
    var required = false
}

/// A command: its name, what it does, its positional arguments and options.
struct CommandSpec: Sendable {
    var name: String
    var abstract: String
    /// The positional arguments as shown in the usage line: `[PATH ...]`.
    var positionalUsage: String
    var positionalHelp: String
    var options: [OptionSpec]
    var discussion: String = ""

    var usage: String {
        let options = options.map { option in
            let text = option.name + (option.valueName.map { " " + $0 } ?? "")
            return option.required ? text : "[\(text)]"
        }
        return (["nnlab", name, positionalUsage] + options).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `nnlab COMMAND --help`.
    var help: String {
        var lines = ["\(abstract)", "", "Usage: \(usage)", ""]
        if !positionalHelp.isEmpty {
            lines += ["Arguments:", "  \(positionalUsage.padding(toLength: 18, withPad: " ", startingAt: 0)) \(positionalHelp)", ""]
        }
        lines.append("Options:")
        for option in options + [OptionSpec(name: "--help", valueName: nil, help: "Show this help.")] {
            let left = option.name + (option.valueName.map { " " + $0 } ?? "")
            lines.append("  \(left.padding(toLength: 18, withPad: " ", startingAt: 0)) \(option.help)")
        }
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What the command line said: positional arguments, option values and flags.
struct ParsedArguments {
    var positional: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var wantsHelp = false
}

/// A mistake on the command line.
enum UsageError: Error, Equatable {
    case unknownCommand(String, suggestion: String?)
    case unknownOption(String, command: String, suggestion: String?)
    case missingValue(option: String, valueName: String, command: String)
    case flagWithValue(option: String, command: String)
    case invalidValue(option: String, value: String, expected: String, command: String)
    case tooManyArguments(String, command: String)
    case missingArgument(String, command: String)
    case invalidArgument(String, name: String, expected: String, suggestion: String?, command: String)

    /// The text shown after "nnlab: error: ".
    var message: String {
        switch self {
        case .unknownCommand(let name, let suggestion):
            return "unknown command '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (see 'nnlab --help')"
        case .unknownOption(let option, _, let suggestion):
            return "unknown option '\(option)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .missingValue(let option, let valueName, _):
            return "option '\(option)' needs a value (\(option) \(valueName))"
        case .flagWithValue(let option, _):
            return "option '\(option)' takes no value"
        case .invalidValue(let option, let value, let expected, _):
            return "option '\(option)': expected \(expected), found '\(value)'"
        case .tooManyArguments(let argument, _):
            return "unexpected argument '\(argument)'"
        case .missingArgument(let name, _):
            return "missing argument \(name)"
        case .invalidArgument(let argument, let name, let expected, let suggestion, _):
            return "\(name): expected \(expected), found '\(argument)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        }
    }

    /// The command whose usage line should follow the message, if any.
    var command: String? {
        switch self {
        case .unknownCommand: return nil
        case .unknownOption(_, let command, _), .missingValue(_, _, let command), .flagWithValue(_, let command),
             .invalidValue(_, _, _, let command), .tooManyArguments(_, let command), .missingArgument(_, let command),
             .invalidArgument(_, _, _, _, let command):
            return command
        }
    }
}

/// Parses a command's arguments (everything after the command name).
func parseArguments(_ arguments: [String], for command: CommandSpec) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
            parsed.positional.append(argument)
            continue
        }
        if argument == "--" {
            optionsEnded = true
            continue
        }
        if argument == "--help" || argument == "-h" {
            parsed.wantsHelp = true
            continue
        }
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        let name = parts[0]
        guard let option = command.options.first(where: { $0.name == name }) else {
            let suggestion = nearestName(to: name, in: command.options.map(\.name) + ["--help"])
            throw .unknownOption(argument, command: command.name, suggestion: suggestion)
        }
        if let valueName = option.valueName {
            if parts.count == 2 {
                parsed.values[name] = parts[1]
            } else if index < arguments.count {
                parsed.values[name] = arguments[index]
                index += 1
            } else {
                throw .missingValue(option: name, valueName: valueName, command: command.name)
            }
        } else {
            guard parts.count == 1 else { throw .flagWithValue(option: name, command: command.name) }
            parsed.flags.insert(name)
        }
    }
    return parsed
}


/// The `--jobs N` option of `run`, `report` and `merge`: threads to train or
/// publish on, 1 to 4096 (default: the number of cores); nil, with the usage
/// error printed, for any other value.
func jobsOption(_ arguments: ParsedArguments, command: String) -> Int? {
    guard let text = arguments.values["--jobs"] else { return ProcessInfo.processInfo.activeProcessorCount }
    guard let n = Int(text), n >= 1, n <= 4096 else {
        _ = report(.invalidValue(option: "--jobs", value: text, expected: "a whole number from 1 to 4096", command: command))
        return nil
    }
    return n
}
