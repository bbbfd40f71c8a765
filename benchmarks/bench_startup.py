"""Benchmark what a user waits for at the start of a run, against baselines measured alongside.

Run: ``python benchmarks/bench_startup.py`` (after ``pip install .``; ``click``
and ``PyYAML`` are measured when installed). Options: ``--rounds N`` (default 15)
and ``--only imports,decorate,help,launch,config``.

Every figure is a ratio of best times, the subject and its baseline measured in
alternating rounds so that the machine's noise affects both alike:

- imports: ``python -c "import hyperparameter"`` over ``python -c "import click"``,
  each counted above ``python -c pass`` (the interpreter's own start);
- decorating: importing a module of 400 ``@hp.param`` functions, each with its
  own parameter names, over the same module undecorated (reported, no target);
- ``--help``: a program run by ``hp.launch`` over a hand-written ``argparse``
  program with the same options and help texts;
- launch with ``-C``: that program run with ``-C`` and a 10,000-key JSON file
  it never reads, over a program that loads the same file with ``hp.config``;
  and as a cost, what ``-C`` adds to the launch (over the program run without
  it) over what ``hp.config`` adds to a program (over ``import hyperparameter``);
- config files, in this process: ``hp.config`` of a 10,000-key JSON file over
  ``json.load``; of three such files over three ``json.load`` calls; of the
  same keys as YAML over PyYAML's ``CSafeLoader`` (libyaml) and its
  pure-Python ``SafeLoader``.

Programs run in fresh interpreters with bytecode caching allowed (as after an
install), each once before timing so that the caches are written.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import hyperparameter as hp

KEYS_PER_SECTION = 100
SECTIONS = 100  # 10,000 keys in all

HP_APP = '''"""Train a model."""
import hyperparameter as hp


@hp.param("train")
def train(lr: float = 0.001, epochs: int = 10, batch_size: int = 32, optimizer: str = "adam",
          shuffle: bool = True) -> None:
    """Train a model.

    Args:
        lr: Learning rate.
        epochs: Passes over the data.
        batch_size: Examples per step.
        optimizer: Optimizer name.
        shuffle: Shuffle each epoch.
    """


if __name__ == "__main__":
    hp.launch(train)
'''

ARGPARSE_APP = '''"""Train a model."""
import argparse


def train(lr=0.001, epochs=10, batch_size=32, optimizer="adam", shuffle=True):
    """Train a model."""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Train a model.")
    parser.add_argument("-D", "--define", action="append", default=[], metavar="KEY=VALUE",
                        help="set any hyperparameter of the program (repeatable)")
    parser.add_argument("-C", "--config", action="append", default=[], metavar="FILE",
                        help="load hyperparameters from a file (repeatable)")
    parser.add_argument("--lr", type=float, default=0.001, help="Learning rate. (default: 0.001)")
    parser.add_argument("--epochs", type=int, default=10, help="Passes over the data. (default: 10)")
    parser.add_argument("--batch-size", type=int, default=32, help="Examples per step. (default: 32)")
    parser.add_argument("--optimizer", default="adam", help="Optimizer name. (default: 'adam')")
    parser.add_argument("--shuffle", action=argparse.BooleanOptionalAction, default=True,
                        help="Shuffle each epoch. (default: True)")
    args = parser.parse_args()
    train(args.lr, args.epochs, args.batch_size, args.optimizer, args.shuffle)
'''

CONFIG_LOADER = """import sys, hyperparameter as hp
hp.config(sys.argv[1])
"""


def config_values(seed: int) -> dict[str, Any]:
    """Build a nested config of SECTIONS x KEYS_PER_SECTION keys: numbers, strings, flags and short lists."""
    values: dict[str, Any] = {}
    for section in range(SECTIONS):
        table = values[f"section{section}"] = {}
        for key in range(KEYS_PER_SECTION):
            kind = (section + key + seed) % 5
            table[f"key{key}"] = [key * 1.5, f"text {key}", key, key % 2 == 0, [key, key + 1]][kind]
    return values


DECORATED = 400


def decorated_module(decorate: bool) -> str:
    """Write a module of DECORATED functions, each with its own parameter names, with ``@hp.param`` or not."""
    lines = ["import hyperparameter as hp", ""]
    for index in range(DECORATED):
        if decorate:
            lines.append(f'@hp.param("lib.f{index}")')
        parameters = f'x, a{index}: int = 1, b{index % 7}: float = 0.5, *, tag{index % 3}: str = "n"'
        lines.append(f"def f{index}({parameters}):")
        lines.append("    return x\n")
    return "\n".join(lines)


def write_files(folder: Path) -> dict[str, Path]:
    """Write the programs and config files the benchmark runs and loads."""
    files = {
        "hp_app": folder / "hp_app.py",
        "argparse_app": folder / "argparse_app.py",
        "loader": folder / "loader.py",
    }
    files["hp_app"].write_text(HP_APP)
    files["argparse_app"].write_text(ARGPARSE_APP)
    files["loader"].write_text(CONFIG_LOADER)
    # Not a package: the -C launch scans the program's folder and its packages, not this.
    files["decorate"] = folder / "decorate"
    files["decorate"].mkdir()
    (files["decorate"] / "decorated.py").write_text(decorated_module(True))
    (files["decorate"] / "plain.py").write_text(decorated_module(False))
    for seed in range(3):
        files[f"json{seed}"] = folder / f"big{seed}.json"
        files[f"json{seed}"].write_text(json.dumps(config_values(seed), indent=2))
    if importlib.util.find_spec("yaml") is not None:
        files["yaml"] = folder / "big.yaml"
        hp.save_config(config_values(0), files["yaml"])
    return files


def best_times(contenders: dict[str, Callable[[], object]], rounds: int, number: int = 1) -> dict[str, float]:
    """Best time per call of each contender, all measured in turn in each round."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            for _ in range(number):
                run()
            best[name] = min(best[name], (time.perf_counter() - start) / number)
    return best


