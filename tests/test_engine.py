"""The shared resource engine: ids, ordering and Django-style lookups."""
import types

import pytest

from mockserver.engine import Collection, matches, order_rows
from mockserver.store import Store


@pytest.fixture
def things():
    store = Store()
    store.load_seed({"api/things": [{"id": 1, "n": "b"}, {"id": 5, "n": "a"}]})
    return Collection(store, "api/things")


def test_auto_ids_are_never_reused(things):
    assert things.create({"n": "c"})["id"] == 6
    things.delete([6])
    assert things.create({"n": "d"})["id"] == 7


def test_deleted_seed_rows_still_count_as_held(things):
    things.delete([5])
    assert things.create({"n": "c"})["id"] == 6
    things.delete_where(None)
    assert things.create({"n": "d"})["id"] == 7
    things.move(7, 3)
    assert things.create({"n": "e"})["id"] == 8


def test_client_chosen_id_moves_the_sequence(things):
    things.create({"n": "x"}, pk=40)
    assert things.create({"n": "y"})["id"] == 41


def test_sequence_returns_to_the_seed_on_reset(things):
    things.create({"n": "c"})
    things.store.reset()
    assert things.create({"n": "c"})["id"] == 6


def test_move_changes_the_pk(things):
    things.move(1, 9)
    assert things.get(1) is None and things.get(9) == {"id": 9, "n": "b"}


def test_list_orders_by_pk_then_by_keys(things):
    assert [r["id"] for r in things.list()[1]] == [1, 5]
    assert [r["id"] for r in things.list(order=[("n", False)])[1]] == [5, 1]


def test_order_rows_mixed_types_and_nulls():
    rows = [{"v": "x"}, {"v": None}, {"v": 3}, {"v": 1}]
    assert [r["v"] for r in order_rows(rows, [("v", False)])] == [None, 1, 3, "x"]
    assert [r["v"] for r in order_rows(rows, [("v", True)])] == ["x", 3, 1, None]


@pytest.mark.parametrize("lookup, value, expected", [
    ("exact", "Hello", True), ("iexact", "hello", True), ("contains", "ell", True), ("icontains", "ELL", True),
    ("startswith", "He", True), ("istartswith", "he", True), ("endswith", "lo", True), ("iendswith", "LO", True),
    ("in", ["Hello", "x"], True), ("gt", "A", True), ("lt", "A", False), ("range", ["A", "Z"], True),
    ("isnull", False, True), ("isnull", True, False),
])
def test_lookups(lookup, value, expected):
    assert matches({"s": "Hello"}, [("s", lookup, value)]) is expected


def test_comparisons_with_null_never_match():
    assert not matches({"s": None}, [("s", "gt", 1)])
    assert matches({"s": None}, [("s", "isnull", True)])


def test_order_rows_nulls_last_is_postgresql_placement():
    rows = [{"v": "x"}, {"v": None}, {"v": 3}]
    assert [r["v"] for r in order_rows(rows, [("v", False)], nulls_last=True)] == [3, "x", None]
    assert [r["v"] for r in order_rows(rows, [("v", True)], nulls_last=True)] == [None, "x", 3]


def test_list_passes_nulls_last(things):
    things.create({"n": None}, pk=2)
    assert [r["id"] for r in things.list(order=[("n", False)], nulls_last=True)[1]] == [5, 1, 2]


@pytest.mark.parametrize("lookup, value, expected", [
    ("year", 2017, True), ("month", 4, True), ("day", 5, True), ("hour", 23, True), ("minute", 1, True),
    ("second", 38, True), ("week_day", 4, True), ("week_day", 3, False), ("year", 2018, False),
])
def test_datetime_part_lookups(lookup, value, expected):
    # 2017-04-05 was a Wednesday: Django's week_day counts Sunday as 1.
    assert matches({"t": "2017-04-05T23:01:38.971000+00:00"}, [("t", lookup, value)]) is expected
    assert not matches({"t": None}, [("t", lookup, value)])


@pytest.mark.parametrize("lookup, pattern, expected", [
    ("regex", "^He", True), ("regex", "^he", False), ("iregex", "^he", True), ("regex", "l+o$", True),
])
def test_regex_lookups(lookup, pattern, expected):
    assert matches({"s": "Hello"}, [("s", lookup, pattern)]) is expected
    assert not matches({"s": None}, [("s", lookup, pattern)])


def test_order_rows_plain_and_mixed_values_sort_alike():
    plain = [{"v": 3, "w": "b"}, {"v": 1, "w": "a"}, {"v": 2, "w": "b"}]
    assert [r["v"] for r in order_rows(list(plain), [("w", False), ("v", True)])] == [1, 3, 2]
    mixed = [{"v": "x"}, {"v": 2}, {}, {"v": None}, {"v": True}]
    assert [r.get("v") for r in order_rows(list(mixed), [("v", False)])] == [None, None, True, 2, "x"]
    # a failed fast pass must not disturb the order an earlier (less significant) key established
    rows = [{"k": "b", "v": None}, {"k": "a", "v": 1}, {"k": "c", "v": None}]
    assert [r["k"] for r in order_rows(rows, [("v", False), ("k", False)])] == ["b", "c", "a"]


def test_a_lookup_name_has_one_owner_and_its_module_may_register_it_again():
    from mockserver.engine import query

    def mine(row, field, value):
        return row.get(field) == value

    try:
        query.register_lookup("test_owned", mine)
        again = types.FunctionType(mine.__code__, mine.__globals__, "mine")  # the same module, imported anew
        query.register_lookup("test_owned", again)
        assert query.ROW_LOOKUPS["test_owned"] is again
        foreign = types.FunctionType(mine.__code__, {"__name__": "elsewhere"}, "theirs")
        with pytest.raises(ValueError, match="lookup 'test_owned' is already registered"):
            query.register_lookup("test_owned", foreign)
        with pytest.raises(ValueError, match="lookup 'exact' is already registered"):
            query.register_lookup("exact", mine)  # the engine's own
    finally:
        query.ROW_LOOKUPS.pop("test_owned", None)


def test_row_memo_renders_a_stored_row_once_per_key_and_anew_when_the_row_is_replaced():
    from mockserver.engine import RowMemo

    calls: list[dict] = []

    def render(row):
        calls.append(row)
        return {"shown": row["v"]}

    memo = RowMemo(limit=2)
    row = {"v": 1}
    first = memo.get(row, "a", render)
    assert memo.get(row, "a", render) is first and len(calls) == 1
    assert memo.get(row, "b", render) == {"shown": 1} and len(calls) == 2  # another key: rendered for it
    replaced = {"v": 2}  # the store puts a new object for a changed row
    assert memo.get(replaced, "b", render) == {"shown": 2} and len(calls) == 3
    memo.get({"v": 3}, "b", render)  # past the limit: starts again, nothing stale is kept
    assert memo.get(replaced, "b", render) == {"shown": 2} and len(calls) == 5
