"""Behaviour of the static scanner: what it finds, in which import styles, and what it never reports."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._description import Description
from hyperparameter._scanner import scan_source
from hyperparameter._scanner_files import _decode, scan_file, scan_paths


def scan(source: str, path: str = "mod.py") -> list[Description]:
    return scan_source(textwrap.dedent(source), path)


def keys(source: str) -> list[str]:
    return [found.key for found in scan(source)]


def by_key(source: str) -> dict[str, Description]:
    return {found.key: found for found in scan(source)}


# -- import styles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("imports", "decorator", "root"),
    [
        ("import hyperparameter as hp", "hp.param", "hp.scope"),
        ("import hyperparameter", "hyperparameter.param", "hyperparameter.scope"),
        ("import hyperparameter as hyper", "hyper.auto_param", "hyper.param_scope"),
        ("import hyperparameter.exceptions", "hyperparameter.param", "hyperparameter.scope"),
        ("from hyperparameter import param, scope", "param", "scope"),
        ("from hyperparameter import auto_param, param_scope", "auto_param", "param_scope"),
        ("from hyperparameter import param as knob, scope as cfg", "knob", "cfg"),
        ("from hyperparameter import *", "param", "param_scope"),
        ("try:\n    import hyperparameter as hp\nexcept ImportError:\n    hp = None", "hp.param", "hp.scope"),
    ],
)
def test_every_import_style_is_recognised(imports: str, decorator: str, root: str) -> None:
    """Decorators and reads are found under whatever name the module imported them."""
    source = (
        f"{imports}\n\n@{decorator}('train')\ndef train(data, lr=1e-3):\n    return {root}.train.steps | 10\n"
    )
    assert [(f.key, f.role) for f in scan_source(source, "m.py")] == [
        ("train.lr", "param"),
        ("train.steps", "read"),
    ]


def test_an_import_inside_a_function_counts_from_there_on() -> None:
    """A lazy import inside a function still makes its reads visible."""
    assert keys("""
        def main():
            import hyperparameter as hp
            return hp.scope.app.debug | False
    """) == ["app.debug"]


@pytest.mark.parametrize(
    "source",
    [
        "import torch as hp\n@hp.param('x')\ndef f(a=1):\n    return hp.scope.a.b | 1\n",
        "from mylib import scope, param\n@param\ndef f(a=1):\n    return scope.a.b | 1\n",
        "import hyperparameter\nfrom mylib import scope\nx = scope.a.b | 1\n",
        "# no hyperparameter here\nscope = {}\nx = scope.a | 1\n",
        "from hyperparameter import scope\nclass C:\n    scope = None\nx = C.scope.a | 1\n",
        "import hyperparameter as hp\nx = hp.other.a | 1\ny = hp.scope | 1\n",
    ],
    ids=[
        "other-module-as-hp",
        "scope-from-elsewhere",
        "scope-from-elsewhere-beside-hp",
        "no-import",
        "attribute-named-scope",
        "not-a-key",
    ],
)
def test_names_not_imported_from_hyperparameter_are_ignored(source: str) -> None:
    """Code that merely mentions scope or param, or aliases another module as hp, yields nothing."""
    assert scan_source(source, "m.py") == []


# -- @hp.param ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decorator", "namespace"),
    [
        ("@hp.param", "fit"),
        ("@hp.param()", "fit"),
        ("@hp.param(None)", "fit"),
        ('@hp.param("train")', "train"),
        ('@hp.param("my.app.train")', "my.app.train"),
        ('@hp.param(target="train")', "train"),
    ],
)
def test_decorator_forms_follow_the_namespace_rules(decorator: str, namespace: str) -> None:
    """The namespace is the given string, else the function's own name."""
    found = scan(f"""
        import hyperparameter as hp
        {decorator}
        def fit(lr=0.1):
            pass
    """)
    assert [(f.key, f.namespace) for f in found] == [(f"{namespace}.lr", namespace)]


