"""Reference values from PyTorch (float64) for nnlab's NeuralNetwork tests.

Run with a Python that has torch installed:  python Tests/References/pytorch_reference.py
It prints the literals that OptimizerTests.swift and ExerciseTests.swift compare
against; the tests also recompute the same values from the published update
rules, so these literals are a second, independent check.
"""
import torch

torch.set_default_dtype(torch.float64)


def linear_problem():
    """2 inputs -> 1 identity output with bias; batch of 2; C = mean_n 1/2 (y_hat - y)^2."""
    w = torch.tensor([[0.5, -0.3]], requires_grad=True)
    b = torch.tensor([0.1], requires_grad=True)
    x = torch.tensor([[1.0, 2.0], [-1.0, 0.5]])
    y = torch.tensor([[1.0], [-2.0]])
    return w, b, x, y


def run(make_optimizer, steps=3):
    w, b, x, y = linear_problem()
    opt = make_optimizer([w, b])
    history = []
    for _ in range(steps):
        opt.zero_grad()
        out = x @ w.T + b
        loss = (0.5 * ((out - y) ** 2).sum(dim=1)).mean()
        loss.backward()
        opt.step()
        history.append((w.detach().flatten().tolist(), b.detach().tolist()))
    return history


cases = {}
for wd in (0.0, 0.1):
    cases[f"sgd wd={wd}"] = lambda p, wd=wd: torch.optim.SGD(p, lr=0.1, weight_decay=wd)
    cases[f"momentum wd={wd}"] = lambda p, wd=wd: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=wd)
    cases[f"nesterov wd={wd}"] = lambda p, wd=wd: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=wd)
    cases[f"adam wd={wd}"] = lambda p, wd=wd: torch.optim.Adam(p, lr=0.1, weight_decay=wd)

print(f"torch {torch.__version__}")
for name, make in cases.items():
    for step, (w, b) in enumerate(run(make), start=1):
        print(f"{name} step {step}: w {[repr(v) for v in w]} b {[repr(v) for v in b]}")

# The exercise of SPEC section 9: x = 3, t = 1, w1 = 0.01, w2 = -5, b = -1, relu then sigmoid, C = 1/2 (y - t)^2.
w1 = torch.tensor(0.01, requires_grad=True)
w2 = torch.tensor(-5.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
y = torch.sigmoid(w2 * torch.relu(w1 * 3.0) + b)
c = 0.5 * (y - 1.0) ** 2
c.backward()
print("exercise: y", repr(y.item()), "C", repr(c.item()))
print("exercise: dC/dw1", repr(w1.grad.item()), "dC/dw2", repr(w2.grad.item()), "dC/db", repr(b.grad.item()))
