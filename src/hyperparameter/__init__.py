"""Scoped hyperparameters: read anywhere, override per block, inject into functions.

>>> import hyperparameter as hp
>>> @hp.param("train")
... def train(lr=1e-3, batch_size=32):
...     return f"lr={lr}, batch_size={batch_size}"
>>> with hp.scope(**{"train.lr": 5e-4}):
...     train()
'lr=0.0005, batch_size=32'
"""

from importlib.metadata import PackageNotFoundError, version

from . import _acceleration  # noqa: F401  (switches on the compiled fast paths when built)
from ._config import config, save_config
from ._grammar import IndexAssignment
from ._handoff import bind_scope
from ._inject import Parameter, ParamInfo, param
from ._kinds import Bool, Callable, Choice, Dict, Float, Instance, Int, List, Str
from ._launch import launch, run_cli
from ._params import Params
from ._scope import Scope, Storage, scope
from ._sweep import sweep
from ._sweep_trial import SweepResult, Trial
from ._tf_compat import HParams, parse_values
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
    ParameterTypeError,
    ParameterValueError,
    SchemaError,
    ScopeError,
    SearchSpaceError,
    SweepError,
    UnpicklableValueError,
)

param_scope = scope
"""The older name of ``scope``."""
auto_param = param
"""The older name of :func:`param`."""

try:
    __version__ = version("hyperparameter")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Bool",
    "Callable",
    "Choice",
    "ConfigError",
    "ConversionError",
    "Dict",
    "Float",
    "HParams",
    "HyperparameterError",
    "IndexAssignment",
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
    "ParameterTypeError",
    "ParameterValueError",
    "Params",
    "SchemaError",
    "Scope",
    "ScopeError",
    "SearchSpaceError",
    "Storage",
    "Str",
    "SweepError",
    "SweepResult",
    "Trial",
    "UnpicklableValueError",
    "__version__",
    "auto_param",
    "bind_scope",
    "config",
    "launch",
    "param",
    "param_scope",
    "parse_values",
    "run_cli",
    "save_config",
    "scope",
    "sweep",
]
