import Foundation
import Experiments
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The whole-process workloads of `make bench` (issue 14, items 4 and 5): the
// release `nnlab` binary run as a child process, `nnlab run FILE --output DIR`
// on an experiment file of bench/workloads/, each time into a fresh
// results folder under .build/bench (no resume), its standard output and error into a log file.
// The figures are the child's wall time (spawn to reap), its peak resident
// set size (`ru_maxrss` from its own `wait4`), and the run seconds the command
// recorded in timings.csv (each rounded to the millisecond, so runs of less
// than half a millisecond count 0). Each workload runs `repeats` times (3 by default);
// the table shows the median wall time and the largest peak memory of the
// repeats. The file system is synced, untimed, before every timed run, so that
// one run's write-back does not land in the next one's time; the results
// folders are removed only when the bench ends, since creating files just
// after deleting many is slow on ext4 (`measure`). Beside each
// figure, the CPU the rest of the machine used meanwhile (from /proc/stat),
// since on a shared machine other processes' work lands in the wall times.

/// A whole-process workload: `nnlab run` on one file of bench/workloads/.
struct ProcessWorkload {
    var name: String
    var file: String
    var title: String
    /// Runs only when named or with `--long` (it takes minutes).
    var optional = false
}

let processWorkloads = [
    ProcessWorkload(name: "lr-sweep", file: "learning-rate-sweep.json",
                    title: "27-run learning-rate sweep (experiments/learning-rate.json's shape)"),
    ProcessWorkload(name: "moons-jobs", file: "moons-30-runs.json",
                    title: "30 moons runs of 200 epochs, on 1 job and on every core, alternately"),
    ProcessWorkload(name: "exercise-120k", file: "exercise-120000-epochs.json",
                    title: "the one-neuron exercise, 120,000 epochs"),
    ProcessWorkload(name: "tiny-sweep", file: "xor-10000-runs.json",
                    title: "10,000 tiny runs (xor, 10 epochs; 2,500 grid points × 4 seeds)"),
    ProcessWorkload(name: "xor-10m", file: "xor-10-million-epochs.json",
                    title: "10,000,000 epochs of a 4-sample XOR net", optional: true),
]

/// One workload's repeats on one number of jobs.
struct ProcessResult {
    var workload: String
    var file: String
    var runs: Int
    /// `--jobs` as passed; nil: the default (every core).
    var jobs: Int?
    var wallSeconds: [Double] = []
    var peakResidentBytes: [Int] = []
    var cpuSeconds: [Double] = []
    /// The kernel's share of `cpuSeconds` (file creation, page faults).
    var systemSeconds: [Double] = []
    /// The sum of the runs' seconds in timings.csv, per repeat.
    var trainingSeconds: [Double] = []
    /// report.html's size, per repeat.
    var reportBytes: [Int] = []
    /// The largest curve.csv's size, per repeat.
    var largestCurveBytes: [Int] = []
    /// The CPU seconds the rest of the machine used during the run, per wall
    /// second (cores' worth), per repeat; empty where /proc/stat is not there.
    var othersCores: [Double] = []

    var wall: Double { median(wallSeconds) }
    var training: Double { median(trainingSeconds) }
    var peak: Int { peakResidentBytes.max() ?? 0 }
}

struct ProcessBench {
    var nnlab: String
    var folder: String
    var scratch: String
    var repeats: Int
    let cores = ProcessInfo.processInfo.activeProcessorCount
    private var counter = 0
    /// The run folders the timed commands wrote into `scratch`.
    private(set) var runsWritten = 0

    init(nnlab: String, folder: String, scratch: String, repeats: Int) {
        self.nnlab = nnlab
        self.folder = folder
        self.scratch = scratch
        self.repeats = repeats
    }

    /// Removes the scratch folder, then fails with `message`.
    func abort(_ message: String) -> Never {
        RecentDeletion.remove(scratch, runs: runsWritten,
                              stamp: RecentDeletion.stamp(in: (scratch as NSString).deletingLastPathComponent))
        fail(message)
    }

