"""Many clients at once over real HTTP: no lost or duplicated writes, admin operations atomic (A12).
Rules: docs/behaviour/admin.md."""
import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from stub_dialect import install
from stub_dialect import loopback_session as session

from mockserver.config import Settings
from mockserver.server import MockServer

THREADS = 8
BASIC = {"Authorization": "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()}




@pytest.fixture
def stub_server(monkeypatch, tmp_path):
    with MockServer(Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path))) as mock:
        yield mock


def created_ids(url: str, path: str, count: int, body: dict) -> list[int]:
    """POST ``count`` creates from one client; → the ids from the Location headers."""
    ids = []
    with session() as s:
        for _ in range(count):
            response = s.post(url + path, json=body, headers=BASIC, timeout=30)
            assert response.status_code == 201, response.text
            ids.append(int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    return ids


def test_torrent_creates_from_8_threads_get_unique_ids_and_an_exact_count():
    per_thread = 500
    with MockServer(Settings(port=0, apis=("torrent",))) as mock:
        with session() as s:
            before = s.get(mock.url + "/rundb/api/v1/message/?limit=1", headers=BASIC, timeout=10).json()
        with ThreadPoolExecutor(THREADS) as pool:
            batches = list(pool.map(lambda _: created_ids(mock.url, "/rundb/api/v1/message/", per_thread,
                                                          {"body": "load"}), range(THREADS)))
        ids = [pk for batch in batches for pk in batch]
        assert len(ids) == len(set(ids)) == THREADS * per_thread
        with session() as s:
            after = s.get(mock.url + "/rundb/api/v1/message/?limit=1", headers=BASIC, timeout=10).json()
        assert after["meta"]["total_count"] == before["meta"]["total_count"] + THREADS * per_thread
        assert mock.state.server_errors == []


def test_stub_creates_from_8_threads_get_unique_ids_and_an_exact_count(stub_server):
    per_thread = 100
    with ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(lambda _: created_ids(stub_server.url, "/rundb/api/v1/item/", per_thread, {}),
                                range(THREADS)))
    ids = [pk for batch in batches for pk in batch]
    assert len(ids) == len(set(ids)) == THREADS * per_thread
    assert stub_server.state.store.count("torrent/item") == 1 + THREADS * per_thread


def test_a12_reset_and_snapshots_never_see_half_a_request(stub_server):
    """Each POST /pair/ writes two rows with a pause between them: any store an admin operation sees (a
    snapshot) or leaves behind (a reset) holds whole pairs only."""
    stop = threading.Event()
    errors: list[str] = []

    def writer():
        with session() as s:
            while not stop.is_set():
                status = s.post(stub_server.url + "/rundb/api/v1/pair/", timeout=30).status_code
                if status != 201:
                    errors.append(f"pair write answered {status}")

    writers = [threading.Thread(target=writer) for _ in range(4)]
    [w.start() for w in writers]
    try:
        with session() as s:
            for round_ in range(30):
                assert s.put(f"{stub_server.url}/__mock__/snapshots/s{round_}", timeout=30).status_code == 201
                assert s.post(stub_server.url + "/__mock__/reset", timeout=30).status_code == 204
                inserted = s.post(stub_server.url + "/__mock__/records/torrent/item",
                                  json=[{"name": "a"}, {"name": "b"}], timeout=30)
                assert inserted.status_code == 201
    finally:
        stop.set()
        [w.join(30) for w in writers]
    assert errors == []
    for name, tables in stub_server.state.snapshots.items():
        halves = sorted(row["half"] for row in tables.get("torrent/pair", {}).values())
        assert halves.count(1) == halves.count(2), f"snapshot {name} holds half a pair"
    assert stub_server.state.server_errors == []


def test_journal_numbers_concurrent_requests_uniquely(stub_server):
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda _: created_ids(stub_server.url, "/rundb/api/v1/item/", 50, {}), range(THREADS)))
    seqs = [entry.seq for entry in stub_server.state.journal.entries()]
    assert len(seqs) == len(set(seqs)) == THREADS * 50
    assert seqs == sorted(seqs)


def test_requests_in_a_fault_delay_never_hold_up_each_other(stub_server):
    with session() as s:
        s.post(stub_server.url + "/__mock__/faults", json={"path": "/rundb/api/v1/echo/", "delay_ms": 400},
               timeout=10)
    started = time.perf_counter()
    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(lambda _: http_status(stub_server.url + "/rundb/api/v1/echo/"), range(40)))
    assert statuses == [200] * 40
    assert time.perf_counter() - started < 8  # 40 waits one after another would take 16 s


def test_sequential_requests_reuse_the_worker_threads(stub_server):
    workers = {t for t in threading.enumerate() if t.name == f"mockserver:{stub_server.port}"}
    for _ in range(30):
        assert http_status(stub_server.url + "/rundb/api/v1/item/") == 200
    assert {t for t in threading.enumerate() if t.name == f"mockserver:{stub_server.port}"} == workers
    assert len(workers) == stub_server.settings.threads


def http_status(url: str) -> int:
    with session() as s:
        return s.get(url, timeout=30).status_code
