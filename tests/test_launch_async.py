"""``async def`` programs and trials run to their end inside their values (review item 20)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp


@hp.param("amain")
async def amain(n: int = 1) -> tuple[Any, ...]:
    """Serve n requests."""
    await asyncio.sleep(0)
    return n, hp.scope.amain.n | -1, hp.scope.adata.k | -1


def test_launch_runs_an_async_main_inside_its_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hp.launch of an async def main runs it to its end, with -D values in force, and returns its result."""
    record = tmp_path / "run.json"
    assert hp.launch(amain, argv=["--n", "3", "-D", "adata.k=7", "--record", str(record)]) == (3, 3, 7)
    assert "never read" not in capsys.readouterr().err
    assert '"k": 7' in record.read_text()


def test_sweep_awaits_an_async_trial() -> None:
    """hp.sweep of an async function awaits each trial inside the trial's values."""

    async def trial() -> dict[str, float]:
        await asyncio.sleep(0)
        return {"loss": float(hp.scope.asw.x | 0)}

    result = hp.sweep(trial, {"asw.x": [2, 1]}, minimize="loss")
    assert result.ok
    assert [trial.result for trial in result] == [{"loss": 2.0}, {"loss": 1.0}]
    best = result.best()
    assert best is not None
    assert best.values == {"asw.x": 1}
