"""Reads what `nnlab export` wrote with TensorBoard's own reader and pandas,
and compares it with the results tree's CSV files, read by Python's csv module.

    python read_export.py RESULTS LOGDIR TABLE

RESULTS: a results folder (its experiments' runs/<run>/curve.csv, model.json,
summary.csv); LOGDIR: `nnlab export tensorboard RESULTS --output LOGDIR`
(runs in LOGDIR/<experiment>/<run>/); TABLE: `nnlab export table RESULTS
--output TABLE`. Checks, for every finished run:

- tensorboard.backend.event_processing.event_accumulator.EventAccumulator reads
  its events file; every non-blank curve.csv cell is the scalar of its tag at
  step = epoch, equal to the cell rounded to float32, and there are no others;
- the HParams plugin data: a session start per run with its sweep values (as
  summary.csv labels them; numbers as numbers) and seed, a session end
  (failure exactly for diverged runs), and the experiment at LOGDIR listing
  every hyperparameter;
- histograms of each layer's final weights and biases (count, sum, min, max
  of model.json's numbers);
- pandas.read_csv(TABLE) with no options: one row per run and epoch, every
  value equal to curve.csv's, sweep columns numeric where the values are numbers.

Exit status 0 and one "ok" line, or 1 and the first mismatches.
"""
import csv
import json
import math
import os
import struct
import sys

import pandas
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2

results, logdir, table_path = sys.argv[1:4]
failures = []


def fail(message):
    failures.append(message)


def number(text):
    return None if text == "" else float(text)


def float32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0] if math.isfinite(x) and abs(x) < 3.4e38 else (
        x if not math.isfinite(x) else math.copysign(math.inf, x))


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def tag(column):
    """The documented tag of a curve column (TensorBoardExport.tag(column:))."""
    for split in ("train", "validation"):
        if column.startswith(split + "_"):
            return column[len(split) + 1:] + "/" + split
    family, _, layer = column.rpartition("_")
    if family and layer.isdigit() and str(int(layer)) == layer:
        return f"{family}/layer_{layer}"
    return column


def plugin_data(accumulator, name):
    content = accumulator.PluginTagToContent("hparams").get(name)
    return None if content is None else plugin_data_pb2.HParamsPluginData.FromString(content)


guidance = {event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0, event_accumulator.TENSORS: 0}
root = event_accumulator.EventAccumulator(logdir, size_guidance=guidance)
root.Reload()
experiment = plugin_data(root, "_hparams_/experiment")
hparam_names = {info.name for info in experiment.experiment.hparam_infos} if experiment else set()
if not experiment:
    fail(f"{logdir}: no HParams experiment")

