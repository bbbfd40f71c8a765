"""Declared parameter kinds: ``hp.Float``, ``hp.Int``, ``hp.Choice``... as descriptors.

A kind checks values set from code (``TypeError`` for a wrong type,
``ValueError`` for a value out of bounds) and parses text from a scope or
``-D`` strictly. Reading through the descriptor gives, in order: the value set
on the instance, the current scope's ``<namespace>.<name>``, the class default.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar
from typing import Callable as CallableType

from ._convert import NONE_WORDS, coerce, merge_mapping
from ._generators import follow_reader
from ._grammar import GrammarError, IndexAssignment, split_list
from ._levels import ABSENT, Level, is_lasting, remember_at
from ._mappings import gathered
from .exceptions import ConversionError, ParameterTypeError, ParameterValueError

if TYPE_CHECKING:
    from ._description import Description

_get_current = follow_reader(globals())  # see _generators: current.get while no generator has a block open
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "<unset>"})()
T = TypeVar("T")


class Parameter(Generic[T]):
    """The base of every kind: default, documentation and the read/write protocol.

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     lr = hp.Float(1e-3)
    >>> isinstance(Train.param("lr"), hp.Parameter)
    True

    ``Parameter[T]`` is generic in the type a read gives, so type checkers see
    ``Train().lr`` as a ``float`` when ``lr = hp.Float(...)``.

    Args:
        default: The class default, checked when the class is defined.
        doc: What the parameter means, shown by ``-lps``/``-ep`` and ``hp desc``.
        allow_None: Whether ``None`` is a valid value.
        constant: Set on the class only, never on an instance.
        readonly: Never set after the class is defined.
    """

    type_name = "object"
    _mutable = False
    _gathers = False  # a dict kind gathers the keys under its key when its key is unset
    _arguments: dict[str, Any]
    declared_at: tuple[str, int]  # the file and line of the declaration (of the class, for a copy)

    def __new__(cls, *args: Any, **kwargs: Any) -> Parameter[T]:
        self = super().__new__(cls)
        code = cls.__init__.__code__
        self._arguments = {**dict(zip(code.co_varnames[1 : code.co_argcount], args)), **kwargs}
        caller = sys._getframe(1)  # the class body that declares it: cheaper than inspect, and exact
        self.declared_at = (caller.f_code.co_filename, caller.f_lineno)
        return self

    def __init__(
        self,
        default: Any = None,
        *,
        doc: str = "",
        allow_None: bool = False,
        constant: bool = False,
        readonly: bool = False,
    ) -> None:
        self.default: T = default
        self.doc = doc
        self.allow_None = allow_None or default is None
        self.constant = constant or readonly
        self.readonly = readonly
        self.name = ""
        self.key = ""
        self.owner: Optional[type] = None
        self.inherits_default = False  # a subclass's copy follows its base's class default
        self._remembered: tuple[Any, T] = (None, UNSET)

    # -- checking -----------------------------------------------------------
    def check(self, value: Any) -> Any:
        """Return ``value`` if this kind accepts it; TypeError or ValueError otherwise."""
        if value is None:
            if self.allow_None:
                return None
            raise ParameterTypeError(
                f"Parameter {self.key or self.name!r} does not accept None (allow_None=False).",
                self.key,
                None,
            )
        return self._check(value)

    def _check(self, value: Any) -> Any:
        return value

    def parse(self, text: str) -> Any:
        """Turn text from a scope or ``-D`` into a value of this kind (ValueError if it cannot)."""
        raise ValueError(f"{self.type_name} parameters take no text")

    def parse_text(self, text: str) -> Any:
        """Turn text into a value of this kind, ``None``/``null`` into None where the kind allows None.

        >>> import hyperparameter as hp
        >>> hp.Int(None).parse_text("null"), hp.Float(0.1, allow_None=True).parse_text("None")
        (None, None)
        """
        return None if self.allow_None and text.strip() in NONE_WORDS else self.parse(text)

    def assign_items(self, assignment: IndexAssignment) -> Any:
        """Apply ``name[i]=value`` to this kind's value; only a list kind takes one (ValueError)."""
        raise ValueError("an index assignment needs a list")

    def expected(self) -> str:
        """Describe what this kind accepts, for messages."""
        return f"a {self.type_name}"

    def _build_type_error(self, value: Any) -> ParameterTypeError:
        return ParameterTypeError(
            f"Parameter {self.key or self.name!r} expects {self.expected()}, "
            f"not {type(value).__name__} {value!r}.",
            self.key,
            value,
        )

    def _build_range_error(self, value: Any, why: str) -> ParameterValueError:
        return ParameterValueError(
            f"Parameter {self.key or self.name!r} = {value!r} is out of range: {why}.", self.key, value
        )

    def from_scope(self, value: Any) -> Any:
        """Parse a scope's value for this parameter strictly, and check it."""
        if self.readonly:
            expected = f"no value from a scope or the command line: it is read-only (always {self.default!r})"
            raise ConversionError(self.key, value, self.default, expected)
        try:
            if isinstance(value, IndexAssignment):
                value = self.assign_items(value)
            return self.check(self.parse_text(value) if isinstance(value, str) else value)
        except (TypeError, ValueError) as error:
            detail = "" if isinstance(error, ParameterValueError) else f" ({error})"
            raise ConversionError(self.key, value, self.default, f"{self.expected()}{detail}") from None

    # -- the descriptor -------------------------------------------------------
    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def bind(self, owner: type, name: str, namespace: str) -> None:
        """Attach to ``owner`` under ``name``, reading ``<namespace>.<name>`` from scopes."""
        self.owner, self.name, self.key = owner, name, f"{namespace}.{name}"
        try:
            self.default = self.check(self.default)
        except (TypeError, ValueError) as error:
            refusal = ParameterValueError if isinstance(error, ValueError) else ParameterTypeError
            raise refusal(
                f"Bad default for {owner.__name__}.{name}: {error}", self.key, self.default
            ) from None

    def inherit(self, base: Parameter[Any]) -> None:
        """Take from ``base`` (the parameter a base class declared) what this declaration leaves out.

        A subclass that declares a parameter again keeps the bounds, doc and other
        settings it does not restate, as holoviz Param does:

        >>> import hyperparameter as hp
        >>> class Train(hp.Params, namespace="train"):
        ...     lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
        >>> class Fine(Train):
        ...     lr = hp.Float(1e-4)
        >>> Fine.param("lr").bounds, Fine.param("lr").doc, Fine().lr
        ((0, 1), 'learning rate', 0.0001)
        """
        accepted = _collect_argument_names(type(self))
        merged = {name: value for name, value in base._arguments.items() if name in accepted}
        merged.update(self._arguments)
        if merged != self._arguments:
            type(self).__init__(self, **merged)
            self._arguments = merged

    def copy_for(self, owner: type, namespace: str, default: Any = UNSET) -> Parameter[T]:
        """Copy this parameter with its metadata for a subclass (optionally with a new default)."""
        twin = copy.copy(self)
        twin._remembered = (None, UNSET)
        twin.inherits_default = default is UNSET
        if default is not UNSET:
            twin.default = default
        twin.bind(owner, self.name, namespace)
        return twin

    def __get__(self, instance: Any, owner: Optional[type] = None) -> T:
        if instance is not None:
            own: T = instance.__dict__.get(self.name, UNSET)
            if own is not UNSET:
                return own
        level = _get_current()
        remembered = self._remembered
        if remembered[0] is level:
            if remembered[1] is not UNSET:
                return remembered[1]
            return (
                self._copy_for_instance(instance) if self._mutable and instance is not None else self.default
            )
        return self._from_level(level, instance)

    def _from_level(self, level: Level, instance: Any) -> T:
        value = level[self.key]
        shareable = is_lasting(level)
        if value is ABSENT:
            if self._gathers:  # a dict kind: the keys under its key are its entries
                merged = gathered(level, self.key, self.default)
                if merged is not self.default:
                    own: T = self.check(merged)
                    return own  # not remembered: each read gets its own dict
            if shareable:
                self._remember(level, UNSET)
            if instance is not None and self._mutable:
                return self._copy_for_instance(instance)
            return self.default
        checked: T = self.from_scope(value)
        if shareable and not self._mutable:
            self._remember(level, checked)
        return checked

    def value_at(self, level: Level) -> Any:
        """Return the value ``level`` sets for this parameter, parsed and checked; UNSET when it sets none.

        >>> import hyperparameter as hp
        >>> from hyperparameter._engine import innermost
        >>> class Opt(hp.Params, namespace="opt"):
        ...     betas = hp.Dict({"b1": 0.9, "b2": 0.99})
        >>> with hp.scope(**{"opt.betas.b2": "0.9"}):
        ...     Opt.param("betas").value_at(innermost())
        {'b1': 0.9, 'b2': 0.9}
        """
        value = level[self.key]
        if value is not ABSENT:
            return self.from_scope(value)
        if self._gathers:
            merged = gathered(level, self.key, self.default)
            if merged is not self.default:
                return self.check(merged)
        return UNSET

    def _remember(self, level: Level, answer: Any) -> None:
        """Keep ``level``'s answer (UNSET: not set there) until the level's block ends."""
        self._remembered = (level, answer)
        remember_at(level, self)

    def _hp_forget(self, level: Level) -> None:
        """Drop the answer remembered for ``level``: its block has ended."""
        if self._remembered[0] is level:
            self._remembered = (None, UNSET)

    def _copy_for_instance(self, instance: Any) -> T:
        """Return the instance's own copy of a mutable class default (renewed if the default changes)."""
        copies = instance.__dict__.setdefault("_hp_default_copies", {})
        copied: T
        source, copied = copies.get(self.name, (None, None))
        if source is not self.default:
            copied = copy.deepcopy(self.default)
            copies[self.name] = (self.default, copied)
        return copied

    def __set__(self, instance: Any, value: T) -> None:
        if self.constant:
            raise ParameterTypeError(
                f"Parameter {self.key!r} is {'read-only' if self.readonly else 'constant'}; "
                "it cannot be set on an instance.",
                self.key,
                value,
            )
        instance._hp_apply({self.name: self.check(value)})

    def __delete__(self, instance: Any) -> None:
        instance.__dict__.pop(self.name, None)

    def json_schema(self) -> dict[str, Any]:
        """Describe this parameter as a JSON-schema property."""
        schema = self._schema()
        if self.allow_None and "type" in schema:
            schema["type"] = [schema["type"], "null"]
        if self.doc:
            schema["description"] = self.doc
        if self.default is not None and _is_json(self.default):
            schema["default"] = copy.deepcopy(self.default)
        if self.constant:
            schema["readOnly"] = True
        return schema

    def _schema(self) -> dict[str, Any]:
        return {}

    def describe_type(self) -> str:
        """Type and constraints in a few words, for listings."""
        return self.type_name

    def describe(self) -> Description:
        """Describe this parameter: key, default, type and bounds, doc, and where it is declared.

        >>> import hyperparameter as hp
        >>> class Train(hp.Params, namespace="train"):
        ...     lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
        >>> found = Train.param("lr").describe()
        >>> found.key, found.default, found.type_name, found.description, found.function, found.role
        ('train.lr', '0.001', 'float in [0, 1]', 'learning rate', 'Train', 'declared')
        """
        from ._description import Description

        path, line = self.declared_at
        return Description(
            self.key,
            repr(self.default),
            self.describe_type(),
            self.key.rpartition(".")[0],
            self.owner.__qualname__ if self.owner is not None else "",
            path,
            line,
            self.doc,
            "declared",
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.default!r}{', doc=' + repr(self.doc) if self.doc else ''})"


