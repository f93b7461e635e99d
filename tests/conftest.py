import numpy as np
import pytest
from click.testing import CliRunner

from lstm_symbolic.cli import main
from lstm_symbolic.variants import LAYOUTS, VARIANTS

ALL_VARIANTS = list(VARIANTS)
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
