"""Names every doctest (modules, docs, README, the seed examples) can use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import hyperparameter


def _repr_dict(values: Any) -> list[tuple[str, Any]]:
    """Return a mapping's items, sorted by key (the seed documents' helper)."""
    return sorted(dict(values).items())


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace.update(
        hp=hyperparameter,
        param_scope=hyperparameter.param_scope,
        auto_param=hyperparameter.auto_param,
        _repr_dict=_repr_dict,
    )


@pytest.fixture(autouse=True)
def _same_working_directory() -> Iterator[None]:
    """Return to the working directory after each test: guides may work in its own folder (docs/config.md)."""
    here = os.getcwd()
    yield
    os.chdir(here)
