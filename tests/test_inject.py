"""Behaviour of @hp.param: which arguments are filled from the scope, and what the wrapper keeps."""

import asyncio
import functools
import inspect
import pickle
import pydoc
import re
import subprocess
import sys
import threading
import traceback
import types
import warnings
from typing import Callable, Literal, Optional, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp

# -- what can be decorated ----------------------------------------------------------------------------


def test_function_defaults_are_filled_from_the_scope() -> None:
    """A decorated function reads '<namespace>.<parameter>' for each defaulted parameter."""

    @hp.param("fn")
    def train(lr=0.001, batch_size=32, epochs=10):
        return lr, batch_size, epochs

    assert train() == (0.001, 32, 10)
    with hp.scope(**{"fn.lr": 0.01, "fn.epochs": 3}):
        assert train() == (0.01, 32, 3)
    assert train() == (0.001, 32, 10)


def test_method_gets_values_without_injecting_self() -> None:
    """A decorated method is bound normally, self is never injected, and the namespace is its name."""

    class Net:
        @hp.param
        def forward(self, scale=1, bias=0):
            return self, scale, bias

    net = Net()
    assert [p.name for p in Net.forward.__hyperparameter__.parameters] == ["scale", "bias"]
    assert Net.forward.__hyperparameter__.namespace == "forward"
    with hp.scope(**{"forward.scale": 3, "forward.self": "not me"}):
        assert net.forward() == (net, 3, 0)
        assert net.forward(5) == (net, 5, 0)
        assert net.forward(bias=2) == (net, 3, 2)


def test_class_stays_a_class_with_its_init_parameters_injected() -> None:
    """A decorated class is still the same class: instances, subclasses and attributes work."""

    @hp.param("Model")
    class Model:
        arch = "mlp"

        def __init__(self, name, hidden_size=256, dropout=0.1):
            self.name, self.hidden_size, self.dropout = name, hidden_size, dropout

        @classmethod
        def build(cls):
            return cls("built")

    class Bigger(Model):
        arch = "big"

    assert isinstance(Model, type)
    assert Model.arch == "mlp"
    assert list(inspect.signature(Model).parameters) == ["name", "hidden_size", "dropout"]
    with hp.scope(**{"Model.hidden_size": 512}):
        model, bigger, built = Model("m"), Bigger("b"), Model.build()
    assert isinstance(model, Model)
    assert type(model) is Model
    assert (model.name, model.hidden_size, model.dropout) == ("m", 512, 0.1)
    assert isinstance(bigger, Bigger)
    assert isinstance(bigger, Model)
    assert (bigger.arch, bigger.hidden_size) == ("big", 512)
    assert (built.name, built.hidden_size) == ("built", 512)
    assert Model("after").hidden_size == 256


def test_class_namespace_defaults_to_the_class_name() -> None:
    """@hp.param on a class without a namespace uses the class's __name__."""

    @hp.param
    class Encoder:
        def __init__(self, layers=2):
            self.layers = layers

    assert Encoder.__hyperparameter__.namespace == "Encoder"
    with hp.scope(**{"Encoder.layers": 6}):
        assert Encoder().layers == 6


def test_coroutine_function_stays_a_coroutine_function() -> None:
    """A decorated 'async def' is still a coroutine function and its result is awaited as usual."""

    @hp.param("aio")
    async def fetch(retries=1):
        await asyncio.sleep(0)
        return retries

    assert inspect.iscoroutinefunction(fetch)
    with warnings.catch_warnings():
        # asyncio.iscoroutinefunction is deprecated from Python 3.14 on; it must still say True.
        warnings.simplefilter("ignore", DeprecationWarning)
        assert asyncio.iscoroutinefunction(fetch)

    async def main():
        with hp.scope(**{"aio.retries": "4"}):
            return await fetch(), await fetch(retries=2)

    assert asyncio.run(main()) == (4, 2)


def test_coroutine_takes_its_values_when_it_is_called() -> None:
    """A coroutine's arguments come from the scope current at the call, like any argument binding."""

    @hp.param("aio_late")
    async def fetch(retries=1):
        return retries

    async def main():
        made_outside = fetch()
        with hp.scope(**{"aio_late.retries": 5}):
            inside = await made_outside
            made_inside = fetch()
        return inside, await made_inside

    assert asyncio.run(main()) == (1, 5)


