"""The public cell objects: building, solving from partial shapes, the queries, the errors."""

import pytest
import sympy

from lstm_symbolic import GRUCell, LSTMCell, RNNCell, ShapeError, UsageError, make_cell, solve
from lstm_symbolic import solver as solver_module
from lstm_symbolic.cell import unknown_tensor_message
from lstm_symbolic.families import combinations

#: Every GRU / simple-RNN cell that exists: (family, variant, layout); reset-after is separate-only.
CELLS = [(family, variant, layout) for family in ("gru", "rnn") for variant, layout in combinations(family)]
IDS = [f"{f}-{v}-{lay}" for f, v, lay in CELLS]
n_, k_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nk")


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
def test_symbolic_shapes(family, variant, layout):
    cell = make_cell(family, "n", "k", variant, layout)
    n, k = sympy.Symbol("n", positive=True, integer=True), sympy.Symbol("k", positive=True, integer=True)
    shapes = cell.shapes()
    assert shapes["x_t"] == (n, 1) and shapes["h_prev"] == (k, 1) and shapes["h_t"] == (k, 1)
    assert "c_prev" not in shapes and "c_t" not in shapes
    gates = "rzn" if family == "gru" else "h"
    width = {"separate": n, "concat": k + n, "augmented": k + n + 1}[layout]
    for g in gates:
        assert shapes[f"W_{g}"] == (k, width)
        assert (f"U_{g}" in shapes) == (layout == "separate")
        assert (f"c_{g}" in shapes) == (variant == "reset-after")
    per_gate = k * (n + k + 1) + (k if variant == "reset-after" else 0)
    assert sympy.expand(cell.parameter_count() - len(gates) * per_gate) == 0


def test_api_names_and_repr():
    assert repr(GRUCell(80, 12)) == "GRUCell(input_size=80, hidden_size=12, reset_after=False, layout='separate')"
    assert repr(RNNCell(3, 2, "relu")) == "RNNCell(input_size=3, hidden_size=2, nonlinearity='relu', layout='separate')"
    assert GRUCell(80, 12).parameters == ("W_r", "W_z", "W_n", "U_r", "U_z", "U_n", "b_r", "b_z", "b_n")
    assert GRUCell(80, 12, True).parameters[-3:] == ("c_r", "c_z", "c_n")
    assert [str(eq) for eq in GRUCell("n", "k", True).equations] == [
        "r_t = sigmoid(W_r @ x_t + U_r @ h_prev + b_r + c_r)",
        "z_t = sigmoid(W_z @ x_t + U_z @ h_prev + b_z + c_z)",
        "n_t = tanh(W_n @ x_t + b_n + r_t * (U_n @ h_prev + c_n))",
        "h_t = (1 - z_t) * n_t + z_t * h_prev",
    ]
    assert str(GRUCell(3, 2).equations[2]) == "n_t = tanh(W_n @ x_t + U_n @ (r_t * h_prev) + b_n)"
    assert str(RNNCell(3, 2, "relu", "augmented").equations[-1]) == "h_t = relu(W_h @ z_t)"
    assert GRUCell(3, 2).with_batch(5).dims["B"] == 5 and isinstance(GRUCell(3, 2).with_batch(5), GRUCell)
    assert GRUCell(3, 2).to_latex().startswith("\\begin{align*}")


def test_solve_gru():
    cell = solve({"W_z": (50, 20)}, family="gru")
    assert isinstance(cell, GRUCell) and cell.shapes()["U_n"] == (50, 50) and cell.shapes()["x_t"] == (20, 1)
    assert solve({"c_n": (50, 1), "W_r": "50x20"}, "reset-after", family="gru").parameter_count() == 3 * 50 * 72
    with pytest.raises(ShapeError, match=r"(?s)h_prev : 40 x 1.*hint: in the reset-before GRU cell"):
        solve({"W_z": (50, 20), "h_prev": (40, 1)}, family="gru")
    with pytest.raises(UsageError, match=r"W_z is a tensor of the GRU cell \(--cell gru\)"):
        solve({"W_z": (50, 20)})
    with pytest.raises(UsageError, match=r"c_n is a tensor of the GRU cell"):
        solve({"c_n": (50, 1)}, family="rnn")


@pytest.mark.parametrize("layout", ["concat", "augmented"])
def test_reset_after_refuses_stacked_layouts(layout):
    message = f"the {layout} layout does not apply to the reset-after GRU.*--layout separate"
    with pytest.raises(UsageError, match=message):
        GRUCell(4, 3, reset_after=True, layout=layout)


def test_bad_api_values():
    with pytest.raises(UsageError, match="reset_after must be True or False"):
        GRUCell(4, 3, reset_after="yes")
    message = "unknown simple RNN variant 'sigmoid'; valid simple RNN variants are: tanh, relu"
    with pytest.raises(UsageError, match=message):
        RNNCell(4, 3, "sigmoid")