    /// `nnlab --version`, untimed: checks the binary and brings it into the page cache.
    func version() -> String {
        let log = joinFilePath(scratch, "version.log")
        guard let usage = runChild([nnlab, "--version"], log: log), usage.status == 0 else {
            abort("\(nnlab) --version failed (build it with `make bench`, or pass --nnlab PATH)")
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The experiment in a workload's file, loaded and validated as `nnlab run` will.
    func experiment(_ workload: ProcessWorkload) -> Experiment {
        let path = joinFilePath(folder, workload.file)
        do {
            return try ExperimentLoader.load(path: path)
        } catch {
            abort("the workload file \(path) does not load (run from the package folder or pass --workloads):\n\(error.rendered)")
        }
    }

    /// One timed `nnlab run` of `experiment` into a fresh results folder, added to `result`.
    mutating func measure(_ workload: ProcessWorkload, _ experiment: Experiment, into result: inout ProcessResult) {
        counter += 1
        let output = joinFilePath(scratch, "\(workload.name)-\(counter)")
        let log = output + ".log"
        var arguments = [nnlab, "run", joinFilePath(folder, workload.file), "--output", output]
        if let jobs = result.jobs { arguments += ["--jobs", String(jobs)] }
        sync()
        let busyBefore = machineBusySeconds()
        let child = runChild(arguments, log: log)
        let busyAfter = machineBusySeconds()
        guard let usage = child else {
            abort("could not start \(nnlab): \(String(cString: strerror(errno)))")
        }
        guard usage.status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            abort("`\(arguments.joined(separator: " "))` exited with status \(usage.status):\n"
                 + text.split(separator: "\n").suffix(20).joined(separator: "\n"))
        }
        let tree = ResultsTree(root: output)
        let experimentFolder = tree.experiment(experiment.name)
        let seconds = TimingsFile.read(experimentFolder)
        guard seconds.count == experiment.runs.count else {
            abort("`\(arguments.joined(separator: " "))` recorded \(seconds.count) of \(experiment.runs.count) runs in timings.csv")
        }
        runsWritten += experiment.runs.count
        result.wallSeconds.append(usage.wallSeconds)
        result.peakResidentBytes.append(usage.peakResidentBytes)
        result.cpuSeconds.append(usage.userSeconds + usage.systemSeconds)
        result.systemSeconds.append(usage.systemSeconds)
        result.trainingSeconds.append(seconds.values.reduce(0, +))
        result.reportBytes.append(fileSize(experimentFolder.reportHTML) ?? 0)
        result.largestCurveBytes.append(largestCurve(experimentFolder))
        // The results stay until the bench ends: on ext4, creating files just
        // after deleting many costs the kernel a scan for recently deleted
        // inodes per file (10,000 runs: 36 s of system time instead of 2).
        if let busyBefore, let busyAfter {
            let others = busyAfter - busyBefore - usage.userSeconds - usage.systemSeconds
            result.othersCores.append(max(0, others) / usage.wallSeconds)
        }
    }

    /// The workload's results: one per number of jobs (two for moons-jobs).
    mutating func run(_ workload: ProcessWorkload) -> [ProcessResult] {
        let experiment = experiment(workload)
        let repeats = workload.optional ? 1 : repeats
        func empty(jobs: Int?) -> ProcessResult {
            ProcessResult(workload: workload.name, file: workload.file, runs: experiment.runs.count, jobs: jobs)
        }
        if workload.name == "moons-jobs" {
            var one = empty(jobs: 1), all = empty(jobs: cores)
            for _ in 0 ..< repeats {
                measure(workload, experiment, into: &one)
                measure(workload, experiment, into: &all)
            }
            return [one, all]
        }
        var result = empty(jobs: nil)
        for _ in 0 ..< repeats {
            measure(workload, experiment, into: &result)
        }
        return [result]
    }
}

/// ext4 looks past inodes deleted in the last minute when it creates a file
/// (60 s, once the deletion is on disk), at a cost per file that makes a
/// 10,000-run sweep several times slower in the kernel (measured here: 14–20 s
/// and 20–28 s of system time in /tmp, where other programs' temporary files
/// come and go, against 6 s and 2 s in .build/bench). The bench removes its
/// results when it ends and stamps the time in `stamp`; the next one waits
/// until a minute and a little more has passed.
enum RecentDeletion {
    static let quiet: Double = 65

