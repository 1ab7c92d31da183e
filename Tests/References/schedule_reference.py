"""Reference values from PyTorch (float64) for nnlab's learning-rate schedules.

Run with a Python that has torch installed:

    python Tests/References/schedule_reference.py > Tests/References/schedule_reference.json

It writes the JSON that ScheduleTests.swift compares against (the suite does
not need torch):

- "schedules": each schedule of `optimizer.schedule` built as the
  torch.optim.lr_scheduler object it names and stepped `steps` times;
  "rates" is get_last_lr()[0] after construction and after every step,
  "momenta" the optimizer's momentum (SGD) or beta1 (Adam) when one_cycle
  cycles it. reduce_on_plateau is stepped with the listed "losses".
- "curves": a small regression network trained in float64 by the loop nnlab's
  BatchSchedule documents (batches in order, the last partial one kept,
  scheduler.step() after every optimizer step or after every epoch's
  evaluation), from the explicit weights in "model"; per epoch the training
  loss and the rate of the epoch's last step.

A warm-up is SequentialLR([LinearLR(start_factor=f, end_factor=1, total_iters=W),
schedule], milestones=[W]), a warm-up alone the same with LambdaLR(lambda t: 1).
"""
import json
import math
import sys
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)


def make_optimizer(params, config):
    name = config["name"]
    lr = config.get("learning_rate", 0.001 if name == "adam" else None)
    wd = config.get("weight_decay", 0.0)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=config.get("momentum", 0.9),
                               nesterov=config.get("nesterov", False), weight_decay=wd)
    return torch.optim.Adam(params, lr=lr, betas=(config.get("beta1", 0.9), config.get("beta2", 0.999)),
                            eps=config.get("epsilon", 1e-8), weight_decay=wd)


def main_scheduler(opt, s, total_steps):
    name = s.get("name")
    if name is None:
        return S.LambdaLR(opt, lambda t: 1.0)
    if name == "step":
        return S.StepLR(opt, step_size=s["step_size"], gamma=s.get("gamma", 0.1))
    if name == "multistep":
        return S.MultiStepLR(opt, milestones=s["milestones"], gamma=s.get("gamma", 0.1))
    if name == "exponential":
        return S.ExponentialLR(opt, gamma=s["gamma"])
    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=s["t_max"], eta_min=s.get("eta_min", 0.0))
    if name == "linear":
        return S.LinearLR(opt, start_factor=s.get("start_factor", 1.0 / 3), end_factor=s.get("end_factor", 1.0),
                          total_iters=s.get("total_iters", 5))
    if name == "one_cycle":
        return S.OneCycleLR(opt, max_lr=s["max_lr"], total_steps=total_steps, pct_start=s.get("pct_start", 0.3),
                            anneal_strategy=s.get("anneal_strategy", "cos"), cycle_momentum=s.get("cycle_momentum", True),
                            base_momentum=s.get("base_momentum", 0.85), max_momentum=s.get("max_momentum", 0.95),
                            div_factor=s.get("div_factor", 25.0), final_div_factor=s.get("final_div_factor", 1e4),
                            three_phase=s.get("three_phase", False))
    if name == "reduce_on_plateau":
        return S.ReduceLROnPlateau(opt, factor=s.get("factor", 0.1), patience=s.get("patience", 10),
                                   threshold=s.get("threshold", 1e-4), threshold_mode=s.get("threshold_mode", "rel"),
                                   cooldown=s.get("cooldown", 0), min_lr=s.get("min_lr", 0.0), eps=s.get("eps", 1e-8))
    raise ValueError(name)


def make_scheduler(opt, s, steps_per_epoch, total_steps):
    """The scheduler of nnlab's `optimizer.schedule` s; steps_per_epoch converts warm-up epochs for interval step."""
    warmup = s.get("warmup")
    if warmup is None:
        return main_scheduler(opt, s, total_steps)
    w = warmup["epochs"] * (steps_per_epoch if interval(s) == "step" else 1)
    first = S.LinearLR(opt, start_factor=warmup.get("start_factor", 1.0 / 3), end_factor=1.0, total_iters=w)
    return S.SequentialLR(opt, [first, main_scheduler(opt, s, total_steps)], milestones=[w])


def interval(s):
    return s.get("interval", "step" if s.get("name") == "one_cycle" else "epoch")


def momentum_of(opt):
    group = opt.param_groups[0]
    return group["betas"][0] if "betas" in group else group["momentum"]


def cycles_momentum(s):
    return s.get("name") == "one_cycle" and s.get("cycle_momentum", True)


# MARK: - Rate sequences

