"""Admin plane safety (issue: no stranger drives /__mock__/), over real HTTP: JSON-only writes, the mock's own
Origin and Host only, a token when the mock listens beyond loopback. The vendor APIs answer as before."""
import socket

import pytest
from stub_dialect import install
from stub_dialect import loopback_session as session

from mockserver import MockHandle
from mockserver.cli import banner
from mockserver.config import Settings
from mockserver.hostnames import host_name, machine_names
from mockserver.server import MockServer

pytest_plugins = ["pytester"]
ITEMS = "/rundb/api/v1/item/"


@pytest.fixture(scope="module")
def mock(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        seed_dir = install(monkeypatch, tmp_path_factory.mktemp("seed"))
        with MockServer(Settings(port=0, apis=("torrent",), seed_dir=seed_dir, allowed_hosts=("mock.ci",))) as m:
            yield m


@pytest.fixture
def fault(mock):
    """One fault rule in place: a reset would remove it."""
    mock.reset()
    mock.state.faults.add({"path": "/rundb/api/v1/nothing/", "status": 503})
    yield
    mock.reset()


def test_a_cross_site_form_post_to_reset_is_refused_and_changes_nothing(mock, fault):
    with session() as s:
        response = s.post(mock.url + "/__mock__/reset", data={"snapshot": "x"},
                          headers={"Origin": "http://evil.example"}, timeout=10)
    assert response.status_code == 403 and "evil.example" in response.json()["error"]
    assert len(mock.state.faults.as_json()) == 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_an_admin_write_that_is_not_json_is_refused_and_changes_nothing(mock, fault, content_type):
    with session() as s:
        response = s.post(mock.url + "/__mock__/reset", data=b"{}", headers={"Content-Type": content_type},
                          timeout=10)
    assert response.status_code == 415 and "application/json" in response.json()["error"]
    assert len(mock.state.faults.as_json()) == 1


def test_an_admin_write_with_no_body_or_json_is_served(mock, fault):
    with session() as s:
        assert s.post(mock.url + "/__mock__/reset", timeout=10).status_code == 204
        assert mock.state.faults.as_json() == []
        added = s.post(mock.url + "/__mock__/faults", json={"path": "/x", "status": 500}, timeout=10)
        assert added.status_code == 201
        assert s.post(mock.url + "/__mock__/reset", data=b"{}",
                      headers={"Content-Type": "application/json; charset=utf-8"}, timeout=10).status_code == 204


def test_the_mocks_own_origin_is_served(mock, fault):
    with session() as s:
        response = s.post(mock.url + "/__mock__/reset", headers={"Origin": mock.url}, timeout=10)
    assert response.status_code == 204


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "localhost.attacker.example"])
def test_a_foreign_host_is_refused_on_the_admin_plane_only(mock, host):
    with session() as s:
        refused = s.get(mock.url + "/__mock__/journal", headers={"Host": host}, timeout=10)
        assert refused.status_code == 403 and "--allowed-host" in refused.json()["error"]
        assert s.get(mock.url + ITEMS, headers={"Host": host}, timeout=10).status_code == 200


@pytest.mark.parametrize("page", ["/", "/__mock__/", "/__mock__/docs/torrent", "/__mock__/assets/dashboard.js"])
def test_a_foreign_host_is_refused_on_the_dashboard_and_docs_pages_too(mock, page):
    with session() as s:
        refused = s.get(mock.url + page, headers={"Host": "attacker.example"}, timeout=10, allow_redirects=False)
        assert refused.status_code == 403 and "--allowed-host" in refused.json()["error"]
        assert s.get(mock.url + page, headers={"Host": "mock.ci"}, timeout=10,
                     allow_redirects=False).status_code in (200, 302)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "mock.ci", "MOCK.CI:8000", "[::1]:8000"])
def test_served_addresses_and_allowed_hosts_are_accepted(mock, host):
    with session() as s:
        assert s.get(mock.url + "/__mock__/health", headers={"Host": host}, timeout=10).status_code == 200
        assert s.get(mock.url + "/__mock__/", headers={"Host": host}, timeout=10).status_code == 200


