"""Scoped hyperparameters: read anywhere, override per block, inject into functions.

>>> import hyperparameter as hp
>>> @hp.param("train")
... def train(lr=1e-3, batch_size=32):
...     return f"lr={lr}, batch_size={batch_size}"
>>> with hp.scope(**{"train.lr": 5e-4}):
...     train()
'lr=0.0005, batch_size=32'

The import loads only the scope engine and injection; every other public
name (the launcher, config files, declared kinds, ``__version__`` ...) is
loaded the first time it is used, so a program that only reads scopes starts
fast. To add a public name, see ``_LAZY`` below.
"""

# First of all: under ``python -m hyperparameter`` nothing may come from the current directory.
from . import _safe_path  # noqa: F401, I001  (must run before any other import)

from typing import TYPE_CHECKING, Any

from . import _acceleration  # noqa: F401  (switches on the compiled fast paths when built)
from ._handoff import bind_scope
from ._inject import InjectedParameter, ParamInfo, param
from ._scope import Scope, Storage, scope
from .exceptions import (
    ConfigError,
    ConversionError,
    HyperparameterError,
    InvalidKeyError,
    InvalidKeyTypeError,
    LaunchError,
    MissingDependencyError,
    MissingParameterError,
    MissingReferenceError,
    ParameterError,
    ParameterTypeError,
    ParameterValueError,
    SchemaError,
    ScopeError,
    SearchSpaceError,
    SweepError,
    SweepFolderError,
    UnpicklableValueError,
    UsageError,
)

if TYPE_CHECKING:  # what type checkers see; at run time these load on first use (_LAZY)
    from ._config import config, save_config
    from ._config_limits import ConfigLimits
    from ._grammar import IndexAssignment
    from ._kinds import Bool, Callable, Choice, Dict, Float, Instance, Int, List, Parameter, Str
    from ._launch import launch, run_cli
    from ._params import Params
    from ._ray import ray_remote
    from ._record import Read, Record, record
    from ._sweep import sweep
    from ._sweep_plot import plot_sweep
    from ._sweep_stop import trial_should_stop
    from ._sweep_trial import SweepResult, Trial
    from ._tf_compat import HParams, parse_values
    from ._trial_dir import trial_dir

    __version__: str

param_scope = scope
"""The older name of ``scope``."""
auto_param = param
"""The older name of :func:`param`."""

# Public names loaded on first use: name -> the private module defining it.
# A new lazy export needs three lines: an entry here, the same import under
# TYPE_CHECKING above, and the name in __all__ (tests/test_package.py checks
# that the three agree).
_LAZY = {
    "Bool": "_kinds",
    "Callable": "_kinds",
    "Choice": "_kinds",
    "ConfigLimits": "_config_limits",
    "Dict": "_kinds",
    "Float": "_kinds",
    "HParams": "_tf_compat",
    "IndexAssignment": "_grammar",
    "Instance": "_kinds",
    "Int": "_kinds",
    "Parameter": "_kinds",
    "List": "_kinds",
    "Params": "_params",
    "Read": "_record",
    "Record": "_record",
    "Str": "_kinds",
    "SweepResult": "_sweep_trial",
    "Trial": "_sweep_trial",
    "config": "_config",
    "launch": "_launch",
    "parse_values": "_tf_compat",
    "plot_sweep": "_sweep_plot",
    "ray_remote": "_ray",
    "record": "_record",
    "run_cli": "_launch",
    "save_config": "_config",
    "sweep": "_sweep",
    "trial_dir": "_trial_dir",
    "trial_should_stop": "_sweep_stop",
}


def __getattr__(name: str) -> Any:
    """Load a public name on first use and keep it, so the next use is a plain attribute."""
    if name == "__version__":
        value: Any = _read_version()
    elif name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the loaded and the not yet loaded names alike."""
    return sorted(set(globals()) | set(__all__))


def _read_version() -> str:
    """Return the installed distribution's version (reading package metadata costs, so only on demand)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hyperparameter")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"


__all__ = [
    "Bool",
    "Callable",
    "Choice",
    "ConfigError",
    "ConfigLimits",
    "ConversionError",
    "Dict",
    "Float",
    "HParams",
    "HyperparameterError",
    "IndexAssignment",
    "InjectedParameter",
    "Instance",
    "Int",
    "InvalidKeyError",
    "InvalidKeyTypeError",
    "LaunchError",
    "List",
    "MissingDependencyError",
    "MissingParameterError",
    "MissingReferenceError",
    "ParamInfo",
    "Parameter",
    "ParameterError",
    "ParameterTypeError",
    "ParameterValueError",
    "Params",
    "Read",
    "Record",
    "SchemaError",
    "Scope",
    "ScopeError",
    "SearchSpaceError",
    "Storage",
    "Str",
    "SweepError",
    "SweepFolderError",
    "SweepResult",
    "Trial",
    "UnpicklableValueError",
    "UsageError",
    "__version__",
    "auto_param",
    "bind_scope",
    "config",
    "launch",
    "param",
    "param_scope",
    "parse_values",
    "plot_sweep",
    "ray_remote",
    "record",
    "run_cli",
    "save_config",
    "scope",
    "sweep",
    "trial_dir",
    "trial_should_stop",
]
