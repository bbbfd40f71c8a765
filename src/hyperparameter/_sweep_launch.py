"""``--sweep`` and ``--resume`` for launched programs: one trial per combination of swept ``-D`` values.

``python train.py --sweep -D train.lr=0.1,0.01 -D train.bs=32,64 -j 2`` runs
four trials. Each trial is the program's own command line with one value per
swept key, so the launcher parses and checks it as it would any run: every
trial is checked before the first one starts, and its command line is what
re-runs it alone.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._grammar import unquote
from ._numbers import jsonable
from ._origins import restore_baseline, save_baseline
from ._scope import SourcedScope, scope
from ._search import SEARCHES
from ._search_launch import build_extreme_trials, find_declared_classes, plan_search
from ._search_space import find_space_form
from ._suggest import did_you_mean
from ._sweep import run_sweep
from ._sweep_backends import BACKENDS
from ._sweep_command import program_command
from ._sweep_folder import SweepFolder
from ._sweep_grid import GridSource, check_set_once, refuse_search_space, split_swept_text
from ._sweep_launch_folder import create_folder, enter_saved_folder, open_resumed, saved_objective
from ._sweep_options import PLOT_FLAG, PREFIX, RESUME_FLAG, SWEEP_FLAG
from ._sweep_plot import import_figure, plot_sweep
from ._sweep_trial import Objective, SweepResult, Trial
from .exceptions import MissingDependencyError, SweepError, SweepFolderError, UsageError

_DEFINE_FLAGS = ("-D", "--define")


@dataclass
class SweepOptions:
    """The sweep's own options, taken out of the program's command line."""

    jobs: Optional[int] = None
    backend: Optional[str] = None
    runs: Optional[str] = None
    resume: Optional[str] = None
    objective: Optional[Objective] = None
    search: Optional[str] = None
    trials: Optional[int] = None
    seed: Optional[int] = None
    plot: bool = False
    program: list[str] = field(default_factory=list)
    programs_own: list[str] = field(default_factory=list)  # sweep options the program declares itself


_VALUED = {
    "-j": "jobs",
    "--jobs": "jobs",
    "--backend": "backend",
    "--runs": "runs",
    RESUME_FLAG: "resume",
    "--search": "search",
    "--trials": "trials",
    "--seed": "seed",
}
_OBJECTIVE_FLAGS = ("--minimize", "--maximize")
# The spellings that are always the sweep's: --sweep-seed is --seed, and so on.
_ALWAYS = {
    PREFIX + flag[2:]: flag for flag in (*_VALUED, *_OBJECTIVE_FLAGS, PLOT_FLAG) if flag.startswith("--")
}


def split_options(argv: Sequence[str], taken: frozenset[str] = frozenset()) -> SweepOptions:
    """Separate the sweep's options from the program's; ``taken`` are the program's own option strings.

    A long option the program declares itself (say its own ``--jobs``) stays
    the program's; ``-j`` and the ``--sweep-NAME`` spellings are always the sweep's.

    >>> options = split_options(["--sweep", "-j", "2", "-D", "a=1,2", "--minimize=loss", "in.txt"])
    >>> options.jobs, options.objective, options.program
    (2, Objective(metric='loss', minimize=True), ['-D', 'a=1,2', 'in.txt'])
    >>> options = split_options(["--sweep", "--seed", "3", "--sweep-seed=7"], taken=frozenset({"--seed"}))
    >>> options.seed, options.program, options.programs_own
    (7, ['--seed', '3'], ['--seed'])

    Raises:
        SweepError: an option without its value, or a jobs count or backend that is not one.
    """
    options = SweepOptions()
    args = list(argv)
    index = 0
    while index < len(args):
        arg = args[index]
        name, equals, attached = arg.partition("=")
        if arg == "--":
            options.program += args[index:]
            break
        if name.startswith(PREFIX):
            if name not in _ALWAYS:
                hint = did_you_mean(name, list(_ALWAYS))
                raise SweepError(f"Unknown sweep option {name!r}. {hint}".rstrip())
            name = _ALWAYS[name]
            arg = name + equals + attached
        elif name in taken and name != "-j":
            options.program.append(arg)
            if name in (*_VALUED, *_OBJECTIVE_FLAGS, PLOT_FLAG):
                options.programs_own.append(name)
            index += 1
            continue
        if arg == SWEEP_FLAG:
            pass
        elif arg == PLOT_FLAG:
            options.plot = True
        elif name in _VALUED or (arg.startswith("-j") and arg[2:].isdigit()):
            value = attached if equals else arg[2:] if name.startswith("-j") and len(arg) > 2 else None
            if value is None:
                if index + 1 >= len(args):
                    raise SweepError(f"The sweep option {name} needs a value.")
                index += 1
                value = args[index]
            _set(options, _VALUED.get(name, "jobs"), name, value)
        elif name in _OBJECTIVE_FLAGS:
            metric: Optional[str] = attached if equals else None
            if not equals and index + 1 < len(args) and not args[index + 1].startswith("-"):
                index += 1
                metric = args[index]
            options.objective = Objective(metric or None, name == "--minimize")
        else:
            options.program.append(arg)
        index += 1
    return options


def _set(options: SweepOptions, attribute: str, flag: str, value: str) -> None:
    if attribute == "jobs":
        if not value.isdigit() or int(value) < 1:
            raise SweepError(
                f"The sweep option {flag} takes a positive number of trials at once, not {value!r}."
            )
        options.jobs = int(value)
    elif attribute == "backend" and value not in BACKENDS:
        raise SweepError(
            f"Unknown sweep backend {value!r} for {flag}; expected one of {', '.join(BACKENDS)}."
        )
    elif attribute == "search" and value not in ("grid", *SEARCHES):
        raise SweepError(f"Unknown search {value!r} for {flag}; expected one of grid, {', '.join(SEARCHES)}.")
    elif attribute in ("trials", "seed"):
        if not value.isdigit() or (attribute == "trials" and int(value) < 1):
            what = "a positive number of trials" if attribute == "trials" else "a non-negative integer"
            raise SweepError(f"The sweep option {flag} takes {what}, not {value!r}.")
        setattr(options, attribute, int(value))
    else:
        setattr(options, attribute, value)


@dataclass
class _Define:
    """One ``-D`` of the command line: where it is and how it is written."""

    index: int
    key: str
    text: str
    separate: bool  # -D KEY=VALUE (two arguments) rather than -DKEY=VALUE / --define=KEY=VALUE
    flag: str


def _find_defines(args: Sequence[str]) -> list[_Define]:
    """Return the ``-D`` arguments of ``args`` (before any ``--``)."""
    found = []
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg in _DEFINE_FLAGS and index + 1 < len(args):
            key, _, text = args[index + 1].partition("=")
            found.append(_Define(index + 1, key.strip(), text, True, arg))
        elif arg.startswith("--define="):
            key, _, text = arg[len("--define=") :].partition("=")
            found.append(_Define(index, key.strip(), text, False, "--define="))
        elif arg.startswith("-D") and len(arg) > 2 and not arg.startswith("--"):
            key, _, text = arg[2:].partition("=")
            found.append(_Define(index, key.strip(), text, False, "-D"))
    return found


def expand(args: Sequence[str]) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Expand ``args`` into the swept keys with their value texts, and every trial's command line.

    A trial's command line keeps an item as written, quotes and all, so the
    launcher reads it by the one rule for a ``-D`` text (``"a,b"`` is ``a,b``).

    >>> space, trials = expand(["-D", "a=1,2", "-Db=x,'y z'", "--epochs", "3"])
    >>> space
    {'a': ['1', '2'], 'b': ['x', 'y z']}
    >>> trials[1]
    ['-D', 'a=1', "-Db='y z'", '--epochs', '3']

    Raises:
        SweepError: a malformed swept value, or a key swept twice.
    """
    swept: dict[str, _Define] = {}
    written: dict[str, list[str]] = {}
    for define in _find_defines(args):
        items = split_swept_text(define.key, define.text, unquoted=False)
        if items is None:
            continue
        if define.key in swept:
            raise SweepError(f"The key {define.key!r} is swept twice; give all its values in one -D.")
        swept[define.key] = define
        written[define.key] = items
    check_set_once(_find_defines(args), swept)
    space = {key: [unquote(item) for item in items] for key, items in written.items()}
    trials = []
    for point in GridSource(written).points:
        trial = list(args)
        for key, define in swept.items():
            assignment = f"{define.key}={point[key]}"
            trial[define.index] = assignment if define.separate else define.flag + assignment
        trials.append(trial)
    return space, trials


