"""The quiz's lexicon: what the words and names of a question can mean.

Tensor names are generated from the project's own tables: every notation in
:mod:`lstm_symbolic.notations` (``W_{fF}``, ``W_{hf}``, ``R_o``, ``\\tilde{C}_t`` ...) and every
framework tensor in :func:`lstm_symbolic.sequences.parameter_table` (``weight_ih_l0``,
``recurrent_kernel``, ``InputWeights``, ONNX ``W``/``R``/``B``).  English phrases, size roles,
model words and out-of-scope topics are small tables here.
"""

from __future__ import annotations

import re
from functools import cache

from .quiz_tokens import _ident_value

GATE_LETTERS = ("f", "i", "g", "o")
#: A time index as written -> its role; "n" is the previous step only when "n+1" is also written.
TIME_CLASS = {"t": "cur", "t-1": "prev", "n+1": "cur", "n": "prev", "n-1": "prev", "t+1": "next"}
STATES = ("x_t", "h_prev", "c_prev", "h_t", "c_t", "f_t", "i_t", "g_t", "o_t", "z_t", "W_hr")
#: Extra notations met in courses (Dive into Deep Learning's W_xf / W_hf; W_c for the candidate).
EXTRA_WEIGHTS = ({"W": "W_{{x{g}}}", "U": "W_{{h{g}}}", "b": "b_{{i{g}}}"}, {"b": "b_{{h{g}}}"},
                 {"W": "W_{{{g}}}", "U": "U_{{{g}}}", "b": "b_{{{g}}}", "letters": {"g": "c"}})


def _key(latex):
    base, index = _ident_value(latex)
    return base, TIME_CLASS.get(index) if index else None


@cache
def tensor_names():
    """``{(base, time class): {canonical names}}`` for every notation (a set: some names are ambiguous)."""
    from .notations import NOTATIONS

    table = {}

    def add(latex, name):
        if latex:
            table.setdefault(_key(latex), set()).add(name)

    weights = [f"{kind}_{g}" for kind in ("W", "U", "b", "p") for g in GATE_LETTERS]
    for notation in NOTATIONS.values():
        for name in STATES + tuple(weights):
            add(notation.tensor(name), name)
    for extra in EXTRA_WEIGHTS:
        letters = extra.get("letters", {})
        for name in weights:
            kind, _, g = name.partition("_")
            if kind in extra:
                add(extra[kind].format(g=letters.get(g, g)), name)
    for name in STATES + tuple(weights):
        add(name, name)  # the canonical names themselves (h_prev, W_f)
    return table


@cache
def framework_tensors():
    """``{tensor name without its layer suffix: {frameworks}}`` from the parameter tables."""
    from .framework_table import FRAMEWORKS
    from .sequences import parameter_table

    table = {}
    for fw in FRAMEWORKS:
        _, tensors, _ = parameter_table(fw, 3, 2, layers=2, bidirectional=True)
        for name in tensors:
            plain = re.sub(r"^l\d+/|^(?:forward|backward|fw|bw)/|_reverse$", "", name)
            plain = re.sub(r"_l\d+$", "", plain)
            table.setdefault(plain.split("/")[-1], set()).add(fw)
    return table


#: English words for the kinds of weight.
KIND_WORDS = {
    "W": [("feed", "forward"), ("feedforward",), ("input", "to", "hidden"), ("input",), ("forward",),
          ("kernel",), ("input", "weight")],
    "U": [("recurrent",), ("hidden", "to", "hidden"), ("recurrent", "weight")],
    "b": [("bias",), ("biases",)],
}
#: English words for the gates (and the candidate), longest first.
GATE_WORDS = [(("cell", "candidate"), "g"), (("candidate",), "g"), (("cell", "input"), "g"),
              (("input", "modulation"), "g"), (("input", "neuron"), "g"), (("forget",), "f"), (("input",), "i"),
              (("output",), "o"), (("update",), "i"), (("cell",), "g")]
#: English names of states and activations (longest first); "prev" marks the previous step.
STATE_PHRASES = [
    (("final", "hidden", "state"), "act:h_n"), (("final", "cell", "state"), "act:c_n"),
    (("previous", "hidden", "state"), "h_prev"), (("previous", "cell", "state"), "c_prev"),
    (("previous", "memory", "cell"), "c_prev"), (("candidate", "cell", "state"), "g_t"),
    (("new", "cell", "state"), "c_t"), (("new", "hidden", "state"), "h_t"), (("hidden", "state"), "h_t"),
    (("cell", "state"), "c_t"), (("memory", "cell"), "c_t"), (("concatenated", "vector"), "z_t"),
    (("concatenated", "input"), "z_t"), (("forget", "gate"), "f_t"), (("input", "gate"), "i_t"),
    (("output", "gate"), "o_t"), (("candidate",), "g_t"), (("output", "of", "the", "whole", "lstm", "block"), "h_t"),
    (("output", "of", "the", "lstm", "block"), "h_t"), (("output", "of", "the", "lstm", "cell"), "h_t"),
]
WEIGHT_NOUNS = {"weight", "weights", "matrix", "matrices", "kernel"}

