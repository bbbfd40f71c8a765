"""Behaviour of the hp program: hp ls, hp desc, their formats, package discovery and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hyperparameter as hp
from hyperparameter._cli import main
from programs import run_python

TRAIN = '''\
import hyperparameter as hp


@hp.param("train")
def train(data, lr=0.001, batch_size=32):
    """Train the model.

    Args:
        lr: Learning rate.
    """
    warmup = hp.scope.train.warmup | 100  # steps before the full rate
    return data


@hp.param
class Model:
    def __init__(self, hidden_size=256, dropout=0.1):
        pass
'''

CONFIG = '''\
import hyperparameter as hp


class Model(hp.Params, namespace="model"):
    """The model's shape."""

    width = hp.Int(64, bounds=(1, None), doc="Units per layer.")
    act = hp.Choice("relu", ["relu", "gelu"])
'''

EVALUATE = """\
from hyperparameter import scope


def evaluate():
    return scope.train.lr | 0.01
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make a project directory current: a package of two modules, one of which does not parse."""
    root = write(
        tmp_path / "proj",
        {
            "myapp/__init__.py": "",
            "myapp/train.py": TRAIN,
            "myapp/evaluate.py": EVALUATE,
            "myapp/broken.py": "import hyperparameter as hp\ndef broken(:\n",
        },
    )
    monkeypatch.chdir(root)
    return root


def dist_info(site: Path, name: str, version: str, requires: list[str], files: list[str]) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    (info / "RECORD").write_text("".join(f"{file},,\n" for file in [*files, f"{info.name}/METADATA"]))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Installed distributions on sys.path: three use hyperparameter, two only seem to."""
    site = write(
        tmp_path / "site",
        {
            "fakeapp/__init__.py": TRAIN + "raise RuntimeError('fakeapp must never be imported')\n",
            "fakeapp/sub/__init__.py": "raise RuntimeError('never imported')\n",
            "fakeapp/sub/extra.py": "import hyperparameter as hp\nFLAG = hp.scope.extra.flag | False\n",
            "faketk/__init__.py": (
                "import hyperparameter as hp\n\n\ndef tool():\n    return hp.scope.tool.size | 3\n"
            ),
            "fakecfg/__init__.py": CONFIG,
            "plainlib/__init__.py": "import hyperparameter as hp\nX = hp.scope.plain.x | 1\n",
            "liar/__init__.py": "SAYS = 'hyperparameter'\n",
        },
    )
    dist_info(
        site,
        "fakeapp",
        "1.2.3",
        ["hyperparameter>=0.7", "fake-toolkit", "pytest; extra == 'test'"],
        ["fakeapp/__init__.py", "fakeapp/sub/__init__.py", "fakeapp/sub/extra.py"],
    )
    dist_info(site, "fake-toolkit", "0.2.1", ["hyperparameter"], ["faketk/__init__.py"])
    dist_info(site, "fake-config", "0.3", ["hyperparameter"], ["fakecfg/__init__.py"])
    dist_info(site, "plainlib", "1.0", [], ["plainlib/__init__.py"])
    dist_info(site, "liar", "0.1", ["hyperparameter"], ["liar/__init__.py"])
    # The library names itself in its own extras; it is not a package that uses it.
    dist_info(
        site, "hyperparameter", "0.7.0", ["hyperparameter[yaml]; extra == 'test'"], ["fakeapp/sub/extra.py"]
    )
    monkeypatch.syspath_prepend(str(site))
    return site


# -- hp ls PATH -----------------------------------------------------------------------------------------


def test_ls_lists_a_directory_as_a_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hp ls PATH shows each key once with default, type, function and location; bad files go to stderr."""
    assert main(["ls", "myapp"]) == 0
    out, err = capsys.readouterr()
    assert out == textwrap.dedent("""\
        Hyperparameters in myapp:
        ------------------------------------------------------------
        Key                Default  Type   Function  Location
        Model.dropout      0.1      float  Model     myapp/train.py:17
        Model.hidden_size  256      int    Model     myapp/train.py:17
        train.batch_size   32       int    train     myapp/train.py:5
        train.lr           0.001    float  train     myapp/train.py:5 (+1)
        train.warmup       100      int    train     myapp/train.py:11
        ------------------------------------------------------------
        Total: 5 hyperparameters in 3 functions
        Not scanned (1 file; their hyperparameters are missing above):
          myapp/broken.py:2: syntax error: invalid syntax
    """).replace("myapp/broken.py", os.path.join("myapp", "broken.py"))
    assert err == f"hp: {os.path.join('myapp', 'broken.py')}:2: syntax error: invalid syntax\n"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("tree", [False, True])
def test_every_report_format_names_every_file_it_could_not_scan(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str, tree: bool
) -> None:
    """A syntax error, a FIFO, an oversized file and an unreadable folder are each named in every report."""
    from hyperparameter import _scanner_files

    app = project / "myapp"
    os.mkfifo(app / "pipe.py")
    (app / "huge.py").write_text("import hyperparameter\n" + "#" * (_scanner_files.MAX_FILE_BYTES + 10))
    (app / "zero.py").symlink_to("/dev/zero")
    locked = app / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text("import hyperparameter\n")
    locked.chmod(0)
    unreadable = [] if os.access(locked, os.R_OK) else ["locked"]  # root reads any folder
    try:
        assert main(["ls", "myapp", "-f", fmt, *(["--tree"] if tree else [])]) == 0
    finally:
        locked.chmod(0o755)
    report = capsys.readouterr().out
    for name in ("broken.py", "pipe.py", "huge.py", "zero.py", *unreadable):
        assert name in report
    assert "warmup" in report


def test_ls_tree_nests_keys_in_source_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--tree groups keys by namespace, in the order the sources define them."""
    assert main(["ls", "myapp/train.py", "--tree"]) == 0
    assert capsys.readouterr().out == textwrap.dedent("""\
        Hyperparameters in myapp/train.py:
        ----------------------------------------
        train
          lr = 0.001
          batch_size = 32
          warmup = 100
        Model
          hidden_size = 256
          dropout = 0.1
        Total: 5 hyperparameters
    """)


def test_ls_options_without_a_target_mean_the_current_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hp ls -t (or --self, --all, --deps) with no PKG|PATH lists the current directory."""
    assert main(["ls", "-t"]) == 0
    assert capsys.readouterr().out.startswith("Hyperparameters in proj:\n")


def test_ls_markdown_lists_every_location_and_description(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-f markdown gives a table with all locations and the docstring descriptions."""
    assert main(["ls", "myapp", "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "## Hyperparameters in myapp\n\n| Key | Default | Type | Function | Location | Description |\n"
    )
    assert (
        "| `train.lr` | `0.001` | float | `train` | myapp/train.py:5, myapp/evaluate.py:5 | Learning rate. |"
        in out
    )
    assert (
        "| `train.warmup` | `100` | int | `train` | myapp/train.py:11 | steps before the full rate |" in out
    )
    assert out.endswith(
        "Total: 5 hyperparameters in 3 functions.\n\n"
        "**Not scanned (1 file; their hyperparameters are missing above):**\n\n"
        f"- {os.path.join('myapp', 'broken.py')}:2: syntax error: invalid syntax\n"
    )


def test_ls_json_carries_every_definition(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-f json lists each key with its package, primary definition, every definition, and the scan errors."""
    assert main(["ls", "myapp", "-f", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["sources"] == [
        {"name": "myapp", "version": "", "relation": "self", "hyperparameters": 5, "functions": 3}
    ]
    lr = next(item for item in document["hyperparameters"] if item["key"] == "train.lr")
    assert lr == {
        "key": "train.lr",
        "default": "0.001",
        "type": "float",
        "namespace": "train",
        "function": "train",
        "role": "param",
        "dynamic": False,
        "description": "Learning rate.",
        "package": "myapp",
        "source": "myapp",
        "path": "myapp/train.py",
        "line": 5,
        "definitions": [
            {"role": "param", "default": "0.001", "function": "train", "path": "myapp/train.py", "line": 5},
            {
                "role": "read",
                "default": "0.01",
                "function": "evaluate",
                "path": "myapp/evaluate.py",
                "line": 5,
            },
        ],
    }
    assert document["errors"] == [f"{os.path.join('myapp', 'broken.py')}:2: syntax error: invalid syntax"]


@pytest.mark.parametrize(
    ("fmt", "tree"),
    [("text", False), ("text", True), ("markdown", False), ("markdown", True), ("json", False)],
)
def test_output_file_holds_exactly_what_would_be_printed(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str, tree: bool
) -> None:
    """-o FILE writes the same report as standard output, in every format."""
    options = ["ls", "myapp", "-f", fmt] + (["-t"] if tree else [])
    assert main(options) == 0
    printed = capsys.readouterr().out
    assert main([*options, "-o", "report.out"]) == 0
    assert capsys.readouterr().out == ""
    assert (project / "report.out").read_text(encoding="utf-8") == printed


@pytest.mark.parametrize(
    ("argv", "uses"),
    [
        (["ls"], "site"),
        (["ls", "-f", "json"], "site"),
        (["desc", "train.lr"], "project"),
        (["describe", "model"], "project"),
    ],
)
def test_output_file_works_for_the_package_list_and_desc(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], argv: list[str], uses: str
) -> None:
    """-o FILE also holds exactly the installed-package list and the hp desc blocks."""
    root = request.getfixturevalue(uses)
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert main([*argv, "-o", str(root / "report.out")]) == 0
    assert capsys.readouterr().out == ""
    assert (root / "report.out").read_text(encoding="utf-8") == printed


def test_an_unwritable_output_file_is_one_line_and_exit_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o into a missing directory says so in one line."""
    assert main(["ls", "myapp", "-o", "no/such/dir/report.txt"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("hp: cannot write 'no/such/dir/report.txt': ")


def test_nothing_found_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A directory without hyperparameters is reported as such, with exit status 1."""
    (tmp_path / "plain.py").write_text("x = 1\n")
    assert main(["ls", str(tmp_path)]) == 1
    assert "Total: 0 hyperparameters" in capsys.readouterr().out


def test_unknown_package_is_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown PKG|PATH is one error line and exit status 1."""
    assert main(["ls", "no_such_package_xyz"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "hp: 'no_such_package_xyz' is neither an importable module, an installed distribution nor a path.\n"
    )


def test_desc_of_an_unknown_package_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """hp desc NAME PKG with an unknown PKG is one error line and exit status 1."""
    assert main(["desc", "train.lr", "no_such_package_xyz"]) == 1
    assert capsys.readouterr() == (
        "",
        "hp: 'no_such_package_xyz' is neither an importable module, an installed distribution nor a path.\n",
    )


@pytest.mark.parametrize(
    "argv",
    [[], ["ls", "-f", "xml"], ["ls", "x", "--all", "--deps"], ["desc"], ["frobnicate"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Bad command lines are usage errors: exit status 2 and a usage message."""
    assert main(argv) == 2
    assert "usage: hp" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """--help and --version print and exit 0."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"hp {hp.__version__}\n"
    assert main(["ls", "--help"]) == 0
    assert "--tree" in capsys.readouterr().out


# -- installed packages ----------------------------------------------------------------------------------


def test_ls_without_target_lists_only_packages_that_use_hyperparameter(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listed: declared as a requirement and confirmed by the scan; never imported."""
    assert main(["ls"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == ["=" * 60, "Package       Version  Params  Funcs"]
    assert "fake-toolkit  0.2.1    1       1" in lines
    assert "fakeapp       1.2.3    6       2" in lines
    assert "fake-config   0.3      2       1" in lines  # declared hp.Params parameters only
    assert not any(line.startswith(("plainlib", "liar", "hyperparameter")) for line in lines)
    assert lines[-1] == "Use 'hp ls <package>' to see hyperparameters in a package."
    assert "fakeapp" not in sys.modules


def test_ls_list_alias_and_json(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hp list is hp ls; -f json gives the same rows."""
    assert main(["list", "-f", "json"]) == 0
    packages = json.loads(capsys.readouterr().out)["packages"]
    assert {"name": "fakeapp", "version": "1.2.3", "hyperparameters": 6, "functions": 2} in packages
    assert not {p["name"] for p in packages} & {"plainlib", "liar"}


@pytest.mark.parametrize(
    ("target", "title", "count"),
    [
        ("fakeapp", "fakeapp 1.2.3", 6),
        ("fake-toolkit", "fake-toolkit 0.2.1", 1),
        ("fakeapp.sub", "fakeapp.sub 1.2.3", 1),
        ("fakeapp.sub.extra", "fakeapp.sub.extra 1.2.3", 1),
    ],
)
def test_packages_are_resolved_by_module_or_distribution_name_without_importing(
    site: Path, capsys: pytest.CaptureFixture[str], target: str, title: str, count: int
) -> None:
    """A module, submodule or distribution name is located on disk; nothing is imported."""
    assert main(["ls", target]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Hyperparameters in {title}:\n")
    assert f"Total: {count} hyperparameter" in out
    assert not {"fakeapp", "fakeapp.sub", "faketk"} & set(sys.modules)


@pytest.mark.parametrize(
    ("scope", "titles"),
    [
        ("--self", ["fakeapp 1.2.3"]),
        ("--all", ["fakeapp 1.2.3", "fake-toolkit 0.2.1 (dependency)"]),
        ("--deps", ["fake-toolkit 0.2.1 (dependency)"]),
    ],
)
def test_self_all_and_deps_choose_the_package_and_its_dependencies(
    site: Path, capsys: pytest.CaptureFixture[str], scope: str, titles: list[str]
) -> None:
    """--all adds the installed dependencies that use hyperparameter; --deps shows only those."""
    assert main(["ls", "fakeapp", scope]) == 0
    out = capsys.readouterr().out
    assert [
        line[len("Hyperparameters in ") : -1]
        for line in out.splitlines()
        if line.startswith("Hyperparameters in ")
    ] == titles


def test_deps_of_a_project_directory_come_from_its_installed_distribution(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path whose pyproject.toml names an installed distribution has that distribution's dependencies."""
    write(
        tmp_path / "checkout",
        {"pyproject.toml": '[project]\nname = "fakeapp"\nversion = "1.2.3"\n', "src/x.py": ""},
    )
    assert main(["ls", str(tmp_path / "checkout" / "src"), "--deps"]) == 0
    assert capsys.readouterr().out.startswith("Hyperparameters in fake-toolkit 0.2.1 (dependency):\n")


def test_deps_of_a_plain_directory_are_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without an installed distribution there are no dependencies to list: one line, exit 1."""
    assert main(["ls", "myapp", "--deps"]) == 1
    assert "hp: no installed distribution found for 'myapp'" in capsys.readouterr().err


# -- hp desc -----------------------------------------------------------------------------------------------


def test_desc_exact_key_shows_the_detail_block(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hp desc KEY PKG shows default, type, namespace, function, source, location, description and usage."""
    assert main(["desc", "train.lr", "fakeapp"]) == 0
    assert capsys.readouterr().out == textwrap.dedent("""\
        ============================================================
        Hyperparameter: train.lr
        ============================================================
        Default: 0.001
        Type: float
        Namespace: train
        Function: train (@hp.param)
        Source: fakeapp 1.2.3
        Location: fakeapp/__init__.py:5
        Description: Learning rate.
        Usage:
          # Access via scope
          value = hp.scope.train.lr | 0.001
          # Set via command line (programs started with hp.launch)
          --train.lr=<value>
    """)


def test_desc_of_a_declared_parameter(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key an hp.Params class declares is described with its kind,
    doc= text and the class to read it through."""
    assert main(["desc", "model.width", "fake-config"]) == 0
    assert capsys.readouterr().out == textwrap.dedent("""\
        ============================================================
        Hyperparameter: model.width
        ============================================================
        Default: 64
        Type: int in [1, inf)
        Namespace: model
        Function: Model (hp.Params)
        Source: fake-config 0.3
        Location: fakecfg/__init__.py:7
        Description: Units per layer.
        Usage:
          # Access via scope
          value = hp.scope.model.width | 64
          # Or through the class that declares it
          value = Model().width
          # Set via command line (programs started with hp.launch)
          --model.width=<value>
    """)


def test_the_usage_snippets_of_a_declared_parameter_run(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both snippets read the declared value, its default outside any scope and the scope's value inside."""
    assert main(["desc", "model.act", "fake-config"]) == 0
    snippets = [line.strip() for line in capsys.readouterr().out.splitlines() if "value = " in line]
    assert snippets == ['value = hp.scope.model.act | "relu"', "value = Model().act"]
    namespace: dict[str, object] = {"hp": hp}
    exec(CONFIG, namespace)
    for snippet in snippets:
        exec(snippet, namespace)
        assert namespace["value"] == "relu"
        with hp.scope(**{"model.act": "gelu"}):
            exec(snippet, namespace)
        assert namespace["value"] == "gelu"


def test_the_usage_snippet_runs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The snippet hp desc prints is valid Python that reads the key with its default."""
    assert main(["desc", "train.warmup"]) == 0
    snippet = next(line.strip() for line in capsys.readouterr().out.splitlines() if "value = " in line)
    namespace: dict[str, object] = {"hp": hp}
    exec(snippet, namespace)
    assert namespace["value"] == 100
    with hp.scope(**{"train.warmup": "5"}):
        exec(snippet, namespace)
    assert namespace["value"] == 5


def test_desc_substring_shows_every_matching_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without an exact key, every key containing NAME is described; the default target is the current dir."""
    assert main(["describe", "model"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("Hyperparameter: ")] == [
        "Hyperparameter: Model.dropout",
        "Hyperparameter: Model.hidden_size",
    ]


def test_desc_lists_other_definitions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key defined in several places names the others after its primary location."""
    assert main(["desc", "train.lr", "myapp"]) == 0
    assert "Also read at: myapp/evaluate.py:5 (evaluate, default 0.01)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "train.lrr",
            "hp: no hyperparameter 'train.lrr' in proj. Did you mean 'train.lr'?",
        ),
        ("lrr", "hp: no hyperparameter 'lrr' in proj. Did you mean 'train.lr'?"),
        ("zzz", "hp: no hyperparameter 'zzz' in proj."),
    ],
)
def test_desc_unknown_name_suggests_the_closest_keys(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    """An unknown NAME exits 1 with the closest keys, by whole key or by last segment."""
    assert main(["desc", name, "."]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == message


def test_desc_of_a_dynamic_key_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key computed at run time is described with its expression and a note to substitute it."""
    (tmp_path / "dyn.py").write_text(
        "import hyperparameter as hp\nNAME = 'x'\n@hp.param(NAME)\ndef f(lr=0.1):\n    pass\n"
    )
    assert main(["desc", "lr", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Hyperparameter: <NAME>.lr" in out
    assert "Parts in <...> are computed at run time" in out


# -- real processes ------------------------------------------------------------------------------------------


def run_hp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python("-m", "hyperparameter", *args, cwd=cwd)


def test_python_m_hyperparameter_lists_as_json(project: Path) -> None:
    """python -m hyperparameter ls runs the same program: JSON on stdout, the bad file on stderr."""
    done = run_hp("ls", "myapp", "-f", "json", cwd=project)
    assert done.returncode == 0
    assert sorted(item["key"] for item in json.loads(done.stdout)["hyperparameters"]) == [
        "Model.dropout",
        "Model.hidden_size",
        "train.batch_size",
        "train.lr",
        "train.warmup",
    ]
    assert done.stderr.count("\n") == 1
    assert "broken.py:2: syntax error" in done.stderr


def test_python_m_hyperparameter_desc_and_exit_codes(project: Path) -> None:
    """The module's exit status is main's: 0 found, 1 unknown name, 2 usage error."""
    assert run_hp("desc", "train.lr", cwd=project).returncode == 0
    assert run_hp("desc", "nothing.here", cwd=project).returncode == 1
    assert run_hp("ls", "--format", "yaml", cwd=project).returncode == 2


def test_python_m_hyperparameter_prints_what_main_prints(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """python -m hyperparameter is the same program: the same output,
    errors and status for the same arguments."""
    for argv in (["ls", "myapp", "--tree"], ["desc", "lr"], ["ls", "-f", "markdown"]):
        status = main(argv)
        printed = capsys.readouterr()
        done = run_hp(*argv, cwd=project)
        assert (done.returncode, done.stdout, done.stderr) == (status, printed.out, printed.err)


# Modules the library imports once Python has started (Python 3.9 itself imports enum.py and typing.py
# from the current directory under -m, before any library code runs), planted in the folder.
PLANTED = ["argparse", "ast", "contextvars", "dataclasses", "inspect", "json", "tokenize"]
if sys.version_info >= (3, 12):
    PLANTED.append("typing")


@pytest.mark.parametrize("module", ["hyperparameter", "hyperparameter.__main__"])
def test_python_m_hyperparameter_never_imports_from_the_scanned_folder(tmp_path: Path, module: str) -> None:
    """python -m hyperparameter ls . in a folder holding dataclasses.py,
    argparse.py ... imports none of them."""
    for name in PLANTED:
        (tmp_path / f"{name}.py").write_text(f"raise SystemExit('planted {name}.py was imported')\n")
    (tmp_path / "prog.py").write_text(
        "import hyperparameter as hp\n\n@hp.param('m')\ndef f(a=1):\n    pass\n"
    )
    done = run_python("-m", module, "ls", ".", cwd=tmp_path)
    assert "planted" not in done.stdout + done.stderr
    assert (done.returncode, "m.a" in done.stdout) == (0, True)


def test_the_installed_hp_command_is_the_same_program(project: Path) -> None:
    """The hp console script, where the package is installed,
    runs the same main as python -m hyperparameter."""
    command = shutil.which("hp", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the hp console script is not installed next to this Python")
    done = subprocess.run(
        [command, "ls", "myapp", "-f", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, run_hp("ls", "myapp", "-f", "json", cwd=project).stdout)


# -- the launcher agrees -------------------------------------------------------------------------------------

LAUNCHED = """\
import hyperparameter as hp

import helper

NAME = "app"


class Train(hp.Params, namespace="train"):
    lr = hp.Float(0.001, bounds=(0, 1), doc="learning rate")


class FineTune(Train):
    lr = 1e-4


@hp.param(NAME + ".net")
class Net:
    def __init__(self, depth=2):
        self.depth = depth


@hp.param(NAME)
def main(steps=10):
    return Train().lr, helper.Model().width


if __name__ == "__main__":
    print(hp.launch(main))
"""


def run_program(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_python("prog.py", *args, cwd=root)


@pytest.fixture
def launched(tmp_path: Path) -> Path:
    """Write a program launched with hp.launch: Params classes, computed namespaces, a helper module."""
    return write(tmp_path, {"prog.py": LAUNCHED, "helper.py": CONFIG})


def test_list_params_shows_each_key_once_with_params_classes(launched: Path) -> None:
    """-lps lists declared keys once, the base class's default first,
    and never the scan's guess at a namespace."""
    done = run_program(launched, "-lps")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == textwrap.dedent("""\
        5 hyperparameters of prog.py:
        KEY            DEFAULT  IN FORCE  SOURCE   DEFINED AT
        app.net.depth  2        2         default  prog.py:18
        app.steps      10       10        default  prog.py:23
        model.act      "relu"   "relu"    default  helper.py:8
        model.width    64       64        default  helper.py:7
        train.lr       0.001    0.001     default  prog.py:9
    """)


def test_explain_param_and_hp_desc_draw_the_same_block(
    launched: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """-ep KEY shows hp desc's block, with the value in force and its source where hp desc names the
    package."""
    monkeypatch.chdir(launched)
    assert main(["desc", "model.width"]) == 0
    described = capsys.readouterr().out.splitlines()
    explained = run_program(launched, "-ep", "model.width", "-D", "model.width=128").stdout.splitlines()
    assert [line for line in described if not line.startswith("Source: ")] == [
        line for line in explained if not line.startswith("In force: ")
    ]
    assert f"Source: {launched.name}" in described
    assert explained[explained.index("Type: int in [1, inf)") + 1] == "In force: 128 (from -D)"


def test_hp_ls_and_list_params_agree_on_the_keys(launched: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hp ls of the program's directory finds what -lps lists (computed names as written),
    with the types -ep gives."""
    assert main(["ls", str(launched), "-f", "json"]) == 0
    listed = {item["key"]: item["type"] for item in json.loads(capsys.readouterr().out)["hyperparameters"]}
    explained = run_program(launched, "-ep", "model.width", "train.lr").stdout
    # Only the running program can tell what <NAME> is; -lps shows app.steps and app.net.depth instead.
    assert set(listed) == {"<NAME>.steps", '<NAME + ".net">.depth', "model.act", "model.width", "train.lr"}
    assert f"Type: {listed['model.width']}\n" in explained
    assert f"Type: {listed['train.lr']}\n" in explained
    assert listed["model.width"] == "int in [1, inf)"


def test_define_reaches_params_classes_the_scan_found(launched: Path) -> None:
    """-D on a key declared in another module is no unknown key, and sets the value the class reads."""
    done = run_program(launched, "-D", "model.width=3", "-D", "train.lr=0.5")
    assert (done.returncode, done.stdout, done.stderr) == (0, "(0.5, 3)\n", "")


def test_desc_with_an_empty_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """hp desc "" would match every key: it is refused with exit status 2, saying what NAME is."""
    assert main(["desc", " ", "."]) == 2
    assert "NAME is empty" in capsys.readouterr().err
