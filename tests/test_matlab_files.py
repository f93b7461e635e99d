"""MATLAB .mat files (matlab_files.py): a .mat file written as MATLAB saves it."""

import numpy as np

from .conftest import require


def test_a_mat_file_as_matlab_saves_it(cli, tmp_path):
    scipy_io = require("scipy.io")
    rng = np.random.default_rng(2)
    k, n = 3, 2
    variables = {"InputWeights": rng.standard_normal((8 * k, n)), "RecurrentWeights": rng.standard_normal((8 * k, k)),
                 "Bias": rng.standard_normal((8 * k, 1))}
    scipy_io.savemat(tmp_path / "bilstm.mat", variables)
    result = cli("inspect", tmp_path / "bilstm.mat", "--json")
    assert result.exit_code == 0 and '"directions": 2' in result.stdout
    assert cli("convert", tmp_path / "bilstm.mat", "-o", tmp_path / "again.mat").exit_code == 0
    again = scipy_io.loadmat(tmp_path / "again.mat")
    for name, value in variables.items():
        np.testing.assert_array_equal(again[name], value)
