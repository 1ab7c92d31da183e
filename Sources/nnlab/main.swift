import Foundation

/// The nnlab command line. The commands of SPEC §6 arrive issue by issue; this
/// entry point answers --help and --version and refuses anything else with exit 2.
let version = "0.1.0"

let usage = """
    nnlab \(version): a declarative experiment runner for small dense neural networks.

    Usage:
      nnlab --help       show this help
      nnlab --version    print the version

    """

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "--version":
    print("nnlab \(version)")
case nil, "--help", "-h", "help":
    print(usage, terminator: "")
case let other?:
    FileHandle.standardError.write(Data("nnlab: error: unknown command '\(other)'; see 'nnlab --help'\n".utf8))
    exit(2)
}