#: Size roles: words right after a number ("128 hidden units"), longest first.
AFTER_CUES = [
    (("hidden", "units"), "k"), (("hidden", "neurons"), "k"), (("memory", "cells"), "k"), (("lstm", "units"), "k"),
    (("lstm", "cells"), "k"), (("lstm", "blocks"), "k"), (("units",), "k"), (("unit",), "k"), (("neurons",), "k"),
    (("cells",), "k"), (("blocks",), "k"), (("input", "features"), "n"), (("features",), "n"), (("inputs",), "n"),
    (("channels",), "n"), (("dimensional", "input"), "n"), (("dimensional", "inputs"), "n"),
    (("dim", "input"), "n"), (("dimensional", "embeddings"), "n"), (("dimensional", "embedding"), "n"),
    (("dimensional", "word", "embeddings"), "n"), (("dimensional", "word", "vectors"), "n"),
    (("dim", "embeddings"), "n"), (("dimensional", "hidden"), "k"), (("time", "steps"), "T"), (("timesteps",), "T"),
    (("steps",), "T"), (("layer",), "L"), (("layers",), "L"), (("stacked",), "L"), (("lstm", "layers"), "L"),
    (("classes",), "C"), (("samples",), "B"), (("sequences",), "B"), (("input", "size"), "n"),
    (("hidden", "size"), "k"), (("heads",), "?"), (("signal",), "signal"), (("input", "signal"), "signal"),
    (("epochs",), "-"),
]
#: Size roles: the nearest subject word before a number ("input size is 20", "x_t is 7x1").
SUBJECTS = {
    "n": {"input", "inputs", "input_size", "input_dim", "features", "feature", "embeddings", "embedding", "x",
          "channels", "n"},
    "k": {"hidden", "hidden_size", "units", "num_units", "output", "h", "c", "o", "state", "cells", "k", "memory"},
    "T": {"timesteps", "time", "steps", "length", "seq_len", "input_length", "timestep"},
    "B": {"batch", "batch_size", "samples"},
    "L": {"num_layers"},
    "p": {"proj_size", "projection"},
    "C": {"dense", "classes", "connected", "linear", "softmax"},
    "signal": {"signal"},
}
#: Words a number is read through on its way to its subject.
FILLER = {"of", "is", "are", "=", ":", "a", "an", "the", "dimension", "dimensions", "size", "sizes", "shape", "dim",
          "has", "have", "with", "vector", "each", "(", ")", "to", "equal", "be", "its", "set", "in", "\u2208", "-",
          "whose", "elements", "number", "vectors", "gets", "receives", "reads", "takes", "$", "r"}
STOP = {"and", ",", ";", ".", "?", "while", "but", "then", "or", "that", "which"}

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "single": 1}

FAMILY_WORDS = {"lstm": "lstm", "lstms": "lstm", "lstmlayer": "lstm", "bilstmlayer": "lstm", "lstmp": "lstm",
                "bilstm": "lstm", "lstmcell": "lstm", "gru": "gru", "grus": "gru", "grulayer": "gru",
                "grucell": "gru", "simplernn": "rnn", "elman": "rnn", "rnn": "rnn?", "rnns": "rnn?"}
#: Several-word names of a family.
FAMILY_PHRASES = [(("simple", "rnn"), "rnn"), (("simple", "rnns"), "rnn"), (("gated", "recurrent", "unit"), "gru"),
                  (("gated", "recurrent", "units"), "gru"), (("elman", "network"), "rnn")]
FRAMEWORK_WORDS = {"pytorch": "pytorch", "torch": "pytorch", "nn.lstm": "pytorch", "nn.gru": "pytorch",
                   "nn.rnn": "pytorch", "torch.nn.lstm": "pytorch", "keras": "keras", "tensorflow": "keras",
                   "tf.keras": "keras", "onnx": "onnx", "matlab": "matlab", "lstmlayer": "matlab",
                   "bilstmlayer": "matlab", "learnables": "matlab"}
#: Phrases that name a variant by what it lacks; read after VARIANT_WORDS, the last one found wins.
VARIANT_PHRASES = (("no forget gate", "vanilla"), ("without forget gate", "vanilla"),
                   ("without a forget gate", "vanilla"), ("no output tanh", "no-output-tanh"))
VARIANT_WORDS = {"peephole": "peephole", "peepholes": "peephole", "lstmp": "projection", "projection": "projection",
                 "proj_size": "projection", "cifg": "cifg", "coupled": "cifg"}
