"""Benchmarks of the compiled BPTT (ratios measured in one run; not part of the tests).

    python benchmarks/bench_backward.py [--quick]

Prints, for forward + backward over T = 50 in float64 at (n, k, B) = (80, 12, 1),
(256, 256, 64) and (512, 512, 64) (variants timed in alternation, round by round; a ratio is
the median over rounds of the ratio within a round, the range of those in parentheses):
  1. compiled / a hand-written fused NumPy BPTT (stacked gate weights, input products
     hoisted, weight gradients from one product at the end); target <= 1.1 at every size
  2. compiled / PyTorch autograd on the CPU (torch.nn.LSTM, float64, forward + backward),
     two threads each, PyTorch in a separate process so the two BLAS thread pools never
     compete (design, pitfall 7), one of its runs in each round; target <= 1.0 at
     (512, 512, 64)
  3. the share of the compiled time spent in the matrix products (the same products timed
     alone) and how far the rest (elementwise work, copies, Python) is from the
     hand-written code's rest
  4. the time to build and compile the backward program (target: tens of ms)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from timing import alternate, load, ratio, ratio_text

SIZES = ((80, 12, 1), (256, 256, 64), (512, 512, 64))
T = 50


def fused_bptt(params, xs, h0, c0, dhs):
    """Hand-written BPTT with the four gates stacked (i, f, g, o order is irrelevant here)."""
    k = h0.shape[0]
    Tn, n, B = xs.shape
    W = np.concatenate([params[f"W_{g}"] for g in "figo"])
    U = np.concatenate([params[f"U_{g}"] for g in "figo"])
    b = np.concatenate([params[f"b_{g}"] for g in "figo"])
    X = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, Tn * B)
    WX = (W @ X + b).reshape(4 * k, Tn, B)
    gates = np.empty((4 * k, Tn, B))
    cs = np.empty((k, Tn + 1, B))
    hs = np.empty((k, Tn + 1, B))
    cs[:, 0], hs[:, 0] = c0, h0
    for t in range(Tn):
        z = WX[:, t] + U @ hs[:, t]
        s = 0.5 * np.tanh(0.5 * z) + 0.5
        f, i, o = s[:k], s[k:2 * k], s[3 * k:]
        g = np.tanh(z[2 * k:3 * k])
        gates[:k, t], gates[k:2 * k, t], gates[2 * k:3 * k, t], gates[3 * k:, t] = f, i, g, o
        cs[:, t + 1] = f * cs[:, t] + i * g
        hs[:, t + 1] = o * np.tanh(cs[:, t + 1])
    dZ = np.empty((4 * k, Tn, B))
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in range(Tn - 1, -1, -1):
        f, i, g, o = gates[:k, t], gates[k:2 * k, t], gates[2 * k:3 * k, t], gates[3 * k:, t]
        tc = np.tanh(cs[:, t + 1])
        dh = dhs[t] + dh_next
        dc = dh * o * (1 - tc * tc) + dc_next
        dZ[3 * k:, t] = dh * tc * o * (1 - o)
        dZ[:k, t] = dc * cs[:, t] * f * (1 - f)
        dZ[k:2 * k, t] = dc * g * i * (1 - i)
        dZ[2 * k:3 * k, t] = dc * i * (1 - g * g)
        dh_next = U.T @ dZ[:, t]
        dc_next = dc * f
    D = dZ.reshape(4 * k, Tn * B)
    dW = D @ X.T
    dU = D @ hs[:, :Tn].reshape(k, Tn * B).T
    db = D.sum(axis=1, keepdims=True)
    dX = (W.T @ D).reshape(n, Tn, B).transpose(1, 0, 2)
    return dW, dU, db, dX, dh_next, dc_next


def gemms_only(params, xs, h0, k):
    """Only the matrix products of a fused BPTT, with the compiled code's shapes and layouts."""
    Tn, n, B = xs.shape
    W = np.concatenate([params[f"W_{g}"] for g in "fiog"])
    U = np.concatenate([params[f"U_{g}"] for g in "fiog"])
    X = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, Tn * B)
    D = np.ones((4 * k, Tn, B)) * 1e-3
    H = np.ones((k, Tn, B)) * 1e-3

    def run():
        W @ X
        for t in range(Tn):
            U @ H[:, t]
        for t in range(Tn):
            U.T @ D[:, t]
        cols = D.reshape(4 * k, Tn * B)
        cols @ X.T
        cols @ H.reshape(k, Tn * B).T
        W.T @ cols

    return run


