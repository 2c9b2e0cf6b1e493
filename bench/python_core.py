"""NumPy/SciPy's side of `cargo bench --bench core`, driven by it one timing at a time.

The benchmark writes its data set to raw files and sends one JSON command per line on stdin;
each answer is one JSON line on stdout. Ours and theirs are timed alternately, on the same
data, in the same run, so that a noisy neighbour on the machine slows both alike:

    {"cmd": "load", "dir": D, "lambda": 0.1, "w0": [2, 1.5, -2]}
        reads D/x1.f64, D/x2.f64 (little-endian f64) and D/labels.u8   -> {"n": N}
    {"cmd": "eval"}   one fused loss+gradient evaluation at w0           -> {"seconds": t}
    {"cmd": "fit"}    scipy.optimize.minimize(method="BFGS") from w0     -> {"seconds": t, "nit": .., "nfev": .., "success": ..}

The first line written, before any command, names the versions. Not meant to be run by hand.
"""
import json
import platform
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize


def fused(w, x, y, lam):
    """The loss and its gradient the straightforward NumPy way (what a port would replace)."""
    z = x @ w
    loss = np.sum(np.logaddexp(0.0, z) - y * z) + lam * w @ w
    grad = x.T @ (1.0 / (1.0 + np.exp(-z)) - y) + 2.0 * lam * w
    return loss, grad


def load(command):
    folder = command["dir"]
    x1 = np.fromfile(f"{folder}/x1.f64", dtype="<f8")
    x2 = np.fromfile(f"{folder}/x2.f64", dtype="<f8")
    y = np.fromfile(f"{folder}/labels.u8", dtype=np.uint8).astype(np.float64)
    x = np.column_stack([np.ones_like(x1), x1, x2])
    return {"x": x, "y": y, "lambda": float(command["lambda"]), "w0": np.array(command["w0"], dtype=float)}


def main():
    say = lambda answer: print(json.dumps(answer), flush=True)  # noqa: E731
    say({"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__})
    problem = None
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "load":
            problem = None  # frees the previous data set before the next one is read
            problem = load(command)
            say({"n": len(problem["y"])})
            continue
        x, y, lam, w0 = problem["x"], problem["y"], problem["lambda"], problem["w0"]
        if command["cmd"] == "eval":
            start = time.perf_counter()
            fused(w0, x, y, lam)
            say({"seconds": time.perf_counter() - start})
        elif command["cmd"] == "fit":
            start = time.perf_counter()
            result = minimize(fused, w0, args=(x, y, lam), jac=True, method="BFGS")
            seconds = time.perf_counter() - start
            say({"seconds": seconds, "nit": int(result.nit), "nfev": int(result.nfev), "success": bool(result.success)})
        else:
            raise SystemExit(f"unknown command {command['cmd']!r}")


if __name__ == "__main__":
    main()
