"""Run a Python program in a child process, as a user types it, importing this source tree.

Used by the tests that start real programs (test_cli, test_launch, test_launch_run,
test_sweep_launch, test_search_launch).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

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
