import Dispatch
import Experiments
import Foundation

let runSpec = CommandSpec(
    name: "run",
    abstract: "Train every run of the given experiments and write their results.",
    positionalUsage: "[PATH ...]",
    positionalHelp: "Experiment files or folders of them (default: experiments/).",
    options: [
        OptionSpec(name: "--jobs", valueName: "N", help: "Runs to train at once (default: the number of cores)."),
        OptionSpec(name: "--output", valueName: "DIR", help: "Where results go (default: results/)."),
        OptionSpec(name: "--fresh", valueName: nil, help: "Train every run anew instead of resuming finished ones."),
        OptionSpec(name: "--quiet", valueName: nil, help: "Print nothing but errors."),
        OptionSpec(name: "--shard", valueName: "K/N", help: "Train only shard K of N (run i of all runs goes to shard i mod N); 'auto': from a Slurm array task or a Kubernetes Indexed Job."),
        OptionSpec(name: "--shards", valueName: "N", help: "The number of shards for --shard auto in a Kubernetes Indexed Job (its completions)."),
    ],
    discussion: """
        Every file is validated before anything runs; an invalid file stops the command
        with exit status 2 and nothing written. Runs finished earlier with the same
        resolved config are reused. Ctrl-C stops cleanly: finished runs are kept and the
        next 'nnlab run' resumes (SIGTERM, as Slurm sends on scancel, stops the same way).
        A shard writes only its own runs and its record in <experiment>/shards/;
        'nnlab merge' publishes once the shards are done. Exit status: 0 success
        (diverged runs are results), 1 a result could not be written, 2 invalid input,
        130 interrupted (143 terminated).
        """)