    static func stamp(in folder: String) -> String { joinFilePath(folder, "nnlab-bench-removed") }

    /// Removes `scratch` (synced to disk) and, after `runs` runs' folders
    /// (1,000 or more: a few runs' files cost nothing to notice), stamps the time.
    static func remove(_ scratch: String, runs: Int, stamp: String) {
        try? FileManager.default.removeItem(atPath: scratch)
        guard runs >= 1000 else { return }
        sync()
        _ = FileManager.default.createFile(atPath: stamp, contents: Data())
    }

    /// Waits until `quiet` seconds have passed since the stamp; says so on standard error.
    static func waitForQuiet(stamp: String) {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: stamp))?[.modificationDate] as? Date
        else { return }
        let wait = quiet + modified.timeIntervalSinceNow
        guard wait > 0, wait <= quiet else { return }
        FileHandle.standardError.write(Data(("nnlab-bench: waiting \(Int(wait.rounded(.up))) s: a bench removed its results "
            + "\(Int(-modified.timeIntervalSinceNow)) s ago, and ext4 creates files slowly for a minute after many deletions\n").utf8))
        Thread.sleep(forTimeInterval: wait)
    }
}

/// A note when bench/workloads/learning-rate-sweep.json is no longer
/// experiments/learning-rate.json but for its name and description (nil when
/// it is, or when either file is not there to compare).
func learningRateDrift(workloads folder: String) -> String? {
    let copy = joinFilePath(folder, "learning-rate-sweep.json"), original = "experiments/learning-rate.json"
    /// The file's settings as canonical JSON (sorted keys), for comparing by bytes.
    func settings(_ path: String) -> Data? {
        guard let data = FileManager.default.contents(atPath: path),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for key in ["name", "description", "$schema"] { object[key] = nil }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
    guard let a = settings(copy), let b = settings(original), a != b else { return nil }
    return "note: \(copy) is no longer \(original)'s sweep (beyond name and description); bench/lr_sweep_torch.py follows the former"
}

/// The CPU seconds every process on the machine has used since boot (the
/// first line of /proc/stat: user, nice, system, irq, softirq, steal), or nil
/// where there is no /proc/stat. The difference over a run, less the child's
/// own CPU time, is what other processes took meanwhile: a timing taken while
/// that is large is not comparable with one taken on an idle machine.
func machineBusySeconds() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
    let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard ticks.count >= 8 else { return nil }
    let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
    return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The system's load averages over 1, 5 and 15 minutes: how busy the machine
/// was, since other processes' work lands in the wall times.
func loadAverages() -> [Double] {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) == 3 ? loads : []
}

func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
}

/// The size of the largest run's curve.csv in an experiment's folder.
func largestCurve(_ folder: ExperimentFolder) -> Int {
    let runs = (try? FileManager.default.contentsOfDirectory(atPath: folder.runs)) ?? []
    return runs.compactMap { fileSize(joinFilePath(joinFilePath(folder.runs, $0), "curve.csv")) }.max() ?? 0
}

/// A target of issue 14's item 5, and whether the figures meet it (nil: not measured here).
struct Target {
    var goal: String
    var measured: String
    var met: Bool?
}