#: Topics outside the model, with what to say about them.
OUT_OF_SCOPE = {
    "transformer": "a Transformer", "attention": "attention", "conv2d": "Conv2D layers", "conv1d": "Conv1D layers",
    "convolution": "convolution layers", "convolutional": "convolution layers", "cnn": "a CNN",
    "embedding": "an Embedding layer", "dropout": "dropout", "gradient": "gradients (see `lstm-symbolic derive`)",
    "gradients": "gradients (see `lstm-symbolic derive`)", "derivative": "derivatives (see `lstm-symbolic derive`)",
    "backpropagation": "backpropagation (see `lstm-symbolic derive`)", "loss": "a loss",
}
CONCEPTUAL = {"why", "explain", "intuition", "rationale", "purpose", "advantage", "advantages", "better", "statement",
              "statements", "true", "correct", "disadvantage", "benefit"}


# -- the other cell families (GRU, simple RNN): generated from families.FAMILIES and the cells' shape tables ----
#: Names that mean the same tensor in every family; any other LSTM name is absent from a GRU or simple RNN.
SHARED_NAMES = ("x_t", "h_prev", "h_t")
#: Written forms of a family's tensors that its canonical names do not cover (Cho et al.'s and
#: Wikipedia's candidate \tilde{h}_t / \hat{h}_t, PyTorch's "new gate" n_t).
ALIASES = {"gru": {"\\tilde{h}_t": "n_t", "\\hat{h}_t": "n_t", "h\u0303_t": "n_t"}}
GATE_ALIASES = {"gru": [(("new", "gate"), "n")]}
#: Families whose gate names, gate words and state phrases are written here by hand (the others' are
#: generated from their rows in :data:`lstm_symbolic.families.FAMILIES`).
WRITTEN_GATE_NAMES = {"lstm": {"f": "forget gate", "i": "input gate", "g": "candidate", "o": "output gate"}}
WRITTEN_GATE_WORDS = {"lstm": GATE_WORDS}
WRITTEN_STATE_PHRASES = {"lstm": STATE_PHRASES}


def flat(value):
    """A token value ``(base, index)`` as one string: ``("W", "n")`` -> ``"W_n"``, ``("W_z", None)`` -> ``"W_z"``."""
    base, index = value
    return f"{base}_{index}" if index else base


@cache
def family_tensors(family):
    """The canonical tensor names of a family's cell over all its variants, from the cell's shape table."""
    from .builtin_shapes import cell_shapes
    from .families import get_family
    from .quiz_tables import probe_projection

    names = []
    for variant in get_family(family).variants:
        for name in cell_shapes(3, 2, variant, "separate", probe_projection(variant), family=family).shapes():
            if name not in names:
                names.append(name)
    return tuple(names)


@cache
def family_names(family):
    """``{written name, flattened: canonical name}`` for a GRU or simple RNN (canonical and notation forms)."""
    from .families import get_family
    from .notations import NOTATIONS

    table = {}
    for notation in get_family(family).notations or ("standard",):
        for name in family_tensors(family):
            for form in (name, NOTATIONS[notation].tensor(name)):
                if form:
                    table[flat(_ident_value(form))] = name
    for form, name in ALIASES.get(family, {}).items():
        table[flat(_ident_value(form))] = name
    return table


def gate_names(family):
    """``{gate letter: its English name}``: ``{"r": "reset gate", ...}``."""
    from .families import get_family

    return WRITTEN_GATE_NAMES.get(family) or dict(get_family(family).gate_meaning)


@cache
def gate_words(family):
    """English words for a family's gates, longest first (``update`` -> z for the GRU, i for the LSTM)."""
    if family in WRITTEN_GATE_WORDS:
        return WRITTEN_GATE_WORDS[family]
    found = []
    for gate, meaning in gate_names(family).items():
        words = tuple(meaning.split())
        found += [(words, gate), (words[:1], gate)]
    found += GATE_ALIASES.get(family, [])
    return sorted(dict.fromkeys(found), key=lambda pair: -len(pair[0]))


@cache
def state_phrases(family):
    """English names of a family's states and activations, longest first; the LSTM's others marked absent."""
    if family in WRITTEN_STATE_PHRASES:
        return WRITTEN_STATE_PHRASES[family]
    from .families import get_family

    fam, names = get_family(family), family_tensors(family)
    found = {}
    for gate, meaning in gate_names(family).items():
        if f"{gate}_t" in names and gate not in fam.states:
            words = tuple(meaning.split())
            found[words] = found[words[:1]] = f"{gate}_t"
    for words, gate in GATE_ALIASES.get(family, []):
        found.setdefault(words, f"{gate}_t")
    for words, name in STATE_PHRASES:
        keep = name in SHARED_NAMES or name == "act:h_n"
        found.setdefault(words, name if keep else "!absent:" + name)
    return sorted(found.items(), key=lambda pair: -len(pair[0]))
