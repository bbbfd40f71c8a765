"""Benchmark the static scanner behind ``hp ls`` and the launcher's checks, against baselines.

Run: ``python benchmarks/bench_scanner.py [MODULES] [--rounds N] [--only tree,launch]``
(after ``pip install .``).

tree: it writes a package of MODULES modules (1,000 by default, about 100
lines each, in 20 subpackages) to a temporary directory, every module using
hyperparameter (so none is skipped unparsed). It then times, in alternating
rounds on one core, the full scan (``scan_paths``: walk, read, parse, analyse)
and its floor, reading and ``ast.parse``-ing the same files, and prints the
best times, their ratio, and the scan's ratio to the budget of 10 s for 1,000
modules. A budget ratio below 1 meets the budget.

launch: it writes a program of 31 files (``app.py`` importing 30 modules of 20
``@hp.param`` functions each) and runs it as a process, in alternating rounds
(best of N, 11 by default): ``python app.py``, then ``python app.py -D
train.lr=0.2`` with the scan cache off, with an empty cache (cold: the launch
scans and writes its entries) and with the entries the cold launch wrote
(warm). It prints each ``-D`` launch over the plain one.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.util import decode_source
from pathlib import Path

from hyperparameter import _scanner_files
from hyperparameter._scanner_cache import CACHE_DIR_VARIABLE
from hyperparameter._scanner_files import find_python_files, scan_paths

BUDGET_SECONDS = 10.0  # for 1,000 modules
ROUNDS = 3

MODULE = '''"""Module {index}: a model, its trainer and helpers."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import hyperparameter as hp
from hyperparameter import param, scope


class Settings{index}(hp.Params, namespace="settings{index}"):
    """What the module's jobs share."""

    workers = hp.Int(4, bounds=(1, None), doc="Processes that load data.")
    mode = hp.Choice("fast", ["fast", "exact"])


@hp.param("model{index}")
class Model{index}:
    """A model.

    Args:
        hidden_size: Width of each hidden layer.
        dropout: Probability of dropping a unit.
    """

    def __init__(self, layers, hidden_size: int = 256, dropout=0.1, *, activation="relu"):
        self.layers = layers
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.activation = activation

    def forward(self, inputs):
        scale = hp.scope.model{index}.scale | 1.0
        outputs = [value * scale for value in inputs]
        if hp.scope.model{index}.normalize | False:
            total = sum(outputs) or 1
            outputs = [value / total for value in outputs]
        return outputs


class Trainer{index}:
    @param
    def fit(self, data, lr=1e-3, epochs=10, schedule=("cosine", 0.1)):
        """Fit the model.

        Parameters
        ----------
        lr
            Learning rate.
        epochs
            Passes over the data.
        """
        warmup = scope.fit.warmup | 100  # steps before the full rate
        for epoch in range(epochs):
            for batch in data:
                self.step(batch, lr * math.cos(epoch / max(1, warmup)))
        return self

    def step(self, batch, lr):
        with hp.scope(**{{"inner.momentum": 0.9}}) as ps:
            momentum = ps.inner.momentum | 0.0
            clip = ps["inner.clip"](5.0)
        return [value - lr * momentum * clip for value in batch]


def load(path=os.curdir, *, limit=None):
    names = sorted(os.listdir(path))
    return names[: limit or len(names)]


@dataclass
class Record{index}:
    name: str
    score: float = 0.0

    def describe(self):
        return f"{{self.name}}: {{self.score:.3f}}"


def helper_{index}(values, factor=2):
    result = {{}}
    for position, value in enumerate(values):
        if position % 3 == 0:
            result[position] = value * factor
        elif position % 3 == 1:
            result[position] = value + factor
        else:
            result[position] = value - factor
    return result


def summary_{index}(records):
    best = max(records, key=lambda record: record.score, default=None)
    threshold = hp.scope.summary.threshold | 0.5
    kept = [record for record in records if record.score >= threshold]
    return {{"best": best, "kept": len(kept), "total": len(records)}}