def test_generator_function_stays_a_generator_function() -> None:
    """A decorated generator function is still one and yields the injected values."""

    @hp.param("gen")
    def count(n=2):
        yield from range(n)

    assert inspect.isgeneratorfunction(count)
    with hp.scope(**{"gen.n": "3"}):
        assert list(count()) == [0, 1, 2]
    assert list(count()) == [0, 1]


def test_generator_send_throw_and_close_reach_the_wrapped_generator() -> None:
    """send(), throw() and close() on a decorated generator act on the original one."""
    events = []

    @hp.param("gen_protocol")
    def echo(prefix="got"):
        try:
            while True:
                try:
                    received = yield "ready"
                    events.append(f"{prefix} {received}")
                except ValueError as error:
                    events.append(f"caught {error}")
        finally:
            events.append("closed")

    with hp.scope(**{"gen_protocol.prefix": "saw"}):
        generator = echo()
        assert next(generator) == "ready"
        assert generator.send("a") == "ready"
        assert generator.throw(ValueError("boom")) == "ready"
        generator.close()
        assert events == ["saw a", "caught boom", "closed"]
    assert events == ["saw a", "caught boom", "closed"]


def test_generator_return_value_reaches_yield_from() -> None:
    """The value a decorated generator returns is the value of 'yield from' in its caller."""

    @hp.param("gen_return")
    def produce(total=2):
        yield "working"
        return total * 10

    def delegate():
        result = yield from produce()
        yield result

    with hp.scope(**{"gen_return.total": 4}):
        assert list(delegate()) == ["working", 40]


def test_async_generator_function_stays_an_async_generator_function() -> None:
    """A decorated async generator function is still one and yields the injected values."""

    @hp.param("agen")
    async def ticks(n=2):
        for i in range(n):
            yield i

    assert inspect.isasyncgenfunction(ticks)

    async def main():
        with hp.scope(**{"agen.n": 3}):
            return [i async for i in ticks()]

    assert asyncio.run(main()) == [0, 1, 2]


def test_async_generator_asend_athrow_and_aclose_reach_the_wrapped_generator() -> None:
    """asend(), athrow() and aclose() on a decorated async generator act on the original one."""
    events = []

    @hp.param("agen_protocol")
    async def echo(prefix="got"):
        try:
            while True:
                try:
                    received = yield "ready"
                    events.append(f"{prefix} {received}")
                except ValueError as error:
                    events.append(f"caught {error}")
        finally:
            events.append("closed")

    async def main():
        with hp.scope(**{"agen_protocol.prefix": "saw"}):
            generator = echo()
            assert await generator.asend(None) == "ready"
            assert await generator.asend("a") == "ready"
            assert await generator.athrow(ValueError("boom")) == "ready"
            await generator.aclose()
            # Checked before the loop shuts down, which would finalise a leaked generator anyway.
            assert events == ["saw a", "caught boom", "closed"]

    asyncio.run(main())
    assert events == ["saw a", "caught boom", "closed"]


def test_async_generator_exception_it_does_not_catch_propagates() -> None:
    """An exception thrown into a decorated async generator that does not catch it comes back out."""

    @hp.param("agen_raise")
    async def ticks(n=2):
        yield n

    async def main():
        generator = ticks()
        assert await generator.asend(None) == 2
        with pytest.raises(KeyError, match="thrown"):
            await generator.athrow(KeyError("thrown"))
        with pytest.raises(StopAsyncIteration):
            await generator.asend(None)

    asyncio.run(main())


def _generator(n=1):
    yield n


async def _coroutine(n=1):
    return n


async def _async_generator(n=1):
    yield n


@pytest.mark.parametrize(
    ("function"),
    [_generator, _coroutine, _async_generator],
    ids=["generator", "coroutine", "async-generator"],
)
def test_unknown_argument_raises_type_error_at_the_call(function) -> None:
    """A decorated generator or coroutine function given an unknown argument raises TypeError at once."""
    with pytest.raises(TypeError):
        function(unknown=1).close()  # undecorated, the call itself raises
    decorated = hp.param("bad_call")(function)
    try:
        made = decorated(unknown=1)
    except TypeError:
        return
    if inspect.iscoroutine(made) or inspect.isgenerator(made):
        made.close()  # no "never awaited" warning from the failed check
    pytest.fail("the call returned without raising TypeError")


def test_static_method_stays_static() -> None:
    """@hp.param on a staticmethod, above or below @staticmethod, never receives the instance."""

    class Holder:
        @hp.param("static")
        @staticmethod
        def outer(x=1):
            return x

        @staticmethod
        @hp.param("static")
        def inner(x=1):
            return x

    holder = Holder()
    with hp.scope(**{"static.x": 5}):
        assert (Holder.inner(), holder.inner(), holder.inner(2)) == (5, 5, 2)
        assert (Holder.outer(), holder.outer(), holder.outer(2)) == (5, 5, 2)