def test_only_parameters_with_defaults_are_hyperparameters() -> None:
    """Positional-only and keyword-only defaults count; required ones, *args and **kwargs do not."""
    assert keys("""
        import hyperparameter as hp
        @hp.param
        def f(a, b=1, /, c=2, *args, d, e=3, **kwargs):
            pass
    """) == ["f.b", "f.c", "f.e"]


def test_functions_methods_classes_and_async_functions_are_all_found() -> None:
    """Each decorated function, method and class is reported with its qualified name;
    a class reports its __init__ parameters."""
    found = scan("""
        import hyperparameter as hp

        @hp.param
        class Model:
            def __init__(self, layers, hidden_size=256, dropout=0.1):
                pass

        class Trainer:
            @hp.param("trainer")
            async def fit(self, steps=100):
                pass

            @hp.param
            @staticmethod
            def schedule(warmup=10):
                pass

        def outer():
            @hp.param
            def inner(depth=2):
                pass
            return inner
    """)
    assert [(f.key, f.function, f.line) for f in found] == [
        ("Model.hidden_size", "Model", 6),
        ("Model.dropout", "Model", 6),
        ("trainer.steps", "Trainer.fit", 11),
        ("schedule.warmup", "Trainer.schedule", 16),
        ("inner.depth", "outer.<locals>.inner", 21),
    ]


def test_a_class_without_init_has_no_parameters_unless_a_dataclass() -> None:
    """A dataclass's generated __init__ counts (fields with defaults, default_factory shown as a call)."""
    found = by_key("""
        import dataclasses
        from dataclasses import dataclass, field
        from typing import ClassVar
        import hyperparameter as hp

        @hp.param
        class Plain:
            size = 3

        @hp.param("opt")
        @dataclasses.dataclass
        class Options:
            name: str
            lr: float = 0.1
            betas: list = field(default_factory=list)
            eps: float = field(default=1e-8)
            hidden: int = field(init=False, default=0)
            registry: ClassVar[dict] = {}
    """)
    assert list(found) == ["opt.lr", "opt.betas", "opt.eps"]
    assert (found["opt.betas"].default, found["opt.betas"].type_name) == ("list()", "list")
    assert found["opt.eps"].default == "1e-8"


def test_the_scanner_agrees_with_the_runtime_decorator(tmp_path: Path) -> None:
    """For every decorated function, method and class,
    the scanned keys are exactly those @hp.param records when imported."""
    module = tmp_path / "agree_fixture.py"
    module.write_text(
        textwrap.dedent("""
        import hyperparameter as hp
        from hyperparameter import auto_param

        @hp.param
        def bare(a, b=1, *, c=2):
            pass

        @hp.param("named.space")
        def named(x=0.5, /, y="s"):
            pass

        @auto_param()
        class Model:
            def __init__(self, width=8, depth=2):
                pass

        class Holder:
            @hp.param
            def method(self, rate=0.1):
                pass

            @hp.param("static")
            @staticmethod
            def helper(k=3):
                pass

        @hp.param
        async def fetch(retries=3):
            pass

        @hp.param
        def gen(n=5):
            yield n
    """)
    )
    spec = importlib.util.spec_from_file_location("agree_fixture", module)
    assert spec is not None
    assert spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    objects = [
        loaded.bare,
        loaded.named,
        loaded.Model,
        loaded.Holder.method,
        loaded.Holder.helper,
        loaded.fetch,
        loaded.gen,
    ]
    runtime = sorted(p.key for obj in objects for p in obj.__hyperparameter__.parameters)
    assert sorted(f.key for f in scan_file(module)) == runtime


# -- hp.Params ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("imports", "base", "kind"),
    [
        ("import hyperparameter as hp", "hp.Params", "hp.Float"),
        ("import hyperparameter as hyper", "hyper.Params", "hyper.Float"),
        ("import hyperparameter", "hyperparameter.Params", "hyperparameter.Float"),
        ("from hyperparameter import Params, Float", "Params", "Float"),
        ("from hyperparameter import Params as Config, Float as Real", "Config", "Real"),
        ("from hyperparameter import *", "Params", "Float"),
    ],
)
def test_params_declarations_are_found_in_every_import_style(imports: str, base: str, kind: str) -> None:
    """A Params class's kind declarations are found, with role "declared", whatever the import names."""
    source = f"{imports}\n\nclass Train({base}, namespace='train'):\n    lr = {kind}(0.001)\n"
    assert [(f.key, f.role, f.function, f.line) for f in scan_source(source, "m.py")] == [
        ("train.lr", "declared", "Train", 4)
    ]


