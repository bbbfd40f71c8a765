"""The scanner's disk cache: a launch of an unchanged program reads what an earlier one found, never else."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyperparameter import _scanner_cache, _scanner_files
from hyperparameter._description import Description
from hyperparameter._scanner_cache import CACHE_DIR_VARIABLE, cache_folder, load, prune, store
from hyperparameter._scanner_files import ScanResult, scan_paths
from programs import python_env, run_python

ROOT = Path(__file__).resolve().parents[1]
Summary = tuple[list[Description], list[str], set[str]]


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scanner", ROOT / "benchmarks" / "bench_scanner.py")
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def summary(result: ScanResult) -> Summary:
    return result.found, result.errors, result.imported


def scan_afresh(paths: list[Any], cache: str) -> Summary:
    """Scan as a new process would: nothing kept in memory, the disk cache in ``cache`` ("off": none)."""
    _scanner_files._scanned.clear()
    previous = os.environ.get(CACHE_DIR_VARIABLE)
    os.environ[CACHE_DIR_VARIABLE] = cache
    try:
        return summary(scan_paths(paths))
    finally:
        if previous is None:
            del os.environ[CACHE_DIR_VARIABLE]
        else:
            os.environ[CACHE_DIR_VARIABLE] = previous


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("scan/*/*.json"))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collect the names of the files the scanner parses from now on."""
    parsed: list[str] = []
    real = _scanner_files.scan_source_with_imports

    def counting(source: str, path: str) -> Any:
        parsed.append(os.path.basename(path))
        return real(source, path)

    monkeypatch.setattr(_scanner_files, "scan_source_with_imports", counting)
    return parsed


@pytest.fixture(autouse=True)
def _forget_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scanner_files, "_scanned", {})


PROGRAM = {
    "app.py": (
        'import hyperparameter as hp\nimport model\n\n@hp.param("train")\ndef main(lr=0.1):\n    return lr\n'
    ),
    "model.py": "import hyperparameter as hp\nimport json\nwidth = hp.scope.net.width | 64  # units\n",
    "notes.py": "HELP = 'not a user of the library'\n",
    "broken.py": "import hyperparameter as hp\ndef broken(:\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


# -- the same results ----------------------------------------------------------------------------


def generated(folder: Path, which: str) -> list[Path]:
    """Write one of the benchmark's programs into ``folder``."""
    folder.mkdir()
    bench = load_benchmark()
    if which == "tree":
        bench.write_tree(folder, 20)
    else:
        bench.write_program(folder)
    return [folder]


def real_programs() -> list[tuple[str, Any]]:
    return [
        ("the library", lambda folder: [ROOT / "src" / "hyperparameter"]),
        ("the tests", lambda folder: [ROOT / "tests"]),
        ("benchmarks and examples", lambda folder: [ROOT / "benchmarks", ROOT / "examples"]),
        ("the benchmark tree", lambda folder: generated(folder, "tree")),
        ("the launch benchmark's program", lambda folder: generated(folder, "program")),
        ("files with errors", lambda folder: [write(folder, PROGRAM), folder / "missing.py"]),
    ]


@pytest.mark.parametrize(("name", "make"), real_programs(), ids=[name for name, _ in real_programs()])
def test_a_scan_finds_the_same_with_and_without_the_cache(name: str, make: Any, tmp_path: Path) -> None:
    """A real program's scan finds the same definitions, errors and imports, cache off, cold or warm."""
    paths = make(tmp_path / "program")
    cache = tmp_path / "cache"
    without = scan_afresh(paths, "off")
    cold = scan_afresh(paths, str(cache))
    assert entries(cache)
    warm = scan_afresh(paths, str(cache))
    assert without == cold == warm
    assert [each.path for each in warm[0]] == [each.path for each in without[0]]


text = st.text(st.characters(blacklist_categories=()), max_size=30)
descriptions = st.builds(
    Description,
    key=text,
    default=st.none() | text,
    type_name=text,
    namespace=text,
    function=text,
    path=st.just("app.py"),
    line=st.integers(0, 2**40),
    description=text,
    role=st.sampled_from(["param", "declared", "read"]),
    dynamic=st.booleans(),
    spec=text,
)


@given(found=st.lists(descriptions, max_size=5), imported=st.frozensets(text, max_size=3))
def test_an_entry_gives_back_exactly_what_was_stored(
    found: list[Description], imported: frozenset[str]
) -> None:
    """Any findings (any text, lone surrogates included) come back from their entry field for field."""
    with tempfile.TemporaryDirectory() as folder:
        store(folder, "/src/app.py", (5, 7), b"source", found, imported)
        assert load(folder, "/src/app.py", (5, 7), b"source", "app.py") == (found, imported)


@given(
    names=st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=4),
    defaults=st.lists(st.integers() | st.floats() | st.text(max_size=8) | st.none(), min_size=4, max_size=4),
    comments=st.lists(st.text(max_size=12), min_size=4, max_size=4),
)
def test_generated_programs_scan_the_same_with_a_warm_cache(
    names: list[str], defaults: list[Any], comments: list[str]
) -> None:
    """Generated modules, even ones that do not parse or decode, give the same results from the cache."""
    lines = ["import hyperparameter as hp", ""]
    for index, (name, default, comment) in enumerate(zip(names, defaults, comments)):
        lines += [
            f'@hp.param("ns{index}")',
            f"def f{index}(x, {name}={default!r}):  # {comment}",
            f'    """Run.\n\n    Args:\n        {name}: {comment}\n    """',
            f"    return hp.scope.ns{index}.{name} | {default!r}  # {comment}",
        ]
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder, "mod.py")
        module.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        cache = os.path.join(folder, "cache")
        without = scan_afresh([module], "off")
        assert scan_afresh([module], cache) == without
        assert scan_afresh([module], cache) == without


