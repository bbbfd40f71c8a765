"""Find the source files a launched program's catalog is built from: the program's, and its libraries'.

The program's own files are its package (or its script and the modules of
the script's folder it imports); the other scripts of that folder are related
(a key they read is no typo). Its libraries are the loaded modules outside
them that use hyperparameter: a library imported from ``src/`` or from
``PYTHONPATH`` is scanned whole, as the program is; an installed one (in
``site-packages``) only in the modules the process loaded.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Optional

from ._scanner_files import find_python_files

if TYPE_CHECKING:  # importlib.machinery costs a launch that checks values about 0.4 ms
    from importlib.machinery import ModuleSpec

_OWN = Path(__file__).resolve().parent
_PACKAGE = __name__.rpartition(".")[0]
_STDLIB = os.path.join(os.path.dirname(os.__file__), "")  # never imports hyperparameter: not looked into
# Outside a venv (conda, pyenv, a system Python) the installed packages live inside the stdlib folder.
_INSTALLED_PARTS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def find_project_root(module_globals: dict[str, Any]) -> Optional[Path]:
    """Return the folder of the program's own modules: its top package, or the script's folder."""
    main_file = module_globals.get("__file__")
    if not main_file:
        return None
    root = Path(main_file).resolve().parent
    package = module_globals.get("__package__") or ""
    for _ in package.split(".")[1:] if package else ():
        root = root.parent
    if root == _OWN or _OWN in root.parents:
        return Path(main_file).resolve().parent  # an example inside this library: only its own folder
    return root


def find_project_files(module_globals: dict[str, Any]) -> tuple[list[Path], list[Path]]:
    """Find the program's source files, and the other modules of its folder.

    The program's files are the calling module, its loaded modules and, loaded
    or not, every module of its package, or for a script the modules of its
    folder it imports (also inside functions, so a lazy import counts). The
    other modules of a script's folder are not part of the program, but a key
    one of them reads or declares is no typo. Only the script's folder and the
    packages in it are looked at, not every folder below it, so a script in a
    large folder (a home directory) does not make each launch read unrelated code.
    """
    root = find_project_root(module_globals)
    if root is None:
        return [], []
    main = Path(module_globals["__file__"]).resolve()
    if module_globals.get("__package__"):
        own = {main, *(Path(path).resolve() for path in find_python_files(root))}
        return sorted(own | _find_loaded_files(root.parent)), []
    folder: set[Path] = set()
    for entry in _list_entries(root):
        if entry.suffix == ".py" and entry.is_file():
            folder.add(entry.resolve())
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            folder.update(Path(path).resolve() for path in find_python_files(entry))
    own = _follow_imports({main} | _find_loaded_files(root), root, folder)
    return sorted(own), sorted(folder - own)


_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w., \t]*)|import[ \t]+([\w., \t]+))", re.M
)


def _follow_imports(start: set[Path], root: Path, folder: set[Path]) -> set[Path]:
    """``start`` and the files of ``folder`` they import, directly or not (found by the import lines)."""
    found, todo = set(start), list(start)
    looked: set[str] = set()  # dotted names already looked for: the modules of a package share theirs
    while todo:
        path = todo.pop()
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        for module in _read_imported_names(text, path, root):
            parts = module.split(".")
            for end in range(1, len(parts) + 1):
                name = ".".join(parts[:end])
                if name in looked:
                    continue
                looked.add(name)
                base = root.joinpath(*parts[:end])
                for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                    candidate = candidate.resolve() if candidate.exists() else candidate
                    if candidate in folder and candidate not in found:
                        found.add(candidate)
                        todo.append(candidate)
    return found


def _read_imported_names(text: str, path: Path, root: Path) -> list[str]:
    """Return the dotted names (relative to ``root``) a module's import lines name, submodules included."""
    names = []
    for dots, module, members, plain in _IMPORT.findall(text):
        if plain:
            names += [name.split()[0] for name in plain.split(",") if name.strip()]
            continue
        if dots:  # a relative import: from the package the file is in
            package = path.parent
            for _ in dots[1:]:
                package = package.parent
            try:
                prefix = ".".join(package.relative_to(root).parts)
            except ValueError:
                continue
            module = ".".join(part for part in (prefix, module) if part)
        names.append(module)
        names += [f"{module}.{name.split()[0]}" for name in members.split(",") if name.strip()]
    return [name for name in names if name]


# Where the folders of loaded modules really are: many modules share a folder, and a
# process that launches many times (tests, sweeps) asks about the same folders.
_real_folders: dict[str, str] = {}
_REAL_FOLDERS_LIMIT = 4096


