"""hp.record(): the reads of a block, their values, sources and sites; operative config and replay."""

from __future__ import annotations

import asyncio
import json
import math
import os
import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter import _levels
from hyperparameter._record import MISSING
from hyperparameter._scope import SourcedScope

WAIT = 10.0


def line_of(marker: str) -> int:
    """Return the line of this file that holds ``marker`` (in a comment), for expected read sites."""
    for number, text in enumerate(pathlib.Path(__file__).read_text().splitlines(), 1):
        if text.rstrip().endswith("# " + marker):
            return number
    raise LookupError(marker)


def site(marker: str) -> str:
    """Return the read site a record shows for the line of this file holding ``marker``."""
    return f"{os.path.relpath(__file__)}:{line_of(marker)}"


@hp.param("train")  # def-train
def train(lr: float = 0.001, epochs: int = 10) -> float:
    return lr * epochs


class Model(hp.Params, namespace="model"):
    width = hp.Int(64)


def test_a_read_records_value_stored_value_default_source_and_site() -> None:
    """A read records the converted value, the stored string, the default, its source and the reading line."""
    with hp.scope(**{"train.lr": "0.1"}), hp.record() as rec:
        assert hp.scope.train.lr | 0.001 == 0.1  # read-lr
    read = rec.reads["train.lr"]
    assert (read.value, read.stored, read.default, read.source) == (0.1, "0.1", 0.001, "hp.scope")
    assert read.site == site("read-lr")


def test_an_unset_key_records_its_default_as_the_value() -> None:
    """Reading an unset key records the default as the value and 'default' as the source."""
    with hp.record() as rec:
        hp.scope.train.epochs | 10
    read = rec.reads["train.epochs"]
    assert (read.value, read.stored, read.default, read.source) == (10, MISSING, 10, "default")


def test_a_read_without_default_records_the_stored_value() -> None:
    """A required read records the stored value as it is, with no default."""
    with hp.scope(**{"name": "run-1"}), hp.record() as rec:
        hp.scope.name()
    assert (rec.reads["name"].value, rec.reads["name"].default) == ("run-1", MISSING)


def test_a_scope_entered_in_the_block_is_the_source_with_its_line() -> None:
    """A value set by an hp.scope block entered inside the record names that block's line."""
    with hp.record() as rec, hp.scope(**{"train.lr": 0.5}):  # inner-scope
        hp.scope.train.lr | 0.001
    assert rec.reads["train.lr"].source == "hp.scope " + site("inner-scope")


def test_a_write_in_the_block_is_the_source_with_its_line() -> None:
    """A value written inside the record names the writing line as its source."""
    with hp.record() as rec:
        hp.scope.train.lr = 0.2  # write-lr
        hp.scope.train.lr | 0.001
    assert rec.reads["train.lr"].source == "write " + site("write-lr")


def test_a_sourced_scope_names_its_own_source() -> None:
    """A value from a scope that says where its values came from (the launcher's) records that source."""
    with SourcedScope({"train.lr": "0.3"}, {"train.lr": "-D"}), hp.record() as rec:
        hp.scope.train.lr | 0.001
    assert rec.reads["train.lr"].source == "-D"


def test_a_value_loaded_by_hp_config_names_the_file(tmp_path: pathlib.Path) -> None:
    """A value that hp.config loaded from a file records 'hp.config <file>' as its source."""
    path = tmp_path / "run.toml"
    path.write_text("[train]\nlr = 0.25\n")
    with hp.scope(hp.config(path)), hp.record() as rec:
        hp.scope.train.lr | 0.001
    assert rec.reads["train.lr"].source == f"hp.config {path}"


def test_injected_and_declared_reads_record_their_defaults() -> None:
    """@hp.param arguments and declared Params record the function's and the declaration's defaults."""
    with hp.scope(**{"train.lr": "0.1", "model.width": "128"}), hp.record() as rec:
        train()  # call-train
        assert Model().width == 128
    assert (rec.reads["train.lr"].value, rec.reads["train.lr"].default) == (0.1, 0.001)
    assert (rec.reads["train.epochs"].value, rec.reads["train.epochs"].source) == (10, "default")
    assert rec.reads["train.lr"].site == site("call-train")
    assert (rec.reads["model.width"].value, rec.reads["model.width"].default) == (128, 64)


