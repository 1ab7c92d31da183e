import Foundation

/// The starter experiment `nnlab init` writes: a small, valid experiment file
/// whose `description` says what it does and what to change, with `$schema`
/// so that editors complete and check it.
public enum StarterExperiment {
    /// The questions a starter can ask, each a sweep over one thing.
    public static let questions = ["lr", "activations", "loss", "optimizers"]
    /// The generated sources a starter can use; a path ending in `.csv` is a CSV file.
    public static let sources = ["xor", "moons", "circles", "spirals", "blobs", "sine"]

    /// A mistake in what was asked for, in words.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The experiment file's text. `csvPathFromExperiment` is the CSV path as the
    /// file must write it (relative to the experiment's folder); `csvFile` the
    /// path as this process opens it, read for its header and target column.
    public static func text(name: String, source: String, question: String?,
                            csvFile: String? = nil, csvPathFromExperiment: String? = nil) throws(Problem) -> String {
        let data: String, what: String
        var classes = 2, regression = false
        switch source {
        case "xor": (data, what) = (#"{"source": "xor", "samples": 200, "noise": 0.1}"#, "XOR")
        case "moons": (data, what) = (#"{"source": "moons", "samples": 400, "noise": 0.2}"#, "two moons")
        case "circles": (data, what) = (#"{"source": "circles", "samples": 400, "noise": 0.1, "factor": 0.5}"#, "two circles")
        case "spirals": (data, what) = (#"{"source": "spirals", "samples": 400, "noise": 0.1}"#, "two spirals")
        case "blobs":
            (data, what) = (#"{"source": "blobs", "samples": 300, "classes": 3}"#, "three blobs")
            classes = 3
        case "sine":
            (data, what) = (#"{"source": "sine", "samples": 200, "noise": 0.1}"#, "a noisy sine")
            regression = true
        default:
            guard let csvFile, let csvPathFromExperiment else {
                throw Problem(message: "unknown data source '\(source)' (one of: \(sources.joined(separator: ", ")), or a path to a .csv file)")
            }
            let (target, task) = try csvTarget(csvFile)
            regression = task == .regression
            classes = 3  // cross-entropy over softmax suits any number of classes
            data = #"{"source": "csv", "path": \#(jsonString(csvPathFromExperiment)), "target": \#(jsonString(target)), "task": "\#(task.rawValue)", "standardize": true}"#
            what = "\((csvPathFromExperiment as NSString).lastPathComponent) (target \"\(target)\")"
        }
        let loss = regression ? "mse" : classes == 2 ? "binary_cross_entropy" : "cross_entropy"
        var hidden = "[16, 16]", optimizer = #"{"name": "adam", "learning_rate": 0.01}"#
        var sweep: String?, seeds = 1
        var description = "A first experiment: a relu network with hidden layers of 16 and 16 units on \(what), \(loss), Adam. "
            + "Change one thing (the learning rate, the hidden layers, the activation, the epochs), check it with 'nnlab check', run it with 'nnlab run' and compare the reports."
        switch question {
        case nil:
            break
        case "lr":
            optimizer = #"{"name": "sgd", "learning_rate": 0.1}"#
            sweep = #"{"optimizer.learning_rate": {"log": [0.001, 10], "count": 9}}"#
            seeds = 3
            description = "What the learning rate does to plain SGD on \(what): nine learning rates from 0.001 to 10, log-spaced, three seeds each. Small rates learn slowly, large ones diverge; the report's chart shows where."
        case "activations":
            hidden = "[16, 16, 16, 16]"
            sweep = #"{"model.activation": ["sigmoid", "tanh", "relu"]}"#
            seeds = 3
            description = "Sigmoid vs tanh vs relu in a network of four hidden layers on \(what), three seeds each. The per-layer gradient norms in the report show sigmoid's gradients vanishing in the first layers."
        case "loss":
            guard !regression else {
                throw Problem(message: "--question loss compares mse with cross-entropy, which needs classification data; \(source) is regression")
            }
            optimizer = #"{"name": "sgd", "learning_rate": 0.5}"#
            sweep = #"{"loss": ["mse", "\#(loss)"]}"#
            seeds = 3
            description = "MSE vs \(loss) on \(what) with plain SGD, three seeds each: with MSE a saturated output learns slowly, since its gradient carries the activation's derivative."
        case "optimizers":
            sweep = #"{"optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "momentum", "learning_rate": 0.1, "momentum": 0.9}, {"name": "adam", "learning_rate": 0.01}]}"#
            seeds = 3
            description = "SGD vs momentum vs Adam on \(what), three seeds each, each at a learning rate that suits it."
        case .some(let other):
            throw Problem(message: "unknown question '\(other)' (one of: \(questions.joined(separator: ", ")))")
        }
        var lines = [
            "{",
            #"  "$schema": "../schema/experiment.schema.json","#,
            #"  "name": \#(jsonString(name)),"#,
            #"  "description": \#(jsonString(description)),"#,
            #"  "data": \#(data),"#,
            #"  "model": {"hidden": \#(hidden), "activation": "relu"},"#,
            #"  "loss": "\#(loss)","#,
            #"  "optimizer": \#(optimizer),"#,
            #"  "training": {"epochs": 100, "batch_size": 32},"#,
            #"  "seeds": \#(seeds)"#,
        ]
        if let sweep {
            lines[lines.count - 1] += ","
            lines.append(#"  "sweep": \#(sweep)"#)
        }
        return (lines + ["}"]).joined(separator: "\n") + "\n"
    }

    /// The CSV file's last column, and whether it holds classes (integers or
    /// text) or real targets.
    private static func csvTarget(_ path: String) throws(Problem) -> (String, LearningTask.Kind) {
        let header: String
        switch readFile(at: path, limit: CSVData.maximumFileSize, kind: "CSV file") {
        case .failure(let problem): throw Problem(message: "\(path): \(problem.message)")
        case .success(let data):
            header = String(decoding: data.prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        }
        guard let last = header.split(separator: ",", omittingEmptySubsequences: false).last?
                .trimmingCharacters(in: .whitespaces), !last.isEmpty else {
            throw Problem(message: "\(path): no header row of column names")
        }
        let target = last.hasPrefix("\"") && last.hasSuffix("\"") && last.count >= 2 ? String(last.dropFirst().dropLast()) : last
        if let dataset = try? CSVData.load(path: path, target: target, task: .regression),
           let targets = dataset.targets, targets.elements.contains(where: { $0 != $0.rounded() }) {
            return (target, .regression)
        }
        return (target, .classification)
    }

    private static func jsonString(_ s: String) -> String {
        JSONWriter.quoted(s)
    }
}
