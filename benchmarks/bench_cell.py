"""Benchmarks of the compiled cell (ratios measured in one run; not part of the tests).

    python benchmarks/bench_cell.py            # all
    python benchmarks/bench_cell.py --quick    # fewer repetitions

Prints:
  1. compiled ``step`` / hand-fused NumPy step (one product over the four stacked gates)
     at (n, k, B) = (80, 12, 1), (256, 256, 64), (1024, 1024, 64); targets <= 1.6, 1.25, 1.25
  2. compiled ``forward`` over T = 32 / a per-step fused loop; target <= 1.0
  3. build + solve + compile of a cell, warm, at several sizes; target < 100 ms, flat in n and k
  4. cold ``lstm-symbolic shapes -n 80 -k 12`` / ``python -c "import sympy, numpy, click"``; target <= 1.0;
     cold ``lstm-symbolic --help`` / ``python -c "import click"``; target <= 1.5
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import timeit

import numpy as np


def best(fn, repeat, number):
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def fused_reference(params, k):
    """A hand-fused step: the four gates' weights stacked once, outside the timing."""
    W = np.concatenate([params[f"W_{g}"] for g in "figo"])
    U = np.concatenate([params[f"U_{g}"] for g in "figo"])
    b = np.concatenate([params[f"b_{g}"] for g in "figo"])

    def sig(z):
        return 0.5 * np.tanh(0.5 * z) + 0.5

    def step(x, h, c):
        z = W @ x + U @ h + b
        f = sig(z[:k])
        i = sig(z[k:2 * k])
        g = np.tanh(z[2 * k:3 * k])
        o = sig(z[3 * k:])
        c = f * c + i * g
        return o * np.tanh(c), c

    return step


def bench_step(quick):
    from lstm_symbolic import LSTMCell

    print("1. step: compiled / hand-fused NumPy (target <= 1.6 small, <= 1.25 large)")
    for n, k, B, target in ((80, 12, 1, 1.6), (256, 256, 64, 1.25), (1024, 1024, 64, 1.25)):
        num = LSTMCell(n, k).compile()
        params = num.init_params(0)
        rng = np.random.default_rng(0)
        x, h, c = rng.standard_normal((n, B)), rng.standard_normal((k, B)), rng.standard_normal((k, B))
        fused = fused_reference(params, k)
        np.testing.assert_allclose(num.step(params, x, h, c)[0], fused(x, h, c)[0], atol=1e-12)
        number = 2000 if k < 100 else (50 if k < 1000 else 5)
        repeat = 3 if quick else 7
        # alternate the two to share the machine's noise
        prepared = num.prepare(params)
        a = best(lambda: num.step(params, x, h, c), repeat, number)
        p = best(lambda: num.step(prepared, x, h, c), repeat, number)
        r = best(lambda: fused(x, h, c), repeat, number)
        print(f"   (n, k, B) = ({n}, {k}, {B}): hand-fused {r * 1e6:8.1f} us; "
              f"step(prepare(params)) {p * 1e6:8.1f} us, ratio {p / r:.2f} (target <= {target}); "
              f"step(dict) {a * 1e6:8.1f} us, ratio {a / r:.2f}")


def bench_forward(quick):
    from lstm_symbolic import LSTMCell

    print("2. forward over T = 32: compiled / per-step fused loop (target <= 1.0)")
    T = 32
    for n, k, B in ((80, 12, 1), (256, 256, 64)):
        num = LSTMCell(n, k).compile()
        params = num.init_params(0)
        rng = np.random.default_rng(0)
        xs = rng.standard_normal((T, n, B))
        h0, c0 = rng.standard_normal((k, B)), rng.standard_normal((k, B))
        fused = fused_reference(params, k)

        def loop():
            h, c = h0, c0
            hs = np.empty((T, k, B))
            for t in range(T):
                h, c = fused(xs[t], h, c)
                hs[t] = h
            return hs, h, c

        np.testing.assert_allclose(num.forward(params, xs, h0, c0)[0], loop()[0], atol=1e-12)
        number = 100 if k < 100 else 3
        repeat = 3 if quick else 7
        prepared = num.prepare(params)
        a = best(lambda: num.forward(params, xs, h0, c0), repeat, number)
        p = best(lambda: num.forward(prepared, xs, h0, c0), repeat, number)
        r = best(loop, repeat, number)
        print(f"   (n, k, B) = ({n}, {k}, {B}): loop {r * 1e3:8.2f} ms; forward(prepare(params)) {p * 1e3:8.2f} ms, "
              f"ratio {p / r:.2f}; forward(dict) {a * 1e3:8.2f} ms, ratio {a / r:.2f}")


def bench_build():
    from lstm_symbolic import LSTMCell

    print("3. build + solve + compile a cell, warm (target < 100 ms, flat in n and k)")
    LSTMCell(3, 2).compile()  # warm SymPy's caches and imports
    for n, k in ((3, 2), (80, 12), (1024, 1024), (10**6, 10**6)):
        t = time.perf_counter()
        LSTMCell(n, k, layout="concat").compile()
        mid = time.perf_counter()
        LSTMCell(n, k).compile()
        end = time.perf_counter()
        print(f"   n = {n}, k = {k}: standard {1e3 * (end - mid):6.1f} ms, concat {1e3 * (mid - t):6.1f} ms")


def cold(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return min(times)


def bench_startup(quick):
    print("4. cold start: lstm-symbolic shapes -n 80 -k 12 / python -c 'import sympy, numpy, click' (target <= 1.0);"
          " --help / python -c 'import click' (target <= 1.5)")
    runs = 3 if quick else 7
    env_cli = [sys.executable, "-m", "lstm_symbolic", "shapes", "-n", "80", "-k", "12"]
    symbolic = [sys.executable, "-m", "lstm_symbolic", "shapes", "-n", "n", "-k", "k"]
    base = cold([sys.executable, "-c", "import sympy, numpy, click"], runs)
    ours = cold(env_cli, runs)
    print(f"   shapes {ours * 1e3:.0f} ms, imports {base * 1e3:.0f} ms, ratio {ours / base:.2f}")
    sym = cold(symbolic, runs)
    print(f"   shapes -n n -k k (symbolic: needs SymPy) {sym * 1e3:.0f} ms, ratio {sym / base:.2f}")
    helpcmd = cold([sys.executable, "-m", "lstm_symbolic", "--help"], runs)
    click_only = cold([sys.executable, "-c", "import click"], runs)
    print(f"   --help {helpcmd * 1e3:.0f} ms, import click {click_only * 1e3:.0f} ms, ratio {helpcmd / click_only:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    bench_step(args.quick)
    bench_forward(args.quick)
    bench_build()
    bench_startup(args.quick)


if __name__ == "__main__":
    main()