def test_reads_outside_the_block_are_not_recorded() -> None:
    """Reads before and after the block are not recorded, and after it the context reads as before."""
    hp.scope.before | 1
    with hp.record() as rec:
        hp.scope.inside | 2
    hp.scope.after | 3
    assert list(rec.reads) == ["inside"]
    assert _levels.current.get().__class__ is _levels.Level


def test_the_block_is_transparent_to_writes() -> None:
    """A top-level write inside the record stays after the block, as it would without a record."""

    def body() -> Any:
        with hp.record():
            hp.scope.kept = 5
        return hp.scope.kept | 0

    assert threading_run(body) == 5


def threading_run(func: Any) -> Any:
    """Run ``func`` in a new thread (a fresh context) and return its result."""
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(func()))
    worker.start()
    worker.join(WAIT)
    return result[0]


def test_a_record_is_used_once() -> None:
    """Entering a record a second time raises ScopeError."""
    rec = hp.record()
    with rec:
        pass
    with pytest.raises(hp.ScopeError, match="already used"), rec:
        pass


def test_an_injected_function_a_pool_calls_is_sited_at_its_definition() -> None:
    """@hp.param reads are sited where the program calls the function, or where it is defined when a
    thread pool calls it."""
    with hp.record() as rec, ThreadPoolExecutor(1) as pool:
        pool.submit(hp.bind_scope(train)).result(WAIT)
    assert rec.reads["train.lr"].site == site("def-train")
    with hp.record() as rec:
        train()  # call-train-directly
    assert rec.reads["train.lr"].site == site("call-train-directly")


def test_pool_work_handed_off_with_bind_scope_is_recorded() -> None:
    """Work handed to a thread pool with hp.bind_scope is recorded; a plain new thread is not."""
    with hp.record() as rec, ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(hp.bind_scope(lambda: hp.scope.pool.v | 8)).result(WAIT)
        threading_run(lambda: hp.scope.thread.v | 9)
    assert set(rec.reads) == {"pool.v"}


def test_concurrent_records_in_two_threads_see_only_their_own_reads() -> None:
    """Two records open at once in two threads each see only the reads of their own thread."""
    barrier = threading.Barrier(2, timeout=WAIT)
    records: dict[str, hp.Record] = {}

    def work(name: str) -> None:
        with hp.record() as rec:
            barrier.wait()
            for _ in range(50):
                hp.scope[name + ".v"] | 1
            barrier.wait()
        records[name] = rec

    workers = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for each in workers:
        each.start()
    for each in workers:
        each.join(WAIT)
    assert list(records["a"].reads) == ["a.v"]
    assert list(records["b"].reads) == ["b.v"]


def test_tasks_created_in_the_block_are_recorded_and_concurrent_task_records_are_isolated() -> None:
    """Asyncio tasks created in a record are recorded; records open in two concurrent tasks are isolated."""

    async def child() -> int:
        return hp.scope.child.v | 7  # type: ignore[no-any-return]

    async def recorded(name: str) -> hp.Record:
        with hp.record() as rec:
            await asyncio.sleep(0)
            hp.scope[name] | 1
            await asyncio.create_task(child())
            await asyncio.sleep(0)
        return rec

    async def main() -> list[hp.Record]:
        return await asyncio.gather(recorded("a"), recorded("b"))

    first, second = asyncio.run(main())
    assert list(first.reads) == ["a", "child.v"]
    assert list(second.reads) == ["b", "child.v"]


def test_reads_in_generators_and_their_blocks_are_recorded() -> None:
    """Reads inside a generator, in its own scope block too, are recorded with their defaults."""

    def numbers() -> Any:
        yield hp.scope.gen.start | 1
        with hp.scope(**{"gen.step": 2}):
            yield hp.scope.gen.step | 1
            yield hp.scope.gen.stop | 3

    with hp.record() as rec:
        assert list(numbers()) == [1, 2, 3]
    assert {key: (read.value, read.default) for key, read in rec.reads.items()} == {
        "gen.start": (1, 1),
        "gen.step": (2, 1),
        "gen.stop": (3, 3),
    }


