"""Benchmark what ``-D`` and ``-C`` add to a launch, against baselines measured in the same run.

Run: ``python benchmarks/bench_launch.py`` (after ``pip install .``).

Two ratios, each from timings taken in alternating rounds so that noise from
the machine affects both sides alike (best of the rounds):

* start-up: ``python app.py -D ... -C small.toml`` over ``python app.py``, a
  small program of two modules started as a process; what the checks of every
  value (one catalog, one scan of the program's modules) cost at start-up.
  Target (issue 12): the checks cost at most one scan of the program's modules.
* big file: what ``-C big.json`` (10,000 keys the program never reads) adds to
  an in-process launch, over ``hp.config("big.json")`` alone. Target (issue 21):
  at most 1.3 (the unknown keys make one summary line, with close matches for
  the five keys shown only).
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import hyperparameter as hp

ROUNDS = 15
KEYS = 10_000

APP = '''\
import hyperparameter as hp

import model


@hp.param("train")
def main(epochs: int = 3, lr: float = 0.1, name: str = "run"):
    """Train a model."""
    return model.Net().width + epochs


if __name__ == "__main__":
    hp.launch(main)
'''

MODEL = """\
import hyperparameter as hp


class Net(hp.Params, namespace="net"):
    width = hp.Int(64, bounds=(1, None))
    act = hp.Choice("relu", ["relu", "gelu"])
    dropout = hp.Float(0.1, bounds=(0, 1))

    def warmup(self):
        return hp.scope.train.warmup | 100
"""


def best_times(*operations: Callable[[], object], rounds: int = ROUNDS) -> list[float]:
    """Time each operation, running them in turn every round, and return each one's best time."""
    best = [float("inf")] * len(operations)
    for _ in range(rounds):
        for index, operation in enumerate(operations):
            start = time.perf_counter()
            operation()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def start_up(folder: Path) -> float:
    """``python app.py -D ... -C small.toml`` over ``python app.py``, both as processes."""
    (folder / "app.py").write_text(APP)
    (folder / "model.py").write_text(MODEL)
    (folder / "small.toml").write_text('[train]\nlr = 0.01\n[net]\nwidth = 128\nact = "gelu"\n')
    plain = [sys.executable, "app.py"]
    checked = [*plain, "-D", "train.epochs=5", "-D", "net.dropout=0.2", "-C", "small.toml"]

    def launch(argv: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(argv, cwd=folder, check=True, capture_output=True)

    baseline, subject = best_times(launch(plain), launch(checked))
    print(f"  python app.py               {baseline * 1000:8.1f} ms")
    print(f"  python app.py -D -D -C      {subject * 1000:8.1f} ms")
    return subject / baseline


def big_file(folder: Path) -> float:
    """Measure what ``-C big.json`` adds to a launch, over ``hp.config(big.json)``."""
    path = folder / "big.json"
    path.write_text(json.dumps({"data": {f"key{i}": i for i in range(KEYS)}}))

    @hp.param("train")
    def main(epochs: int = 3) -> int:
        return epochs

    def quiet(argv: list[str]) -> Callable[[], object]:
        def run() -> None:
            with contextlib.redirect_stderr(io.StringIO()):
                hp.launch(main, argv=argv)

        return run

    plain, loaded, launched = best_times(quiet([]), lambda: hp.config(str(path)), quiet(["-C", str(path)]))
    print(f"  hp.config(big.json)         {loaded * 1000:8.1f} ms")
    print(f"  launch                      {plain * 1000:8.1f} ms")
    print(f"  launch -C big.json          {launched * 1000:8.1f} ms")
    return (launched - plain) / loaded


def main() -> None:
    print(f"Python {sys.version.split()[0]}, launcher start-up (best of {ROUNDS} alternating rounds)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ratio = start_up(folder)
        print(f"start-up with -D and -C / without:              {ratio:5.2f}x")
        ratio = big_file(folder)
        print(f"-C with {KEYS} unread keys / hp.config alone:   {ratio:5.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
