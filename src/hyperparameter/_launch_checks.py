"""Checks a launched program's values must pass before it runs, and the report of unknown keys.

Every value from ``-D``, ``-C`` and options is checked against every rule the
program's catalog knows for its key (see :class:`~hyperparameter._catalog.Check`):
a declared type is strict, a read with a literal default refuses only text it
cannot read. A key no part of the program reads is likely a typo: all such
keys are reported in one line, with a close match for the first few only, so a
file of ten thousand unread keys costs one line and five close-match searches.

>>> import hyperparameter as hp
>>> @hp.param("app")
... def main(epochs: int = 3, lr=0.1):
...     return epochs, lr
>>> checks = build_checks(main)
>>> checks.check({"app.epochs": "7", "app.lr": 1}, {"app.epochs": "-D", "app.lr": "-C a.toml"})
{'app.epochs': 7, 'app.lr': 1.0}
>>> checks.summarize_unknown(["app.epoch"], {"app.epoch": "-D"})
"-D sets a hyperparameter the program never reads: 'app.epoch'. Did you mean 'app.epochs'?"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable, Optional

from ._catalog import Catalog, infos_of
from ._grammar import IndexAssignment
from ._suggest import format_suggestion
from .exceptions import ConversionError, UsageError

# How many unknown keys a summary shows by name (each with its close matches).
SHOWN = 5


class Checks:
    """The checks of one launch, built on the launch's one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def check(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> dict[str, Any]:
        """Return ``values``, each converted to its declared type; raise UsageError for the first bad one.

        ``sources`` names where each value came from, for the message.
        """
        return {**values, **self.convert(values, sources)}

    def convert(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> dict[str, Any]:
        """Return the values a declaration's type converts, converted; raise UsageError for the first bad one.

        >>> import hyperparameter as hp
        >>> @hp.param("app")
        ... def main(epochs: int = 3, name="run"): ...
        >>> build_checks(main).convert({"app.epochs": "7", "app.name": "x", "other": 1}, {})
        {'app.epochs': 7, 'app.name': 'x'}
        """
        result: dict[str, Any] = {}
        for key in self.catalog.checked_keys(values):
            value, typed = values[key], False
            for rule in self.catalog.checks_for(key):
                try:
                    converted = rule.convert(value)
                except ConversionError as error:
                    source = sources.get(key, "the scope")
                    what = (
                        value.describe(key) if isinstance(value, IndexAssignment) else f"{key!r} to {value!r}"
                    )
                    raise UsageError(
                        f"{source} sets {what}, but {rule.where} expects {error.expected}.",
                        key,
                        value,
                        source,
                    ) from None
                if rule.typed and not typed:
                    result[key], typed = converted, True
        return result

    def unknown(self, keys: Iterable[str]) -> list[str]:
        """Return the keys no part of the program reads or declares."""
        return self.catalog.unknown(keys)

    def namespaces(self, given: Mapping[str, Any]) -> dict[str, str]:
        """Return the keys of ``given`` that name a namespace of known keys (and are no key themselves).

        Each comes with a few of its keys. The program's namespaces are looked
        up in ``given``, not the other way round: a file of ten thousand keys
        costs as little as one.

        >>> import hyperparameter as hp
        >>> @hp.param("app")
        ... def main(epochs=3, lr=0.1): ...
        >>> build_checks(main).namespaces({"app": 3, "ap": 4, "app.lr": 0.5})
        {'app': 'app.epochs, app.lr'}
        """
        known = self.catalog.entries
        prefixes = set()
        for key in known:
            while "." in key:
                key = key.rpartition(".")[0]
                prefixes.add(key)
        found = {}
        for prefix in sorted(prefixes):
            if prefix in given and not self.catalog.knows(prefix):
                members = sorted(each for each in known if each.startswith(prefix + "."))
                found[prefix] = ", ".join(members[:3]) + (", ..." if len(members) > 3 else "")
        return found

    def summarize_unknown(
        self, keys: list[str], sources: Mapping[str, str], setters: Optional[Sequence[str]] = None
    ) -> str:
        """Summarize unknown ``keys`` in a line: who set them, how many, the first few with close matches.

        ``sources`` names where each key came from; ``setters``, when the caller
        knows them, are those sources in order, one each (ten thousand keys from
        one file need not be looked up one by one).
        """
        if setters is None:
            setters = [each or "the scope" for each in dict.fromkeys(map(sources.get, keys))]
        who = setters[0] if len(setters) == 1 else ", ".join(setters[:-1]) + " and " + setters[-1]
        verb = "sets" if len(setters) == 1 else "set"
        if len(keys) == 1:
            return self.catalog.unknown_message(
                keys[0], f"{who} {verb} a hyperparameter the program never reads:"
            )
        shown = []
        for key in keys[:SHOWN]:
            hint = format_suggestion(self.catalog.closest(key)[:1])
            shown.append(f"{key!r} ({hint})" if hint else repr(key))
        more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
        return f"{who} {verb} {len(keys)} hyperparameters the program never reads: {', '.join(shown)}{more}"


def build_checks(*functions: Callable[..., Any]) -> Checks:
    """Build the checks for programs of these ``@hp.param`` functions, without scanning any file."""
    return Checks(Catalog(infos_of(list(functions)), []))


def summarize_unread(
    keys: list[str], sources: Mapping[str, str], file_keys: Mapping[str, int], shown: int = 20
) -> list[str]:
    """Say which of the run's ``-D``/``-C`` keys it never read: a line per ``-D`` key, one per file.

    A ``-D`` key was typed for this run, so each gets its line (up to
    ``shown``); a config file is often shared by several programs, so each
    file gets one line, naming its first few unread keys of all it set
    (``file_keys``, counted when it was loaded: a key ``-D`` overrides counts).

    >>> sources = {"a.x": "-C c.yaml", "a.y": "-C c.yaml", "a.z": "-D", "b": "-D"}
    >>> for line in summarize_unread(["a.x", "a.y", "b"], sources, {"-C c.yaml": 3}):
    ...     print(line)
    'b' was set (-D) but the run never read it
    -C c.yaml: 2 of its 3 keys were never read: 'a.x', 'a.y'
    """
    defined: list[str] = []
    by_file: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):  # a key -C and -D both set is named once
        source = sources.get(key, "the scope")
        if source.startswith("-C "):
            by_file.setdefault(source, []).append(key)
        else:
            defined.append(key)
    lines = [
        f"{key!r} was set ({sources.get(key, 'the scope')}) but the run never read it"
        for key in defined[:shown]
    ]
    if len(defined) > shown:
        lines.append(f"and {len(defined) - shown} more -D keys the run never read")
    for source, unread in by_file.items():
        total = file_keys.get(source, len(unread))
        more = f" and {len(unread) - SHOWN} more" if len(unread) > SHOWN else ""
        names = ", ".join(map(repr, unread[:SHOWN]))
        verb = "was" if len(unread) == 1 else "were"
        lines.append(f"{source}: {len(unread)} of its {total} keys {verb} never read: {names}{more}")
    return lines