def test_a_suspended_generator_block_does_not_record_the_callers_reads() -> None:
    """A record opened by the caller leaves a generator's suspended block invisible, as without it."""

    def inner() -> Any:
        with hp.scope(**{"g": 1}):
            yield hp.scope.g | 0

    with hp.record() as rec:
        running = inner()
        assert next(running) == 1
        assert hp.scope.g | 0 == 0
        running.close()
    assert rec.reads["g"].value == 1
    assert rec.reads["g"].varied
    assert rec.reads["g"].last == 0


def test_nested_records_each_see_their_own_block() -> None:
    """An inner record sees the reads of its block; the outer one sees them too, and its own."""
    with hp.record() as outer:
        hp.scope.a | 1
        with hp.record() as inner:
            hp.scope.b | 2
        hp.scope.c | 3
    assert list(outer.reads) == ["a", "b", "c"]
    assert list(inner.reads) == ["b"]


def test_a_value_that_changes_between_levels_is_marked_varied() -> None:
    """A key read at several scope levels with different values keeps the first and marks it varied."""
    with hp.record() as rec:
        for lr in (0.1, 0.2, 0.3):
            with hp.scope(lr=lr):
                hp.scope.lr | 0.0
    read = rec.reads["lr"]
    assert (read.value, read.varied, read.last) == (0.1, True, 0.3)


def test_unread_lists_keys_set_in_the_block_or_by_a_source_that_nothing_read() -> None:
    """Keys set by a sourced scope or inside the block and never read are listed as unread."""
    sourced = SourcedScope({"lr": "0.1", "lrr": "0.2"}, {"lr": "-D", "lrr": "-D"})
    with sourced, hp.scope(unrelated=1), hp.record() as rec:
        with hp.scope(x=1, y=2):
            hp.scope.x | 0
        hp.scope.z = 3
        hp.scope.lr | 0.0
    assert rec.unread == ["lrr", "y", "z"]


def test_operative_nests_the_values_as_read() -> None:
    """operative() holds every key read, with typed values and defaults, nested as config files are."""
    with hp.scope(**{"train.lr": "0.1"}), hp.record() as rec:
        train()
        hp.scope.name | "run"
    assert rec.operative() == {"train": {"lr": 0.1, "epochs": 10}, "name": "run"}


def test_operative_refuses_a_key_read_as_value_and_table() -> None:
    """A key read as a value and as a table of other keys cannot be written, and says which."""
    with hp.record() as rec:
        hp.scope.a | 1
        hp.scope.a.b | 2
    with pytest.raises(hp.ConfigError, match="'a'"):
        rec.operative()


def test_operative_leaves_out_what_the_blocks_own_scopes_and_writes_set() -> None:
    """A value the recorded code sets itself (its own block or write) is not pinned for replay."""

    def run() -> tuple[float, float, int]:
        with hp.scope(**{"model.dropout": 0.3}):
            inner = hp.scope.model.dropout | 0.0
        hp.scope.seed = 7
        return inner, hp.scope.model.dropout | 0.0, hp.scope.seed | 0

    with hp.scope(), hp.record() as rec:
        first = run()
    assert rec.operative() == {"model": {"dropout": 0.0}}
    assert rec.reads["model.dropout"].value == 0.3  # the report still shows the first read
    with hp.scope(hp.config(rec.operative())):
        assert run() == first == (0.3, 0.0, 7)


def test_operative_keeps_a_value_set_outside_the_block_and_read_inside_its_own_scope() -> None:
    """A key the record's own block overrides keeps the value it had from outside, if read there."""
    with hp.scope(**{"lr": 0.1}), hp.record() as rec:
        with hp.scope(**{"lr": 0.5}):
            hp.scope.lr | 0.0
        hp.scope.lr | 0.0
    assert rec.operative() == {"lr": 0.1}


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
def test_replay_reproduces_values_after_a_default_changes(tmp_path: pathlib.Path, suffix: str) -> None:
    """Saving a record and loading it back gives the run's values even when code defaults changed."""
    if suffix == ".yaml":
        pytest.importorskip("yaml")
    path = tmp_path / ("run" + suffix)
    with hp.scope("train.lr=0.1"), hp.record() as rec:
        first = (hp.scope.train.lr | 0.001, hp.scope.train.epochs | 10)
    hp.save_config(rec, path)
    with hp.scope(hp.config(path)):
        replayed = (hp.scope.train.lr | 0.5, hp.scope.train.epochs | 99)
    assert replayed == first == (0.1, 10)


