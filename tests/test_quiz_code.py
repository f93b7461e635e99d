"""quiz_code: model code in a question read (never run) into sizes, families, framework and flags."""

import pytest

from lstm_symbolic.quiz_code import read_code


def facts(snippet, framework=None):
    found = read_code([snippet], framework)
    return {role: value for role, value, _ in found.sizes}, found


@pytest.mark.parametrize("snippet, sizes, family, framework, flags", [
    ("model.add(LSTM(32, input_shape=(10, 64)))", {"k": 32, "T": 10, "n": 64}, "lstm", "keras", {}),
    ("nn.LSTM(10, 20, num_layers=2, batch_first=True)", {"n": 10, "k": 20, "L": 2}, "lstm", "pytorch",
     {"batch_first": True}),
    ("nn.LSTM(input_size=10, hidden_size=20, proj_size=5)", {"n": 10, "k": 20, "p": 5}, "lstm", "pytorch", {}),
    ("[sequenceInputLayer(12) bilstmLayer(100, 'OutputMode', 'last') fullyConnectedLayer(9)]",
     {"n": 12, "k": 100, "C": 9}, "lstm", "matlab", {"bidirectional": True, "return_sequences": False}),
    ("Bidirectional(LSTM(8), input_shape=(5, 3))", {"T": 5, "n": 3, "k": 8}, "lstm", "keras", {"bidirectional": True}),
    ("SimpleRNN(4, activation='relu')", {"k": 4}, "rnn", "keras", {"nonlinearity": "relu"}),
    ("nn.RNN(3, 4, nonlinearity='relu')", {"n": 3, "k": 4}, "rnn", "pytorch", {"nonlinearity": "relu"}),
    ("GRU(4, reset_after=False, batch_input_shape=(2, 5, 3))", {"k": 4, "B": 2, "T": 5, "n": 3}, "gru", "keras",
     {"reset_after": False}),
], ids=["keras-lstm", "torch-lstm", "torch-keywords", "matlab-bilstm", "keras-bidirectional", "keras-simple-rnn",
        "torch-rnn", "keras-gru"])
def test_layers(snippet, sizes, family, framework, flags):
    found_sizes, found = facts(snippet)
    assert found_sizes == sizes and found.families == [family] and found.framework == framework
    assert found.flags == flags and found.problems == [] and found.recurrent == 1


def test_sizes_say_where_they_were_read():
    found = read_code(["nn.GRU(10, 20)"])
    assert found.sizes == [("n", 10, "GRU(...) in the code"), ("k", 20, "GRU(...) in the code")]


def test_the_framework_hint_decides_an_ambiguous_layer():
    _, keras = facts("LSTM(32)", "keras")
    assert keras.framework == "keras"
    sizes, torch = facts("nn.LSTM(10, 20)", "onnx")  # a hint the code reader has no reader for is ignored
    assert torch.framework == "pytorch" and sizes == {"n": 10, "k": 20}


def test_every_recurrent_layer_is_counted():
    _, found = facts("model.add(LSTM(8, return_sequences=True))\nmodel.add(LSTM(4))")
    assert found.recurrent == 2 and found.families == ["lstm", "lstm"] and found.flags == {"return_sequences": True}


@pytest.mark.parametrize("snippet, problem", [
    ("nn.LSTM(10, 20, bias=False)", "bias=False (the quiz counts layers with their biases)"),
    ("model.add(Conv1D(3, 3))", "the code has a Conv1D layer, and the quiz answers only for LSTM, GRU and simple RNN"),
    ("Conv1D(3, 3)", "no Keras, PyTorch or MATLAB layers found"),
], ids=["no-bias", "other-layer", "not-code"])
def test_what_the_quiz_cannot_use_is_a_problem(snippet, problem):
    _, found = facts(snippet)
    assert any(problem in p for p in found.problems), found.problems
