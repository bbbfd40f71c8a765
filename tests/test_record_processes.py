"""Reads made in processes a record's code starts reach the record: pools, bound calls, launched runs."""

from __future__ import annotations

import multiprocessing
import pathlib
from concurrent.futures import ProcessPoolExecutor

import pytest

import hyperparameter as hp

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
WAIT = 120.0  # seconds a child may take (a loaded machine starts spawn children slowly)


def jitter(x: int) -> float:
    """Read, in a worker, a key the parent never reads."""
    return x * (hp.scope.data.jitter | 0.0)


def worker_block(x: int) -> int:
    """Set a value in a worker's block of its own and read it there."""
    with hp.scope(**{"data.crop": 32}):
        return x * (hp.scope.data.crop | 0)


@pytest.mark.parametrize("method", METHODS)
def test_reads_in_pool_workers_started_from_a_recording_baseline_are_recorded(method: str) -> None:
    """A record sees what pool workers read from the frozen baseline, with the parent's source."""
    context = multiprocessing.get_context(method)
    with hp.scope(**{"data.jitter": 0.5}), hp.record() as rec:
        hp.scope.frozen()
        with context.Pool(1) as pool:
            assert pool.map(jitter, [1, 2]) == [0.5, 1.0]
    assert "data.jitter" not in rec.unread
    read = rec.reads["data.jitter"]
    assert (read.value, read.default) == (0.5, 0.0)
    assert read.source.startswith("parent process")
    assert "test_record_processes.py" in read.site
    assert rec.operative() == {"data": {"jitter": 0.5}}


@pytest.mark.parametrize("method", METHODS)
def test_reads_of_bound_calls_in_a_process_pool_are_recorded(method: str) -> None:
    """Work handed to a ProcessPoolExecutor with bind_scope inside a record is recorded."""
    context = multiprocessing.get_context(method)
    with (
        ProcessPoolExecutor(1, mp_context=context) as pool,
        hp.scope(**{"data.jitter": 0.25}),
        hp.record() as rec,
    ):
        assert list(pool.map(hp.bind_scope(jitter), [4], timeout=WAIT)) == [1.0]
        assert pool.submit(hp.bind_scope(worker_block), 2).result(WAIT) == 64
    assert rec.reads["data.jitter"].value == 0.25
    assert rec.reads["data.crop"].source.startswith("hp.scope")
    assert rec.operative() == {"data": {"jitter": 0.25}}  # the worker's own block is not pinned


def test_a_worker_outliving_its_record_records_nothing_more() -> None:
    """Reads after the record closed do not reach it, and work goes on without error."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with hp.scope(**{"data.jitter": 1.0}), hp.record() as rec:
            bound = hp.bind_scope(jitter)
            assert pool.submit(bound, 1).result(WAIT) == 1.0
        assert pool.submit(bound, 3).result(WAIT) == 3.0
        assert pool.submit(hp.bind_scope(worker_block), 1).result(WAIT) == 32
    assert set(rec.reads) == {"data.jitter"}


def pool_main(method: str = "spawn") -> list[float]:
    """Run a launched program whose -D value only pool workers read."""
    with multiprocessing.get_context(method).Pool(1) as pool:
        return pool.map(jitter, [1, 2])


@pytest.mark.parametrize("method", METHODS)
def test_launch_counts_reads_in_worker_processes(
    method: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A -D key only workers read gets no 'never read' warning, and --record keeps it for replay."""
    path = tmp_path / "run.toml"
    argv = ["--method", method, "-D", "data.jitter=0.3"]
    assert hp.launch(pool_main, argv=argv) == [0.3, 0.6]
    assert "never read" not in capsys.readouterr().err
    hp.launch(pool_main, argv=[*argv, "--record", str(path)])
    assert "jitter = 0.3  # parent process (-D); read at " in path.read_text()
    assert hp.launch(pool_main, argv=["--method", method, "-C", str(path)]) == [0.3, 0.6]