SEQUENCE_CASES = [
    ("step", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "step", "step_size": 7, "gamma": 0.5}}),
    ("step-defaults", {"name": "sgd", "learning_rate": 0.3, "schedule": {"name": "step", "step_size": 3}}),
    ("multistep", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "multistep", "milestones": [5, 12, 30], "gamma": 0.3}}),
    ("exponential", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "exponential", "gamma": 0.93}}),
    ("cosine", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "cosine", "t_max": 10, "eta_min": 0.001}}),
    ("cosine-odd", {"name": "momentum", "learning_rate": 0.7, "schedule": {"name": "cosine", "t_max": 7}}),
    ("linear-defaults", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "linear"}}),
    ("linear-rise", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "linear", "start_factor": 0.1, "end_factor": 0.9, "total_iters": 20}}),
    ("linear-decay", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "linear", "start_factor": 1, "end_factor": 0.05, "total_iters": 40}}),
    ("one-cycle", {"name": "momentum", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 0.5}}),
    ("one-cycle-sgd", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 0.3, "pct_start": 0.25}}),
    ("one-cycle-three-phase-linear", {"name": "momentum", "learning_rate": 0.1, "schedule": {
        "name": "one_cycle", "max_lr": 1.5, "three_phase": True, "anneal_strategy": "linear", "div_factor": 10,
        "final_div_factor": 100, "base_momentum": 0.8, "max_momentum": 0.9}}),
    ("one-cycle-adam", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "one_cycle", "max_lr": 0.02}}),
    ("one-cycle-fixed-momentum", {"name": "momentum", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 0.4, "cycle_momentum": False}}),
    ("plateau", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "reduce_on_plateau", "patience": 2, "factor": 0.5, "cooldown": 1, "threshold": 0.01}}),
    ("plateau-abs", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "reduce_on_plateau", "patience": 1, "threshold": 0.05, "threshold_mode": "abs", "min_lr": 0.0002}}),
    ("warmup-cosine", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "cosine", "t_max": 20, "eta_min": 0.01, "warmup": {"epochs": 5, "start_factor": 0.1}}}),
    ("warmup-step", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "step", "step_size": 4, "gamma": 0.7, "warmup": {"epochs": 3}}}),
    ("warmup-multistep", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "multistep", "milestones": [10, 20], "warmup": {"epochs": 6, "start_factor": 0.01}}}),
    ("warmup-exponential", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "exponential", "gamma": 0.9, "warmup": {"epochs": 4, "start_factor": 0.25}}}),
    ("warmup-linear", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "linear", "start_factor": 1, "end_factor": 0.1, "total_iters": 30, "warmup": {"epochs": 7, "start_factor": 0.2}}}),
    ("warmup-alone", {"name": "sgd", "learning_rate": 0.1, "schedule": {"warmup": {"epochs": 9, "start_factor": 0.05}}}),
]
SEQUENCE_STEPS = 60
# A loss that falls, stalls, wobbles and falls again, for reduce_on_plateau.
PLATEAU_LOSSES = [1.0 / (1 + 0.3 * t) if t < 15 else (0.19 + 0.004 * math.sin(t) if t < 40 else 0.19 - 0.002 * (t - 40))
                  for t in range(SEQUENCE_STEPS)]


def rate_sequence(config):
    p = torch.zeros(1, requires_grad=True)
    opt = make_optimizer([p], config)
    s = config["schedule"]
    sched = make_scheduler(opt, s, 1, SEQUENCE_STEPS)
    plateau = s.get("name") == "reduce_on_plateau"
    rates, momenta = [opt.param_groups[0]["lr"]], [momentum_of(opt)]
    for t in range(SEQUENCE_STEPS):
        opt.step()
        if plateau:
            sched.step(PLATEAU_LOSSES[t])
        else:
            sched.step()
        rates.append(sched.get_last_lr()[0])
        momenta.append(momentum_of(opt))
    return rates, momenta


# MARK: - Curves

INPUTS = [[0.5, -1.2], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1], [-1.3, -0.4], [0.9, 1.1],
          [-0.2, -0.9], [1.2, -0.6], [0.4, 0.7], [-1.0, 1.4], [0.7, -0.1], [-0.5, -0.3]]
TARGETS = [[math.sin(x) + 0.5 * y] for x, y in INPUTS]
W1 = [[0.4, -0.6], [0.3, 0.8], [-0.5, 0.2]]
B1 = [0.1, -0.2, 0.05]
W2 = [[0.7, -0.4, 0.6]]
B2 = [0.0]
BATCH_SIZE = 5
EPOCHS = 12

