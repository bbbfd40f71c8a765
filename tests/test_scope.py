"""Behaviour of hp.scope: building, reading, writing, nesting and rollback."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator

import pytest

import hyperparameter as hp


class TestBuild:
    def test_keywords_strings_mappings_and_nested_dicts_all_build_a_scope(self) -> None:
        """Every way of building a scope gives the same dotted keys."""
        built = hp.scope("train.lr=0.1", {"model": {"hidden": 256}}, **{"data.path": "/d"}, seed=1)
        assert dict(built) == {"train.lr": "0.1", "model.hidden": 256, "data.path": "/d", "seed": 1}

    def test_string_assignment_splits_on_first_equals_and_strips_the_key(self) -> None:
        """'k=v' splits on the first '='; the key is stripped, the value kept as written."""
        assert dict(hp.scope.empty(" expr = a=b ")) == {"expr": " a=b "}

    def test_string_values_stay_strings_until_read_with_a_default(self) -> None:
        """A value from 'k=v' is a string, converted only when read with a default."""
        with hp.scope("train.lr=0.1"):
            assert hp.scope.train.lr() == "0.1"
            assert hp.scope.train.lr | 0.5 == 0.1

    def test_unentered_scope_reads_its_own_values(self) -> None:
        """A scope object that was never entered still answers with its own values."""
        ps = hp.scope(a="a")
        assert ps.a() == "a"
        assert ps.b | "default" == "default"
        assert hp.scope.a | "outside" == "outside"

    def test_unentered_scope_sees_the_values_around_it(self) -> None:
        """A fresh scope shows what entering it would show: the current values plus its own."""
        with hp.scope(outer=1):
            assert dict(hp.scope(inner=2)) == {"outer": 1, "inner": 2}

    def test_a_scope_accepts_a_mapping_positionally(self) -> None:
        """hp.scope(mapping) uses the mapping's (nested) keys."""
        with hp.scope({"train": {"lr": 0.3}}):
            assert hp.scope.train.lr | 0.1 == 0.3


class TestRead:
    @pytest.mark.parametrize(("stored"), [None, False, 0, "", [], 0.0])
    def test_falsy_stored_values_are_values_not_misses(self, stored: object) -> None:
        """None, False, 0 and empty values are returned, not replaced by the default."""
        with hp.scope(**{"k": stored}):
            assert hp.scope.k(None) is stored
            assert hp.scope.k() is stored
            assert (hp.scope.k | type(stored)()) == stored if stored is not None else True
            assert "k" in hp.scope

    def test_none_is_returned_even_with_a_typed_default(self) -> None:
        """A stored None is returned as None whatever the default."""
        with hp.scope(k=None):
            assert hp.scope.k | 5 is None

    def test_three_read_forms_agree(self) -> None:
        """| default, (default) and () read the same value."""
        with hp.scope(**{"a.b": 7}):
            assert (hp.scope.a.b | 0, hp.scope.a.b(0), hp.scope.a.b()) == (7, 7, 7)

    def test_missing_required_value_raises_keyerror_naming_the_key(self) -> None:
        """hp.scope.x.y() without a value raises a KeyError that names 'x.y'."""
        with pytest.raises(KeyError, match=r"'x\.y'") as raised:
            hp.scope.x.y()
        assert isinstance(raised.value, hp.MissingParameterError)
        assert raised.value.key == "x.y"

    def test_item_access_gives_the_same_accessor_as_attributes(self) -> None:
        """hp.scope['a.b'], ps['a.b'] and getattr give the same readings."""
        with hp.scope(**{"a.b": 1}) as ps:
            assert hp.scope["a.b"] | 0 == 1
            assert ps["a.b"] | 0 == 1
            assert hp.scope.a.b | 0 == 1
            assert hp.scope.a["b"] | 0 == 1

    def test_accessors_named_without_limit_cache_a_bounded_number(self) -> None:
        """Reading ever new attribute names through hp.scope or an accessor grows no cache without limit."""
        from hyperparameter._accessor import CHILD_LIMIT

        parent = hp.scope.many
        with hp.scope(**{"many.k9999": 1, "k9999": 2}):
            for i in range(CHILD_LIMIT + 2000):
                getattr(parent, f"k{i}") | 0
                getattr(hp.scope, f"k{i}") | 0
            assert (parent.k9999 | 0, hp.scope.k9999 | 0) == (1, 2)
        assert len(vars(parent)) <= CHILD_LIMIT
        assert len(vars(hp.scope)) <= CHILD_LIMIT

    def test_partial_accessor_is_reusable(self) -> None:
        """An accessor kept in a variable names longer keys each time."""
        t = hp.scope.train
        with hp.scope(**{"train.lr": 0.5, "train.bs": 64}):
            assert (t.lr | 0.1, t.bs | 32, t.lr | 0.1) == (0.5, 64, 0.5)
        assert (t.lr | 0.1, t.bs | 32) == (0.1, 32)

    @pytest.mark.parametrize(
        ("key"), ["keys.x", "update", "clear.y", "storage", "current", "empty", "frozen", "init"]
    )
    def test_keys_named_like_methods_are_readable_by_item(self, key: str) -> None:
        """Keys colliding with method names are set and read through hp.scope['...']."""
        with hp.scope(**{key: 5}) as ps:
            assert hp.scope[key] | 0 == 5
            assert ps[key] | 0 == 5

    def test_keys_starting_with_underscore_are_readable_by_item(self) -> None:
        """A key segment starting with '_' is read through item access."""
        with hp.scope(**{"_private.x": 1}):
            assert hp.scope["_private.x"] | 0 == 1
            with pytest.raises(AttributeError):
                hp.scope._private  # noqa: B018

    def test_an_accessor_has_no_truth_value(self) -> None:
        """`if hp.scope.flag:` is an error instead of always being true."""
        with pytest.raises(TypeError, match="flag"):
            bool(hp.scope.flag)

    def test_accessor_repr_shows_key_and_value(self) -> None:
        """The repr of an accessor names its key and its current value."""
        with hp.scope(**{"a.b": 1}):
            assert repr(hp.scope.a.b) == "<hyperparameter 'a.b' = 1>"
        assert repr(hp.scope.a.b) == "<hyperparameter 'a.b' (not set)>"


