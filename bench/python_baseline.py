"""The default study done the straightforward Python way, as a speed baseline for bench/run.sh.

NumPy data, SciPy's check_grad and BFGS, nine matplotlib figures saved as SVG: the work the
original notebook did for its report, written afresh for timing only (its numbers are not
compared with ours; the parity fixtures do that).

    python3 bench/python_baseline.py OUT_DIR
"""
import os
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.optimize import check_grad, minimize  # noqa: E402

N, W0 = 100, np.array([2.0, 1.5, -2.0])


def objective(w, x, y, lam):
    z = x @ w
    loss = np.sum(np.logaddexp(0.0, z) - y * z) + lam * w @ w
    grad = x.T @ (1.0 / (1.0 + np.exp(-z)) - y) + 2.0 * lam * w
    return loss, grad


def fit(x, y, lam):
    f = lambda w: objective(w, x, y, lam)[0]  # noqa: E731
    g = lambda w: objective(w, x, y, lam)[1]  # noqa: E731
    assert check_grad(f, g, W0) < 1e-2
    return minimize(f, W0, jac=g, method="BFGS")


def contours(ax, w, x=None, y=None):
    grid = np.linspace(-5, 5, 100)
    g1, g2 = np.meshgrid(grid, grid)
    sigma = 1.0 / (1.0 + np.exp(-(w[0] + w[1] * g1 + w[2] * g2)))
    lines = ax.contour(g1, g2, sigma, levels=np.arange(0.125, 1.0, 0.125), colors="k")
    ax.clabel(lines, inline=True)
    if x is not None:
        ax.scatter(x[y == 1, 1], x[y == 1, 2])
        ax.scatter(x[y == 0, 1], x[y == 0, 2])
    return sigma


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    half = N // 2
    labels = np.r_[np.ones(half), np.zeros(half)]
    fuzzy = np.c_[np.ones(N), np.r_[rng.normal(-1, 1, (half, 2)), rng.normal(1, 1, (half, 2))]]
    sep = np.c_[np.ones(N), np.r_[rng.uniform(-4, 0, (half, 2)), rng.uniform(0, 4, (half, 2))]]
    order = rng.permutation(N)
    fuzzy, sep, labels = fuzzy[order], sep[order], labels[order]

    def save(name):
        plt.savefig(os.path.join(out, name + ".svg"))
        plt.close()

    for name, x in (("fuzzy", fuzzy), ("lin-sep", sep)):
        plt.figure()
        plt.scatter(x[labels == 1, 1], x[labels == 1, 2])
        plt.scatter(x[labels == 0, 1], x[labels == 0, 2])
        plt.axis("square")
        save(name)
    z = np.linspace(-5, 5, 100)
    plt.figure()
    plt.plot(z, 1 / (1 + np.exp(-z)))
    save("sigmoid")
    fig, ax = plt.subplots()
    sigma = contours(ax, W0)
    ax.imshow(sigma, extent=(-5, 5, -5, 5), origin="lower")
    save("2d-sigmoid")
    fig, ax = plt.subplots()
    contours(ax, W0, fuzzy, labels)
    save("bad-fit")
    demo = minimize(lambda v: v[0] ** 2 - 2 * v[0], [3.0], jac=lambda v: np.array([2 * v[0] - 2]), method="BFGS")
    xs = np.linspace(-5, 5, 100)
    plt.figure()
    plt.plot(xs, xs ** 2 - 2 * xs)
    plt.scatter(demo.x, demo.fun, marker="X")
    save("optimizer")
    result = fit(fuzzy, labels, 0.1)
    w1 = np.linspace(result.x[1] - 2, result.x[1] + 2, 100)
    plt.figure()
    plt.plot(w1, [objective(np.array([result.x[0], v, result.x[2]]), fuzzy, labels, 0.1)[0] for v in w1])
    save("loss-over-w1")
    fig, ax = plt.subplots()
    contours(ax, result.x, fuzzy, labels)
    save("fitted-weights")
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    for ax, lam in zip(axes, (0.0, 0.1, 10.0)):
        contours(ax, fit(sep, labels, lam).x, sep, labels)
    save("reg-vs-no")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "python-out")