/// `nnlab run [PATH ...] [--jobs N] [--output DIR] [--fresh] [--quiet]`.
func runRun(_ arguments: ParsedArguments) -> ExitStatus {
    guard let jobs = jobsOption(arguments, command: "run") else { return .invalidInput }
    let output = arguments.values["--output"] ?? "results"
    guard !output.isEmpty else {
        return report(.invalidValue(option: "--output", value: output, expected: "a folder", command: "run"))
    }
    let quiet = arguments.flags.contains("--quiet")
    var shard: Shard?
    if let text = arguments.values["--shard"] {
        var shards: Int?
        if let count = arguments.values["--shards"] {
            guard let n = Int(count), n >= 1, n <= Shard.maximumCount else {
                return report(.invalidValue(option: "--shards", value: count, expected: "a whole number from 1 to \(Shard.maximumCount)", command: "run"))
            }
            shards = n
        }
        do {
            shard = try Shard.parse(text, shards: shards, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("nnlab: error: \(error.message)\nUsage: \(runSpec.usage)\n")
            return .invalidInput
        }
    } else if arguments.values["--shards"] != nil {
        printError("nnlab: error: --shards needs --shard auto (it gives the number of shards of a Kubernetes Indexed Job)\nUsage: \(runSpec.usage)\n")
        return .invalidInput
    }
    guard let experiments = loadExperiments(arguments.positional.isEmpty ? ["experiments"] : arguments.positional, jobs: jobs) else {
        return .invalidInput
    }

    let interrupt = Interrupt()
    interrupt.install()
    let progress = ProgressDisplay(quiet: quiet)
    let runner = Runner(experiments: experiments, options: RunnerOptions(output: output, jobs: jobs, fresh: arguments.flags.contains("--fresh"), shard: shard))
    let outcome: RunnerOutcome
    do {
        outcome = try runner.run(events: { progress.handle($0) }, cancelled: { interrupt.happened })
    } catch {
        progress.finish()
        printError("nnlab: error: \(error)\n")
        // What finished is still published, as far as the disk lets it (a shard publishes nothing).
        if shard == nil { _ = try? Publisher.publish(runner.folders) }
        return .writeFailure
    }
    progress.finish()
    if let shard {
        return finishShard(shard, outcome, arguments: arguments, interrupt: interrupt, quiet: quiet, elapsed: progress.elapsed)
    }
    for reproduction in outcome.reproductions where !quiet {
        print(reproductionLine(reproduction))
    }
    let published: [PublishedExperiment]
    do {
        progress.writingReports()
        defer { progress.reportsWritten() }
        published = try Publisher.publish(outcome.folders, timings: outcome.timings, curves: outcome.curves, kept: outcome.kept, jobs: jobs,
                                          cancelled: interrupt.beginPublishing())
    } catch {
        progress.reportsWritten()
        return failure(error, interrupt: interrupt, resume: resumeHint(arguments))
    }
    if outcome.interrupted {
        let folders = outcome.folders.map { $0.path + "/" }.joined(separator: ", ")
        let partial = folders.isEmpty ? "" : "; partial results published in \(folders)"
        printError("\(interrupt.verb): \(ReportNumber.grouped(outcome.resumed + outcome.trained)) of \(count(outcome.total, "run")) finished and kept\(partial); \(resumeHint(arguments))\n")
        return interrupt.status
    }
    if !quiet && !outcome.folders.isEmpty {
        print("\(count(outcome.total, "run")) (\(tally(outcome))) in \(clock(progress.elapsed)); results in \(outcome.folders.map { $0.path + "/" }.joined(separator: ", "))")
        print("reports: \(ResultsTree(root: output).index)" + (published.count == 1 ? " and \(published[0].folder.reportHTML)" : ""))
        if outcome.staleRuns > 0 {
            print("note: \(count(outcome.staleRuns, "run folder")) no longer in the experiments \(outcome.staleRuns == 1 ? "was" : "were") left in runs/ and not summarized")
        }
    }
    return .success
}

/// What a finished `run` did: "27 trained, 10 diverged", "0 trained, 12 already done".
func tally(_ outcome: RunnerOutcome) -> String {
    var parts = ["\(ReportNumber.grouped(outcome.trained)) trained"]
    if outcome.resumed > 0 { parts.append("\(ReportNumber.grouped(outcome.resumed)) already done") }
    if outcome.diverged > 0 { parts.append("\(ReportNumber.grouped(outcome.diverged)) diverged") }
    return parts.joined(separator: ", ")
}

/// The end of a shard's run: its own runs are on disk and its record written; nothing is published.
func finishShard(_ shard: Shard, _ outcome: RunnerOutcome, arguments: ParsedArguments, interrupt: Interrupt,
                 quiet: Bool, elapsed: Double) -> ExitStatus {
    let merge = "nnlab merge " + outcome.folders.map { shellQuoted($0.path) }.joined(separator: " ")
    if outcome.interrupted {
        printError("\(interrupt.verb): \(shard): \(ReportNumber.grouped(outcome.resumed + outcome.trained)) of its \(count(outcome.total, "run")) finished and kept; \(resumeHint(arguments))\n")
        return interrupt.status
    }
    if !quiet {
        print("\(shard): \(count(outcome.total, "run")) (\(tally(outcome))) in \(clock(elapsed)); when every shard is done: \(merge)")
    }
    return .success
}

/// The command that resumes an interrupted run: this one, without `--fresh`.
func resumeHint(_ arguments: ParsedArguments) -> String {
    guard arguments.flags.contains("--fresh") else { return "run the same command again to resume" }
    let words = CommandLine.arguments.dropFirst().filter { $0 != "--fresh" }.map(shellQuoted)
    return "run 'nnlab \(words.joined(separator: " "))' (without --fresh) to resume"
}

/// `reproduced learning_rate=0.1,seed=0 in results/x/reproduced/…/: identical to results/x/runs/…/`.
func reproductionLine(_ reproduction: Reproduction) -> String {
    let head = "reproduced \(reproduction.run) in \(reproduction.folder)/"
    switch reproduction.verdict {
    case .identical:
        return "\(head): identical to \(reproduction.original)/ (every file byte for byte)"
    case .differs(let files):
        return "\(head): differs from \(reproduction.original)/ in \(files.joined(separator: ", "))"
    case .noOriginal:
        return "\(head); no finished original at \(reproduction.original)/ to compare with"
    }
}

/// Loads and validates every experiment file, printing every mistake; nil when any file is invalid
/// or two experiments share a name (and so a results folder).
func loadExperiments(_ paths: [String], jobs: Int? = nil) -> [Experiment]? {
    let files: [String]
    do {
        files = try ExperimentLoader.experimentFiles(paths)
    } catch {
        printError(error.rendered + "\n")
        return nil
    }
    let cache = CSVCache()
    var experiments: [Experiment] = []
    var valid = true
    for file in files {
        do {
            experiments.append(try ExperimentLoader.load(path: file, cache: cache, jobs: jobs))
        } catch {
            printError(error.rendered + "\n")
            valid = false
        }
    }
    var owners: [String: String] = [:]
    for experiment in experiments {
        if let other = owners[experiment.name] {
            let location = experiment.document.member("name")?.value.location
            printError(Diagnostic(file: experiment.file, location: location, path: "name",
                                  message: "\"\(experiment.name)\" is also the name of \(other); each experiment needs its own results folder").rendered + "\n")
            valid = false
        }
        owners[experiment.name] = experiment.file
    }
    if !valid {
        printError("nothing was run: fix the files above first\n")
        return nil
    }
    return experiments
}

/// Ctrl-C (SIGINT), or SIGTERM (what Slurm's scancel and time limit and
/// Kubernetes send first): the first one asks the runner to stop after the
/// current epochs; a second one exits at once (files are written atomically,
/// so none is half-written).
final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    /// The first signal received.
    private var first: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// What a first signal stops: training, or publishing.
    private var publishing = false
    /// Signals received before publishing began.
    private var beforePublishing = 0

    var happened: Bool {
        lock.lock()
        defer { lock.unlock() }
        return count > 0
    }

    /// From now on a signal stops publishing; returns the question publishing
    /// asks (a signal since now). After a stop during training, publishing what
    /// finished goes on, and a second signal quits at once.
    func beginPublishing() -> @Sendable () -> Bool {
        lock.lock()
        publishing = true
        beforePublishing = count
        lock.unlock()
        return { [self] in
            lock.lock()
            defer { lock.unlock() }
            return count > beforePublishing
        }
    }

    /// 130 after SIGINT, 143 after SIGTERM (128 + the signal, as shells report it).
    var status: ExitStatus {
        lock.lock()
        defer { lock.unlock() }
        return first == SIGTERM ? .terminated : .interrupted
    }

    /// How the stop is told: "interrupted" or "terminated".
    var verb: String { status == .terminated ? "terminated" : "interrupted" }

    func install() {
        let queue = DispatchQueue(label: "nnlab.interrupt")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                lock.lock()
                count += 1
                let again = count > 1
                let stopping = publishing ? "stopping after the reports in progress are written" : "stopping after the runs in progress finish their epoch"
                if first == nil { first = number }
                lock.unlock()
                if again { exit((number == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted).rawValue) }
                let what = number == SIGTERM ? "terminated (SIGTERM): " : ""
                printError("\n\(what)\(stopping)… (Ctrl-C again to quit now)\n")
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// The progress of a sweep on stderr: on a terminal one live line (bar, runs
/// done of total, elapsed, time left, diverged runs), redrawn as runs finish
/// and every half second; otherwise one line per finished run; nothing when quiet.
final class ProgressDisplay: @unchecked Sendable {
    private let quiet: Bool
    private let live: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private let lock = NSLock()
    private var total = 0
    private var resumed = 0
    private var done = 0
    private var diverged = 0
    private var timer: DispatchSourceTimer?

    init(quiet: Bool) {
        self.quiet = quiet
        live = !quiet && isatty(STDERR_FILENO) == 1
    }

    var elapsed: Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func handle(_ event: RunnerEvent) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .planned(let total, let resumed):
            self.total = total
            self.resumed = resumed
            done = resumed
            if live {
                let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "nnlab.progress"))
                timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
                timer.setEventHandler { [self] in
                    lock.lock()
                    drawLine()
                    lock.unlock()
                }
                timer.resume()
                self.timer = timer
                drawLine()
            } else if resumed > 0 {
                printError("\(resumed) of \(count(total, "run")) already done; training the other \(total - resumed)\n")
            }
        case .finished(let run):
            done = run.done
            diverged = run.diverged
            if live {
                drawLine()
            } else {
                let status = run.status == .completed ? "" : " \(run.status.rawValue)"
                printError("[\(run.done)/\(run.total)] \(run.experiment)/\(run.run): \(count(run.epochs, "epoch"))\(status), \(String(format: "%.2f", run.seconds)) s\n")
            }
        }
    }

    /// Ends the live line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        timer?.cancel()
        timer = nil
        if live && total > 0 {
            drawLine()
            printError("\n")
        }
    }

    /// Says, on the live line, that the reports are being written (after `finish`).
    func writingReports() {
        if live { printError("writing reports…\u{1B}[K") }
    }

    /// Clears what `writingReports` wrote.
    func reportsWritten() {
        if live { printError("\r\u{1B}[K") }
    }

    /// `[########············] 12/33 runs  0:04 elapsed  ~0:07 left  2 diverged`
    private func drawLine() {
        let trained = done - resumed
        var parts = ["\(done)/\(total) runs", "\(clock(elapsed)) elapsed"]
        if trained > 0 && done < total {
            parts.append("~\(clock(elapsed / Double(trained) * Double(total - done))) left")
        }
        if diverged > 0 { parts.append("\(diverged) diverged") }
        printError("\r\(progressLine(parts, fraction: total == 0 ? 1 : Double(done) / Double(total), columns: terminalColumns()))\u{1B}[K")
    }
}

/// The progress line in at most `columns` − 1 characters, so that the terminal
/// never wraps it: the bar shrinks (to nothing below 4 cells), then the last
/// parts are dropped, then the text is cut.
func progressLine(_ parts: [String], fraction: Double, columns: Int) -> String {
    let room = max(1, columns - 1)
    var parts = parts
    while true {
        let text = parts.joined(separator: "  ")
        let barWidth = min(24, room - text.count - 3)
        if barWidth >= 4 {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            return "[" + String(repeating: "#", count: filled) + String(repeating: "·", count: barWidth - filled) + "] " + text
        }
        if text.count <= room || parts.count == 1 { return String(text.prefix(room)) }
        parts.removeLast()
    }
}

/// The width of the terminal on standard error (TIOCGWINSZ), else $COLUMNS, else 80.
func terminalColumns() -> Int {
    var size = winsize()
    if withUnsafeMutablePointer(to: &size, { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }) == 0 && size.ws_col > 0 {
        return Int(size.ws_col)
    }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 80
}

/// Seconds as m:ss (or h:mm:ss).
func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}