def test_lstm_queries():
    cell = LSTMCell(80, 12, "peephole", batch_size=3)
    assert repr(cell) == "LSTMCell(input_size=80, hidden_size=12, variant='peephole', layout='separate')"
    assert (cell.input_size, cell.hidden_size, cell.proj_size, cell.is_symbolic) == (80, 12, None, False)
    assert cell.dims == {"n": 80, "k": 12, "B": 3}
    assert cell.tensor_roles()[0] == ("input", ["x_t", "h_prev", "c_prev"])
    assert cell.tensor_roles()[2] == ("computed", ["f_t", "i_t", "g_t", "c_t", "o_t", "h_t"])
    assert cell.shapes()["x_t"] == (80, 3) and cell.shapes()["p_o"] == (12, 1)
    assert cell.equation_texts()[-2] == "o_t = sigmoid(W_o @ x_t + U_o @ h_prev + b_o + p_o * c_t)"
    assert cell.parameter_count() == 4 * 12 * (80 + 12 + 1) + 3 * 12
    assert cell.with_batch(1).dims["B"] == 1 and cell.with_batch("B").is_symbolic
    assert str(cell).splitlines() == cell.equation_texts()
    assert repr(LSTMCell(3, 2, "projection", proj_size=1)).endswith("variant='projection', layout='separate', "
                                                                     "proj_size=1)")


def test_solve_solves_once(monkeypatch):
    """``solve()`` builds the cell from its one solution (it used to solve the sizes a second time)."""
    calls = []
    real = solver_module.DimensionSolver.solve

    def counting(self, *args, **kwargs):
        calls.append(self.program)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(solver_module.DimensionSolver, "solve", counting)
    cell = solve({"W_f": (50, 20), "x_t": (20, 4)})
    assert len(calls) == 1
    assert cell.shapes() == LSTMCell(20, 50, batch_size=4).shapes() and cell.dims == {"n": 20, "k": 50, "B": 4}
    assert isinstance(cell, LSTMCell) and repr(cell) == repr(LSTMCell(20, 50))


@pytest.mark.parametrize("shapes,kwargs", [
    ({"W_f": ("k", "n")}, {}),
    ({"W_i": (7, 12), "W_hr": (3, 7)}, {"variant": "projection"}),
    ({"W_o": (5, 9)}, {"layout": "concat", "input_size": 4}),
    ({"x_t": (3, 2), "h_prev": (4, 2)}, {"family": "gru"}),
])
def test_solved_cells_equal_built_cells(shapes, kwargs):
    cell = solve(shapes, **kwargs)
    built = make_cell(cell.family.name, cell.input_size, cell.hidden_size, cell.variant.name, cell.layout.name,
                      cell.proj_size, batch_size=cell.dims["B"])
    assert type(cell) is type(built) and repr(cell) == repr(built)
    assert cell.shapes() == built.shapes() and cell.dims == built.dims and str(cell) == str(built)


def test_a_size_found_as_an_expression_is_refused():
    """A contradiction like the numeric one (rows that leave -30 for x_t): exit code 1, with the hint."""
    with pytest.raises(ShapeError) as err:
        solve({"W_f": ("k", "m")}, layout="concat")
    assert str(err.value) == ("the given shapes do not make a cell: the input size n must be a positive integer or "
                              "a symbol name (a letter followed by letters, digits or _), got -k + m (sizes are at "
                              "least 1)\n  solved sizes: n = -k + m, k = k\n"
                              "  hint: in the standard cell (concat layout), W_f is k x (k + n)")


def test_contradictions_end_with_the_expected_shapes():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "h_prev": (40, 1)})
    assert str(err.value).splitlines()[-1] == \
        "  hint: in the standard cell (separate layout), W_f is k x n, h_prev is k x 1"


def test_unknown_tensor_message():
    names = ("x_t", "h_prev", "W_f", "W_i")
    assert unknown_tensor_message("w_f", names, "standard") == \
        "unknown tensor 'w_f' for the standard cell; did you mean W_f?\n  known tensors: x_t, h_prev, W_f, W_i"
    assert unknown_tensor_message("W_z", names, "standard").startswith(
        "unknown tensor 'W_z' for the standard cell; W_z is a tensor of the GRU cell (--cell gru)")
    with pytest.raises(UsageError, match=r"the shape of W_f must be \(rows, cols\), got \(1, 2, 3\)"):
        solve({"W_f": (1, 2, 3)})


def test_normal_form_and_backward():
    cell = LSTMCell("n", "k")
    assert cell.normal_form().shapes()["a_f"] == (k_, 1)
    assert cell.backward().shapes()["dW_f"] == (k_, n_)
