"""Carry values across process boundaries: new processes start from the baseline.

A process that :mod:`multiprocessing` starts runs a new target, like a new
thread, so it starts from the frozen baseline whatever the start method:

- **fork**: the child is a copy of the parent, open ``with`` blocks and bare
  writes included. A fork hook puts the child's context back to the baseline
  when the fork comes from :mod:`multiprocessing` (a plain ``os.fork()`` child
  goes on running the parent's code, inside its blocks, so it keeps them).
- **spawn** and **forkserver**: the child is a new interpreter. The parent
  pickles each ``Process`` object it starts, and with it the process's
  ``_config`` dict, which every process inherits from its parent. A carrier
  placed in that dict pickles the baseline as it is when the process starts
  and publishes it in the child before the target runs.

Values cross as pickles: :func:`pack` names the key whose value cannot.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Optional

from ._levels import UNPINNED, Level, baseline, current, find_records, publish_baseline
from ._origins import publish_sources, save_baseline, sources_of
from .exceptions import UnpicklableValueError

# Where multiprocessing (and billiard, its fork in Celery) call os.fork to start a Process.
_FORKING_MODULES = frozenset(
    {"multiprocessing.popen_fork", "multiprocessing.forkserver", "billiard.popen_fork", "billiard.forkserver"}
)
#: The source of a value received from the parent process (see :mod:`._origins`).
PARENT = "parent process"
# The key of the carrier in multiprocessing's per-process _config dict.
_CONFIG_KEY = "hyperparameter.baseline"


def pack(values: dict[str, Any], sources: Optional[Mapping[str, str]] = None) -> bytes:
    """Pickle ``values`` (and their sources) for another process; name the key of a value that cannot cross.

    >>> pack({"train.hook": lambda: 0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.UnpicklableValueError: Cannot hand hyperparameter 'train.hook' (a function) to another process: ...
    """  # noqa: E501
    import pickle  # here, not at import: a program that starts no process never needs it

    try:
        return pickle.dumps((values, sources), pickle.HIGHEST_PROTOCOL)
    except Exception:
        check_picklable(values, lambda value: pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        raise  # the values pickle one by one: the failure is not one value's


def check_picklable(values: Mapping[str, Any], dumps: Callable[[Any], Any]) -> None:
    """Raise UnpicklableValueError for the first of ``values`` the pickler ``dumps`` cannot pickle.

    Called once pickling them all failed, to say which key's value is to blame.
    """
    for key, value in values.items():
        try:
            dumps(value)
        except Exception as cause:
            raise UnpicklableValueError(key, value, cause) from cause


def unpack(payload: bytes) -> tuple[dict[str, Any], Optional[dict[str, str]]]:
    """Unpickle the values and sources :func:`pack` pickled."""
    import pickle

    values, sources = pickle.loads(payload)
    return values, sources


class InheritedSources(Mapping[str, str]):
    """The sources of values received from a parent process, worked out when asked.

    A key the parent knew the source ``S`` of came from ``"parent process (S)"``,
    any other from ``"parent process"``. (Built lazily: a bound call may carry
    a thousand values, and few of them are ever asked about.)

    >>> dict(InheritedSources({"a": 1, "b": 2}, {"a": "-D"}))
    {'a': 'parent process (-D)', 'b': 'parent process'}
    """

    def __init__(self, values: Mapping[str, Any], sources: Optional[Mapping[str, str]]) -> None:
        self._values = values
        self._sources = sources or {}

    def __getitem__(self, key: str) -> str:
        if key not in self._values:
            raise KeyError(key)
        source = self._sources.get(key)
        return PARENT if source is None else f"{PARENT} ({source})"

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def find_reporters(level: Level) -> tuple[Any, ...]:
    """Return how a process started from ``level`` reports its reads to the records open here.

    Each open record ``level`` reports to gives a picklable reporter (see
    :mod:`._record_processes`); a level outside every record gives none.
    """
    return tuple(
        reporter for record in find_records(level) if (reporter := record.child_reporter()) is not None
    )


def open_records(reporters: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return the records that send this process's reads to the parent's, one per reporter."""
    return tuple(reporter.open() for reporter in reporters)


def _prepare_fork() -> None:
    """Give the records of a recording baseline their inbox, so that a fork child finds it."""
    find_reporters(baseline())


def _start_fork_child() -> None:
    """Start a multiprocessing child from the baseline, like a new thread (recording to the parent)."""
    caller = sys._getframe(1)
    if caller.f_globals.get("__name__") in _FORKING_MODULES:
        current.set(UNPINNED)
        level = baseline()
        if find_records(level):  # the parent's records are copies here: report to the parent instead
            values, (_, sources) = level.own, save_baseline()[1]
            publish_baseline(values, open_records(find_reporters(level)))
            publish_sources(dict(InheritedSources(values, sources)))


os.register_at_fork(before=_prepare_fork, after_in_child=_start_fork_child)


class _BaselineCarrier:
    """Pickles as the baseline in force when a process starts; publishes it when unpickled."""

    def __reduce__(self) -> tuple[Any, ...]:
        level = baseline()
        if not level.own:
            return _find_carrier, ()
        return _receive_baseline, (pack(level.own, sources_of(level)), find_reporters(level))


_CARRIER = _BaselineCarrier()


def _find_carrier() -> _BaselineCarrier:
    return _CARRIER


def _receive_baseline(payload: bytes, reporters: tuple[Any, ...] = ()) -> _BaselineCarrier:
    """Publish the parent's baseline in a new process (recording to its records) before the target runs."""
    values, sources = unpack(payload)
    publish_baseline(values, open_records(reporters))
    publish_sources(dict(InheritedSources(values, sources)))
    if current.get().owner is None:  # code run on import may have pinned the old baseline
        current.set(UNPINNED)
    return _CARRIER


def carry_baseline() -> None:
    """Make processes started from now on carry the baseline, whatever their start method.

    Importing multiprocessing costs a few milliseconds, so until the program
    imports it the carrier waits for that import.
    """
    module = sys.modules.get("multiprocessing.process")
    if module is not None:
        module._current_process._config[_CONFIG_KEY] = _CARRIER
    elif not any(isinstance(finder, _ImportWatcher) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ImportWatcher())


class _ImportWatcher:
    """A one-shot import hook: places the carrier once ``multiprocessing.process`` is imported."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Optional[Any]:
        if name != "multiprocessing.process":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _CarrierLoader(spec.loader)  # type: ignore[assignment]
                return spec
        return None


class _CarrierLoader:
    """Loads ``multiprocessing.process`` as its own loader would, then places the carrier."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, is_package ... for inspect and linecache
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        module._current_process._config[_CONFIG_KEY] = _CARRIER
