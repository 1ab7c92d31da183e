#!/usr/bin/env python3
"""The 27-run learning-rate sweep of bench/workloads/learning-rate-sweep.json in PyTorch.

The script a user would write by hand for the sweep `nnlab run` trains from
that file (experiments/learning-rate.json's shape): two moons (400 samples,
noise 0.2, a quarter held out for validation), 2-16-16-1 relu with an identity
output, He-uniform weights and zero biases, MSE, plain SGD with 9 learning
rates log-spaced from 0.001 to 10, 3 seeds, 100 epochs of shuffled batches of
32 (the last one partial). Before training and after every epoch it evaluates
the whole training and validation sets (loss, and accuracy at the 0.5
threshold); a run whose training loss is not finite or exceeds 10⁴ times its
epoch-0 loss stops there, as nnlab's does. Each run writes its curve to
OUTPUT/runs/<run>/curve.csv, and the sweep a summary.csv.

The runs go to a multiprocessing pool of one process per core, each with
torch.set_num_threads(1), in float64 as nnlab trains. The moons are generated
in numpy by scikit-learn's make_moons formula, so that no scikit-learn import
is counted in PyTorch's time. bench/peers.py times this script as a whole
process, imports included, next to `nnlab run` on the same sweep, and checks
that the constants below are the experiment file's.

    python bench/lr_sweep_torch.py [--output FOLDER]     (default: results-torch)
"""

import argparse
import csv
import math
import multiprocessing
import os

import numpy as np
import torch

SAMPLES, NOISE, VALIDATION_SPLIT, DATA_SEED = 400, 0.2, 0.25, 0
SIZES = [2, 16, 16, 1]
EPOCHS, BATCH = 100, 32
LEARNING_RATES = [10 ** (-3 + 4 * i / 8) for i in range(9)]
SEEDS = [0, 1, 2]
DIVERGENCE_FACTOR = 1e4


def moons(samples, noise, seed):
    """Two interleaving half circles with Gaussian noise, as sklearn.datasets.make_moons; then the split."""
    rng = np.random.default_rng(seed)
    outer, inner = samples // 2, samples - samples // 2
    t_outer, t_inner = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    x = np.vstack([np.c_[np.cos(t_outer), np.sin(t_outer)],
                   np.c_[1 - np.cos(t_inner), 1 - np.sin(t_inner) - 0.5]])
    y = np.r_[np.zeros(outer), np.ones(inner)]
    x += rng.normal(scale=noise, size=x.shape)
    order = rng.permutation(samples)
    validation = int(round(samples * VALIDATION_SPLIT))
    train, held_out = order[validation:], order[:validation]
    as_tensor = lambda a: torch.tensor(a, dtype=torch.float64)
    return (as_tensor(x[train]), as_tensor(y[train]).unsqueeze(1),
            as_tensor(x[held_out]), as_tensor(y[held_out]).unsqueeze(1))


DATA = None


def start_worker():
    global DATA
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    DATA = moons(SAMPLES, NOISE, DATA_SEED)


def make_model():
    layers = []
    for i in range(len(SIZES) - 1):
        linear = torch.nn.Linear(SIZES[i], SIZES[i + 1])
        torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")  # U(±√(6 / fan_in))
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(job):
    learning_rate, seed, output = job
    x, y, x_val, y_val = DATA
    torch.manual_seed(seed)
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loss_fn = torch.nn.MSELoss()

    def evaluate():
        row = []
        with torch.no_grad():
            for inputs, targets in ((x, y), (x_val, y_val)):
                outputs = model(inputs)
                row.append(loss_fn(outputs, targets).item())
                row.append(((outputs > 0.5) == (targets > 0.5)).double().mean().item())
        return row  # train loss, train accuracy, validation loss, validation accuracy

    curve = [[0] + evaluate()]
    status = "completed"
    n = x.shape[0]
    for epoch in range(1, EPOCHS + 1):
        order = torch.randperm(n)
        for first in range(0, n, BATCH):
            index = order[first:first + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        curve.append([epoch] + evaluate())
        train_loss = curve[-1][1]
        if not math.isfinite(train_loss) or train_loss > DIVERGENCE_FACTOR * curve[0][1]:
            status = "diverged"
            break

    name = f"learning_rate={learning_rate:.6g},seed={seed}"
    folder = os.path.join(output, "runs", name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "curve.csv"), "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy"])
        writer.writerows(curve)
    best = min(curve, key=lambda row: row[3] if math.isfinite(row[3]) else math.inf)
    return [name, learning_rate, seed, status, curve[-1][0], curve[-1][1], curve[-1][3], best[3], best[0],
            curve[-1][2], curve[-1][4]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="results-torch")
    options = parser.parse_args()
    jobs = [(rate, seed, options.output) for rate in LEARNING_RATES for seed in SEEDS]
    with multiprocessing.Pool(os.cpu_count(), initializer=start_worker) as pool:
        rows = pool.map(train, jobs, chunksize=1)
    os.makedirs(options.output, exist_ok=True)
    with open(os.path.join(options.output, "summary.csv"), "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["run", "optimizer.learning_rate", "seed", "status", "epochs", "train_loss",
                         "validation_loss", "best_validation_loss", "best_epoch", "train_accuracy",
                         "validation_accuracy"])
        writer.writerows(rows)
    print(f"{len(rows)} runs, {sum(row[3] == 'diverged' for row in rows)} diverged: {options.output}/summary.csv")


if __name__ == "__main__":
    main()
