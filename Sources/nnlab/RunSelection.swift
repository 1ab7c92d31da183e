import Experiments

/// One run of an experiment file with its data prepared, as `trace` and
/// `lr-find` take it: the file's first run, or the run `--run NAME` names.
struct SelectedRun {
    var experiment: Experiment
    var run: RunConfig
    var data: PreparedData
}

/// Loads `file`, picks its run (`--run` among `arguments`, else the first) and
/// prepares the run's data; nil, with the mistake printed, when the file is
/// invalid, `--run` names no run of it (with the nearest name) or the data
/// cannot be read — each invalid input, exit status 2.
func selectRun(_ file: String, _ arguments: ParsedArguments, command: String, jobs: Int? = nil) -> SelectedRun? {
    let cache = CSVCache()
    let experiment: Experiment
    do {
        experiment = try ExperimentLoader.load(path: file, cache: cache, jobs: jobs)
    } catch {
        printError(error.rendered + "\n")
        return nil
    }
    var run = experiment.runs[0]
    if let name = arguments.values["--run"] {
        guard let named = experiment.runs.first(where: { $0.name == name }) else {
            let names = experiment.runs.map(\.name)
            let hint = nearestName(to: name, in: names).map { "did you mean '\($0)'?" } ?? "runs: \(names.prefix(5).joined(separator: "; "))\(names.count > 5 ? "; …" : "")"
            _ = report(.invalidValue(option: "--run", value: name, expected: "a run of \(experiment.name) (\(hint))", command: command))
            return nil
        }
        run = named
    }
    do {
        return SelectedRun(experiment: experiment, run: run, data: try run.data.prepare(outputs: run.model.outputs, cache: cache))
    } catch {
        printError("\(error.path): error: \(error.message)\n")
        return nil
    }
}