def _find_loaded_files(outer: Path) -> set[Path]:
    """Return the files of the loaded modules under ``outer`` that are the program's own."""
    files = set()
    prefix = os.path.join(str(outer), "")
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)  # see find_library_modules: never an attribute
        path = namespace.get("__file__") if isinstance(namespace, dict) else None
        if not isinstance(path, str) or not path.endswith(".py") or _is_standard_library(path):
            continue  # the standard library is nobody's program: its folders need not be resolved
        folder = os.path.dirname(path)
        real = _real_folders.get(folder)
        if real is None:
            if len(_real_folders) >= _REAL_FOLDERS_LIMIT:
                _real_folders.clear()
            real = _real_folders[folder] = os.path.join(os.path.realpath(folder), "")
        if real.startswith(prefix):
            resolved = Path(path).resolve()
            if _belongs(resolved, outer):
                files.add(resolved)
    return files


def _list_entries(root: Path) -> list[Path]:
    try:
        return [entry for entry in root.iterdir() if not entry.name.startswith(".")]
    except OSError:
        return []


def _belongs(path: Path, root: Path) -> bool:
    """Whether a loaded module's file is the program's own (under its root, not a library)."""
    return root in path.parents and _OWN not in path.parents and not _is_installed(path)


def find_library_modules(own: set[Path]) -> list[ModuleType]:
    """Return the loaded modules, outside ``own`` and this library, that use hyperparameter.

    A module uses it when one of its globals is the package or a public name of
    it (``import hyperparameter as hp``, ``from hyperparameter import param``).
    """
    package = sys.modules.get(_PACKAGE)
    if package is None:
        return []
    names = vars(package)
    marks = {id(package), *(id(names[name]) for name in package.__all__ if name in names)}
    found = []
    for name, module in list(sys.modules.items()):
        # Read from the namespace, not as attributes: a lazy module (TensorFlow's, six.moves)
        # would import itself on any attribute it does not have yet.
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        path = namespace.get("__file__")
        if (
            not isinstance(path, str)
            or not path.endswith(".py")
            or _is_standard_library(path)
            or name.partition(".")[0] == _PACKAGE
        ):
            continue
        try:
            uses = not marks.isdisjoint(map(id, namespace.values()))
        except RuntimeError:  # another thread is importing into it
            continue
        if uses and Path(path).resolve() not in own:
            found.append(module)
    return found


def find_library_files(modules: list[ModuleType], own: set[Path]) -> list[Path]:
    """Return the files of the libraries ``modules`` belong to that a scan should read.

    A package of the user's (imported from a source folder or ``PYTHONPATH``) is
    read whole, so that its modules imported later count too; an installed one
    only in the modules loaded, so that a large installed package costs little.
    """
    files: set[Path] = set()
    folders: set[str] = set()
    for module in modules:
        file = Path(str(module.__file__)).resolve()
        top = sys.modules.get(module.__name__.partition(".")[0])
        paths = getattr(top, "__path__", None)
        if paths is None or _is_installed(file):
            files.add(file)
        else:
            folders.update(paths)
    for folder in folders:
        files.update(Path(path).resolve() for path in find_python_files(folder))
    return sorted(file for file in files if file not in own and _OWN not in file.parents)


def _is_standard_library(path: str) -> bool:
    """Whether the file ``path`` is the standard library's, not a package installed inside its folder."""
    return path.startswith(_STDLIB) and not any(part in path[len(_STDLIB) - 1 :] for part in _INSTALLED_PARTS)


def _is_installed(path: Path) -> bool:
    """Whether ``path`` lies in an environment's installed packages."""
    return "site-packages" in path.parts or "dist-packages" in path.parts


def find_unloaded_libraries(names: Iterable[str], own: set[Path]) -> list[Path]:
    """Return the files of the user's libraries among ``names`` that the process has not loaded yet.

    ``names`` are the top-level modules the program's files import, also inside
    functions: a library imported lazily (``def main(): from mylib import
    train``, which keeps ``--help`` fast) is loaded only after the values are
    checked. Found where an import would find it, without importing it; only
    a library of the user's counts, as in :func:`find_library_files`.
    """
    files: set[Path] = set()
    for name in sorted(set(names).difference(sys.modules, sys.builtin_module_names, (_PACKAGE,))):
        spec = _find_spec(name)
        if spec is None:
            continue
        folders = list(spec.submodule_search_locations or ())
        for place in folders or ([spec.origin] if spec.origin and spec.origin.endswith(".py") else []):
            if place.startswith(_STDLIB) or _is_installed(Path(place)):
                continue
            if folders:
                files.update(Path(path).resolve() for path in find_python_files(place))
            else:
                files.add(Path(place).resolve())
    return sorted(file for file in files if file not in own and _OWN not in file.parents)


def _find_spec(name: str) -> Optional[ModuleSpec]:
    """Find where ``import name`` would load a top-level module from, without loading it."""
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        try:
            spec: Optional[ModuleSpec] = find_spec(name, None)
        except (ImportError, OSError, ValueError):  # another library's finder: no reason to fail a launch
            continue
        if spec is not None:
            return spec
    return None
