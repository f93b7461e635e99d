"""Benchmarks of the compiled BPTT (ratios measured in one run; not part of the tests).

    python benchmarks/bench_backward.py [--quick]

Prints:
  1. compiled forward + backward over T = 50 / a hand-written fused NumPy BPTT (stacked
     gate weights, input products hoisted, weight gradients from one product at the end)
     at (n, k, B) = (80, 12, 1) and (512, 512, 64); target <= 1.2 at the large size
  2. the same / PyTorch autograd on the CPU (torch.nn.LSTM, float64, forward + backward),
     timed in a separate process so the two BLAS thread pools never compete (design,
     pitfall 7); target <= 1.0
  3. the time to build and compile the backward program (target: tens of ms)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import timeit

import numpy as np

SIZES = ((80, 12, 1), (512, 512, 64))
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


TORCH_SCRIPT = r"""
import json, sys, timeit, torch
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


def best(fn, repeat, number):
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from lstm_symbolic import LSTMCell

    repeat = 3 if args.quick else 5
    print(f"1-2. forward + backward over T = {T} (float64)")
    for n, k, B in SIZES:
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
        a = best(lambda: num.backward(params, xs, h0, c0, dhs), repeat, number)
        r = best(lambda: fused_bptt(params, xs, h0, c0, dhs), repeat, number)
        line = (f"   (n, k, B) = ({n}, {k}, {B}): compiled {a * 1e3:8.2f} ms, hand-fused NumPy {r * 1e3:8.2f} ms, "
                f"ratio {a / r:.2f}")
        try:
            out = subprocess.run([sys.executable, "-c", TORCH_SCRIPT, str(n), str(k), str(B), str(T),
                                  str(number), str(repeat)], capture_output=True, text=True, check=True)
            torch_s = json.loads(out.stdout)
            line += (f"; PyTorch autograd {torch_s['seconds'] * 1e3:8.2f} ms ({torch_s['threads']} threads), "
                     f"ratio {a / torch_s['seconds']:.2f}")
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            line += "; PyTorch not installed"
        print(line)

    print("3. build + compile the backward (solve, reverse-mode rules, lambdify), warm")
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


if __name__ == "__main__":
    main()