def test_save_config_writes_typed_values_and_sources_as_comments(tmp_path: pathlib.Path) -> None:
    """A saved record holds values as read (a float, not the -D string) and each key's source in a comment."""
    path = tmp_path / "run.toml"
    with SourcedScope({"train.lr": "0.2"}, {"train.lr": "-D"}), hp.record() as rec:
        hp.scope.train.lr | 0.001  # read-for-save
    hp.save_config(rec, path)
    text = path.read_text()
    assert f"lr = 0.2  # -D; read at {site('read-for-save')}" in text
    assert hp.config(path) == {"train": {"lr": 0.2}}


def test_save_config_writes_sources_beside_a_json_record(tmp_path: pathlib.Path) -> None:
    """JSON has no comments, so the sources go to a side file next to it."""
    path = tmp_path / "run.json"
    with hp.record() as rec:
        hp.scope.epochs | 3
    hp.save_config(rec, path)
    assert json.loads(path.read_text()) == {"epochs": 3}
    sources = json.loads((tmp_path / "run.sources.json").read_text())
    assert sources["epochs"].startswith("default; read at ")


def test_str_is_a_table_of_key_value_default_source_and_site() -> None:
    """print(rec) shows one row per key with value, default, source and read site, then unread keys."""
    with hp.scope(**{"train.lr": "0.1", "extra": 1}), hp.record() as rec, hp.scope(spare=1):
        hp.scope.train.lr | 0.001  # table-read
    lines = str(rec).splitlines()
    assert lines[0] == "1 hyperparameters read:"
    assert lines[1].split() == ["KEY", "VALUE", "DEFAULT", "SOURCE", "READ", "AT"]
    assert lines[2].split() == ["train.lr", "0.1", "0.001", "hp.scope", site("table-read")]
    assert lines[3] == "set but never read: spare"


def test_to_json_holds_reads_and_unread_keys() -> None:
    """to_json() gives each read, values written as save_config writes them (else as repr),
    and the unread keys."""
    values = {"path": pathlib.PurePosixPath("/data"), "pair": (1, 2), "hook": object}
    with hp.scope(**values), hp.record() as rec:
        hp.scope.path()
        hp.scope.pair()
        hp.scope.hook()
        hp.scope.epochs | 3
    data = json.loads(rec.to_json())
    assert data["reads"][0] == {
        "key": "path",
        "value": "/data",
        "stored": "/data",
        "source": "hp.scope",
        "site": data["reads"][0]["site"],
    }
    assert [read["value"] for read in data["reads"][1:3]] == [[1, 2], "<class 'object'>"]
    assert data["reads"][3]["default"] == 3
    assert data["unread"] == []


def test_a_read_that_fails_to_convert_records_no_value() -> None:
    """A read whose conversion raises is recorded without a value, and the read still raises."""
    with hp.scope(**{"epochs": "many"}), hp.record() as rec, pytest.raises(hp.ConversionError):
        hp.scope.epochs | 10
    assert rec.reads["epochs"].value is MISSING
    assert rec.operative() == {}


def test_re_reads_are_cached_at_the_level_and_not_recorded_again() -> None:
    """A second read of a key at the same level is a plain hit: the record keeps the first read's site."""
    with hp.record() as rec:
        for _ in range(3):
            hp.scope.loop.v | 1  # loop-read
    assert rec.reads["loop.v"].site == site("loop-read")
    assert not rec.reads["loop.v"].varied


KEYS = st.sampled_from(["a", "b", "a.x", "c.d"])
VALUES = st.one_of(st.integers(-5, 5), st.text(max_size=3), st.floats(allow_nan=False))
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), KEYS, st.integers(-5, 5)),
        st.tuples(st.just("scope"), KEYS, VALUES),
        st.tuples(st.just("write"), KEYS, VALUES),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_recorded_values_are_what_the_reads_returned(steps: list[tuple[str, str, Any]]) -> None:
    """Whatever scopes and writes come between, each key's recorded value is what its first read returned."""
    first_seen: dict[str, Any] = {}

    def run(rest: list[tuple[str, str, Any]]) -> None:
        for index, (action, key, value) in enumerate(rest):
            if action == "read":
                try:
                    got = hp.scope[key] | value
                except hp.ConversionError:
                    got = MISSING
                first_seen.setdefault(key, got)
            elif action == "write":
                hp.scope[key] = value
            else:
                with hp.scope(**{key: value}):
                    run(rest[index + 1 :])
                return

    def body() -> hp.Record:
        with hp.record() as rec:
            run(steps)
        return rec

    rec = threading_run(body)
    recorded = {key: read.value for key, read in rec.reads.items()}
    assert recorded.keys() == first_seen.keys()
    for key, value in first_seen.items():
        both_nan = all(isinstance(each, float) and math.isnan(each) for each in (recorded[key], value))
        assert recorded[key] is value or recorded[key] == value or both_nan  # "NAN" converts to a new nan


