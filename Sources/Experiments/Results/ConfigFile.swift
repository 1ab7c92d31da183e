import Foundation

/// A run's `config.json`: the run's fully resolved experiment — the sweep
/// applied, `seeds` its one seed, and `"run"` naming the run — so that
/// `nnlab run` on it reproduces the run (into `reproduced/<run>/`, beside the
/// original, see `ExperimentFolder.reproduction`). A CSV source's `path` is
/// rewritten relative to the run's folder, and `sha256` records the file's
/// contents, so the config runs from there and only on the data it was made from.
///
/// Written last of a run's files: a run is finished once its config is there,
/// and reused on resume only when its bytes equal what the run would write now.
public enum ConfigFile {
    /// The config text of `run` written into `folder`.
    public static func text(_ run: RunConfig, in folder: RunFolder) -> String {
        var document = run.resolved
        if case .csv(let path, _, _, _, let sha256) = run.data.source {
            let relative = relativePath(from: absolutePath(folder.path), to: absolutePath(path))
            document = substitute(document, path: ["data", "path"], with: JSONNode(.string(relative), at: document.location),
                                  keyLocation: document.location)
            document = substitute(document, path: ["data", "sha256"], with: JSONNode(.string(sha256), at: document.location),
                                  keyLocation: document.location)
        }
        document = substitute(document, path: ["run"], with: JSONNode(.string(run.name), at: document.location),
                              keyLocation: document.location)
        return JSONWriter.render(document)
    }

    public static func write(_ text: String, to folder: RunFolder) throws(WriteError) {
        try ResultFiles.write(text, to: folder.config)
    }

    /// The run a config file describes, loaded and validated as an experiment file.
    public static func read(_ folder: RunFolder, cache: CSVCache) -> RunConfig? {
        (try? ExperimentLoader.load(path: folder.config, cache: cache))?.runs.first
    }
}

/// `timings.csv`: wall seconds per run, in run order (blank for a run whose
/// time is not known). The one results file that differs from run to run.
public enum TimingsFile {
    public static func text(_ runs: [String], seconds: [String: Double]) -> String {
        var text = CSVText.line(["run", "seconds"])
        for run in runs {
            text += CSVText.line([run, seconds[run].map { String(format: "%.3f", $0) } ?? ""])
        }
        return text
    }

    /// The seconds of each run listed in the experiment's timings.
    public static func read(_ folder: ExperimentFolder) -> [String: Double] {
        guard let data = ResultFiles.read(folder.timings) else { return [:] }
        var timings: [String: Double] = [:]
        for row in CSVText.parse(String(decoding: data, as: UTF8.self)).dropFirst() where row.count == 2 {
            timings[row[0]] = Double(row[1])
        }
        return timings
    }
}
