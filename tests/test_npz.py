"""The .npz reader and writer (npz.py): round trips, the order kept, and every refusal - a
missing file, a device, a folder, a text file, a single .npy, a file or its unpacked arrays
past the size limit, too many arrays, a header claiming a huge array, pickled objects."""

import io
import zipfile

import numpy as np
import pytest

from lstm_symbolic import UsageError, npz
from lstm_symbolic.frameworks import random_model, to_framework
from lstm_symbolic.npz import check_regular_file, load_npz, save_npz


# -- .npz safety ------------------------------------------------------------------------------------
def test_a_device_is_refused_without_reading_it(cli):
    result = cli("inspect", "/dev/zero")
    assert result.exit_code == 2 and "is not a regular file" in result.stderr


def test_a_text_file_is_not_an_npz_file(cli, tmp_path):
    path = tmp_path / "weights.npz"
    path.write_text("weight_ih_l0 = [[1, 2], [3, 4]]\n")
    result = cli("inspect", path)
    assert result.exit_code == 2 and "is not an .npz file" in result.stderr


def test_a_header_claiming_320_gb_is_named_not_allocated(cli, tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (40_000, 1_000_000)})
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("weight_ih_l0.npy", header.getvalue() + b"\0" * 64)
    result = cli("inspect", path)
    assert result.exit_code == 2 and "the array headers claim 298.0 GiB of arrays" in result.stderr


def test_npz_arrays_keep_their_order(tmp_path):
    arrays = to_framework("keras", random_model(3, 2, layers=2))
    np.savez(tmp_path / "k.npz", **arrays)
    assert list(load_npz(tmp_path / "k.npz")) == list(arrays)


def test_save_and_load_round_trip_in_order(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"z": rng.standard_normal((3, 2)), "a": rng.standard_normal(4).astype(np.float32), "m": np.zeros((1, 1))}
    save_npz(tmp_path / "w.npz", arrays)
    back = load_npz(tmp_path / "w.npz")
    assert list(back) == ["z", "a", "m"]
    for name, value in arrays.items():
        assert back[name].dtype == value.dtype
        np.testing.assert_array_equal(back[name], value)


def refusal(path):
    with pytest.raises(UsageError) as err:
        load_npz(path)
    return str(err.value)


def test_a_missing_file(tmp_path):
    assert refusal(tmp_path / "none.npz") == f"cannot read {tmp_path / 'none.npz'}: No such file or directory"


def test_a_folder_and_a_device_are_not_regular_files(tmp_path):
    for path in (tmp_path, "/dev/zero"):
        assert refusal(path) == (f"{path} is not a regular file (a device, pipe or folder); weight files are read "
                                 "from regular files only")


def test_a_text_file_and_a_single_array(tmp_path):
    text = tmp_path / "w.npz"
    text.write_text("W_f = [[1, 2]]\n")
    assert refusal(text) == f"{text} is not an .npz file (an .npz is a zip archive of .npy arrays, as np.savez writes)"
    single = tmp_path / "one.npy"
    np.save(single, np.zeros(3))
    assert refusal(single) == f"{single} is a single .npy array, not an .npz archive of named arrays"


def test_a_zip_of_other_files_is_not_an_npz(tmp_path):
    """A PyTorch .pt file is a zip too: np.load would hand back its members' bytes."""
    path = tmp_path / "w.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.npy", _npy_bytes(np.zeros(2)))
        archive.writestr("model/data.pkl", b"not an array")
    assert refusal(path) == f"{path} is a zip archive but not an .npz: model/data.pkl is not an .npy array"


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_a_file_past_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, a=np.zeros(1000))
    with pytest.raises(UsageError) as err:
        check_regular_file(path, max_bytes=100)
    assert str(err.value) == f"{path} is 0.0 GiB; the limit is 0 GiB"
    assert check_regular_file(path) == path.stat().st_size


def test_arrays_that_unpack_past_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    np.savez_compressed(path, a=np.zeros(10**6))  # 8 MB of zeros compress to a few kB
    monkeypatch.setattr(npz, "MAX_BYTES", 10**6)
    monkeypatch.setattr(npz, "GIB", 10**6)  # so the message shows the figures
    assert refusal(path) == f"{path}: it unpacks to 8.0 GiB of arrays; the limit is 1 GiB"


def test_too_many_arrays(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    np.savez(path, **{f"a{i}": np.zeros(1) for i in range(4)})
    monkeypatch.setattr(npz, "MAX_ARRAYS", 3)
    assert refusal(path) == f"{path} holds 4 arrays; the limit is 3"


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, a=np.array([{"not": "an array"}], dtype=object))
    assert refusal(path).startswith(f"{path} is not a readable .npz archive (")


def test_a_corrupt_member(tmp_path):
    path = tmp_path / "w.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.npy", b"\x93NUMPY garbage")
    assert refusal(path).startswith(f"{path} is not a readable .npz archive (")
