"""Build a dataclass, or any annotated type, from config values, reporting every problem at once.

Values are converted strictly: a value of the declared type is taken as it is,
and only these conversions are made:

* ``int`` to ``float`` (a ``float`` is never an ``int``, not even ``1e6``);
* a list to a ``tuple``, ``set`` or ``frozenset``;
* a mapping to a dataclass;
* text (what ``${env:...}`` gives) to ``bool``, ``int``, ``float``, an ``Enum``
  (member name or value), a path or a list (in the list grammar), when it is the
  text of such a value, by the one table of :mod:`._convert`.

A ``bool`` is never taken for a number nor a number for a ``bool``.

>>> import dataclasses
>>> @dataclasses.dataclass
... class Train:
...     lr: float = 0.1
...     epochs: int = 10
>>> build(Train, {"lr": 1, "epochs": "20"}, lambda path: None, [])
Train(lr=1.0, epochs=20)
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import reprlib
import sys
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Literal, Optional, TypeVar, Union, get_args, get_origin

from ._annotations import class_annotations
from ._convert import coerce
from ._grammar import GrammarError, split_list
from ._key_paths import KeyPath, format_path
from ._suggest import find_close_matches, format_suggestion
from .exceptions import SchemaError

T = TypeVar("T")
_INVALID: Any = object()  # returned by a conversion that recorded a problem
_UNION_TYPES: tuple[Any, ...] = (Union,)
if sys.version_info >= (3, 10):
    import types

    _UNION_TYPES += (types.UnionType,)
_LISTS = {list, collections.abc.Sequence, collections.abc.MutableSequence}
_SETS = {set, frozenset, collections.abc.Set, collections.abc.MutableSet}
_DICTS = {dict, collections.abc.Mapping, collections.abc.MutableMapping}
_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60


def build(
    schema: type[T],
    values: Mapping[str, Any],
    where: Callable[[KeyPath], Optional[str]],
    sources: Sequence[str],
) -> T:
    """Return ``values`` converted to ``schema``, or raise SchemaError listing every problem.

    ``where`` names the file a key path comes from; ``sources`` are all the files.
    """
    builder = _Builder()
    result = builder.convert(schema, values, ())
    if builder.problems:
        several = len(sources) > 1
        problems = []
        for path, message in builder.problems:
            key = f"{format_path(path)!r}" if path else "the top level"
            source = where(path) if several else None
            problems.append((key + (f" (from {source!r})" if source else ""), message))
        raise SchemaError(schema, problems, sources)
    return typing.cast(T, result)


def _type_name(tp: Any) -> str:
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and not get_args(tp):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def _got(value: Any) -> str:
    return f"got {_repr.repr(value)} ({type(value).__name__})"


class _Builder:
    """Converts values by their annotations, recording problems instead of stopping at one."""

    def __init__(self) -> None:
        self.problems: list[tuple[KeyPath, str]] = []

    def fail(self, path: KeyPath, message: str) -> Any:
        self.problems.append((path, message))
        return _INVALID

    def convert(self, tp: Any, value: Any, path: KeyPath) -> Any:
        origin = get_origin(tp)
        if tp is Any or tp is object:
            return value
        if origin in _UNION_TYPES:
            return self._union(tp, value, path)
        if origin is Literal:
            return self._literal(tp, value, path)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._dataclass(tp, value, path)
        if origin is not None or (isinstance(tp, type) and tp in _LISTS | _SETS | _DICTS | {tuple}):
            return self._collection(origin or tp, get_args(tp), value, path)
        if isinstance(tp, type):
            return self._scalar(tp, value, path)
        return self.fail(path, f"cannot check a value against {tp!r}; expected a dataclass or a type")

    def _union(self, tp: Any, value: Any, path: KeyPath) -> Any:
        members = get_args(tp)
        # A value of exactly a member's type is kept, so Union[int, str] keeps "3" a string.
        if any(member is type(value) for member in members):
            return value
        failures = []
        for member in members:
            trial = _Builder()
            result = trial.convert(member, value, path)
            if not trial.problems:
                return result
            failures.append(trial.problems)
        real = [member for member in members if member is not type(None)]
        if len(real) == 1:  # Optional[X]: X's own problems are the useful ones
            self.problems.extend(failures[members.index(real[0])])
            return _INVALID
        names = " or ".join(_type_name(member) for member in members)
        return self.fail(path, f"expected {names}, {_got(value)}")

    def _literal(self, tp: Any, value: Any, path: KeyPath) -> Any:
        for allowed in get_args(tp):
            if type(allowed) is type(value) and allowed == value:
                return allowed
        choices = ", ".join(map(repr, get_args(tp)))
        return self.fail(path, f"expected one of {choices}, {_got(value)}")

    def _dataclass(self, cls: type, value: Any, path: KeyPath) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            return self.fail(path, f"expected a mapping for {cls.__name__}, {_got(value)}")
        try:
            hints = class_annotations(cls)
        except NameError as error:  # a string annotation naming a class local to a function
            raise TypeError(
                f"Cannot read the annotations of {cls.__name__}: {error}; define the classes they name "
                f"at module level so that typing.get_type_hints can find them."
            ) from None
        fields = {field.name: field for field in dataclasses.fields(cls)}
        settable = [name for name, field in fields.items() if field.init]
        arguments, valid = {}, True
        for key, item in value.items():
            if key in settable:
                arguments[key] = self.convert(hints[key], item, (*path, key))
                valid = valid and arguments[key] is not _INVALID
            else:
                valid = self._unknown(cls, key, path, settable, fields)
        for name in settable:
            field = fields[name]
            if (
                name not in value
                and field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                self.fail(
                    (*path, name), f"is required by {cls.__name__} ({_type_name(hints[name])}) but not set"
                )
                valid = False
        if not valid:
            return _INVALID
        try:
            return cls(**arguments)
        except (ValueError, TypeError) as error:  # raised by __post_init__
            return self.fail(path, f"{cls.__name__} rejected the values: {error}")

    def _unknown(
        self, cls: type, key: str, path: KeyPath, settable: list[str], fields: dict[str, Any]
    ) -> bool:
        """Record a key the dataclass has no init field for; return False (not valid)."""
        if key in fields:
            self.fail((*path, key), f"is computed by {cls.__name__} (init=False) and cannot be set")
            return False
        near = find_close_matches(key, settable)
        if near:
            hint = f". {format_suggestion([format_path((*path, each)) for each in near])}"
        else:
            hint = (
                f"; expected one of {', '.join(settable)}" if settable else f"; {cls.__name__} takes no keys"
            )
        self.fail((*path, key), f"is not a field of {cls.__name__}{hint}")
        return False

    def _collection(self, origin: Any, args: tuple[Any, ...], value: Any, path: KeyPath) -> Any:
        if origin in _DICTS:
            if not isinstance(value, Mapping):
                return self.fail(path, f"expected a mapping, {_got(value)}")
            key_type, item_type = args or (Any, Any)
            items = {
                self.convert(key_type, key, (*path, key)): self.convert(item_type, item, (*path, key))
                for key, item in value.items()
            }
            invalid = any(key is _INVALID or item is _INVALID for key, item in items.items())
            return _INVALID if invalid else items
        if origin in _LISTS | _SETS or origin is tuple:
            return self._sequence(origin, args, value, path)
        if isinstance(origin, type):  # another generic class, such as type[int]: check the class only
            return self._scalar(origin, value, path)
        return self.fail(path, f"cannot check a value against {origin!r}; expected a dataclass or a type")

    def _sequence(self, origin: Any, args: tuple[Any, ...], value: Any, path: KeyPath) -> Any:
        if isinstance(value, str):  # text (what ${env:...} gives) in the list grammar, as everywhere
            try:
                value = split_list(value)
            except GrammarError as error:
                return self.fail(path, f"expected a list such as [1, 2, 3] ({error}), {_got(value)}")
        if not isinstance(value, (list, tuple)):
            return self.fail(path, f"expected a list, {_got(value)}")
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(value) != len(args):
                return self.fail(path, f"expected {len(args)} items, got {len(value)}")
            types = list(args)
        else:
            types = [args[0] if args else Any] * len(value)
        items = [self.convert(tp, item, (*path, index)) for index, (tp, item) in enumerate(zip(types, value))]
        if any(item is _INVALID for item in items):
            return _INVALID
        if origin is tuple:
            return tuple(items)
        if origin in _SETS:
            return frozenset(items) if origin is frozenset else set(items)
        return items

    def _scalar(self, tp: type, value: Any, path: KeyPath) -> Any:
        try:
            return coerce(value, tp)
        except ValueError:
            pass
        expected = _type_name(tp)
        if issubclass(tp, enum.Enum):
            expected = f"a member of {tp.__name__} ({', '.join(tp.__members__)})"
        return self.fail(path, f"expected {expected}, {_got(value)}")
