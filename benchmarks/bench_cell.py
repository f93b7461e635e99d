"""Benchmarks of the compiled cell (ratios measured in one run; not part of the tests).

    python benchmarks/bench_cell.py            # all
    python benchmarks/bench_cell.py --quick    # fewer rounds

Prints (variants timed in alternation; a ratio is the median over rounds of the ratio within
a round, with the lowest and highest per-round ratio in parentheses, a measure of the noise):
  1. compiled ``step`` / hand-fused NumPy step (the four gates' weights stacked once, outside
     the timing) at (n, k, B) = (80, 12, 1), (256, 256, 64), (1024, 1024, 64); target <= 1.2
     at (80, 12, 1) with a plain dict of parameters.  Three dicts: ``init_params``' arrays
     (the stacks are views of them), separate copies of them (the stacks are refilled at every
     call), ``prepare``'s.  Also the ratio to a hand-written step that, like the compiled one,
     activates the three sigmoid gates with one call ("grouped").
  2. compiled ``forward`` over T = 32 / a per-step loop of the hand-fused step, with a plain
     dict; targets <= 0.9 at (80, 12, 1), <= 1.0 at the larger sizes
  3. build + solve + compile of a cell, warm, at several sizes; target < 100 ms, flat in n and k
  4. cold ``lstm-symbolic shapes -n 80 -k 12`` / ``python -c "import sympy, numpy, click"``; target <= 1.0;
     cold ``lstm-symbolic --help`` / ``python -c "import click"``; target <= 1.5
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np
from timing import alternate, load, ratio_text

SIZES = ((80, 12, 1), (256, 256, 64), (1024, 1024, 64))


def sig(z):
    return 0.5 * np.tanh(0.5 * z) + 0.5


def fused_reference(params, k):
    """A hand-fused step: the four gates' weights stacked once, outside the timing."""
    W = np.concatenate([params[f"W_{g}"] for g in "figo"])
    U = np.concatenate([params[f"U_{g}"] for g in "figo"])
    b = np.concatenate([params[f"b_{g}"] for g in "figo"])

    def step(x, h, c):
        z = W @ x + U @ h + b
        f = sig(z[:k])
        i = sig(z[k:2 * k])
        g = np.tanh(z[2 * k:3 * k])
        o = sig(z[3 * k:])
        c = f * c + i * g
        return o * np.tanh(c), c

    return step


def grouped_reference(params, k):
    """A hand-fused step that also computes the three sigmoid gates with one call (f, i, o, g)."""
    W = np.concatenate([params[f"W_{g}"] for g in "fiog"])
    U = np.concatenate([params[f"U_{g}"] for g in "fiog"])
    b = np.concatenate([params[f"b_{g}"] for g in "fiog"])

    def step(x, h, c):
        z = W @ x + U @ h + b
        s = sig(z[:3 * k])
        g = np.tanh(z[3 * k:])
        c = s[:k] * c + s[k:2 * k] * g
        return s[2 * k:] * np.tanh(c), c

    return step


def setup(n, k, B, T=None):
    from lstm_symbolic import LSTMCell

    num = LSTMCell(n, k).compile()
    params = num.init_params(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, n, B) if T else (n, B))
    h, c = rng.standard_normal((k, B)), rng.standard_normal((k, B))
    return num, params, x, h, c


def bench_step(quick):
    print("1. step: compiled / hand-fused NumPy step (target <= 1.2 at (80, 12, 1) with a plain dict)")
    for n, k, B in SIZES:
        num, params, x, h, c = setup(n, k, B)
        fused, grouped = fused_reference(params, k), grouped_reference(params, k)
        copies = {name: a.copy() for name, a in params.items()}
        prepared = num.prepare(params)
        for p in (params, copies, prepared):
            np.testing.assert_allclose(num.step(p, x, h, c)[0], fused(x, h, c)[0], atol=1e-12)
        number = 2000 if k < 100 else (20 if k < 1000 else 3)
        t = alternate({"hand": lambda: fused(x, h, c), "grouped": lambda: grouped(x, h, c),
                       "dict": lambda: num.step(params, x, h, c), "copies": lambda: num.step(copies, x, h, c),
                       "prepared": lambda: num.step(prepared, x, h, c)}, 7 if quick else 21, number)
        print(f"   (n, k, B) = ({n}, {k}, {B}): hand-fused {min(t['hand']) * 1e6:9.1f} us; "
              f"step(init_params dict) ratio {ratio_text(t['dict'], t['hand'])}; "
              f"step(dict of copies) {ratio_text(t['copies'], t['hand'])}; "
              f"step(prepare(params)) {ratio_text(t['prepared'], t['hand'])}; "
              f"step(dict) / hand-fused grouped {ratio_text(t['dict'], t['grouped'])}")


def bench_forward(quick):
    T = 32
    print(f"2. forward over T = {T}: compiled / per-step loop of the hand-fused step "
          "(targets <= 0.9 at (80, 12, 1), <= 1.0 larger)")
    for n, k, B in SIZES:
        num, params, xs, h0, c0 = setup(n, k, B, T)
        fused = fused_reference(params, k)
        copies = {name: a.copy() for name, a in params.items()}

        def loop():
            h, c = h0, c0
            hs = np.empty((T, k, B))
            for t in range(T):
                h, c = fused(xs[t], h, c)
                hs[t] = h
            return hs, h, c

        np.testing.assert_allclose(num.forward(params, xs, h0, c0)[0], loop()[0], atol=1e-12)
        number = 100 if k < 100 else 1
        t = alternate({"loop": loop, "dict": lambda: num.forward(params, xs, h0, c0),
                       "copies": lambda: num.forward(copies, xs, h0, c0)},
                      5 if quick or k > 1000 else 11, number)
        print(f"   (n, k, B) = ({n}, {k}, {B}): loop {min(t['loop']) * 1e3:8.2f} ms; "
              f"forward(init_params dict) ratio {ratio_text(t['dict'], t['loop'])}; "
              f"forward(dict of copies) {ratio_text(t['copies'], t['loop'])}")


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
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, {load()}")
    bench_step(args.quick)
    bench_forward(args.quick)
    bench_build()
    bench_startup(args.quick)
    print(f"(end: {load()})")


if __name__ == "__main__":
    main()