# -- what a warm launch does ----------------------------------------------------------------------


def test_a_warm_scan_parses_nothing(tmp_path: Path, parses: list[str]) -> None:
    """The second process to scan an unchanged program parses none of its files."""
    folder = write(tmp_path / "program", PROGRAM)
    scan_afresh([folder], str(tmp_path / "cache"))
    assert sorted(parses) == ["app.py", "broken.py", "model.py"]
    parses.clear()
    scan_afresh([folder], str(tmp_path / "cache"))
    assert parses == ["broken.py"]  # a file that does not parse has no entry: its error is found again


def test_an_edited_file_is_scanned_again(tmp_path: Path, parses: list[str]) -> None:
    """A file edited since its entry was written is parsed again, even at its old size and time."""
    folder = write(tmp_path / "program", {"model.py": "import hyperparameter as hp\nx = hp.scope.a | 1\n"})
    module = folder / "model.py"
    cache = str(tmp_path / "cache")
    scan_afresh([folder], cache)
    before = module.stat()
    module.write_text("import hyperparameter as hp\nx = hp.scope.b | 2\n")  # the same size
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    parses.clear()
    assert [each.key for each in scan_afresh([folder], cache)[0]] == ["b"]
    module.write_text("import hyperparameter as hp\nx = hp.scope.longer | 2\n")
    assert [each.key for each in scan_afresh([folder], cache)[0]] == ["longer"]
    assert parses == ["model.py", "model.py"]


def test_a_changed_library_reads_no_entry_of_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """Entries written by another version (or an edited copy) of the library are not used."""
    folder = write(tmp_path / "program", {"model.py": "import hyperparameter as hp\nx = hp.scope.a | 1\n"})
    cache = str(tmp_path / "cache")
    scan_afresh([folder], cache)
    monkeypatch.setattr(_scanner_cache, "_library_stamp", "another library")
    scan_afresh([folder], cache)
    assert parses == ["model.py", "model.py"]


