#!/usr/bin/env python3
"""nnlab side by side with PyTorch and scikit-learn on the workloads of SPEC §8.

Runs, in one go and on the same machine:

  1. nnlab: `make bench` with `--json --per-step` (the release build of nnlab-bench);
  2. the same workloads in PyTorch, float64, one thread;
  3. moons and digits in scikit-learn's MLPClassifier, float64, one thread;

and prints one table of the time per training step with the ratios; then

  4. the 27-run learning-rate sweep as whole processes: `nnlab run` on
     bench/workloads/learning-rate-sweep.json, timed by `make bench` with
     `--json lr-sweep` (median of 3), and bench/lr_sweep_torch.py, the PyTorch
     script of the same sweep (a multiprocessing pool of one process per core,
     one thread each, its own evaluation of the training and validation sets
     every epoch and a CSV per run), timed here the same way: spawned, reaped
     with os.wait4, imports included, into a fresh folder, median of 3;

and prints both wall times, their ratio and both peak memories.

Time per training step, for all three: the time of an epoch (its mini-batch
steps, then the evaluation of the whole training set: loss and accuracy)
divided by the number of steps in the epoch; the median over the epochs after
the warm-up ones. Same networks, losses, optimizers, learning rates and batch
sizes as nnlab-bench (see Sources/nnlab-bench/main.swift):

  exercise  1-1-1, relu (no bias) then sigmoid, ½ squared error, x = 3, t = 1, batch 1, SGD 0.1
  moons     2-16-16-1 relu, sigmoid out, binary cross-entropy, 500 moons (noise 0.2), batch 32, Adam 0.01
  digits    64-128-64-10 relu, softmax out, cross-entropy, data/digits.csv standardized, batch 64, Adam 0.001

PyTorch: a plain loop, as one writes it by hand: each epoch a torch.randperm
of the samples, batches by index slicing (no DataLoader), zero_grad /
forward / loss / backward / optimizer.step, then the whole training set under
torch.no_grad(). The loss on logits (BCEWithLogitsLoss, CrossEntropyLoss) as
nnlab computes it; torch.optim's default implementation for CPU tensors.

scikit-learn: MLPClassifier(solver="adam", batch_size, learning_rate_init,
alpha=0), early stopping off. scikit-learn has no hook to evaluate after each
epoch of `fit`, so its figure is the mean epoch of one `fit` over all the
epochs (its own loop, per-epoch bookkeeping included) plus the median time of
the evaluation (`predict_proba` on the training set, the log-loss computed in
numpy, the accuracy) timed on its own. That is the most favourable reading for scikit-learn; the
straightforward one, a `partial_fit` call per epoch followed by the
evaluation, is slower (its per-call input checks) and is printed as a note.
The exercise (a regression through a sigmoid output) has no MLPClassifier or
MLPRegressor equivalent and is left out.

Set-up (not part of CI; a CPU-only PyTorch is enough), from the package
folder, into .venv-bench (git-ignored):

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch
    .venv-bench/bin/pip install scikit-learn numpy
    .venv-bench/bin/python bench/peers.py

Where that index is out of reach, `.venv-bench/bin/pip install torch` from
PyPI (on Linux x86-64 its default torch brings CUDA libraries, several GB,
and loads more at import: pin a `+cpu` version where one is to be had, as
with `pip install "torch==2.13.0+cpu"` from a local wheel folder).

Options: --rounds N (default 1) repeats everything in turn and keeps the
median of each; --part steps or --part sweep runs only the per-step table or
only the whole-process sweep; --quick trains fewer epochs and times each
sweep once (a smoke test, not a measurement); --markdown prints the tables as
Markdown.
"""

import argparse
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# One thread everywhere, before numpy, torch or scikit-learn load their BLAS.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                 "NUMEXPR_NUM_THREADS"):
    os.environ[variable] = "1"

import numpy as np  # noqa: E402

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Epochs per run, warm-up epochs, runs (after one warm-up run), per workload.
SETTINGS = {
    "exercise": dict(epochs=5000, warmup=500, runs=3),
    "moons": dict(epochs=200, warmup=20, runs=3),
    "digits": dict(epochs=30, warmup=3, runs=3),
}
QUICK = {
    "exercise": dict(epochs=500, warmup=50, runs=1),
    "moons": dict(epochs=20, warmup=2, runs=1),
    "digits": dict(epochs=5, warmup=1, runs=1),
}


