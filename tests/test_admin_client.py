"""The Python handle mirrors the admin API (docs/behaviour/admin.md), over HTTP and in process alike."""
from datetime import UTC, datetime, timedelta

import pytest

from mockserver.admin_client import AdminError, AppTransport, MockHandle
from mockserver.config import Settings
from mockserver.server import MockServer


@pytest.fixture(scope="module")
def server():
    with MockServer(Settings(port=0, apis=("torrent",))) as running:
        yield running


@pytest.fixture(params=["http", "in-process"])
def handle(request, server):
    if request.param == "http":
        mock = MockHandle.connect(server.url)
    else:
        mock = MockHandle(server.url, AppTransport(server.app))
    mock.reset()
    yield mock
    for name in mock.snapshots():
        mock.drop_snapshot(name)
    mock.close()


@pytest.fixture
def torrent(handle):
    session = handle.torrent_session()
    yield session
    session.close()


def message_count(server) -> int:
    return server.state.store.count("torrent/message")


def delete_messages(server) -> None:
    store = server.state.store
    store.delete("torrent/message", [row["id"] for row in store.all("torrent/message")])


def test_urls_name_each_api_root(handle, server):
    assert handle.url == server.url
    assert handle.torrent_url == server.url + "/rundb/api/v1/"
    assert handle.hub_url == server.url + "/api/"


def test_a1_health_and_apis(handle):
    assert handle.health()["status"] == "ok"
    assert handle.apis == ("torrent",)


def test_a2_reset_returns_to_the_seed(handle, server):
    seeded = message_count(server)
    delete_messages(server)
    handle.clock.freeze()
    handle.reset()
    assert message_count(server) == seeded
    assert handle.clock.frozen is False


def test_a3_snapshot_and_restore(handle, server):
    seeded = message_count(server)
    delete_messages(server)
    handle.snapshot("empty")
    handle.reset()
    assert message_count(server) == seeded
    assert handle.snapshots() == ["empty"]
    handle.restore("empty")
    assert message_count(server) == 0
    handle.drop_snapshot("empty")
    assert handle.snapshots() == []


def test_a2_restoring_an_unknown_snapshot_raises_with_the_servers_message(handle):
    with pytest.raises(AdminError, match="unknown snapshot 'nope'") as caught:
        handle.restore("nope")
    assert caught.value.status == 404


def test_a6_clock_freeze_advance_set(handle):
    frozen = handle.clock.freeze()
    assert handle.clock.frozen is True and handle.clock.now == frozen
    assert handle.clock.advance(90.5) == frozen + timedelta(seconds=90.5)
    assert handle.clock.set(datetime(2030, 5, 1, 12, 0)) == datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    assert handle.clock.set("2031-01-02T03:04:05Z") == datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert handle.clock.unfreeze() >= datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert handle.clock.frozen is False


def test_a6_an_invalid_clock_change_raises(handle):
    with pytest.raises(AdminError, match="advance") as caught:
        handle.clock.advance(-1)
    assert caught.value.status == 400


def test_a4_journal_records_and_filters_vendor_calls(handle, torrent):
    assert torrent.get("message/", params={"limit": 2}).status_code == 200
    assert torrent.get("message/99999/").status_code == 404
    calls = handle.journal()
    assert [(c["method"], c["path"], c["status"]) for c in calls] == [
        ("GET", "/rundb/api/v1/message/", 200), ("GET", "/rundb/api/v1/message/99999/", 404)]
    assert len(handle.journal) == 2 and handle.journal[-1]["status"] == 404
    assert [c["status"] for c in handle.journal(status=404)] == [404]
    assert handle.journal.filter(method="get", path="/rundb/api/v1/message/99999/")[0]["status"] == 404
    assert handle.journal(since=calls[0]["seq"]) == calls[1:]
    assert handle.journal(api="hub") == []
    handle.journal.clear()
    assert list(handle.journal) == []


def test_a11_admin_calls_are_not_journaled(handle):
    assert handle.clock.now
    handle.snapshots()
    assert handle.journal() == []


def test_a7_a8_faults_add_list_remove(handle, torrent):
    rule = handle.faults.add("/rundb/api/v1/message/*", method="GET", status=503, times=1)
    assert rule["id"]
    assert torrent.get("message/").status_code == 503
    assert torrent.get("message/").status_code == 200
    second = handle.faults.add("/rundb/api/v1/filemonitor/*", status=500)
    listed = {f["id"]: f for f in handle.faults.list()}
    assert listed[second["id"]]["path"] == "/rundb/api/v1/filemonitor/*" and listed[second["id"]]["hits"] == 0
    handle.faults.remove(second["id"])
    assert second["id"] not in {f["id"] for f in handle.faults}
    handle.faults.add("/rundb/*", status=500)
    handle.faults.clear()
    assert list(handle.faults) == []


def test_a9_records_insert_and_read(handle, torrent):
    [stored] = handle.records.insert("torrent", "message", [{"id": 4242, "body": "from the handle"}])
    assert stored["id"] == 4242
    assert torrent.get("message/4242/").json()["body"] == "from the handle"
    assert any(row["id"] == 4242 for row in handle.records.all("torrent", "message"))


def test_a9_a_bad_record_raises_naming_the_field(handle):
    with pytest.raises(AdminError, match="level") as caught:
        handle.records.insert("torrent", "message", {"level": "loud"})
    assert caught.value.status == 400


def test_a_mock_without_admin_api_says_so():
    with MockServer(Settings(port=0, apis=("torrent",), admin=False)) as bare:
        handle = MockHandle.connect(bare.url)
        with pytest.raises(AdminError, match="admin API"):
            handle.reset()
        handle.close()


def test_torrent_session_resolves_relative_and_path_only_urls(torrent):
    page = torrent.get("message/", params={"limit": 1}).json()
    assert torrent.get(page["meta"]["next"]).json()["meta"]["offset"] == 1
    first = page["objects"][0]
    assert torrent.get(first["resource_uri"]).json() == first


def test_torrent_session_variants(torrent):
    assert torrent.as_user("ionuser").get("message/").status_code == 200
    assert torrent.with_api_key().get("message/").status_code == 200
    assert torrent.with_api_key("ionuser").get("message/").status_code == 200
    assert torrent.with_api_key(key="0" * 40).get("message/").status_code == 401
    assert torrent.as_user("ionadmin", "wrong").get("message/").status_code == 401
    with pytest.raises(LookupError, match="nobody"):
        torrent.as_user("nobody")