/// The targets the whole-process figures can be held to. The 27-run sweep's
/// ratio to PyTorch is bench/peers.py's to measure.
func targets(_ results: [ProcessResult], cores: Int) -> [Target] {
    var list: [Target] = []
    func result(_ name: String, jobs: Int? = nil) -> ProcessResult? {
        results.first { $0.workload == name && (jobs == nil || $0.jobs == jobs) }
    }
    if result("lr-sweep") != nil {
        list.append(Target(goal: "27-run sweep ≥ 80× faster end to end than the PyTorch script",
                           measured: "bench/peers.py", met: nil))
    }
    if let one = result("moons-jobs", jobs: 1), let all = result("moons-jobs", jobs: cores) {
        // 1.85× on 2 cores: 92.5 % of linear; the same share of linear on other core counts.
        let goal = 0.925 * Double(cores)
        let ratio = one.wall / all.wall
        list.append(Target(goal: "30-run sweep: \(cores) jobs ≥ \(format(goal, 2))× the throughput of 1 job",
                           measured: "\(format(ratio, 2))×", met: ratio >= goal))
    }
    if let exercise = result("exercise-120k") {
        let ratio = exercise.wall / exercise.training
        list.append(Target(goal: "120,000-epoch exercise: command ≤ 2× its training time",
                           measured: "\(format(ratio, 1))×", met: ratio <= 2))
    }
    if let tiny = result("tiny-sweep") {
        list.append(Target(goal: "10,000-run sweep under 6 s", measured: "\(format(tiny.wall, 2)) s", met: tiny.wall < 6))
        list.append(Target(goal: "10,000-run sweep under 128 MiB peak memory", measured: "\(mebibytes(tiny.peak)) MiB",
                           met: tiny.peak < 128 << 20))
        let report = tiny.reportBytes.max() ?? 0
        list.append(Target(goal: "10,000-run sweep: report.html under 4 MB (4,000,000 bytes)",
                           measured: "\(format(Double(report) / 1e6, 2)) MB", met: report < 4_000_000))
    }
    if let long = result("xor-10m") {
        list.append(Target(goal: "10,000,000 epochs of the XOR net under 2 GiB peak memory",
                           measured: "\(mebibytes(long.peak)) MiB", met: long.peak < 2 << 30))
    }
    return list
}

func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

func mebibytes(_ bytes: Int) -> String {
    format(Double(bytes) / Double(1 << 20), 1)
}

func sizeText(_ bytes: Int) -> String {
    bytes >= 1_000_000 ? "\(format(Double(bytes) / 1e6, 1)) MB" : "\(format(Double(bytes) / 1e3, 1)) kB"
}

