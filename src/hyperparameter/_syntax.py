"""What a piece of Python syntax says on its own: literal types, defaults, kinds, names.

The scanner asks these questions of :mod:`ast` nodes; none of them runs the
scanned code.

>>> find_called_name(ast.parse("hp.param('train')", mode="eval").body)
'param'
"""

from __future__ import annotations

import ast
import builtins
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from . import _kinds

# The arguments of a kind that change its description (bounds, choices, item or instance type).
_DESCRIBING = frozenset({"objects", "bounds", "inclusive_bounds", "item_type", "class_"})
_BUILTIN_TYPES = frozenset(
    {"bool", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple"}
)


def infer_literal_type(node: ast.expr) -> str:
    """Return the type of a default as written, or ``""`` when it takes running the code to know.

    >>> [infer_literal_type(ast.parse(text, mode="eval").body) for text in ("1e-3", "-2", "[1]", "f(x)")]
    ['float', 'int', 'list', '']
    """
    if isinstance(node, ast.Constant):
        return "" if node.value is None else type(node.value).__name__
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return type(node.operand.value).__name__
    containers = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict"}
    if type(node) in containers:
        return containers[type(node)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BUILTIN_TYPES:
        return node.func.id
    return ""


def is_dataclass_decorator(node: ast.expr) -> bool:
    return find_called_name(node) == "dataclass"


def unparse_annotation(annotation: Optional[ast.expr]) -> str:
    """Write an annotation as source text (``""`` for none, a forward reference's text as it is).

    >>> [unparse_annotation(ast.parse(text, mode="eval").body) for text in ("int", "'Model'", "list[int]")]
    ['int', 'Model', 'list[int]']
    """
    if annotation is None:
        return ""
    if isinstance(annotation, ast.Name):  # most annotations: ast.unparse costs ten times as much
        return annotation.id
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value  # a forward reference: "int"
    return ast.unparse(annotation)


DefaultedParameter = tuple[ast.arg, Optional[ast.expr], ast.expr, Optional[str]]


def find_defaulted(arguments: ast.arguments) -> Iterator[DefaultedParameter]:
    """Yield each parameter that has a default: (arg, annotation, default node, None)."""
    positional = [*arguments.posonlyargs, *arguments.args]
    for arg, default in zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults):
        yield arg, arg.annotation, default, None
    for arg, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        if kw_default is not None:
            yield arg, arg.annotation, kw_default, None


def find_dataclass_fields(node: ast.ClassDef) -> Iterator[DefaultedParameter]:
    """Yield the ``__init__`` parameters with defaults that ``@dataclass`` generates for ``node``."""
    for statement in node.body:
        if not (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.value is not None
            and "ClassVar" not in ast.unparse(statement.annotation)
        ):
            continue
        value, shown = statement.value, None
        if isinstance(value, ast.Call) and find_called_name(value) == "field":
            options = {k.arg: k.value for k in value.keywords}
            init = options.get("init")
            if isinstance(init, ast.Constant) and init.value is False:
                continue
            if "default" in options:
                value = options["default"]
            elif "default_factory" in options:
                shown = ast.unparse(options["default_factory"]) + "()"
            else:
                continue
        arg = ast.arg(arg=statement.target.id, annotation=statement.annotation)
        arg.lineno = statement.lineno
        yield arg, statement.annotation, value, shown


def find_assignments(body: list[ast.stmt]) -> Iterator[tuple[str, int, ast.expr]]:
    """Yield each ``name = value`` (or ``name: T = value``) of a class body: (name, line, value)."""
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            yield target.id, statement.lineno, value


_BUILTIN_ITEM_TYPES: dict[str, type] = {"bool": bool, "float": float, "int": int, "str": str}


def _evaluate_static(node: ast.expr) -> Any:
    """Return the value of a literal, or of a builtin type's name; raise ValueError for anything else."""
    if isinstance(node, ast.Name) and node.id in _BUILTIN_ITEM_TYPES:
        return _BUILTIN_ITEM_TYPES[node.id]
    return ast.literal_eval(node)


def describe_kind_type(kind: str, call: ast.Call) -> str:
    """Describe what a declared kind accepts, in the words of ``-ep``: ``float in [0, 1]``, ``list[int]``...

    The kind describes itself from the declaration's literal arguments (no scanned code
    runs); when they are not literals, its plain type name is what can be known.

    >>> [describe_kind_type(kind, ast.parse(text, mode="eval").body) for kind, text in [
    ...     ("Float", "hp.Float(1e-3, bounds=(0, 1))"), ("Choice", "Choice('a', ['a', 'b'])"),
    ...     ("List", "hp.List(item_type=int)"), ("Int", "hp.Int(N, bounds=(1, MAX))")]]
    ['float in [0, 1]', "one of 'a', 'b'", 'list[int]', 'int']
    """
    from . import _kinds  # loaded when a kind is met: a program without hp.Params needs none

    declared = getattr(_kinds, kind)
    options = {k.arg: k.value for k in call.keywords if k.arg in _DESCRIBING}
    if kind == "Instance":
        given = call.args[1] if len(call.args) > 1 else options.get("class_")
        return (find_called_name(given) if given is not None else "") or str(declared.type_name)
    try:
        values = []
        for index, node in enumerate(call.args):
            try:
                values.append(_evaluate_static(node))
            except ValueError:
                if index or (kind == "Choice" and len(call.args) < 2 and "objects" not in options):
                    raise
                values.append(None)  # the default: it does not change the description
        described = declared(*values, **{name: _evaluate_static(node) for name, node in options.items()})
        return str(described.describe_type())
    except (ValueError, TypeError, AttributeError, RecursionError, MemoryError):
        return str(declared.type_name)


def find_called_name(node: ast.expr) -> str:
    """Return the name ``f`` of ``f``, ``m.f``, ``f(...)`` or ``m.f(...)``."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def write_kind_spec(kind: str, call: ast.Call) -> str:
    """Write a kind's declaration as text under the kind's own name: ``Float(0.001, bounds=(0, 1))``.

    >>> write_kind_spec("Float", ast.parse("hp.Float(1e-3, bounds=(0, 1))", mode="eval").body)
    'Float(0.001, bounds=(0, 1))'
    """
    return ast.unparse(ast.Call(func=ast.Name(kind, ast.Load()), args=call.args, keywords=call.keywords))


def build_static_kind(spec: str) -> Optional[_kinds.Parameter[Any]]:
    """Build the kind a :func:`write_kind_spec` text declares from its literal arguments, or None.

    >>> build_static_kind("Float(0.001, bounds=(0, 1))").describe_type()
    'float in [0, 1]'
    >>> build_static_kind("Int(N)") is None
    True
    """
    from . import _kinds  # loaded when a kind is met: a program without hp.Params needs none

    try:
        call = ast.parse(spec, mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        declared = getattr(_kinds, call.func.id)
        values = [_evaluate_static(node) for node in call.args]
        options = {k.arg: _evaluate_static(k.value) for k in call.keywords if k.arg is not None}
        return declared(*values, **options)  # type: ignore[no-any-return]
    except (AttributeError, SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return None


_TYPE_NAMES: dict[str, Any] = {
    **{name: getattr(builtins, name) for name in (*_BUILTIN_TYPES, "complex", "object")},
    **{name: getattr(typing, name) for name in ("Any", "Dict", "FrozenSet", "List", "Literal", "Optional")},
    **{name: getattr(typing, name) for name in ("Sequence", "Set", "Tuple", "Union")},
    "None": None,
}


def resolve_static_type(text: str) -> Any:
    """Return the type an annotation of builtins and ``typing`` names means; None if it names others.

    >>> [resolve_static_type(text) for text in ("Optional[list[int]]", "int | None", "Literal['a', 'b']")]
    [typing.Optional[list[int]], typing.Optional[int], typing.Literal['a', 'b']]
    >>> resolve_static_type("torch.dtype") is None
    True
    """
    try:
        return _evaluate(ast.parse(text, mode="eval").body)
    except (KeyError, SyntaxError, TypeError, ValueError, RecursionError, MemoryError):
        return None


def _evaluate(node: ast.expr) -> Any:
    if isinstance(node, ast.Name):
        return _TYPE_NAMES[node.id]
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("typing", "t")
    ):
        return _TYPE_NAMES[node.attr]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):  # a forward reference
            return resolve_static_type(node.value) if node.value else None
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(item) for item in node.elts)
    if isinstance(node, ast.Subscript):
        origin = _evaluate(node.value)
        index = node.slice
        if origin is typing.Literal:
            return typing.Literal[ast.literal_eval(index)]
        return origin[_evaluate(index)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return typing.Union[_evaluate(node.left), _evaluate(node.right)]
    if isinstance(node, ast.UnaryOp):
        return ast.literal_eval(node)
    raise ValueError(ast.dump(node))