def test_keyword_only_parameters_are_injected() -> None:
    """Keyword-only parameters with defaults are filled from the scope unless passed."""

    @hp.param("kwonly")
    def run(data, *, workers=1, verbose=False):
        return data, workers, verbose

    with hp.scope(**{"kwonly.workers": "8", "kwonly.verbose": "yes"}):
        assert run("d") == ("d", 8, True)
        assert run("d", workers=2) == ("d", 2, True)


def test_positional_only_parameters_with_defaults_are_injected() -> None:
    """Positional-only parameters with defaults are filled from the scope unless passed."""

    @hp.param("posonly")
    def run(data, size=1, /, step=10):
        return data, size, step

    with hp.scope(**{"posonly.size": "5", "posonly.step": 20}):
        assert run("d") == ("d", 5, 20)
        assert run("d", 2) == ("d", 2, 20)
        assert run("d", 2, 3) == ("d", 2, 3)
    assert run("d") == ("d", 1, 10)


def test_all_positional_only_parameters_are_injected() -> None:
    """Several defaulted positional-only parameters are filled from the first one left out."""

    @hp.param("posonly_all")
    def run(a=1, b=2, /):
        return a, b

    with hp.scope(**{"posonly_all.a": 7, "posonly_all.b": 8}):
        assert run() == (7, 8)
        assert run(0) == (0, 8)
        assert run(0, 0) == (0, 0)


def test_required_parameters_are_never_injected() -> None:
    """A parameter without a default is left to the caller, even when the scope has its key."""

    @hp.param("req")
    def run(data, size=1):
        return data, size

    assert [p.name for p in run.__hyperparameter__.parameters] == ["size"]
    with hp.scope(**{"req.data": "from scope", "req.size": 2}):
        with pytest.raises(TypeError, match="data"):
            run()
        assert run("given") == ("given", 2)


# -- namespace ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("namespace", "key"),
    [("ns", "ns.lr"), ("myapp.config.train", "myapp.config.train.lr"), ("a-b_c.d1", "a-b_c.d1.lr")],
)
def test_given_namespace_prefixes_every_key(namespace: str, key: str) -> None:
    """The namespace given to @hp.param, dotted or not, prefixes the parameter name."""

    @hp.param(namespace)
    def train(lr=0.001):
        return lr

    assert [p.key for p in train.__hyperparameter__.parameters] == [key]
    with hp.scope(**{key: 0.5}):
        assert train() == 0.5


def test_namespace_defaults_to_the_function_name() -> None:
    """Without a namespace the function's __name__ is used."""

    @hp.param
    def my_function(x=1):
        return x

    assert my_function.__hyperparameter__.namespace == "my_function"
    with hp.scope(**{"my_function.x": 2}):
        assert my_function() == 2


@pytest.mark.parametrize(("namespace"), ["a..b", "", ".a", "a.", "a b", "a=b", "a[0]", "a,b"])
def test_invalid_namespace_is_rejected_when_decorating(namespace: str) -> None:
    """An invalid namespace raises InvalidKeyError naming it at decoration, not at the first call."""
    decorate = hp.param(namespace)

    def run(x=1):
        return x

    with pytest.raises(hp.InvalidKeyError) as raised:
        decorate(run)
    assert repr(namespace) in str(raised.value)


# -- priority and conversion -----------------------------------------------------------------------------


def test_explicit_keyword_beats_scope_beats_default() -> None:
    """A keyword argument wins over the scope, and the scope wins over the default."""

    @hp.param("prio")
    def train(lr=0.001, epochs=10):
        return lr, epochs

    with hp.scope(**{"prio.lr": 0.01, "prio.epochs": 5}):
        assert train(lr=0.1) == (0.1, 5)
        assert train(lr=None) == (None, 5)
        assert train() == (0.01, 5)
    assert train() == (0.001, 10)


def test_explicit_positional_arguments_never_clash_with_scope_values() -> None:
    """Positional arguments win over the scope with no 'multiple values' TypeError."""

    @hp.param("prio_pos")
    def run(a, b=2, c=3):
        return a, b, c

    with hp.scope(**{"prio_pos.b": 20, "prio_pos.c": 30}):
        assert run(1, 3) == (1, 3, 30)
        assert run(1, 3, 4) == (1, 3, 4)
        assert run(1) == (1, 20, 30)
        assert run(1, c=5) == (1, 20, 5)


