"""``python -m hyperparameter``: the ``hp`` program (``hp ls``, ``hp desc``)."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
