"""The folder of a launched sweep: a new one, or the one ``--resume DIR`` names, checked to fit.

``sweep.json`` keeps what ``--resume`` needs: the program (its ``program_id``
and the ``command`` that starts it again), its command line and the folder it
ran in (``cwd``), the options the sweep ran with, and the trial source.
Resuming runs there, so the command line's relative paths (``-C run.yaml``)
mean what they meant, from whatever folder it is resumed; it refuses another
program, and options that would make it another sweep; ``--trials`` may give
a search more.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING, Any, Optional

from ._numbers import jsonable
from ._search import SEARCHES
from ._sweep_command import program_command, program_id
from ._sweep_folder import SweepFolder, make_timestamped_path
from ._sweep_options import RESUME_FLAG
from ._sweep_trial import Objective
from .exceptions import SweepError

if TYPE_CHECKING:  # the options are parsed by the launcher's sweep module, which imports this one
    from ._sweep_launch import SweepOptions


def create_folder(options: SweepOptions, prog: str, source: dict[str, Any]) -> SweepFolder:
    """Create a new folder for the sweep, recording what ``--resume`` needs to run it again."""
    return SweepFolder.create(
        options.runs or make_timestamped_path("runs"),
        {
            "program": prog,
            "program_id": program_id(prog),
            "command": program_command(prog),
            "argv": options.program,
            "cwd": os.getcwd(),
            "jobs": options.jobs or 1,
            "backend": options.backend or "threads",
            "objective": saved_objective(options),
            "source": jsonable(source),
        },
        option="--runs DIR",
    )


def saved_objective(options: SweepOptions) -> Optional[list[Any]]:
    """Return the objective as sweep.json keeps it: ``[metric, minimize]``, or None."""
    objective = options.objective
    return None if objective is None else [objective.metric, objective.minimize]


def open_resumed(options: SweepOptions, prog: str) -> Optional[SweepFolder]:
    """Open the folder of the sweep ``--resume`` names, with the options it ran with filled in.

    ``-j``, ``--backend`` and ``--plot`` apply to the resumed run; ``--trials``
    gives a search more trials; ``--minimize/--maximize`` ranks a grid or a
    random search anew. Options that would make it another sweep are refused.
    """
    if options.resume is None:
        return None
    if options.program:
        raise SweepError(
            f"--resume runs the command line the sweep in {options.resume!r} was started with; "
            f"give no program arguments with it (got {' '.join(options.program)!r})."
        )
    if options.runs is not None:
        raise SweepError(
            f"--runs names the folder of a new sweep; --resume {options.resume} carries on in "
            f"{options.resume!r}, so give one or the other."
        )
    folder = SweepFolder.open(options.resume)
    saved = folder.description
    if not isinstance(saved.get("argv"), list):
        raise SweepError(f"The sweep in {options.resume!r} was not started from the command line.")
    _check_program(folder, prog)
    options.jobs = options.jobs or saved.get("jobs")
    options.backend = options.backend or saved.get("backend")
    source = saved.get("source") or {}
    _resume_search(options, source)
    if options.objective is None and saved.get("objective"):
        metric, minimize = saved["objective"]
        options.objective = Objective(metric, bool(minimize))
    return folder


def enter_saved_folder(folder: SweepFolder) -> Optional[str]:
    """Move into the folder the resumed sweep ran in; return the folder to come back to (None: stayed).

    The sweep's command line is read again there, so its relative paths
    (``-C run.yaml``, a data file) name the files they named, and the trials
    run there as they did. A folder that is gone is said on stderr, and the
    sweep resumes where it is.
    """
    saved = folder.description.get("cwd")
    here = os.getcwd()
    if not isinstance(saved, str) or saved == here:
        return None
    try:
        os.chdir(saved)
    except OSError as error:
        print(
            f"sweep: note: the folder the sweep ran in, {saved!r}, cannot be entered "
            f"({(error.strerror or str(error)).lower()}); relative paths in its command line are "
            f"read from {here!r}",
            file=sys.stderr,
        )
        folder.description["cwd"] = here  # where its trials run now: what their trial.json says
        return None
    print(f"sweep: resuming in {saved}, the folder the sweep ran in", file=sys.stderr)
    return here


def _check_program(folder: SweepFolder, prog: str) -> None:
    """Refuse to resume, with this program, a sweep another program started."""
    saved = folder.description
    if "program_id" in saved:
        same = saved["program_id"] == program_id(prog)
    else:  # a folder written before the program's path was saved
        same = saved.get("program") in (None, prog)
    if not same:
        command = saved.get("command") or [str(saved.get("program"))]
        resume = shlex.join([*command, RESUME_FLAG, str(folder.path)])
        other = saved.get("program_id", saved.get("program"))
        raise SweepError(
            f"The folder {str(folder.path)!r} holds a sweep of {other}, not of this program; "
            f"resume it with that program: {resume}"
        )


def _resume_search(options: SweepOptions, source: dict[str, Any]) -> None:
    """Fill in the resumed search's options; refuse a --search, --seed or Optuna objective it did not have."""
    search = source.get("search", "grid")
    if options.search not in (None, search):
        raise SweepError(f"--search {options.search} cannot change a resumed sweep: it is a {search} search.")
    if search not in SEARCHES:
        return
    if options.seed not in (None, source["seed"]):
        raise SweepError(
            f"--seed {options.seed} cannot change a resumed search: its trials were drawn with seed "
            f"{source['seed']}."
        )
    if options.trials is not None and options.trials < source["trials"]:
        raise SweepError(
            f"--trials {options.trials} cannot shrink a resumed search of {source['trials']} trials; "
            "give more trials to carry it on."
        )
    wanted = options.objective
    saved = (source.get("metric"), source.get("minimize"))
    if search == "optuna" and wanted is not None and (wanted.metric, wanted.minimize) != saved:
        way = "minimizes" if source.get("minimize") else "maximizes"
        raise SweepError(
            f"A resumed Optuna search keeps the objective its study learned (it {way} "
            f"{source.get('metric') or 'the result'}); leave --minimize/--maximize out."
        )
    options.search, options.seed = search, source["seed"]
    options.trials = options.trials or source["trials"]