def test_star_args_and_kwargs_pass_through() -> None:
    """Extra positional and keyword arguments reach *args and **kwargs untouched."""

    @hp.param("star")
    def run(a=1, *rest, flag=False, **options):
        return a, rest, flag, options

    with hp.scope(**{"star.a": 9, "star.flag": "on"}):
        assert run() == (9, (), True, {})
        assert run(1, 2, 3, x=4) == (1, (2, 3), True, {"x": 4})
        assert run(1, 2, 3) == (1, (2, 3), True, {})
        assert run(flag=False) == (9, (), False, {})


def test_a_call_without_arguments_gets_exactly_what_python_would_pass() -> None:
    """Parameters the scope leaves alone get their own default objects, whatever the scope sets."""
    shared: list[int] = []

    @hp.param("gaps")
    def run(a=1, b=shared, c=3, *, d=4):
        return a, b, c, d

    with hp.scope(**{"gaps.c": 30}):
        a, b, c, d = run()
        assert (a, b, c, d) == (1, [], 30, 4)
        assert b is shared
    with hp.scope(**{"gaps.d": 40}):
        assert run() == (1, [], 3, 40)
    with hp.scope(**{"gaps.a": 10, "gaps.d": "41"}):
        assert run() == (10, [], 3, 41)


def test_calls_with_some_positional_arguments_get_the_rest_from_the_scope() -> None:
    """Each number of positional arguments is completed on its own, explicit ones winning."""

    @hp.param("some")
    def run(data, lr=0.1, batch=32, *, seed=0):
        return data, lr, batch, seed

    with hp.scope(**{"some.batch": "64", "some.seed": 7}):
        assert run("d") == ("d", 0.1, 64, 7)
        assert run("d", 0.5) == ("d", 0.5, 64, 7)
        assert run("d", 0.5, 16) == ("d", 0.5, 16, 7)
        assert run("d", seed=1) == ("d", 0.1, 64, 1)
    with hp.scope(**{"some.lr": 0.2}):
        assert run("d") == ("d", 0.2, 32, 0)
        assert run("d", 0.5) == ("d", 0.5, 32, 0)


def test_parameters_the_scope_leaves_alone_get_the_functions_own_defaults() -> None:
    """Python fills them, from the function's defaults at call time, never from a copy."""

    def plain(a=1, b=2, c=3):
        return a, b, c

    run = hp.param("own")(plain)
    plain.__defaults__ = (10, 20, 30)
    with hp.scope(**{"own.c": 99}):
        assert run() == (10, 20, 99)
        assert run(0) == (0, 20, 99)

    sentinel = object()

    def shown(a=sentinel, b=0):
        return a, b

    shown.__signature__ = inspect.signature(shown).replace(  # type: ignore[attr-defined]
        parameters=[
            inspect.Parameter("a", inspect.Parameter.POSITIONAL_OR_KEYWORD, default="<auto>"),
            inspect.Parameter("b", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=0),
        ]
    )
    with hp.scope(**{"shown.b": 5}):
        assert hp.param(shown)() == (sentinel, 5)


def test_class_and_static_methods_called_positionally_get_scope_values() -> None:
    """Positional calls of class and static methods are completed like those of functions."""

    class Tool:
        @classmethod
        @hp.param("tool")
        def make(cls, name, size=1, depth=2):
            return cls.__name__, name, size, depth

        @staticmethod
        @hp.param("tool")
        def check(name, size=1, depth=2):
            return name, size, depth

    with hp.scope(**{"tool.depth": "5"}):
        assert Tool.make("x") == ("Tool", "x", 1, 5)
        assert Tool.make("x", 3) == ("Tool", "x", 3, 5)
        assert Tool.check("y") == ("y", 1, 5)
        assert Tool().check("y", 4, 6) == ("y", 4, 6)


def test_a_missing_required_argument_is_the_usual_type_error() -> None:
    """Scope values never stand in for a parameter without a default."""

    @hp.param("needs")
    def run(data, lr=0.1):
        return data, lr

    with hp.scope(**{"needs.lr": 0.5, "needs.data": "d"}), pytest.raises(TypeError, match="data"):
        run()


