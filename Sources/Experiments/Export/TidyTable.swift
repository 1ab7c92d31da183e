/// `nnlab export table`: every run's curve in one CSV table in long ("tidy")
/// form, one row per run and epoch, for `pandas.read_csv` with no options.
///
/// Columns: `experiment, run`, each sweep path of the experiments (in the order
/// they first appear; blank for an experiment without it), `seed, status`, then
/// every curve column of the runs in `curveColumns` order (blank where a run
/// has no such column or the cell is blank). Sweep numbers are written as
/// numbers (so pandas types a numeric sweep column as numbers), strings and
/// booleans as they are, lists and objects as their label (`16-16`,
/// `adam+cosine`). Rows: the experiments in the order given, each one's
/// finished runs in run order, epochs ascending. Numbers as results write them
/// (`numberText`).
public enum TidyTable {
    public static func header(_ experiments: [ExportedExperiment]) -> [String] {
        ["experiment", "run"] + experiments.sweepPaths + ["seed", "status"] + experiments.curveColumns
    }

    public static func text(_ experiments: [ExportedExperiment]) -> String {
        let paths = experiments.sweepPaths
        let columns = experiments.curveColumns
        var text = CSVText.line(header(experiments))
        for experiment in experiments {
            let sweepIndex = paths.map { experiment.sweepPaths.firstIndex(of: $0) }
            for run in experiment.runs {
                let sweep = run.sweep
                let lead = [experiment.name, run.name] + sweepIndex.map { $0.map { sweep[$0].text } ?? "" }
                    + [String(run.seed), run.status.rawValue]
                let curveIndex = columns.dropFirst().map { run.curve.columns.firstIndex(of: $0) }
                for (epoch, row) in zip(run.curve.epochs, run.curve.rows) {
                    text += CSVText.line(lead + [String(epoch)] + curveIndex.map { $0.map { CSVText.number(row[$0]) } ?? "" })
                }
            }
        }
        return text
    }
}
