"""``python -m hyperparameter``: the ``hp`` program (``hp ls``, ``hp desc``)."""

from __future__ import annotations

import sys

from ._cli import main
from ._safe_path import forget_the_current_directory

if __name__ == "__main__":
    forget_the_current_directory()
    sys.exit(main())
