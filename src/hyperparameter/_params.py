"""``hp.Params``: classes of declared, typed, documented parameters that scopes override.

>>> import hyperparameter as hp
>>> class Train(hp.Params, namespace="train"):
...     lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
...     layers = hp.Int(3, bounds=(1, None))
>>> Train().lr
0.001
>>> with hp.scope(**{"train.lr": "0.01"}):
...     Train().lr
0.01
>>> Train(layers=0)
Traceback (most recent call last):
...
hyperparameter.exceptions.ParameterValueError: Parameter 'train.layers' = 0 is out of range: expected [1, inf).
"""  # noqa: E501

from __future__ import annotations

import json
import sys
import threading
from typing import Any, Callable, ClassVar, Optional

from ._keys import check_key
from ._kinds import UNSET, Parameter
from ._suggest import did_you_mean
from .exceptions import ParameterTypeError

Watcher = Callable[[str, Any, Any], None]


class ParamsMeta(type):
    """Collects a class's parameters, gives each its key, and guards class-level writes."""

    _hp_params: dict[str, Parameter[Any]]
    _hp_namespace: str

    def __new__(
        mcls,
        name: str,
        bases: tuple[type, ...],
        body: dict[str, Any],
        namespace: Optional[str] = None,
        **kwargs: Any,
    ) -> ParamsMeta:
        cls = super().__new__(mcls, name, bases, body, **kwargs)
        caller = sys._getframe(1)  # the class statement: where an inherited parameter is restated
        place = (caller.f_code.co_filename, caller.f_lineno)
        inherited = next(
            (
                base.__dict__["_hp_namespace"]
                for base in cls.__mro__[1:]
                if "_hp_namespace" in base.__dict__ and base.__dict__.get("_hp_explicit")
            ),
            None,
        )
        chosen = namespace or inherited or name
        check_key(chosen)
        type.__setattr__(cls, "_hp_namespace", chosen)
        type.__setattr__(cls, "_hp_explicit", namespace is not None or inherited is not None)
        params: dict[str, Parameter[Any]] = {}
        for base in reversed(cls.__mro__[1:]):
            for key, parameter in base.__dict__.get("_hp_params", {}).items():
                params[key] = parameter
        for key, parameter in params.items():
            override = body.get(key, UNSET)
            if not isinstance(override, Parameter):
                params[key] = parameter.copy_for(cls, chosen, override)
                params[key].declared_at = place
        for key, value in body.items():
            if isinstance(value, Parameter):
                if key in params:
                    value.inherit(params[key])
                value.bind(cls, key, chosen)
                params[key] = value
        for key, parameter in params.items():
            type.__setattr__(cls, key, parameter)
        type.__setattr__(cls, "_hp_params", params)
        return cls

    def __init__(
        cls,
        name: str,
        bases: tuple[type, ...],
        body: dict[str, Any],
        namespace: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, bases, body, **kwargs)

    def __setattr__(cls, name: str, value: Any) -> None:
        parameter = cls.__dict__.get("_hp_params", {}).get(name)
        if parameter is None:
            super().__setattr__(name, value)
            return
        if parameter.readonly:
            raise ParameterTypeError(f"Parameter {parameter.key!r} is read-only.", parameter.key, value)
        _set_default(cls, name, parameter.check(value))


def _set_default(cls: type, name: str, value: Any) -> None:
    """Change a class default; it reaches every instance, and subclass, without its own."""
    cls.__dict__["_hp_params"][name].default = value
    subclass: type
    for subclass in cls.__subclasses__():
        inherited = subclass.__dict__.get("_hp_params", {}).get(name)
        if inherited is not None and inherited.inherits_default:
            _set_default(subclass, name, value)


class _Update:
    """What ``obj.update(...)`` returns: used in a ``with``, it restores the old values.

    Blocks on one instance may overlap (two threads, two tasks) and end in any
    order. A block that ends while a later one that set the same name is still
    open leaves that name alone and hands its old value on to the later block,
    which restores it when it ends: after the last block, every value is back.
    """

    def __init__(self, target: Params, previous: dict[str, Any]) -> None:
        self._target = target
        self._previous = previous

    def __enter__(self) -> Params:
        with _OPEN_UPDATES_LOCK:
            self._target.__dict__.setdefault("_hp_open_updates", []).append(self)
        return self._target

    def __exit__(self, *exc_info: Any) -> None:
        with _OPEN_UPDATES_LOCK:
            open_updates: list[_Update] = self._target.__dict__.get("_hp_open_updates", [])
            later = open_updates[open_updates.index(self) + 1 :] if self in open_updates else []
            if self in open_updates:
                open_updates.remove(self)
            restore = {}
            for name, old in self._previous.items():
                successor = next((update for update in later if name in update._previous), None)
                if successor is None:
                    restore[name] = old
                else:
                    successor._previous[name] = old
        self._target._hp_apply(restore)


# Open update blocks of any instance change under this lock (threads may end them at once).
_OPEN_UPDATES_LOCK = threading.Lock()


