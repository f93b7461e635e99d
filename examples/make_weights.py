"""Write torch.npz: random weights of a PyTorch nn.LSTM (input_size=20, hidden_size=50,
num_layers=2, bidirectional=True), named as its state_dict names them, for the README's
``convert`` and ``inspect`` examples.  Needs only NumPy.

    python examples/make_weights.py            # writes torch.npz in the current directory
"""

import sys

import numpy as np

n, k, layers = 20, 50, 2
rng = np.random.default_rng(0)
arrays = {}
for layer in range(layers):
    inputs = n if layer == 0 else 2 * k  # a stacked layer reads both directions of the layer below
    for suffix in ("", "_reverse"):
        arrays[f"weight_ih_l{layer}{suffix}"] = rng.uniform(-0.14, 0.14, (4 * k, inputs))
        arrays[f"weight_hh_l{layer}{suffix}"] = rng.uniform(-0.14, 0.14, (4 * k, k))
        arrays[f"bias_ih_l{layer}{suffix}"] = rng.uniform(-0.14, 0.14, 4 * k)
        arrays[f"bias_hh_l{layer}{suffix}"] = rng.uniform(-0.14, 0.14, 4 * k)
target = sys.argv[1] if len(sys.argv) > 1 else "torch.npz"
np.savez(target, **arrays)
print(f"wrote {target}: {len(arrays)} arrays (PyTorch nn.LSTM, n = {n}, k = {k}, {layers} layers, bidirectional)")
