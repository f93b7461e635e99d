"""The solver's messages, one of each kind, word for word (built by explain.Explainer from the constraint
graph the solver hands it), and the Explainer's own interface."""

import pytest

from lstm_symbolic.equations import SIZE_SYMBOLS, build_program
from lstm_symbolic.errors import ShapeError, UnderdeterminedError
from lstm_symbolic.explain import Explainer
from lstm_symbolic.solver import DimensionSolver, solve_program

MESSAGES = [
    ("matmul", "standard", "separate", {"n": 80, "k": 12}, {"W_f": (12, 81)}, """\
cannot multiply W_f @ x_t in the equation for f_t
  W_f : 12 x 81
  x_t : 80 x 1
  expected W_f to have 80 columns (the rows of x_t), got 81
  bindings: n = 80, k = 12"""),
    ("no-chain", "standard", "separate", {"n": 80}, {"x_t": (81, 1)}, """\
inconsistent sizes for the rows of x_t: 80 and 81
  80 n = 80
  81 x_t : 81 x 1 (given)
  bindings: n = 80, k = ?"""),
    ("broadcast", "standard", "separate", {"n": 80, "k": 12}, {"b_f": (12, 2)}, """\
b_f must be a column vector: it is added to every column of the batch (b_f @ 1^T) in the equation for f_t
  b_f : 12 x 2
  expected b_f to have 1 column, got 2
  bindings: n = 80, k = 12"""),
    ("add", "standard", "separate", {"n": 80}, {"W_f": (12, 80), "U_f": (13, 13)}, """\
cannot add W_f @ x_t + U_f @ h_prev + b_f in the equation for f_t
  W_f @ x_t    : 12 x 1
  U_f @ h_prev : 13 x 1
  b_f          : 12 x 1
  expected the rows of U_f to be 12 (the rows of W_f), got 13
  the 12 comes from W_f : 12 x 80 (given)
  bindings: n = 80, k = 12"""),
    ("hadamard", "standard", "separate", {}, {"i_t": (12, 3), "g_t": (12, 2)}, """\
cannot take the elementwise product i_t * g_t in the equation for c_t
  i_t : 12 x 3
  g_t : 12 x 2
  expected the columns of g_t to be 3 (the columns of i_t), got 2
  bindings: n = ?, k = 12, B = 3"""),
    ("concat", "standard", "concat", {}, {"h_prev": (12, 2), "x_t": (80, 3)}, """\
cannot concatenate [h_prev; x_t] in the equation for z_t
  h_prev : 12 x 2
  x_t    : 80 x 3
  expected the columns of x_t to be 2 (the columns of h_prev), got 3
  bindings: n = 80, k = 12, B = 2"""),
    ("chain", "standard", "separate", {}, {"W_f": (50, 20), "h_prev": (40, 1)}, """\
inconsistent sizes: the rows of h_prev must equal the rows of W_f
  h_prev : 40 x 1 (given)
  W_f    : 50 x 20 (given)
  expected the rows of h_prev to be 50, got 40
  because:
    rows of W_f = rows of f_t      f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
    rows of f_t = rows of c_t      c_t = f_t * c_prev + i_t * g_t
    rows of c_t = rows of o_t      o_t * tanh(c_t) in the equation for h_t
    rows of o_t = rows of h_t      h_t = o_t * tanh(c_t)
    rows of h_t = rows of h_prev   recurrence: h_t becomes the next step's h_prev
  bindings: n = 20, k = 50"""),
    ("a-tensor-not-its-ones", "cifg", "separate", {}, {"i_t": (12, 2), "f_t": (12, 3)}, """\
inconsistent sizes: the columns of f_t must equal the columns of i_t
  f_t : 12 x 3 (given)
  i_t : 12 x 2 (given)
  expected the columns of f_t to be 2, got 3
  because:
    columns of i_t = columns of f_t   f_t = 1 - i_t
  bindings: n = ?, k = 12, B = 2"""),
    ("nonpositive", "standard", "separate", {}, {"W_f": (12, 0)}, """\
the columns of W_f would be 0 (W_f : 12 x 0 (given)), but sizes are at least 1
  bindings: n = ?, k = 12"""),
    ("negative-part", "standard", "concat", {}, {"W_f": (50, 10), "h_prev": (50, 1)}, """\
cannot fit [h_prev; x_t] in the equation for z_t
  its rows must total 10 (W_f : 50 x 10 (given))
  but rows of h_prev = 50, which leaves -40 for the rows of x_t
  sizes are at least 1
  bindings: n = ?, k = 50"""),
]


