import Foundation
import Dispatch
import Experiments
import NeuralNetwork

// `make bench`: the speed of training on the workloads of SPEC §8, measured on
// the path users run: an experiment file loaded by `ExperimentLoader`, trained
// by `Trainer.train` into the reduced curve a run keeps, and for the sweep, the runs of an experiment trained and
// written by `Runner`.
//
// Time per training step = the time of an epoch (its steps, then the
// evaluation of the whole training set that the trainer does after every
// epoch) divided by the steps in the epoch. The validation split is 0, so the
// evaluation is of the training set only. Each workload trains a few runs;
// the first epochs of each run are warm-up; the figure is the median over the
// remaining epochs of all runs. GFLOP/s counts the multiply-adds of the matrix
// products of an epoch (forward, ∂W and δ of every step, and the forward pass
// of the evaluation), two flops each, over the median epoch time.
//
//     nnlab-bench [--json] [--quick] [--data FOLDER] [--per-step] [--whole-process] [--long]
//                 [--repeats N] [--nnlab PATH] [--workloads FOLDER] [--scratch FOLDER] [WORKLOAD ...]
//
// WORKLOAD is exercise, moons, digits or sweep (per step), or lr-sweep,
// moons-jobs, exercise-120k, tiny-sweep or xor-10m (whole process,
// WholeProcess.swift). Default: all but xor-10m, which runs only when named
// or with --long; --per-step or --whole-process runs only that part. --json
// prints one JSON object instead of the tables (bench/peers.py reads it);
// --quick trains fewer and shorter runs, and runs each whole process once;
// --data names the folder with digits.csv (default: ./data). --repeats sets
// the whole processes' repeats (default 3), --nnlab the binary (default: the
// nnlab next to nnlab-bench), --workloads the folder of their experiment files
// (default: bench/workloads), --scratch where their temporary results folders
// go (default: .build/bench; not /tmp, whose file-system groups other
// programs' temporary files churn, see `RecentDeletion`). The build line shows the
// compiler flags `make bench` passed (its TUNE, in NNLAB_BUILD) and how the
// kernels were compiled.
//
// The sweep: the 30 seeds of moons (100 epochs each) trained and written by
// `Runner` into a temporary folder, on 1 job and on every core, alternately,
// three times each; the median runs per second of each and their ratio.

struct Workload {
    var name: String
    /// The experiment file's text; `EPOCHS` is replaced by the epochs per run.
    var experiment: String
    var epochs: Int
    var quickEpochs: Int
    var runs: Int
    var warmUpEpochs: Int
}

let workloads = [
    Workload(name: "exercise", experiment: """
        {"name": "bench-exercise", "data": {"source": "inline", "inputs": [[3]], "targets": [[1]]},
         "model": {"inputs": 1, "layers": [
             {"units": 1, "activation": "relu", "bias": false, "weights": [[0.01]]},
             {"units": 1, "activation": "sigmoid", "weights": [[-5]], "biases": [-1]}]},
         "loss": "half_squared_error", "optimizer": {"name": "sgd", "learning_rate": 0.1},
         "training": {"epochs": EPOCHS, "batch_size": 1}}
        """, epochs: 50_000, quickEpochs: 10_000, runs: 5, warmUpEpochs: 1000),
    Workload(name: "moons", experiment: """
        {"name": "bench-moons", "data": {"source": "moons", "samples": 500, "noise": 0.2, "validation_split": 0, "seed": 0},
         "model": {"hidden": [16, 16], "activation": "relu", "output_activation": "sigmoid"},
         "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01},
         "training": {"epochs": EPOCHS, "batch_size": 32}}
        """, epochs: 1000, quickEpochs: 200, runs: 5, warmUpEpochs: 20),
    Workload(name: "digits", experiment: """
        {"name": "bench-digits", "data": {"source": "csv", "path": "digits.csv", "target": "label", "task": "classification",
                                         "validation_split": 0, "standardize": true},
         "model": {"hidden": [128, 64], "activation": "relu", "output_activation": "softmax"},
         "loss": "cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.001},
         "training": {"epochs": EPOCHS, "batch_size": 64}}
        """, epochs: 40, quickEpochs: 10, runs: 5, warmUpEpochs: 2),
]

