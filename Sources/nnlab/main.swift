import Foundation

/// The nnlab command line: the only place that prints to the terminal or exits.
let arguments = Array(CommandLine.arguments.dropFirst())
exit(runCommandLine(arguments).rawValue)