# ---------------------------------------------------------------- data

def moons_data():
    from sklearn.datasets import make_moons
    x, y = make_moons(n_samples=500, noise=0.2, random_state=0)
    return x.astype(np.float64), y.astype(np.int64)


def digits_data():
    table = np.loadtxt(os.path.join(PACKAGE, "data", "digits.csv"), delimiter=",", skiprows=1)
    x, y = table[:, :-1], table[:, -1].astype(np.int64)
    # nnlab's standardize: (x − mean) / std, constant columns left at x − mean.
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1
    return (x - mean) / std, y


def median_step(epoch_times, steps):
    return statistics.median(epoch_times) / steps


# ---------------------------------------------------------------- PyTorch

def torch_workload(name, settings):
    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    nn = torch.nn

    if name == "exercise":
        x = torch.tensor([[3.0]])
        y = torch.tensor([[1.0]])
        batch = 1

        def make():
            first = nn.Linear(1, 1, bias=False)
            second = nn.Linear(1, 1)
            with torch.no_grad():
                first.weight.fill_(0.01)
                second.weight.fill_(-5.0)
                second.bias.fill_(-1.0)
            model = nn.Sequential(first, nn.ReLU(), second, nn.Sigmoid())
            return model, torch.optim.SGD(model.parameters(), lr=0.1)

        def loss_fn(output, target):
            return 0.5 * ((output - target) ** 2).sum(dim=1).mean()

        def evaluate(model):
            output = model(x)
            return loss_fn(output, y).item(), None
    else:
        if name == "moons":
            xs, ys = moons_data()
            sizes, batch, lr = [2, 16, 16, 1], 32, 0.01
            x, y = torch.tensor(xs), torch.tensor(ys, dtype=torch.float64).unsqueeze(1)
            criterion = nn.BCEWithLogitsLoss()
        else:
            xs, ys = digits_data()
            sizes, batch, lr = [64, 128, 64, 10], 64, 0.001
            x, y = torch.tensor(xs), torch.tensor(ys)
            criterion = nn.CrossEntropyLoss()

        def make():
            layers = []
            for i in range(len(sizes) - 1):
                layers.append(nn.Linear(sizes[i], sizes[i + 1]))
                if i < len(sizes) - 2:
                    layers.append(nn.ReLU())
            model = nn.Sequential(*layers)
            return model, torch.optim.Adam(model.parameters(), lr=lr)

        def loss_fn(output, target):
            return criterion(output, target)

        def evaluate(model):
            logits = model(x)
            loss = criterion(logits, y).item()
            if name == "moons":
                predicted = (torch.sigmoid(logits) > 0.5).to(torch.float64)
                accuracy = (predicted == y).to(torch.float64).mean().item()
            else:
                predicted = torch.softmax(logits, dim=1).argmax(dim=1)
                accuracy = (predicted == y).to(torch.float64).mean().item()
            return loss, accuracy

    n = x.shape[0]
    steps = (n + batch - 1) // batch
    times = []
    for run in range(settings["runs"] + 1):
        torch.manual_seed(run)
        model, optimizer = make()
        for epoch in range(settings["epochs"]):
            start = time.perf_counter()
            order = torch.randperm(n)
            for first in range(0, n, batch):
                index = order[first:first + batch]
                optimizer.zero_grad()
                loss = loss_fn(model(x[index]), y[index])
                loss.backward()
                optimizer.step()
            with torch.no_grad():
                evaluate(model)
            elapsed = time.perf_counter() - start
            if run > 0 and epoch >= settings["warmup"]:
                times.append(elapsed)
    return median_step(times, steps)


# ---------------------------------------------------------------- scikit-learn