def check_not_overridden(sources: Mapping[str, str], swept: Mapping[str, str]) -> None:
    """Refuse a swept key that an option also sets (``sources`` are a checked trial's): the option would win.

    ``swept`` says how each key is swept (``-D t.x=1,2``).

    >>> check_not_overridden({"t.x": "--x"}, {"t.x": "-D t.x=1,2"})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SweepError: 't.x' is swept by -D t.x=1,2 and also set by --x, which would win in every trial; drop one of them.
    """  # noqa: E501
    for key, how in swept.items():
        source = sources.get(key, "-D")
        if source != "-D":
            # A declared space cannot be dropped; a plain -D is how to pin its key.
            fix = f"to pin it, give -D {key}=VALUE instead" if "declared" in how else "drop one of them"
            raise SweepError(
                f"{key!r} is swept by {how} and also set by {source}, which would win in every trial; {fix}."
            )


@dataclass
class Prepared:
    """One run the launcher checked and did not start: its values and how to call it."""

    values: dict[str, Any]
    sources: dict[str, str]
    call: Callable[[], Any]


@dataclass
class _Trials:
    """A launched sweep's trials: where they come from, and each one's checked command line."""

    source: Any
    keys: list[str]
    argv_of: Callable[[Trial], list[str]]
    prepared: Callable[[Trial], Prepared]
    probe: Optional[Callable[[], Any]]  # a call the process backends must be able to send
    checked: list[Prepared]  # the runs checked before the first trial (a grid's all, a search's ends)


