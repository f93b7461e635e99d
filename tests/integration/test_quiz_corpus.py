"""The quiz corpus (tests/data/quiz_corpus.txt): every question answered right or declined, never
answered wrong, and at least 95 % of the decidable ones answered.

The expected answers are computed here from each entry's SPEC with closed-form formulas written for
this test (they share nothing with the package); the formulas themselves are checked against
PyTorch's ``numel`` and Keras' ``count_params`` and real forward passes where those are installed.
"""

from __future__ import annotations

import math
import pathlib
import re
from dataclasses import dataclass, field

import numpy as np
import pytest

from lstm_symbolic.quiz import CannotDecide, answer_question, parse_block

from ..conftest import require

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "data" / "quiz_corpus.txt"
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


# -- reading the corpus -----------------------------------------------------------------------------------
@dataclass
class Entry:
    kind: str
    args: list
    opts: dict
    sizes: dict
    text: str
    line: int
    expected: object = field(default=None)

    @property
    def id(self):
        dims = "-".join(f"{k}{v}" for k, v in self.sizes.items())
        return f"L{self.line}-{self.kind}" + (f"-{dims}" if dims else "")


def _size(value):
    return int(value) if value.isdigit() else value


def read_corpus():
    entries, head, block, line_no = [], None, [], 0

    def flush():
        if head is None:
            return
        spec, _, sets = head[0].partition("|")
        words = spec.split()
        kind = words[0]
        args = [w for w in words[1:] if "=" not in w]
        opts = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        text = "\n".join(block).strip("\n")
        for size_set in sets.split(";"):
            size_set = size_set.strip()
            sizes = {} if size_set in ("", "-") else {k: _size(v) for k, v in
                                                      (p.split("=") for p in size_set.split())}
            q = re.sub(r"<(\w)>", lambda m, sizes=sizes: str(sizes[m.group(1)]), text)
            entries.append(Entry(kind, args, opts, sizes, q, head[1]))

    for line_no, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("##"):
            continue
        if line.startswith("@ "):
            flush()
            head, block = (line[2:], line_no), []
        elif head is not None:
            block.append(line)
    flush()
    return entries


ENTRIES = read_corpus()


# -- expected answers, computed independently -------------------------------------------------------------
def param_count(fam, n, k, bias, layers=1, directions=1, proj=None, peephole=False):
    """Closed form: G gate blocks of k rows, each reading n (or D*h) inputs and h = p or k states."""
    gates, h = GATES[fam], proj or k
    total = 0
    for layer in range(layers):
        n_in = n if layer == 0 else directions * h
        one = gates * k * (n_in + h + bias) + (proj * k if proj else 0) + (3 * k if peephole else 0)
        total += directions * one
    return total


def _plus(*terms):
    """A sum of sizes: a number when every term is one, else the text 'k + n'."""
    if all(isinstance(t, int) for t in terms):
        return sum(terms)
    return " + ".join(str(t) for t in terms)


def canonical_shape(name, n, k, p=None, layout="separate", batch=1, fam="lstm"):
    """Column convention: states are (rows, B), B = 1 unless the question gives a batch."""
    h = p or k
    kind, _, gate = name.partition("_")
    if name in ("h_t", "h_prev"):
        return (h, batch)
    if name == "x_t":
        return (n, batch)
    if name == "z_t" and fam == "lstm":
        return (_plus(h, n), 1)
    if name == "W_hr":
        return (p, k)
    if name in ("c_t", "c_prev") or name.endswith("_t"):
        return (k, batch)
    if kind == "W":
        return {"separate": (k, n), "concat": (k, _plus(h, n)), "augmented": (k, _plus(1, h, n))}[layout]
    if kind == "U":
        return (k, h)
    return (k, 1)  # b_*, p_*


def framework_shape(fw, name, fam, s, seq=None, batch_first=False):
    n, k = s["n"], s["k"]
    G, D, L = GATES[fam] * k, s.get("D", 1), s.get("L", 1)
    B, T = s.get("B", "None" if fw == "keras" else "B"), s.get("T", "T")
    layer = int(name[-1]) if re.search(r"_l\d$", name) else 0
    n_in = n if layer == 0 else D * k
    table = {
        "pytorch": {f"weight_ih_l{layer}": (G, n_in), f"weight_hh_l{layer}": (G, k), f"bias_ih_l{layer}": (G,),
                    f"bias_hh_l{layer}": (G,), "output": (B, T, D * k) if batch_first else (T, B, D * k),
                    "h_n": (D * L, B, k), "c_n": (D * L, B, k)},
        "keras": {"kernel": (n, G), "recurrent_kernel": (k, G), "bias": (G,),
                  "output": (B, T, D * k) if seq else (B, D * k)},
        "matlab": {"InputWeights": (G * D, n), "RecurrentWeights": (G * D, k), "Bias": (G * D, 1),
                   "output": (D * k, T) if seq else (D * k, 1)},
        "onnx": {"W": (D, G, n), "R": (D, G, k), "B": (D, 2 * G)},
    }
    return table[fw][name]