def test_a_request_without_a_host_header_is_served(mock):
    """HTTP/1.0 needs no Host; a browser page (the attack the check stops) always sends one."""
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        sock.sendall(b"GET /__mock__/health HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200 "), answer[:300]
    assert b'"status": "ok"' in answer or b'"status":"ok"' in answer


@pytest.fixture(scope="module")
def exposed(tmp_path_factory):
    """A mock on every interface: its admin plane takes a token (generated, as none was given)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        seed_dir = install(monkeypatch, tmp_path_factory.mktemp("seed"))
        with MockServer(Settings(host="0.0.0.0", port=0, apis=("torrent",), seed_dir=seed_dir)) as m:
            yield m


def test_bound_beyond_loopback_the_admin_plane_needs_the_token(exposed):
    token = exposed.settings.admin_token
    assert token and len(token) >= 24
    url = f"http://127.0.0.1:{exposed.port}"
    with session() as s:
        missing = s.get(url + "/__mock__/health", timeout=10)
        assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = s.post(url + "/__mock__/reset", headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401
        right = s.get(url + "/__mock__/health", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert right.status_code == 200
        assert s.get(url + ITEMS, timeout=10).status_code == 200  # the vendor API needs no admin token


def test_bound_to_every_interface_the_admin_plane_takes_this_machines_name_as_host(exposed):
    token = {"Authorization": f"Bearer {exposed.settings.admin_token}"}
    with session() as s:
        for host in (host_name(), f"{host_name()}:{exposed.port}", f"{host_name().upper()}:{exposed.port}"):
            answer = s.get(f"http://127.0.0.1:{exposed.port}/__mock__/health", timeout=10,
                           headers={**token, "Host": host})
            assert answer.status_code == 200, (host, answer.text)
        foreign = s.get(f"http://127.0.0.1:{exposed.port}/__mock__/health", timeout=10,
                        headers={**token, "Host": f"not-{host_name()}.example:{exposed.port}"})
        assert foreign.status_code == 403


def test_the_handle_passes_the_token_by_itself(exposed):
    handle = MockHandle.connect(f"http://127.0.0.1:{exposed.port}", exposed.settings)
    try:
        assert handle.health()["status"] == "ok"
        handle.reset()
    finally:
        handle.close()


def test_a_chosen_token_is_used_and_the_banner_says_the_admin_plane_needs_it(monkeypatch, tmp_path):
    settings = Settings(host="0.0.0.0", port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path),
                        admin_token="s3cret-token")
    with MockServer(settings) as mock:
        text, port = banner(mock), mock.port
        with session() as s:
            health = s.get(f"http://127.0.0.1:{mock.port}/__mock__/health",
                           headers={"Authorization": "Bearer s3cret-token"}, timeout=10)
    assert health.status_code == 200
    assert "Authorization: Bearer s3cret-token" in text and "WARNING" in text and "0.0.0.0" in text
    # URLs a client can open: loopback from this machine; the first line says other machines use its name
    first = text.splitlines()[0]
    assert first.startswith(f"mockserver listening on http://127.0.0.1:{port}   (bound to every interface")
    assert f"http://{host_name()}:{port}" in first and "http://0.0.0.0" not in text
    for name in machine_names():
        assert (f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}") in first


def test_on_loopback_no_token_is_made_or_needed(mock):
    assert mock.settings.admin_token is None
    assert "Bearer" not in banner(mock)


def test_the_pytest_fixture_handle_passes_the_token(pytester):
    pytester.makeconftest('''
import pytest
from mockserver.config import Settings

@pytest.fixture(scope="session")
def mockserver_settings():
    return Settings(host="0.0.0.0", port=0, apis=("torrent",))
''')
    pytester.makepyfile('''
def test_controls(mockserver):
    assert mockserver.settings.admin_token
    mockserver.faults.add("/rundb/api/v1/message/", status=503, times=1)
    assert len(mockserver.journal()) == 0
''')
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)