class TestWrite:
    def test_attribute_write_goes_to_the_innermost_scope_and_rolls_back(self) -> None:
        """hp.scope.a.b = v is visible in the block and gone after it."""
        with hp.scope(a=1):
            with hp.scope():
                hp.scope.x.y = 2
                assert hp.scope.x.y | 0 == 2
            assert hp.scope.x.y | 0 == 0
        assert hp.scope.x.y | 0 == 0

    @pytest.mark.parametrize(
        "write",
        [
            lambda: setattr(hp.scope, "b", 2),
            lambda: hp.scope.__setitem__("b", 2),
            lambda: hp.scope.update(b=2),
            lambda: hp.scope.update({"b": 2}),
        ],
        ids=["attribute", "item", "update keywords", "update mapping"],
    )
    def test_every_write_through_hp_scope_ends_with_the_block(self, write) -> None:
        """hp.scope.b = 2, hp.scope["b"] = 2 and hp.scope.update(b=2) inside with s:
        leave s unchanged for its next entry."""
        s = hp.scope(a=1)
        with s:
            write()
            assert (hp.scope.a | 0, hp.scope.b | 0) == (1, 2)
        assert dict(s) == {"a": 1}
        with s:
            assert (hp.scope.a | 0, hp.scope.b | 0) == (1, 0)

    def test_clear_through_hp_scope_hides_values_until_the_block_ends(self) -> None:
        """hp.scope.clear() inside with t: hides every value for the rest of the block only;
        t's next entry is whole."""
        t = hp.scope(a=1)
        with hp.scope(outer=1), t:
            assert hp.scope.clear() is t
            assert (hp.scope.a | 0, hp.scope.outer | 0) == (0, 0)
        with hp.scope(outer=1), t:
            assert (hp.scope.a | 0, hp.scope.outer | 0) == (1, 1)

    def test_write_through_scope_object_goes_into_that_scope(self) -> None:
        """ps.a.b = v writes into ps, also after the block, for its next entry."""
        ps = hp.scope()
        ps.train.lr = 0.5
        ps["train.bs"] = 8
        assert dict(ps) == {"train.lr": 0.5, "train.bs": 8}
        with ps:
            assert hp.scope.train.lr | 0.1 == 0.5
        assert hp.scope.train.lr | 0.1 == 0.1

    def test_write_to_an_outer_scope_object_is_visible_inside_inner_blocks(self) -> None:
        """Writing into an entered outer scope shows through inner scopes that do not shadow it."""
        with hp.scope(a=1) as outer:
            with hp.scope(b=2):
                outer.a = 10
                outer.c = 3
                assert (hp.scope.a | 0, hp.scope.b | 0, hp.scope.c | 0) == (10, 2, 3)
            assert (hp.scope.a | 0, hp.scope.b | 0, hp.scope.c | 0) == (10, 0, 3)
        assert hp.scope.a | 0 == 0

    def test_scope_object_reads_see_writes_through_hp_scope(self) -> None:
        """Inside its block, ps sees values written through hp.scope."""
        with hp.scope() as ps:
            hp.scope.train.lr = 0.001
            ps.train.batch_size = 32
            assert (ps.train.lr(), hp.scope.train.batch_size()) == (0.001, 32)

    def test_bad_key_on_write_raises_and_changes_nothing(self) -> None:
        """An invalid key is rejected and every scope keeps its values."""
        with hp.scope(a=1) as ps:
            with pytest.raises(hp.InvalidKeyError, match="a b"):
                ps["a b"] = 2
            with pytest.raises(hp.InvalidKeyError):
                ps.update({"ok": 1, "bad..key": 2})
            assert dict(ps) == {"a": 1}
            assert dict(hp.scope.current()) == {"a": 1}

    def test_update_sets_several_values_and_returns_the_scope(self) -> None:
        """ps.update(d) adds the values and returns ps."""
        ps = hp.scope.empty(a=1)
        assert ps.update({"b": {"c": 2}}, d=3) is ps
        assert dict(ps) == {"a": 1, "b.c": 2, "d": 3}

    def test_clear_empties_keys_inherited_ones_included(self) -> None:
        """After ps.clear(), ps.keys() is empty even inside other scopes."""
        with hp.scope(outer=1):
            ps = hp.scope(inner=2).clear()
            assert ps.keys() == []
            with ps:
                assert hp.scope.outer | 0 == 0

    def test_clear_on_an_entered_scope_hides_everything_until_exit(self) -> None:
        """Clearing the active scope hides inherited values until it exits."""
        with hp.scope(outer=1):
            with hp.scope(inner=2) as ps:
                ps.clear()
                assert (hp.scope.outer | 0, hp.scope.inner | 0) == (0, 0)
            assert hp.scope.outer | 0 == 1


