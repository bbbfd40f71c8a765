"""``python -m hyperparameter``: the ``hp`` program (``hp ls``, ``hp desc``)."""

from __future__ import annotations

import os
import sys

from ._cli import main


def _forget_the_current_directory() -> None:
    """Drop the entry ``python -m`` puts first on ``sys.path``, which the ``hp`` script does not have.

    Without it a module name means the same package under both commands; a
    directory here is still found by its path.
    """
    if sys.path and not getattr(sys.flags, "safe_path", False) and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


if __name__ == "__main__":
    _forget_the_current_directory()
    sys.exit(main())
