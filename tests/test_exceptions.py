"""Every exception the library raises crosses a process boundary intact."""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter import exceptions


@dataclasses.dataclass
class _Train:
    lr: float = 0.1


def _local_schema() -> type:
    @dataclasses.dataclass
    class Local:  # defined in a function: pickle cannot find it by name
        lr: float = 0.1

    return Local


# One instance of every exception class, built the way the library builds it.
INSTANCES: dict[type[BaseException], BaseException] = {
    exceptions.HyperparameterError: exceptions.HyperparameterError("Something went wrong."),
    exceptions.InvalidKeyError: exceptions.InvalidKeyError("a..b", "it has an empty segment"),
    exceptions.InvalidKeyTypeError: exceptions.InvalidKeyTypeError(1, "it is of type int, not a string"),
    exceptions.MissingParameterError: exceptions.MissingParameterError("train.lr"),
    exceptions.ConversionError: exceptions.ConversionError("train.epochs", "ten", 10, "an integer"),
    exceptions.ParameterError: exceptions.ParameterError(
        "Parameter 'train.lr' is read-only.", "train.lr", 0.5
    ),
    exceptions.ParameterValueError: exceptions.ParameterValueError(
        "Parameter 'train.lr' = 2 is out of range: expected [0, 1].", "train.lr", 2
    ),
    exceptions.ParameterTypeError: exceptions.ParameterTypeError(
        "Parameter 'train.epochs' expects an int, not float 2.5.", "train.epochs", 2.5
    ),
    exceptions.SearchSpaceError: exceptions.SearchSpaceError(
        "-D train.lr=loguniform(0, 1): loguniform needs both ends above 0."
    ),
    exceptions.ScopeError: exceptions.ScopeError("Scope exited out of order."),
    exceptions.LaunchError: exceptions.LaunchError("No function to run."),
    exceptions.ConfigError: exceptions.ConfigError("Interpolation cycle: a -> a."),
    exceptions.MissingReferenceError: exceptions.MissingReferenceError(
        "The key 'name' refers to '${x}', but 'x' is not set.", "name", "x"
    ),
    exceptions.SchemaError: exceptions.SchemaError(_Train, [("'lr'", "expected float")], ["a.toml"]),
    exceptions.MissingDependencyError: exceptions.MissingDependencyError(
        "PyYAML", "Reading YAML config files", "pip install 'hyperparameter[yaml]'"
    ),
    exceptions.SearchSpaceError: exceptions.SearchSpaceError("train.lr=loguniform(0, 1): needs 0 < a < b."),
    exceptions.UnpicklableValueError: exceptions.UnpicklableValueError(
        "train.hook", lambda: 0, TypeError("cannot pickle 'function' object")
    ),
    exceptions.SweepError: exceptions.SweepError("Unknown sweep backend 'gpu'."),
    exceptions.SweepFolderError: exceptions.SweepFolderError(
        "The sweep folder '/x/notes.txt' cannot be made: it is a file; choose another folder with runs=DIR."
    ),
    exceptions.UsageError: exceptions.UsageError(
        "-D sets 'app.epochs' to '2.5', but main expects an integer.", "app.epochs", "2.5", "-D"
    ),
}


def _attributes(error: BaseException) -> dict[str, Any]:
    attributes = dict(vars(error))
    if isinstance(error, ImportError):
        attributes.update(name=error.name, path=error.path)
    return attributes


def _all_error_classes() -> set[type[BaseException]]:
    found, pending = set(), [exceptions.HyperparameterError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return {cls for cls in found if cls.__module__.startswith("hyperparameter")}


def test_every_library_error_class_is_covered_here() -> None:
    """Each exception class of the library has an instance in this module's table."""
    assert _all_error_classes() <= set(INSTANCES)


@pytest.mark.parametrize(("cls", "error"), list(INSTANCES.items()), ids=lambda x: getattr(x, "__name__", ""))
def test_error_survives_pickling_with_message_and_attributes(cls: type, error: BaseException) -> None:
    """Unpickling an error gives the same class, message and attributes."""
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(error, protocol))
        assert type(copy) is cls
        assert (str(copy), copy.args, _attributes(copy)) == (str(error), error.args, _attributes(error))


@given(key=st.text(), value=st.text(), default=st.integers(), expected=st.text())
def test_conversion_error_with_any_text_survives_pickling(
    key: str, value: str, default: int, expected: str
) -> None:
    """A conversion error keeps its message and attributes whatever the key and value."""
    error = hp.ConversionError(key, value, default, expected)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.key, copy.value, copy.default, copy.expected) == (
        str(error),
        key,
        value,
        default,
        expected,
    )


def test_an_attribute_that_cannot_be_pickled_crosses_as_its_repr() -> None:
    """An error whose schema class cannot be pickled still crosses, with the schema as its repr."""
    schema = _local_schema()
    error = hp.SchemaError(schema, [("'lr'", "expected float")], [])
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.problems, copy.schema) == (str(error), error.problems, repr(schema))


def _read_bad_value(_: int) -> int:
    with hp.scope(**{"train.epochs": "ten"}):
        return hp.scope.train.epochs | 10


def test_pool_worker_raising_a_library_error_reports_it_instead_of_hanging() -> None:
    """Pool.map re-raises a worker's ConversionError with its message, and the pool stays usable."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        with pytest.raises(hp.ConversionError, match=re.escape("'train.epochs' = 'ten'")) as caught:
            pool.map_async(_read_bad_value, [1]).get(timeout=60)
        assert caught.value.key == "train.epochs"
        assert pool.map_async(abs, [-1]).get(timeout=60) == [1]


def test_process_pool_executor_reports_a_library_error_instead_of_breaking() -> None:
    """A ProcessPoolExecutor task's ConversionError reaches the caller; the pool is not broken."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with pytest.raises(hp.ConversionError, match=re.escape("'train.epochs' = 'ten'")):
            pool.submit(_read_bad_value, 1).result(timeout=60)
        assert pool.submit(abs, -1).result(timeout=60) == 1
