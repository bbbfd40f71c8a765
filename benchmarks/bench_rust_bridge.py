"""Benchmark a read from Rust of a value in the Python scope against the same read in Python.

Run: ``python benchmarks/bench_rust_bridge.py`` (needs cargo; builds rust/bridge-test in
release mode). Rust code called from Python (holding the GIL) reads ``bench.lr`` through the
crate's ``python`` feature; the baseline is the Python read ``hp.scope.bench.lr | 0.1`` of
the same key, in the same scope. One call into Rust makes ``NUMBER`` reads, so the cost of
the ctypes call itself is spread over them. Figures are best-of-rounds ratios, the two
measured alternately (issue 18's target: at most 2x).
"""

from __future__ import annotations

import pathlib
import sys
import time
from typing import Callable

import hyperparameter as hp
from hyperparameter import _acceleration

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from rust_bridge import Bridge, build

ROUNDS = 40
NUMBER = 20000
TARGET = 2.0


def best_ratio(subject: Callable[[], object], baseline: Callable[[], object]) -> float:
    """Best-of-ROUNDS time of ``subject`` over that of ``baseline``, measured alternately."""
    best_subject = best_baseline = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        baseline()
        best_baseline = min(best_baseline, time.perf_counter() - start)
        start = time.perf_counter()
        subject()
        best_subject = min(best_subject, time.perf_counter() - start)
    return best_subject / best_baseline


def main() -> int:
    if not _acceleration.ACTIVE:
        print("the bridge needs the compiled module (unset HYPERPARAMETER_PURE_PYTHON)")
        return 1
    bridge = Bridge(build(release=True))
    assert bridge.status() == ("connected", "")
    rows = []

    def python_reads() -> None:
        for _ in range(NUMBER):
            hp.scope.bench.lr | 0.1

    def rust_reads() -> None:
        bridge.held.hp_bench_read_f64(b"bench.lr", NUMBER, 0.1)

    def rust_macro_reads() -> None:
        bridge.held.hp_bench_macro_lr(NUMBER)

    with hp.scope(**{"bench.lr": 0.01}):
        rows.append(
            ('Rust get_or("bench.lr", 0.1) of a float set in Python', best_ratio(rust_reads, python_reads))
        )
        rows.append(
            (
                "Rust get_param!(bench.lr, 0.1f64) of a float set in Python",
                best_ratio(rust_macro_reads, python_reads),
            )
        )
    with hp.scope("bench.lr=0.01"):  # a -D string: Rust parses it, Python remembers its conversion
        rows.append(("Rust get_or of a -D string read as f64", best_ratio(rust_reads, python_reads)))
    print(f"Rust reads of the Python scope, each against `hp.scope.bench.lr | 0.1` (target <= {TARGET}x)")
    failed = False
    for name, ratio in rows:
        verdict = "ok" if ratio <= TARGET else "OVER"
        failed |= ratio > TARGET
        print(f"  {name:<62} {ratio:5.2f}x  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