/// The sweep: 30 seeds of the moons workload, written by the runner.
let sweepExperiment = """
    {"name": "bench-sweep", "data": {"source": "moons", "samples": 500, "noise": 0.2, "validation_split": 0, "seed": 0},
     "model": {"hidden": [16, 16], "activation": "relu", "output_activation": "sigmoid"},
     "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01},
     "training": {"epochs": EPOCHS, "batch_size": 32}, "seeds": 30}
    """

struct Options {
    var json = false
    var quick = false
    var dataFolder = "data"
    var selected: [String] = []
    var perStep = false
    var wholeProcess = false
    var long = false
    var repeats: Int?
    var nnlab: String?
    var workloadFolder = "bench/workloads"
    var scratch: String?
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--json": options.json = true
        case "--quick": options.quick = true
        case "--data":
            guard let folder = arguments.popFirst() else { fail("--data needs a folder") }
            options.dataFolder = folder
        case "--per-step": options.perStep = true
        case "--whole-process": options.wholeProcess = true
        case "--long": options.long = true
        case "--repeats":
            guard let text = arguments.popFirst(), let count = Int(text), count >= 1 else { fail("--repeats needs a count ≥ 1") }
            options.repeats = count
        case "--nnlab":
            guard let path = arguments.popFirst() else { fail("--nnlab needs the path of the nnlab binary") }
            options.nnlab = path
        case "--workloads":
            guard let folder = arguments.popFirst() else { fail("--workloads needs a folder") }
            options.workloadFolder = folder
        case "--scratch":
            guard let folder = arguments.popFirst() else { fail("--scratch needs a folder") }
            options.scratch = folder
        case "-h", "--help":
            print("usage: nnlab-bench [--json] [--quick] [--data FOLDER] [--per-step] [--whole-process] [--long]")
            print("                   [--repeats N] [--nnlab PATH] [--workloads FOLDER] [--scratch FOLDER] [WORKLOAD ...]")
            print("per step: \((workloads.map(\.name) + ["sweep"]).joined(separator: ", ")); whole process: \(processWorkloads.map(\.name).joined(separator: ", "))")
            exit(0)
        default:
            guard (workloads.map(\.name) + ["sweep"] + processWorkloads.map(\.name)).contains(argument) else {
                fail("unknown workload or option '\(argument)' (workloads: exercise, moons, digits, sweep, "
                     + processWorkloads.map(\.name).joined(separator: ", ") + ")")
            }
            options.selected.append(argument)
        }
    }
    return options
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("nnlab-bench: \(message)\n".utf8))
    exit(2)
}