@pytest.mark.parametrize("variant,layout,sizes,given,message", [m[1:] for m in MESSAGES],
                         ids=[m[0] for m in MESSAGES])
def test_contradictions_word_for_word(variant, layout, sizes, given, message):
    with pytest.raises(ShapeError) as err:
        solve_program(build_program(variant, layout), sizes, given)
    assert str(err.value) == message


@pytest.mark.parametrize("variant,sizes,given,message", [
    ("standard", {}, {"b_f": (50, 1)},
     "cannot determine n (the input size: features of x_t): no given shape fixes it; it is the rows of x_t, the "
     "columns of W_f, the columns of W_i, the columns of W_g, the columns of W_o. Give one of those shapes (e.g. "
     "x_t=20x1) or n itself (-n, input_size=).\n  given: b_f\n  bindings: n = ?, k = 50"),
    ("projection", {"n": 3, "k": 4}, {},
     "cannot determine p (the projection size: rows of h_t): no given shape fixes it; it is the rows of h_prev, the "
     "columns of U_f, the columns of U_i, the columns of U_g, the columns of U_o, the rows of W_hr. Give one of those "
     "shapes (e.g. h_prev=20x1) or p itself (--proj, proj_size=).\n  given: nothing\n  bindings: n = 3, k = 4, p = ?"),
], ids=["n", "p"])
def test_missing_sizes_word_for_word(variant, sizes, given, message):
    with pytest.raises(UnderdeterminedError) as err:
        solve_program(build_program(variant, "separate"), sizes, given)
    assert str(err.value) == message


def test_collecting_solver_keeps_every_message_once():
    solver = DimensionSolver(build_program("standard", "separate"), collect=True)
    solution = solver.solve({"n": 80, "k": 12}, {"W_f": (12, 81), "W_i": (12, 81), "b_o": (12, 3)})
    assert [e.splitlines()[0] for e in solver.errors] == [
        "cannot multiply W_f @ x_t in the equation for f_t",
        "cannot multiply W_i @ x_t in the equation for i_t",
        "b_o must be a column vector: it is added to every column of the batch (b_o @ 1^T) in the equation for o_t",
    ]
    assert solution.dims == {"n": 80, "k": 12, "B": 1}


def test_the_explainer_reads_only_what_it_is_given():
    """An Explainer is built from the program, the solver's graph and the given shapes: its labels come
    from the graph (no name is parsed back), its bindings from the values bound so far."""
    program = build_program("standard", "concat")
    solver = DimensionSolver(program)
    solver.solve({"n": 80}, {"W_f": (12, 92)})
    explainer = Explainer(program, solver.graph, {"W_f": (12, 92)})
    symbols = program.symbols()
    assert explainer.label(SIZE_SYMBOLS["n"]) == "n"
    assert explainer.label(symbols["W_f"].shape[1]) == "columns of W_f"
    assert explainer.label(symbols["h_prev"].shape[0]) == "rows of h_prev"
    z_rows = solver.graph.shape_of(next(eq.rhs for eq in program.equations if eq.name == "z_t"))[0]
    assert explainer.label(z_rows) == "rows of [h_prev; x_t]"
    assert explainer.bindings() == "bindings: n = 80, k = 12"
    assert Explainer(program, solver.graph, {}).given == {}


def test_a_broadcast_number_is_labelled_as_one():
    """In a checked file, ``1 - z`` broadcasts a number: its dimensions are 'of a broadcast number'."""
    from lstm_symbolic.checker import check_text

    result = check_text("z : 3 x 1\nq : 4 x 1\ny = (1 - z) * q\n", "f.txt")
    assert result.errors == ["""\
f.txt:3:13: inconsistent sizes: the rows of q must equal the rows of z
  q : 4 x 1 (declared on line 2)
  z : 3 x 1 (declared on line 1)
  expected the rows of q to be 3, got 4
  because:
    rows of z = rows of a broadcast number   1 - z in the equation for y (line 3)
    rows of a broadcast number = rows of q   (1 - z) * q in the equation for y (line 3)
  declared: z : 3 x 1 (line 1), q : 4 x 1 (line 2)"""]
