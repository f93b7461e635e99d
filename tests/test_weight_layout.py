"""The shape lister and the canonical model (weight_layout.py), against the frameworks' layouts as
their documentation states them (design: PyTorch weight_ih_l0 (4k, n), Keras kernel (n, 4k),
ONNX W [D, 4k, n] and B [D, 8k], MATLAB InputWeights 4k x n, TF1 kernel [n + k, 4k])."""

import pytest

from lstm_symbolic import UsageError
from lstm_symbolic.framework_table import get_layout
from lstm_symbolic.weight_layout import Model, array_key, check_supported, tensor_shapes

N, K, P = 7, 5, 3


@pytest.mark.parametrize("framework, want", [
    ("pytorch", {"weight_ih_l0": (4 * K, N), "weight_hh_l0": (4 * K, K), "bias_ih_l0": (4 * K,),
                 "bias_hh_l0": (4 * K,)}),
    ("keras", {"kernel": (N, 4 * K), "recurrent_kernel": (K, 4 * K), "bias": (4 * K,)}),
    ("onnx", {"W": (1, 4 * K, N), "R": (1, 4 * K, K), "B": (1, 8 * K)}),
    ("matlab", {"InputWeights": (4 * K, N), "RecurrentWeights": (4 * K, K), "Bias": (4 * K, 1)}),
    ("tf1", {"kernel": (N + K, 4 * K), "bias": (4 * K,)}),
])
def test_one_lstm_layer_as_documented(framework, want):
    assert tensor_shapes(get_layout(framework), N, K) == want


def test_layers_directions_and_features():
    onnx = tensor_shapes(get_layout("onnx"), N, K, layers=2, directions=2, features={"peephole"})
    assert onnx == {"W_l0": (2, 4 * K, N), "R_l0": (2, 4 * K, K), "B_l0": (2, 8 * K), "P_l0": (2, 3 * K),
                    "W_l1": (2, 4 * K, 2 * K), "R_l1": (2, 4 * K, K), "B_l1": (2, 8 * K), "P_l1": (2, 3 * K)}
    torch = tensor_shapes(get_layout("pytorch"), N, K, layers=2, proj=P, features={"projection"})
    assert torch["weight_hh_l0"] == (4 * K, P) and torch["weight_hr_l0"] == (P, K)
    assert torch["weight_ih_l1"] == (4 * K, P)  # the layer above takes the projected h
    matlab = tensor_shapes(get_layout("matlab"), N, K, directions=2)
    assert matlab == {"InputWeights": (8 * K, N), "RecurrentWeights": (8 * K, K), "Bias": (8 * K, 1)}
    tf1 = tensor_shapes(get_layout("tf1"), N, K, proj=P, features={"projection", "peephole"})
    assert tf1 == {"kernel": (N + P, 4 * K), "bias": (4 * K,), "projection/kernel": (K, P), "w_i_diag": (K,),
                   "w_f_diag": (K,), "w_o_diag": (K,)}


def test_array_keys():
    keras = get_layout("keras")
    kernel = keras.tensors[0]
    assert array_key(keras, kernel, 0, 1, 0, 1) == "kernel"
    assert array_key(keras, kernel, 1, 2, 1, 2) == "l1/backward/kernel"
    torch = get_layout("pytorch")
    assert array_key(torch, torch.tensors[0], 0, 1, 1, 2) == "weight_ih_l0_reverse"


def test_the_model():
    model = Model(N, K, [[{}, {}], [{}, {}]], P, frozenset({"projection", "peephole"}))
    assert (model.num_layers, model.num_directions, model.peephole) == (2, 2, True)
    assert model.variant == "peephole+projection"
    assert model.required == {"projection", "peephole", "stacked", "bidirectional"}
    assert (model.layer_input_size(0), model.layer_input_size(1)) == (N, 2 * P)
    assert Model(N, K, [[{}]]).variant == "standard"


def test_what_a_layout_cannot_hold():
    with pytest.raises(UsageError) as err:
        check_supported(get_layout("keras"), {"peephole", "stacked"}, "lstm", None, K)
    assert str(err.value) == ("Keras LSTM cannot hold peephole connections, which the model has. "
                              "Frameworks that can hold this LSTM: onnx, tf1")
    with pytest.raises(UsageError) as err:
        check_supported(get_layout("pytorch"), {"projection"}, "lstm", K, K)
    assert str(err.value) == "PyTorch nn.LSTM requires proj_size < hidden_size; the model has p = 5, k = 5"
    check_supported(get_layout("tf1"), {"projection"}, "lstm", K, K)  # TF1 allows p >= k