@pytest.mark.parametrize(
    ("stored", "default", "expected"),
    [
        ("64", 32, 64),
        ("false", True, False),
        ("yes", False, True),
        ("0.5", 0.1, 0.5),
        ("3.5", 1, 3.5),
        (7, "name", "7"),
        ("raw", None, "raw"),
        ("64", None, "64"),
    ],
)
def test_scope_values_take_the_type_of_the_default(stored: object, default: object, expected: object) -> None:
    """A scope value is converted to the default's type; a None default passes it as stored."""

    @hp.param("conv")
    def run(value=default):
        return value

    with hp.scope(**{"conv.value": stored}):
        result = run()
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("call"), ["keyword", "positional_only", "keyword_only", "method"])
def test_bad_scope_value_raises_conversion_error_naming_key_value_and_type(call: str) -> None:
    """An unconvertible scope value raises ConversionError (a ValueError) naming the key, value and type."""

    @hp.param("bad")
    def keyword(n=1):
        return n

    @hp.param("bad")
    def positional_only(n=1, /):
        return n

    @hp.param("bad")
    def keyword_only(*, n=1):
        return n

    class Holder:
        @hp.param("bad")
        def method(self, n=1):
            return n

    run = {
        "keyword": keyword,
        "positional_only": positional_only,
        "keyword_only": keyword_only,
        "method": Holder().method,
    }[call]
    with hp.scope(**{"bad.n": "abc"}), pytest.raises(hp.ConversionError) as raised:
        run()
    assert isinstance(raised.value, ValueError)
    message = str(raised.value)
    assert "'bad.n'" in message
    assert "'abc'" in message
    assert "int" in message


# -- the memo of scope values -------------------------------------------------------------------------------


def test_injected_values_follow_every_scope_change_in_a_loop() -> None:
    """Repeated calls give the right values inside a scope, in another scope, after writes and after exit."""

    @hp.param("memo")
    def run(x=1, y="a"):
        return x, y

    seen = []
    for _ in range(3):
        seen.append(run())
        with hp.scope(**{"memo.x": 2}) as outer:
            seen.extend(run() for _ in range(3))
            with hp.scope(**{"memo.y": "b"}):
                seen.extend(run() for _ in range(3))
            seen.append(run())
            hp.scope.memo.x = 3
            seen.append(run())
            outer.update({"memo.y": "c"})
            seen.append(run())
        with hp.scope(**{"memo.x": 4}):
            seen.append(run())
        seen.append(run())
    expected = [(1, "a"), *[(2, "a")] * 3, *[(2, "b")] * 3, (2, "a"), (3, "a"), (3, "c"), (4, "a"), (1, "a")]
    assert seen == expected * 3


def test_injected_values_inside_a_suspended_generator_stay_inside_it() -> None:
    """A generator's scope feeds calls made while it runs, never the caller's calls while it is suspended."""

    @hp.param("memo_gen")
    def run(x=1):
        return x

    def scoped():
        with hp.scope(**{"memo_gen.x": 2}):
            yield run()
            yield run()

    generator = scoped()
    seen = [next(generator), run(), run(), next(generator), run()]
    generator.close()
    assert seen == [2, 1, 1, 2, 1]
    assert run() == 1


def test_injected_values_are_per_thread() -> None:
    """A call in another thread does not see, nor disturb, the values of the caller's scope."""

    @hp.param("memo_thread")
    def run(x=1):
        return x

    seen = {}

    def worker():
        with hp.scope(**{"memo_thread.x": 20}):
            seen["worker_inner"] = run()
        seen["worker"] = run()

    with hp.scope(**{"memo_thread.x": 10}):
        assert run() == 10
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert run() == 10
    assert seen == {"worker_inner": 20, "worker": 1}
    assert run() == 1


class _Opaque:
    """An object of a type the conversion rules do not know."""


@pytest.mark.parametrize(
    ("stored", "default"),
    [(["shared"], None), (["shared"], []), ({"shared"}, set()), (_Opaque(), None), (_Opaque(), _Opaque())],
    ids=["list-none", "list-list", "set-set", "object-none", "object-object"],
)
def test_stored_mutable_object_is_passed_as_is(stored: object, default: object) -> None:
    """A stored object is passed itself, not a copy, on every call."""

    @hp.param("mutable")
    def run(value=default):
        return value

    with hp.scope(**{"mutable.value": stored}):
        assert run() is stored
        assert run() is stored


def test_callee_mutating_its_kwargs_does_not_leak_into_the_next_call() -> None:
    """Each call receives fresh keyword arguments even when the values are remembered."""

    @hp.param("memo_kwargs")
    def run(x=1, **extra):
        extra["x_seen"] = x
        return x, dict(extra)

    with hp.scope(**{"memo_kwargs.x": 2}):
        assert run() == (2, {"x_seen": 2})
        assert run(x=5) == (5, {"x_seen": 5})
        assert run() == (2, {"x_seen": 2})


