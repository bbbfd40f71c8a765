"""Build and load the Rust test library (rust/bridge-test) that reads hyperparameters from Rust.

Used by tests/test_rust_bridge.py and benchmarks/bench_rust_bridge.py. The same library is
loaded twice: through ``ctypes.PyDLL`` its functions run holding the GIL (as a Rust function
called by a Python extension does), through ``ctypes.CDLL`` they run with the GIL released.
"""

from __future__ import annotations

import ctypes
import pathlib
import shutil
import subprocess
import sys
from typing import Any, Union

RUST_DIR = pathlib.Path(__file__).resolve().parent.parent / "rust"
CRATE = "hyperparameter-bridge-test"
_BUFFER = 4096
Default = Union[bool, int, float, str]


class BridgeError(Exception):
    """A read from Rust failed; the message is the Rust error's."""


def build(release: bool = False) -> pathlib.Path:
    """Build the library with cargo (offline) and return its path; RuntimeError when impossible."""
    cargo = shutil.which("cargo")
    if cargo is None:
        raise RuntimeError("cargo is not installed, so the Rust test library cannot be built")
    command = [cargo, "build", "--offline", "--quiet", "-p", CRATE] + (["--release"] if release else [])
    done = subprocess.run(command, cwd=RUST_DIR, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"cargo build failed:\n{done.stderr}")
    suffix = {"darwin": "dylib", "win32": "dll"}.get(sys.platform, "so")
    prefix = "" if sys.platform == "win32" else "lib"
    return (
        RUST_DIR
        / "target"
        / ("release" if release else "debug")
        / f"{prefix}hyperparameter_bridge_test.{suffix}"
    )


def _declare(library: ctypes.CDLL) -> None:
    text = ctypes.c_char_p
    size = ctypes.c_size_t
    for name, c_type in (("hp_read_i64", ctypes.c_int64), ("hp_read_f64", ctypes.c_double)):
        function = getattr(library, name)
        function.argtypes = [text, c_type, ctypes.POINTER(c_type), text, size]
    library.hp_read_bool.argtypes = [text, ctypes.c_int, ctypes.POINTER(ctypes.c_int), text, size]
    library.hp_read_str.argtypes = [text, text, text, size, text, size]
    library.hp_macro_lr.restype = ctypes.c_double
    library.hp_read_i64_set_in_rust.argtypes = [text, ctypes.c_int64, ctypes.c_int64]
    library.hp_read_i64_set_in_rust.restype = ctypes.c_int64
    library.hp_read_i64_on_rust_thread.argtypes = [text, ctypes.c_int64]
    library.hp_read_i64_on_rust_thread.restype = ctypes.c_int64
    library.hp_python_status.argtypes = [text, size]
    library.hp_bench_read_f64.argtypes = [text, ctypes.c_uint64, ctypes.c_double]
    library.hp_bench_read_f64.restype = ctypes.c_double
    library.hp_bench_macro_lr.argtypes = [ctypes.c_uint64]
    library.hp_bench_macro_lr.restype = ctypes.c_double


class Bridge:
    """The Rust test library, callable holding the GIL (``held``) or not (``released``)."""

    def __init__(self, path: pathlib.Path) -> None:
        self.held = ctypes.PyDLL(str(path))
        self.released = ctypes.CDLL(str(path))
        _declare(self.held)
        _declare(self.released)

    def read(self, key: str, default: Default, gil: bool = True) -> Any:
        """Return what Rust's ``try_get_or(key, default)`` returns, or BridgeError with its message."""
        library = self.held if gil else self.released
        error = ctypes.create_string_buffer(_BUFFER)
        name = key.encode()
        if isinstance(default, str):
            text = ctypes.create_string_buffer(_BUFFER)
            status = library.hp_read_str(name, default.encode(), text, _BUFFER, error, _BUFFER)
            result: Any = text.value.decode()
        elif isinstance(default, bool):
            out = ctypes.c_int()
            status = library.hp_read_bool(name, int(default), ctypes.byref(out), error, _BUFFER)
            result = bool(out.value)
        elif isinstance(default, int):
            out_int = ctypes.c_int64()
            status = library.hp_read_i64(name, default, ctypes.byref(out_int), error, _BUFFER)
            result = out_int.value
        else:
            out_float = ctypes.c_double()
            status = library.hp_read_f64(name, default, ctypes.byref(out_float), error, _BUFFER)
            result = out_float.value
        if status != 0:
            raise BridgeError(error.value.decode())
        return result

    def status(self) -> tuple[str, str]:
        """Rust's ``python_status()``: its name and, when unavailable, the reason."""
        reason = ctypes.create_string_buffer(_BUFFER)
        code = self.held.hp_python_status(reason, _BUFFER)
        names = {0: "connected", 1: "not in Python", 2: "not connected yet", 3: "unavailable"}
        return names[code], reason.value.decode()