def expected(entry):
    o = entry.opts
    s = {**entry.sizes, **{key: int(o[key]) for key in ("D", "L") if key in o}}
    if entry.kind == "shape":
        shapes = []
        for target in entry.args[0].split(","):
            if ":" in target:
                fw, name = target.split(":")
                shapes.append(framework_shape(fw, name, o.get("fam", "lstm"), s, o.get("seq") == "1",
                                              o.get("bf") == "1"))
            else:
                shapes.append(canonical_shape(target, s["n"], s["k"], s.get("p"), o.get("lay", "separate"),
                                              s.get("B", 1),
                                              o.get("fam", "lstm")))
        return shapes
    if entry.kind == "count":
        if o.get("gate") == "1":
            return s["k"] * (s["n"] + s["k"] + int(o["bias"]))
        return param_count(o.get("fam", "lstm"), s["n"], s["k"], int(o["bias"]), s.get("L", 1), s.get("D", 1),
                           s.get("p"), o.get("peep") == "1")
    if entry.kind == "diff":
        a, b = entry.args
        return (param_count(a, s["n"], s["k"], int(o["bias"])) - param_count(b, s["n"], s["k"], int(o["bias"])))
    if entry.kind == "value" and o.get("fam") in ("gru", "rnn"):
        return family_value(entry.args[0], o)
    if entry.kind == "value":
        v = {key: np.array([float(x) for x in o[key].split(",")]) for key in ("o", "c", "f", "cp", "i", "g")
             if key in o}
        if entry.args[0] == "h":
            return list(v["o"] * (np.tanh(v["c"]) if o["act"] == "tanh" else v["c"]))
        return list(v["f"] * v["cp"] + v["i"] * v["g"])
    if entry.kind == "range" and o.get("fam") in ("gru", "rnn"):
        name = entry.args[0]
        if o.get("act") == "relu":
            return (0.0, math.inf)
        return (0.0, 1.0) if name in ("r_t", "z_t") else (-1.0, 1.0)
    if entry.kind == "range":
        name, variant = entry.args[0], o.get("var", "standard")
        if name in ("f_t", "i_t", "o_t"):
            return (0.0, 1.0)
        if name == "g_t" or (name == "h_t" and variant != "no-output-tanh"):
            return (-1.0, 1.0)
        return (-math.inf, math.inf)
    return None


def _floats(text):
    return np.array([float(x) for x in text.split(",")])


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru_reference(w, x, hp, place, rb=(0.0, 0.0, 0.0)):
    """One step of a one-unit GRU written here: r, z, n and h (Cho et al.'s update, z weighs h_prev)."""
    Wr, Ur, br, Wz, Uz, bz, Wn, Un, bn = w
    cr, cz, cn = rb
    r = _sigmoid(Wr * x + Ur * hp + br + cr)
    z = _sigmoid(Wz * x + Uz * hp + bz + cz)
    n = np.tanh(Wn * x + Un * (r * hp) + bn) if place == "before" else np.tanh(Wn * x + bn + r * (Un * hp + cn))
    return {"r": r, "z": z, "n": n, "h": (1 - z) * n + z * hp}


def family_value(out, o):
    """A GRU or simple RNN value from the spec: gate values, or one-unit weights (both placements when 'either')."""
    hp = _floats(o["hp"])
    if o["fam"] == "rnn":
        Wh, Uh, bh = _floats(o["w"])
        a = Wh * _floats(o["x"]) + Uh * hp + bh
        return list(np.maximum(a, 0.0) if o["act"] == "relu" else np.tanh(a))
    if "w" not in o:
        z, cand = _floats(o["z"]), _floats(o["cand"])
        return list((1 - z) * hp + z * cand if o.get("mix") == "swap" else (1 - z) * cand + z * hp)
    w, x = _floats(o["w"]), _floats(o["x"])
    rb = _floats(o["rb"]) if "rb" in o else (0.0, 0.0, 0.0)
    if o["place"] == "either":
        before, after = gru_reference(w, x, hp, "before"), gru_reference(w, x, hp, "after")
        assert np.allclose(before[out], after[out])  # a one-unit cell without recurrent biases: no difference
    return list(gru_reference(w, x, hp, "after" if o["place"] == "after" else "before", rb)[out])


for _entry in ENTRIES:
    _entry.expected = expected(_entry)


# -- comparing ----------------------------------------------------------------------------------------------
_SHAPE_ITEM = re.compile(r"\(([^()]*)\)|([\w+ ]+?(?:\s*x\s*[\w+ ]+?)+)(?=,|$)")


