"""Find the hyperparameters a program declares and reads, from its source alone.

The scanner parses each file with :mod:`ast` and walks the tree once; it never
imports or runs the code it reads. It recognises ``@hp.param`` (and
``auto_param``) on functions, methods and classes, the parameters ``hp.Params``
classes declare (``lr = hp.Float(0.001)``), and reads such as
``hp.scope.train.lr | 0.001``, ``hp.scope["train.lr"](0.001)`` and
``ps.train.lr | 0.001`` inside ``with hp.scope(...) as ps:``, and reads through
an accessor kept in a variable (``t = hp.scope.train; t.lr | 0.001``), whatever
names the module imported them under. Each finding has a role: ``"param"``,
``"declared"`` or ``"read"``.

>>> found = scan_source('''
... import hyperparameter as hp
...
... @hp.param("train")
... def train(data, lr=1e-3, epochs: int = 10):
...     warmup = hp.scope.train.warmup | 100  # steps before the full rate
... ''', "train.py")
>>> [(f.key, f.default, f.type_name, f.role, f.line) for f in found]
[('train.lr', '1e-3', 'float', 'param', 5), ('train.epochs', '10', 'int', 'param', 5), ('train.warmup', '100', 'int', 'read', 6)]
>>> found[2].description
'steps before the full rate'
"""  # noqa: E501

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Container, Iterable
from typing import Optional, Union

from ._description import Description
from ._docstrings import parse_docstring
from ._struct import Struct
from ._syntax import (
    describe_kind_type,
    find_assignments,
    find_dataclass_fields,
    find_defaulted,
    infer_literal_type,
    is_dataclass_decorator,
    unparse_annotation,
    write_kind_spec,
)

