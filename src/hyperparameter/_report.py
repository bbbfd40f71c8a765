"""The listings of ``hp ls``: as text, a tree, Markdown or JSON (``_details`` draws ``hp desc``).

Everything here turns scan results into strings; nothing reads files or prints.

>>> from hyperparameter._scanner import scan_source
>>> found = scan_source('''
... import hyperparameter as hp
... @hp.param("train")
... def train(lr=1e-3, batch_size=32):
...     pass
... ''', "app.py")
>>> print(render_listing([ScannedPackage("app", "", None, found)], "text", tree=True))
Hyperparameters in app:
----------------------------------------
train
  lr = 1e-3
  batch_size = 32
Total: 2 hyperparameters
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional

from ._description import Definitions, Description, definitions_of, describe_key, show_default
from ._table import align_rows

_RULE = "-" * 60
_HEAVY_RULE = "=" * 60
_TREE_RULE = "-" * 40


@dataclass
class ScannedPackage:
    """One scanned package or directory and what the scan found in it."""

    name: str
    version: str
    root: Optional[str]  # the directory locations are shown relative to; None: as scanned
    found: list[Description]
    relation: str = "self"  # or "dependency"
    errors: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name

    def location(self, found: Description) -> str:
        """Where ``found`` is, as ``path:line`` relative to the source's root."""
        path = os.path.normpath(found.path)
        if self.root is not None:
            with contextlib.suppress(ValueError):  # another drive, on Windows: keep it whole
                path = os.path.relpath(path, self.root)
        return f"{path.replace(os.sep, '/')}:{found.line}"


def function_count(found: Iterable[Description]) -> int:
    """How many functions and classes declare or read the hyperparameters found."""
    return len({(f.path, f.function) for f in found if f.function != "<module>"})


# -- listings ---------------------------------------------------------------
def render_listing(sources: list[ScannedPackage], fmt: str, tree: bool = False) -> str:
    """Render the ``hp ls PKG`` report of every source, in ``text``, ``markdown`` or ``json``."""
    if fmt == "json":
        return _render_json_listing(sources)
    if fmt == "markdown":
        parts = [_render_markdown_tree(s) if tree else _render_markdown_table(s) for s in sources]
    else:
        parts = [_render_text_tree(s) if tree else _render_text_table(s) for s in sources]
    return "\n\n".join(parts)


def _write_heading(source: ScannedPackage) -> str:
    suffix = " (dependency)" if source.relation == "dependency" else ""
    return f"Hyperparameters in {source.title}{suffix}"


def _write_total(source: ScannedPackage, entries: list[Definitions]) -> str:
    noun = "hyperparameter" if len(entries) == 1 else "hyperparameters"
    functions = function_count(source.found)
    return f"Total: {len(entries)} {noun} in {functions} function{'s' if functions != 1 else ''}"


def _note_dynamic(entries: list[Definitions]) -> list[str]:
    if any(e.primary.dynamic for e in entries):
        return ["Parts in <...> are computed at run time; the scan shows the expression."]
    return []


def _render_text_table(source: ScannedPackage) -> str:
    entries = definitions_of(source.found)
    rows = [("Key", "Default", "Type", "Function", "Location")]
    for entry in entries:
        more = f" (+{len(entry.others)})" if entry.others else ""
        rows.append(
            (
                entry.key,
                show_default(entry.primary),
                entry.primary.type_name or "?",
                entry.primary.function,
                source.location(entry.primary) + more,
            )
        )
    lines = [f"{_write_heading(source)}:", _RULE]
    if entries:
        lines += align_rows(rows)
    lines += [
        _RULE,
        _write_total(source, entries),
        *_note_dynamic(entries),
        *_list_unscanned(source, markdown=False),
    ]
    return "\n".join(line.rstrip() for line in lines)


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    entry: Optional[Definitions] = None


def _build_tree(source: ScannedPackage) -> _Node:
    """Nest the keys by their dotted segments, in the order the scan met their definitions."""
    position = {id(found): index for index, found in enumerate(source.found)}
    root = _Node()
    for entry in sorted(definitions_of(source.found), key=lambda e: position[id(e.primary)]):
        node = root
        for segment in entry.key.split("."):
            node = node.children.setdefault(segment, _Node())
        node.entry = entry
    return root


def _render_tree_lines(node: _Node, depth: int, markdown: bool) -> list[str]:
    lines = []
    for segment, child in node.children.items():
        indent = "  " * depth
        if markdown:
            text = f"{indent}- `{segment}`" if child.entry else f"{indent}- **{segment}**"
            if child.entry:
                text += f" = {_format_code(show_default(child.entry.primary))}"
        else:
            text = indent + segment
            if child.entry:
                text += f" = {show_default(child.entry.primary)}"
        lines.append(text)
        lines.extend(_render_tree_lines(child, depth + 1, markdown))
    return lines


