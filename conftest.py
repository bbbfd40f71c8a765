"""Names every doctest (modules, docs, README, the seed examples) can use, and the scan cache's folder.

The scanner's disk cache lives in a temporary folder for the whole session, for
the tests and the doctests of the modules and guides alike (the programs they
start inherit it): the suite never writes into the user's home.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import hyperparameter
from hyperparameter._scanner_cache import CACHE_DIR_VARIABLE


def _repr_dict(values: Any) -> list[tuple[str, Any]]:
    """Return a mapping's items, sorted by key (the seed documents' helper)."""
    return sorted(dict(values).items())


@pytest.fixture(scope="session", autouse=True)
def _scan_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_DIR_VARIABLE, str(tmp_path_factory.mktemp("scan-cache")))
        yield


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
