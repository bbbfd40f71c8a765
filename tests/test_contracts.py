"""Contracts between copies: names and layouts one module mirrors from another stay in step."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

import hyperparameter as hp
from hyperparameter import _scanner, _syntax
from hyperparameter._kinds import _collect_argument_names


def _public_names_bound_to(target: Any) -> set[str]:
    return {name for name in hp.__all__ if name != "__version__" and getattr(hp, name) is target}


def _public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def _kind_classes() -> dict[str, type]:
    return {
        name: obj
        for name in hp.__all__
        if name != "__version__"
        for obj in [getattr(hp, name)]
        if isinstance(obj, type) and issubclass(obj, hp.Parameter) and obj is not hp.Parameter
    }


def test_scanner_knows_every_name_of_the_decorator() -> None:
    """The static scanner recognises exactly the public names bound to hp.param."""
    assert _public_names_bound_to(hp.param) == _scanner._PARAM_NAMES


def test_scanner_knows_every_name_of_the_scope() -> None:
    """The static scanner recognises exactly the public names bound to hp.scope."""
    assert _public_names_bound_to(hp.scope) == _scanner._SCOPE_NAMES


def test_scanner_knows_every_declared_kind() -> None:
    """The scanner's kind names are exactly the public subclasses of hp.Parameter."""
    assert set(_kind_classes()) == _scanner._KIND_NAMES


def test_scanner_knows_the_params_base_class() -> None:
    """The base class the scanner looks for is the public hp.Params."""
    assert getattr(hp, _scanner._PARAMS_BASE) is hp.Params


@pytest.mark.parametrize(("kind", "shown"), sorted(_scanner._KIND_DEFAULTS.items()))
def test_scanner_shows_the_default_a_kind_really_gets(kind: str, shown: str) -> None:
    """A declaration without a default is listed with the default the class really has."""
    declared = type("Holder", (hp.Params,), {"x": getattr(hp, kind)()}, namespace="holder")
    assert repr(declared.param("x").default) == shown


def test_scanner_knows_every_method_of_the_scope_root() -> None:
    """hp.scope.<name> is a method call, not a key, for exactly the root's public methods."""
    assert _public_methods(type(hp.scope)) == _scanner.ROOT_METHODS


def test_scanner_knows_every_method_of_a_scope_object() -> None:
    """ps.<name> is a method call, not a key, for exactly a scope object's public methods."""
    assert _public_methods(hp.Scope) == _scanner._SCOPE_METHODS


def test_describing_arguments_are_arguments_of_some_kind() -> None:
    """Every constructor argument the scanner reads as a description is one a kind accepts."""
    accepted = set().union(*(_collect_argument_names(kind) for kind in _kind_classes().values()))
    assert accepted >= _syntax._DESCRIBING


# -- the compiled read's view of remembered conversions -------------------------------------------
# _speedups.c reads a remembered conversion straight from the level: level[type(default)][key].
# That layout is part of the interface _acceleration._INTERFACE versions: change both together.


def test_a_remembered_conversion_lives_where_the_compiled_read_looks() -> None:
    """A converted string read is remembered under the default's type, then the key, in the level."""
    from hyperparameter._levels import current

    with hp.scope(**{"contract.x": "0.5"}):
        assert hp.scope.contract.x | 1.0 == 0.5
        assert current.get()[float] == {"contract.x": 0.5}


def test_the_built_extension_speaks_this_interface_version() -> None:
    """A built extension is used only when it speaks the interface version the Python expects."""
    from hyperparameter import _acceleration

    speedups = pytest.importorskip("hyperparameter._speedups")
    assert (
        speedups.INTERFACE == _acceleration._INTERFACE
        and os.environ.get(_acceleration.DISABLE_VARIABLE, "") in ("", "0")
    ) == _acceleration.ACTIVE


def test_a_remembered_conversion_is_served_without_calling_python(compiled_run: Any) -> None:
    """With the compiled paths on, reading a remembered conversion runs no Python function at all."""
    with hp.scope(**{"contract.y": "0.25"}):
        accessor = hp.scope.contract.y
        assert accessor | 1.0 == 0.25  # the first read converts (in Python) and remembers
        again, python_calls = compiled_run(lambda: accessor | 1.0)
    assert (again, python_calls) == (0.25, [])


def test_reads_while_a_generator_holds_a_block_run_no_python(compiled_run: Any) -> None:
    """With the compiled paths on, a read inside a generator paused in its block and one outside it run no
    Python function."""
    accessor = hp.scope.contract.g

    def paused() -> Iterator[tuple[Any, list[str]]]:
        with hp.scope(**{"contract.g": 1}):
            yield compiled_run(lambda: accessor | 0)

    with hp.scope(**{"contract.g": 2}):
        generator = paused()
        inside = next(generator)
        outside = compiled_run(lambda: accessor | 0)
        generator.close()
    assert (inside, outside) == ((1, []), (2, []))
