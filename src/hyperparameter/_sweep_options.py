"""Tell whether a launched program's command line asks for a sweep (the launcher's only import of sweeps).

The sweep machinery itself (:mod:`._sweep_launch`) loads only when a sweep
runs, so a plain launch starts as fast as before.

>>> wants_sweep(["--sweep", "-D", "train.lr=0.1,0.01"]), wants_sweep(["--", "--sweep"])
(True, False)
>>> own_resume = frozenset({"--resume"})
>>> wants_sweep(["--resume", "ckpt.pt"], taken=own_resume), wants_sweep(["--sweep-resume", "runs/a"])
(False, True)
"""

from __future__ import annotations

from collections.abc import Sequence

SWEEP_FLAG = "--sweep"
RESUME_FLAG = "--resume"
PLOT_FLAG = "--plot"
# Every sweep option is also spelled --sweep-NAME, which is always the sweep's: the spelling for a
# program that declares an option of that name itself (its own --seed, --resume or --trials).
PREFIX = "--sweep-"

SWEEP_EPILOG = (
    "sweeps: --sweep runs one trial per combination of swept -D values "
    "(-D key=a,b or -D key='range(1, 5)'); options: -j/--jobs N, "
    "--backend threads|processes|ray|dask, --runs DIR, --resume DIR, --minimize/--maximize [METRIC]; "
    "--search random|optuna --trials N [--seed S] draws N trials from -D key=uniform(a,b), "
    "loguniform(a,b), int(a,b), choice(a,b) and the program's declared bounds; "
    "--plot writes DIR/sweep.png. Each is also --sweep-NAME (--sweep-seed S, --sweep-resume DIR), "
    "always the sweep's even when the program has an option of that name."
)


def wants_sweep(argv: Sequence[str], taken: frozenset[str] = frozenset()) -> bool:
    """Tell whether ``argv`` asks for a sweep before any ``--``: ``--sweep``, ``--resume``, ``--sweep-NAME``.

    ``taken`` are the program's own options: a ``--sweep`` or ``--resume`` it
    declares is its own, and asks for nothing.
    """
    options = list(argv[: list(argv).index("--")]) if "--" in argv else list(argv)
    for arg in options:
        name = arg.partition("=")[0]
        if name.startswith(PREFIX) or (name not in taken and (arg == SWEEP_FLAG or name == RESUME_FLAG)):
            return True
    return False
