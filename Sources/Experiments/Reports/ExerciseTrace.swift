/// An exercise's report shows the step solved, not a loss chart: an experiment
/// whose model gives every layer's weights and whose runs train for at most
/// `maxEpochs` epochs gets the trace of its first run's first step, exactly as
/// `nnlab trace` prints it (`Tracer` and `TraceText`).
enum ExerciseTrace {
    static let maxEpochs = 5

    /// The trace text, or nil when the experiment is not an exercise (or its run cannot be read back).
    static func text(_ results: ResultsFolder, cache: CSVCache) -> String? {
        guard let first = results.runs.first, let run = results.config(of: first.run, cache: cache),
              run.training.epochs <= maxEpochs, run.model.layers.allSatisfy({ $0.weights != nil }),
              let data = try? run.data.prepare(outputs: run.model.outputs, cache: cache) else { return nil }
        let steps = Tracer.trace(run, data: data, steps: 1)
        guard !steps.isEmpty else { return nil }
        return TraceText.render(run, steps: steps)
    }
}
