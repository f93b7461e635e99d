"""The dimension solver: inferred shapes, partial knowledge, contradictions."""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_symbolic import LSTMCell, ShapeError, UsageError, solve
from lstm_symbolic.equations import build_program
from lstm_symbolic.solver import solve_program

from .conftest import ALL_LAYOUTS, ALL_VARIANTS, proj_for

n_, k_, p_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nkp")


def test_seed_course_example():
    shapes = LSTMCell(80, 12).shapes()
    assert shapes["x_t"] == (80, 1)
    for g in "figo":
        assert shapes[f"W_{g}"] == (12, 80)
        assert shapes[f"U_{g}"] == (12, 12)
        assert shapes[f"b_{g}"] == (12, 1)
        assert shapes[f"{g}_t"] == (12, 1)
    assert shapes["c_t"] == shapes["h_t"] == shapes["h_prev"] == (12, 1)


def test_symbolic_sizes():
    shapes = LSTMCell("n", "k").shapes()
    assert shapes["W_f"] == (k_, n_)
    assert shapes["U_o"] == (k_, k_)
    assert shapes["x_t"] == (n_, 1)


def test_concat_layout():
    assert LSTMCell(20, 50, layout="concat").shapes()["W_f"] == (50, 70)
    assert LSTMCell("n", "k", layout="concat").shapes()["W_f"] == (k_, k_ + n_)
    assert LSTMCell("n", "k", layout="augmented").shapes()["W_o"] == (k_, k_ + n_ + 1)


def test_projection():
    shapes = LSTMCell(10, 6, variant="projection", proj_size=3).shapes()
    assert shapes["W_hr"] == (3, 6)
    assert shapes["U_f"] == (6, 3)
    assert shapes["h_t"] == shapes["h_prev"] == (3, 1)
    assert shapes["c_t"] == (6, 1)


def test_batch_columns():
    shapes = LSTMCell(5, 4, batch_size=7).shapes()
    assert shapes["x_t"] == (5, 7) and shapes["h_t"] == (4, 7) and shapes["b_f"] == (4, 1)


@pytest.mark.parametrize("variant", ALL_VARIANTS)
@pytest.mark.parametrize("layout", ALL_LAYOUTS)
def test_every_variant_symbolic_shapes(variant, layout):
    """Distinct symbols first: every tensor's shape is an expression in n, k (p)."""
    cell = LSTMCell("n", "k", variant, layout, proj_for(variant, "p"))
    h = p_ if variant == "projection" else k_
    stacked = {"separate": None, "concat": h + n_, "augmented": h + n_ + 1}[layout]
    for name, shape in cell.shapes().items():
        assert shape[0] in (n_, k_, p_, stacked), (name, shape)
    for name in cell.parameters:
        kind = name.split("_")[0]
        expected = {
            "W": (k_, n_ if stacked is None else stacked), "U": (k_, h), "b": (k_, 1), "p": (k_, 1),
        }.get(kind)
        if name == "W_hr":
            expected = (p_, k_)
        assert cell.shapes()[name] == expected, name


def test_vanilla_and_cifg_have_no_forget_weights():
    for variant in ("vanilla", "cifg"):
        params = LSTMCell(3, 2, variant).parameters
        assert not any(p.endswith("_f") for p in params)
    assert "f_t" in LSTMCell(3, 2, "cifg").shapes()
    assert "f_t" not in LSTMCell(3, 2, "vanilla").shapes()


def test_solve_from_one_weight():
    cell = solve({"W_f": (50, 20)})
    assert (cell.input_size, cell.hidden_size) == (20, 50)
    assert cell.shapes()["U_i"] == (50, 50)
    assert cell.shapes()["x_t"] == (20, 1)


def test_solve_concat_needs_sum():
    cell = solve({"W_i": (50, 70)}, layout="concat")
    assert (cell.input_size, cell.hidden_size) == (20, 50)


