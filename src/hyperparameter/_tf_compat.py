"""TensorFlow's ``parse_values`` and ``HParams``, for code ported from TF 1.x / tensor2tensor.

Both behave as TensorFlow's do, error messages included, so code and tests
written against TensorFlow keep passing. Protocol buffers (``hparam_def``,
``to_proto``) are not supported.

>>> parse_values("lr=0.1,layers=[64,64],act=relu,dims[1]=3",
...              {"lr": float, "layers": int, "act": str, "dims": int})
{'lr': 0.1, 'layers': [64, 64], 'act': 'relu', 'dims': {1: 3}}
"""

from __future__ import annotations

import json
import numbers
import re
from typing import Any, Callable, Optional, cast

from ._grammar import split_list

# One clause: a name, an optional [index], '=', then a scalar or a [list], then ',' or the end.
_CLAUSE = re.compile(
    r"(?P<name>[a-zA-Z][\w.]*)"
    r"(?:\[\s*(?P<index>\d+)\s*\])?"
    r"\s*=\s*"
    r"(?:(?P<scalar>[^,\[]*)|\[(?P<items>[^\]]*)\])"
    r"(?:$|,\s*)"
)


def _build_parse_error(name: str, value_type: type, text: str, values: str) -> ValueError:
    return ValueError(
        f"Could not parse hparam '{name}' of type '{value_type.__name__}' with value '{text}' in {values}"
    )


def _build_reassignment_error(name: str, values: str) -> ValueError:
    return ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _make_parser(value_type: type) -> Callable[[str], Any]:
    if value_type is not bool:
        return value_type
    return _parse_tf_bool


def _parse_tf_bool(text: str) -> bool:
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    return bool(int(text))