def test_the_library_stamp_changes_when_one_of_its_modules_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing any module of the library (as in an editable install) changes the stamp entries carry."""
    package = write(tmp_path / "hyperparameter", {"_scanner.py": "A = 1\n", "_kinds.py": "B = 2\n"})
    monkeypatch.setattr(_scanner_cache, "__file__", str(package / "_scanner_cache.py"))
    stamps = []
    for edit in ("", "_scanner.py", "_kinds.py"):
        if edit:
            (package / edit).write_text("C = 33\n")
        monkeypatch.setattr(_scanner_cache, "_library_stamp", None)
        stamps.append(_scanner_cache._stamp_library())
    assert len(set(stamps)) == 3


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("empty", b""),
        ("truncated", None),
        ("not JSON", b"\x00\xff garbage"),
        ("a list", b"[1, 2, 3]"),
        ("a wrong type", "key"),
        ("a row too short", "row"),
        ("too deep", b"[" * 100_000),
    ],
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    tmp_path: Path, parses: list[str], name: str, damage: Any
) -> None:
    """A truncated, corrupt or wrongly typed entry means a scan, with the same results, and a new entry."""
    folder = write(tmp_path / "program", PROGRAM)
    cache = tmp_path / "cache"
    expected = scan_afresh([folder], str(cache))
    (entry,) = [each for each in entries(cache) if b"net.width" in each.read_bytes()]
    good = entry.read_bytes()
    if damage is None:
        damage = good[: len(good) // 2]
    elif damage in ("key", "row"):
        document = json.loads(good)
        if damage == "key":
            document["found"][0][0] = 5
        else:
            document["found"][0] = document["found"][0][:3]
        damage = json.dumps(document).encode()
    entry.write_bytes(damage)
    parses.clear()
    assert scan_afresh([folder], str(cache)) == expected
    assert "model.py" in parses
    assert entry.read_bytes() == good  # rewritten
    parses.clear()
    assert scan_afresh([folder], str(cache)) == expected
    assert "model.py" not in parses


def test_an_entry_that_is_not_a_file_is_skipped_without_blocking(tmp_path: Path, parses: list[str]) -> None:
    """A FIFO or a folder where an entry should be is neither read nor waited on; the scan goes on."""
    folder = write(tmp_path / "program", PROGRAM)
    cache = tmp_path / "cache"
    expected = scan_afresh([folder], str(cache))
    found = entries(cache)
    found[0].unlink()
    found[0].mkdir()
    found[1].unlink()
    os.mkfifo(found[1])
    parses.clear()
    assert scan_afresh([folder], str(cache)) == expected
    assert len(parses) == 3


@pytest.mark.parametrize("where", ["a file", "read-only"])
def test_a_folder_that_cannot_be_written_means_scanning(
    tmp_path: Path, parses: list[str], where: str
) -> None:
    """A cache folder that cannot be created or written costs a scan each time, never an error."""
    folder = write(tmp_path / "program", PROGRAM)
    if where == "a file":
        cache = tmp_path / "file"
        cache.write_text("")
        place = cache / "cache"
    else:
        cache = tmp_path / "locked"
        cache.mkdir()
        cache.chmod(0o500)
        place = cache
        if os.access(cache, os.W_OK):
            cache.chmod(0o700)
            pytest.skip("this user writes into any folder")
    try:
        expected = scan_afresh([folder], "off")
        assert scan_afresh([folder], str(place)) == expected
        assert scan_afresh([folder], str(place)) == expected
    finally:
        cache.chmod(0o700)
    assert len(parses) == 9
    assert cache.read_text() == "" if where == "a file" else not list(cache.iterdir())


@pytest.mark.parametrize("setting", ["", "off", "OFF", " 0 "])
def test_the_cache_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str], setting: str
) -> None:
    """An empty or ``off`` HYPERPARAMETER_CACHE_DIR writes no entry anywhere, and every launch scans."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = write(tmp_path / "program", PROGRAM)
    scan_afresh([folder], setting)
    scan_afresh([folder], setting)
    assert len(parses) == 6
    assert sorted(path.name for path in tmp_path.iterdir()) == ["program"]


def test_the_folder_follows_the_platform_convention(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache lives in $XDG_CACHE_HOME/hyperparameter (an absolute one), else ~/.cache/hyperparameter."""
    monkeypatch.setenv("HOME", str(tmp_path))
    tag = sys.implementation.cache_tag
    assert cache_folder({"XDG_CACHE_HOME": "/var/xdg"}) == os.path.join(
        "/var/xdg", "hyperparameter", "scan", tag
    )
    home = os.path.join(str(tmp_path), ".cache", "hyperparameter", "scan", tag)
    assert cache_folder({"XDG_CACHE_HOME": "relative"}) == home
    assert cache_folder({}) == home
    assert cache_folder({CACHE_DIR_VARIABLE: "~/elsewhere"}) == os.path.join(
        str(tmp_path), "elsewhere", "scan", tag
    )


def test_without_a_home_the_cache_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no home to be found (no HOME, a user unknown to the system) nothing is cached, not even in ./~."""
    import pwd

    def unknown(uid: int) -> Any:
        raise KeyError(uid)

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown)
    monkeypatch.chdir(tmp_path)
    assert cache_folder({}) is None
    assert cache_folder({"XDG_CACHE_HOME": "relative"}) is None
    assert cache_folder({CACHE_DIR_VARIABLE: "~/elsewhere"}) is None


