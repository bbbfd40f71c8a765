"""Value conversion: a stored value read with a default takes the default's type.

Values set from the command line or from ``"key=value"`` strings are strings; a
read with a default converts them, so ``hp.scope.train.epochs | 10`` gives an
``int`` whether the value came from code or from ``-D train.epochs=20``.

>>> convert("flag", "yes", False)
True
>>> convert("count", "42", 0)
42
>>> convert("value", "3.14", 0)
3.14
>>> convert("name", 42, "0")
'42'
>>> convert("dims", "[128, 256]", [64])
[128, 256]
"""

from __future__ import annotations

import collections.abc
import enum
import numbers
import re
import sys
import types
import typing
from typing import Any, Callable

from ._grammar import GrammarError, IndexAssignment, split_list
from .exceptions import ConversionError

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "on"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "off"})
_INTEGER_TEXT = re.compile(r"^\s*[+-]?\d[\d_]*\s*$")
_BOOL_EXPECTED = "one of true/false, t/f, yes/no, y/n, on/off, 1/0 (any case)"


def convert(key: str, value: Any, default: Any) -> Any:
    """Return ``value`` as the type of ``default``, or raise ConversionError (the lenient mode).

    ``None`` on either side means "no type to convert to": the value is returned
    as stored. A value already of the default's type is returned unchanged.
    """
    if default is None or value is None or type(value) is type(default):
        return value
    if isinstance(value, str):
        return _from_string(key, value, default)
    if isinstance(value, IndexAssignment):
        return _assign_items(key, value, default)
    return _from_object(key, value, default)


def parse_bool(text: str) -> bool:
    """Return the truth value a word names, in any case; raise ValueError for any other text.

    >>> parse_bool(" Yes "), parse_bool("off")
    (True, False)
    """
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a truth value")


def _parse_number(text: str) -> int | float:
    """Parse an int when the text is one, else a float, so no precision is lost."""
    try:
        return int(text)
    except ValueError:
        if _INTEGER_TEXT.match(text):
            raise  # an integer int() refuses (too many digits) must not become inf
        return float(text)


def parse_enum(text: str, target: type[enum.Enum]) -> enum.Enum:
    """Return the member of ``target`` named by ``text``, or whose value reads as ``text``; else ValueError.

    >>> class Level(enum.IntEnum):
    ...     LOW = 1
    ...     HIGH = 2
    >>> parse_enum("HIGH", Level), parse_enum(" 2", Level)
    (<Level.HIGH: 2>, <Level.HIGH: 2>)
    """
    name = text.strip()
    if name in target.__members__:
        return target[name]
    for member in target:
        if str(member.value) == name:
            return member
    raise ValueError(text)


def _enum_expected(target: type[enum.Enum]) -> str:
    return f"a member name of {target.__name__} ({', '.join(target.__members__)})"


# The one table of text rules: (type, parser for a declared type, parser for a read
# with a default of the type, what is expected, whether the parsed text is then passed
# to the type itself). The two parsers differ for int only: a read with an int default
# keeps "3.14" as 3.14 (the seed's rule), a declared int refuses it.
_Rule = tuple[type, Callable[[str], Any], Callable[[str], Any], str, bool]
_TEXT_RULES: list[_Rule] = [
    (bool, parse_bool, parse_bool, _BOOL_EXPECTED, False),
    (int, int, _parse_number, "an integer such as '42'", False),
    (float, float, float, "a float such as '0.001' or '1e-3'", False),
    (complex, complex, complex, "a complex number such as '1+2j'", False),
]
_LENIENT_INT_EXPECTED = "an integer or a float such as '42' or '3.5'"


# The rule of each type that has one by its own exact type (most defaults are plain
# floats, ints and bools): one lookup instead of an issubclass test per rule. Only
# types that live as long as the process go in: the table's and pathlib's own.
_RULE_OF_TYPE: dict[type, _Rule] = {rule[0]: rule for rule in _TEXT_RULES}