def parse_shapes(text):
    shapes = []
    for m in _SHAPE_ITEM.finditer(text.strip()):
        if m.group(1) is not None:
            dims = [d.strip() for d in m.group(1).split(",") if d.strip()]
        else:
            dims = [d.strip() for d in m.group(2).split("x")]
        shapes.append(tuple(d.replace(" ", "") for d in dims))
    return shapes


def _dims(shape):
    return tuple(str(d).replace(" ", "") for d in shape)


def _numbers(text):
    return [float(x.replace("inf", "inf")) for x in re.findall(r"-?inf|-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def judge(entry):
    """'right', 'declined' or 'wrong: ...' for one entry."""
    try:
        result = answer_question(parse_block(entry.text))
    except CannotDecide as exc:
        if entry.kind == "decline":
            fragment = " ".join(entry.args).lower()
            return "right" if fragment in str(exc).lower() else f"wrong: declined without '{fragment}': {exc}"
        return "declined"
    if entry.kind == "decline":
        return f"wrong: answered {result.answer!r} instead of declining"
    ok = _same(entry, result.answer)
    if ok and "choices" in entry.opts:
        ok = result.choices == entry.opts["choices"].split(",")
    if ok and "key" in entry.opts:
        ok = f"key says {entry.opts['key']}" in result.explanation
    return "right" if ok else f"wrong: {result.answer!r} (choices {result.choices}), expected {entry.expected!r}"


def _same(entry, answer):
    if entry.kind == "shape":
        return parse_shapes(answer) == [_dims(s) for s in entry.expected]
    if entry.kind in ("count", "diff"):
        return answer.strip().replace(",", "") == str(entry.expected)
    if entry.kind == "value":
        got = _numbers(answer)
        return len(got) == len(entry.expected) and all(abs(a - b) <= 1e-4 for a, b in zip(got, entry.expected))
    if entry.kind == "range":
        return tuple(_numbers(answer)) == entry.expected
    return False


# -- the tests ----------------------------------------------------------------------------------------------
def test_corpus_size():
    assert len(ENTRIES) >= 300




@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_never_wrong(entry):
    """Each question is answered right or declined; never answered wrong."""
    verdict = judge(entry)
    assert not verdict.startswith("wrong"), f"{verdict}\n--- question (corpus line {entry.line}):\n{entry.text}"


def test_figures():
    """At least 95 % of the decidable questions answered; the figures are printed with -s."""
    verdicts = [(e, judge(e)) for e in ENTRIES]
    decidable = [(e, v) for e, v in verdicts if e.kind != "decline"]
    right = sum(v == "right" for _, v in decidable)
    declined = [e for e, v in decidable if v == "declined"]
    wrong = sum(v.startswith("wrong") for _, v in verdicts)
    print(f"\nquiz corpus: {len(ENTRIES)} questions, {len(decidable)} decidable: {right} answered right, "
          f"{len(declined)} declined, {wrong} answered wrong; "
          f"{sum(v == 'right' for e, v in verdicts if e.kind == 'decline')} of "
          f"{len(verdicts) - len(decidable)} undecidable ones declined")
    assert wrong == 0
    assert right >= 0.95 * len(decidable), "declined: " + ", ".join(e.id for e in declined)


# -- the references of the formulas above ---------------------------------------------------------------------
TORCH_CASES = [("lstm", 10, 20, 1, False, None), ("lstm", 10, 20, 2, False, None), ("lstm", 10, 20, 2, True, None),
               ("lstm", 300, 128, 1, False, 64), ("lstm", 7, 5, 3, True, 2), ("gru", 10, 20, 1, False, None),
               ("gru", 4, 8, 2, True, None), ("rnn", 10, 20, 1, False, None), ("rnn", 3, 6, 3, False, None)]


@pytest.mark.parametrize("fam,n,k,layers,bidi,proj", TORCH_CASES,
                         ids=[f"{c[0]}-n{c[1]}-k{c[2]}-L{c[3]}{'-bi' if c[4] else ''}{'-p' if c[5] else ''}"
                              for c in TORCH_CASES])
def test_count_formula_matches_torch(fam, n, k, layers, bidi, proj):
    torch = require("torch")
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[fam]
    kwargs = {"proj_size": proj} if proj else {}
    module = cls(n, k, num_layers=layers, bidirectional=bidi, **kwargs)
    assert sum(p.numel() for p in module.parameters()) == param_count(fam, n, k, 2, layers, 2 if bidi else 1, proj)
    for name, tensor in module.named_parameters():
        if name.startswith(("weight_ih_l", "weight_hh_l", "bias")) and not proj and not name.endswith("reverse"):
            s = {"n": n, "k": k, "D": 2 if bidi else 1, "L": layers}
            assert tuple(tensor.shape) == framework_shape("pytorch", name, fam, s), name


KERAS_CASES = [("lstm", 64, 32, True), ("lstm", 1, 50, True), ("gru", 4, 8, True), ("gru", 4, 8, False),
               ("rnn", 1, 10, True)]


@pytest.mark.parametrize("fam,n,k,reset_after", KERAS_CASES,
                         ids=[f"{c[0]}-n{c[1]}-k{c[2]}-{c[3]}" for c in KERAS_CASES])
def test_count_formula_matches_keras(fam, n, k, reset_after):
    keras = require("keras")
    kwargs = {"reset_after": reset_after} if fam == "gru" else {}
    cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}[fam]
    layer = cls(k, **kwargs)
    layer.build((None, 5, n))
    bias = 2 if fam == "gru" and reset_after else 1
    assert layer.count_params() == param_count(fam, n, k, bias)
    if fam == "lstm":
        s = {"n": n, "k": k}
        assert tuple(layer.weights[0].shape) == framework_shape("keras", "kernel", fam, s)
        assert tuple(layer.weights[1].shape) == framework_shape("keras", "recurrent_kernel", fam, s)
        out = tuple("None" if d is None else d for d in layer.compute_output_shape((None, 5, n)))
        assert out == framework_shape("keras", "output", fam, {**s, "T": 5}, seq=False)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "shape" and e.args[0].startswith("pytorch:")
                                   and e.args[0].split(":")[1] in ("output", "h_n")],
                         ids=lambda e: e.id)
