"""Run programs as tests need them: in a child process as a user types them, or launched in-process.

``run_python`` starts a real program importing this source tree (test_cli, test_launch,
test_launch_run, test_sweep_launch, test_search_launch); ``launch`` runs ``hp.launch`` here and
reports what a user would see (test_launch_clashes, test_launch_record_file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import pytest

import hyperparameter as hp

SOURCE_DIR = Path(__file__).resolve().parents[1] / "src"


def python_env(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """Return the environment of a child Python importing this source tree (no empty entry: it means ".")."""
    paths = [str(SOURCE_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(extra or {})}


def run_python(
    *args: str, cwd: Optional[Path] = None, env: Optional[Mapping[str, str]] = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in ``cwd``, with ``env`` added: its exit status, stdout and stderr,
    whatever the status."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=python_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def launch(func: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str, str]:
    """Launch ``func`` with ``argv`` in this process: the exit status, what it returned, stdout and stderr."""
    result = None
    try:
        result = hp.launch(func, argv=argv)
        status = 0
    except SystemExit as stop:
        status = int(stop.code or 0)
    captured = capsys.readouterr()
    return status, result, captured.out, captured.err
