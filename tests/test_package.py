"""The package namespace: every public name reachable, the heavy parts loaded only when first used."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

import hyperparameter as hp

INIT = pathlib.Path(hp.__file__)
# Modules a program that only reads scopes and injects parameters never needs.
HEAVY = [
    "argparse",
    "pickle",
    "importlib.metadata",
    "json",
    "pathlib",
    "hyperparameter._arguments",
    "hyperparameter._catalog",
    "hyperparameter._catalog_files",
    "hyperparameter._config",
    "hyperparameter._config_formats",
    "hyperparameter._kinds",
    "hyperparameter._launch",
    "hyperparameter._launch_commands",
    "hyperparameter._params",
    "hyperparameter._scanner",
    "hyperparameter._scanner_cache",
    "hyperparameter._schema",
    "hyperparameter._sweep",
    "hyperparameter._tf_compat",
]


def _fresh(code: str) -> str:
    """Run ``code`` in a new interpreter and return its standard output."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


def _type_checking_names() -> set[str]:
    """Return the names __init__.py imports for type checkers only."""
    tree = ast.parse(INIT.read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    names = set()
    for node in ast.walk(block):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("name", hp.__all__)
def test_every_public_name_is_an_attribute(name):
    """Each name in ``__all__`` is an attribute of the package, loaded or not."""
    assert getattr(hp, name) is not None


def test_every_public_name_imports_by_name_in_a_new_process():
    """``from hyperparameter import X`` works for each public name, one at a time, in a fresh interpreter."""
    code = "".join(f"from hyperparameter import {name}; print({name} is not None)\n" for name in hp.__all__)
    assert _fresh(code) == "True\n" * len(hp.__all__)


def test_star_import_gives_every_public_name():
    """``from hyperparameter import *`` binds exactly the names in ``__all__``."""
    namespace: dict = {}
    exec("from hyperparameter import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(hp.__all__)


def test_lazy_name_is_the_defining_modules_object():
    """A name loaded on first use is the very object its private module defines."""
    from hyperparameter import _config, _kinds, _launch

    assert (hp.config, hp.Int, hp.launch) == (_config.config, _kinds.Int, _launch.launch)


def test_import_leaves_heavy_modules_unloaded():
    """``import hyperparameter`` loads neither the launcher, config files, kinds, scanner,
    pathlib nor package metadata."""
    loaded = _fresh(f"import sys, hyperparameter; print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    assert loaded.strip() == ""


def test_first_use_loads_only_what_it_needs():
    """Reading ``hp.config`` loads config files but not the launcher."""
    loaded = _fresh(
        "import sys, hyperparameter as hp; hp.config; print('hyperparameter._launch' in sys.modules)"
    )
    assert loaded == "False\n"


def test_version_is_the_installed_distributions():
    """``hp.__version__`` is the version in the package metadata."""
    assert hp.__version__ == importlib.metadata.version("hyperparameter")


def test_unknown_attribute_is_an_attribute_error():
    """A name the package does not have raises AttributeError naming it."""
    with pytest.raises(AttributeError, match=r"^module 'hyperparameter' has no attribute 'lunch'$"):
        hp.lunch  # noqa: B018


def test_dir_lists_names_not_yet_loaded():
    """``dir(hp)`` lists every public name in a fresh interpreter, before any is used."""
    listed = json.loads(_fresh("import json, hyperparameter as hp; print(json.dumps(dir(hp)))"))
    assert set(hp.__all__) <= set(listed)
    assert listed == sorted(listed)


def test_lazy_table_type_checking_imports_and_all_agree():
    """Every public name is imported eagerly or listed in ``_LAZY`` and imported under TYPE_CHECKING."""
    from hyperparameter import _LAZY

    eager = {name for name in hp.__all__ if name in vars(hp) and name not in _LAZY}
    lazy = set(hp.__all__) - eager - {"__version__"}
    assert set(_LAZY) == lazy
    assert _type_checking_names() == lazy | {"__version__"}


def test_type_checkers_see_the_lazy_names(tmp_path):
    """mypy knows the types of names that load on first use."""
    api = pytest.importorskip("mypy.api")
    program = tmp_path / "uses.py"
    program.write_text(
        textwrap.dedent(
            """
            import hyperparameter as hp
            from hyperparameter import Int, config

            reveal_type(hp.__version__)
            reveal_type(hp.launch)
            reveal_type(Int)
            reveal_type(config)
            """
        )
    )
    out, _, _ = api.run([str(program), "--no-incremental", "--follow-imports=silent"])
    revealed = [line.split("Revealed type is ")[1] for line in out.splitlines() if "Revealed type" in line]
    assert revealed[0] in ('"str"', '"builtins.str"')
    assert revealed[1].startswith('"def (func: ')
    assert "hyperparameter._kinds.Int" in revealed[2]
    assert revealed[3].startswith('"Overload(def (')


def test_help_of_a_launched_program_loads_no_catalog_and_no_config(tmp_path):
    """``app.py --help`` builds its help without scanning the program or loading config files."""
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import atexit, json, sys
            import hyperparameter as hp

            @hp.param("train")
            def train(lr: float = 0.1, epochs: int = 3) -> None:
                \"\"\"Train.\"\"\"

            heavy = ["hyperparameter._catalog", "hyperparameter._scanner", "hyperparameter._config",
                     "hyperparameter._launch_checks", "hyperparameter._params", "shutil", "asyncio"]
            atexit.register(lambda: print(json.dumps([m for m in heavy if m in sys.modules])))
            hp.launch(train)
            """
        )
    )
    done = subprocess.run([sys.executable, str(app), "--help"], capture_output=True, text=True, check=True)
    assert "--lr LR" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_a_launch_with_a_config_file_loads_no_run_record(tmp_path):
    """``app.py -C file`` checks and watches its values without the run record's machinery."""
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import atexit, json, sys
            import hyperparameter as hp

            @hp.param("train")
            def train(lr: float = 0.1) -> None:
                print(lr)

            heavy = ["hyperparameter._record", "shutil", "asyncio"]
            atexit.register(lambda: print(json.dumps([m for m in heavy if m in sys.modules])))
            hp.launch(train)
            """
        )
    )
    (tmp_path / "run.json").write_text('{"train": {"lr": 0.5}, "other": 1}')
    done = subprocess.run(
        [sys.executable, str(app), "-C", str(tmp_path / "run.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[0] == "0.5"
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert "'other'" in done.stderr