def test_params_declarations_report_default_type_and_description() -> None:
    """The default as written (or the kind's own), the type as -ep describes it, and doc=,
    the docstring or a comment."""
    found = by_key('''
        import hyperparameter as hp
        from hyperparameter import Choice, List

        class Train(hp.Params, namespace="train"):
            """Training.

            Args:
                layers: How many layers.
            """
            lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
            layers: int = hp.Int(3)
            act = Choice("relu", ["relu", "gelu"])  # the activation
            dims = List(default=[64, 64], item_type=int)
            name = hp.Str()
            ratio = hp.Float()
            flag = hp.Bool(True, doc="""Whether to
                do it.""")
            extra = hp.Dict()
            scale = hp.Float(BASE * 2, bounds=(0, None))
            encoder = hp.Instance(None, class_=torch.nn.Module)
            fn = hp.Callable()
            plain = 3
    ''')
    assert {k: (v.default, v.type_name, v.description) for k, v in found.items()} == {
        "train.lr": ("1e-3", "float in [0, 1]", "learning rate"),
        "train.layers": ("3", "int", "How many layers."),
        "train.act": ('"relu"', "one of 'relu', 'gelu'", "the activation"),
        "train.dims": ("[64, 64]", "list[int]", ""),
        "train.name": ("''", "str", ""),
        "train.ratio": ("0.0", "float", ""),
        "train.flag": ("True", "bool", "Whether to do it."),
        "train.extra": ("{}", "dict", ""),
        "train.scale": ("BASE * 2", "float in [0, inf)", ""),
        "train.encoder": ("None", "Module", ""),
        "train.fn": ("None", "callable", ""),
    }
    assert {f.role for f in found.values()} == {"declared"}


def test_params_namespaces_follow_the_class_rules() -> None:
    """namespace= names the keys; a subclass keeps a base's explicit one, else takes its own class name."""
    found = scan("""
        import hyperparameter as hp

        class Train(hp.Params, namespace="train"):
            lr = hp.Float(0.001)

        class FineTune(Train):
            lr = 1e-4
            freeze = hp.Bool(False)

        class Plain(hp.Params):
            size = hp.Int(2)

        class Bigger(Plain):
            size = 5

        class Renamed(FineTune, namespace="ft"):
            pass

        class Elsewhere(ImportedBase, namespace="other"):
            depth = hp.Int(2)
    """)
    assert [(f.key, f.default, f.function, f.line) for f in found] == [
        ("train.lr", "0.001", "Train", 5),
        ("train.lr", "1e-4", "FineTune", 8),
        ("train.freeze", "False", "FineTune", 9),
        ("Plain.size", "2", "Plain", 12),
        ("Bigger.size", "5", "Bigger", 15),
        ("ft.lr", "1e-4", "Renamed", 8),
        ("ft.freeze", "False", "Renamed", 9),
        ("other.depth", "2", "Elsewhere", 21),
    ]


def test_a_computed_params_namespace_is_reported_as_dynamic() -> None:
    """namespace=NAME is shown as <NAME>, dynamic, and so are the keys of subclasses that keep it."""
    found = scan("""
        import hyperparameter as hp
        NAME = "train"

        class Train(hp.Params, namespace=NAME):
            lr = hp.Float(0.001)

        class Child(Train):
            lr = 0.1
    """)
    assert [(f.key, f.namespace, f.dynamic) for f in found] == [
        ("<NAME>.lr", "<NAME>", True),
        ("<NAME>.lr", "<NAME>", True),
    ]


def test_only_kinds_from_hyperparameter_in_classes_are_declarations() -> None:
    """Other libraries' kinds, plain class attributes and kinds outside a class body are not declarations."""
    assert (
        scan("""
        import hyperparameter as hp
        from traitlets import Float, HasTraits

        class Other(HasTraits):
            lr = Float(0.1)

        class Empty(hp.Params):
            size = 3

        LOOSE = hp.Float(0.5)

        def make():
            return hp.Int(3)
    """)
        == []
    )