def _render_text_tree(source: ScannedPackage) -> str:
    entries = definitions_of(source.found)
    noun = "hyperparameter" if len(entries) == 1 else "hyperparameters"
    lines = [
        f"{_write_heading(source)}:",
        _TREE_RULE,
        *_render_tree_lines(_build_tree(source), 0, markdown=False),
    ]
    lines += [
        f"Total: {len(entries)} {noun}",
        *_note_dynamic(entries),
        *_list_unscanned(source, markdown=False),
    ]
    return "\n".join(lines)


def _format_code(text: str) -> str:
    """``text`` as a Markdown code span that survives backticks and table pipes."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def _format_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _render_markdown_table(source: ScannedPackage) -> str:
    entries = definitions_of(source.found)
    lines = [
        f"## {_write_heading(source)}",
        "",
        "| Key | Default | Type | Function | Location | Description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in entries:
        found = entry.primary
        locations = ", ".join(source.location(f) for f in (found, *entry.others))
        cells = [
            _format_code(entry.key),
            _format_code(show_default(found, 80)),
            _format_cell(found.type_name),
            _format_code(found.function),
            _format_cell(locations),
            _format_cell(found.description),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    lines += [
        "",
        _write_total(source, entries) + ".",
        *_note_dynamic(entries),
        *_list_unscanned(source, markdown=True),
    ]
    return "\n".join(lines)


def _render_markdown_tree(source: ScannedPackage) -> str:
    entries = definitions_of(source.found)
    lines = [
        f"## {_write_heading(source)}",
        "",
        *_render_tree_lines(_build_tree(source), 0, markdown=True),
        "",
    ]
    lines += [
        _write_total(source, entries) + ".",
        *_note_dynamic(entries),
        *_list_unscanned(source, markdown=True),
    ]
    return "\n".join(lines)


def _list_unscanned(source: ScannedPackage, markdown: bool) -> list[str]:
    """List the files the scan could not read, one line each: a report never leaves them out silently."""
    if not source.errors:
        return []
    count = len(source.errors)
    heading = (
        f"Not scanned ({count} file{'s' if count != 1 else ''}; their hyperparameters are missing above):"
    )
    if markdown:
        return ["", f"**{heading}**", "", *(f"- {_format_cell(error)}" for error in source.errors)]
    return [heading, *(f"  {error}" for error in source.errors)]


def _describe_definition(source: ScannedPackage, found: Description) -> dict[str, Any]:
    return {
        "role": found.role,
        "default": found.default,
        "function": found.function,
        "path": source.location(found).rpartition(":")[0],
        "line": found.line,
    }


def _render_json_listing(sources: list[ScannedPackage]) -> str:
    hyperparameters = []
    for source in sources:
        for entry in definitions_of(source.found):
            found = entry.primary
            hyperparameters.append(
                {
                    **describe_key(entry),
                    # "package" says what "source" (kept: readers use it) means here; in the
                    # launcher's -lps JSON "source" is where the value in force came from.
                    "package": source.name,
                    "source": source.name,
                    "path": source.location(found).rpartition(":")[0],
                    "line": found.line,
                    "definitions": [_describe_definition(source, f) for f in (found, *entry.others)],
                }
            )
    document = {
        "sources": [
            {
                "name": s.name,
                "version": s.version,
                "relation": s.relation,
                "hyperparameters": len(definitions_of(s.found)),
                "functions": function_count(s.found),
            }
            for s in sources
        ],
        "hyperparameters": hyperparameters,
        "errors": [error for s in sources for error in s.errors],
    }
    return json.dumps(document, indent=2)


# -- installed packages -----------------------------------------------------------
def render_packages(rows: list[tuple[str, str, int, int]], fmt: str) -> str:
    """Render the ``hp ls`` report: each (package, version, params, funcs) using hyperparameter."""
    if fmt == "json":
        return json.dumps(
            {
                "packages": [
                    {"name": name, "version": version, "hyperparameters": params, "functions": funcs}
                    for name, version, params, funcs in rows
                ]
            },
            indent=2,
        )
    if fmt == "markdown":
        lines = [
            f"## Packages using hyperparameter ({len(rows)})",
            "",
            "| Package | Version | Params | Funcs |",
            "| --- | --- | ---: | ---: |",
        ]
        lines += [f"| {_format_cell(n)} | {_format_cell(v)} | {p} | {f} |" for n, v, p, f in rows]
        return "\n".join(lines)
    table = [("Package", "Version", "Params", "Funcs")] + [(n, v, str(p), str(f)) for n, v, p, f in rows]
    formatted = align_rows(table)
    return "\n".join(
        [
            f"Packages using hyperparameter ({len(rows)}):",
            _HEAVY_RULE,
            formatted[0],
            _RULE,
            *formatted[1:],
            _RULE,
            "Use 'hp ls <package>' to see hyperparameters in a package.",
        ]
    )
