"""The SymPy-free shape table answers exactly what the solver answers."""

import subprocess
import sys

import pytest

from lstm_symbolic.builtin_shapes import DATA_FILE, ShapeSheet, cell_shapes, generate, source
from lstm_symbolic.cell import LSTMCell, make_cell
from lstm_symbolic.families import combinations
from lstm_symbolic.render import shapes_data, shapes_table
from lstm_symbolic.variants import LAYOUTS, VARIANTS

from .conftest import proj_for

SIZES = [(1, 1, 1), (3, 2, 1), (80, 12, 1), (20, 50, 7), (12, 12, 3), (10**15, 7, 10**9)]


def test_the_stored_table_is_the_solvers():
    """Fails after a change to variants.py / equations.py until the table is regenerated
    (python -m lstm_symbolic.builtin_shapes --write)."""
    assert DATA_FILE.read_text(encoding="utf-8") == source(generate())


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("n, k, batch", SIZES)
def test_table_equals_cell(variant, layout, n, k, batch):
    p = proj_for(variant, 5)
    sheet = cell_shapes(n, k, variant, layout, p, batch_size=batch)
    cell = LSTMCell(n, k, variant, layout, p, batch_size=batch)
    assert isinstance(sheet, ShapeSheet)
    assert sheet.dims == cell.dims and list(sheet.dims) == list(cell.dims)
    assert sheet.shapes() == cell.shapes() and list(sheet.shapes()) == list(cell.shapes())
    assert sheet.parameter_count() == cell.parameter_count()
    assert sheet.tensor_roles() == cell.tensor_roles()
    assert sheet.equation_texts() == cell.equation_texts()
    assert shapes_table(sheet, 4) == shapes_table(cell, 4)
    assert shapes_data(sheet, "T") == shapes_data(cell, "T")


@pytest.mark.parametrize("args", [("n", "k"), (80, "k"), (3, 2, "standard", "separate", None, "B")])
def test_symbolic_sizes_build_the_cell(args):
    assert isinstance(cell_shapes(*args), LSTMCell)


@pytest.mark.parametrize("args, message", [
    ((80, 12, "projection"), "needs a projection size"),
    ((80, 12, "cifg", "separate", 3), "only applies to the projection variant"),
    ((80, 12, "lstm"), "unknown variant"),
    ((0, 12), "at least 1"),
])
def test_bad_requests_get_the_cells_errors(args, message):
    with pytest.raises(Exception, match=message):
        cell_shapes(*args)


def test_shape_queries_do_not_import_sympy_or_numpy():
    code = ("import sys; from lstm_symbolic.cli import main\n"
            "try:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))")
    for args in (["shapes", "-n", "80", "-k", "12", "--proj", "3", "--steps", "5", "--json", "--equations"],
                 ["quiz", "For a LSTM with input of dimension (20x1) and output of dimension (50x1), what is the "
                          "dimension of the previous hidden state?"],
                 ["params", "-n", "20", "-k", "50", "--framework", "keras"]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
        assert out.strip().endswith("[]"), out


#: Every GRU / simple-RNN cell that exists: (family, variant, layout); reset-after is separate-only.
OTHER_CELLS = [(family, variant, layout) for family in ("gru", "rnn") for variant, layout in combinations(family)]


@pytest.mark.parametrize("family,variant,layout", OTHER_CELLS, ids=["-".join(c) for c in OTHER_CELLS])
@pytest.mark.parametrize("n,k,batch", [(1, 1, 1), (80, 12, 1), (20, 50, 7)])
def test_other_families_table_equals_cell(family, variant, layout, n, k, batch):
    sheet = cell_shapes(n, k, variant, layout, None, batch, family)
    cell = make_cell(family, n, k, variant, layout, batch_size=batch)
    assert isinstance(sheet, ShapeSheet)
    assert sheet.shapes() == cell.shapes() and sheet.parameter_count() == cell.parameter_count()
    assert sheet.equation_texts() == cell.equation_texts() and sheet.tensor_roles() == cell.tensor_roles()
    assert shapes_table(sheet, 4) == shapes_table(cell, 4) and shapes_data(sheet) == shapes_data(cell)