def _text_rule(value_type: type) -> _Rule | None:
    rule = _RULE_OF_TYPE.get(value_type)
    if rule is not None:
        return rule
    for rule in _TEXT_RULES:
        if issubclass(value_type, rule[0]):
            return rule
    # Paths: no path exists before something imports pathlib, so it is looked up, not
    # imported (pathlib alone costs about as much as `import hyperparameter` on 3.13).
    pathlib = sys.modules.get("pathlib")
    if pathlib is None or not issubclass(value_type, pathlib.PurePath):
        return None
    rule = (pathlib.PurePath, str, str, "a path", True)
    if value_type.__module__.startswith("pathlib"):
        _RULE_OF_TYPE[value_type] = rule
    return rule


def _from_string(key: str, value: str, default: Any) -> Any:
    if isinstance(default, str):
        return value
    if isinstance(default, enum.Enum):
        try:
            return parse_enum(value, type(default))
        except ValueError:
            raise ConversionError(key, value, default, _enum_expected(type(default))) from None
    rule = _text_rule(type(default))
    if rule is not None:
        rule_type, _, parse, expected, rebuild = rule
        try:
            parsed = parse(value)
        except ValueError:
            raise ConversionError(
                key, value, default, _LENIENT_INT_EXPECTED if rule_type is int else expected
            ) from None
        return type(default)(parsed) if rebuild else parsed
    if isinstance(default, (list, tuple, set, frozenset)):
        return _parse_collection(key, value, default)
    if isinstance(default, dict):
        return _parse_mapping(key, value, default)
    # No rule for this type: the string is what the user set, so it is kept.
    return value


def _from_object(key: str, value: Any, default: Any) -> Any:
    if isinstance(default, str):
        try:
            return str(value)
        except ValueError:  # an int longer than sys.get_int_max_str_digits()
            raise ConversionError(
                key,
                value,
                default,
                "a value Python can write as text (ints up to sys.get_int_max_str_digits())",
            ) from None
    if isinstance(default, bool):
        if isinstance(value, numbers.Real) and value in (0, 1):
            return bool(value)
        raise ConversionError(key, value, default, "a bool, or the number 0 or 1")
    if isinstance(default, float) and not isinstance(value, bool) and isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:
            raise ConversionError(key, value, default, "a number within the range of a float") from None
    if isinstance(default, enum.Enum):
        try:
            return type(default)(value)
        except ValueError:
            raise ConversionError(key, value, default, f"a value of {type(default).__name__}") from None
    if isinstance(default, _COLLECTIONS) and isinstance(value, _COLLECTIONS):  # a file's list, a set default
        return _collection_of(key, list(value), default)
    return value


_COLLECTIONS = (list, tuple, set, frozenset)


def _item_default(items: list[Any], index: int) -> Any:
    """Return the default an item is converted by: the default's item at that place, else its last."""
    if not items:
        return None  # nothing to learn a type from: items stay strings
    return items[min(index, len(items) - 1)]


def _rebuild(default: Any, items: list[Any]) -> Any:
    """Build a collection of the default's type holding ``items``."""
    if isinstance(default, tuple) and hasattr(default, "_fields"):
        return type(default)(*items)  # a named tuple
    return type(default)(items)


def _parse_collection(key: str, text: str, default: Any) -> Any:
    try:
        texts = split_list(text)
    except GrammarError as error:
        raise ConversionError(key, text, default, f"a list such as [1, 2, 3] ({error})") from None
    return _collection_of(key, texts, default, text)


def _collection_of(key: str, given: list[Any], default: Any, shown: Any = None) -> Any:
    """Return ``given`` as the default's collection type, each item converted by the default's item there."""
    defaults = list(default)
    items = []
    for index, item in enumerate(given):
        try:
            items.append(convert(key, item, _item_default(defaults, index)))
        except ConversionError as error:
            raise ConversionError(
                key,
                given if shown is None else shown,
                default,
                f"a list whose items are {error.expected} (item {index} is {item!r})",
            ) from None
    return _rebuild(default, items)


def _parse_mapping(key: str, text: str, default: dict[Any, Any]) -> Any:
    import json  # loaded when a mapping is first read from text, not by every import

    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ConversionError(key, text, default, 'a JSON object such as {"a": 1}')
    return merge_mapping(key, default, parsed)


