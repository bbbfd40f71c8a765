"""How to start a launched program again: the command saved with each trial, and the resume hint.

A program started as ``python -m pkg.train`` is started again the same way
(its relative imports need the package), and with the interpreter running
now, so a virtual environment's Python that is not first on ``PATH`` runs
the trial again. :func:`program_id` tells one program from another, so that
``--resume`` refuses a folder another program wrote.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def program_command(prog: str) -> list[str]:
    """Return the command that starts this program again (``prog`` when there is nothing to run).

    >>> import sys
    >>> program_command("train.py")[0] == sys.executable
    True
    """
    module = _main_module()
    if module is not None:
        return [sys.executable, "-m", module]
    script = sys.argv[0] if sys.argv else ""
    if not script or script == "-c":
        return [prog]
    # Absolute, so that the saved command runs from any folder (the runs folder is absolute too).
    if script.endswith(".py") or not os.access(script, os.X_OK):
        return [sys.executable, os.path.abspath(script)]
    # An installed command (a console script) knows its interpreter; a bare name is found on PATH.
    return [os.path.abspath(script) if os.sep in script else script]


def program_id(prog: str) -> str:
    """Name this program in a way that differs between programs and not between runs of one.

    The module of ``python -m``, else the script's absolute path.
    """
    module = _main_module()
    if module is not None:
        return f"-m {module}"
    script = sys.argv[0] if sys.argv else ""
    if not script or script == "-c":
        return prog
    return str(Path(script).resolve())


def _main_module() -> str | None:
    """Return the module ``python -m`` ran (the package for ``pkg/__main__.py``), or None."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", None)
    if not isinstance(name, str) or not name or name == "__main__":
        return None
    return name[: -len(".__main__")] if name.endswith(".__main__") else name
