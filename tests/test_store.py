"""The TinyDB seam: copies, windows, reset, atomic batches and the persistent file."""
import json
import threading

import pytest

from mockserver.errors import MockServerError
from mockserver.store import Store

SEED = {"api/things": [{"id": 1, "name": "a", "tags": ["x"]}, {"id": 3, "name": "c", "tags": []}]}


@pytest.fixture
def store():
    s = Store()
    s.load_seed(SEED)
    return s


def test_get_returns_a_copy_that_cannot_alias_the_store(store):
    row = store.get("api/things", 1)
    row["tags"].append("mutated")
    assert store.get("api/things", 1)["tags"] == ["x"]


def test_select_filters_orders_and_windows(store):
    store.insert("api/things", 2, {"id": 2, "name": "b", "tags": []})
    total, rows = store.select("api/things", where=lambda r: r["name"] != "a",
                               order=lambda rs: sorted(rs, key=lambda r: -r["id"]), offset=1, limit=5)
    assert total == 2
    assert [r["id"] for r in rows] == [2]


def test_next_id_follows_the_highest_key(store):
    assert store.next_id("api/things") == 4
    assert store.next_id("api/empty") == 1


def test_next_id_never_goes_back_after_a_delete_of_the_highest_row(store):
    store.delete("api/things", [3])
    assert store.next_id("api/things") == 4
    store.insert("api/things", 4, {"id": 4})
    store.delete("api/things", [4])
    assert store.next_id("api/things") == 5


def test_a_rolled_back_block_takes_back_the_ids_it_used_and_keeps_the_deleted_ones(store):
    store.delete("api/things", [3])
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.insert("api/things", 9, {"id": 9})
            assert store.next_id("api/things") == 10
            raise RuntimeError("half-way")
    assert store.next_id("api/things") == 4


def test_find_answers_the_lowest_id_holding_the_value_after_every_kind_of_write(store):
    assert store.find("api/things", "name", "c") == {"id": 3, "name": "c", "tags": []}
    store.insert("api/things", 2, {"id": 2, "name": "c"})
    assert store.find("api/things", "name", "c")["id"] == 2
    store.put("api/things", 2, {"id": 2, "name": "b"})
    assert store.find("api/things", "name", "c")["id"] == 3 and store.find("api/things", "name", "b")["id"] == 2
    store.delete("api/things", [3])
    assert store.find("api/things", "name", "c") is None
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.put("api/things", 1, {"id": 1, "name": "z"})
            assert store.find("api/things", "name", "z")["id"] == 1
            raise RuntimeError("half-way")
    assert store.find("api/things", "name", "z") is None and store.find("api/things", "name", "a")["id"] == 1
    store.replace_table("api/things", {"5": {"id": 5, "name": "a"}})
    assert store.find("api/things", "name", "a")["id"] == 5
    store.reset()
    assert store.find("api/things", "name", "a")["id"] == 1 and store.find("api/things", "name", "b") is None
    assert store.find("api/things", "tags", ["x"])["id"] == 1  # a value no index holds: found by a pass
    assert store.find("api/things", "missing", None)["id"] == 1
    assert store.find("api/nothing", "name", "a") is None


def test_reset_returns_to_the_seed(store):
    store.insert("api/things", 7, {"id": 7})
    store.delete("api/things", [1])
    store.reset()
    assert [r["id"] for r in store.all("api/things")] == [1, 3]
    assert store.next_id("api/things") == 4


def test_atomic_block_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.delete("api/things", [1, 3])
            raise RuntimeError("half-way")
    assert store.count("api/things") == 2


def test_concurrent_inserts_never_lose_a_row(store):
    def writer(base):
        for _i in range(100):
            with store.lock:
                pk = store.next_id("api/things")
                store.insert("api/things", pk, {"id": pk, "by": base})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    ids = [r["id"] for r in store.all("api/things")]
    assert len(ids) == len(set(ids)) == 402


def test_persistent_file_holds_every_write_and_reloads(tmp_path):
    path = tmp_path / "db.json"
    s = Store(path)
    s.load_seed(SEED)
    s.insert("api/things", 9, {"id": 9, "name": "nine"})
    on_disk = json.loads(path.read_text())
    assert on_disk["api/things"]["9"] == {"id": 9, "name": "nine"}
    s.close()
    reopened = Store(path)
    assert reopened.has_data()
    assert reopened.get("api/things", 9) == {"id": 9, "name": "nine"}
    assert not list(tmp_path.glob(".db.json.*.tmp"))


def test_a_foreign_file_is_a_clear_start_error(tmp_path):
    path = tmp_path / "db.json"
    path.write_text("not json at all")
    with pytest.raises(MockServerError, match="not a mockserver data file"):
        Store(path)
    path.write_text("[1, 2]")
    with pytest.raises(MockServerError, match="expected an object of tables"):
        Store(path)


def _by_id(rows):
    return [r["id"] for r in rows]


def test_page_by_id_is_the_id_order_select_gives_after_every_kind_of_write():
    store = Store()
    store.load_seed({"t/a": [{"id": 5}, {"id": 2}, {"id": 9}]})
    ids = lambda desc, offset, limit: store.page_by_id("t/a", desc, lambda total: (offset, limit))  # noqa: E731
    assert ids(False, 0, None) == (3, [{"id": 2}, {"id": 5}, {"id": 9}])
    store.insert("t/a", 7, {"id": 7})  # into the middle of the order
    store.insert("t/a", 12, {"id": 12})  # after the last
    store.put("t/a", 1, {"id": 1})
    store.delete("t/a", [5])
    assert _by_id(ids(False, 0, None)[1]) == [1, 2, 7, 9, 12]
    assert _by_id(ids(True, 1, 2)[1]) == [9, 7]
    assert ids(False, 4, 10) == (5, [{"id": 12}])
    assert ids(False, 9, 10) == (5, [])
    with pytest.raises(RuntimeError), store.atomic():
        store.insert("t/a", 3, {"id": 3})
        raise RuntimeError("taken back")
    assert _by_id(ids(False, 0, None)[1]) == [1, 2, 7, 9, 12]
    store.reset()
    assert _by_id(ids(True, 0, None)[1]) == [9, 5, 2]


def test_page_by_id_declines_a_table_whose_rows_do_not_hold_their_key_as_id():
    store = Store()
    store.load_seed({"t/a": [{"id": 1}, {"id": 2}]})
    assert store.page_by_id("t/a", False, lambda total: (0, None)) is not None
    store.put("t/a", 3, {"id": "3"})  # a text id: only a sort orders it as the vendors do
    assert store.page_by_id("t/a", False, lambda total: (0, None)) is None
    store.delete("t/a", [3])
    assert _by_id(store.page_by_id("t/a", False, lambda total: (0, None))[1]) == [1, 2]