class TestEnterExit:
    def test_entering_inherits_what_is_visible_then(self) -> None:
        """A nested scope sees the outer values plus its own."""
        with hp.scope(a=1, b=2), hp.scope(b=3) as inner:
            assert dict(inner) == {"a": 1, "b": 3}

    def test_exit_restores_exactly_what_was_there_also_on_error(self) -> None:
        """Leaving a block by an exception rolls back like a normal exit."""
        with hp.scope(a=1):
            with pytest.raises(RuntimeError), hp.scope(a=2, b=3):
                hp.scope.c = 4
                raise RuntimeError
            assert dict(hp.scope.current()) == {"a": 1}

    def test_exit_does_not_swallow_exceptions(self) -> None:
        """An exception raised in the block propagates out of it."""
        with pytest.raises(ZeroDivisionError), hp.scope():
            1 / 0  # noqa: B018

    def test_exiting_out_of_order_raises_a_clear_error(self) -> None:
        """Exiting an outer scope while an inner one is active is a ScopeError."""
        outer, inner = hp.scope(a=1), hp.scope(b=2)
        outer.__enter__()
        inner.__enter__()
        with pytest.raises(hp.ScopeError, match="out of order"):
            outer.__exit__(None, None, None)
        assert hp.scope.b | 0 == 2  # nothing was undone
        inner.__exit__(None, None, None)
        outer.__exit__(None, None, None)
        assert (hp.scope.a | 0, hp.scope.b | 0) == (0, 0)

    def test_one_scope_object_can_be_entered_repeatedly_and_nested(self) -> None:
        """Re-entering the same scope object, in sequence or nested, rolls back each time."""
        ps = hp.scope(a=1)
        for _ in range(3):
            with ps:
                assert hp.scope.a | 0 == 1
        with ps, hp.scope(a=2), ps:
            assert hp.scope.a | 0 == 1
        assert hp.scope.a | 0 == 0

    def test_empty_does_not_inherit(self) -> None:
        """hp.scope.empty() hides the values around it, and they return after."""
        with hp.scope(inherited=1):
            with hp.scope.empty(fresh=2) as ps:
                assert ps.inherited("missing") == "missing"
                assert hp.scope.inherited | 0 == 0
                assert ps.fresh() == 2
            assert hp.scope.inherited | 0 == 1

    def test_current_returns_the_innermost_scope_object(self) -> None:
        """hp.scope.current() is the scope object of the innermost block."""
        with hp.scope(a=1) as outer:
            assert hp.scope.current() is outer
            with hp.scope() as inner:
                assert hp.scope.current() is inner

    def test_current_at_top_level_writes_to_the_context_base(self) -> None:
        """Writing through current() with no active block changes this context's base."""
        import contextvars

        def body() -> tuple[int, int]:
            hp.scope.current().base_value = 5
            with hp.scope(other=1):
                inside = hp.scope.base_value | 0
            return inside, hp.scope.base_value | 0

        assert contextvars.copy_context().run(body) == (5, 5)
        assert hp.scope.base_value | 0 == 0