class Number(Parameter[T]):
    """A number with optional bounds, exclusive bounds and soft bounds (metadata only)."""

    _accepted: tuple[type, ...] = (int, float)

    def __init__(
        self,
        default: Any = 0,
        *,
        bounds: Optional[tuple[Any, Any]] = None,
        inclusive_bounds: tuple[bool, bool] = (True, True),
        softbounds: Optional[tuple[Any, Any]] = None,
        **options: Any,
    ) -> None:
        self.bounds = bounds
        self.inclusive_bounds = inclusive_bounds
        self.softbounds = softbounds
        super().__init__(default, **options)

    def _check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, self._accepted):
            raise self._build_type_error(value)
        low, high = self.bounds or (None, None)
        low_in, high_in = self.inclusive_bounds
        if self.bounds and value != value:  # NaN compares false with every bound
            raise self._build_range_error(value, f"expected {self.describe_bounds()}")
        if low is not None and (value < low or (value == low and not low_in)):
            raise self._build_range_error(value, f"expected {self.describe_bounds()}")
        if high is not None and (value > high or (value == high and not high_in)):
            raise self._build_range_error(value, f"expected {self.describe_bounds()}")
        return value

    def describe_bounds(self) -> str:
        low, high = self.bounds or (None, None)
        left = "(" if not self.inclusive_bounds[0] or low is None else "["
        right = ")" if not self.inclusive_bounds[1] or high is None else "]"
        return f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"

    def expected(self) -> str:
        bounds = f" in {self.describe_bounds()}" if self.bounds else ""
        return f"{'an' if self.type_name == 'int' else 'a'} {self.type_name}{bounds}"

    def describe_type(self) -> str:
        return self.type_name + (f" in {self.describe_bounds()}" if self.bounds else "")

    def _schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.type_name == "int" else "number"}
        low, high = self.bounds or (None, None)
        if low is not None:
            schema["minimum" if self.inclusive_bounds[0] else "exclusiveMinimum"] = low
        if high is not None:
            schema["maximum" if self.inclusive_bounds[1] else "exclusiveMaximum"] = high
        return schema


