import Experiments
import Foundation
import XCTest

/// `schema/experiment.schema.json` describes the experiment file format of
/// SPEC §3 for editors, and agrees with the Swift validator
/// (`ExperimentLoader`): the shipped experiments and a table of valid samples
/// pass both; a table of invalid samples fails both, the validator for the
/// reason the sample names.
///
/// The schema is checked by `Tests/References/validate_schema.py`
/// (`jsonschema.Draft202012Validator`), run once for every file of every test.
///
/// What JSON Schema cannot express is a table here too, so that each gap is
/// known and stays a gap on purpose: `schemaCannotExpress` (the schema accepts,
/// the validator refuses: rules that relate two values, files on disk, counts)
/// and `schemaCannotFollowTheSweep` (the validator accepts, the schema refuses:
/// the validator checks each run after the sweep has replaced values, the
/// schema checks the file as written, except that a section the sweep replaces
/// whole may be left out).
final class SchemaTests: XCTestCase {
    // MARK: - Samples

    /// An experiment file: its name in messages, its text, and for the
    /// validator's refusals the text its diagnostics must contain.
    private struct Sample: Sendable {
        var name: String
        var text: String
        var reason: String = ""
    }

    /// A small valid experiment, key by key, in file order.
    private static let base: [(key: String, value: String)] = [
        ("name", #""sample""#),
        ("data", #"{"source": "moons", "samples": 40, "noise": 0.1}"#),
        ("model", #"{"hidden": [4]}"#),
        ("loss", #""binary_cross_entropy""#),
        ("optimizer", #"{"name": "sgd", "learning_rate": 0.1}"#),
        ("training", #"{"epochs": 2}"#),
    ]

    /// The text of `base` with top-level values replaced (nil removes the key);
    /// keys `base` lacks are added at the end.
    private static func experiment(_ changes: KeyValuePairs<String, String?> = [:]) -> String {
        var members = base
        for (key, value) in changes {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let value { members[index].value = value } else { members.remove(at: index) }
            } else if let value {
                members.append((key, value))
            }
        }
        return "{\n" + members.map { "  \"\($0.key)\": \($0.value)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// Written next to the samples, for the `csv` source.
    private static let csvText = """
        x1,x2,label
        0.1,0.2,0
        0.9,0.8,1
        0.2,0.1,0
        0.8,0.9,1
        0.15,0.25,0
        0.85,0.75,1
        0.3,0.2,0
        0.7,0.8,1
        0.25,0.3,0
        0.75,0.7,1

        """

    /// Valid for the schema and the validator; together they use every source,
    /// both model forms, every optimizer, loss, activation and initializer form,
    /// and every kind of sweep value (`testValidSamplesCoverTheFormat`).
    private static let validSamples: [Sample] = [
        Sample(name: "spec-example", text: experiment([
            "$schema": #""../schema/experiment.schema.json""#,
            "name": #""learning-rate-sweep""#,
            "description": #""How the learning rate changes plain SGD on two moons""#,
            "data": #"{"source": "moons", "samples": 400, "noise": 0.2, "validation_split": 0.25, "seed": 0}"#,
            "model": #"{"hidden": [16, 16], "activation": "relu", "output_activation": "sigmoid", "init": "xavier_uniform"}"#,
            "training": #"{"epochs": 100, "batch_size": 32}"#,
            "seeds": "3",
            "sweep": #"{"optimizer.learning_rate": {"log": [0.001, 10], "count": 9}}"#,
        ])),
        Sample(name: "rank-by-accuracy", text: experiment([
            "report": #"{"rank_by": "validation_accuracy"}"#,
            "sweep": #"{"loss": ["binary_cross_entropy", "mse"]}"#,
        ])),
        Sample(name: "xor-corners-explicit", text: experiment([
            "data": #"{"source": "xor"}"#,
            "model": #"""
                {"inputs": 2, "layers": [
                    {"units": 2, "activation": "sigmoid", "weights": [[20, 20], [-20, -20]], "biases": [-10, 30]},
                    {"units": 1, "activation": "sigmoid", "bias": false, "weights": [[20, 20]], "init": "zeros"}
                  ]}
                """#,
            "loss": #""mse""#,
            "training": #"{"epochs": 1, "batch_size": "full", "shuffle": false}"#,
        ])),
        Sample(name: "xor-samples-momentum", text: experiment([
            "data": #"{"source": "xor", "samples": 40, "noise": 0.1, "validation_split": 0.25, "seed": -7, "standardize": true}"#,
            "model": #"{"hidden": [4], "activation": "tanh", "init": "he_uniform"}"#,
            "optimizer": #"{"name": "momentum", "learning_rate": 0.05, "momentum": 0.8, "nesterov": true, "weight_decay": 0.0001}"#,
            "training": #"{"epochs": 3, "batch_size": 8, "divergence_factor": 100}"#,
        ])),
        Sample(name: "circles-adam-uniform-init", text: experiment([
            "data": #"{"source": "circles", "samples": 60, "noise": 0.05, "factor": 0.3}"#,
            "model": #"{"hidden": [8, 8], "activation": "leaky_relu", "output_activation": "sigmoid", "init": {"name": "uniform", "limit": 0.5}}"#,
            "optimizer": #"{"name": "adam", "learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7, "weight_decay": 0}"#,
            "training": #"{"epochs": 5, "early_stopping": {"patience": 2, "min_delta": 0.001}}"#,
        ])),
        Sample(name: "spirals-adam-defaults-normal-init", text: experiment([
            "data": #"{"source": "spirals", "samples": 50}"#,
            "model": #"{"hidden": [6], "init": {"name": "normal", "std": 0.1}}"#,
            "optimizer": #"{"name": "adam"}"#,
            "seeds": "[1, 5, 9]",
        ])),
        Sample(name: "blobs-softmax-constant-init", text: experiment([
            "data": #"{"source": "blobs", "samples": 60, "noise": 0.5, "classes": 4, "features": 3}"#,
            "model": #"{"hidden": [], "output_activation": "softmax", "init": {"name": "constant", "value": 0.01}}"#,
            "loss": #""cross_entropy""#,
        ])),
        Sample(name: "sine-linear-sweep", text: experiment([
            "data": #"{"source": "sine", "samples": 30, "noise": 0.1}"#,
            "model": #"{"hidden": [8], "activation": "sigmoid", "init": "xavier_normal"}"#,
            "loss": #""mse""#,
            "sweep": #"{"data.noise": {"linear": [0, 0.2], "count": 3}}"#,
        ])),
        Sample(name: "inline-labels", text: experiment([
            "data": #"{"source": "inline", "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "labels": [0, 1, 1, 0]}"#,
            "model": #"{"hidden": [2], "activation": "relu", "init": "he_normal"}"#,
            "loss": #""half_squared_error""#,
        ])),
        Sample(name: "inline-targets", text: experiment([
            "data": #"{"source": "inline", "inputs": [[1], [2], [3]], "targets": [[2], [4], [6]]}"#,
            "model": #"{"hidden": [2], "activation": "zero", "outputs": 1, "output_activation": "identity", "init": "zeros"}"#,
            "loss": #""squared_error""#,
        ])),
        Sample(name: "csv-classification", text: experiment([
            "data": #"{"source": "csv", "path": "points.csv", "target": "label"}"#,
            "model": #"{"hidden": [3]}"#,
        ])),
        Sample(name: "csv-regression", text: experiment([
            "data": #"{"source": "csv", "path": "points.csv", "target": "x2", "task": "regression", "standardize": true}"#,
            "loss": #""mse""#,
        ])),
        Sample(name: "explicit-softmax-output", text: experiment([
            "data": #"{"source": "blobs", "samples": 30}"#,
            "model": #"{"inputs": 2, "layers": [{"units": 4, "activation": "relu", "init": {"name": "uniform", "limit": 0.1}}, {"units": 3, "activation": "softmax"}]}"#,
            "loss": #""cross_entropy""#,
        ])),
        Sample(name: "two-softmax-outputs", text: experiment([
            "name": #""v1.2_two-Outputs""#,
            "model": #"{"hidden": [4], "outputs": 2, "output_activation": "softmax", "init": {"name": "he_uniform"}}"#,
            "loss": #""cross_entropy""#,
        ])),
        Sample(name: "sweep-every-form", text: experiment([
            "sweep": #"""
                {
                    "optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "adam", "learning_rate": 0.01}],
                    "optimizer.learning_rate": [0.01, 0.1],
                    "model.activation": ["relu", "tanh"],
                    "model.hidden": [[4], [4, 4]],
                    "loss": ["binary_cross_entropy", "mse"],
                    "training.batch_size": [16, "full"],
                    "training.early_stopping.patience": [2],
                    "data.samples": {"log": [20, 200], "count": 2},
                    "data.seed": {"linear": [0, 2], "count": 3}
                  }
                """#,
        ])),
        Sample(name: "every-schedule", text: experiment([
            "optimizer": #"{"name": "momentum", "learning_rate": 0.1, "schedule": {"name": "cosine", "t_max": 2, "eta_min": 0.001, "warmup": {"epochs": 1, "start_factor": 0.1}, "interval": "step"}}"#,
            "sweep": #"""
                {
                    "optimizer.schedule": [
                      {"name": "step", "step_size": 1, "gamma": 0.5}, {"name": "multistep", "milestones": [1, 2]},
                      {"name": "exponential", "gamma": 0.9}, {"name": "cosine", "t_max": 3},
                      {"name": "linear", "start_factor": 0.5, "end_factor": 1, "total_iters": 2},
                      {"name": "one_cycle", "max_lr": 0.5, "pct_start": 0.25, "anneal_strategy": "linear", "div_factor": 10,
                       "final_div_factor": 100, "three_phase": true, "cycle_momentum": true, "base_momentum": 0.8, "max_momentum": 0.9},
                      {"name": "reduce_on_plateau", "factor": 0.5, "patience": 0, "threshold": 0.01, "threshold_mode": "abs",
                       "cooldown": 1, "min_lr": 0.0001, "eps": 0, "interval": "epoch"},
                      {"warmup": {"epochs": 1}}
                    ]
                  }
                """#,
        ])),
        Sample(name: "warmup-swept", text: experiment([
            "optimizer": #"{"name": "adam", "schedule": {"name": "exponential", "gamma": 0.9, "warmup": {"epochs": 1}}}"#,
            "sweep": #"{"optimizer.schedule.warmup.epochs": [1, 2], "optimizer.schedule.warmup.start_factor": {"linear": [0.1, 1], "count": 2}, "optimizer.schedule.gamma": [0.5]}"#,
        ])),
        Sample(name: "adam-one-cycle-swept", text: experiment([
            "optimizer": #"{"name": "adam", "schedule": {"name": "one_cycle", "max_lr": 0.01}}"#,
            "sweep": #"{"optimizer.schedule.max_lr": {"log": [0.001, 0.1], "count": 3}, "optimizer.schedule.anneal_strategy": ["cos", "linear"]}"#,
        ])),
        Sample(name: "sections-from-the-sweep", text: experiment([
            "loss": nil,
            "optimizer": nil,
            "sweep": #"{"optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "momentum", "learning_rate": 0.1}], "loss": ["binary_cross_entropy"]}"#,
        ])),
    ]

    /// Refused by the schema and by the validator; `reason` is what the
    /// validator's diagnostics must contain.
    private static let invalidSamples: [Sample] = [
        Sample(name: "unknown-rank-metric", text: experiment(["report": #"{"rank_by": "validation_acuracy"}"#]),
               reason: #"error: report.rank_by: unknown rank metric "validation_acuracy"; did you mean "validation_accuracy"?"#),
        Sample(name: "unknown-report-key", text: experiment(["report": #"{"rank": "train_loss"}"#]),
               reason: "error: report.rank: unknown key"),
        Sample(name: "unknown-top-level-key", text: experiment(["epoch": "3"]), reason: "error: epoch: unknown key"),
        Sample(name: "unknown-optimizer-key", text: experiment(["optimizer": #"{"name": "adam", "learning_rat": 0.01}"#]),
               reason: "error: optimizer.learning_rat:"),
        Sample(name: "sgd-with-beta1", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "beta1": 0.9}"#]),
               reason: "error: optimizer.beta1:"),
        Sample(name: "missing-epochs", text: experiment(["training": #"{"batch_size": 8}"#]),
               reason: #"error: training: missing required key "epochs""#),
        Sample(name: "negative-learning-rate", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": -0.1}"#]),
               reason: "error: optimizer.learning_rate:"),
        Sample(name: "batch-size-half", text: experiment(["training": #"{"epochs": 2, "batch_size": "half"}"#]),
               reason: "error: training.batch_size:"),
        Sample(name: "batch-size-zero", text: experiment(["training": #"{"epochs": 2, "batch_size": 0}"#]),
               reason: "error: training.batch_size:"),
        Sample(name: "softmax-hidden-compact", text: experiment(["model": #"{"hidden": [4], "activation": "softmax"}"#]),
               reason: "error: model.activation: softmax is for the output layer only"),
        Sample(name: "name-climbs-out", text: experiment(["name": #""../x""#]), reason: "error: name:"),
        Sample(name: "name-dot", text: experiment(["name": #"".""#]), reason: "error: name:"),
        Sample(name: "name-with-dot-dot", text: experiment(["name": #""a..b""#]), reason: "error: name:"),
        Sample(name: "name-with-final-newline", text: experiment(["name": #""a\n""#]), reason: "error: name:"),
        Sample(name: "name-empty", text: experiment(["name": #""""#]), reason: "error: name:"),
        Sample(name: "name-too-long", text: experiment(["name": "\"\(String(repeating: "a", count: 101))\""]), reason: "error: name:"),
        Sample(name: "seeds-zero", text: experiment(["seeds": "0"]), reason: "error: seeds:"),
        Sample(name: "seeds-empty", text: experiment(["seeds": "[]"]), reason: "error: seeds:"),
        Sample(name: "seeds-repeated", text: experiment(["seeds": "[1, 2, 1]"]), reason: "error: seeds[2]:"),
        Sample(name: "log-range-from-zero", text: experiment(["sweep": #"{"optimizer.learning_rate": {"log": [0, 1], "count": 3}}"#]),
               reason: "error: sweep.optimizer.learning_rate.log:"),
        Sample(name: "range-count-zero", text: experiment(["sweep": #"{"optimizer.learning_rate": {"log": [0.1, 1], "count": 0}}"#]),
               reason: "error: sweep.optimizer.learning_rate.count:"),
        Sample(name: "range-log-and-linear", text: experiment(["sweep": #"{"data.noise": {"log": [0.1, 1], "linear": [0, 1], "count": 2}}"#]),
               reason: "error: sweep.data.noise.linear:"),
        Sample(name: "range-extra-key", text: experiment(["sweep": #"{"data.noise": {"linear": [0, 1], "count": 2, "step": 0.5}}"#]),
               reason: "error: sweep.data.noise.step:"),
        Sample(name: "sweep-unknown-path", text: experiment(["sweep": #"{"optimizer.lr": [0.1]}"#]),
               reason: "error: sweep.optimizer.lr:"),
        Sample(name: "sweep-seeds", text: experiment(["sweep": #"{"seeds": [1, 2]}"#]), reason: "error: sweep.seeds:"),
        Sample(name: "sweep-empty-list", text: experiment(["sweep": #"{"optimizer.learning_rate": []}"#]),
               reason: "error: sweep.optimizer.learning_rate:"),
        Sample(name: "sweep-negative-learning-rate", text: experiment(["sweep": #"{"optimizer.learning_rate": [0.1, -1]}"#]),
               reason: "error: optimizer.learning_rate:"),
        Sample(name: "sweep-linear-range-from-zero-learning-rate",
               text: experiment(["sweep": #"{"optimizer.learning_rate": {"linear": [0, 1], "count": 3}}"#]),
               reason: "error: optimizer.learning_rate:"),
        Sample(name: "sweep-misspelt-activation", text: experiment(["sweep": #"{"model.activation": ["relu", "rleu"]}"#]),
               reason: #"error: model.activation: unknown activation "rleu""#),
        Sample(name: "sweep-loss-as-range", text: experiment(["sweep": #"{"loss": {"linear": [0, 1], "count": 2}}"#]),
               reason: "error: loss:"),
        Sample(name: "inline-without-inputs", text: experiment(["data": #"{"source": "inline", "labels": [0, 1]}"#]),
               reason: #"error: data: missing required key "inputs""#),
        Sample(name: "inline-labels-and-targets",
               text: experiment(["data": #"{"source": "inline", "inputs": [[0], [1]], "labels": [0, 1], "targets": [[0], [1]]}"#]),
               reason: "error: data.targets:"),
        Sample(name: "inline-label-too-large",
               text: experiment(["data": #"{"source": "inline", "inputs": [[0], [1]], "labels": [0, 10000]}"#]),
               reason: "error: data.labels[1]:"),
        Sample(name: "csv-without-path", text: experiment(["data": #"{"source": "csv", "target": "label"}"#]),
               reason: #"error: data: missing required key "path""#),
        Sample(name: "xor-with-factor", text: experiment(["data": #"{"source": "xor", "factor": 0.5}"#]), reason: "error: data.factor:"),
        Sample(name: "blobs-one-class", text: experiment(["data": #"{"source": "blobs", "classes": 1}"#]), reason: "error: data.classes:"),
        Sample(name: "samples-too-many", text: experiment(["data": #"{"source": "moons", "samples": 20000000}"#]), reason: "error: data.samples:"),
        Sample(name: "validation-split-one", text: experiment(["data": #"{"source": "moons", "validation_split": 1}"#]),
               reason: "error: data.validation_split:"),
        Sample(name: "data-not-an-object", text: experiment(["data": #""moons""#]), reason: "error: data:"),
        Sample(name: "explicit-with-hidden", text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}], "hidden": [3]}"#]),
               reason: "error: model.hidden:"),
        Sample(name: "compact-with-inputs", text: experiment(["model": #"{"hidden": [4], "inputs": 2}"#]), reason: "error: model.inputs:"),
        Sample(name: "biases-without-bias",
               text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid", "bias": false, "biases": [0]}]}"#]),
               reason: "error: model.layers[0].biases:"),
        Sample(name: "weights-not-rows", text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid", "weights": [1, 2]}]}"#]),
               reason: "error: model.layers[0].weights[0]: expected a non-empty list of numbers"),
        Sample(name: "uniform-init-without-limit", text: experiment(["model": #"{"hidden": [4], "init": {"name": "uniform"}}"#]),
               reason: #"error: model.init: missing required key "limit""#),
        Sample(name: "uniform-init-as-a-string", text: experiment(["model": #"{"hidden": [4], "init": "uniform"}"#]), reason: "error: model.init:"),
        Sample(name: "init-with-a-foreign-key", text: experiment(["model": #"{"hidden": [4], "init": {"name": "normal", "std": 0.1, "limit": 1}}"#]),
               reason: "error: model.init.limit:"),
        Sample(name: "unknown-loss", text: experiment(["loss": #""hinge""#]), reason: #"error: loss: unknown loss "hinge""#),
        Sample(name: "momentum-zero", text: experiment(["optimizer": #"{"name": "momentum", "learning_rate": 0.1, "momentum": 0}"#]),
               reason: "error: optimizer.momentum:"),
        Sample(name: "beta2-one", text: experiment(["optimizer": #"{"name": "adam", "beta2": 1}"#]), reason: "error: optimizer.beta2:"),
        Sample(name: "epochs-fraction", text: experiment(["training": #"{"epochs": 1.5}"#]), reason: "error: training.epochs:"),
        Sample(name: "divergence-factor-one", text: experiment(["training": #"{"epochs": 2, "divergence_factor": 1}"#]),
               reason: "error: training.divergence_factor:"),
        Sample(name: "early-stopping-without-patience", text: experiment(["training": #"{"epochs": 2, "early_stopping": {"min_delta": 0.1}}"#]),
               reason: #"error: training.early_stopping: missing required key "patience""#),
        Sample(name: "missing-model", text: experiment(["model": nil]), reason: #"missing required key "model""#),
        Sample(name: "duplicate-key", text: experiment(["description": #""first""#]).replacingOccurrences(of: "\"description\"", with: "\"name\""),
               reason: "duplicate key"),
        Sample(name: "schedule-unknown-name", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "cosin", "t_max": 3}}"#]),
               reason: #"error: optimizer.schedule.name: unknown schedule "cosin"; did you mean "cosine"?"#),
        Sample(name: "schedule-foreign-key", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "step", "step_size": 2, "t_max": 3}}"#]),
               reason: #"error: optimizer.schedule.t_max: step takes no "t_max" (cosine does)"#),
        Sample(name: "schedule-without-step-size", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "step"}}"#]),
               reason: #"error: optimizer.schedule: missing required key "step_size""#),
        Sample(name: "schedule-empty", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {}}"#]),
               reason: #"error: optimizer.schedule: missing required key "name""#),
        Sample(name: "one-cycle-with-warmup", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 1, "warmup": {"epochs": 1}}}"#]),
               reason: "error: optimizer.schedule.warmup: one_cycle warms up by itself"),
        Sample(name: "plateau-per-step", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "reduce_on_plateau", "interval": "step"}}"#]),
               reason: "error: optimizer.schedule.interval: reduce_on_plateau steps once per epoch"),
        Sample(name: "warmup-without-epochs", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"warmup": {"start_factor": 0.1}}}"#]),
               reason: #"error: optimizer.schedule.warmup: missing required key "epochs""#),
        Sample(name: "warmup-start-factor-zero", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"warmup": {"epochs": 1, "start_factor": 0}}}"#]),
               reason: "error: optimizer.schedule.warmup.start_factor: expected a number in (0, 1]"),
        Sample(name: "sweep-unknown-schedule-path", text: experiment(["sweep": #"{"optimizer.schedule.gama": [0.5]}"#]),
               reason: "error: sweep.optimizer.schedule.gama:"),
        Sample(name: "nan", text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": NaN}"#]), reason: "is not a JSON number"),
    ]

    /// Rules of the validator that JSON Schema cannot state: the schema
    /// accepts these files, the validator refuses them.
    private static let schemaCannotExpress: [Sample] = [
        Sample(name: "rank-by-a-swept-loss",
               text: experiment(["report": #"{"rank_by": "validation_loss"}"#, "sweep": #"{"loss": ["binary_cross_entropy", "mse"]}"#]),
               reason: #"error: report.rank_by: cannot rank by validation_loss while "loss" is swept"#),
        Sample(name: "softmax-on-a-hidden-explicit-layer",
               text: experiment([
                   "data": #"{"source": "blobs", "samples": 30}"#,
                   "model": #"{"inputs": 2, "layers": [{"units": 4, "activation": "softmax"}, {"units": 3, "activation": "softmax"}]}"#,
                   "loss": #""cross_entropy""#,
               ]),
               reason: "error: model.layers[0].activation: softmax is for the output layer only"),
        Sample(name: "softmax-over-one-explicit-output",
               text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 1, "activation": "softmax"}]}"#, "loss": #""mse""#]),
               reason: "error: model.layers[0].activation: softmax over a single output"),
        Sample(name: "inline-rows-of-unequal-width",
               text: experiment(["data": #"{"source": "inline", "inputs": [[0, 0], [1]], "labels": [0, 1]}"#]),
               reason: "error: data.inputs[1]:"),
        Sample(name: "inline-label-count",
               text: experiment(["data": #"{"source": "inline", "inputs": [[0], [1], [2]], "labels": [0, 1]}"#]),
               reason: "error: data.labels: expected one label per input row"),
        Sample(name: "weights-shape",
               text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 2, "activation": "relu", "weights": [[1, 2]]}, {"units": 1, "activation": "sigmoid"}]}"#]),
               reason: "error: model.layers[0].weights:"),
        Sample(name: "biases-count",
               text: experiment(["model": #"{"inputs": 2, "layers": [{"units": 2, "activation": "relu", "biases": [0]}, {"units": 1, "activation": "sigmoid"}]}"#]),
               reason: "error: model.layers[0].biases:"),
        Sample(name: "inputs-not-the-data-width",
               text: experiment(["model": #"{"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]}"#]),
               reason: "error: model.inputs:"),
        Sample(name: "outputs-not-the-class-count", text: experiment(["model": #"{"hidden": [4], "outputs": 3}"#]),
               reason: "error: model.outputs:"),
        Sample(name: "loss-and-output-activation",
               text: experiment(["model": #"{"hidden": [4], "output_activation": "sigmoid"}"#, "loss": #""cross_entropy""#]),
               reason: "error: loss: cross_entropy needs a softmax output layer"),
        Sample(name: "classification-loss-on-regression", text: experiment(["data": #"{"source": "sine"}"#]),
               reason: "error: loss: binary_cross_entropy needs classification data"),
        Sample(name: "early-stopping-without-validation",
               text: experiment([
                   "data": #"{"source": "inline", "inputs": [[0], [1]], "labels": [0, 1]}"#,
                   "training": #"{"epochs": 2, "early_stopping": {"patience": 2}}"#,
               ]),
               reason: "error: training.early_stopping:"),
        Sample(name: "blobs-fewer-samples-than-classes", text: experiment(["data": #"{"source": "blobs", "samples": 2}"#]),
               reason: "error: data.samples:"),
        Sample(name: "validation-split-holds-out-nothing", text: experiment(["data": #"{"source": "xor", "samples": 4, "validation_split": 0.1}"#]),
               reason: "error: data.validation_split:"),
        Sample(name: "csv-file-missing", text: experiment(["data": #"{"source": "csv", "path": "missing.csv", "target": "label"}"#]),
               reason: "error: data.path:"),
        Sample(name: "csv-column-missing", text: experiment(["data": #"{"source": "csv", "path": "points.csv", "target": "colour"}"#]),
               reason: "error: data.path:"),
        Sample(name: "swept-key-the-run-refuses", text: experiment(["sweep": #"{"data.factor": [0.3]}"#]),
               reason: "error: data.factor:"),
        Sample(name: "fractions-from-an-integer-range", text: experiment(["sweep": #"{"training.epochs": {"linear": [1, 2], "count": 3}}"#]),
               reason: "error: training.epochs:"),
        Sample(name: "milestones-not-increasing",
               text: experiment(["optimizer": #"{"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "multistep", "milestones": [3, 2]}}"#]),
               reason: "error: optimizer.schedule.milestones[1]: milestones must increase"),
        Sample(name: "more-than-100000-runs",
               text: experiment(["seeds": "1000", "sweep": #"{"optimizer.learning_rate": {"log": [0.001, 1], "count": 101}}"#]),
               reason: "error: sweep: the sweep expands into 101000 runs"),
    ]

    /// The validator checks each run after the sweep has replaced values; the
    /// schema checks the file as written. The validator accepts these files,
    /// the schema refuses them.
    private static let schemaCannotFollowTheSweep: [Sample] = [
        Sample(name: "required-key-left-to-the-sweep", text: experiment([
            "optimizer": #"{"name": "sgd"}"#,
            "sweep": #"{"optimizer.learning_rate": [0.1, 1]}"#,
        ])),
        Sample(name: "base-value-replaced-by-the-sweep", text: experiment([
            "optimizer": #"{"name": "sgd", "learning_rate": -1}"#,
            "sweep": #"{"optimizer.learning_rate": [0.1]}"#,
        ])),
        Sample(name: "key-valid-after-the-sweep", text: experiment([
            "data": #"{"source": "moons", "factor": 0.3}"#,
            "sweep": #"{"data.source": ["circles"]}"#,
        ])),
    ]

    // MARK: - The schema

    func testSchemaIsADraft202012SchemaWithItsIdentity() throws {
        XCTAssertNil(Self.run.failure, Self.run.failure ?? "")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as? [String: Any]
        XCTAssertEqual(object?["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
        XCTAssertEqual(object?["$id"] as? String, "https://nnlab.dev/schema/experiment.schema.json")
    }

    func testShippedExperimentsMatchTheSchema() throws {
        let run = try Self.completedRun()
        for path in run.shippedExperiments {
            XCTAssertEqual(run.verdicts[path], .valid, "\(path) against the schema")
        }
    }

    func testValidSamplesMatchTheSchema() throws {
        let run = try Self.completedRun()
        XCTAssertGreaterThanOrEqual(Self.validSamples.count, 10)
        for sample in Self.validSamples {
            XCTAssertEqual(run.verdict(of: sample, in: "valid"), .valid, "\(sample.name):\n\(sample.text)")
        }
    }

    func testInvalidSamplesAreRefusedByTheSchema() throws {
        let run = try Self.completedRun()
        XCTAssertGreaterThanOrEqual(Self.invalidSamples.count, 15)
        for sample in Self.invalidSamples {
            guard case .invalid = run.verdict(of: sample, in: "invalid") else {
                XCTFail("\(sample.name) is valid for the schema:\n\(sample.text)")
                continue
            }
        }
    }

    func testValidSamplesCoverTheFormat() throws {
        var sources = Set<String>(), forms = Set<String>(), optimizers = Set<String>(), losses = Set<String>()
        var activations = Set<String>(), initializers = Set<String>(), sweepValues = Set<String>()
        for sample in Self.validSamples {
            let document = try JSONSerialization.jsonObject(with: Data(sample.text.utf8))
            for (key, value) in Self.members(of: document) {
                switch key {
                case "source":
                    if let name = value as? String { sources.insert(name) }
                case "model":
                    if let model = value as? [String: Any] { forms.insert(model["layers"] != nil ? "explicit" : "compact") }
                case "optimizer":
                    let objects = value as? [[String: Any]] ?? [value as? [String: Any]].compactMap { $0 }
                    optimizers.formUnion(objects.compactMap { $0["name"] as? String })
                case "loss":
                    losses.formUnion(value as? [String] ?? [value as? String].compactMap { $0 })
                case "activation", "output_activation":
                    activations.formUnion(value as? [String] ?? [value as? String].compactMap { $0 })
                case "init":
                    if let name = value as? String { initializers.insert(name) }
                    if let object = value as? [String: Any], let name = object["name"] as? String { initializers.insert("{\(name)}") }
                case "sweep":
                    for axis in (value as? [String: Any] ?? [:]).values {
                        if let list = axis as? [Any] {
                            sweepValues.insert(list.contains { $0 is [String: Any] } ? "list of objects" : "list")
                        } else if let range = axis as? [String: Any] {
                            sweepValues.formUnion(range.keys.filter { $0 != "count" })
                        }
                    }
                default:
                    break
                }
            }
        }
        XCTAssertEqual(sources, ["xor", "moons", "circles", "spirals", "blobs", "sine", "inline", "csv"])
        XCTAssertEqual(forms, ["compact", "explicit"])
        XCTAssertEqual(optimizers, ["sgd", "momentum", "adam"])
        XCTAssertEqual(losses, ["mse", "squared_error", "half_squared_error", "binary_cross_entropy", "cross_entropy"])
        XCTAssertEqual(activations, ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "zero"])
        XCTAssert(initializers.isSuperset(of: ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "zeros",
                                               "{uniform}", "{normal}", "{constant}"]), "\(initializers.sorted())")
        XCTAssert(initializers.contains { $0.hasPrefix("{") && !["{uniform}", "{normal}", "{constant}"].contains($0) },
                  "an initializer object with a plain name: \(initializers.sorted())")
        XCTAssertEqual(sweepValues, ["list", "list of objects", "log", "linear"])
    }

    // MARK: - The Swift validator agrees

    func testValidatorAcceptsTheShippedExperimentsAndTheValidSamples() throws {
        let run = try Self.completedRun()
        for path in run.shippedExperiments + Self.validSamples.map({ Self.path(of: $0, in: "valid") }) {
            do {
                _ = try ExperimentLoader.load(path: path)
            } catch {
                XCTFail("the validator refuses \(path):\n\(error.rendered)")
            }
        }
    }

    func testValidatorRefusesTheInvalidSamplesForTheirReason() throws {
        _ = try Self.completedRun()
        for sample in Self.invalidSamples {
            XCTAssertEqual(Self.validatorRefusal(of: sample, in: "invalid"), sample.reason, sample.name)
        }
    }

    func testRulesTheSchemaCannotExpressAreLeftToTheValidator() throws {
        let run = try Self.completedRun()
        for sample in Self.schemaCannotExpress {
            XCTAssertEqual(run.verdict(of: sample, in: "gap"), .valid, "the schema now refuses \(sample.name): move it to invalidSamples")
            XCTAssertEqual(Self.validatorRefusal(of: sample, in: "gap"), sample.reason, sample.name)
        }
    }

    func testValuesTheSweepReplacesAreCheckedByTheSchemaAsWritten() throws {
        let run = try Self.completedRun()
        for sample in Self.schemaCannotFollowTheSweep {
            guard case .invalid = run.verdict(of: sample, in: "sweep") else {
                XCTFail("the schema now accepts \(sample.name): move it to validSamples")
                continue
            }
            do {
                _ = try ExperimentLoader.load(path: Self.path(of: sample, in: "sweep"))
            } catch {
                XCTFail("the validator refuses \(sample.name):\n\(error.rendered)")
            }
        }
    }

    // MARK: - Running the schema check

    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let schemaURL = packageRoot.appendingPathComponent("schema/experiment.schema.json")
    private static let scriptURL = packageRoot.appendingPathComponent("Tests/References/validate_schema.py")
    /// Where the samples are written, once for the whole class.
    private static let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("nnlab-SchemaTests-\(UUID().uuidString)")

    override class func tearDown() {
        try? FileManager.default.removeItem(at: folder)
        super.tearDown()
    }

    private enum Verdict: Sendable, Equatable {
        case valid
        case invalid(String)
    }

    /// The schema's verdict on every file, from one run of the script.
    private struct SchemaRun: Sendable {
        var shippedExperiments: [String] = []
        var verdicts: [String: Verdict] = [:]
        /// Why the script could not judge the files, when it could not.
        var failure: String?

        func verdict(of sample: Sample, in group: String) -> Verdict? {
            verdicts[SchemaTests.path(of: sample, in: group)]
        }
    }

    private static let run = validateEverything()

    /// Why the schema check could not run; thrown, it fails the test with this text.
    private struct SchemaCheckFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The run, or the reason it failed as an error.
    private static func completedRun() throws -> SchemaRun {
        if let failure = run.failure { throw SchemaCheckFailure(description: failure) }
        return run
    }

    private static func path(of sample: Sample, in group: String) -> String {
        folder.appendingPathComponent("\(group)-\(sample.name).json").path
    }

    /// The text of the validator's diagnostics that contains `sample.reason`:
    /// `sample.reason` itself, or all of them when none does (or "accepted").
    private static func validatorRefusal(of sample: Sample, in group: String) -> String {
        do {
            _ = try ExperimentLoader.load(path: path(of: sample, in: group))
            return "accepted"
        } catch {
            return error.rendered.contains(sample.reason) ? sample.reason : error.rendered
        }
    }

    /// Every (key, value) of every object in a parsed JSON document, depth first.
    private static func members(of value: Any) -> [(String, Any)] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, value in [(key, value)] + members(of: value) }
        }
        if let list = value as? [Any] {
            return list.flatMap(members(of:))
        }
        return []
    }

    /// Writes the samples and the CSV file, then runs the script once on the
    /// shipped experiments and every sample.
    private static func validateEverything() -> SchemaRun {
        var run = SchemaRun()
        let files = FileManager.default
        do {
            try files.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(csvText.utf8).write(to: folder.appendingPathComponent("points.csv"))
            let groups = [("valid", validSamples), ("invalid", invalidSamples),
                          ("gap", schemaCannotExpress), ("sweep", schemaCannotFollowTheSweep)]
            for (group, samples) in groups {
                for sample in samples {
                    try Data(sample.text.utf8).write(to: URL(fileURLWithPath: path(of: sample, in: group)))
                }
            }
            let experiments = packageRoot.appendingPathComponent("experiments")
            let names = (try? files.contentsOfDirectory(atPath: experiments.path)) ?? []
            run.shippedExperiments = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
                .map { experiments.appendingPathComponent($0).path }
        } catch {
            run.failure = "cannot write the samples to \(folder.path): \(error)"
            return run
        }

        let paths = run.shippedExperiments + [("valid", validSamples), ("invalid", invalidSamples),
                                              ("gap", schemaCannotExpress), ("sweep", schemaCannotFollowTheSweep)]
            .flatMap { group, samples in samples.map { path(of: $0, in: group) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, schemaURL.path] + paths
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            run.failure = "cannot run /usr/bin/env python3: \(error)"
            return run
        }
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        switch process.terminationStatus {
        case 0, 1:
            break
        case 3:
            run.failure = "python3 cannot import jsonschema; install it with `pip install jsonschema`\n\(stderr)"
            return run
        case 127:
            run.failure = "python3 not found; the schema tests need python3 with jsonschema (`pip install jsonschema`)\n\(stderr)"
            return run
        default:
            run.failure = "validate_schema.py exited with \(process.terminationStatus):\n\(stdout)\(stderr)"
            return run
        }
        let lines = stdout.split(separator: "\n").map(String.init)
        guard lines.count == paths.count else {
            run.failure = "validate_schema.py printed \(lines.count) lines for \(paths.count) files:\n\(stdout)\(stderr)"
            return run
        }
        for (path, line) in zip(paths, lines) {
            if line == "OK \(path)" {
                run.verdicts[path] = .valid
            } else if line.hasPrefix("INVALID \(path): ") {
                run.verdicts[path] = .invalid(String(line.dropFirst("INVALID \(path): ".count)))
            } else {
                run.failure = "validate_schema.py printed \"\(line)\" for \(path)"
                return run
            }
        }
        return run
    }
}