# -- what the wrapper keeps --------------------------------------------------------------------------------


def test_wrapper_keeps_signature_name_doc_and_wrapped() -> None:
    """The decorated function shows the original signature, name, docstring and __wrapped__."""

    def train(data, lr: float = 0.001, *, epochs: int = 10) -> float:
        """Train a model on data."""
        return lr

    decorated = hp.param("keep")(train)
    assert inspect.signature(decorated) == inspect.signature(train)
    assert decorated.__name__ == "train"
    assert decorated.__qualname__ == train.__qualname__
    assert decorated.__doc__ == "Train a model on data."
    assert decorated.__wrapped__ is train
    page = pydoc.render_doc(decorated, renderer=pydoc.plaintext)
    assert "Train a model on data." in page
    assert "lr: float = 0.001" in page


def test_param_info_describes_namespace_and_parameters() -> None:
    """__hyperparameter__ is a ParamInfo giving each injectable parameter's name, key, default, annotation."""

    def train(data, lr: float = 0.001, *, tags: Optional[list] = None, seed=0):
        return data

    decorated = hp.param("info.train")(train)
    info = decorated.__hyperparameter__
    assert isinstance(info, hp.ParamInfo)
    assert info.namespace == "info.train"
    assert info.function is train
    assert info.parameters == (
        hp.InjectedParameter("lr", "info.train.lr", 0.001, float),
        hp.InjectedParameter("tags", "info.train.tags", None, Optional[list]),
        hp.InjectedParameter("seed", "info.train.seed", 0, inspect.Parameter.empty),
    )


def test_class_param_info_describes_init_parameters() -> None:
    """A decorated class's __hyperparameter__ lists its __init__ parameters under the class namespace."""

    @hp.param("model.cfg")
    class Model:
        def __init__(self, hidden: int = 8):
            self.hidden = hidden

    info = Model.__hyperparameter__
    assert isinstance(info, hp.ParamInfo)
    assert info.namespace == "model.cfg"
    assert info.parameters == (hp.InjectedParameter("hidden", "model.cfg.hidden", 8, int),)


# -- decorator forms ---------------------------------------------------------------------------------------


def _bare(x=1):
    return x


@pytest.mark.parametrize(
    ("decorate", "namespace"),
    [
        (hp.param, "_bare"),
        (hp.param(), "_bare"),
        (hp.param(None), "_bare"),
        (hp.param("form"), "form"),
        (hp.auto_param, "_bare"),
        (hp.auto_param("form"), "form"),
    ],
    ids=["bare", "empty-call", "none", "named", "auto_param-bare", "auto_param-named"],
)
def test_every_decorator_form_injects(decorate, namespace: str) -> None:
    """@hp.param, @hp.param(), @hp.param('ns') and the alias hp.auto_param all inject."""
    decorated = decorate(_bare)
    assert decorated.__hyperparameter__.namespace == namespace
    with hp.scope(**{f"{namespace}.x": 5}):
        assert decorated() == 5


def test_auto_param_is_param() -> None:
    """hp.auto_param is the older name of hp.param, the very same function."""
    assert hp.auto_param is hp.param


@pytest.mark.parametrize(
    ("decorate", "target"),
    [
        (hp.param, 42),
        (hp.param, 3.5),
        (hp.param(), 42),
        (hp.param(), "not callable"),
        (hp.param(), None),
        (hp.param("ns"), 42),
        (hp.param("ns"), "not callable"),
        (hp.param("ns"), None),
    ],
    ids=[
        "bare-int",
        "bare-float",
        "call-int",
        "call-str",
        "call-none",
        "named-int",
        "named-str",
        "named-none",
    ],
)
def test_decorating_a_non_callable_raises_type_error(decorate, target: object) -> None:
    """Decorating something that is neither a function nor a class raises TypeError naming it."""
    with pytest.raises(TypeError, match=re.escape(repr(target))):
        decorate(target)


# -- nothing of an ended block stays alive -----------------------------------------------------------


class _Weighty:
    """A value whose lifetime a weak reference can watch."""


def _call_in_block(forward, weights):
    with hp.scope(**{"net.weights": weights, "net.depth": "3"}):
        assert forward() is weights
        assert forward(None, 2) is None


def _call_after_writes(forward, weights):
    with hp.scope():
        hp.scope.net.weights = weights
        assert forward() is weights
        hp.scope.net.depth = 4
        assert forward() is weights