def sklearn_workload(name, settings):
    """(µs per step with `fit`, µs per step with `partial_fit`), in seconds; None for the exercise."""
    if name == "exercise":
        return None
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    if name == "moons":
        x, y = moons_data()
        hidden, batch, lr = (16, 16), 32, 0.01
    else:
        x, y = digits_data()
        hidden, batch, lr = (128, 64), 64, 0.001
    classes = np.unique(y)
    n = x.shape[0]
    steps = (n + batch - 1) // batch
    epochs = settings["epochs"]

    def model(seed, max_iter):
        # n_iter_no_change beyond max_iter: no early end, every epoch trains.
        return MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam", batch_size=batch,
                             learning_rate_init=lr, alpha=0.0, shuffle=True, random_state=seed,
                             max_iter=max_iter, n_iter_no_change=max_iter + 1, tol=0.0)

    rows = np.arange(n)
    index = np.searchsorted(classes, y)

    def evaluate(fitted):
        # The loss in numpy: sklearn.metrics.log_loss checks its input at a cost
        # larger than moons' whole forward pass.
        probabilities = fitted.predict_proba(x)
        loss = -np.log(np.clip(probabilities[rows, index], 1e-15, 1)).mean()
        return loss, (classes[probabilities.argmax(axis=1)] == y).mean()

    # fit: scikit-learn's own loop over `epochs` epochs (the mean epoch), plus
    # the evaluation timed on its own after every epoch (the median).
    fit_epochs, evaluations = [], []
    for run in range(settings["runs"] + 1):
        fitted = model(run, epochs)
        start = time.perf_counter()
        fitted.fit(x, y)
        elapsed = time.perf_counter() - start
        for _ in range(epochs):
            start = time.perf_counter()
            evaluate(fitted)
            if run > 0:
                evaluations.append(time.perf_counter() - start)
        if run > 0:
            fit_epochs.append(elapsed / epochs)
    with_fit = (statistics.median(fit_epochs) + statistics.median(evaluations)) / steps

    # partial_fit: one call per epoch, then the evaluation, timed together.
    times = []
    for run in range(settings["runs"] + 1):
        fitted = model(run, 1)
        for epoch in range(epochs):
            start = time.perf_counter()
            if epoch == 0:
                fitted.partial_fit(x, y, classes=classes)
            else:
                fitted.partial_fit(x, y)
            evaluate(fitted)
            elapsed = time.perf_counter() - start
            if run > 0 and epoch >= settings["warmup"]:
                times.append(elapsed)
    return with_fit, median_step(times, steps)


# ---------------------------------------------------------------- nnlab

def nnlab_bench(arguments):
    result = subprocess.run(["make", "--no-print-directory", "bench", f"BENCH_FLAGS={arguments}"], cwd=PACKAGE,
                            stdout=subprocess.PIPE, text=True, check=True)
    report = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    return report


def nnlab_workloads(quick):
    return nnlab_bench("--json --per-step" + (" --quick" if quick else ""))


# ---------------------------------------------------------------- the 27-run sweep, whole processes

SWEEP_FILE = os.path.join(PACKAGE, "bench", "workloads", "learning-rate-sweep.json")
SWEEP_SCRIPT = os.path.join(PACKAGE, "bench", "lr_sweep_torch.py")