def test_pytorch_activation_shapes_match_torch(entry):
    torch = require("torch")
    s, bf = entry.sizes, entry.opts.get("bf") == "1"
    D = int(entry.opts.get("D", 1))
    s = {**s, "D": D}
    lstm = torch.nn.LSTM(s["n"], s["k"], num_layers=s.get("L", 1), batch_first=bf, bidirectional=D == 2)
    shape = (s["B"], s["T"], s["n"]) if bf else (s["T"], s["B"], s["n"])
    with torch.no_grad():
        out, (h_n, _) = lstm(torch.zeros(shape))
    got = {"output": tuple(out.shape), "h_n": tuple(h_n.shape)}[entry.args[0].split(":")[1]]
    assert [got] == entry.expected


GRU_TORCH_CASES = [((0.5, -0.3, 0.1, 0.2, 0.4, 0.0, 1.0, 0.7, 0.2), (0.0, 0.0, 0.3), 1.0, 0.5),
                   ((0.8, 0.5, -0.1, 1.5, -2.0, 0.5, -1.2, 0.9, 0.4), (0.1, -0.2, 0.0), 2.0, -0.5)]


@pytest.mark.parametrize("w,rb,x,hp", GRU_TORCH_CASES, ids=["case0", "case1"])
def test_gru_reference_matches_torch(w, rb, x, hp):
    """The test's own one-unit GRU (reset-after) against torch.nn.GRUCell (gate order r, z, n)."""
    torch = require("torch")
    cell = torch.nn.GRUCell(1, 1)
    Wr, Ur, br, Wz, Uz, bz, Wn, Un, bn = w
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor([[Wr], [Wz], [Wn]]))
        cell.weight_hh.copy_(torch.tensor([[Ur], [Uz], [Un]]))
        cell.bias_ih.copy_(torch.tensor([br, bz, bn]))
        cell.bias_hh.copy_(torch.tensor(list(rb)))
        got = cell(torch.tensor([[x]]), torch.tensor([[hp]])).item()
    assert abs(got - gru_reference(w, x, hp, "after", rb)["h"]) < 1e-6


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "shape" and e.opts.get("fam") in ("gru", "rnn")
                                   and ":" not in e.args[0]], ids=lambda e: e.id)
def test_gru_rnn_canonical_shapes_match_torch(entry):
    """Each gate's block of torch's stacked weights (r, z, n for the GRU) has the canonical shape."""
    torch = require("torch")
    fam, n, k = entry.opts["fam"], entry.sizes["n"], entry.sizes["k"]
    module = {"gru": torch.nn.GRU, "rnn": torch.nn.RNN}[fam](n, k)
    gates = {"gru": "rzn", "rnn": "h"}[fam]
    blocks = {}
    for kind, name in (("W", "weight_ih_l0"), ("U", "weight_hh_l0"), ("b", "bias_ih_l0"), ("c", "bias_hh_l0")):
        for gate, block in zip(gates, getattr(module, name).detach().chunk(len(gates))):
            blocks[f"{kind}_{gate}"] = tuple(block.shape) if kind in "WU" else (block.shape[0], 1)
    blocks.update({"h_prev": (k, 1), "h_t": (k, 1), "x_t": (n, 1), **{f"{g}_t": (k, 1) for g in gates}})
    assert [blocks[t] for t in entry.args[0].split(",")] == entry.expected