def test_solve_batch_from_input():
    cell = solve({"W_f": (50, 20), "x_t": (20, 32)})
    assert cell.dims["B"] == 32 and cell.shapes()["h_t"] == (50, 32)


def test_solve_symbolic_shapes():
    cell = solve({"W_f": ("k", "n")})
    assert cell.shapes()["U_f"] == (k_, k_)


@pytest.mark.parametrize("given_shapes", [
    {"W_f": (50, 20), "h_prev": (40, 1)},
    {"W_f": (50, 20), "U_f": (50, 40)},
    {"W_f": (50, 20), "b_f": (7, 2)},
    {"W_f": (50, 20), "b_f": (50, 2)},
    {"W_f": (50, 20), "x_t": (21, 1)},
    {"W_f": (50, 20), "W_i": (50, 21)},
    {"x_t": (20, 3), "h_prev": (50, 4)},
])
def test_contradictions(given_shapes):
    with pytest.raises(ShapeError) as err:
        solve(given_shapes)
    text = str(err.value)
    assert "bindings:" in text
    for shape in given_shapes.values():
        assert any(str(d) in text for d in shape)


def test_symbolic_contradiction_swapped_weight():
    """With distinct symbols, a weight of k x k where k x n is needed is caught."""
    with pytest.raises(ShapeError, match="expected W_f to have n columns"):
        solve_program(build_program("standard", "separate"), {"n": n_, "k": k_}, {"W_f": (k_, k_)})


def test_under_determined():
    with pytest.raises(ShapeError, match=r"cannot determine n .*rows of x_t.*columns of W_f"):
        solve({"b_f": (50, 1)})


def test_unknown_tensor_suggests():
    with pytest.raises(UsageError, match="did you mean W_f"):
        solve({"W_ff": (50, 20)})


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(variant="lstm"), "valid variants are: standard"),
    (dict(layout="stacked"), "valid layouts are: separate, concat, augmented"),
    (dict(variant="projection"), "needs a projection size"),
    (dict(proj_size=3), "only applies to the projection variant"),
])
def test_bad_cell_arguments(kwargs, fragment):
    with pytest.raises(UsageError, match=fragment):
        LSTMCell(3, 2, **kwargs)


def test_huge_sizes_do_not_allocate():
    cell = LSTMCell(10**9, 10**9)
    assert cell.shapes()["W_f"] == (10**9, 10**9)
    assert cell.parameter_count() == 4 * 10**9 * (2 * 10**9 + 1)


@pytest.mark.parametrize("variant,count", [
    ("standard", 4 * 12 * (80 + 12 + 1)), ("vanilla", 3 * 12 * 93), ("cifg", 3 * 12 * 93),
    ("peephole", 4 * 12 * 93 + 3 * 12),
])
def test_parameter_counts(variant, count):
    assert LSTMCell(80, 12, variant).parameter_count() == count


def test_projection_parameter_count_symbolic():
    count = LSTMCell("n", "k", "projection", proj_size="p").parameter_count()
    assert sympy.expand(count - (4 * k_ * n_ + 4 * k_ * p_ + 4 * k_ + p_ * k_)) == 0


# -- property tests --------------------------------------------------------------------------
sizes = st.integers(min_value=1, max_value=10**6)


@settings(max_examples=60, deadline=None)
@given(n=sizes, k=sizes, p=sizes, data=st.data())
def test_any_weight_recovers_its_sizes(n, k, p, data):
    variant = data.draw(st.sampled_from(ALL_VARIANTS))
    layout = data.draw(st.sampled_from(ALL_LAYOUTS))
    proj = p if variant == "projection" else None
    truth = LSTMCell(n, k, variant, layout, proj)
    name = data.draw(st.sampled_from(truth.parameters))
    shape = truth.shapes()[name]
    determines_n = name.startswith("W_") and name != "W_hr"
    if variant == "projection" and layout != "separate" and name.startswith("W_") and name != "W_hr":
        determines_n = False  # k x (p + n) needs p from elsewhere
    if determines_n:
        cell = solve({name: shape}, variant, layout, proj_size=proj)
        assert (cell.input_size, cell.hidden_size) == (n, k)
        assert cell.shapes() == truth.shapes()
    else:
        with pytest.raises(ShapeError, match="cannot determine"):
            solve({name: shape}, variant, layout)
        # with n given as well, everything is determined
        cell = solve({name: shape}, variant, layout, input_size=n, proj_size=proj)
        assert cell.shapes() == truth.shapes()