MODULE = "hyperparameter"
_PARAM_NAMES = frozenset({"param", "auto_param"})
_SCOPE_NAMES = frozenset({"scope", "param_scope"})
_PARAMS_BASE = "Params"
_KIND_NAMES = frozenset({"Bool", "Callable", "Choice", "Dict", "Float", "Instance", "Int", "List", "Str"})
# The default a kind gets when the declaration gives none, as the class would show it.
_KIND_DEFAULTS = {"Float": "0.0", "Int": "0", "Str": "''", "List": "[]", "Dict": "{}"}
# Attributes that are methods, never keys: of hp.scope, and of the objects hp.scope(...) builds.
ROOT_METHODS = frozenset({"keys", "update", "clear", "storage", "current", "empty", "frozen", "init"})
_SCOPE_METHODS = frozenset({"keys", "update", "clear", "storage"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CLOSERS = frozenset(" \t,)]}")

AnyFunction = Union[ast.FunctionDef, ast.AsyncFunctionDef]


class _Names:
    """The local names a module gave to hyperparameter, its decorator, scope, Params and kinds."""

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.params: set[str] = set()
        self.scopes: set[str] = set()
        self.bases: set[str] = set()
        self.kinds: dict[str, str] = {}  # local name: kind name
        self.imported: set[str] = set()  # the top-level modules imported (absolute imports)

    def note(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        """Remember the names an import statement binds to hyperparameter objects."""
        if isinstance(node, ast.Import):
            self.imported.update(alias.name.partition(".")[0] for alias in node.names)
            for alias in node.names:
                if alias.name == MODULE or (alias.name.startswith(MODULE + ".") and not alias.asname):
                    self.modules.add(alias.asname or MODULE)
            return
        module = node.module or ""
        if module and not node.level:
            self.imported.add(module.partition(".")[0])
        if node.level or not (module == MODULE or module.startswith(MODULE + ".")):
            return
        for alias in node.names:
            local = alias.asname or alias.name
            if alias.name == "*":
                self.params.update(_PARAM_NAMES)
                self.scopes.update(_SCOPE_NAMES)
                self.bases.add(_PARAMS_BASE)
                self.kinds.update((kind, kind) for kind in _KIND_NAMES)
            elif alias.name in _PARAM_NAMES:
                self.params.add(local)
            elif alias.name in _SCOPE_NAMES:
                self.scopes.add(local)
            elif alias.name == _PARAMS_BASE:
                self.bases.add(local)
            elif alias.name in _KIND_NAMES:
                self.kinds[local] = alias.name


class _Bound:
    """The names one function (or the module) has bound to accessors so far: ``t = hp.scope.train``.

    Each name maps to the key its accessor names (``""`` for ``hp.scope``
    itself) and whether that key is computed, or to None where a later
    binding, or a parameter, hides an outer accessor of that name.
    """

    __slots__ = ("names", "outer")

    def __init__(self, outer: Optional[_Bound]) -> None:
        self.names: dict[str, Optional[tuple[str, bool]]] = {}
        self.outer = outer

    def find(self, name: str) -> Optional[tuple[str, bool]]:
        """Return the key ``name`` is bound to here (or in an enclosing function), if any."""
        bound: Optional[_Bound] = self
        while bound is not None:
            if name in bound.names:
                return bound.names[name]
            bound = bound.outer
        return None


class _Context(Struct):
    """Where the walk is: the enclosing qualified name, and the scope objects and accessors in reach."""

    __slots__ = ("aliases", "bound", "owner", "prefix")

    def __init__(self, owner: str, prefix: str, aliases: frozenset[str], bound: _Bound) -> None:
        self.owner = owner
        self.prefix = prefix
        self.aliases = aliases
        self.bound = bound


class _ParamsClass(Struct):
    """An ``hp.Params`` class met earlier in the module: what its subclasses inherit."""

    __slots__ = ("dynamic", "explicit", "namespace", "params")

    def __init__(self, namespace: str, dynamic: bool, explicit: bool, params: dict[str, Description]) -> None:
        self.namespace = namespace
        self.dynamic = dynamic
        self.explicit = explicit  # set with namespace=, here or in a base: subclasses keep it
        self.params = params


def _note_top_level_imports(body: list[ast.stmt], names: _Names) -> None:
    """Note imports at module level, also inside ``if``/``try`` blocks, before the walk."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            names.note(statement)
        elif isinstance(statement, (ast.If, ast.Try)):
            _note_top_level_imports(statement.body + statement.orelse, names)
            if isinstance(statement, ast.Try):
                _note_top_level_imports(statement.finalbody, names)
                for handler in statement.handlers:
                    _note_top_level_imports(handler.body, names)


class _Walker:
    """One pass over one module's tree, collecting what it declares and reads."""

    def __init__(self, source: str, path: str, names: _Names) -> None:
        self.lines = _LINE_BREAK.split(source)
        self.path = path
        self.names = names
        self.found: list[Description] = []
        self.seen: set[tuple[str, int]] = set()
        self.classes: dict[str, _ParamsClass] = {}
        self.module = _Bound(None)
        self.binds = False  # whether the module keeps any accessor in a variable: reads look names up
        self.bound_first: set[int] = set()  # module-level assignments bound before the walk

    # -- source text ------------------------------------------------------
    def extract_text(self, node: ast.expr) -> str:
        """Return the source of ``node`` as written, or normalised if it spans several lines."""
        end = node.end_lineno or node.lineno
        if end != node.lineno or node.end_col_offset is None:
            return ast.unparse(node)
        line = self.lines[node.lineno - 1]
        if line.isascii():
            return line[node.col_offset : node.end_col_offset]
        return line.encode()[node.col_offset : node.end_col_offset].decode(errors="replace")

    def find_trailing_comment(self, node: ast.expr) -> str:
        """Return the comment ending the line ``node`` ends on, if only brackets or commas lie between."""
        end, column = node.end_lineno, node.end_col_offset
        if end is None or column is None:
            return ""
        line = self.lines[end - 1]
        rest = line[column:] if line.isascii() else line.encode()[column:].decode(errors="replace")
        before, hash_sign, comment = rest.partition("#")
        if not hash_sign or not set(before) <= _CLOSERS:
            return ""
        return comment.strip()

    def write_computed_name(self, node: ast.expr) -> str:
        """Write a computed name as it is written: ``<name>``, or an f-string's text with ``<...>`` holes."""
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif isinstance(value, ast.FormattedValue):
                    parts.append(f"<{self.extract_text(value.value)}>")
            return "".join(parts)
        return f"<{self.extract_text(node)}>"

    # -- recording ---------------------------------------------------------
    def add(self, found: Description) -> None:
        mark = (found.key, found.line)
        if mark not in self.seen:
            self.seen.add(mark)
            self.found.append(found)

    # -- the walk ----------------------------------------------------------
    def walk(self, tree: ast.Module) -> list[Description]:
        """Visit every node once, in source order, keeping track of the enclosing names."""
        at_module = _Context("<module>", "", frozenset(), self.module)
        self.bind_globals(tree.body, at_module)
        stack: list[tuple[ast.AST, _Context]] = [(tree, at_module)]
        while stack:
            node, context = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.enter_definition(node, context, stack)
                continue
            if isinstance(node, ast.Lambda):
                self.enter_lambda(node, context, stack)
                continue
            if isinstance(node, (ast.With, ast.AsyncWith)):
                self.enter_with(node, context, stack)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.names.note(node)
                continue
            if isinstance(node, ast.BinOp):
                self.record_bitor_read(node, context)
            elif isinstance(node, ast.Call):
                self.record_call_read(node, context)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                self.bind(node, context)
            stack.extend((child, context) for child in _list_children(node))
        return self.found

    @staticmethod
    def push(
        stack: list[tuple[ast.AST, _Context]], nodes: Iterable[Optional[ast.AST]], context: _Context
    ) -> None:
        stack.extend((node, context) for node in reversed(list(nodes)) if node is not None)

    def enter_definition(
        self, node: Union[AnyFunction, ast.ClassDef], context: _Context, stack: list[tuple[ast.AST, _Context]]
    ) -> None:
        qualname = context.prefix + node.name
        is_class = isinstance(node, ast.ClassDef)
        bound = _Bound(context.bound)
        if self.binds and not isinstance(node, ast.ClassDef):
            self.hide_parameters(node.args, bound)
        inner = _Context(qualname, qualname + ("." if is_class else ".<locals>."), context.aliases, bound)
        self.push(stack, node.body, inner)  # pushed first, so visited after the header
        if isinstance(node, ast.ClassDef):
            self.push(stack, [*node.decorator_list, *node.bases, *node.keywords], context)
        else:
            self.push(stack, [*node.decorator_list, node.args, node.returns], context)
        for index, decorator in enumerate(node.decorator_list):
            namespace = self.find_param_namespace(decorator)
            if namespace is not None:
                self.declare(node, index, namespace, qualname)
        if isinstance(node, ast.ClassDef):
            self.record_params_class(node, qualname)

    def enter_lambda(
        self, node: ast.Lambda, context: _Context, stack: list[tuple[ast.AST, _Context]]
    ) -> None:
        qualname = context.prefix + "<lambda>"
        bound = _Bound(context.bound)
        if self.binds:
            self.hide_parameters(node.args, bound)
        self.push(stack, [node.body], _Context(qualname, qualname + ".<locals>.", context.aliases, bound))
        self.push(stack, [node.args], context)

    def enter_with(
        self, node: Union[ast.With, ast.AsyncWith], context: _Context, stack: list[tuple[ast.AST, _Context]]
    ) -> None:
        aliases = {
            item.optional_vars.id
            for item in node.items
            if isinstance(item.optional_vars, ast.Name) and self.builds_scope(item.context_expr, context)
        }
        inner = context.replace(aliases=context.aliases | aliases) if aliases else context
        self.push(stack, node.body, inner)
        self.push(stack, node.items, context)

    # -- accessors kept in variables ----------------------------------------------
    def bind_globals(self, body: list[ast.stmt], context: _Context) -> None:
        """Bind the module's accessor variables before the walk, so that functions above them see them.

        A global name bound to an accessor and also to anything else at module
        level is no accessor: which one a function sees depends on the run.
        """
        table = self.module.names
        for statement in body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                self.bound_first.add(id(statement))
                targets = _list_targets(statement)
                key = self.find_accessor_key(statement.value, context)
                for name in _find_bound_names(targets):
                    if key is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
                        if table.get(name, key) == key:
                            table[name] = key
                            self.binds = True
                    else:
                        table[name] = None
            elif isinstance(statement, (ast.If, ast.Try)):
                self.bind_globals(statement.body + statement.orelse, context)

    def bind(self, node: Union[ast.Assign, ast.AnnAssign, ast.NamedExpr], context: _Context) -> None:
        """Note the names an assignment binds: to an accessor's key, or hiding an outer accessor."""
        if node.value is None or id(node) in self.bound_first:  # a bare annotation binds nothing
            return
        targets = _list_targets(node)
        key = self.find_accessor_key(node.value, context)
        table = context.bound.names
        if key is not None:
            for target in targets:
                if isinstance(target, ast.Name):
                    table[target.id] = key
                    self.binds = True
        elif self.binds:
            for name in _find_bound_names(targets):
                if context.bound.find(name) is not None:
                    table[name] = None

    def find_accessor_key(self, node: ast.expr, context: _Context) -> Optional[tuple[str, bool]]:
        """Return the key an accessor expression names (``""`` for ``hp.scope``), or None if none."""
        if self.is_scope_root(node, context):
            return "", False
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self.find_key(node, context)
        if isinstance(node, ast.Name) and self.binds:
            return context.bound.find(node.id)  # `u = t`
        return None

    @staticmethod
    def hide_parameters(arguments: ast.arguments, bound: _Bound) -> None:
        """Hide the outer accessors a function's parameters share a name with."""
        every = [
            *arguments.posonlyargs,
            *arguments.args,
            arguments.vararg,
            *arguments.kwonlyargs,
            arguments.kwarg,
        ]
        for argument in every:
            if argument is not None and bound.find(argument.arg) is not None:
                bound.names[argument.arg] = None

    # -- @hp.param -----------------------------------------------------------
    def refers_to(self, node: ast.expr, local: Container[str], members: Container[str]) -> bool:
        """Whether ``node`` is one of the ``local`` names, or ``hp.X`` for one of the ``members`` X."""
        if isinstance(node, ast.Name):
            return node.id in local
        return (
            isinstance(node, ast.Attribute)
            and node.attr in members
            and isinstance(node.value, ast.Name)
            and node.value.id in self.names.modules
        )

    def is_param(self, node: ast.expr) -> bool:
        return self.refers_to(node, self.names.params, _PARAM_NAMES)

    def find_param_namespace(self, decorator: ast.expr) -> Optional[tuple[Optional[str], bool]]:
        """For an ``@hp.param`` decorator: (the namespace, or None for the default; dynamic?)."""
        if self.is_param(decorator):
            return None, False
        if not (isinstance(decorator, ast.Call) and self.is_param(decorator.func)):
            return None
        given = decorator.args[0] if decorator.args else None
        for keyword in decorator.keywords:
            if keyword.arg == "target":
                given = keyword.value
        if given is None or (isinstance(given, ast.Constant) and given.value is None):
            return None, False
        if isinstance(given, ast.Constant) and isinstance(given.value, str):
            return given.value, False
        return self.write_computed_name(given), True

    def declare(
        self,
        node: Union[AnyFunction, ast.ClassDef],
        index: int,
        namespace: tuple[Optional[str], bool],
        qualname: str,
    ) -> None:
        """Record the defaulted parameters of a decorated function or class."""
        name = namespace[0] if namespace[0] is not None else node.name
        docstring = parse_docstring(ast.get_docstring(node)).params
        if isinstance(node, ast.ClassDef):
            init = next(
                (
                    s
                    for s in reversed(node.body)
                    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"
                ),
                None,
            )
            if init is not None:
                docstring = {**docstring, **parse_docstring(ast.get_docstring(init)).params}
                parameters = list(find_defaulted(init.args))
            elif any(is_dataclass_decorator(d) for d in node.decorator_list[index + 1 :]):
                parameters = list(find_dataclass_fields(node))
            else:
                parameters = []
        else:
            parameters = list(find_defaulted(node.args))
        for arg, annotation, default, shown in parameters:
            description = docstring.get(arg.arg) or self.find_trailing_comment(default)
            spec = unparse_annotation(annotation)
            self.add(
                Description(
                    key=f"{name}.{arg.arg}",
                    default=shown if shown is not None else self.extract_text(default),
                    type_name=spec or infer_literal_type(default),
                    namespace=name,
                    function=qualname,
                    path=self.path,
                    line=arg.lineno,
                    description=description,
                    role="param",
                    dynamic=namespace[1],
                    spec=spec,
                )
            )

    # -- hp.Params ---------------------------------------------------------------
    def find_kind(self, node: Optional[ast.expr]) -> str:
        """Return the kind ``node`` declares (``"Float"`` for ``hp.Float(...)``), or ``""``."""
        if not isinstance(node, ast.Call):
            return ""
        func = node.func
        if isinstance(func, ast.Name):
            return self.names.kinds.get(func.id, "")
        return func.attr if isinstance(func, ast.Attribute) and self.refers_to(func, (), _KIND_NAMES) else ""

    def is_params_base(self, node: ast.expr) -> bool:
        return self.refers_to(node, self.names.bases, (_PARAMS_BASE,))

    def record_params_class(self, node: ast.ClassDef, qualname: str) -> None:
        """Record what an ``hp.Params`` class declares, re-defaults, or inherits under a new namespace."""
        local = [self.classes[b.id] for b in node.bases if isinstance(b, ast.Name) and b.id in self.classes]
        assigned = list(find_assignments(node.body))
        if not (
            local
            or any(map(self.is_params_base, node.bases))
            or any(self.find_kind(value) for _, _, value in assigned)
        ):
            return
        namespace, dynamic, explicit = self.find_params_namespace(node, local)
        params: dict[str, Description] = {}
        for base in reversed(local):  # the runtime's order: the furthest base first
            params.update(base.params)
        inherited = dict(params)
        for name, found in inherited.items():
            params[name] = found.replace(
                key=f"{namespace}.{name}", namespace=namespace, function=qualname, dynamic=dynamic
            )
        docstring = parse_docstring(ast.get_docstring(node)).params
        for name, line, value in assigned:
            kind = self.find_kind(value)
            if kind and isinstance(value, ast.Call):
                params[name] = self.describe_declared(
                    name, line, value, kind, (namespace, dynamic), qualname, docstring
                )
            elif name in inherited:  # `lr = 1e-4` in a subclass: a new default for the inherited parameter
                params[name] = params[name].replace(default=self.extract_text(value), line=line)
        for found in params.values():
            self.add(found)  # an inherited parameter under the same namespace is the same definition
        self.classes[node.name] = _ParamsClass(namespace, dynamic, explicit, params)

    def find_params_namespace(self, node: ast.ClassDef, local: list[_ParamsClass]) -> tuple[str, bool, bool]:
        """Return a class's (namespace, dynamic?, explicit?).

        The namespace is ``namespace=``, else a base's explicit one, else the class name.
        """
        given = next((k.value for k in node.keywords if k.arg == "namespace"), None)
        if isinstance(given, ast.Constant) and isinstance(given.value, str) and given.value:
            return given.value, False, True
        if given is not None and not isinstance(given, ast.Constant):  # namespace=None: as if not given
            return self.write_computed_name(given), True, True
        base = next((base for base in local if base.explicit), None)
        if base is not None:
            return base.namespace, base.dynamic, True
        return node.name, False, False

    def describe_declared(
        self,
        name: str,
        line: int,
        call: ast.Call,
        kind: str,
        namespace: tuple[str, bool],
        qualname: str,
        docstring: dict[str, str],
    ) -> Description:
        """One parameter a class declares with a kind, such as ``lr = hp.Float(0.001, doc="...")``."""
        options = {k.arg: k.value for k in call.keywords if k.arg is not None}
        written = call.args[0] if call.args else options.get("default")
        doc = options.get("doc")
        text = doc.value if isinstance(doc, ast.Constant) and isinstance(doc.value, str) else ""
        return Description(
            key=f"{namespace[0]}.{name}",
            default=self.extract_text(written) if written is not None else _KIND_DEFAULTS.get(kind, "None"),
            type_name=describe_kind_type(kind, call),
            namespace=namespace[0],
            function=qualname,
            path=self.path,
            line=line,
            description=" ".join(text.split()) or docstring.get(name) or self.find_trailing_comment(call),
            role="declared",
            dynamic=namespace[1],
            spec=write_kind_spec(kind, call),
        )

    # -- reads ----------------------------------------------------------------
    def builds_scope(self, node: ast.expr, context: _Context) -> bool:
        """Whether ``node`` is ``hp.scope(...)`` or ``hp.scope.empty(...)``: a scope object."""
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "empty":
            func = func.value
        return self.is_scope_root(func, context)

    def is_scope_root(self, node: ast.expr, context: _Context) -> bool:
        return self.refers_to(node, self.names.scopes, _SCOPE_NAMES)

    def find_key(self, node: ast.expr, context: _Context) -> Optional[tuple[str, bool]]:
        """Return the key an accessor expression names (and whether it is computed), or None."""
        segments: list[tuple[str, bool]] = []  # (name, reached by attribute access)
        dynamic = False
        methods = ROOT_METHODS
        while True:
            if isinstance(node, ast.Name):
                if node.id in context.aliases:
                    methods = _SCOPE_METHODS  # a scope object: ps.current is a key, hp.scope.current a method
                    break
                bound = context.bound.find(node.id) if self.binds else None
                if bound is not None:
                    if bound[0]:  # an accessor of a key: every name after it is a key
                        segments.append((bound[0], False))
                        methods = frozenset()
                        dynamic = dynamic or bound[1]
                    break
            if self.is_scope_root(node, context):
                break
            if isinstance(node, ast.Attribute):
                if node.attr.startswith("_"):
                    return None
                segments.append((node.attr, True))
            elif isinstance(node, ast.Subscript):
                index = node.slice
                if isinstance(index, ast.Constant) and isinstance(index.value, str):
                    segments.append((index.value, False))
                else:
                    segments.append((self.write_computed_name(index), False))
                    dynamic = True
            else:
                return None
            node = node.value
        if not segments:
            return None
        first, by_attribute = segments[-1]
        if by_attribute and first in methods:
            return None
        return ".".join(name for name, _ in reversed(segments)), dynamic

    def read(
        self, node: ast.expr, accessor: ast.expr, default: Optional[ast.expr], context: _Context
    ) -> None:
        resolved = self.find_key(accessor, context)
        if resolved is None:
            return
        key, dynamic = resolved
        self.add(
            Description(
                key=key,
                default=None if default is None else self.extract_text(default),
                type_name="" if default is None else infer_literal_type(default),
                namespace=key.rpartition(".")[0],
                function=context.owner,
                path=self.path,
                line=node.lineno,
                description=self.find_trailing_comment(node),
                role="read",
                dynamic=dynamic,
            )
        )

    def record_bitor_read(self, node: ast.BinOp, context: _Context) -> None:
        if isinstance(node.op, ast.BitOr) and isinstance(node.left, self.list_accessor_forms()):
            self.read(node, node.left, node.right, context)

    def list_accessor_forms(self) -> tuple[type[ast.expr], ...]:
        """Return the node types an accessor can be (a bare name once the module keeps one in a variable)."""
        return _NAMED_ACCESSOR if self.binds else _ACCESSOR

    def record_call_read(self, node: ast.Call, context: _Context) -> None:
        if (
            isinstance(node.func, self.list_accessor_forms())
            and not node.keywords
            and len(node.args) <= 1
            and not any(isinstance(a, ast.Starred) for a in node.args)
        ):
            self.read(node, node.func, node.args[0] if node.args else None, context)


_ACCESSOR = (ast.Attribute, ast.Subscript)
_NAMED_ACCESSOR = (ast.Attribute, ast.Subscript, ast.Name)


def _list_targets(node: Union[ast.Assign, ast.AnnAssign, ast.NamedExpr]) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def _find_bound_names(targets: list[ast.expr]) -> list[str]:
    """Return the names assignment targets bind, also inside ``a, *b = ...`` unpacking."""
    names = []
    todo = list(targets)
    while todo:
        target = todo.pop()
        if isinstance(target, ast.Starred):
            target = target.value
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            todo.extend(target.elts)
    return names


# Nodes with nothing to find inside, left out of the walk to keep it cheap.
_LEAVES = (
    ast.Name,
    ast.Constant,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
    ast.boolop,
    ast.alias,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.Global,
    ast.Nonlocal,
)


def _list_children(node: ast.AST) -> list[ast.AST]:
    """Return the child nodes worth visiting, last first (the walk pops them in source order)."""
    children: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend(
                item for item in value if isinstance(item, ast.AST) and not isinstance(item, _LEAVES)
            )
        elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
            children.append(value)
    children.reverse()
    return children


def scan_source(source: str, path: str) -> list[Description]:
    """Find the hyperparameters ``source`` declares and reads; raise SyntaxError if it does not parse."""
    return scan_source_with_imports(source, path)[0]


def scan_source_with_imports(source: str, path: str) -> tuple[list[Description], frozenset[str]]:
    """``scan_source``, and the top-level modules the source imports."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like are the scanned code's business
        tree = ast.parse(source, filename=path)
    names = _Names()
    _note_top_level_imports(tree.body, names)
    found = _Walker(source, path, names).walk(tree)
    return found, frozenset(names.imported)
