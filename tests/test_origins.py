"""Sources: where the value of a key in force came from."""

from __future__ import annotations

import threading

import hyperparameter as hp
from hyperparameter._origins import restore_baseline, save_baseline, source_of, sources_of
from hyperparameter._scope import SourcedScope


def test_a_sourced_scope_names_the_source_of_its_values() -> None:
    """A value set by a sourced scope reports that scope's source for its key."""
    with SourcedScope(
        {"train.lr": "0.1", "train": {"epochs": 3}}, {"train.lr": "-D", "train.epochs": "-C a.toml"}
    ):
        assert (source_of("train.lr"), source_of("train.epochs")) == ("-D", "-C a.toml")


def test_an_inner_plain_scope_hides_the_outer_source() -> None:
    """A key set again by a plain scope has no known source inside that block, and its old one after."""
    with SourcedScope({"x": 1, "y": 2}, {"x": "-D", "y": "-D"}):
        with hp.scope(x=5):
            assert source_of("x") is None
            assert sources_of() == {"y": "-D"}
        assert source_of("x") == "-D"


def test_a_key_written_through_the_scope_object_loses_its_source() -> None:
    """Writing a key through the sourced scope object drops the source the key had."""
    with SourcedScope({"x": 1, "y": 2}, {"x": "-D", "y": "-D"}) as values:
        values.x = 7
        assert (hp.scope.x | 0, source_of("x"), source_of("y")) == (7, None, "-D")


def test_clearing_a_sourced_scope_drops_inherited_values_and_sources() -> None:
    """A cleared sourced scope stops inheriting and forgets every source."""
    with hp.scope(z=1), SourcedScope({"x": 1}, {"x": "-D"}) as values:
        values.clear()
        assert (hp.scope.z | 0, sources_of()) == (0, {})


def test_frozen_baseline_keeps_sources_for_new_threads() -> None:
    """A thread started after frozen() sees the frozen values with their sources."""
    saved = save_baseline()
    try:
        with SourcedScope({"a.b": 3}, {"a.b": "--b"}):
            hp.scope.frozen()
        seen: list[object] = []
        worker = threading.Thread(target=lambda: seen.append((hp.scope.a.b | 0, source_of("a.b"))))
        worker.start()
        worker.join()
        assert seen == [(3, "--b")]
    finally:
        restore_baseline(saved)


def test_restoring_the_baseline_puts_back_values_and_sources() -> None:
    """restore_baseline makes new threads start from the saved baseline again."""
    saved = save_baseline()
    with SourcedScope({"a.b": 3}, {"a.b": "--b"}):
        hp.scope.frozen()
    restore_baseline(saved)
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append((hp.scope.a.b | 0, source_of("a.b"))))
    worker.start()
    worker.join()
    assert seen == [(0, None)]
