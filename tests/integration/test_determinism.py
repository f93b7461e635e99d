"""Output is byte-identical across runs and hash seeds (set and dict order must never leak out).

Each hash seed gets its own Python process, which runs every command below through the CLI
and reports stdout, stderr and the exit code; the reports must be equal.
"""

import json
import os
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples")

COMMANDS = [
    ["shapes", "-n", "80", "-k", "12"],
    ["shapes", "-n", "n", "-k", "k", "--layout", "concat", "--equations"],
    ["shapes", "-n", "10", "-k", "6", "--proj", "3", "--json", "--steps", "T"],
    ["shapes", "-n", "2", "-k", "16", "--framework", "keras", "--steps", "10", "--json"],
    ["solve", "--shape", "W_f=50x20", "--json"],
    ["solve", "--shape", "W_f=50x20", "--shape", "h_prev=40x1"],
    ["solve", "--shape", "b_f=50x1"],
    ["params", "-n", "20", "-k", "50", "--framework", "onnx", "--bidirectional", "--layers", "2", "--json"],
    ["params", "-n", "20", "-k", "50", "--framework", "tf1", "--proj", "7", "--layers", "3"],
    ["check", os.path.join(EXAMPLES, "lstm_peephole.txt")],
    ["derive", "-n", "n", "-k", "k", "--variant", "peephole", "--jacobians"],
    ["derive", "-n", "20", "-k", "50", "--layout", "augmented", "--json"],
    ["check", os.path.join(EXAMPLES, "gru.txt"), "--json"],
    ["check", os.path.join(EXAMPLES, "broken.txt")],
    ["check", os.path.join(EXAMPLES, "lstm_bias_folded.txt"), "--latex"],
    ["quiz", "How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?", "--json"],
    ["quiz", "For a LSTM with input of dimension (20x1) and output of dimension (50x1), what are the dimensions "
             "of the recurrent weights?", "--option", "50x50", "--option", "50x20"],
    ["latex", "-n", "n", "-k", "k", "--variant", "projection", "--proj", "p", "--derivatives"],
    ["latex", "-n", "20", "-k", "50", "--notation", "gates", "--variant", "no-output-tanh"],
    ["diagram", "-n", "n", "-k", "k", "--variant", "peephole"],
    ["verify", "-n", "4", "-k", "3", "--steps", "3", "--json"],
]

DRIVER = """
import json, sys
from click.testing import CliRunner
from lstm_symbolic.cli import main
report = []
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(main, args)
    report.append([args, result.exit_code, result.stdout, result.stderr])
print(json.dumps(report))
"""


def run_all(seed):
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(COMMANDS)], env=env, capture_output=True,
                         text=True, check=True, timeout=600)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def reports():
    return {seed: run_all(seed) for seed in ("0", "12345")}


def test_outputs_are_identical_across_hash_seeds(reports):
    first, second = reports["0"], reports["12345"]
    for a, b in zip(first, second):
        assert a == b, f"lstm-symbolic {' '.join(a[0])} differs between PYTHONHASHSEED 0 and 12345"


def test_the_commands_ran(reports):
    codes = [code for _, code, _, _ in reports["0"]]
    assert codes.count(0) == len(COMMANDS) - 3 and codes.count(1) == 3  # two contradictions, one missing size