def merge_mapping(key: str, default: Any, given: collections.abc.Mapping[Any, Any]) -> Any:
    """``default`` with the entries of ``given`` merged in, as OmegaConf and Hydra merge configs.

    A nested mapping merges entry by entry; any other entry replaces the
    default's, converted to the type of the default's entry there. An empty
    ``given`` empties: the result is ``{}``. ``default`` itself is never changed.

    >>> merge_mapping("opt", {"lr": 0.1, "betas": {"b1": 0.9, "b2": 0.99}}, {"lr": "0.5", "betas": {"b2": 0.9}})
    {'lr': 0.5, 'betas': {'b1': 0.9, 'b2': 0.9}}
    >>> merge_mapping("opt", {"lr": 0.1}, {}), merge_mapping("opt", None, {"lr": 1})
    ({}, {'lr': 1})
    """  # noqa: E501
    if not given or not isinstance(default, collections.abc.Mapping):
        return dict(given)
    merged = default.copy() if isinstance(default, dict) else dict(default)
    for name, value in given.items():
        inner = merged.get(name)
        if (
            isinstance(value, collections.abc.Mapping)
            and value
            and isinstance(inner, collections.abc.Mapping)
        ):
            merged[name] = merge_mapping(f"{key}.{name}", inner, value)
        elif name in merged:
            merged[name] = convert(f"{key}.{name}", value, inner)
        else:
            merged[name] = value
    return merged


def _assign_items(key: str, assignment: IndexAssignment, default: Any) -> Any:
    """Apply ``name[i]=value`` to the list it assigns into (its base, else the default)."""
    base = assignment.base
    if not isinstance(default, (list, tuple)):
        if not isinstance(base, (list, tuple)):
            raise ConversionError(key, str(assignment), default, "a list default for an index assignment")
        default = base  # a lower layer's list (a -C file's), read without a list default
    items = list(default if base is None else convert(key, base, default))
    defaults = list(default)
    for index, text in sorted(assignment.items.items()):
        if index >= len(items):
            raise ConversionError(
                key, str(assignment), default, f"indexes below {len(items)}, the length of the list"
            )
        items[index] = convert(f"{key}[{index}]", text, _item_default(defaults, index))
    return _rebuild(default, items)


# -- the strict mode: values for a declared type ------------------------------------------------

_LISTS = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set)
_UNION_TYPES: tuple[Any, ...] = (typing.Union,)
if sys.version_info >= (3, 10):
    _UNION_TYPES += (types.UnionType,)


# The texts that give None where a declared type allows it (Optional[int], hp.Int(None)).
NONE_WORDS = frozenset({"None", "null"})


def reads_by_annotation(annotation: Any, default: Any) -> bool:
    """Tell whether a parameter reads scope values by its annotation rather than its default's type.

    So it does when the annotation names another type than the default's
    (``Optional[int] = None``, ``Union[int, Literal["auto"]] = "auto"``,
    ``lr: float = 1``) and the strict table reads text of every type it names.

    >>> reads_by_annotation(typing.Optional[int], None), reads_by_annotation(int, 3)
    (True, False)
    >>> reads_by_annotation(typing.Optional[typing.Callable[..., int]], None)
    False
    """
    target = typing.get_origin(annotation) or annotation
    return target is not type(default) and _reads_text(annotation)


def _reads_text(target: Any) -> bool:
    """Tell whether the strict table reads text of every type ``target`` names."""
    origin = typing.get_origin(target)
    if origin is typing.Literal or target is type(None):
        return True
    if origin in _UNION_TYPES or origin in (list, tuple, set, frozenset, dict):
        return all(_reads_text(arg) for arg in typing.get_args(target) if arg is not Ellipsis)
    if not isinstance(target, type) or origin is not None:
        return False
    return issubclass(target, enum.Enum) or _text_rule(target) is not None or target is str


def convert_declared(key: str, value: Any, default: Any, annotation: Any) -> Any:
    """Return ``value`` for a parameter that reads by its annotation (see ``reads_by_annotation``).

    Text is read strictly by the annotation, as the command line reads it; a
    value of exactly a type the annotation names stays as it is; any other
    value converts by the default's type, as every read does.

    >>> convert_declared("bs", "32", "auto", typing.Union[int, typing.Literal["auto"]])
    32
    >>> convert_declared("opt", "None", 4, typing.Optional[int]), convert_declared("lr", 2, 1, float)
    (None, 2.0)
    """
    if type(value) is str:
        return to_type(key, value, annotation)
    if not isinstance(value, IndexAssignment):
        try:
            return _typed(value, annotation)
        except _Refused:
            pass
    return convert(key, value, default)


