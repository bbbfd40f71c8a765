"""``--record FILE`` never loses a finished run's record (review item 18)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Optional

import pytest

import hyperparameter as hp
from programs import launch


def run(argv: list[str], capsys: pytest.CaptureFixture[str], func: Any) -> tuple[int, Any, str]:
    """Launch ``func`` with ``argv``: the exit status, what it returned, and stderr."""
    status, result, _, err = launch(func, argv, capsys)
    return status, result, err


@hp.param("rf")
def main(lr: float = 0.1, tag: Optional[str] = None, s: Optional[set[int]] = None, z: complex = 1j) -> str:
    """Train and say what was read."""
    _ = hp.scope.rfm.fn | math.floor  # a read the record keeps
    return f"{lr} {tag}"


def test_a_missing_folder_is_made_before_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--record nodir/run.json makes the folder, as Hydra makes its output folder, and writes the record."""
    status, result, err = run(["--record", str(tmp_path / "a" / "b" / "run.json")], capsys, main)
    assert (status, result) == (0, "0.1 None"), err
    assert json.loads((tmp_path / "a" / "b" / "run.json").read_text())["rf"]["lr"] == 0.1


def test_a_folder_that_cannot_be_made_is_a_usage_error_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --record path under a file exits 2 before the program runs."""
    (tmp_path / "file").write_text("")
    ran: list[int] = []

    @hp.param("rf")
    def program() -> None:
        ran.append(1)

    status, _, err = run(["--record", str(tmp_path / "file" / "run.json")], capsys, program)
    assert status == 2
    assert "--record" in err
    assert ran == []


def test_values_the_format_cannot_hold_leave_the_rest_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A None in TOML is left out with a one-line warning; sets, complex and import paths are written;
    the run's status stays."""
    path = tmp_path / "run.toml"
    argv = ["--s", "3", "4", "-D", "rfm.fn=math:sqrt", "--record", str(path)]
    status, result, err = run(argv, capsys, main)
    assert (status, result) == (0, "0.1 None")
    assert "'rf.tag'" in err
    assert "TOML has no null" in err
    assert len(err.strip().splitlines()) == 1
    loaded = hp.config(path)
    assert loaded["rf"] == {"lr": 0.1, "s": [3, 4], "z": "1j"}
    assert loaded["rfm"] == {"fn": "math:sqrt"}
    assert "tag" not in loaded["rf"]


def test_the_record_replays_the_sets_and_complex_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading the written set and complex back with -C gives the run the same values."""
    path = tmp_path / "run.json"
    status, _, err = run(["--s", "3", "4", "--z", "2+1j", "--record", str(path)], capsys, main)
    assert status == 0, err

    @hp.param("rf")
    def replay(s: Optional[set[int]] = None, z: complex = 1j) -> tuple[Any, Any]:
        return s, z

    assert hp.launch(replay, argv=["-C", str(path)]) == ({3, 4}, 2 + 1j)