def _call_through_bind_scope_after_the_block(forward, weights):
    with hp.scope(**{"net.weights": weights}):
        bound = hp.bind_scope(forward)
    assert bound() is weights


def _call_in_an_unordered_exit(forward, weights):
    def generator():
        with hp.scope(**{"net.weights": weights}):
            assert forward() is weights
            yield
            assert forward() is weights

    it = generator()
    next(it)
    with hp.scope(other=1):
        next(it, None)


@pytest.mark.parametrize(
    "run",
    [
        _call_in_block,
        _call_after_writes,
        _call_through_bind_scope_after_the_block,
        _call_in_an_unordered_exit,
    ],
)
def test_decorated_call_keeps_nothing_of_an_ended_block_alive(run) -> None:
    """After a block ends, the values a decorated function was called with there are freed."""
    import gc
    import weakref

    @hp.param("net")
    def forward(weights=None, depth=1):
        return weights

    weights = _Weighty()
    watch = weakref.ref(weights)
    run(forward, weights)
    del weights
    gc.collect()
    assert watch() is None
    assert forward() is None


# -- parameters whose annotation names another type than their default ------------------------------


@hp.param("wide")
def _wide(
    bs: "Union[int, Literal['auto']]" = "auto",
    choice: "Literal[1, 'auto']" = "auto",
    either: "Union[int, str]" = 3,
    maybe: Optional[int] = None,
    rate: float = 1,
    plain: int = 0,
) -> tuple[object, ...]:
    return bs, choice, either, maybe, rate, plain


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"wide.bs": "32"}, (32, "auto", 3, None, 1, 0)),
        ({"wide.bs": 32, "wide.choice": "1"}, (32, 1, 3, None, 1, 0)),
        ({"wide.either": "abc"}, ("auto", "auto", "abc", None, 1, 0)),
        ({"wide.either": "2.5"}, ("auto", "auto", "2.5", None, 1, 0)),
        ({"wide.maybe": "4", "wide.rate": "2"}, ("auto", "auto", 3, 4, 2.0, 0)),
        ({"wide.maybe": "None", "wide.rate": 2}, ("auto", "auto", 3, None, 2.0, 0)),
        ({"wide.plain": "3.5"}, ("auto", "auto", 3, None, 1, 3.5)),
    ],
)
def test_a_parameter_annotated_wider_than_its_default_reads_by_its_annotation(
    values: dict[str, object], expected: tuple[object, ...]
) -> None:
    """Union, Literal and Optional parameters read text by the annotation, plain ones by the default."""
    with hp.scope(**values):
        result = _wide()
    assert result == expected
    assert [type(item) for item in result] == [type(item) for item in expected]


def test_text_an_annotation_refuses_is_a_conversion_error_naming_the_key() -> None:
    """'abc' for Optional[int] is a ConversionError naming the key, not a string handed to the function."""
    with (
        hp.scope(**{"wide.maybe": "abc"}),
        pytest.raises(hp.ConversionError, match=re.escape("'wide.maybe'")),
    ):
        _wide()


def test_an_annotation_the_table_cannot_read_keeps_the_values_as_given() -> None:
    """A parameter annotated Optional[Callable] takes a function from the scope as it is."""

    @hp.param("cb")
    def run(callback: "Optional[Callable[[int], int]]" = None) -> object:
        return callback

    with hp.scope(**{"cb.callback": abs}):
        assert run() is abs


# -- the wrapper written for a plain function ----------------------------------------------------------------


def _every_kind(a, b=1, /, c=2, *args, d, e=3, **kw):
    return a, b, c, args, d, e, kw


_DECORATED_EVERY_KIND = hp.param("kinds")(_every_kind)
_SMALL = st.integers(min_value=-3, max_value=3)


@given(
    positional=st.lists(_SMALL, max_size=5),
    keywords=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "x"]), _SMALL),
    scope=st.dictionaries(st.sampled_from(["b", "c", "e"]), _SMALL),
)
def test_a_call_binds_as_the_function_with_the_scopes_values_as_defaults(
    positional: list[int], keywords: dict[str, int], scope: dict[str, int]
) -> None:
    """A call answers, or fails with the same message, as the function with the scope's values as defaults."""
    oracle = types.FunctionType(
        _every_kind.__code__, globals(), "_every_kind", (scope.get("b", 1), scope.get("c", 2))
    )
    oracle.__kwdefaults__ = {"e": scope.get("e", 3)}
    oracle.__qualname__ = _every_kind.__qualname__
    try:
        expected: object = oracle(*positional, **keywords)
    except TypeError as error:
        expected = str(error)
    with hp.scope(**{f"kinds.{name}": value for name, value in scope.items()}):
        try:
            result: object = _DECORATED_EVERY_KIND(*positional, **keywords)
        except TypeError as error:
            result = str(error)
    assert result == expected