class TestViews:
    def test_storage_is_a_plain_dict_of_every_visible_value(self) -> None:
        """ps.storage().storage() is a new plain dict of all visible values."""
        with hp.scope(a=1, b=2) as ps:
            values = ps.storage().storage()
            assert type(values) is dict
            assert values == {"a": 1, "b": 2}
            values["c"] = 3
            assert "c" not in ps

    def test_mapping_protocol(self) -> None:
        """dict(ps), {**ps}, len, in and iteration see the visible values."""
        with hp.scope(a=1), hp.scope(**{"b.c": 2}) as ps:
            assert dict(ps) == {**ps} == {"a": 1, "b.c": 2}
            assert len(ps) == 2
            assert "b.c" in ps
            assert "b" not in ps
            assert sorted(ps) == ["a", "b.c"]

    def test_repr_shows_the_values(self) -> None:
        """repr(ps) lists what ps sees."""
        assert repr(hp.scope.empty(**{"a.b": 1})) == "hp.scope({'a.b': 1})"

    def test_class_level_keys_and_storage_describe_the_current_scope(self) -> None:
        """hp.scope.keys() and hp.scope.storage() describe the innermost scope."""
        with hp.scope.empty(a=1):
            assert hp.scope.keys() == ["a"]
            assert hp.scope.storage().storage() == {"a": 1}

    def test_isinstance_against_hp_scope(self) -> None:
        """Scope objects are instances of hp.scope and hp.Scope."""
        ps = hp.scope()
        assert isinstance(ps, hp.scope)
        assert isinstance(ps, hp.Scope)
        assert not isinstance({}, hp.scope)


class TestBaseline:
    def test_init_starts_the_context_from_baseline_plus_params(self) -> None:
        """init(params) replaces what this context set at top level."""
        import contextvars

        def body() -> dict[str, object]:
            hp.scope.stale = 1
            hp.scope.init({"fresh": 2})
            return dict(hp.scope.current())

        with hp.scope(base=0):
            hp.scope.frozen()
        assert contextvars.copy_context().run(body) == {"base": 0, "fresh": 2}

    def test_init_inside_an_active_scope_is_refused(self) -> None:
        """init() inside a with block raises ScopeError and changes nothing."""
        with hp.scope(a=1):
            with pytest.raises(hp.ScopeError):
                hp.scope.init({"b": 2})
            assert dict(hp.scope.current()) == {"a": 1}


