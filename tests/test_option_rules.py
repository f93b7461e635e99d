"""Options checked as a whole per command: conflicts are usage errors naming both options,
options given but not needed get a one-line warning, and every option is in the table."""

from __future__ import annotations

import pytest

from lstm_symbolic import option_rules
from lstm_symbolic.cli import main
from lstm_symbolic.option_rules import ADVICE, ERROR, IGNORED, READS, RULES


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_of_every_command_is_in_the_table(name):
    params = {p.name for p in main.commands[name].params if p.name != "help"}
    assert name in READS, f"command {name} has no row in option_rules.READS"
    assert params - READS[name] == set(), f"{name}: options missing from option_rules.READS"
    assert READS[name] - params == set(), f"{name}: option_rules.READS names options the command does not take"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.option}-{'-'.join(r.commands)}")
def test_every_rule_is_about_an_option_its_commands_read(rule):
    assert rule.level in (ERROR, IGNORED, ADVICE) and rule.message
    for command in rule.commands:
        assert rule.option in READS[command], (command, rule.option)


CONFLICTS = [
    (["shapes", "-n", "3", "-k", "2", "--framework", "matlab", "--return-sequences", "--output-mode", "last"],
     "--output-mode last and --return-sequences say different things: give one of them"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "pytorch", "--output-mode", "last"],
     "--output-mode is MATLAB's OutputMode and does not apply to --framework pytorch"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "keras", "--output-mode", "last"],
     "--output-mode is MATLAB's OutputMode and does not apply to --framework keras: use "
     "--return-sequences/--last-only"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "pytorch", "--last-only"],
     "--last-only does not apply to --framework pytorch: its recurrent layers always return every step's output "
     "(the last step is the final hidden state)"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "onnx", "--batch-first"],
     "--batch-first is PyTorch's batch_first=True; --framework onnx has no such option"),
    (["shapes", "-n", "3", "-k", "2", "--layers", "2"],
     "--layers 2 describes a framework's layer: add --framework pytorch|keras|onnx|matlab|tf1"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "keras", "--proj", "1"],
     "--proj does not apply to --framework keras: it has no projection (proj_size); frameworks with one: "
     "pytorch, tf1"),
    (["shapes", "-n", "3", "-k", "3", "--framework", "pytorch", "--proj", "5"],
     "--proj 5 with --framework pytorch: PyTorch requires proj_size < hidden_size (-k 3)"),
    (["params", "-n", "3", "-k", "3", "--framework", "pytorch", "--proj", "5"],
     "--proj 5 with --framework pytorch: PyTorch requires proj_size < hidden_size (-k 3)"),
    (["check", "examples/gru.txt", "--json", "--latex"], "--json and --latex are two output formats: give one of them"),
    (["quiz", "--file", "q.txt", "--option", "50x1"],
     "--option goes with a QUESTION argument; a question file (--file q.txt) lists its own options, one per line "
     "after the question"),
    (["verify", "-n", "3", "-k", "2", "--all", "--variant", "vanilla"],
     "--all verifies every variant: leave out --variant vanilla (or --all)"),
    (["verify", "-n", "3", "-k", "2", "--all", "--layout", "concat"],
     "--all verifies every layout: leave out --layout concat (or --all)"),
    (["verify", "-n", "3", "-k", "2", "--variant", "vanilla", "--proj", "1"],
     "--proj applies to the projection variant; --variant vanilla has no projection"),
    (["solve", "--shape", "W_f=5x3", "--variant", "standard", "--proj", "2"],
     "--proj applies to the projection variant; --variant standard has no projection"),
]


@pytest.mark.parametrize("args, message", CONFLICTS, ids=[" ".join(a[:1] + a[5:] if a[0] != "check" else a[:1] + a[2:])
                                                          for a, _ in CONFLICTS])
def test_conflicts_are_usage_errors_naming_both_options(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


WARNINGS = [
    (["shapes", "-n", "3", "-k", "2", "--framework", "keras", "--batch-first"],
     "--batch-first changes nothing with --framework keras: its input is batch-first already"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "pytorch", "--return-sequences"],
     "--return-sequences changes nothing with --framework pytorch: its recurrent layers always return every step"),
    (["shapes", "-n", "3", "-k", "2", "--framework", "matlab", "--last-only", "--output-mode", "last"],
     "--output-mode last and --last-only say the same thing: one is enough"),
    (["shapes", "-n", "3", "-k", "3", "--proj", "5"],
     "--proj 5 is not smaller than -k 3: the projection does not reduce the hidden state (PyTorch refuses "
     "proj_size >= hidden_size)"),
    (["params", "-n", "3", "-k", "3", "--proj", "3"],
     "--proj 3 is not smaller than -k 3: the projection does not reduce the hidden state (PyTorch refuses "
     "proj_size >= hidden_size)"),
]


@pytest.mark.parametrize("args, message", WARNINGS, ids=[" ".join(a[5:]) for a, _ in WARNINGS])
def test_harmless_options_get_one_warning_line(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"warning: {message}\n"


def test_convert_warns_about_forget_bias_it_does_not_use(cli, tmp_path):
    import numpy as np

    k, n = 2, 3
    source = tmp_path / "torch.npz"
    np.savez(source, weight_ih_l0=np.ones((4 * k, n)), weight_hh_l0=np.ones((4 * k, k)),
             bias_ih_l0=np.ones(4 * k), bias_hh_l0=np.ones(4 * k))
    result = cli("convert", source, "--from", "pytorch", "--to", "keras", "-o", tmp_path / "k.npz",
                 "--forget-bias", "2")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: --forget-bias is TF1 LSTMCell's forget_bias; converting --from "
                                    "pytorch --to keras does not use it\n")


def test_check_options_reports_read_and_ignored():
    values = {"input_size": 3, "hidden_size": 2, "framework": "keras", "batch_first": True, "layers": 1,
              "bidirectional": False, "return_sequences": None, "output_mode": None, "dense": None,
              "proj_size": None}
    found = option_rules.check_options("shapes", values, {"input_size", "hidden_size", "framework", "batch_first"})
    assert found.read == {"input_size", "hidden_size", "framework"}
    assert found.ignored == {"batch_first"} and len(found.warnings) == 1


def test_verify_all_chooses_p_and_ends_with_a_summary(cli):
    result = cli("verify", "-n", "3", "-k", "4", "--all", "--steps", "2", "--batch", "1")
    assert result.exit_code == 0, result.stderr
    import re

    assert re.fullmatch(r"summary: all \d+ cells passed; projection with p = 2 \(half of k; choose with --proj\)",
                        result.stdout.rstrip().splitlines()[-1])


def test_shapes_with_a_framework_counts_the_whole_layer_as_params_does(cli):
    args = ["-n", "20", "-k", "50", "--framework", "pytorch", "--layers", "2", "--bidirectional"]
    shapes = cli("shapes", *args).stdout
    total = cli("params", *args).stdout
    assert "parameters of one cell (one layer, one direction, one bias per gate): 14200" in shapes
    assert "parameters of the whole PyTorch nn.LSTM (every layer and direction, its own biases): 89600" in shapes
    assert "total: 89600" in total
    assert "\nparameters: " not in shapes