func load(_ text: String, epochs: Int, dataFolder: String) -> Experiment {
    let filled = text.replacingOccurrences(of: "EPOCHS", with: String(epochs))
    do {
        return try ExperimentLoader.load(data: Data(filled.utf8), file: "bench.json", baseDirectory: dataFolder)
    } catch {
        fail("the benchmark experiment does not load: \(error)")
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Multiply-adds of the matrix products of one epoch over `samples` samples in
/// batches of `batch`: per step, the forward pass, ∂C/∂W of every layer and δ of
/// every layer but the first; then the forward pass over all samples.
func multiplyAddsPerEpoch(_ layers: [LayerSpec], inputs: Int, samples: Int) -> Double {
    var forward = 0.0, deltas = 0.0
    var below = inputs
    for (index, layer) in layers.enumerated() {
        forward += Double(below * layer.units)
        if index > 0 { deltas += Double(below * layer.units) }
        below = layer.units
    }
    // Every sample goes through one training step (forward, ∂W, δ) and the evaluation (forward).
    return Double(samples) * (forward + forward + deltas + forward)
}

struct StepResult {
    var name: String
    var network: String
    var samples: Int
    var batch: Int
    var stepsPerEpoch: Int
    var microsecondsPerStep: Double
    var gflops: Double
}

func benchmark(_ workload: Workload, options: Options) -> StepResult {
    let epochs = options.quick ? workload.quickEpochs : workload.epochs
    let runs = options.quick ? 3 : workload.runs
    let experiment = load(workload.experiment, epochs: epochs, dataFolder: options.dataFolder)
    let run = experiment.runs[0]
    let data: PreparedData
    do {
        data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
    } catch {
        fail("cannot read the data of \(workload.name): \(error.message) (run from the package folder or pass --data)")
    }
    let samples = data.trainingInputs.rows
    let batch: Int
    switch run.training.batchSize {
    case .full: batch = samples
    case .samples(let size): batch = min(size, samples)
    }
    let stepsPerEpoch = (samples + batch - 1) / batch

    var epochTimes: [Double] = []
    var stamps = [UInt64](repeating: 0, count: epochs + 1)
    // One run of warm-up, then the measured runs.
    for repeatIndex in 0 ... runs {
        var epoch = 0
        stamps[0] = now()
        // The curve goes where `nnlab run` keeps it in memory (`ReducedCurve`);
        // writing its rows to curve.csv is counted by the whole-process workloads.
        var curve = ReducedCurve(epochs: epochs)
        let result = Trainer.train(run, data: data, curve: &curve) {
            epoch += 1
            stamps[epoch] = now()
            return false
        }
        guard let result, result.status == .completed, result.epochs == epochs else {
            fail("the \(workload.name) run did not complete all its epochs")
        }
        if repeatIndex == 0 { continue }
        for e in (workload.warmUpEpochs + 1) ... epochs {
            epochTimes.append(Double(stamps[e] - stamps[e - 1]))
        }
    }
    let epochTime = median(epochTimes)
    let layers = [run.model.inputs] + run.model.layers.map(\.units)
    let flops = 2 * multiplyAddsPerEpoch(run.model.layers, inputs: run.model.inputs, samples: samples)
    return StepResult(name: workload.name, network: layers.map(String.init).joined(separator: "-"), samples: samples,
                      batch: batch, stepsPerEpoch: stepsPerEpoch,
                      microsecondsPerStep: epochTime / 1000 / Double(stepsPerEpoch), gflops: flops / epochTime)
}

struct SweepResult {
    var runs: Int
    var epochs: Int
    var cores: Int
    var runsPerSecondOneJob: Double
    var runsPerSecondAllCores: Double
    var ratio: Double { runsPerSecondAllCores / runsPerSecondOneJob }
}

/// The 30 runs of the sweep trained and written by `Runner` on 1 job and on
/// every core, alternately, seven times each; the median throughput of each
/// (a sweep takes a fraction of a second, so one slow pass must not decide).
func benchmarkSweep(options: Options) -> SweepResult {
    let epochs = options.quick ? 30 : 100
    let experiment = load(sweepExperiment, epochs: epochs, dataFolder: options.dataFolder)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let folder = NSTemporaryDirectory() + "nnlab-bench-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    func throughput(jobs: Int) -> Double {
        let runner = Runner(experiments: [experiment], options: RunnerOptions(output: folder, jobs: jobs, fresh: true))
        let start = now()
        do {
            let outcome = try runner.run(events: { _ in }, cancelled: { false })
            guard outcome.trained == experiment.runs.count else { fail("the sweep trained \(outcome.trained) runs") }
        } catch {
            fail("the sweep could not write its results: \(error)")
        }
        return Double(experiment.runs.count) / (Double(now() - start) / 1e9)
    }
    _ = throughput(jobs: cores)  // warm-up
    var one: [Double] = [], all: [Double] = []
    for _ in 0 ..< (options.quick ? 1 : 7) {
        one.append(throughput(jobs: 1))
        all.append(throughput(jobs: cores))
    }
    return SweepResult(runs: experiment.runs.count, epochs: epochs, cores: cores,
                       runsPerSecondOneJob: median(one), runsPerSecondAllCores: median(all))
}

/// How the benchmark was built: `make bench` passes its compiler flags in NNLAB_BUILD.
let build: String = {
    let flags = ProcessInfo.processInfo.environment["NNLAB_BUILD"].map { $0.isEmpty ? "default target" : $0 }
        ?? "flags unknown (not run by make bench)"
    let kernels = (KernelBuild.fusedMultiplyAdd ? "fused multiply-add" : "multiply then add")
        + ", \(KernelBuild.panelWidth)-column panels"
    return "release, \(flags); kernels: \(kernels)"
}()

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func leftPad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

let options = parseOptions()
let stepNames = workloads.map(\.name) + ["sweep"]
var names = options.selected
if names.isEmpty {
    let both = !options.perStep && !options.wholeProcess
    if options.perStep || both { names += stepNames }
    if options.wholeProcess || both { names += processWorkloads.filter { !$0.optional }.map(\.name) }
}
if options.long && !names.contains("xor-10m") { names.append("xor-10m") }
if !options.json && names.contains(where: stepNames.contains) {
    print("nnlab-bench: time per training step, each epoch's evaluation of the training set included (SPEC §8)")
    print("build: \(build); one thread per run")
    print("")
    print("\(pad("workload", 10)) \(pad("network", 12)) \(leftPad("samples", 7)) \(leftPad("batch", 5)) \(leftPad("steps/epoch", 11)) \(leftPad("µs/step", 10)) \(leftPad("GFLOP/s", 8))")
}
var results: [StepResult] = []
for workload in workloads where names.contains(workload.name) {
    let result = benchmark(workload, options: options)
    results.append(result)
    if !options.json {
        print("\(pad(result.name, 10)) \(pad(result.network, 12)) \(leftPad(String(result.samples), 7)) \(leftPad(String(result.batch), 5)) \(leftPad(String(result.stepsPerEpoch), 11)) \(leftPad(String(format: "%.2f", result.microsecondsPerStep), 10)) \(leftPad(String(format: "%.2f", result.gflops), 8))")
    }
}
var sweep: SweepResult?
if names.contains("sweep") {
    let result = benchmarkSweep(options: options)
    sweep = result
    if !options.json {
        print("")
        print("sweep: \(result.runs) runs of moons, \(result.epochs) epochs each, trained and written by the runner")
        print(String(format: "  1 job:   %7.2f runs/s", result.runsPerSecondOneJob))
        print(String(format: "  %d jobs: %7.2f runs/s  (%.2f× one job)", result.cores, result.runsPerSecondAllCores, result.ratio))
    }
}
var processResults: [ProcessResult] = []
var processVersion = ""
var processLoads: (before: [Double], after: [Double]) = ([], [])
let processRepeats = options.repeats ?? (options.quick ? 1 : 3)
let cores = ProcessInfo.processInfo.activeProcessorCount
if names.contains(where: processWorkloads.map(\.name).contains) {
    let scratchParent = options.scratch ?? ".build/bench"
    let scratch = joinFilePath(scratchParent, "nnlab-bench-\(ProcessInfo.processInfo.processIdentifier)")
    let removedStamp = RecentDeletion.stamp(in: scratchParent)
    do {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    } catch {
        fail("cannot create the scratch folder \(scratch): \(error.localizedDescription)")
    }
    let besideBench = Bundle.main.executableURL.map { $0.deletingLastPathComponent().appendingPathComponent("nnlab").path }
    var bench = ProcessBench(nnlab: options.nnlab ?? besideBench ?? ".build/release/nnlab", folder: options.workloadFolder,
                             scratch: scratch, repeats: processRepeats)
    defer { RecentDeletion.remove(scratch, runs: bench.runsWritten, stamp: removedStamp) }
    processVersion = bench.version()
    if names.contains("lr-sweep"), let note = learningRateDrift(workloads: options.workloadFolder) {
        FileHandle.standardError.write(Data("nnlab-bench: \(note)\n".utf8))
    }
    RecentDeletion.waitForQuiet(stamp: removedStamp)
    processLoads.before = loadAverages()
    for workload in processWorkloads where names.contains(workload.name) {
        if !options.json {
            FileHandle.standardError.write(Data("nnlab-bench: \(workload.name): \(workload.title) ...\n".utf8))
        }
        processResults += bench.run(workload)
    }
    processLoads.after = loadAverages()
    if !options.json {
        printProcessTable(processResults, targets: targets(processResults, cores: cores), version: processVersion,
                          repeats: processRepeats, cores: cores, loads: processLoads)
    }
}
if options.json {
    var fields: [String] = ["\"build\": \"\(build)\""]
    let entries = results.map { r in
        "{\"name\": \"\(r.name)\", \"network\": \"\(r.network)\", \"samples\": \(r.samples), \"batch\": \(r.batch), " +
            "\"steps_per_epoch\": \(r.stepsPerEpoch), \"microseconds_per_step\": \(r.microsecondsPerStep), \"gflops\": \(r.gflops)}"
    }
    fields.append("\"workloads\": [" + entries.joined(separator: ", ") + "]")
    if let sweep {
        fields.append("\"sweep\": {\"runs\": \(sweep.runs), \"epochs\": \(sweep.epochs), \"cores\": \(sweep.cores), " +
                      "\"runs_per_second_one_job\": \(sweep.runsPerSecondOneJob), " +
                      "\"runs_per_second_all_cores\": \(sweep.runsPerSecondAllCores), \"ratio\": \(sweep.ratio)}")
    }
    if !processResults.isEmpty {
        fields.append(processJSON(processResults, targets: targets(processResults, cores: cores), version: processVersion,
                                  cores: cores, loads: processLoads))
    }
    print("{" + fields.joined(separator: ", ") + "}")
}
