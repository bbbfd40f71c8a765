from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

INTERFACE: int
_C_API: object  # capsule: the C interface for compiled readers (docs/rust.md)

def configure(
    *,
    current: ContextVar[Any],
    Level: type,
    Scope: type,
    DetachedScope: type,
    Key: type,
    UNPINNED: object,
    ABSENT: object,
    REQUIRED: object,
    contextlib_globals: dict[str, Any],
    checked_keys: set[str],
    plain_types: frozenset[type],
    enter: Callable[..., Any],
    leave: Callable[..., Any],
    collect: Callable[..., Any],
    read: Callable[..., Any],
    forget: Callable[..., Any],
) -> None: ...
def use_generator_blocks(blocks: Any, /) -> None: ...
def visible() -> Any: ...
def method(name: str, cls: type, /) -> Any: ...
def deeper_than(data: Any, limit: int, /) -> bool: ...
def direct_call(cls: type, /) -> None: ...
def direct_getattr(cls: type, /) -> None: ...
def join_into(flat: dict[str, Any], values: Any, prefix: str, /) -> None: ...
def build_scope(*args: Any, **kwargs: Any) -> Any: ...