class Params(metaclass=ParamsMeta):
    """Base class of declared parameters; ``namespace=`` in the class statement names their keys.

    The namespace defaults to the one a base class set explicitly, else the class name.
    A read gives the value set on the instance, else the scope's, else the default.

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
    ...     layers = hp.Int(3, bounds=(1, None))
    >>> config = Train(layers=4)
    >>> with hp.scope(**{"train.lr": 0.01}):
    ...     config.values()
    {'lr': 0.01, 'layers': 4}
    >>> config.values(changed=True)
    {'layers': 4}
    """

    _hp_params: ClassVar[dict[str, Parameter[Any]]]
    _hp_namespace: ClassVar[str]

    def __init__(self, **values: Any) -> None:
        self._hp_apply(self._hp_check(values, constructing=True))

    # -- introspection --------------------------------------------------------
    @classmethod
    def param(cls, name: str) -> Parameter[Any]:
        """Return the declared parameter ``name`` (its kind, default, bounds and doc)."""
        return cls._hp_params[name]

    @classmethod
    def params(cls) -> dict[str, Parameter[Any]]:
        """Every declared parameter, by name, in declaration order."""
        return dict(cls._hp_params)

    @classmethod
    def namespace(cls) -> str:
        """Return the prefix of this class's keys in scopes."""
        return cls._hp_namespace

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """Return a JSON schema of the parameters, from their kinds, bounds, defaults and docs."""
        return {
            "title": cls.__name__,
            "type": "object",
            "properties": {name: p.json_schema() for name, p in cls._hp_params.items()},
            "additionalProperties": False,
        }

    # -- values -----------------------------------------------------------------
    def values(self, changed: bool = False) -> dict[str, Any]:
        """Every parameter's value now; with ``changed``, only those that differ from the default."""
        current = {name: getattr(self, name) for name in self._hp_params}
        if changed:
            return {name: value for name, value in current.items() if value != self._hp_params[name].default}
        return current

    def update(self, **values: Any) -> _Update:
        """Set several values at once: all are checked first, then set; watchers hear one batch.

        Used as ``with obj.update(lr=0.5):``, the old values come back at the end of the block.
        """
        checked = self._hp_check(values)
        previous = {name: self.__dict__.get(name, UNSET) for name in checked}
        self._hp_apply(checked)
        return _Update(self, previous)

    def _hp_check(self, values: dict[str, Any], constructing: bool = False) -> dict[str, Any]:
        params = self._hp_params
        checked = {}
        for name, value in values.items():
            parameter = params.get(name)
            if parameter is None:
                hint = did_you_mean(name, params)
                raise ParameterTypeError(
                    f"{type(self).__name__} has no parameter {name!r}. {hint}".rstrip(), name, value
                )
            if parameter.readonly or (parameter.constant and not constructing):
                raise ParameterTypeError(
                    f"Parameter {parameter.key!r} is {'read-only' if parameter.readonly else 'constant'}.",
                    parameter.key,
                    value,
                )
            checked[name] = parameter.check(value)
        return checked

    def _hp_apply(self, values: dict[str, Any]) -> None:
        """Set (or, for ``UNSET``, unset) own values, then tell the watchers."""
        watched = bool(self.__dict__.get("_hp_watchers"))
        events = []
        for name, value in values.items():
            old = self._hp_read_value_or_default(name) if watched else None
            if value is UNSET:
                self.__dict__.pop(name, None)
            else:
                self.__dict__[name] = value
            if watched:
                events.append((name, old, self._hp_read_value_or_default(name)))
        for name, old, new in events:
            self._hp_notify(name, old, new)

    def _hp_read_value_or_default(self, name: str) -> Any:
        """Return the value now, or the default when the scope holds a bad one (for watchers)."""
        try:
            return getattr(self, name)
        except ValueError:
            return self._hp_params[name].default

    # -- watchers ---------------------------------------------------------------
    def watch(self, callback: Watcher, *names: str) -> None:
        """Call ``callback(name, old, new)`` after a watched parameter changes (all, if no names)."""
        for name in names:
            self.param(name)  # KeyError for an unknown name
        self.__dict__.setdefault("_hp_watchers", []).append((callback, frozenset(names)))

    def unwatch(self, callback: Watcher) -> None:
        """Stop calling ``callback``."""
        watchers = self.__dict__.get("_hp_watchers", [])
        watchers[:] = [(each, names) for each, names in watchers if each != callback]

    def _hp_notify(self, name: str, old: Any, new: Any) -> None:
        if old is new or (type(old) is type(new) and old == new):
            return
        for callback, names in list(self.__dict__.get("_hp_watchers", ())):
            if not names or name in names:
                callback(name, old, new)

    # -- persistence ------------------------------------------------------------
    def to_json(self) -> str:
        """Return the values as a JSON object."""
        return json.dumps(self.values())

    @classmethod
    def from_json(cls, text: str) -> Params:
        """Make an instance with the values of a JSON object (checked like keywords).

        Read-only parameters may appear with their default value, as ``to_json`` writes them.
        """
        values = json.loads(text)
        for name, parameter in cls._hp_params.items():
            if parameter.readonly and name in values and values[name] == parameter.default:
                del values[name]
        return cls(**values)

    def __getstate__(self) -> dict[str, Any]:
        state = {name: self.__dict__[name] for name in self._hp_params if name in self.__dict__}
        for name, (source, copied) in self.__dict__.get("_hp_default_copies", {}).items():
            if name not in state and copied != source:
                state[name] = copied  # a mutable default changed in place
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(self._hp_check(state, constructing=True))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"{type(self).__name__}({shown})"
