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


def _evaluated(annotation: Any, namespace: dict[str, Any]) -> Any:
    """``annotation`` evaluated in the function's module, ``X | Y`` text read as ``Union[X, Y]`` on 3.9."""
    local: dict[str, Any] = {}
    if isinstance(annotation, str) and "|" in annotation and sys.version_info < (3, 10):
        annotation, local = _as_union(annotation), {_UNION: typing.Union}
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