class TestRememberedConversions:
    """A string read with a scalar default is converted once per level, never stale."""

    def test_each_default_type_gets_its_own_conversion(self) -> None:
        """The same string read with defaults of different types converts to each type."""
        with hp.scope(**{"c.v": "1"}):
            for _ in range(2):
                assert hp.scope.c.v | 0 == 1
                assert type(hp.scope.c.v | 0.0) is float
                assert hp.scope.c.v | False is True
                assert hp.scope.c.v(0j) == 1 + 0j
                assert hp.scope.c.v | "x" == "1"
                assert hp.scope.c.v() == "1"

    def test_a_new_value_is_converted_afresh(self) -> None:
        """Writes, nested scopes and exits each show their own value, converted."""
        with hp.scope(**{"c.n": "5"}):
            assert hp.scope.c.n | 0 == 5
            hp.scope.c.n = "6"
            assert hp.scope.c.n | 0 == 6
            with hp.scope(**{"c.n": "7"}):
                assert hp.scope.c.n | 0 == 7
            assert hp.scope.c.n | 0 == 6
        assert hp.scope.c.n | 0 == 0

    def test_a_new_baseline_is_converted_afresh_in_new_threads(self) -> None:
        """A thread reads the baseline frozen when it started, not a conversion of an older one."""
        seen: list[int] = []

        def read() -> None:
            seen.append(hp.scope.c.base | 0)

        for text in ("1", "2"):
            with hp.scope(**{"c.base": text}):
                hp.scope.frozen()
            worker = threading.Thread(target=read)
            worker.start()
            worker.join()
        assert seen == [1, 2]

    def test_failed_conversions_and_containers_are_not_remembered(self) -> None:
        """A bad value raises on every read; a list is parsed afresh for every read."""
        with hp.scope(**{"c.bad": "abc", "c.dims": "[1, 2]"}):
            for _ in range(2):
                with pytest.raises(hp.ConversionError):
                    hp.scope.c.bad | 0
            first = hp.scope.c.dims | [0]
            first.append(3)
            assert hp.scope.c.dims | [0] == [1, 2]

    def test_remembered_conversions_are_not_values(self) -> None:
        """keys(), dict(), len and storage() show the values set, never what reads remembered."""
        with hp.scope(**{"c.k": "1"}) as ps:
            assert (hp.scope.c.k | 0, hp.scope.c.k | 0.0, hp.scope.c.k | False) == (1, 1.0, True)
            assert ps.keys() == ["c.k"] == hp.scope.keys()
            assert dict(ps) == {"c.k": "1"} == ps.storage().storage()
            assert len(ps) == 1

    def test_a_block_entered_beside_a_suspended_generator_converts_its_own_value(self) -> None:
        """The caller's block and the generator's block, interleaved, each read their own value."""

        def numbers() -> Iterator[int]:
            with hp.scope(**{"c.s": "10"}):
                while True:
                    yield hp.scope.c.s | 0

        running = numbers()
        assert next(running) == 10
        with hp.scope(**{"c.s": "2"}):
            assert [hp.scope.c.s | 0, next(running), hp.scope.c.s | 0, next(running)] == [2, 10, 2, 10]
        running.close()

    def test_a_generator_sees_its_own_conversion(self) -> None:
        """Inside and outside a suspended generator's block, each side converts its own value."""

        def numbers() -> Iterator[int]:
            with hp.scope(**{"c.g": "10"}):
                while True:
                    yield hp.scope.c.g | 0

        with hp.scope(**{"c.g": "1"}):
            running = numbers()
            assert [next(running), hp.scope.c.g | 0, next(running), hp.scope.c.g | 0] == [10, 1, 10, 1]
            running.close()


def _bytes_to_enter(outer_keys: int, overrides: int) -> int:
    """Bytes still allocated while a scope of ``overrides`` keys is entered under ``outer_keys`` keys."""
    outer = hp.scope(**{f"outer.k{i}": i for i in range(outer_keys)})
    inner = hp.scope(**{f"inner.k{i}": i for i in range(overrides)})
    with outer:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            inner.__enter__()
            used = tracemalloc.get_traced_memory()[0] - before
            inner.__exit__(None, None, None)
        finally:
            tracemalloc.stop()
    return used


def test_entering_allocates_for_its_own_keys_not_for_every_visible_key() -> None:
    """Entering k overrides costs memory in proportion to k, whatever the outer scopes hold."""
    small_outside = _bytes_to_enter(outer_keys=1, overrides=1)
    large_outside = _bytes_to_enter(outer_keys=5000, overrides=1)
    assert large_outside <= small_outside + 256
    assert _bytes_to_enter(outer_keys=1, overrides=2000) > 20 * small_outside
