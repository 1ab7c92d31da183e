import Experiments
import Foundation

let mergeSpec = CommandSpec(
    name: "merge",
    abstract: "Publish a sharded sweep: summaries, reports and the index from every shard's runs.",
    positionalUsage: "[DIR ...]",
    positionalHelp: "Experiments' results folders, or results folders of them (default: results/).",
    options: [OptionSpec(name: "--jobs", valueName: "N", help: "Experiments and charts to build at once (default: the number of cores).")],
    discussion: """
        Run it once the shards of 'nnlab run --shard' are done (as the merge job of
        'nnlab slurm' does). With every run finished it writes exactly what one
        unsharded 'nnlab run' writes (timings.csv gathers the shards' seconds) and
        removes the shards' records. With runs missing it publishes the partial
        result, lists each missing run with the shard that owns it, and exits 1: run
        those shards again (they resume), then merge again. Exit status: 0 every run
        merged, 1 runs missing or a file could not be written, 2 invalid input.
        """)

/// `nnlab merge [DIR ...]`.
func runMerge(_ arguments: ParsedArguments) -> ExitStatus {
    guard let jobs = jobsOption(arguments, command: "merge"), let folders = experimentFolders(arguments.positional) else { return .invalidInput }
    let interrupt = Interrupt()
    interrupt.install()
    let published: [PublishedExperiment]
    do {
        published = try Publisher.publish(folders, jobs: jobs,
                                          cancelled: interrupt.beginPublishing())
    } catch {
        return failure(error, interrupt: interrupt, resume: "run 'nnlab merge' again to publish the rest")
    }
    var complete = true
    for experiment in published {
        print("\(experiment.folder.reportHTML): \(experiment.summaryLine)")
        guard !experiment.missing.isEmpty else { continue }
        complete = false
        printError(missingRunsText(experiment))
    }
    return complete ? .success : .writeFailure
}

/// `results/x: 36 of 40 runs merged; 4 missing, partial results published:`
/// then one line per shard with the runs it owns that are missing.
func missingRunsText(_ experiment: PublishedExperiment) -> String {
    var text = "\(experiment.folder.path): \(experiment.finished) of \(count(experiment.planned, "run")) merged; \(experiment.missing.count) missing (partial results published):\n"
    var order: [String] = []
    var runs: [String: [String]] = [:]
    for name in experiment.missing {
        let owners = experiment.owners[name] ?? []
        let key = owners.isEmpty ? "run by no shard yet" : owners.map(\.description).joined(separator: " or ")
        if runs[key] == nil { order.append(key) }
        runs[key, default: []].append(name)
    }
    for key in order {
        let names = runs[key]!
        text += "  \(key): \(count(names.count, "run")) missing: \(names.joined(separator: " "))\n"
    }
    text += "run those shards again (finished runs are kept), then merge again\n"
    return text
}