def process(*args: str, folder: Path) -> Callable[[], object]:
    """Return a call running ``args`` in a fresh interpreter (checked to succeed, bytecode caches written)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, *args]

    def run() -> object:
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, check=True)

    run()  # writes the bytecode caches, as an install does
    return run


def imports(files: dict[str, Path], rounds: int) -> list[tuple[str, float, Optional[float]]]:
    folder = files["hp_app"].parent
    contenders = {
        "pass": process("-c", "pass", folder=folder),
        "hyperparameter": process("-c", "import hyperparameter", folder=folder),
    }
    if importlib.util.find_spec("click") is None:
        return [("import hyperparameter: click is not installed, no baseline", float("nan"), None)]
    contenders["click"] = process("-c", "import click", folder=folder)
    best = best_times(contenders, rounds)
    ours, theirs = best["hyperparameter"] - best["pass"], best["click"] - best["pass"]
    print(
        f"     (python -c pass {best['pass'] * 1e3:.0f} ms; import hyperparameter +{ours * 1e3:.1f} ms, "
        f"import click +{theirs * 1e3:.1f} ms)"
    )
    return [("import hyperparameter / import click, above `pass`", ours / theirs, 1.2)]


def decorating(files: dict[str, Path], rounds: int) -> list[tuple[str, float, Optional[float]]]:
    folder = files["decorate"]
    best = best_times(
        {
            "plain": process("-c", "import plain", folder=folder),
            "decorated": process("-c", "import decorated", folder=folder),
        },
        rounds,
    )
    each = (best["decorated"] - best["plain"]) / DECORATED
    print(f"     (@hp.param adds {each * 1e6:.0f} us per function to an import)")
    ratio = best["decorated"] / best["plain"]
    return [(f"import {DECORATED} @hp.param functions / undecorated", ratio, None)]


def help_and_launch(
    files: dict[str, Path], rounds: int, which: set[str]
) -> list[tuple[str, float, Optional[float]]]:
    folder = files["hp_app"].parent
    rows = []
    if "help" in which:
        best = best_times(
            {
                "argparse": process(str(files["argparse_app"]), "--help", folder=folder),
                "hp": process(str(files["hp_app"]), "--help", folder=folder),
            },
            rounds,
        )
        rows.append(("app.py --help / argparse app --help", best["hp"] / best["argparse"], 2.5))
    if "launch" in which:
        big = str(files["json0"])
        best = best_times(
            {
                "config": process(str(files["loader"]), big, folder=folder),
                "launch": process(str(files["hp_app"]), "-C", big, folder=folder),
                "import": process("-c", "import hyperparameter", folder=folder),
                "plain launch": process(str(files["hp_app"]), folder=folder),
            },
            rounds,
        )
        rows.append(
            ("app.py -C big.json / hp.config(big.json) program", best["launch"] / best["config"], 1.3)
        )
        # The same launch as a cost: what -C adds to the program's launch, over what
        # hp.config adds to a program that only imports hyperparameter.
        added, loading = best["launch"] - best["plain launch"], best["config"] - best["import"]
        print(
            f"     (-C big.json adds {added * 1e3:.1f} ms to a launch; hp.config adds {loading * 1e3:.1f} ms)"
        )
        rows.append(("what -C big.json adds / what hp.config adds", added / loading, 1.3))
    return rows


def config_loads(files: dict[str, Path], rounds: int) -> list[tuple[str, float, Optional[float]]]:
    paths = [str(files[f"json{seed}"]) for seed in range(3)]

    def json_load(path: str) -> Any:
        with open(path, "rb") as file:
            return json.load(file)

    best = best_times(
        {
            "json.load": lambda: json_load(paths[0]),
            "hp.config": lambda: hp.config(paths[0]),
            "3 json.load": lambda: [json_load(path) for path in paths],
            "hp.config 3": lambda: hp.config(*paths),
        },
        rounds * 2,
        number=5,
    )
    rows: list[tuple[str, float, Optional[float]]] = [
        ("hp.config(10,000-key JSON) / json.load", best["hp.config"] / best["json.load"], 2.0),
        ("hp.config(three of them) / 3 json.load", best["hp.config 3"] / best["3 json.load"], 2.0),
    ]
    if "yaml" not in files:
        rows.append(("YAML: PyYAML is not installed", float("nan"), None))
        return rows
    import yaml

    path = str(files["yaml"])

    def yaml_load(loader: Any) -> Any:
        with open(path, "rb") as file:
            return yaml.load(file, Loader=loader)

    contenders = {"hp.config": lambda: hp.config(path), "SafeLoader": lambda: yaml_load(yaml.SafeLoader)}
    if getattr(yaml, "__with_libyaml__", False):
        contenders["CSafeLoader"] = lambda: yaml_load(yaml.CSafeLoader)
    best = best_times(contenders, max(3, rounds // 3))
    if "CSafeLoader" in best:
        rows.append(
            ("hp.config(10,000-key YAML) / CSafeLoader", best["hp.config"] / best["CSafeLoader"], None)
        )
    rows.append(
        ("hp.config(10,000-key YAML) / pure SafeLoader", best["hp.config"] / best["SafeLoader"], None)
    )
    return rows


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds per comparison")
    parser.add_argument(
        "--only", default="imports,decorate,help,launch,config", help="comma-separated sections"
    )
    options = parser.parse_args(argv)
    which = set(options.only.split(","))
    from hyperparameter import _acceleration

    paths = "compiled fast paths" if _acceleration.ACTIVE else "pure Python"
    print(f"Python {sys.version.split()[0]}, {paths}; ratios of best times (target in brackets)")
    rows: list[tuple[str, float, Optional[float]]] = []
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder))
        if "imports" in which:
            rows += imports(files, options.rounds)
        if "decorate" in which:
            rows += decorating(files, options.rounds)
        rows += help_and_launch(files, options.rounds, which)
        if "config" in which:
            rows += config_loads(files, options.rounds)
    failures = 0
    for name, ratio, target in rows:
        ok = target is None or ratio <= target
        failures += not ok
        bracket = f"[{target:.1f}x]" if target is not None else ""
        print(f"{'ok  ' if ok else 'SLOW'} {name:52s} {ratio:5.2f}x {bracket}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