def test_the_scanner_agrees_with_params_classes_at_run_time(tmp_path: Path) -> None:
    """Keys, defaults and type descriptions scanned from Params classes
    are those the classes have when imported."""
    module = tmp_path / "params_fixture.py"
    module.write_text(
        textwrap.dedent("""
        import hyperparameter as hp
        from hyperparameter import Params, Choice, List as Items

        class Train(hp.Params, namespace="train"):
            lr = hp.Float(1e-3, bounds=(0, 1), inclusive_bounds=(False, True))
            layers = hp.Int(3, bounds=(1, None))
            act = Choice("relu", ["relu", "gelu"])
            dims = Items([64, 64], item_type=int, bounds=(1, 4))
            name = hp.Str("run", regex="[a-z]+")
            flag = hp.Bool()
            extra = hp.Dict({"a": 1})
            ratio = hp.Float()

        class FineTune(Train):
            lr = 1e-4
            frozen = hp.Bool(False)

        class Plain(Params):
            size = hp.Int(2)

        class Bigger(Plain):
            size = 5

        class Renamed(FineTune, namespace="ft.stage"):
            layers = 4
    """)
    )
    spec = importlib.util.spec_from_file_location("params_fixture", module)
    assert spec is not None
    assert spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    runtime = {
        (cls.__name__, p.key): (p.default, p.describe_type())
        for cls in (loaded.Train, loaded.FineTune, loaded.Plain, loaded.Bigger, loaded.Renamed)
        for p in cls.params().values()
    }
    scanned = {
        (f.function, f.key): (ast.literal_eval(f.default or ""), f.type_name) for f in scan_file(module)
    }
    assert scanned.items() <= runtime.items()
    # What the scan leaves out is only the same definition again: an inherited, unchanged parameter.
    assert {key for _, key in runtime} == {key for _, key in scanned}


# -- reads ---------------------------------------------------------------------------------------------------


def test_every_read_form_is_found() -> None:
    """| default, (default), ["key"] | default, ["key"](default) and () are reads; the key is full."""
    found = scan("""
        import hyperparameter as hp
        a = hp.scope.train.lr | 0.001
        b = hp.scope.train.epochs(10)
        c = hp.scope["model.hidden"] | 256
        d = hp.scope["model.dropout"](0.1)
        e = hp.scope.model["enc.layers"] | 4
        f = hp.scope.data.path()
    """)
    assert [(f.key, f.default, f.type_name, f.namespace, f.role) for f in found] == [
        ("train.lr", "0.001", "float", "train", "read"),
        ("train.epochs", "10", "int", "train", "read"),
        ("model.hidden", "256", "int", "model", "read"),
        ("model.dropout", "0.1", "float", "model", "read"),
        ("model.enc.layers", "4", "int", "model.enc", "read"),
        ("data.path", None, "", "data", "read"),
    ]
    assert {f.function for f in found} == {"<module>"}


def test_reads_on_a_scope_object_count_only_inside_its_with_block() -> None:
    """ps.a.b | x is a read where ps is bound by `with hp.scope(...) as ps` (or scope.empty),
    not elsewhere."""
    found = scan("""
        import hyperparameter as hp

        def run():
            with hp.scope(**{"a": 1}) as ps, open("f") as handle:
                depth = ps.model.depth | 4
                other = handle.model.width | 8
                def nested():
                    return ps.model.nested | 1
            with hp.scope.empty() as fresh:
                fresh.model.seed(0)
            return ps.model.after | 2
    """)
    assert [(f.key, f.function) for f in found] == [
        ("model.depth", "run"),
        ("model.nested", "run.<locals>.nested"),
        ("model.seed", "run"),
    ]