def type_name(target: Any) -> str:
    """Name a declared type as a message shows it: ``int``, ``list[int]``, ``Literal['a', 'b']``.

    >>> type_name(int), type_name(typing.Optional[typing.List[int]])
    ('int', 'Optional[List[int]]')
    """
    if target is type(None):
        return "None"
    if isinstance(target, type) and not typing.get_args(target):
        return target.__name__
    return repr(target).replace("typing.", "")


def to_type(key: str, value: Any, target: Any) -> Any:
    """``value`` as a value of the declared type ``target``, or ConversionError (the strict mode).

    Text is parsed by the same table as a read with a default, and every value,
    text or not, must then be of the type: ``"2.5"``, ``2.5`` and ``"1e3"`` are
    not an ``int``, a list is not a ``float``, ``True`` is not a number. The
    conversions made are int to float (and complex), a list to a tuple or set,
    and text to the type.

    >>> to_type("lr", "1e-3", float), to_type("n", 3, float), to_type("dims", "[1, 2]", list[int])
    (0.001, 3.0, [1, 2])
    >>> to_type("act", "gelu", typing.Literal["relu", "gelu"])
    'gelu'
    >>> to_type("epochs", 2.5, int)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ConversionError: Cannot convert hyperparameter 'epochs' = 2.5 to int: expected an integer such as '42'.
    """  # noqa: E501
    try:
        if isinstance(value, IndexAssignment) and value.base is not None:
            value = _items_on_base(value)
        return _typed(value, target)
    except _Refused as refused:
        raise ConversionError(key, value, None, refused.expected, type_name(target)) from None


def _items_on_base(assignment: IndexAssignment) -> list[Any]:
    """Return the list ``name[i]=value`` makes of its base (a list text, or a lower layer's list).

    The items assigned stay text: the declared item type then reads them.
    """
    base = assignment.base
    try:
        items = split_list(base) if isinstance(base, str) else list(base)
    except (GrammarError, TypeError) as error:
        raise _Refused(f"a list such as [1, 2, 3] ({error})") from None
    for index, text in sorted(assignment.items.items()):
        if index >= len(items):
            raise _Refused(f"indexes below {len(items)}, the length of the list")
        items[index] = text
    return items


def coerce(value: Any, target: Any) -> Any:
    """``to_type`` without a key: ValueError whose message says what ``target`` accepts.

    >>> coerce("2", int), coerce(1, float)
    (2, 1.0)
    """
    try:
        return _typed(value, target)
    except _Refused as refused:
        raise ValueError(refused.expected) from None


class _Refused(Exception):
    """A value does not fit a declared type; ``expected`` says what would."""

    def __init__(self, expected: str) -> None:
        self.expected = expected


def _typed(value: Any, target: Any) -> Any:
    if target is typing.Any or target is object:
        return value
    origin = typing.get_origin(target)
    if origin in _UNION_TYPES:
        return _union(value, typing.get_args(target))
    if origin is typing.Literal:
        return _literal(value, typing.get_args(target))
    if origin is typing.Annotated:  # Annotated[int, ...] is an int with notes for other tools
        return _typed(value, typing.get_args(target)[0])
    if origin is collections.abc.Callable:
        if callable(value):
            return value
        raise _Refused("a callable (a function or class, set from Python)")
    if origin is type:
        if isinstance(value, type):
            return value
        raise _Refused("a class")
    if origin is not None or target in _LISTS or target is dict:
        return _container(value, origin or target, typing.get_args(target))
    if not isinstance(target, type):
        return value  # a typing form with no rule here (a TypeVar, a NewType): nothing to check
    if isinstance(value, IndexAssignment):
        raise _Refused(f"{_a(type_name(target))} (an index assignment needs a list)")
    if isinstance(value, str) and target is not str:
        return _typed_text(value, target)
    return _typed_object(value, target)


def _a(name: str) -> str:
    return ("an " if name[:1] in "aeiou" else "a ") + name