'''


def write_tree(root: Path, modules: int) -> None:
    """Write ``modules`` modules into 20 subpackages of a package under ``root``."""
    package = root / "benchpkg"
    for index in range(modules):
        directory = package / f"sub{index % 20:02d}"
        if not directory.exists():
            directory.mkdir(parents=True)
            (directory / "__init__.py").write_text("")
        (directory / f"module{index:04d}.py").write_text(MODULE.format(index=index))


def parse_only(root: Path) -> int:
    """Measure the baseline: read and parse every file the scan reads, and do nothing with the trees."""
    nodes = 0
    for file in find_python_files(root):
        nodes += len(ast.parse(decode_source(Path(file).read_bytes()), filename=file).body)
    return nodes


def tree(modules: int) -> None:
    """Time the scan of a generated package of ``modules`` modules against reading and parsing it."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        write_tree(root, modules)
        lines = sum(len(path.read_text().splitlines()) for path in root.rglob("*.py"))
        best_scan = best_parse = float("inf")
        for _ in range(ROUNDS):  # alternating, so the machine's noise affects both alike
            start = time.perf_counter()
            parse_only(root)
            best_parse = min(best_parse, time.perf_counter() - start)
            _scanner_files._scanned.clear()  # a process scans a file once: measure the scan, not the cache
            start = time.perf_counter()
            result = scan_paths([root])
            best_scan = min(best_scan, time.perf_counter() - start)
        keys = {found.key for found in result.found}
        roles = {role: sum(f.role == role for f in result.found) for role in ("param", "declared", "read")}
    budget = BUDGET_SECONDS * modules / 1000
    print(
        f"scanned {modules} modules ({lines} lines): {len(result.found)} definitions "
        f"({', '.join(f'{n} {role}' for role, n in roles.items())}), {len(keys)} distinct keys, "
        f"{len(result.errors)} errors"
    )
    print(
        f"best of {ROUNDS}: scan {best_scan:.3f} s, read + ast.parse {best_parse:.3f} s; "
        f"scan / parse: {best_scan / best_parse:.2f}x"
    )
    print(f"ratio to the budget ({budget:g} s for {modules} modules): {best_scan / budget:.3f}")


PROGRAM_MODULES = 30
PROGRAM_FUNCTIONS = 20

FUNCTION = '''

@hp.param("m{m}.f{f}")
def f{f}(x, a: int = 1, b: float = 0.5, name: str = "n"):
    """Do {f}.

    Args:
        a: first.
        b: second.
    """
    c = hp.scope.m{m}.c{f} | 3
    return x + a + b + c
'''

APP = """import hyperparameter as hp

{imports}


@hp.param("train")
def main(epochs: int = 3, lr: float = 0.1):
    return epochs, lr


if __name__ == "__main__":
    hp.launch(main)
"""


def write_program(root: Path) -> None:
    """Write ``app.py`` and the package ``pkg`` of 30 modules of 20 ``@hp.param`` functions it imports."""
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for m in range(PROGRAM_MODULES):
        functions = "".join(FUNCTION.format(m=m, f=f) for f in range(PROGRAM_FUNCTIONS))
        (package / f"mod{m}.py").write_text("import hyperparameter as hp\n" + functions)
    imports = "\n".join(f"import pkg.mod{m}  # noqa: F401" for m in range(PROGRAM_MODULES))
    (root / "app.py").write_text(APP.format(imports=imports))


def launch(rounds: int) -> None:
    """Time ``app.py -D`` over ``app.py`` of the generated program, without, with a cold and a warm cache."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        write_program(root)
        caches = root / "caches"
        # Bytecode caching allowed, as after an install: the imports are not what is measured.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

        def run(*args: str, cache: str) -> float:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "app.py", *args],
                cwd=root,
                env={**env, CACHE_DIR_VARIABLE: cache},
                check=True,
                capture_output=True,
            )
            return time.perf_counter() - start

        defined = ("-D", "train.lr=0.2")
        run(*defined, cache="off")  # writes the bytecode caches
        run(*defined, cache=str(caches / "warm"))  # writes the entries the warm launches read
        best = dict.fromkeys(("plain", "off", "cold", "warm"), float("inf"))
        for _ in range(rounds):
            shutil.rmtree(caches / "cold", ignore_errors=True)
            best["plain"] = min(best["plain"], run(cache=str(caches / "warm")))
            best["off"] = min(best["off"], run(*defined, cache="off"))
            best["cold"] = min(best["cold"], run(*defined, cache=str(caches / "cold")))
            best["warm"] = min(best["warm"], run(*defined, cache=str(caches / "warm")))
    files, functions = PROGRAM_MODULES + 1, PROGRAM_MODULES * PROGRAM_FUNCTIONS + 1
    print(f"launching a program of {files} files ({functions} @hp.param functions), best of {rounds}:")
    print(f"  {'python app.py':42} {best['plain'] * 1000:7.1f} ms")
    for name, what in (("off", "cache off"), ("cold", "cold cache"), ("warm", "warm cache")):
        label = f"python app.py -D train.lr=0.2, {what}"
        print(f"  {label:42} {best[name] * 1000:7.1f} ms  {best[name] / best['plain']:5.2f}x plain")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("modules", nargs="?", type=int, default=1000, help="modules in the scanned tree")
    parser.add_argument("--rounds", type=int, default=11, help="alternating rounds of the launches")
    parser.add_argument("--only", default="tree,launch", help="tree, launch or both (comma-separated)")
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    parts = options.only.split(",")
    if "tree" in parts:
        tree(options.modules)
    if "launch" in parts:
        launch(options.rounds)


if __name__ == "__main__":
    main()
