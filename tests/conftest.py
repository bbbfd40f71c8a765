"""Every test starts and ends with the same baseline and the same current scope."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hyperparameter import _levels


@pytest.fixture(autouse=True)
def _isolate_hyperparameters() -> Iterator[None]:
    # frozen() publishes a process-wide baseline and top-level writes change the
    # main context: both would otherwise leak from one test into the next.
    baseline, level = _levels.baseline(), _levels.current.get()
    yield
    _levels.publish_baseline(baseline.own)
    _levels.current.set(level)
