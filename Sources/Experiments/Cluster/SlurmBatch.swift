import Foundation

/// The batch scripts of a sweep on a Slurm cluster (`nnlab slurm`), written
/// to `<results>/slurm/<sweep>/`:
///
/// - `train.sbatch`: one job array, `--array=0-(N−1)%P`, whose task K runs
///   `nnlab run … --shard auto --shards N`, shard K of N, with
///   `--jobs $SLURM_CPUS_PER_TASK`; one log per task, `logs/train_%A_%a.out`
///   (array job id, task id).
/// - `merge.sbatch`: `nnlab merge` of the sweep's experiment folders, submitted
///   with `--dependency=afterany:<array>`, so that it runs when every task has
///   ended, failed or not, and fails itself (exit 1) when runs are missing.
/// - `submit.sh`: submits both with sbatch and prints their job ids. Running
///   it again after a failed or cancelled task trains only what is missing:
///   every shard resumes, and the finished ones end at once.
///
/// Every path in them is absolute, as a cluster's nodes see the shared file system.
public struct SlurmBatch: Sendable, Equatable {
    /// The `nnlab` executable the tasks run.
    public var executable: String
    /// The experiment files, absolute.
    public var experimentFiles: [String]
    /// The results folder, absolute.
    public var output: String
    /// The experiments' names (their folders in `output`).
    public var experimentNames: [String]
    /// The runs of all experiments.
    public var runs: Int
    /// N: array tasks, one shard each.
    public var tasks: Int
    /// P: tasks running at once, nil for as many as the cluster gives.
    public var parallel: Int?
    public var partition: String?
    /// `--time`, in a form sbatch reads.
    public var time: String?
    public var cpusPerTask: Int
    /// The folder the jobs start in (sbatch's `--chdir`).
    public var workingDirectory: String

    public init(executable: String, experimentFiles: [String], output: String, experimentNames: [String], runs: Int,
                tasks: Int, parallel: Int?, partition: String?, time: String?, cpusPerTask: Int, workingDirectory: String) {
        self.executable = executable
        self.experimentFiles = experimentFiles
        self.output = output
        self.experimentNames = experimentNames
        self.runs = runs
        self.tasks = tasks
        self.parallel = parallel
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.workingDirectory = workingDirectory
    }

    /// The sweep's name: its experiment's, or the first one's and how many more.
    public var name: String {
        experimentNames.count == 1 ? experimentNames[0] : "\(experimentNames[0])-and-\(experimentNames.count - 1)-more"
    }

    /// `<results>/slurm/<sweep>/`.
    public var folder: String { joinFilePath(ResultsTree(root: output).slurm, name) }
    public var trainScript: String { joinFilePath(folder, "train.sbatch") }
    public var mergeScript: String { joinFilePath(folder, "merge.sbatch") }
    public var submitScript: String { joinFilePath(folder, "submit.sh") }
    /// `logs/`: one file per array task and one for the merge.
    public var logs: String { joinFilePath(folder, "logs") }

    /// `0-39%4`.
    public var arraySpec: String { "0-\(tasks - 1)" + (parallel.map { "%\($0)" } ?? "") }

    public var trainText: String {
        var lines = ["#!/bin/bash",
                     "# \(name): \(runs) runs of \(experimentNames.joined(separator: ", ")) in \(tasks) shards, written by 'nnlab slurm'.",
                     "# Task K trains shard K (run i of the sweep goes to shard i mod \(tasks)) into the results folder.",
                     "#SBATCH --job-name=nnlab-\(name)",
                     "#SBATCH --array=\(arraySpec)",
                     "#SBATCH --cpus-per-task=\(cpusPerTask)",
                     "#SBATCH --output=\(joinFilePath(logs, "train_%A_%a.out"))",
                     "#SBATCH --chdir=\(workingDirectory)"]
        lines += options
        let run = [executable, "run"] + experimentFiles + ["--output", output, "--shard", "auto", "--shards", String(tasks)]
        lines.append("exec " + run.map(shellQuoted).joined(separator: " ") + " --jobs \"${SLURM_CPUS_PER_TASK:-1}\"")
        return lines.joined(separator: "\n") + "\n"
    }

    public var mergeText: String {
        var lines = ["#!/bin/bash",
                     "# \(name): publishes the shards' results once the array has ended; exit 1 names the runs missing.",
                     "#SBATCH --job-name=nnlab-\(name)-merge",
                     "#SBATCH --cpus-per-task=\(cpusPerTask)",
                     "#SBATCH --output=\(joinFilePath(logs, "merge_%j.out"))",
                     "#SBATCH --chdir=\(workingDirectory)"]
        lines += options
        let merge = [executable, "merge"] + experimentNames.map { ResultsTree(root: output).experiment($0).path }
        lines.append("exec " + merge.map(shellQuoted).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    public var submitText: String {
        let throttle = parallel.map { ", at most \($0) at a time" } ?? ""
        return """
            #!/bin/sh
            # \(name): submits the array of \(tasks) tasks, then the merge job after it
            # (afterany: it runs when every task has ended, and fails when runs are missing).
            # Run it again after a failed or cancelled task: only what is missing trains.
            set -e
            array=$(sbatch --parsable \(shellQuoted(trainScript)))
            array=${array%%;*}
            merge=$(sbatch --parsable --dependency=afterany:$array \(shellQuoted(mergeScript)))
            merge=${merge%%;*}
            echo "submitted array job $array (\(tasks) tasks\(throttle)) and merge job $merge (after the array)"
            echo "logs: \(logs)/; results: \(output)/"

            """
    }

    /// The partition and time limit lines, when given.
    private var options: [String] {
        (partition.map { ["#SBATCH --partition=\($0)"] } ?? []) + (time.map { ["#SBATCH --time=\($0)"] } ?? [])
    }

    /// Writes the three scripts and makes the log folder (sbatch does not make it).
    public func write() throws(WriteError) {
        try ResultFiles.makeFolder(logs)
        try ResultFiles.write(trainText, to: trainScript)
        try ResultFiles.write(mergeText, to: mergeScript)
        try ResultFiles.write(submitText, to: submitScript)
        chmod(submitScript, 0o755)
    }

    /// Whether `text` is a time limit sbatch reads: minutes, MM:SS, HH:MM:SS,
    /// D-HH, D-HH:MM or D-HH:MM:SS.
    public static func isTimeLimit(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else { return false }
        let clock = parts.last!.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = (parts.count == 2 ? [parts[0]] : []) + clock
        guard numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        return clock.count <= 3
    }
}
