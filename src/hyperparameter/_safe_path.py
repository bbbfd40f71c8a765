"""Keep ``python -m hyperparameter`` from importing modules of the current directory.

``python -m`` puts the current directory first on ``sys.path`` before the
package is imported, so a ``dataclasses.py`` or ``argparse.py`` in the folder
being scanned would replace the standard library's for every import that
follows. The ``hp`` script has no such entry, and ``python -m hyperparameter``
must behave the same: this module (imported first by the package, and by
nothing but ``sys``, ``os`` and ``types``, which ``python -m`` has imported
before: not even ``typing``) drops that entry when the module
being run is one of this package's.
"""

from __future__ import annotations

import os
import sys
from types import FrameType

_PACKAGE = __name__.rpartition(".")[0]


def _find_module_being_run() -> str:
    """Return the module ``python -m`` is locating now (its package is being imported), or ''."""
    if not sys.argv or sys.argv[0] != "-m":  # python sets it to "-m" only while locating
        return ""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_run_module_as_main" and frame.f_globals.get("__name__") == "runpy":
            name = frame.f_locals.get("mod_name")
            return name if isinstance(name, str) else ""
        frame = frame.f_back
    return ""


def forget_the_current_directory() -> None:
    """Drop the entry ``python -m`` puts first on ``sys.path`` (the current directory)."""
    if sys.path and not getattr(sys.flags, "safe_path", False) and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


def protect() -> None:
    """Drop the current directory from ``sys.path`` when ``python -m`` runs one of our modules."""
    name = _find_module_being_run()
    if name == _PACKAGE or name.startswith(_PACKAGE + "."):
        forget_the_current_directory()


protect()
