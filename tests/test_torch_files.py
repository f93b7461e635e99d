"""PyTorch .pt files (torch_files.py): a state dict, a whole module's state dict read by prefix,
several recurrent layers that need a prefix, pickled modules refused, the extra named when torch is missing."""

import sys

from .conftest import require


class Encoder:
    """A module with an LSTM inside (built in the test, as torch is optional)."""

    @staticmethod
    def make(torch):
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = torch.nn.Linear(2, 3)
                self.lstm = torch.nn.LSTM(3, 4, num_layers=2)
                self.head = torch.nn.Linear(4, 1)

        torch.manual_seed(0)
        return Net()


def test_a_whole_modules_state_dict_is_read_by_prefix(cli, tmp_path):
    torch = require("torch")
    net = Encoder.make(torch)
    torch.save({"model_state_dict": net.state_dict(), "epoch": 3}, tmp_path / "checkpoint.pt")
    result = cli("convert", tmp_path / "checkpoint.pt", "-o", tmp_path / "lstm.pt")
    assert result.exit_code == 0, result.output
    assert "ignored 4 array(s) outside 'model_state_dict.lstm.'" in result.stderr
    ours, theirs = torch.load(tmp_path / "lstm.pt", weights_only=True), net.lstm.state_dict()
    for layer in range(2):
        for name in ("weight_ih", "weight_hh"):
            assert torch.equal(ours[f"{name}_l{layer}"], theirs[f"{name}_l{layer}"])
        # one canonical bias b = b_ih + b_hh, written to bias_ih (bias_hh is zero)
        torch.testing.assert_close(ours[f"bias_ih_l{layer}"], theirs[f"bias_ih_l{layer}"] + theirs[f"bias_hh_l{layer}"])
        assert not ours[f"bias_hh_l{layer}"].any()


def test_several_recurrent_layers_need_a_prefix(cli, tmp_path):
    torch = require("torch")
    state = {f"{side}.{key}": value for side in ("encoder", "decoder")
             for key, value in torch.nn.GRU(3, 4).state_dict().items()}
    torch.save(state, tmp_path / "seq2seq.pt")
    result = cli("inspect", tmp_path / "seq2seq.pt")
    assert result.exit_code == 1 and "'decoder.', 'encoder.': choose one with --prefix" in result.output
    result = cli("inspect", tmp_path / "seq2seq.pt", "--prefix", "decoder.", "--json")
    assert result.exit_code == 0 and '"cell": "gru"' in result.stdout


def test_a_pickled_module_is_refused(cli, tmp_path):
    torch = require("torch")
    torch.save(torch.nn.LSTM(3, 4), tmp_path / "module.pt")
    result = cli("inspect", tmp_path / "module.pt")
    assert result.exit_code == 2 and "save model.state_dict() instead" in result.stderr


def test_a_missing_library_names_the_extra(cli, tmp_path, monkeypatch):
    (tmp_path / "model.pt").write_bytes(b"x")
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    result = cli("inspect", tmp_path / "model.pt")
    assert result.exit_code == 2 and "pip install 'lstm_symbolic[torch]'" in result.stderr