CURVE_CASES = [
    ("constant", {"name": "sgd", "learning_rate": 0.2}),
    ("step", {"name": "sgd", "learning_rate": 0.3, "schedule": {"name": "step", "step_size": 3, "gamma": 0.5}}),
    ("multistep-momentum", {"name": "momentum", "learning_rate": 0.05, "momentum": 0.8, "schedule": {"name": "multistep", "milestones": [4, 9]}}),
    ("exponential-steps-adam", {"name": "adam", "learning_rate": 0.05, "schedule": {"name": "exponential", "gamma": 0.95, "interval": "step"}}),
    ("cosine-nesterov", {"name": "momentum", "learning_rate": 0.1, "nesterov": True, "schedule": {"name": "cosine", "t_max": 5, "eta_min": 0.001}}),
    ("cosine-steps", {"name": "sgd", "learning_rate": 0.3, "schedule": {"name": "cosine", "t_max": 36, "interval": "step"}}),
    ("linear", {"name": "sgd", "learning_rate": 0.3, "schedule": {"name": "linear", "start_factor": 0.2, "total_iters": 8}}),
    ("one-cycle-sgd", {"name": "sgd", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 0.4}}),
    ("one-cycle-adam", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "one_cycle", "max_lr": 0.08, "three_phase": True}}),
    ("one-cycle-epochs", {"name": "momentum", "learning_rate": 0.1, "schedule": {"name": "one_cycle", "max_lr": 0.2, "interval": "epoch", "anneal_strategy": "linear"}}),
    ("plateau", {"name": "sgd", "learning_rate": 0.5, "schedule": {"name": "reduce_on_plateau", "patience": 1, "factor": 0.5, "threshold": 0.05}}),
    ("warmup-cosine", {"name": "sgd", "learning_rate": 0.4, "schedule": {"name": "cosine", "t_max": 8, "warmup": {"epochs": 3, "start_factor": 0.1}}}),
    ("warmup-steps-adam", {"name": "adam", "learning_rate": 0.05, "schedule": {"warmup": {"epochs": 2, "start_factor": 0.2}, "interval": "step"}}),
]


def curve(config):
    w1 = torch.tensor(W1, requires_grad=True)
    b1 = torch.tensor(B1, requires_grad=True)
    w2 = torch.tensor(W2, requires_grad=True)
    b2 = torch.tensor(B2, requires_grad=True)
    x_all = torch.tensor(INPUTS)
    y_all = torch.tensor(TARGETS)
    opt = make_optimizer([w1, b1, w2, b2], config)
    s = config.get("schedule")
    n = len(INPUTS)
    steps_per_epoch = -(-n // BATCH_SIZE)
    sched = None
    if s is not None:
        total = steps_per_epoch * EPOCHS if interval(s) == "step" else EPOCHS
        sched = make_scheduler(opt, s, steps_per_epoch, total)

    def loss_of(x, y):
        h = torch.tanh(x @ w1.T + b1)
        out = h @ w2.T + b2
        return ((out - y) ** 2).mean()

    with torch.no_grad():
        losses = [loss_of(x_all, y_all).item()]
    rates = [None]
    for _ in range(EPOCHS):
        for start in range(0, n, BATCH_SIZE):
            opt.zero_grad()
            loss = loss_of(x_all[start:start + BATCH_SIZE], y_all[start:start + BATCH_SIZE])
            loss.backward()
            rate = opt.param_groups[0]["lr"]
            opt.step()
            if sched is not None and interval(s) == "step":
                sched.step()
        with torch.no_grad():
            losses.append(loss_of(x_all, y_all).item())
        rates.append(rate)
        if sched is not None and interval(s) == "epoch":
            if s.get("name") == "reduce_on_plateau":
                sched.step(losses[-1])
            else:
                sched.step()
    return losses, rates


def main():
    schedules = []
    for name, config in SEQUENCE_CASES:
        rates, momenta = rate_sequence(config)
        entry = {"name": name, "optimizer": config, "steps": SEQUENCE_STEPS, "rates": rates}
        if cycles_momentum(config["schedule"]):
            entry["momenta"] = momenta
        if config["schedule"].get("name") == "reduce_on_plateau":
            entry["losses"] = PLATEAU_LOSSES
        schedules.append(entry)
    curves = []
    for name, config in CURVE_CASES:
        losses, rates = curve(config)
        curves.append({"name": name, "optimizer": config, "train_loss": losses, "learning_rate": rates})
    json.dump({"torch": torch.__version__, "schedules": schedules,
               "curve_setup": {"inputs": INPUTS, "targets": TARGETS, "weights": [W1, W2], "biases": [B1, B2],
                               "batch_size": BATCH_SIZE, "epochs": EPOCHS},
               "curves": curves}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