def check_sweep_script():
    """Fails unless bench/lr_sweep_torch.py's constants are the experiment file's sweep."""
    with open(SWEEP_FILE) as file:
        experiment = json.load(file)
    sys.dont_write_bytecode = True  # no bench/__pycache__
    spec = importlib.util.spec_from_file_location("lr_sweep_torch", SWEEP_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    axis = experiment["sweep"]["optimizer.learning_rate"]
    low, high = axis["log"]
    rates = [10 ** (math.log10(low) + (math.log10(high) - math.log10(low)) * i / (axis["count"] - 1))
             for i in range(axis["count"])]
    data, model, training = experiment["data"], experiment["model"], experiment["training"]
    expected = {
        "SAMPLES": data["samples"], "NOISE": data["noise"], "VALIDATION_SPLIT": data["validation_split"],
        "DATA_SEED": data["seed"], "SIZES": [2] + model["hidden"] + [1], "EPOCHS": training["epochs"],
        "BATCH": training["batch_size"], "SEEDS": list(range(experiment["seeds"])),
        "DIVERGENCE_FACTOR": training.get("divergence_factor", 1e4),
    }
    found = {name: getattr(script, name) for name in expected}
    wrong = [f"{name} = {found[name]!r}, the experiment has {value!r}" for name, value in expected.items()
             if found[name] != value]
    if any(abs(a - b) > 1e-12 * b for a, b in zip(script.LEARNING_RATES, rates)) or len(script.LEARNING_RATES) != len(rates):
        wrong.append(f"LEARNING_RATES = {script.LEARNING_RATES}, the experiment has {rates}")
    settings = (model["activation"], model["output_activation"], model["init"], experiment["loss"],
                experiment["optimizer"]["name"])
    if settings != ("relu", "identity", "he_uniform", "mse", "sgd"):
        wrong.append(f"the experiment's activation, output, init, loss, optimizer are {settings}; the script's are "
                     "relu, identity, he_uniform, mse, sgd")
    if wrong:
        sys.exit(f"bench/lr_sweep_torch.py does not match {SWEEP_FILE}:\n  " + "\n  ".join(wrong))


def busy_seconds():
    """CPU seconds the whole machine has used since boot (/proc/stat's first line), or None."""
    try:
        with open("/proc/stat") as stat:
            ticks = [float(t) for t in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / os.sysconf("SC_CLK_TCK")


def timed_process(arguments):
    """(wall seconds, peak RSS bytes, others) of one child: spawned, reaped with wait4, output into a log;
    others: the cores' worth of CPU the rest of the machine used meanwhile (as nnlab-bench's column)."""
    # Beside nnlab-bench's results folders (.build/bench, not /tmp: see docs/performance.md).
    scratch = os.path.join(PACKAGE, ".build", "bench")
    os.makedirs(scratch, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="peers-", dir=scratch)
    log = os.path.join(folder, "log.txt")
    try:
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                   (os.POSIX_SPAWN_DUP2, 1, 2)]
        os.sync()
        busy = busy_seconds()
        start = time.perf_counter()
        pid = os.posix_spawn(arguments[0], arguments + ["--output", os.path.join(folder, "results")], os.environ,
                             file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        after = busy_seconds()
        others = None if busy is None or after is None else \
            max(0.0, after - busy - usage.ru_utime - usage.ru_stime) / wall
        if os.waitstatus_to_exitcode(status) != 0:
            with open(log) as file:
                sys.exit(f"{' '.join(arguments)} failed:\n{file.read()[-2000:]}")
        return wall, usage.ru_maxrss * 1024, others
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def torch_sweep(repeats):
    """Median wall seconds, largest peak RSS and median others of `repeats` runs of the PyTorch script."""
    runs = [timed_process([sys.executable, SWEEP_SCRIPT]) for _ in range(repeats)]
    others = [o for _, _, o in runs if o is not None]
    return (statistics.median(wall for wall, _, _ in runs), max(peak for _, peak, _ in runs),
            statistics.median(others) if others else None)


def nnlab_sweep(quick):
    report = nnlab_bench("--json lr-sweep" + (" --quick" if quick else ""))
    entry = report["whole_process"][0]
    others = entry.get("others_cores_each") or []
    return (entry["wall_seconds"], entry["peak_rss_bytes"], statistics.median(others) if others else None,
            report["nnlab"], len(entry["wall_seconds_each"]))


# ---------------------------------------------------------------- the table

def machine():
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return model, os.cpu_count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--part", choices=["all", "steps", "sweep"], default="all")
    options = parser.parse_args()
    settings = QUICK if options.quick else SETTINGS

    import torch
    if options.part != "steps":
        check_sweep_script()
    if options.part != "sweep":
        per_step(options, settings)
    if options.part != "steps":
        whole_sweep(options, torch.__version__)


def whole_sweep(options, torch_version):
    load_before = os.getloadavg()
    nnlab, pytorch = [], []
    version, repeats = "", 1
    for round_number in range(options.rounds):
        print(f"round {round_number + 1} of {options.rounds}: nnlab run on the 27-run sweep ...", file=sys.stderr,
              flush=True)
        wall, peak, others, version, repeats = nnlab_sweep(options.quick)
        nnlab.append((wall, peak, others))
        print(f"round {round_number + 1}: the PyTorch script of the 27-run sweep ...", file=sys.stderr, flush=True)
        pytorch.append(torch_sweep(1 if options.quick else 3))
    ours = statistics.median(wall for wall, _, _ in nnlab)
    theirs = statistics.median(wall for wall, _, _ in pytorch)
    our_peak, their_peak = max(peak for _, peak, _ in nnlab), max(peak for _, peak, _ in pytorch)

    def others(side):
        values = [o for _, _, o in side if o is not None]
        return f"{statistics.median(values):.2f}" if values else "—"
    ratio = theirs / ours
    cores = os.cpu_count()
    header = ["27-run learning-rate sweep, whole process", "wall s", "peak MiB", "others"]
    rows = [[f"nnlab run ({version}, {cores} jobs)", f"{ours:.3f}", f"{our_peak / 2 ** 20:.1f}", others(nnlab)],
            [f"PyTorch script ({cores} processes, 1 thread each)", f"{theirs:.3f}", f"{their_peak / 2 ** 20:.1f}",
             others(pytorch)]]
    notes = [f"PyTorch ÷ nnlab: {ratio:.1f}× (target ≥ 80×: {'pass' if ratio >= 80 else 'FAIL'})",
             f"wall: median of {repeats} per round, median of {options.rounds} round(s); peak: the largest ru_maxrss "
             "(for the PyTorch pool, its largest process, not the sum of its processes); others: the cores' worth "
             "of CPU the rest of the machine used meanwhile (near 0 on an idle machine); "
             f"PyTorch {torch_version}, Python {platform.python_version()}; "
             "bench/workloads/learning-rate-sweep.json and bench/lr_sweep_torch.py",
             "load average (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in load_before) + " before, "
             + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " after"]
    print()
    print_table(header, rows, notes, options.markdown)


def print_table(header, rows, notes, markdown):
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()
        for note in notes:
            print(f"- {note}")
    else:
        widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
        print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
        for row in rows:
            print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        print()
        for note in notes:
            print(note)


def per_step(options, settings):
    import sklearn
    import torch
    names = ["exercise", "moons", "digits"]
    nnlab, pytorch, scikit = {n: [] for n in names}, {n: [] for n in names}, {n: [] for n in names}
    scikit_partial = {n: [] for n in names}
    sweep = []
    build = ""
    for round_number in range(options.rounds):
        print(f"round {round_number + 1} of {options.rounds}: nnlab ...", file=sys.stderr, flush=True)
        report = nnlab_workloads(options.quick)
        build = report["build"]
        for workload in report["workloads"]:
            nnlab[workload["name"]].append(workload["microseconds_per_step"])
        if "sweep" in report:
            sweep.append(report["sweep"])
        for name in names:
            print(f"round {round_number + 1}: PyTorch {name} ...", file=sys.stderr, flush=True)
            pytorch[name].append(torch_workload(name, settings[name]) * 1e6)
            print(f"round {round_number + 1}: scikit-learn {name} ...", file=sys.stderr, flush=True)
            value = sklearn_workload(name, settings[name])
            if value is not None:
                scikit[name].append(value[0] * 1e6)
                scikit_partial[name].append(value[1] * 1e6)

    def cell(values, digits=2):
        return f"{statistics.median(values):.{digits}f}" if values else "—"

    def ratio(theirs, ours):
        return f"{statistics.median(theirs) / statistics.median(ours):.1f}×" if theirs and ours else "—"

    header = ["workload", "nnlab µs/step", "PyTorch µs/step", "scikit-learn µs/step",
              "PyTorch ÷ nnlab", "scikit-learn ÷ nnlab"]
    rows = [[name, cell(nnlab[name]), cell(pytorch[name], 1), cell(scikit[name], 1),
             ratio(pytorch[name], nnlab[name]), ratio(scikit[name], nnlab[name])] for name in names]
    model, cores = machine()
    notes = [f"machine: {model}, {cores} cores, {platform.system()} {platform.machine()}",
             f"nnlab: {build}; PyTorch {torch.__version__}, scikit-learn {sklearn.__version__}, "
             f"numpy {np.__version__}, Python {platform.python_version()}; one thread each"]
    notes.append("scikit-learn with partial_fit per epoch instead of fit: " +
                 ", ".join(f"{name} {cell(scikit_partial[name], 1)} µs/step ({ratio(scikit_partial[name], nnlab[name])} nnlab)"
                           for name in names if scikit_partial[name]))
    if sweep:
        one = statistics.median(s["runs_per_second_one_job"] for s in sweep)
        allc = statistics.median(s["runs_per_second_all_cores"] for s in sweep)
        notes.append(f"sweep ({sweep[0]['runs']} moons runs, {sweep[0]['epochs']} epochs, nnlab runner): "
                     f"{one:.1f} runs/s on 1 job, {allc:.1f} on {sweep[0]['cores']} ({allc / one:.2f}×)")
    print_table(header, rows, notes, options.markdown)


if __name__ == "__main__":
    main()