def test_the_suites_doctests_write_no_entry_into_the_home(tmp_path: Path) -> None:
    """A doctest outside tests/ (a module's, a guide's) scans with the suite's cache folder, not ~/.cache."""
    home = tmp_path / "home"
    home.mkdir()
    unset = (CACHE_DIR_VARIABLE, "XDG_CACHE_HOME")
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", _scanner_files.__file__],
        cwd=Path(__file__).parent.parent,
        env={**environment, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(home.iterdir()) == []


# -- processes --------------------------------------------------------------------------------------

SCANNER = """
import json, sys
from hyperparameter._scanner_files import scan_paths
result = scan_paths(sys.argv[1:])
print(json.dumps([[f.fields()[:-1] for f in result.found], result.errors, sorted(result.imported)]))
"""


def test_processes_scanning_at_once_agree_and_leave_good_entries(tmp_path: Path) -> None:
    """Processes writing the same entries at the same time all find what a scan without cache finds."""
    bench = load_benchmark()
    program = tmp_path / "program"
    program.mkdir()
    bench.write_program(program)
    cache = tmp_path / "cache"
    env = python_env({CACHE_DIR_VARIABLE: str(cache)})
    outputs = []
    for setting in ("off", str(cache), str(cache)):
        env[CACHE_DIR_VARIABLE] = setting
        children = [
            subprocess.Popen(
                [sys.executable, "-c", SCANNER, str(program)], env=env, stdout=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        outputs += [child.communicate(timeout=120)[0] for child in children]
        assert all(child.returncode == 0 for child in children)
    assert len(set(outputs)) == 1
    assert len(entries(cache)) == 31
    assert not list(cache.rglob("*.tmp"))
    _scanner_files._scanned.clear()
    assert scan_afresh([program], str(cache)) == scan_afresh([program], "off")


def test_a_launch_lists_the_same_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    """``app.py -lps`` prints the same before and after its entries are written, and with the cache off."""
    program = write(tmp_path / "program", {**PROGRAM, "app.py": PROGRAM["app.py"] + "\nhp.launch(main)\n"})
    (program / "broken.py").unlink()
    cache = tmp_path / "cache"
    runs = [
        run_python("app.py", "-lps", "-D", "net.width=8", cwd=program, env={CACHE_DIR_VARIABLE: setting})
        for setting in (str(cache), str(cache), "off")
    ]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert "net.width" in runs[0].stdout
    assert len({(run.stdout, run.stderr) for run in runs}) == 1
    assert len(entries(cache)) == 2


# -- upkeep -----------------------------------------------------------------------------------------


def test_old_entries_and_leftover_temporary_files_are_removed(tmp_path: Path) -> None:
    """Pruning removes entries not written for 30 days and temporary files over an hour old, nothing else."""
    now = time.time()
    ages = {"old.json": 31 * 86400, "recent.json": 29 * 86400, "left.tmp": 7200, "writing.tmp": 60}
    for name, age in ages.items():
        (tmp_path / name).write_text("{}")
        os.utime(tmp_path / name, (now - age, now - age))
    prune(str(tmp_path), now)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["recent.json", "writing.tmp"]


def test_pruning_keeps_the_newest_entries_beyond_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit on entries, the least recently written go first."""
    monkeypatch.setattr(_scanner_cache, "_MAX_ENTRIES", 2)
    now = time.time()
    for age in range(4):
        (tmp_path / f"{age}.json").write_text("{}")
        os.utime(tmp_path / f"{age}.json", (now - age, now - age))
    prune(str(tmp_path), now)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0.json", "1.json"]


def test_pruning_runs_at_most_once_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write prunes the cache when the last pruning is a day old, and then not again for a day."""
    module = write(tmp_path / "program", {"model.py": ""}) / "model.py"
    cache = tmp_path / "cache"
    stale = cache / "scan" / "cpython-00" / "0000.json"  # an entry of a Python no longer used
    stale.parent.mkdir(parents=True)
    marker = cache / "scan" / "pruned"
    old = time.time() - 40 * 86400

    def write_once_more(key: str) -> None:
        """Leave a stale entry, then make a process (a fresh one: it has not pruned yet) write an entry."""
        stale.write_text("{}")
        os.utime(stale, (old, old))
        module.write_text(f"import hyperparameter as hp\nx = hp.scope.{key} | 1\n")
        monkeypatch.setattr(_scanner_cache, "_pruned", False)
        scan_afresh([module], str(cache))

    write_once_more("first")
    assert not stale.exists()
    pruned = marker.stat().st_mtime
    write_once_more("within_a_day")
    assert stale.exists()
    assert marker.stat().st_mtime == pruned
    os.utime(marker, (old, old))
    write_once_more("a_day_later")
    assert not stale.exists()


def test_a_file_scanned_under_two_names_carries_the_name_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file scanned again in one process, by a relative path or through a link, is named as given."""
    folder = write(tmp_path / "program", PROGRAM)
    (tmp_path / "link.py").symlink_to(folder / "model.py")
    monkeypatch.chdir(tmp_path)
    for name in (folder / "model.py", Path("program", "model.py"), Path("link.py")):
        (found,) = scan_paths([name]).found
        assert found.path == str(name)
