"""The launcher knows the hyperparameters of the libraries a program imports (review item 24)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp
from programs import SOURCE_DIR, run_python

APP = """
import hyperparameter as hp
import mylib
import instlib


@hp.param("app")
def main(x: int = 1):
    import lazylib  # imported only when the run starts, as programs do to keep --help fast

    print("k", mylib.build(), "width", mylib.layer(), "depth", mylib.deeper(), "inst", instlib.k())
    print("lazy", lazylib.k())


if __name__ == "__main__":
    hp.launch(main)
"""

MYLIB = """
import hyperparameter as hp


def build():
    return hp.scope.mylib.k | 1


@hp.param("mylib")
def layer(width: int = 8):
    return width


def deeper():
    from . import later  # imported only when the run calls it

    return later.depth()
"""

LATER = """
import hyperparameter as hp


def depth():
    return hp.scope.mylib.depth | 2
"""

INSTLIB = """
from hyperparameter import scope


def k():
    return scope.instlib.k | 5
"""

LAZYLIB = """
import hyperparameter as hp


def k():
    return hp.scope.lazylib.k | 7
"""

UNLOADED = """
import hyperparameter as hp

never = hp.scope.instlib.never | 0
"""


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write a script folder, a library of the user's on PYTHONPATH and an installed library."""
    root = tmp_path_factory.mktemp("libraries")
    files = {
        "app/app.py": APP,
        "src/mylib/__init__.py": MYLIB,
        "src/mylib/later.py": LATER,
        "src/lazylib/__init__.py": LAZYLIB,
        "env/site-packages/instlib/__init__.py": INSTLIB,
        "env/site-packages/instlib/unloaded.py": UNLOADED,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def start(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(SOURCE_DIR), str(root / "src"), str(root / "env" / "site-packages")])
    return run_python("app.py", *args, cwd=root / "app", env={"PYTHONPATH": path})


def test_a_record_the_run_wrote_replays_under_strict(program: Path) -> None:
    """--record of a run whose keys live in a library replays with -C FILE --strict, with no warning."""
    recorded = start(program, "--record", "run.toml", "-D", "mylib.width=4")
    assert (recorded.returncode, recorded.stderr) == (0, "")
    replayed = start(program, "-C", "run.toml", "--strict")
    assert (replayed.returncode, replayed.stderr) == (0, "")
    assert replayed.stdout == recorded.stdout == "k 1 width 4 depth 2 inst 5\nlazy 7\n"


@pytest.mark.parametrize(
    "define", ["mylib.k=2", "mylib.width=16", "mylib.depth=3", "instlib.k=6", "lazylib.k=8"]
)
def test_keys_of_loaded_libraries_are_known(program: Path, define: str) -> None:
    """Keys a library reads or declares, also in a module of it or a library imported later, pass --strict."""
    done = start(program, "--strict", "-D", define)
    assert (done.returncode, done.stderr) == (0, "")
    assert define.partition("=")[2] in done.stdout.split()


def test_a_library_declaration_checks_its_values_before_the_run(program: Path) -> None:
    """-D mylib.width=abc for a library's width: int is a usage error naming the declaration; nothing runs."""
    done = start(program, "-D", "mylib.width=abc")
    assert (done.returncode, done.stdout) == (2, "")
    assert "error: -D sets 'mylib.width' to 'abc', but layer at " in done.stderr
    assert "expects an integer" in done.stderr
    lazy = start(program, "-D", "lazylib.k=abc")
    assert (lazy.returncode, lazy.stdout) == (2, "")
    assert "error: -D sets 'lazylib.k' to 'abc', but k at " in lazy.stderr


def test_an_installed_library_counts_only_in_its_loaded_modules(program: Path) -> None:
    """A key only an installed library's unloaded module reads stays unknown: --strict refuses it."""
    done = start(program, "--strict", "-D", "instlib.never=1")
    assert (done.returncode, done.stdout) == (2, "")
    assert "never reads: 'instlib.never'" in done.stderr


def test_list_params_shows_the_libraries_keys(program: Path) -> None:
    """-lps lists a library's keys with where they are defined."""
    done = start(program, "-lps", "-f", "json")
    rows = {row["key"]: row for row in json.loads(done.stdout)["hyperparameters"]}
    assert {"app.x", "mylib.k", "mylib.width", "mylib.depth", "instlib.k", "lazylib.k"} <= set(rows)
    assert rows["mylib.width"]["defined_at"].endswith(os.path.join("mylib", "__init__.py") + ":10")


class _LazyModule(types.ModuleType):
    """A module that imports itself on first attribute use, as TensorFlow's lazy modules do."""

    def __getattr__(self, name: str) -> Any:
        touched.append(name)
        raise AttributeError(name)


touched: list[str] = []


def test_looking_for_libraries_never_wakes_a_lazy_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """A launch that checks values reads loaded modules' namespaces, never their attributes."""
    monkeypatch.setitem(sys.modules, "lazy_under_test", _LazyModule("lazy_under_test"))

    @hp.param("lazyapp")
    def main(x: int = 1) -> int:
        return x

    touched.clear()
    assert hp.launch(main, argv=["-D", "lazyapp.x=2"]) == 2
    assert touched == []


@pytest.mark.parametrize(
    ("parts", "found"),
    [
        (("site-packages", "baselib_f4", "config.py"), True),
        (("dist-packages", "baselib_f4", "config.py"), True),
        (("baselib_f4.py",), False),
    ],
)
def test_a_base_interpreters_installed_library_is_not_standard_library(
    monkeypatch: pytest.MonkeyPatch, parts: tuple[str, ...], found: bool
) -> None:
    """A library in the site-packages inside the stdlib folder (conda, pyenv) is found; the stdlib is not."""
    from hyperparameter._catalog_files import find_library_modules

    module = types.ModuleType("baselib_f4.config")
    module.__file__ = os.path.join(os.path.dirname(os.__file__), *parts)
    module.hp = hp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert (module in find_library_modules(set())) is found


@pytest.mark.parametrize("installed", ["site-packages", "dist-packages"])
def test_a_program_among_installed_packages_owns_only_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: str
) -> None:
    """A package program installed beside others (Debian's dist-packages too) owns its files, not theirs."""
    from hyperparameter._catalog_files import find_project_files

    packages = tmp_path / installed
    for name in ("tool/__init__.py", "tool/main.py", "other/__init__.py"):
        (packages / name).parent.mkdir(parents=True, exist_ok=True)
        (packages / name).write_text("import hyperparameter as hp\n")
    other = types.ModuleType("other_installed")
    other.__file__ = str(packages / "other" / "__init__.py")
    monkeypatch.setitem(sys.modules, other.__name__, other)
    files, _ = find_project_files({"__file__": str(packages / "tool" / "main.py"), "__package__": "tool"})
    assert [file.relative_to(packages.resolve()).as_posix() for file in files] == [
        "tool/__init__.py",
        "tool/main.py",
    ]
