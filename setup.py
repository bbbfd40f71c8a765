"""Builds the optional compiled fast paths; everything else is in pyproject.toml.

``optional=True``: without a C compiler the install still succeeds and the
library runs on its pure-Python code (see src/hyperparameter/_accelerate.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("hyperparameter._speedups", ["src/hyperparameter/_speedups.c"], optional=True),
    ],
)