def test_prefixes_methods_and_private_names_are_not_parameters() -> None:
    """hp.scope.a in hp.scope.a.b, method calls on scopes and _names are never reported."""
    assert keys("""
        import hyperparameter as hp
        hp.scope.keys()
        hp.scope.current()
        hp.scope.frozen()
        hp.scope.update({"a": 1})
        hp.scope.storage()
        hp.scope._private | 1
        with hp.scope() as ps:
            ps.keys()
            ps.clear()
            ps.update(a=1)
        hp.scope.a.b.c | 1
        hp.scope["keys.limit"] | 5
        hp.scope.train.update(3)
        x = hp.scope.opt.lr
        hp.scope.opt.lr = 0.1
        hp.scope(lr=0.1)
    """) == ["a.b.c", "keys.limit", "train.update"]


def test_names_of_hp_scope_methods_are_keys_on_a_scope_object() -> None:
    """hp.scope.current() is a method, but ps.current.k reads key current.k, as at run time."""
    found = scan("""
        import hyperparameter as hp
        hp.scope.current()
        hp.scope.empty()
        with hp.scope() as ps:
            a = ps.current.k | 1
            b = ps.empty.e | 2
            c = ps.keys()
    """)
    assert [f.key for f in found] == ["current.k", "empty.e"]
    with hp.scope(**{"current.k": 5, "empty.e": 6}) as ps:
        assert (ps.current.k | 1, ps.empty.e | 2) == (5, 6)


ACCESSOR_VARIABLES = """
import hyperparameter as hp

def early():
    return glob.late | 1  # a global bound below, before any call

glob = hp.scope.g
root = hp.scope

def run(name):
    t = hp.scope.train
    lr = hp.scope.train.lr
    u = t
    a = t.bs | 32
    b = t["steps"](100)
    c = lr | 0.1
    d = u.opt.beta()
    e = root.model.depth | 4
    f = root.keys()
    task = hp.scope[name]
    g = task.weight | 1.0
    with hp.scope() as ps:
        inner = ps.data
        h = inner.path | "x"
    def nested():
        return t.nested | 2
    return nested
"""


def test_reads_through_an_accessor_kept_in_a_variable_are_found() -> None:
    """t = hp.scope.train; t.bs | 32 reads train.bs, in functions, closures and at module level."""
    found = scan(ACCESSOR_VARIABLES)
    assert [(f.key, f.default, f.function, f.dynamic) for f in found] == [
        ("g.late", "1", "early", False),
        ("train.bs", "32", "run", False),
        ("train.steps", "100", "run", False),
        ("train.lr", "0.1", "run", False),
        ("train.opt.beta", None, "run", False),
        ("model.depth", "4", "run", False),
        ("<name>.weight", "1.0", "run", True),
        ("data.path", '"x"', "run", False),
        ("train.nested", "2", "run.<locals>.nested", False),
    ]