def test_a_parameter_named_like_the_wrappers_own_variables_is_injected() -> None:
    """A function whose parameters take names the written wrapper uses gets the general one, injected too."""

    @hp.param("own_names")
    def run(_hp_level=1, _get_current=2):
        return _hp_level, _get_current

    with hp.scope(**{"own_names._hp_level": 10}):
        assert run() == (10, 2)
        assert run(_get_current=5) == (10, 5)


def test_keyword_only_parameters_the_scope_leaves_alone_get_the_functions_own_defaults() -> None:
    """A keyword-only parameter gets the default the function holds when the block starts."""

    @hp.param("own_kw")
    def run(*, a=1, b=2):
        return a, b

    run.__wrapped__.__kwdefaults__ = {"a": 10, "b": 20}
    with hp.scope(**{"own_kw.b": 5}):
        assert run() == (10, 5)


def test_a_traceback_through_a_decorated_call_names_the_function() -> None:
    """The wrapper's frame in a traceback carries the decorated function's name."""

    @hp.param("traced")
    def failing(n=1):
        raise RuntimeError(n)

    with pytest.raises(RuntimeError) as caught:
        failing()
    names = [(frame.name, frame.filename) for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert names[-2:] == [
        (
            "failing",
            "<@hp.param test_a_traceback_through_a_decorated_call_names_the_function.<locals>.failing>",
        ),
        ("failing", __file__),
    ]


def test_a_decorated_function_sent_by_value_reads_the_scope_where_it_arrives() -> None:
    """cloudpickle (as Ray and Dask send a script's functions) ships a decorated function, not its levels."""
    cloudpickle = pytest.importorskip("cloudpickle")

    @hp.param("sent")
    def written(x, lr=0.1, *, k=1):
        return x * lr * k

    with hp.scope(**{"sent.lr": 2.0}):
        assert written(1) == 2.0  # the binder now remembers this block's level
        data = cloudpickle.dumps(written)
    assert b"Level" not in data
    script = (
        "import pickle, sys\n"
        "import hyperparameter as hp\n"
        "run = pickle.loads(sys.stdin.buffer.read())\n"
        "with hp.scope(**{'sent.lr': 3.0, 'sent.k': 2}):\n"
        "    print(run(1), run(1, 0.5))\n"
        "print(run(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, check=True)
    assert done.stdout.decode().split() == ["6.0", "1.0", "0.1"]


def test_every_kind_of_decorated_function_survives_cloudpickle() -> None:
    """A general wrapper and a decorated generator function sent by value read the scope they run in."""
    cloudpickle = pytest.importorskip("cloudpickle")

    def shown(x, lr=0.1):
        return x * lr

    general = hp.param("sent")(functools.wraps(shown)(lambda *args, **kwargs: shown(*args, **kwargs)))

    @hp.param("sent")
    def generator(lr=0.1):
        yield lr

    general_copy, generator_copy = pickle.loads(cloudpickle.dumps((general, generator)))
    with hp.scope(**{"sent.lr": 4.0}):
        assert general_copy(2) == 8.0
        assert list(generator_copy()) == [4.0]
    assert list(generator_copy()) == [0.1]


def test_functions_of_one_shape_share_one_compiled_wrapper_under_their_own_names() -> None:
    """Internals: decorating compiles once per shape of parameters; each wrapper binds by its own names."""
    from hyperparameter import _inject_code

    def first(data, lr=0.1, *, epochs=10):
        return data, lr, epochs

    def second(rows, rate=0.5, *, epochs=3):
        return rows, rate, epochs

    before = _inject_code._maker.cache_info()
    wrapped = [hp.param("one")(first), hp.param("two")(second)]
    after = _inject_code._maker.cache_info()
    assert after.misses - before.misses <= 1  # the second function's shape was compiled already
    assert after.hits - before.hits >= 1
    with hp.scope(**{"one.lr": 0.2, "two.epochs": 5}):
        assert wrapped[0](data=1) == (1, 0.2, 10)
        assert wrapped[1](rows=2, rate=0.7) == (2, 0.7, 5)
        with pytest.raises(TypeError, match="got an unexpected keyword argument 'data'"):
            wrapped[1](data=2)