class Float(Number[float]):
    """A float; ints are accepted and become floats.

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
    >>> with hp.scope(**{"train.lr": "0.5"}):
    ...     Train().lr
    0.5
    >>> Train(lr=2)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ParameterValueError: Parameter 'train.lr' = 2 is out of range: expected [0, 1].
    """

    type_name = "float"

    def _check(self, value: Any) -> Any:
        return float(super()._check(value))

    def parse(self, text: str) -> Any:
        return coerce(text, float)


class Int(Number[int]):
    """An integer; floats are refused, even 2.0.

    >>> import hyperparameter as hp
    >>> class Model(hp.Params, namespace="model"):
    ...     layers = hp.Int(3, bounds=(1, None))
    >>> with hp.scope("model.layers=7"):
    ...     Model().layers
    7
    """

    type_name = "int"
    _accepted = (int,)

    def parse(self, text: str) -> Any:
        return coerce(text, int)


class Bool(Parameter[bool]):
    """True or False; text is true/false, yes/no, on/off, 1/0 (any case).

    >>> import hyperparameter as hp
    >>> class Run(hp.Params, namespace="run"):
    ...     debug = hp.Bool(False)
    >>> with hp.scope("run.debug=yes"):
    ...     Run().debug
    True
    """

    type_name = "bool"

    def _check(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise self._build_type_error(value)
        return value

    def parse(self, text: str) -> Any:
        return coerce(text, bool)

    def _schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Str(Parameter[str]):
    """A string, optionally matching a regular expression.

    >>> import hyperparameter as hp
    >>> class Data(hp.Params, namespace="data"):
    ...     split = hp.Str("train", regex=r"[a-z]+")
    >>> Data(split="valid").split
    'valid'
    """

    type_name = "str"

    def __init__(self, default: Any = "", *, regex: Optional[str] = None, **options: Any) -> None:
        self.regex = regex
        super().__init__(default, **options)

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise self._build_type_error(value)
        if self.regex is not None and not re.fullmatch(self.regex, value):
            raise self._build_range_error(value, f"it does not match {self.regex!r}")
        return value

    def parse(self, text: str) -> Any:
        return text

    def expected(self) -> str:
        return f"a str{f' matching {self.regex!r}' if self.regex else ''}"

    def _schema(self) -> dict[str, Any]:
        return {"type": "string", **({"pattern": self.regex} if self.regex else {})}


class Choice(Parameter[Any]):
    """One of a fixed list of objects.

    >>> import hyperparameter as hp
    >>> class Net(hp.Params, namespace="net"):
    ...     act = hp.Choice("relu", ["relu", "gelu"])
    >>> with hp.scope(**{"net.act": "gelu"}):
    ...     Net().act
    'gelu'
    """

    type_name = "choice"

    def __init__(self, default: Any = None, objects: Optional[list[Any]] = None, **options: Any) -> None:
        self.objects = list(objects if objects is not None else [default])
        if any(each is None for each in self.objects):
            options["allow_None"] = True  # None listed among the objects is one of them
        super().__init__(default, **options)

    def _check(self, value: Any) -> Any:
        if value not in self.objects:
            raise self._build_range_error(value, f"expected one of {self.objects!r}")
        return value

    def parse(self, text: str) -> Any:
        for candidate in self.objects:
            if candidate == text or str(candidate) == text.strip():
                return candidate
        raise ValueError(f"{text!r} is not one of {self.objects!r}")

    def expected(self) -> str:
        return f"one of {self.objects!r}"

    def describe_type(self) -> str:
        return "one of " + ", ".join(map(repr, self.objects))

    def _schema(self) -> dict[str, Any]:
        allowed = [each for each in self.objects if _is_json(each)]
        return {"enum": allowed + ([None] if self.allow_None and None not in allowed else [])}


class List(Parameter[list[Any]]):
    """A list, with an optional item type and length bounds ``(min, max)``.

    >>> import hyperparameter as hp
    >>> class Net(hp.Params, namespace="net"):
    ...     dims = hp.List([64, 64], item_type=int)
    >>> with hp.scope("net.dims=[128,256]"):
    ...     Net().dims
    [128, 256]
    """

    type_name = "list"
    _mutable = True

    def __init__(
        self,
        default: Any = None,
        *,
        item_type: Optional[type] = None,
        bounds: Optional[tuple[Optional[int], Optional[int]]] = None,
        **options: Any,
    ) -> None:
        self.item_type = item_type
        self.bounds = bounds
        super().__init__([] if default is None and not options.get("allow_None") else default, **options)

    def _check(self, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise self._build_type_error(value)
        if self.item_type is not None:
            for index, item in enumerate(value):
                if not isinstance(item, self.item_type) or (
                    isinstance(item, bool) and self.item_type is not bool
                ):
                    raise ParameterTypeError(
                        f"Parameter {self.key or self.name!r} item {index} is {item!r}, "
                        f"not {self.item_type.__name__}.",
                        self.key,
                        value,
                    )
        low, high = self.bounds or (None, None)
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise self._build_range_error(value, f"expected a length in {self._format_length()}")
        return list(value)

    def parse(self, text: str) -> Any:
        try:
            items = split_list(text)
        except GrammarError as error:
            raise ValueError(str(error)) from None
        if self.item_type is None or self.item_type is str:
            return items
        return [coerce(item, self.item_type) for item in items]

    def assign_items(self, assignment: IndexAssignment) -> Any:
        """Replace items of the list assigned with them (a text or a lower layer's list), else of the default.

        >>> import hyperparameter as hp
        >>> class Net(hp.Params, namespace="net"):
        ...     dims = hp.List([64, 64], item_type=int)
        >>> with hp.scope("net.dims[1]=128"):
        ...     Net().dims
        [64, 128]
        """
        base = assignment.base
        items = list(
            self.default or () if base is None else self.parse(base) if isinstance(base, str) else base
        )
        for index, text in sorted(assignment.items.items()):
            if index >= len(items):
                raise ValueError(f"item {index} is past the end of a list of {len(items)}")
            items[index] = text if self.item_type in (None, str) else coerce(text, self.item_type)
        return items

    def _format_length(self) -> str:
        low, high = self.bounds or (None, None)
        return f"[{low or 0}, {'inf' if high is None else high}]"

    def expected(self) -> str:
        items = f" of {self.item_type.__name__}" if self.item_type else ""
        return f"a list{items}{f' with a length in {self._format_length()}' if self.bounds else ''}"

    def describe_type(self) -> str:
        items = self.item_type.__name__ if self.item_type else "any"
        return f"list[{items}]{f', length in {self._format_length()}' if self.bounds else ''}"

    def _schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array"}
        names = {int: "integer", float: "number", str: "string", bool: "boolean"}
        if self.item_type in names:
            schema["items"] = {"type": names[self.item_type]}
        low, high = self.bounds or (None, None)
        if low is not None:
            schema["minItems"] = low
        if high is not None:
            schema["maxItems"] = high
        return schema


class Dict(Parameter[dict[str, Any]]):
    """A dict; text is a JSON object.

    >>> import hyperparameter as hp
    >>> class Opt(hp.Params, namespace="opt"):
    ...     betas = hp.Dict({"beta1": 0.9})
    >>> with hp.scope('opt.betas={"beta1": 0.8}'):
    ...     Opt().betas
    {'beta1': 0.8}
    """

    type_name = "dict"
    _mutable = True
    _gathers = True

    def __init__(self, default: Any = None, **options: Any) -> None:
        super().__init__({} if default is None and not options.get("allow_None") else default, **options)

    def _check(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise self._build_type_error(value)
        return value

    def parse(self, text: str) -> Any:
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            raise ValueError(f"{text!r} is not a JSON object")
        return merge_mapping(self.key, self.default, parsed)

    def _schema(self) -> dict[str, Any]:
        return {"type": "object"}


def _collect_argument_names(kind: type) -> set[str]:
    """Every argument name the constructors along ``kind``'s bases accept."""
    names: set[str] = set()
    for klass in kind.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None and hasattr(init, "__code__"):
            code = init.__code__
            names.update(code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount])
    return names


def _is_json(value: Any) -> bool:
    """Whether ``value`` can appear in a JSON document."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _import_object(path: str) -> Any:
    """Import the object named by ``'package.module:attr'`` or ``'package.module.attr'``."""
    module_name, sep, attribute = path.strip().partition(":")
    if not sep:
        module_name, _, attribute = path.strip().rpartition(".")
    if not module_name or not attribute:
        raise ValueError(f"{path!r} is not an import path such as 'math:sqrt'")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"cannot import {path!r}: {error}") from None
    return target


class Instance(Parameter[Any]):
    """An instance of ``class_``; text is an import path to such an object.

    >>> import hyperparameter as hp, pathlib
    >>> class Paths(hp.Params, namespace="paths"):
    ...     root = hp.Instance(pathlib.PurePosixPath("/data"), class_=pathlib.PurePath)
    >>> Paths().root
    PurePosixPath('/data')
    """

    type_name = "instance"

    def __init__(self, default: Any = None, class_: type = object, **options: Any) -> None:
        self.class_ = class_
        super().__init__(default, **options)

    def _check(self, value: Any) -> Any:
        if not isinstance(value, self.class_):
            raise self._build_type_error(value)
        return value

    def parse(self, text: str) -> Any:
        return _import_object(text)

    def expected(self) -> str:
        return f"an instance of {self.class_.__name__}"

    def describe_type(self) -> str:
        return self.class_.__name__


class Callable(Parameter[CallableType[..., Any]]):
    """A callable; text is an import path such as ``'torch.nn.functional:gelu'``.

    >>> import hyperparameter as hp
    >>> class Loss(hp.Params, namespace="loss"):
    ...     reduce = hp.Callable(sum)
    >>> with hp.scope("loss.reduce=builtins:max"):
    ...     Loss().reduce([1, 3, 2])
    3
    """

    type_name = "callable"

    def _check(self, value: Any) -> Any:
        if not callable(value):
            raise self._build_type_error(value)
        return value

    def parse(self, text: str) -> Any:
        return _import_object(text)