def parse_values(values: str, type_map: dict[str, type], ignore_unknown: bool = False) -> dict[str, Any]:
    """Parse ``name=value,...`` into a dict, converting by ``type_map``, as TensorFlow does.

    Values are scalars, ``[lists]`` (commas or spaces between items) or index
    assignments ``name[i]=value``, which give ``{name: {i: value}}``. Names may
    contain dots. The result keeps the order of first appearance.

    Raises:
        ValueError: malformed text, an unknown name (unless ``ignore_unknown``),
            a value that does not parse, a list assigned to an index, or a name
            assigned twice.

    >>> import hyperparameter as hp
    >>> hp.parse_values("lr=0.1,dims=[64 128],dims_x[0]=3", {"lr": float, "dims": int, "dims_x": int})
    {'lr': 0.1, 'dims': [64, 128], 'dims_x': {0: 3}}
    """
    results: dict[str, Any] = {}
    position = 0
    while position < len(values):
        clause = _CLAUSE.match(values, position)
        if clause is None:
            raise ValueError(f"Malformed hyperparameter value: {values[position:]}")
        position = clause.end()
        name = clause["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        value_type = type_map[name]
        if clause["scalar"] is not None:
            _put_scalar(results, name, value_type, clause["scalar"], clause["index"], values)
        else:
            _put_list(results, name, value_type, clause["items"], clause["index"], values)
    return results


def _put_scalar(
    results: dict[str, Any], name: str, value_type: type, text: str, index: Optional[str], values: str
) -> None:
    try:
        value = _make_parser(value_type)(text)
    except ValueError:
        raise _build_parse_error(name, value_type, text, values) from None
    if index is None:
        if name in results:
            raise _build_reassignment_error(name, values)
        results[name] = value
        return
    assigned = results.setdefault(name, {})
    if not isinstance(assigned, dict):
        raise _build_reassignment_error(name, values)
    if int(index) in assigned:
        raise _build_reassignment_error(f"{name}[{int(index)}]", values)
    assigned[int(index)] = value


def _put_list(
    results: dict[str, Any], name: str, value_type: type, text: str, index: Optional[str], values: str
) -> None:
    if index is not None:
        raise ValueError("Assignment of a list to a list index.")
    if name in results:
        raise _build_reassignment_error(name, values)
    parse = _make_parser(value_type)
    try:
        results[name] = [parse(item) for item in split_list(f"[{text}]", quotes=False)]
    except ValueError:
        raise _build_parse_error(name, value_type, text, values) from None


def _cast(name: str, value_type: type, value: Any) -> Any:
    """Cast as TensorFlow does: int to float is fine; bool, str and integer lines are kept."""
    refused = ValueError(f"Could not cast hparam '{name}' of type '{value_type}' from value {value!r}")
    if type(value) is value_type or issubclass(value_type, type(None)):
        return value
    if issubclass(value_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise refused
    if issubclass(value_type, bool) != isinstance(value, bool):
        raise refused
    if issubclass(value_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise refused
    if issubclass(value_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise refused
    return cast(Any, value_type)(value)


class HParams:
    """A set of named, typed hyperparameters, compatible with TensorFlow's ``HParams``.

    >>> hparams = HParams(learning_rate=0.1, num_hidden_units=[64, 64], activation="relu")
    >>> hparams.parse("learning_rate=0.3,num_hidden_units=[32,16]").learning_rate
    0.3
    >>> hparams
    HParams([('activation', 'relu'), ('learning_rate', 0.3), ('num_hidden_units', [32, 16])])
    >>> str(hparams)
    'learning_rate=0.3,num_hidden_units=[32, 16],activation=relu'
    """

    def __init__(self, hparam_def: Any = None, model_structure: Any = None, **kwargs: Any) -> None:
        if hparam_def is not None:
            raise ValueError("HParams protocol buffers (hparam_def) are not supported.")
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Add a hyperparameter; its type (and whether it is a list) comes from ``value``."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def _check_value(self, name: str, value: Any) -> Any:
        """Cast ``value`` for ``name``, or raise; set nothing."""
        value_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            return [_cast(name, value_type, item) for item in value]
        if is_list:
            raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
        return _cast(name, value_type, value)

    def set_hparam(self, name: str, value: Any) -> None:
        """Set an existing hyperparameter, casting by its type (KeyError if unknown)."""
        setattr(self, name, self._check_value(name, value))

    def del_hparam(self, name: str) -> None:
        """Remove a hyperparameter, if it exists."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        """Override values from ``name=value,...`` text; return self."""
        type_map = {name: value_type for name, (value_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict: dict[str, Any]) -> HParams:
        """Set every value of ``values_dict``; all are checked before any is set. Return self."""
        checked = {name: self._check_value(name, value) for name, value in values_dict.items()}
        for name, value in checked.items():
            setattr(self, name, value)
        return self

    def set_model_structure(self, model_structure: Any) -> None:
        """Attach a description of the model these hyperparameters configure."""
        self._model_structure = model_structure

    def get_model_structure(self) -> Any:
        """Return the description given to the constructor or ``set_model_structure``."""
        return self._model_structure

    def to_json(self, indent: Optional[int] = None, separators: Any = None, sort_keys: bool = False) -> str:
        """Return the values as JSON, leaving out callables."""
        return json.dumps(
            _drop_callables(self.values()), indent=indent, separators=separators, sort_keys=sort_keys
        )

    def parse_json(self, values_json: str) -> HParams:
        """Override values from a JSON object; return self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict[str, Any]:
        """Every hyperparameter's name and value."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key: str, default: Any = None) -> Any:
        """Return ``key``'s value if it exists (checking that ``default`` fits its type), else ``default``."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            value_type, is_list = self._hparam_types[key]
            described = f"list<{value_type}>" if is_list else str(value_type)
            problem = f"Hparam '{key}' of type '{described}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(problem)
            try:
                for item in default if is_list else [default]:
                    _cast(key, value_type, item)
            except ValueError as error:
                raise ValueError(f"{problem}. {error}") from None
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return ",".join(f"{name}={value}" for name, value in self.values().items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.values().items())})"


def _drop_callables(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_callables(item) for key, item in value.items() if not callable(item)}
    if isinstance(value, list):
        return [_drop_callables(item) for item in value if not callable(item)]
    return value