def run_sweep_cli(program: Any, argv: Sequence[str]) -> SweepResult:
    """Run a launched program's sweep (``program`` is the launcher's ``_Program``).

    Prints the table of trials on stdout (and with ``--plot`` draws
    ``DIR/sweep.png``). Exits with status 2 on bad input (before any trial runs
    or any folder is made), 1 if a trial failed, 130 on Ctrl-C.
    """
    try:
        options = split_options(argv, program.taken)
        resumed = open_resumed(options, program.parser.prog)
    except SweepError as error:
        program.parser.error(str(error))
    # Before moving into a resumed sweep's folder: a script typed as a relative path is relative to here.
    launcher = program_command(program.parser.prog)
    back = None if resumed is None else enter_saved_folder(resumed)
    try:
        return _run_sweep_here(program, options, resumed, launcher)
    finally:
        if back is not None:
            with contextlib.suppress(OSError):  # the folder is gone: stay where the sweep ran
                os.chdir(back)


def _run_sweep_here(
    program: Any, options: SweepOptions, resumed: Optional[SweepFolder], launcher: list[str]
) -> SweepResult:
    """Check the trials, then run them from the current folder (a resumed sweep's own, entered by then).

    ``launcher`` is the command that starts the program, worked out in the folder it was started from.
    """
    parser = program.parser
    try:
        args = options.program if resumed is None else [str(arg) for arg in resumed.description["argv"]]
        if options.plot:
            import_figure()  # a missing extra is a usage error, before any trial runs
        if options.search in SEARCHES:
            trials = _prepare_search(program, options, args)
        else:
            if options.trials is not None or options.seed is not None:
                raise SweepError("--trials and --seed are for --search random or --search optuna.")
            trials = _prepare_grid(program, args)
    except (SweepError, MissingDependencyError) as error:
        parser.error(str(error))
    for flag in dict.fromkeys(options.programs_own):
        print(
            f"{parser.prog}: note: {flag} is the program's own option, so every trial gets it; "
            f"the sweep's is {PREFIX}{flag[2:]}",
            file=sys.stderr,
        )
    try:
        folder = resumed or create_folder(options, parser.prog, trials.source.describe())
    except (SweepError, SweepFolderError) as error:
        parser.error(str(error))
    if resumed is not None:  # what --trials and --minimize/--maximize changed
        resumed.update({"source": jsonable(trials.source.describe()), "objective": saved_objective(options)})
    resume_flag = PREFIX + "resume" if RESUME_FLAG in program.taken else RESUME_FLAG

    def plan(trial: Trial) -> tuple[Callable[[], Any], dict[str, Any], dict[str, str]]:
        run = trials.prepared(trial)
        return run.call, run.values, run.sources

    # As in a single run, the threads a trial starts see the run's values: here the
    # ones every trial shares (options, -C, unswept -D); the swept ones differ per
    # trial, and reach such threads on the process backends only.
    saved = save_baseline()
    try:
        with SourcedScope(*_find_shared_values(trials.checked)):
            scope.frozen()
        result = run_sweep(
            plan,
            trials.source,
            trials.keys,
            jobs=options.jobs or 1,
            backend=options.backend or "threads",
            folder=folder,
            resume=resumed is not None,
            objective=options.objective,
            probe=trials.probe,
            argv_of=lambda trial: [*launcher, *trials.argv_of(trial)],
            resume_hint=lambda folder: shlex.join([*launcher, resume_flag, str(folder)]),
        )
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        restore_baseline(saved)
    print(result)
    if options.plot:
        _draw(result)
    if not result.ok:
        raise SystemExit(1)
    return result


def _draw(result: SweepResult) -> None:
    """Draw ``DIR/sweep.png`` for ``--plot``, or say on stderr why there is no picture."""
    try:
        print(f"sweep: picture in {plot_sweep(result)}", file=sys.stderr)
    except SweepError as error:
        print(f"sweep: no picture: {error}", file=sys.stderr)


