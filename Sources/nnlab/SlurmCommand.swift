import Experiments
import Foundation

let slurmSpec = CommandSpec(
    name: "slurm",
    abstract: "Write (and submit) the Slurm batch scripts that run a sweep as a job array, then merge it.",
    positionalUsage: "PATH ...",
    positionalHelp: "Experiment files or folders of them.",
    options: [
        OptionSpec(name: "--tasks", valueName: "N", help: "Array tasks, one shard of the sweep each (required).", required: true),
        OptionSpec(name: "--parallel", valueName: "P", help: "Tasks running at once (default: as many as the cluster gives)."),
        OptionSpec(name: "--partition", valueName: "NAME", help: "The partition to run in (default: the cluster's)."),
        OptionSpec(name: "--time", valueName: "HH:MM:SS", help: "Each task's time limit, in any form sbatch reads."),
        OptionSpec(name: "--cpus-per-task", valueName: "C", help: "Cores of each task, its runs trained at once (default: 1)."),
        OptionSpec(name: "--output", valueName: "DIR", help: "Where results go (default: results/); the scripts go to DIR/slurm/."),
        OptionSpec(name: "--submit", valueName: nil, help: "Submit both jobs with sbatch and print their ids."),
    ],
    discussion: """
        The files are validated first, as by 'nnlab run'. Writes DIR/slurm/<sweep>/:
        train.sbatch (the array, --array=0-(N-1)%P; task K runs 'nnlab run --shard auto',
        logs/train_<job>_<task>.out), merge.sbatch ('nnlab merge', after the array
        ends, ok or not: afterany; it fails when runs are missing) and submit.sh,
        which submits both. After a failed or cancelled task run submit.sh again:
        every shard resumes, so only what is missing trains. Paths in the scripts are
        absolute: the nodes must see this folder at the same path.
        """)

/// `nnlab slurm PATH ... --tasks N [--parallel P] [--partition NAME] [--time T] [--cpus-per-task C] [--output DIR] [--submit]`.
func runSlurm(_ arguments: ParsedArguments) -> ExitStatus {
    guard !arguments.positional.isEmpty else { return report(.missingArgument("PATH", command: "slurm")) }
    guard let tasksText = arguments.values["--tasks"] else { return report(.missingArgument("--tasks N", command: "slurm")) }
    func whole(_ text: String, upTo limit: Int) -> Int? {
        guard let n = Int(text), n >= 1, n <= limit else { return nil }
        return n
    }
    guard let tasks = whole(tasksText, upTo: Shard.maximumCount) else {
        return report(.invalidValue(option: "--tasks", value: tasksText, expected: "a whole number from 1 to \(Shard.maximumCount)", command: "slurm"))
    }
    var parallel: Int?
    if let text = arguments.values["--parallel"] {
        guard let p = whole(text, upTo: tasks) else {
            return report(.invalidValue(option: "--parallel", value: text, expected: "a whole number from 1 to --tasks (\(tasks))", command: "slurm"))
        }
        parallel = p < tasks ? p : nil
    }
    var cpus = 1
    if let text = arguments.values["--cpus-per-task"] {
        guard let c = whole(text, upTo: 4096) else {
            return report(.invalidValue(option: "--cpus-per-task", value: text, expected: "a whole number from 1 to 4096", command: "slurm"))
        }
        cpus = c
    }
    let time = arguments.values["--time"]
    if let time, !SlurmBatch.isTimeLimit(time) {
        return report(.invalidValue(option: "--time", value: time, expected: "a time limit as sbatch reads it (HH:MM:SS, MM, D-HH:MM …)", command: "slurm"))
    }
    let partition = arguments.values["--partition"]
    if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
        return report(.invalidValue(option: "--partition", value: partition, expected: "a partition name", command: "slurm"))
    }
    let output = arguments.values["--output"] ?? "results"
    guard !output.isEmpty else {
        return report(.invalidValue(option: "--output", value: output, expected: "a folder", command: "slurm"))
    }
    guard let experiments = loadExperiments(arguments.positional, jobs: cpus) else { return .invalidInput }
    let runs = experiments.reduce(0) { $0 + $1.runs.count }
    let batch = SlurmBatch(executable: executablePath(), experimentFiles: experiments.map { absolutePath($0.file) }, output: absolutePath(output),
                           experimentNames: experiments.map(\.name), runs: runs, tasks: tasks, parallel: parallel,
                           partition: partition, time: time, cpusPerTask: cpus,
                           workingDirectory: FileManager.default.currentDirectoryPath)
    do {
        try batch.write()
    } catch {
        printError("nnlab: error: \(error)\n")
        return .writeFailure
    }
    if tasks > runs {
        printError("note: \(count(tasks, "task")) for \(count(runs, "run")): \(tasks - runs) of them will have no run to train\n")
    }
    guard arguments.flags.contains("--submit") else {
        print("wrote \(batch.trainScript), \(batch.mergeScript) and \(batch.submitScript)")
        print("submit with: \(shellQuoted(batch.submitScript))")
        return .success
    }
    return submit(batch)
}

/// Runs submit.sh: sbatch for the array, then for the merge after it.
func submit(_ batch: SlurmBatch) -> ExitStatus {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: joinFilePath(String($0), "sbatch")) }) else {
        printError("nnlab: error: --submit: sbatch is not on PATH (is this a Slurm login node?); the scripts are written: \(batch.folder)/\n")
        return .writeFailure
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [batch.submitScript]
    do {
        try process.run()
    } catch {
        printError("nnlab: error: --submit: cannot run \(batch.submitScript): \(error.localizedDescription)\n")
        return .writeFailure
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        printError("nnlab: error: --submit: sbatch refused the jobs (see above); the scripts are in \(batch.folder)/\n")
        return .writeFailure
    }
    return .success
}

/// This executable's absolute path (the one the tasks run).
func executablePath() -> String {
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
    return absolutePath(CommandLine.arguments[0])
}
