"""The examples of seed documents 001 (API reference) and 002 (quick start), with their outputs."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import hyperparameter as hp
from hyperparameter import scope

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class TestSeed001Reference:
    def test_creating_scopes(self) -> None:
        """Every construction form of the reference builds the values it names."""
        assert dict(hp.scope.empty(lr=0.001, batch_size=32)) == {"lr": 0.001, "batch_size": 32}
        assert dict(hp.scope.empty("lr=0.001", "batch_size=32")) == {"lr": "0.001", "batch_size": "32"}
        ps = hp.scope(**{"train.lr": 0.001, "train.batch_size": 32})
        assert (ps.train.lr(), ps.train.batch_size()) == (0.001, 32)
        assert dict(hp.scope.empty()) == {}
        assert dict(hp.scope.empty(lr=0.001)) == {"lr": 0.001}

    def test_reading_parameters(self) -> None:
        """|, (default), () and dynamic keys read the same value; () raises KeyError when missing."""
        assert hp.scope.train.lr | 0.001 == 0.001
        assert hp.scope.train.lr(0.001) == 0.001
        with pytest.raises(KeyError):
            hp.scope.train.lr()
        key = "train.lr"
        with hp.scope(**{key: 0.5}):
            assert scope[key] | 0.001 == 0.5

    def test_writing_parameters(self) -> None:
        """Attribute assignment and instance assignment both write into the block."""
        with hp.scope() as ps:
            hp.scope.train.lr = 0.001
            ps.train.batch_size = 32
            assert (hp.scope.train.lr(), hp.scope.train.batch_size()) == (0.001, 32)

    def test_context_manager_and_nesting(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Nested blocks override and roll back as the reference prints."""
        with hp.scope(**{"lr": 0.001}):
            print(hp.scope.lr())
        with hp.scope(**{"a": 1}):
            print(hp.scope.a())
            with hp.scope(**{"a": 2}):
                print(hp.scope.a())
            print(hp.scope.a())
        assert capsys.readouterr().out.split() == ["0.001", "1", "2", "1"]

    def test_empty_scope(self, capsys: pytest.CaptureFixture[str]) -> None:
        """hp.scope.empty clears inherited values."""
        with hp.scope(**{"inherited": 1}), hp.scope.empty(**{"fresh": 2}) as ps:
            print(ps.inherited("missing"))
            print(ps.fresh())
        assert capsys.readouterr().out.split() == ["missing", "2"]

    def test_param_basic_usage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """@hp.param("train"): defaults, scope overrides, direct arguments win."""

        @hp.param("train")
        def train(lr=0.001, batch_size=32, epochs=10):  # type: ignore[no-untyped-def]
            print(f"lr={lr}, batch_size={batch_size}")

        train()
        with hp.scope(**{"train.lr": 0.01}):
            train()
        train(lr=0.1)
        assert capsys.readouterr().out.splitlines() == [
            "lr=0.001, batch_size=32",
            "lr=0.01, batch_size=32",
            "lr=0.1, batch_size=32",
        ]

    def test_param_custom_namespace_and_function_name(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A dotted namespace and the default namespace (the function's name) both bind."""

        @hp.param("myapp.config.train")
        def train(lr=0.001):  # type: ignore[no-untyped-def]
            print(f"lr={lr}")

        @hp.param
        def my_function(x=1):  # type: ignore[no-untyped-def]
            return x

        with hp.scope(**{"myapp.config.train.lr": 0.01}):
            train()
        with hp.scope(**{"my_function.x": 2}):
            assert my_function() == 2
        assert capsys.readouterr().out == "lr=0.01\n"

    def test_class_decorator(self) -> None:
        """@hp.param("Model") on a class fills its __init__ from the scope."""

        @hp.param("Model")
        class Model:
            def __init__(self, hidden_size=256, dropout=0.1):  # type: ignore[no-untyped-def]
                self.hidden_size = hidden_size
                self.dropout = dropout

        with hp.scope(**{"Model.hidden_size": 512}):
            model = Model()
        assert (model.hidden_size, model.dropout) == (512, 0.1)

    @pytest.mark.parametrize(
        ("stored", "default", "expected"),
        [
            ("true", False, True),
            ("42", 0, 42),
            ("3.14", 0, 3.14),
        ],
    )
    def test_type_conversion(self, stored: str, default: Any, expected: Any) -> None:
        """Reads with a default convert to the default's type, as the reference tabulates."""
        with hp.scope(**{"value": stored}):
            result = hp.scope.value(default)
        assert result == expected
        assert type(result) is type(expected)

    def test_thread_isolation(self) -> None:
        """Each thread sees only the value it set."""
        seen: dict[str, str] = {}

        def worker() -> None:
            with hp.scope(**{"worker_id": threading.current_thread().name}):
                seen[threading.current_thread().name] = hp.scope.worker_id()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(seen) == 3
        assert all(name == value for name, value in seen.items())

    def test_frozen_propagates_to_new_threads(self) -> None:
        """frozen() inside a block makes its values the start of new threads."""
        with hp.scope(**{"global_config": 42}):
            hp.scope.frozen()
        seen = []
        t = threading.Thread(target=lambda: seen.append(hp.scope.global_config()))
        t.start()
        t.join()
        assert seen == [42]

    def test_safe_access_and_flattening(self) -> None:
        """Defaults avoid KeyError; nested dicts flatten; getattr builds dynamic keys."""
        with hp.scope():
            assert hp.scope.missing | "default" == "default"
            assert hp.scope.missing("default") == "default"
        with hp.scope(**{"model": {"hidden": 256, "layers": 4}}):
            assert scope["model.hidden"]() == 256
            assert hp.scope.model.layers() == 4
        with hp.scope(**{"config.eval.batch_size": 8}):
            sizes = [getattr(hp.scope.config, task).batch_size | 32 for task in ["train", "eval"]]
        assert sizes == [32, 8]
        with hp.scope(**{"a": 1, "b": 2}) as ps:
            assert ps.storage().storage() == {"a": 1, "b": 2}


class TestSeed002QuickStart:
    def test_reading_with_defaults(self) -> None:
        """1.1: | and call syntax read with defaults; a missing required key raises KeyError."""
        assert hp.scope.train.lr | 0.001 == 0.001
        assert hp.scope.train.batch_size | 32 == 32
        assert hp.scope.model.cache(True) is True
        with pytest.raises(KeyError):
            hp.scope.model.required_key()

    def test_scoping_and_auto_rollback(self, capsys: pytest.CaptureFixture[str]) -> None:
        """1.2: the value changes inside the block and rolls back after it."""
        print(hp.scope.model.dropout | 0.1)
        with hp.scope(**{"model.dropout": 0.3}):
            print(hp.scope.model.dropout | 0.1)
        print(hp.scope.model.dropout | 0.1)
        assert capsys.readouterr().out.split() == ["0.1", "0.3", "0.1"]

    def test_automatic_parameter_binding(self, capsys: pytest.CaptureFixture[str]) -> None:
        """2.1: the printed values follow the priority rules."""

        @hp.param("train")
        def train(lr=1e-3, batch_size=32, epochs=10):  # type: ignore[no-untyped-def]
            print(f"lr={lr}, batch_size={batch_size}, epochs={epochs}")

        train()
        with hp.scope(**{"train.lr": 5e-4, "train.batch_size": 64}):
            train()
        train(lr=1e-2)
        assert capsys.readouterr().out.splitlines() == [
            "lr=0.001, batch_size=32, epochs=10",
            "lr=0.0005, batch_size=64, epochs=10",
            "lr=0.01, batch_size=32, epochs=10",
        ]

    def test_cli_override_program(self) -> None:
        """2.2: the argparse program takes -D key=value overrides, converted by type."""
        result = subprocess.run(
            [
                sys.executable,
                str(EXAMPLES / "train_define.py"),
                "-D",
                "train.lr=5e-4",
                "-D",
                "train.batch_size=64",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == "lr=0.0005, batch_size=64, warmup=500\n"

    def test_multi_model_comparison(self, capsys: pytest.CaptureFixture[str]) -> None:
        """3.1: inner scopes override specific parameters for each variant."""

        @hp.param("modelA")
        def run_model_a(dropout=0.1, hidden=128):  # type: ignore[no-untyped-def]
            print(f"ModelA: dropout={dropout}, hidden={hidden}")

        @hp.param("modelB")
        def run_model_b(dropout=0.2, hidden=256):  # type: ignore[no-untyped-def]
            print(f"ModelB: dropout={dropout}, hidden={hidden}")

        base = {"data.path": "/data/mnist"}
        variants = [{"modelA.dropout": 0.3}, {"modelB.hidden": 512, "modelB.dropout": 0.15}]
        with hp.scope(**base):
            for cfg in variants:
                with hp.scope(**cfg):
                    run_model_a()
                    run_model_b()
        assert capsys.readouterr().out.splitlines() == [
            "ModelA: dropout=0.3, hidden=128",
            "ModelB: dropout=0.2, hidden=256",
            "ModelA: dropout=0.1, hidden=128",
            "ModelB: dropout=0.15, hidden=512",
        ]

    def test_dynamic_key_access(self, capsys: pytest.CaptureFixture[str]) -> None:
        """3.2: scope[f"..."] reads dynamically built keys."""

        def train_task(task_name: str) -> None:
            lr = scope[f"task.{task_name}.lr"] | 1e-3
            wd = scope[f"task.{task_name}.weight_decay"] | 0.01
            print(f"{task_name}: lr={lr}, weight_decay={wd}")

        with hp.scope(
            **{
                "task.cls.lr": 1e-3,
                "task.cls.weight_decay": 0.01,
                "task.seg.lr": 5e-4,
                "task.seg.weight_decay": 0.001,
            }
        ):
            train_task("cls")
            train_task("seg")
        assert capsys.readouterr().out.splitlines() == [
            "cls: lr=0.001, weight_decay=0.01",
            "seg: lr=0.0005, weight_decay=0.001",
        ]

    def test_request_level_isolation(self) -> None:
        """4.1: concurrent requests each see only their own overrides."""

        def rerank(items: list[SimpleNamespace]) -> list[SimpleNamespace]:
            use_new = hp.scope.rerank.use_new(False)
            threshold = hp.scope.rerank.threshold | 0.8
            if use_new:
                return [x for x in items if x.score >= threshold]
            return items

        def handle_request(request: SimpleNamespace) -> list[SimpleNamespace]:
            with hp.scope(**request.overrides):
                return rerank(request.items)

        items = [SimpleNamespace(score=s) for s in (0.1, 0.5, 0.9)]
        requests = [
            SimpleNamespace(overrides={"rerank.use_new": "true", "rerank.threshold": 0.4}, items=items),
            SimpleNamespace(overrides={}, items=items),
            SimpleNamespace(overrides={"rerank.use_new": True}, items=items),
        ] * 20
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            sizes = [len(r) for r in pool.map(handle_request, requests)]
        assert sizes == [2, 3, 1] * 20

    def test_multithreaded_data_processing(self) -> None:
        """4.2: a config dict passed to pool threads applies in each of them."""

        def preprocess(shard: int, cfg: dict[str, Any]) -> tuple[int, bool, str]:
            with hp.scope(**cfg):
                clean = hp.scope.pre.clean_noise(False)
                norm = hp.scope.pre.norm | "zscore"
                return shard, clean, norm

        cfg = {"pre.clean_noise": True, "pre.norm": "minmax"}
        shards = list(range(8))
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
            results = list(executor.map(lambda s: preprocess(s, cfg), shards))
        assert results == [(s, True, "minmax") for s in shards]
        assert hp.scope.pre.norm | "zscore" == "zscore"

    def test_use_cases(self) -> None:
        """5.1-5.4: temporary overrides for inference, A/B tests, ETL jobs and early stopping."""

        def generate() -> tuple[int, float]:
            return hp.scope.llm.max_tokens | 256, hp.scope.llm.temperature | 0.7

        assert generate() == (256, 0.7)
        with hp.scope(**{"llm.max_tokens": 64, "llm.temperature": 0.2}):
            assert generate() == (64, 0.2)

        def run_job(overrides: dict[str, Any] | None = None) -> tuple[int, int, int]:
            with hp.scope(**(overrides or {})):
                return hp.scope.etl.batch_size | 500, hp.scope.etl.retry | 3, hp.scope.etl.timeout | 30

        assert run_job() == (500, 3, 30)
        assert run_job({"etl.batch_size": 5000, "etl.timeout": 300}) == (5000, 3, 300)

        def check_early_stop(metric: float, best: float, wait: int) -> tuple[bool, float, int]:
            patience = hp.scope.scheduler.patience | 5
            delta = hp.scope.scheduler.min_delta | 0.001
            if metric > best + delta:
                return False, metric, 0
            wait += 1
            return wait >= patience, best, wait

        with hp.scope(**{"scheduler.patience": "2"}):
            assert check_early_stop(0.5, 0.5, 1) == (True, 0.5, 2)
        assert check_early_stop(0.5, 0.5, 1) == (False, 0.5, 2)