def _find_shared_values(prepared: list[Prepared]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the values (and their sources) that every one of ``prepared`` has alike."""
    first = prepared[0]
    keys = [
        key
        for key, value in first.values.items()
        if all(key in run.values and run.values[key] == value for run in prepared[1:])
    ]
    return {key: first.values[key] for key in keys}, {
        key: first.sources[key] for key in keys if key in first.sources
    }


def _prepare_grid(program: Any, args: list[str]) -> _Trials:
    """Return the trials of a grid: every one parsed and checked now, before the first one runs."""
    space, trial_args = expand(args)
    _refuse_search_spaces(program, args, space)
    _describe_if_asked(program, trial_args[0])
    # The unknown-key warnings are the same for every trial, so only the first one gives them.
    prepared = [_prepare(program, each, warn=index == 0) for index, each in enumerate(trial_args)]
    swept = {
        define.key: f"-D {define.key}={define.text}" for define in _find_defines(args) if define.key in space
    }
    check_not_overridden(prepared[0].sources, swept)
    source = GridSource(space)
    # A trial's values as the launcher converted them (0.1, not '0.1'), for the table and the folder.
    source.points = [
        {key: run.values.get(key, text) for key, text in point.items()}
        for point, run in zip(source.points, prepared)
    ]
    return _Trials(
        source,
        list(space),
        lambda trial: trial_args[trial.number],
        lambda trial: prepared[trial.number],
        prepared[0].call if prepared else None,
        prepared,
    )


def _refuse_search_spaces(program: Any, args: list[str], space: Mapping[str, list[str]]) -> None:
    """Refuse an unswept ``-D`` written as a search space that its key's checks refuse as a value.

    Such a text was meant for ``--search``; one its key takes (a ``str``
    initializer spec such as ``uniform(-0.1, 0.1)``) is a value, as in a plain run.
    """
    for define in _find_defines(args):
        if define.key in space or find_space_form(define.text) is None:
            continue
        try:
            program.checks().check({define.key: unquote(define.text)}, {define.key: "-D"})
        except UsageError:
            refuse_search_space(define.key, define.text)


def _prepare_search(program: Any, options: SweepOptions, args: list[str]) -> _Trials:
    """Return the trials of a search: every end of every space checked now, each trial when it is asked."""
    search = plan_search(
        args,
        _find_defines(args),
        find_declared_classes(
            [command.func for command in program.commands] + list(program.module_globals.values())
        ),
        search=str(options.search),
        trials=options.trials,
        seed=options.seed,
        objective=options.objective,
    )
    ends = build_extreme_trials(search.space)
    _describe_if_asked(program, search.argv_of(ends[0].values))
    # A bad end is named by the space the user wrote and which end it is, not by a -D never typed.
    checked = [
        _prepare(
            program,
            search.argv_of(end.values),
            index == 0,
            {key: f"{search.how[key]}, at {name}," for key, name in end.ends.items()},
        )
        for index, end in enumerate(ends)
    ]
    check_not_overridden(checked[0].sources, search.how)
    cache: dict[int, Prepared] = {}

    def prepared(trial: Trial) -> Prepared:
        if trial.number not in cache:
            cache[trial.number] = _prepare(program, search.argv_of(trial.values), warn=False)
        return cache[trial.number]

    return _Trials(
        search.source,
        search.keys,
        lambda trial: search.argv_of(trial.values),
        prepared,
        checked[0].call,
        checked,
    )


def _describe_if_asked(program: Any, first: list[str]) -> None:
    """Handle ``-lps`` / ``-ep`` by describing the first trial, then exit."""
    if program.describes(first):
        program._describe(first)


def _prepare(
    program: Any, args: list[str], warn: bool, named: Optional[Mapping[str, str]] = None
) -> Prepared:
    """Parse and check one trial's command line as the launcher does, without running it.

    ``warn``: also give the unknown-key warning (the same for every trial, so
    the first trial gives it). ``named``: how the check's messages name the
    source of some keys' values, in place of ``-D``.
    """
    run = program._parse(program.parser, args)
    given = {key: run.sources[key] for key in named or {} if key in run.sources}
    run.sources.update((key, name) for key, name in (named or {}).items() if key in given)
    if run.record_to is not None:
        flag = program.record_option.removeprefix("argument ")  # --hp-record when --record is the program's
        raise SweepError(
            f"{flag} {run.record_to} records one run, but --sweep runs many, and each trial's record "
            f"is already DIR/NNNN/record.json; drop {flag}."
        )
    if warn:
        program._check(run)
    elif run.set_by_user:
        try:
            run.values = program.checks().check(run.values, run.sources)
        except UsageError as error:
            program.parser.error(str(error))
    run.sources.update(given)
    return Prepared(run.values, run.sources, _call_of(run.command, run.arguments))


def _call_of(command: Any, arguments: dict[str, Any]) -> Callable[[], Any]:
    """Return the launched function's call with its command-line arguments, as an object that pickles."""
    split = getattr(command, "split", None)
    if split is None:  # an hp.Params class as the program
        return functools.partial(command.call, arguments)
    positional, keywords = split(arguments)
    return functools.partial(command.func, *positional, **keywords)