TORCH_SCRIPT = r"""
import json, sys, timeit, torch
torch.set_num_threads(2)
n, k, B, T, number, repeat = map(int, sys.argv[1:])
torch.manual_seed(0)
lstm = torch.nn.LSTM(n, k).double()
x = torch.randn(T, B, n, dtype=torch.float64, requires_grad=True)
h0 = torch.randn(1, B, k, dtype=torch.float64, requires_grad=True)
c0 = torch.randn(1, B, k, dtype=torch.float64, requires_grad=True)
dh = torch.randn(T, B, k, dtype=torch.float64)
def run():
    lstm.zero_grad()
    out, _ = lstm(x, (h0, c0))
    (out * dh).sum().backward()
run()
print(json.dumps({"seconds": min(timeit.repeat(run, number=number, repeat=repeat)) / number,
                  "threads": torch.get_num_threads()}))
"""


def torch_time(n, k, B):
    """One timed PyTorch run (after a warm-up) in its own process, or None without PyTorch."""
    try:
        out = subprocess.run([sys.executable, "-c", TORCH_SCRIPT, str(n), str(k), str(B), str(T), "1", "1"],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)["seconds"]
    except (subprocess.CalledProcessError, json.JSONDecodeError):
        return None


def bench_size(n, k, B, quick):
    from lstm_symbolic import LSTMCell

    num = LSTMCell(n, k).compile()
    params = num.init_params(0)
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((T, n, B))
    h0, c0 = rng.standard_normal((k, B)), rng.standard_normal((k, B))
    dhs = rng.standard_normal((T, k, B))
    ours = num.backward(params, xs, h0, c0, dhs)
    dW, dU, db, dX, dh0, dc0 = fused_bptt(params, xs, h0, c0, dhs)
    np.testing.assert_allclose(ours["W_f"], dW[:k], atol=1e-9)
    np.testing.assert_allclose(ours["xs"], dX, atol=1e-9)
    number = 20 if k < 100 else 1
    variants = {"compiled": lambda: num.backward(params, xs, h0, c0, dhs),
                "hand": lambda: fused_bptt(params, xs, h0, c0, dhs), "gemm": gemms_only(params, xs, h0, k)}
    t = {name: [] for name in variants}
    t["torch"] = []
    for _ in range(3 if quick else (7 if k < 300 else 5)):  # a round: ours, then PyTorch's process
        for name, samples in alternate(variants, 1, number).items():
            t[name] += samples
        t["torch"].append(torch_time(n, k, B) if number == 1 or not t["torch"] else t["torch"][0])
    line = (f"   (n, k, B) = ({n}, {k}, {B}): compiled {min(t['compiled']) * 1e3:8.2f} ms, hand-written NumPy "
            f"{min(t['hand']) * 1e3:8.2f} ms, ratio {ratio_text(t['compiled'], t['hand'])}")
    if None in t["torch"]:
        print(line + "; PyTorch not installed")
    else:
        print(line + f"; PyTorch autograd {min(t['torch']) * 1e3:8.2f} ms (2 threads), "
              f"ratio {ratio_text(t['compiled'], t['torch'])}")
    share = ratio(t["gemm"], t["compiled"])[0]
    rest = [a - g for a, g in zip(t["compiled"], t["gemm"])]
    hand_rest = [max(r - g, 1e-9) for r, g in zip(t["hand"], t["gemm"])]
    print(f"      matrix products alone: {100 * share:.0f}% of the compiled time; the rest (elementwise work, "
          f"copies, Python) compiled / hand-written: {ratio_text(rest, hand_rest)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from lstm_symbolic import LSTMCell

    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, {load()}")
    print(f"1-3. forward + backward over T = {T} (float64): compiled / hand-written NumPy (target <= 1.1), "
          "/ PyTorch (target <= 1.0 at (512, 512, 64)); the matrix products' share")
    for n, k, B in SIZES:
        bench_size(n, k, B, args.quick)

    print("4. build + compile the backward (solve, reverse-mode rules, lambdify), warm")
    LSTMCell(3, 2).compile()
    for variant, layout in (("standard", "separate"), ("peephole", "concat"), ("projection", "augmented")):
        from lstm_symbolic.bptt import CompiledBackward
        from lstm_symbolic.derivatives import build_backward

        build_backward.cache_clear()
        cell = LSTMCell(80, 12, variant, layout, proj_size=6 if variant == "projection" else None)
        num = cell.compile()
        t0 = time.perf_counter()
        CompiledBackward(num)
        print(f"   {variant}/{layout}: {1e3 * (time.perf_counter() - t0):.0f} ms")
    print(f"(end: {load()}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