def _typed_text(text: str, target: Any) -> Any:
    if issubclass(target, enum.Enum):
        try:
            return parse_enum(text, target)
        except ValueError:
            raise _Refused(_enum_expected(target)) from None
    rule = _text_rule(target)
    if rule is None:
        if target is type(None):
            raise _Refused("None")
        try:  # a class without a rule is built from the text, as the command line always did
            return target(text)
        except (TypeError, ValueError):
            raise _Refused(_a(target.__name__)) from None
    try:
        parsed = rule[1](text)
    except ValueError:
        raise _Refused(rule[3]) from None
    return target(parsed) if rule[4] else parsed


def _typed_object(value: Any, target: type) -> Any:
    if isinstance(value, target) and not (isinstance(value, bool) and target is not bool):
        return value
    if target is type(None):
        raise _Refused("None")
    if not isinstance(value, bool):
        if target is float and isinstance(value, int):
            return float(value)
        if target is complex and isinstance(value, (int, float)):
            return complex(value)
        pathlib = sys.modules.get("pathlib")  # no path exists before pathlib is imported
        if (
            pathlib is not None
            and issubclass(target, pathlib.PurePath)
            and isinstance(value, pathlib.PurePath)
        ):
            return target(value)
        if issubclass(target, enum.Enum):
            for member in target:
                if type(member.value) is type(value) and member.value == value:
                    return member
            raise _Refused(f"a member of {target.__name__} ({', '.join(target.__members__)})")
    rule = _text_rule(target)
    raise _Refused(rule[3] if rule is not None else _a(target.__name__))


def _union(value: Any, members: tuple[Any, ...]) -> Any:
    if value is None and type(None) in members:
        return None
    if type(value) is str and value.strip() in NONE_WORDS and type(None) in members:
        return None  # `-D opt=None`, Hydra's `null`: the only way to give None as text
    if any(member is type(value) for member in members):  # Union[int, str] keeps "3" a string
        return value
    refusals = []
    for member in members:
        if member is type(None):
            continue
        try:
            return _typed(value, member)
        except _Refused as refused:
            refusals.append(refused.expected)
    raise _Refused(" or ".join(refusals + (["None"] if type(None) in members else [])))


def _literal(value: Any, choices: tuple[Any, ...]) -> Any:
    for choice in choices:
        if type(choice) is type(value) and choice == value:
            return choice
    if isinstance(value, str):
        for choice in choices:
            if str(choice) == value.strip():
                return choice
    raise _Refused("one of " + ", ".join(map(repr, choices)))


def _container(value: Any, origin: Any, args: tuple[Any, ...]) -> Any:
    if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
        return _mapping(value, args)
    if origin is tuple or origin in (set, frozenset, collections.abc.Set):
        container: Any = origin if origin in (tuple, set, frozenset) else set
    else:
        container = list
    name = "a tuple" if container is tuple else "a set" if container in (set, frozenset) else "a list"
    if isinstance(value, str):
        try:
            value = split_list(value)
        except GrammarError as error:
            raise _Refused(f"{name} such as [1, 2, 3] ({error})") from None
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise _Refused(f"{name} such as [1, 2, 3]")
    if container is tuple and args and args[-1] is not Ellipsis:
        if len(args) != len(value):
            raise _Refused(f"{name} of {len(args)} items")
        types_ = list(args)
    else:
        types_ = [args[0] if args else typing.Any] * len(value)
    items = []
    for index, (item, item_type) in enumerate(zip(value, types_)):
        try:
            items.append(_typed(item, item_type))
        except _Refused as refused:
            raise _Refused(f"{name} whose items are {refused.expected} (item {index} is {item!r})") from None
    return container(items)


def _mapping(value: Any, args: tuple[Any, ...]) -> Any:
    if isinstance(value, str):
        import json  # loaded when a mapping is first read from text, not by every import

        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise _Refused('a mapping such as {"a": 1}')
    if len(args) != 2:
        return value
    converted = {}
    for name, item in value.items():
        try:
            converted[_typed(name, args[0])] = _typed(item, args[1])
        except _Refused as refused:
            raise _Refused(f"a mapping whose values are {refused.expected} (at {name!r})") from None
    return converted