def test_a_task_outliving_its_record_stops_recording() -> None:
    """Reads after the record closed, in a task it created, are not added to it."""

    async def main() -> hp.Record:
        gate = asyncio.Event()

        async def late() -> None:
            await gate.wait()
            hp.scope.late | 1

        with hp.record() as rec:
            task = asyncio.create_task(late())
        gate.set()
        await task
        return rec

    assert asyncio.run(main()).reads == {}


def test_the_compiled_and_python_reads_record_alike() -> None:
    """The first read reaches the record with its default whichever read code runs."""
    from hyperparameter._accessor import read_current

    key = hp.scope.both.v
    with hp.scope(**{"both.v": "2"}), hp.record() as rec:
        assert read_current(key, 1) == 2
    assert (rec.reads["both.v"].value, rec.reads["both.v"].default) == (2, 1)


def test_a_re_read_inside_a_record_runs_no_python_when_compiled(compiled_run: Any) -> None:
    """With the compiled paths on, re-reading a key (set, converted or unset) in a record runs no Python."""
    with hp.scope(**{"c.set": 1, "c.text": "0.5"}), hp.record():
        reads = [hp.scope.c.set, hp.scope.c.text, hp.scope.c.unset]
        first = [reads[0] | 0, reads[1] | 1.0, reads[2] | 2]
        again, python_calls = compiled_run(lambda: [reads[0] | 0, reads[1] | 1.0, reads[2] | 2])
    assert (again, python_calls) == (first, [])


def test_launch_record_writes_the_operative_config_that_replays(tmp_path: pathlib.Path) -> None:
    """--record FILE writes what the launched run read, typed and with sources; -C FILE replays it."""
    path = tmp_path / "run.toml"

    def main(lr: float = 0.001, epochs: int = 10) -> tuple[float, int, int]:
        return lr, epochs, hp.scope.model.width | 64

    first = hp.launch(main, argv=["--lr", "0.1", "-D", "model.width=128", "--record", str(path)])
    text = path.read_text()
    assert "width = 128  # -D; read at " in text
    assert "lr = 0.1  # --lr; read at " in text
    assert hp.launch(main, argv=["-C", str(path)]) == first == (0.1, 10, 128)


def test_launch_warns_once_per_define_that_nothing_read(capsys: pytest.CaptureFixture[str]) -> None:
    """At the end of a launched run, each -D key the run never read gets one warning line."""

    def main(lr: float = 0.001) -> float:
        if lr > 1:
            return hp.scope.model.width | 64  # type: ignore[no-any-return]
        return lr

    hp.launch(main, argv=["-D", "model.width=128", "-D", "main.lr=0.5"])
    lines = [line for line in capsys.readouterr().err.splitlines() if "never read" in line]
    assert len(lines) == 1
    assert "'model.width' was set (-D) but the run never read it" in lines[0]


def test_launch_record_refuses_an_unknown_format_before_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """--record with a suffix no format has is a usage error, and the program does not run."""
    ran = []
    with pytest.raises(SystemExit) as exit_info:
        hp.launch(lambda lr=0.1: ran.append(lr), argv=["--record", "run.txt"])
    assert exit_info.value.code == 2
    assert not ran
    assert "--record" in capsys.readouterr().err


def test_threads_started_after_frozen_in_a_record_are_recorded() -> None:
    """A thread started after hp.scope.frozen() inside a record reads from a baseline that records."""
    with hp.scope(**{"worker.n": "4"}), hp.record() as rec:
        hp.scope.frozen()
        assert threading_run(lambda: hp.scope.worker.n | 1) == 4
    assert (rec.reads["worker.n"].value, rec.reads["worker.n"].default) == (4, 1)