def test_the_scanner_agrees_with_the_reads_an_accessor_variable_makes(tmp_path: Path) -> None:
    """Running the scanned module reads exactly the keys the scan reports for it."""
    path = tmp_path / "accessors.py"
    path.write_text(ACCESSOR_VARIABLES)
    spec = importlib.util.spec_from_file_location("accessors_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    values = {"train.opt.beta": 0.9, "g.late": 5}
    with hp.record() as rec, hp.scope(**values):
        module.early()
        module.run("task")()
    scanned = {f.key.replace("<name>", "task") for f in scan_source(ACCESSOR_VARIABLES, str(path))}
    assert set(rec.reads) == scanned


def test_a_name_that_is_no_longer_an_accessor_is_not_followed() -> None:
    """A rebinding, a parameter of the same name, or a global bound to two things hide the accessor."""
    assert keys("""
        import hyperparameter as hp
        mixed = hp.scope.m
        mixed = object()
        glob = hp.scope.g

        def run(glob, flags):
            t = hp.scope.train
            a = t.before | 1
            t = flags
            b = t.after | 2
            x, *t = flags
            c = glob.mask | 4
            d = mixed.k | 8
            e = (lambda glob: glob.bits | 16)(flags)

        def other(flags):
            return t.elsewhere | 1
    """) == ["train.before"]


def test_each_definition_is_counted_once_per_line() -> None:
    """The same key read twice on one line is one definition; on two lines, two."""
    found = scan("""
        import hyperparameter as hp
        x = hp.scope.a | 1 if flag else hp.scope.a | 2
        y = hp.scope.a | 3
    """)
    assert [(f.key, f.line, f.default) for f in found] == [("a", 3, "1"), ("a", 4, "3")]


def test_reads_in_defaults_decorators_and_lambdas_are_attributed_to_their_owner() -> None:
    """A read in a parameter default belongs to the enclosing scope; one in a lambda to the lambda."""
    found = scan("""
        import hyperparameter as hp

        class Net:
            width = hp.scope.net.width | 64

            def forward(self, scale=hp.scope.net.scale | 1.0):
                return list(map(lambda v: v * (hp.scope.net.gain | 2), [scale]))
    """)
    assert [(f.key, f.function) for f in found] == [
        ("net.width", "Net"),
        ("net.scale", "Net"),
        ("net.gain", "Net.forward.<locals>.<lambda>"),
    ]


# -- defaults, types, descriptions -------------------------------------------------------------------------


def test_defaults_keep_their_source_text_and_types_come_from_annotations_first() -> None:
    """Literals keep their spelling, non-literals their expression;
    annotations win over the literal's type."""
    found = by_key("""
        import os
        from typing import Optional
        import hyperparameter as hp

        @hp.param
        def f(a=1e-3, b=[64, 64], c="adam", d=os.cpu_count(), e: Optional[int] = None,
              g: "float" = 1, h=-5, i=(1, 2), j={"k": 1}, k=True, m=dict(x=1), n={1}):
            pass
    """)
    assert {k: (v.default, v.type_name) for k, v in found.items()} == {
        "f.a": ("1e-3", "float"),
        "f.b": ("[64, 64]", "list"),
        "f.c": ('"adam"', "str"),
        "f.d": ("os.cpu_count()", ""),
        "f.e": ("None", "Optional[int]"),
        "f.g": ("1", "float"),
        "f.h": ("-5", "int"),
        "f.i": ("(1, 2)", "tuple"),
        "f.j": ('{"k": 1}', "dict"),
        "f.k": ("True", "bool"),
        "f.m": ("dict(x=1)", "dict"),
        "f.n": ("{1}", "set"),
    }


def test_a_none_default_has_no_type_unless_annotated() -> None:
    """None says nothing about the type, as the launcher's -lps shows it; an annotation still does."""
    found = by_key("""
        import hyperparameter as hp
        @hp.param
        def f(a=None, b: int = None):
            return hp.scope.f.c | None
    """)
    assert [(found[k].default, found[k].type_name) for k in ("f.a", "f.b", "f.c")] == [
        ("None", ""),
        ("None", "int"),
        ("None", ""),
    ]


def test_a_default_spanning_lines_is_shown_on_one() -> None:
    """A multi-line default is normalised to one line; non-ASCII text is cut by characters, not bytes."""
    found = by_key("""
        import hyperparameter as hp
        @hp.param
        def f(layers=[
            64,
            32,
        ], label="naïve ünïcode", after=2):
            pass
    """)
    assert [found[k].default for k in ("f.layers", "f.label", "f.after")] == [
        "[64, 32]",
        '"naïve ünïcode"',
        "2",
    ]


@pytest.mark.parametrize(
    "docstring",
    [
        ["Args:", "    lr (float): Learning rate.", "    epochs: Passes."],
        ["Parameters", "----------", "lr : float", "    Learning rate.", "epochs : int", "    Passes."],
        [":param lr: Learning rate.", ":param epochs: Passes."],
    ],
    ids=["google", "numpy", "rest"],
)
def test_descriptions_come_from_the_docstring_in_any_style(docstring: list[str]) -> None:
    """Google Args:, NumPy Parameters and reST :param: sections all give each parameter's text."""
    body = "\n".join("    " + line for line in ["Train.", "", *docstring])
    source = (
        'import hyperparameter as hp\n@hp.param("train")\ndef train(lr=0.1, epochs=3, seed=0):\n'
        f'    """{body}\n    """\n'
    )
    found = {f.key: f for f in scan_source(source, "m.py")}
    assert [found[k].description for k in ("train.lr", "train.epochs", "train.seed")] == [
        "Learning rate.",
        "Passes.",
        "",
    ]


def test_class_descriptions_and_trailing_comments() -> None:
    """A class's docstring describes its __init__ parameters;
    a trailing comment describes a default or read."""
    found = by_key('''
        import hyperparameter as hp

        @hp.param
        class Model:
            """A model.

            Args:
                width: Units per layer.
            """
            def __init__(
                self,
                width=8,
                depth=2,  # how many layers
            ):
                self.scale = hp.scope.model.scale | 1.0  # multiplies the output
                self.bias = max(hp.scope.model.bias | 0.0, 1)  # not about bias alone
    ''')
    assert found["Model.width"].description == "Units per layer."
    assert found["Model.depth"].description == "how many layers"
    assert found["model.scale"].description == "multiplies the output"
    assert found["model.bias"].description == ""


# -- dynamic names -------------------------------------------------------------------------------------------


def test_dynamic_namespaces_and_keys_are_reported_as_such() -> None:
    """A namespace or key computed at run time is reported with its expression and dynamic=True."""
    found = scan("""
        import hyperparameter as hp
        NAME = "train"

        @hp.param(NAME)
        def f(lr=0.1):
            pass

        @hp.param(f"jobs.{NAME}")
        def g(steps=1):
            pass

        def read(task, key):
            return hp.scope.config[task].batch_size | 32, hp.scope[key] | 0
    """)
    assert [(f.key, f.namespace, f.dynamic) for f in found] == [
        ("<NAME>.lr", "<NAME>", True),
        ("jobs.<NAME>.steps", "jobs.<NAME>", True),
        ("config.<task>.batch_size", "config.<task>", True),
        ("<key>", "", True),
    ]


# -- files and directories -----------------------------------------------------------------------------------


def test_syntax_errors_raise_from_scan_source() -> None:
    """scan_source reports a file that does not parse as SyntaxError."""
    with pytest.raises(SyntaxError):
        scan_source("import hyperparameter as hp\ndef broken(:\n", "bad.py")


def test_scan_paths_reports_bad_files_in_one_line_and_goes_on(tmp_path: Path) -> None:
    """A syntax error, an undecodable file or a missing path is one error line;
    other files are still scanned."""
    (tmp_path / "a_bad.py").write_text("import hyperparameter as hp\ndef broken(:\n")
    (tmp_path / "b_binary.py").write_bytes(b"import hyperparameter\nx = '\xff\xfe'\n")
    (tmp_path / "c_good.py").write_text("import hyperparameter as hp\nx = hp.scope.a | 1\n")
    result = scan_paths([tmp_path, tmp_path / "missing.py"])
    assert [f.key for f in result.found] == ["a"]
    assert len(result.errors) == 3
    assert result.errors[0] == f"{tmp_path / 'a_bad.py'}:2: syntax error: invalid syntax"
    assert result.errors[1].startswith(f"{tmp_path / 'b_binary.py'}: cannot parse: ")
    assert result.errors[2].startswith(f"{tmp_path / 'missing.py'}: cannot read: ")
    assert all("\n" not in error for error in result.errors)


def test_files_that_only_mention_the_library_are_not_parsed(tmp_path: Path) -> None:
    """A file naming hyperparameter in text but never importing it is skipped, even if it would not parse."""
    (tmp_path / "notes.py").write_text('HELP = "set any hyperparameter"\ndef broken(:\n')
    (tmp_path / "inline.py").write_text("import os; import hyperparameter as hp\nx = hp.scope.a | 1\n")
    result = scan_paths([tmp_path])
    assert [f.key for f in result.found] == ["a"]
    assert result.errors == []


@pytest.mark.parametrize(
    ("first_line", "found"),
    [
        ("import hyperparameter as hp", True),
        ("from hyperparameter import scope as hp_scope; import hyperparameter as hp", True),
        ("import os, hyperparameter as hp", True),
        ("x = 1; import hyperparameter as hp", True),
        ("try: import hyperparameter as hp", True),
        ("from\thyperparameter import scope; import hyperparameter as hp", True),
        ('SEP = "#"; import hyperparameter as hp', True),
        ("import os, \\\n    hyperparameter as hp", True),
        ("import os, \\\r\n    hyperparameter as hp", True),
        ("# import hyperparameter as hp", False),
        ("from hyperparameter_tools import hp", False),
    ],
)
def test_only_files_importing_the_library_are_parsed(tmp_path: Path, first_line: str, found: bool) -> None:
    """A file is scanned when a line imports hyperparameter; a comment or another package is not one."""
    body = "except ImportError: pass\n" if first_line.startswith("try") else ""
    (tmp_path / "m.py").write_text(f"{first_line}\n{body}x = hp.scope.a | 1\n")
    assert [f.key for f in scan_file(tmp_path / "m.py")] == (["a"] if found else [])


@given(
    text=st.text(alphabet=st.sampled_from("ax\u00e9\u4e2d\r\n\t '#"), max_size=40),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-8-sig"]),
)
def test_source_is_decoded_as_python_decodes_it(text: str, encoding: str) -> None:
    """Coding lines, BOMs and every newline style decode as Python's own source decoding does."""
    cookie = "# -*- coding: latin-1 -*-\n" if encoding == "latin-1" else ""
    try:
        data = (cookie + text).encode(encoding)
    except UnicodeEncodeError:
        return
    assert _decode(data) == importlib.util.decode_source(data)


def test_the_scanned_code_is_never_run_or_warned_about(tmp_path: Path) -> None:
    """Scanning executes nothing, and the scanned code's own compile warnings are not raised."""
    module = tmp_path / "explosive.py"
    module.write_text(
        'import hyperparameter as hp\nraise SystemExit("ran")\npattern = "\\d"\nx = hp.scope.a | 1\n'
    )
    assert [f.key for f in scan_file(module)] == ["a"]
    assert "explosive" not in sys.modules


def test_directories_are_walked_skipping_hidden_caches_and_environments(tmp_path: Path) -> None:
    """*.py files are found recursively; hidden dirs, __pycache__, site-packages and venvs are skipped."""
    line = "import hyperparameter as hp\nx = hp.scope.{} | 1\n"
    for relative, key in [
        ("pkg/mod.py", "kept"),
        ("pkg/sub/deep.py", "deep"),
        (".hidden/h.py", "hidden"),
        ("pkg/__pycache__/c.py", "cache"),
        ("venv/lib/site-packages/s.py", "site"),
        ("env/x.py", "venv"),
        ("pkg/notes.txt", "text"),
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(line.format(key))
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    result = scan_paths([tmp_path, tmp_path / "pkg" / "mod.py"])
    assert sorted(f.key for f in result.found) == ["deep", "kept"]
    assert result.errors == []


def test_files_keep_the_path_as_given_and_their_declared_encoding(tmp_path: Path) -> None:
    """Found.path is the path as given, and a latin-1 file with a coding line is read correctly."""
    module = tmp_path / "latin.py"
    module.write_bytes(
        b"# -*- coding: latin-1 -*-\nimport hyperparameter as hp\nx = hp.scope.name | 'caf\xe9'\n"
    )
    (found,) = scan_paths([str(module)]).found
    assert (found.path, found.line, found.default) == (str(module), 3, "'café'")


def test_the_benchmark_tree_is_scanned_whole(tmp_path: Path) -> None:
    """The benchmark's generated modules parse,
    and every pattern in them is found (its timing is not tested)."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scanner.py"
    spec = importlib.util.spec_from_file_location("bench_scanner", script)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_tree(tmp_path, 25)
    result = scan_paths([tmp_path])
    assert result.errors == []
    assert [sum(f.role == role for f in result.found) for role in ("param", "declared", "read")] == [
        150,
        50,
        150,
    ]
    assert {f.key for f in result.found if f.path.endswith("module0007.py")} >= {
        "model7.hidden_size",
        "fit.lr",
        "settings7.workers",
        "inner.momentum",
        "inner.clip",
        "summary.threshold",
    }