table = pandas.read_csv(table_path)
expected_rows = 0
runs_seen = 0
scalars_seen = 0
sweep_kinds = {}
for name in sorted(os.listdir(results)):
    summary_path = os.path.join(results, name, "summary.csv")
    if not os.path.exists(os.path.join(results, name, "experiment.json")) or not os.path.exists(summary_path):
        continue
    with open(summary_path) as f:
        summary = list(csv.DictReader(f))
    header = list(summary[0].keys()) if summary else []
    paths = header[1:header.index("seed")] if summary else []
    for path in paths:
        if not {"experiment", "seed"} <= hparam_names or path not in hparam_names:
            fail(f"{name}: HParams experiment lacks {path} (has {sorted(hparam_names)})")
    for row in summary:
        run = row["run"]
        runs_seen += 1
        with open(os.path.join(results, name, "runs", run, "curve.csv")) as f:
            curve = list(csv.reader(f))
        columns, rows = curve[0], curve[1:]
        expected_rows += len(rows)
        events = os.path.join(logdir, name, run)
        accumulator = event_accumulator.EventAccumulator(events, size_guidance=guidance)
        accumulator.Reload()
        tags = accumulator.Tags()["scalars"]
        for i, column in enumerate(columns[1:], start=1):
            cells = [(int(r[0]), number(r[i])) for r in rows if r[i] != ""]
            if not cells:
                if tag(column) in tags:
                    fail(f"{run}: {column} is blank but has scalars")
                continue
            scalars = accumulator.Scalars(tag(column)) if tag(column) in tags else []
            if [s.step for s in scalars] != [epoch for epoch, _ in cells]:
                fail(f"{name}/{run}: {tag(column)} steps {[s.step for s in scalars][:5]}… != epochs {[e for e, _ in cells][:5]}…")
                continue
            for s, (epoch, x) in zip(scalars, cells):
                scalars_seen += 1
                if not same(s.value, float32(x)) or s.wall_time != epoch:
                    fail(f"{name}/{run}: {tag(column)} at epoch {epoch}: {s.value} (wall {s.wall_time}) != {x} as float32")
        start = plugin_data(accumulator, "_hparams_/session_start_info")
        end = plugin_data(accumulator, "_hparams_/session_end_info")
        if not start or not end:
            fail(f"{name}/{run}: no HParams session")
            continue
        hparams = start.session_start_info.hparams
        if hparams["seed"].number_value != int(row["seed"]) or hparams["experiment"].string_value != name:
            fail(f"{name}/{run}: session seed/experiment {hparams}")
        for path in paths:
            value = hparams[path]
            kind = value.WhichOneof("kind")
            sweep_kinds.setdefault(path, set()).add(kind)
            if kind == "number_value":
                agrees = value.number_value == float(row[path])
            elif kind == "bool_value":
                agrees = str(value.bool_value).lower() == row[path]
            else:
                agrees = value.string_value == row[path]
            if not agrees:
                fail(f"{name}/{run}: hparam {path} = {value}, summary.csv has {row[path]}")
        failed = end.session_end_info.status == 2
        if failed != (row["status"] == "diverged"):
            fail(f"{name}/{run}: session status {end.session_end_info.status} for a {row['status']} run")
        with open(os.path.join(results, name, "runs", run, "model.json")) as f:
            model = json.load(f)
        histograms = accumulator.Tags()["histograms"]
        layers = model["layers"]
        finite = all(w is not None for layer in layers for r in layer["weights"] for w in r) and all(
            b is not None for layer in layers for b in layer.get("biases", []))
        for l, layer in enumerate(layers, start=1):
            for key, values in (("weights", [w for r in layer["weights"] for w in r]), ("biases", layer.get("biases", []))):
                if not values or not finite:
                    continue
                if f"{key}/layer_{l}" not in histograms:
                    fail(f"{name}/{run}: no histogram {key}/layer_{l}")
                    continue
                h = accumulator.Histograms(f"{key}/layer_{l}")[-1].histogram_value
                if (h.num, h.min, h.max) != (len(values), min(values), max(values)) or not math.isclose(
                        h.sum, sum(values), rel_tol=1e-12, abs_tol=1e-12) or sum(h.bucket) != len(values):
                    fail(f"{name}/{run}: histogram {key}/layer_{l} {h.num} {h.min} {h.max} {h.sum}")
        # The table's rows of this run, against curve.csv.
        part = table[(table["experiment"] == name) & (table["run"] == run)]
        if len(part) != len(rows) or list(part["epoch"]) != [int(r[0]) for r in rows]:
            fail(f"{name}/{run}: table has {len(part)} rows, curve.csv {len(rows)}")
            continue
        for i, column in enumerate(columns[1:], start=1):
            if not pandas.api.types.is_numeric_dtype(table[column].dtype):
                fail(f"table: {column} has dtype {table[column].dtype}")
                continue
            for value, r in zip(part[column], rows):
                expected = number(r[i])
                if (expected is None and not math.isnan(value)) or (expected is not None and not same(value, expected)):
                    fail(f"{name}/{run}: table {column} at epoch {r[0]}: {value} != {r[i]}")
        if list(part["status"].unique()) != [row["status"]] or list(part["seed"].unique()) != [int(row["seed"])]:
            fail(f"{name}/{run}: table status/seed {part['status'].unique()} {part['seed'].unique()}")

if len(table) != expected_rows:
    fail(f"table: {len(table)} rows, curve files {expected_rows}")
for path, kinds in sweep_kinds.items():
    numeric = pandas.api.types.is_numeric_dtype(table[path].dtype)
    if (kinds == {"number_value"}) != numeric:
        fail(f"table: {path} has dtype {table[path].dtype} for values {kinds}")
if runs_seen == 0:
    fail("no runs found")
if failures:
    print("\n".join(failures[:20]))
    sys.exit(1)
print(f"ok: {runs_seen} runs, {scalars_seen} scalars, {len(table)} table rows, {len(sweep_kinds)} sweep columns")