@settings(max_examples=60, deadline=None)
@given(n=sizes, k=sizes, delta=st.integers(-5, 5).filter(lambda d: d != 0), data=st.data())
def test_perturbed_shape_is_a_contradiction(n, k, delta, data):
    layout = data.draw(st.sampled_from(ALL_LAYOUTS))
    truth = LSTMCell(n, k, layout=layout)
    names = [p for p in truth.parameters if not p.startswith("b_")]
    a, b = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
    bad = list(truth.shapes()[b])
    axis = data.draw(st.integers(0, 1))
    if bad[axis] + delta < 1:
        return
    bad[axis] += delta
    try:
        solve({a: truth.shapes()[a], b: tuple(bad)}, layout=layout)
    except ShapeError as err:
        assert str(bad[axis]) in str(err)
    else:
        # only possible when b's perturbed axis is not tied to a's sizes: a recurrent weight U_* (k x k)
        # says nothing about the columns (n) of an input weight W_*; a concat or augmented weight
        # holds k and n together, so every perturbation there is a contradiction
        assert layout == "separate" and a.startswith("U_") and b.startswith("W_") and axis == 1, \
            f"{b} perturbed to {tuple(bad)} was accepted beside {a} {truth.shapes()[a]} ({layout})"


# -- the solver object itself ------------------------------------------------------------------------
def test_a_solver_solves_again_from_no_values():
    from lstm_symbolic.solver import DimensionSolver

    solver = DimensionSolver(build_program("standard", "concat"))
    first = solver.solve({"n": 80}, {"W_f": (12, 92)})
    second = solver.solve({"k": 7}, {"x_t": (3, 5)})
    assert first.dims == {"n": 80, "k": 12, "B": 1} and first.shapes["z_t"] == (92, 1)
    assert second.dims == {"n": 3, "k": 7, "B": 5} and second.shapes["W_o"] == (7, 10)
    assert solver.explainer.given == {"x_t": (3, 5)}


def test_sums_propagate_both_ways_symbolically():
    sol = solve_program(build_program("standard", "augmented"), {}, {"W_f": (k_, k_ + n_ + 1), "h_prev": (k_, 1)})
    assert sol.dims["n"] == n_ and sol.shapes["z_t"] == (k_ + n_ + 1, 1)


def test_unresolved_shapes_without_collect_raise_underdetermined():
    from lstm_symbolic.errors import UnderdeterminedError
    from lstm_symbolic.solver import DimensionSolver

    solver = DimensionSolver(build_program("standard", "separate"))
    solution = solver.solve({}, {"b_f": (5, 1)})
    assert solution.dims == {"n": None, "k": 5, "B": 1} and solution.unresolved["W_f"] == (5, None)
    with pytest.raises(UnderdeterminedError):
        solve_program(build_program("standard", "separate"), {}, {"b_f": (5, 1)})


def test_batch_is_one_only_when_nothing_fixes_it():
    from lstm_symbolic.solver import DimensionSolver

    solver = DimensionSolver(build_program("standard", "separate"))
    assert solver.solve({"n": 2, "k": 3}).dims["B"] == 1
    assert solver.solve({"n": 2, "k": 3}, {"h_t": (3, 4)}).dims["B"] == 4
    assert solver.solve({"n": 2, "k": 3}, default_batch=False).dims["B"] is None
