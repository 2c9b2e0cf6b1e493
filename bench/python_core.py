"""NumPy/SciPy timings of the numerical core, as an in-run baseline for `cargo bench --bench core`.

Fuzzy data, lambda = 0.1, from w0 = [2, 1.5, -2]: one fused objective+gradient evaluation at
N = 1e6, and whole scipy.optimize.minimize(method='BFGS') fits at N = 1e6 and 1e7. Prints
medians in the same shape as the Rust benchmark.

    python3 bench/python_core.py
"""
import statistics
import time

import numpy as np
from scipy.optimize import minimize

W0 = np.array([2.0, 1.5, -2.0])


def fuzzy(n, rng):
    half = n // 2
    x = np.r_[rng.normal(-1, 1, (n - half, 2)), rng.normal(1, 1, (half, 2))]
    y = np.r_[np.ones(n - half), np.zeros(half)]
    return np.c_[np.ones(n), x], y


def fused(w, x, y, lam):
    z = x @ w
    loss = np.sum(np.logaddexp(0.0, z) - y * z) + lam * w @ w
    grad = x.T @ (1.0 / (1.0 + np.exp(-z)) - y) + 2.0 * lam * w
    return loss, grad


def median_seconds(repeats, work):
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    rng = np.random.default_rng(0)
    x, y = fuzzy(1_000_000, rng)
    t = median_seconds(21, lambda: fused(W0, x, y, 0.1))
    print(f"numpy eval N=1e6                             median {t * 1e3:9.3f} ms")
    t = median_seconds(5, lambda: minimize(fused, W0, args=(x, y, 0.1), jac=True, method="BFGS"))
    print(f"scipy BFGS fit N=1e6                         median {t * 1e3:9.3f} ms")
    x, y = fuzzy(10_000_000, rng)
    t = median_seconds(3, lambda: minimize(fused, W0, args=(x, y, 0.1), jac=True, method="BFGS"))
    print(f"scipy BFGS fit N=1e7                         median {t * 1e3:9.3f} ms")


if __name__ == "__main__":
    main()
