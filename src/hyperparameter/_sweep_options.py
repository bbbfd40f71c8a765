"""Whether a launched program's command line asks for a sweep; the launcher's only import of sweeps.

The sweep machinery itself (:mod:`._sweep_launch`) loads only when a sweep
runs, so a plain launch starts as fast as before.

>>> wants_sweep(["--sweep", "-D", "train.lr=0.1,0.01"]), wants_sweep(["--", "--sweep"])
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence

SWEEP_FLAG = "--sweep"
RESUME_FLAG = "--resume"
PLOT_FLAG = "--plot"

SWEEP_EPILOG = (
    "sweeps: --sweep runs one trial per combination of swept -D values "
    "(-D key=a,b or -D key='range(1, 5)'); options: -j/--jobs N, "
    "--backend threads|processes|ray|dask, --runs DIR, --resume DIR, --minimize/--maximize [METRIC]; "
    "--search random|optuna --trials N [--seed S] draws N trials from -D key=uniform(a,b), "
    "loguniform(a,b), int(a,b), choice(a,b) and the program's declared bounds; "
    "--plot writes DIR/sweep.png."
)


def wants_sweep(argv: Sequence[str]) -> bool:
    """Whether ``argv`` asks for a sweep (``--sweep`` or ``--resume DIR`` before any ``--``)."""
    options = list(argv[: list(argv).index("--")]) if "--" in argv else list(argv)
    return any(arg in (SWEEP_FLAG, RESUME_FLAG) or arg.startswith(RESUME_FLAG + "=") for arg in options)
