"""Evaluate a function's annotations one parameter at a time, ``X | Y`` included on Python 3.9.

Under ``from __future__ import annotations`` every annotation is text. One
that names something only a type checker imports (``if TYPE_CHECKING:``)
cannot be evaluated; it costs only its own parameter its type, with a warning,
and the others keep theirs. ``int | None`` in such text is evaluated on
Python 3.9 too, where ``|`` between types does not exist yet, by reading it as
``Union[int, None]`` (as type checkers do).
"""

from __future__ import annotations

import inspect
import sys
import typing
import warnings
from typing import Any, Callable

# Where an annotation's text is evaluated, the name `Union` is the user's own; ours hides here.
_UNION = "__hyperparameter_union__"
# One warning per function, parameter and annotation, however often the annotations are read.
_WARNED: dict[Any, Any] = {}


def evaluate_annotations(func: Callable[..., Any]) -> dict[str, Any]:
    """Return the evaluated annotations of ``func``; leave out, with a warning, one that cannot be evaluated.

    >>> def scale(x: "float", n: "list[int]" = [1], data: "Dataset" = None): ...
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     evaluate_annotations(scale)
    {'x': <class 'float'>, 'n': list[int]}
    """
    try:
        return typing.get_type_hints(func)
    except Exception:  # one bad annotation (any error its text raises): evaluate them one by one
        pass
    target = inspect.unwrap(func)
    namespace = getattr(target, "__globals__", {})
    found = {}
    for name, parameter in inspect.signature(func).parameters.items():
        if parameter.annotation is inspect.Parameter.empty:
            continue
        try:
            found[name] = _evaluated(parameter.annotation, namespace)
        except Exception as error:
            _warn(target, name, parameter.annotation, error)
    return found


class _Annotated:
    """One annotation, held where ``typing.get_type_hints`` looks for it."""

    def __init__(self, annotation: Any) -> None:
        self.__annotations__ = {"value": annotation}


def class_annotations(cls: type) -> dict[str, Any]:
    """Return ``typing.get_type_hints(cls)``, with ``X | Y`` text read as ``Union[X, Y]`` on Python 3.9.

    A dataclass written with ``from __future__ import annotations`` and
    ``steps: int | None`` is a schema on Python 3.9 too. A name no module
    defines still raises NameError, as ``get_type_hints`` does.

    >>> class Train:  # this module's annotations are postponed, so the doctest's are too
    ...     steps: int | None = None
    >>> typing.get_args(class_annotations(Train)["steps"])
    (<class 'int'>, <class 'NoneType'>)
    """
    if sys.version_info < (3, 10):
        try:
            return typing.get_type_hints(cls)
        except TypeError:  # `X | Y` text: evaluated one annotation at a time, read as Union[X, Y]
            return _each_class_annotation(cls)
    return typing.get_type_hints(cls)


def _each_class_annotation(cls: type) -> dict[str, Any]:
    """Evaluate a class's annotations as ``get_type_hints`` does: its bases first, each in its module.

    Only the module's names count, not the class's: ``date: date | None = None``
    names the module's ``date``, not the attribute's default.
    """
    hints: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        module = sys.modules.get(base.__module__)
        namespace = dict(vars(module)) if module is not None else {}
        # Python 3.9 has no inspect.get_annotations; a class's own annotations are in its __dict__.
        for name, annotation in base.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            hints[name] = _evaluated(annotation, namespace)
    return hints


def _evaluated(annotation: Any, namespace: dict[str, Any]) -> Any:
    """``annotation`` evaluated in the function's module, ``X | Y`` text read as ``Union[X, Y]`` on 3.9."""
    local: dict[str, Any] = {}
    if isinstance(annotation, str) and "|" in annotation and sys.version_info < (3, 10):
        annotation = _as_union(annotation)
        local[_UNION] = typing.Union
    return typing.get_type_hints(_Annotated(annotation), namespace, local)["value"]


def _as_union(text: str) -> str:
    """``int | None`` as ``Union[int, None]`` for Python 3.9, which has no ``|`` between types.

    >>> _as_union("dict[str, int | None]")
    'dict[str, __hyperparameter_union__[int, None]]'
    """
    import ast  # only on Python 3.9, only for such text

    class UnionOfBitOr(ast.NodeTransformer):
        def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
            self.generic_visit(node)
            if not isinstance(node.op, ast.BitOr):
                return node
            pair = ast.Tuple(elts=[node.left, node.right], ctx=ast.Load())
            return ast.Subscript(value=ast.Name(id=_UNION, ctx=ast.Load()), slice=pair, ctx=ast.Load())

    return ast.unparse(UnionOfBitOr().visit(ast.parse(text.strip(), mode="eval")))


def _warn(func: Callable[..., Any], name: str, annotation: Any, error: Exception) -> None:
    """Say, once, that parameter ``name`` is read untyped because its annotation cannot be evaluated."""
    code = getattr(func, "__code__", None)
    text = annotation if isinstance(annotation, str) else repr(annotation)
    warnings.warn_explicit(
        f"parameter {name!r} of {getattr(func, '__qualname__', func)!r} is read untyped, as if not "
        f"annotated: its annotation {text!r} cannot be evaluated ({error}), so its values are not checked",
        UserWarning,
        code.co_filename if code else "<unknown>",
        code.co_firstlineno if code else 0,
        module=getattr(func, "__module__", None) or "",
        registry=_WARNED,
    )