/// The whole-process table, then the targets with their marks.
func printProcessTable(_ results: [ProcessResult], targets: [Target], version: String, repeats: Int, cores: Int,
                       loads: (before: [Double], after: [Double])) {
    func text(_ loads: [Double]) -> String { loads.map { format($0, 2) }.joined(separator: " ") }
    print("")
    print("whole process: \(version), `nnlab run FILE --output <a fresh folder in the scratch folder>` as a child process;")
    print("wall = median of \(repeats) (xor-10m: 1), peak = the largest ru_maxrss of them; training = Σ of timings.csv's run seconds (each to the ms)")
    print("load average (1, 5, 15 min) on \(cores) cores: \(text(loads.before)) before, \(text(loads.after)) after")
    print("others = the cores' worth of CPU the rest of the machine used during the runs (median); near 0 on an idle machine")
    print("")
    print("\(pad("workload", 14)) \(leftPad("runs", 6)) \(leftPad("jobs", 4)) \(leftPad("wall s", 8)) \(leftPad("cpu s", 8)) \(leftPad("sys s", 7)) \(leftPad("training s", 10)) \(leftPad("peak MiB", 9)) \(leftPad("report.html", 11)) \(leftPad("largest curve", 13)) \(leftPad("others", 6))")
    for r in results {
        print("\(pad(r.workload, 14)) \(leftPad(String(r.runs), 6)) \(leftPad(String(r.jobs ?? cores), 4)) \(leftPad(format(r.wall, 3), 8)) \(leftPad(format(median(r.cpuSeconds), 3), 8)) \(leftPad(format(median(r.systemSeconds), 3), 7)) \(leftPad(format(r.training, 3), 10)) \(leftPad(mebibytes(r.peak), 9)) \(leftPad(sizeText(r.reportBytes.max() ?? 0), 11)) \(leftPad(sizeText(r.largestCurveBytes.max() ?? 0), 13)) \(leftPad(r.othersCores.isEmpty ? "—" : format(median(r.othersCores), 2), 6))")
    }
    if let one = results.first(where: { $0.workload == "moons-jobs" && $0.jobs == 1 }),
       let all = results.first(where: { $0.workload == "moons-jobs" && $0.jobs == cores }) {
        print("")
        print("moons-jobs: \(format(Double(one.runs) / one.wall, 1)) runs/s on 1 job, \(format(Double(all.runs) / all.wall, 1)) on \(cores) (\(format(one.wall / all.wall, 2))× one job)")
    }
    if let exercise = results.first(where: { $0.workload == "exercise-120k" }) {
        print("exercise-120k: command \(format(exercise.wall, 3)) s, training \(format(exercise.training, 3)) s (\(format(exercise.wall / exercise.training, 1))× its training)")
    }
    let busiest = results.flatMap(\.othersCores).max() ?? 0
    if busiest > 0.25 {
        print("note: other processes used up to \(format(busiest, 2)) of the \(cores) cores during these runs: "
              + "the wall times and the jobs ratio are not those of an idle machine")
    }
    guard !targets.isEmpty else { return }
    print("")
    print("targets (issue 14, item 5):")
    let width = targets.map(\.goal.count).max() ?? 0
    for target in targets {
        let mark = target.met.map { $0 ? "pass" : "FAIL" } ?? "—"
        print("  \(pad(target.goal, width))  \(leftPad(target.measured, 15))  \(mark)")
    }
}

/// The whole-process part of `--json`: the results and the targets.
func processJSON(_ results: [ProcessResult], targets: [Target], version: String, cores: Int,
                 loads: (before: [Double], after: [Double])) -> String {
    func numbers(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
    func integers(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
    let entries = results.map { r in
        "{\"name\": \"\(r.workload)\", \"file\": \"bench/workloads/\(r.file)\", \"runs\": \(r.runs), \"jobs\": \(r.jobs ?? cores), " +
            "\"wall_seconds\": \(r.wall), \"wall_seconds_each\": \(numbers(r.wallSeconds)), " +
            "\"cpu_seconds_each\": \(numbers(r.cpuSeconds)), \"system_seconds_each\": \(numbers(r.systemSeconds)), " +
            "\"training_seconds\": \(r.training), \"training_seconds_each\": \(numbers(r.trainingSeconds)), " +
            "\"peak_rss_bytes\": \(r.peak), \"peak_rss_bytes_each\": \(integers(r.peakResidentBytes)), " +
            "\"report_html_bytes\": \(r.reportBytes.max() ?? 0), \"largest_curve_bytes\": \(r.largestCurveBytes.max() ?? 0), " +
            "\"others_cores_each\": \(numbers(r.othersCores))}"
    }
    let marks = targets.map { t in
        "{\"goal\": \"\(t.goal)\", \"measured\": \"\(t.measured)\", \"met\": \(t.met.map { $0 ? "true" : "false" } ?? "null")}"
    }
    return "\"nnlab\": \"\(version)\", \"cores\": \(cores), " +
        "\"load_average_before\": \(numbers(loads.before)), \"load_average_after\": \(numbers(loads.after)), " +
        "\"whole_process\": [" + entries.joined(separator: ", ") + "], " +
        "\"targets\": [" + marks.joined(separator: ", ") + "]"
}
