"""Names every doctest (modules, docs, README, the seed examples) can use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import hyperparameter


def _repr_dict(values: Any) -> list[tuple[str, Any]]:
    """The seed documents' helper: a mapping's items, sorted by key."""
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
    """A guide that works in a folder of its own (docs/config.md) leaves the next test where it was."""
    here = os.getcwd()
    yield
    os.chdir(here)
