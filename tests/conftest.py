import importlib
import os

import numpy as np
import pytest
from click.testing import CliRunner

from lstm_symbolic.cli import main
from lstm_symbolic.variants import LAYOUTS, VARIANTS

ALL_VARIANTS = list(VARIANTS)

#: Under CI (CI=true) every optional reference is installed by .ci/run, so a missing one is a failure.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(module):
    """Import an optional reference library (torch, onnx, onnxruntime, keras, h5py, scipy).

    Outside CI a missing library skips the test; under ``CI=true`` it fails the test, because
    .ci/run installs every reference and a silent skip would hide a broken installation.
    Keras runs on the PyTorch backend (``KERAS_BACKEND=torch``).
    """
    if module == "keras":
        os.environ.setdefault("KERAS_BACKEND", "torch")
    if IN_CI:
        try:
            return importlib.import_module(module)
        except ImportError as exc:  # pragma: no cover - only on a broken CI machine
            pytest.fail(f"{module} is required under CI=true but cannot be imported: {exc}")
    return pytest.importorskip(module)
ALL_LAYOUTS = list(LAYOUTS)


def proj_for(variant, p=2):
    return p if VARIANTS[variant].projection else None


class Cli:
    """Runs the CLI in process; separates stdout and stderr."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args, input=None):
        return self.runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def cli():
    return Cli()


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
