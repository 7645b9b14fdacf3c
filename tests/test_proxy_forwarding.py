"""mockserver proxy forwards (issue 16): through the proxy a client gets the upstream's answer, status and JSON,
with links pointing at the proxy; every credential style passes through; faults act before forwarding; an
unreachable or slow upstream is the API's own 502/504; the admin plane answers what applies without a store."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests
from proxy_support import ADMIN_KEY, HUB, PLUGIN_KEY, TORRENT, basic, bearer, hub_token, proxied

from mockserver.config import Settings
from mockserver.proxy.server import ProxyServer
from mockserver.proxy.settings import ProxySettings
from mockserver.server import MockServer


def same_answer(pair, method: str, path: str, headers: dict, **kwargs) -> requests.Response:
    """The answer through the proxy equals the upstream's: status, and JSON once upstream links are rebased."""
    through = requests.request(method, pair.proxy.url + path, headers=headers, timeout=10, **kwargs)
    direct = requests.request(method, pair.upstream.url + path, headers=headers, timeout=10, **kwargs)
    assert through.status_code == direct.status_code, (path, through.text, direct.text)
    if direct.content:
        expected = direct.text.replace(pair.upstream.url, pair.proxy.url)
        assert through.headers.get("Content-Type") == direct.headers.get("Content-Type")
        if "json" in direct.headers.get("Content-Type", ""):
            assert through.json() == requests.models.complexjson.loads(expected)
        else:
            assert through.text == expected
    return through


TORRENT_READS = ("/", "/message/", "/message/23/", "/message/?limit=2&offset=1", "/filemonitor/schema/",
                 "/PluginResultJob/?limit=3", "/compositedatamanagement/", "/message/999/", "/message/set/23;25/")


@pytest.mark.parametrize("credentials", ["basic", "apikey-header", "apikey-query", "pluginkey"])
def test_torrent_answers_through_the_proxy_equal_the_upstreams(credentials):
    headers, query = {}, ""
    if credentials == "basic":
        headers = basic()
    elif credentials == "apikey-header":
        headers = {"Authorization": f"ApiKey ionadmin:{ADMIN_KEY}"}
    elif credentials == "apikey-query":
        query = f"username=ionadmin&api_key={ADMIN_KEY}"
    else:
        headers = {"Authorization": f"PluginKey {PLUGIN_KEY[0]}:{PLUGIN_KEY[1]}"}
    with proxied("torrent") as pair:
        for path in TORRENT_READS:
            joined = TORRENT + path + (("&" if "?" in path else "?") + query if query else "")
            same_answer(pair, "GET", joined, headers)
        assert requests.get(pair.proxy.url + TORRENT + "/message/", timeout=10).status_code == 401  # no credentials
        assert pair.violations == []


def test_torrent_writes_pass_through_and_location_points_at_the_proxy():
    with proxied("torrent") as pair:
        created = requests.post(pair.proxy.url + TORRENT + "/message/", json={"body": "via the proxy", "level": 20},
                                headers=basic(), timeout=10)
        assert created.status_code == 201
        location = created.headers["Location"]
        assert location.startswith(pair.proxy.url + TORRENT + "/message/")
        path = location[len(pair.proxy.url):]
        assert requests.get(pair.upstream.url + path, headers=basic(), timeout=10).json()["body"] == "via the proxy"
        assert requests.patch(pair.proxy.url + path, json={"body": "changed"}, headers=basic(),
                              timeout=10).status_code == 202
        same_answer(pair, "GET", path, basic())
        assert requests.delete(pair.proxy.url + path, headers=basic(), timeout=10).status_code == 204
        assert requests.get(pair.upstream.url + path, headers=basic(), timeout=10).status_code == 404
        assert pair.violations == []


HUB_READS = ("/sites/", "/sites/1/", "/spaces/", "/spaces/1/", "/users/", "/users/admin/", "/jobs/?page=last",
             "/workflows/", "/sites/999/", "/features/")


@pytest.mark.parametrize("credentials", ["jwt", "client-key"])
def test_hub_answers_through_the_proxy_equal_the_upstreams(credentials):
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.proxy.url))
        if credentials == "client-key":
            key = requests.post(pair.proxy.url + HUB + "/auth/clientkeys/", json={"name": "through the proxy"},
                                headers=headers, timeout=10)
            assert key.status_code == 201, key.text
            headers = {"Authorization": f"Api-Key {key.json()['api_key']}"}
        for path in HUB_READS:
            same_answer(pair, "GET", HUB + path, headers)
        assert pair.violations == []


def test_hub_links_point_at_the_proxy():
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.proxy.url))
        site = requests.get(pair.proxy.url + HUB + "/sites/1/", headers=headers, timeout=10).json()
        assert site["url"] == pair.proxy.url + HUB + "/sites/1/"
        permissions = requests.get(pair.proxy.url + HUB + "/permissions/", headers=headers, timeout=10).json()
        assert permissions["next"].startswith(pair.proxy.url + HUB + "/permissions/?")
        following = requests.get(permissions["next"], headers=headers, timeout=10)
        assert following.status_code == 200 and following.json()["previous"].startswith(pair.proxy.url)
        created = requests.post(pair.proxy.url + HUB + "/auth/clientkeys/", json={"name": "proxied"},
                                headers=headers, timeout=10)
        assert created.status_code == 201, created.text
        assert created.json()["url"].startswith(pair.proxy.url + HUB + "/auth/clientkeys/")
        assert created.headers.get("Location", pair.proxy.url).startswith(pair.proxy.url)
        assert pair.violations == []


def test_a_fault_rule_answers_before_forwarding():
    with proxied("hub") as pair:
        admin = pair.proxy.url + "/__mock__"
        rule = requests.post(admin + "/faults", json={"path": "/api/sites/*", "status": 503, "times": 1}, timeout=10)
        assert rule.status_code == 201
        headers = bearer(hub_token(pair.proxy.url))
        failed = requests.get(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10)
        assert (failed.status_code, failed.json(), failed.headers["Retry-After"]) == (
            503, {"detail": "Service Unavailable"}, "1")
        assert requests.get(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10).status_code == 200
        upstream_saw = requests.get(pair.upstream.url + "/__mock__/journal?path=/api/sites/", timeout=10).json()
        assert len(upstream_saw) == 1  # the faulted request never reached the upstream
        requests.post(admin + "/faults", json={"path": "/api/features/", "drop": True}, timeout=10)
        with pytest.raises(requests.ConnectionError):
            requests.get(pair.proxy.url + HUB + "/features/", headers=headers, timeout=10)


def test_latency_rules_delay_the_forwarded_request():
    with proxied("torrent") as pair:
        requests.post(pair.proxy.url + "/__mock__/faults", json={"path": "/rundb/*", "delay_ms": 300}, timeout=10)
        started = time.perf_counter()
        assert requests.get(pair.proxy.url + TORRENT + "/message/", headers=basic(), timeout=10).status_code == 200
        assert time.perf_counter() - started >= 0.3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("api", "prefix", "key"), [("torrent", TORRENT, "error"), ("hub", HUB, "detail")])
def test_an_unreachable_upstream_is_a_502_in_the_apis_envelope(api, prefix, key):
    settings = ProxySettings(api, f"http://127.0.0.1:{_free_port()}", port=0)
    with ProxyServer(settings, printer=lambda line: None) as proxy:
        reply = requests.get(proxy.url + prefix + "/", timeout=10)
        assert reply.status_code == 502
        assert list(reply.json()) == [key] and "could not be reached" in reply.json()[key]
        assert proxy.state.tally.upstream_failures == 1


def test_a_slow_upstream_is_a_504_in_the_apis_envelope():
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(5)  # accepts connections and never answers
    try:
        settings = ProxySettings("hub", f"http://127.0.0.1:{listening.getsockname()[1]}", port=0,
                                 upstream_timeout=0.3)
        with ProxyServer(settings, printer=lambda line: None) as proxy:
            reply = requests.get(proxy.url + HUB + "/sites/", timeout=10)
            assert reply.status_code == 504
            assert reply.json()["detail"] == (f"Gateway Timeout: {settings.upstream} did not answer within 0.3 s "
                                              "(--upstream-timeout)")
    finally:
        listening.close()


def test_upstream_given_as_the_api_root():
    with proxied("hub") as pair:
        with ProxyServer(ProxySettings("hub", pair.upstream.url + "/api/", port=0), printer=lambda line: None) as px:
            assert px.state.upstream.origin == pair.upstream.url
            token = hub_token(px.url)
            assert requests.get(px.url + HUB + "/sites/1/", headers=bearer(token), timeout=10).status_code == 200


def test_admin_plane_in_proxy_mode():
    with proxied("torrent") as pair:
        admin = pair.proxy.url + "/__mock__"
        health = requests.get(admin + "/health", timeout=10).json()
        assert health["status"] == "ok" and health["apis"] == ["torrent"]
        requests.get(pair.proxy.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        requests.get(pair.proxy.url + TORRENT + "/nothing/", headers=basic(), timeout=10)
        journal = requests.get(admin + "/journal", timeout=10).json()
        assert [(e["path"], e["status"]) for e in journal] == [(TORRENT + "/message/23/", 200),
                                                              (TORRENT + "/nothing/", 404)]
        assert journal[0]["headers"]["Authorization"] == "Basic ionadmin:****"
        assert journal[0]["violations"] == []
        assert [v["check"] for v in journal[1]["violations"]] == ["operation_documented"]
        listed = requests.get(admin + "/violations", timeout=10).json()
        assert [(v["check"], v["seq"]) for v in listed] == [("operation_documented", journal[1]["seq"])]
        assert listed[0]["curl"].startswith("curl -X GET")
        for method, path in (("POST", "/reset"), ("GET", "/clock"), ("POST", "/clock"), ("GET", "/snapshots"),
                             ("PUT", "/snapshots/a"), ("GET", "/records/torrent/message"), ("GET", "/scenarios"),
                             ("POST", "/scenarios"), ("DELETE", "/scenarios/1")):
            reply = requests.request(method, admin + path, json={}, timeout=10)
            assert reply.status_code == 404, path
            assert "does not apply in proxy mode" in reply.json()["error"]


def test_an_https_upstream_is_trusted_through_upstream_ca(tmp_path):
    """An upstream served over TLS (the mock's own --tls) answers through the proxy when --upstream-ca names the CA
    that signed its certificate; the proxy itself serves plain HTTP and rebases the https links onto itself."""
    ca = tmp_path / "ca.pem"
    upstream = MockServer(Settings(port=0, apis=("hub",), tls=True, tls_ca=ca))
    with upstream:
        assert upstream.url.startswith("https://")
        with ProxyServer(ProxySettings("hub", upstream.url, port=0, upstream_ca=ca), printer=lambda line: None) as px:
            token = hub_token(px.url)
            through = requests.get(px.url + HUB + "/sites/1/", headers=bearer(token), timeout=10)
            direct = requests.get(upstream.url + HUB + "/sites/1/", headers=bearer(token), timeout=10, verify=str(ca))
            assert through.status_code == direct.status_code == 200
            assert through.json() == requests.models.complexjson.loads(direct.text.replace(upstream.url, px.url))
            assert through.json()["url"] == px.url + HUB + "/sites/1/"
            assert px.state.tally.violations() == []


def test_an_https_upstream_with_an_untrusted_certificate_is_a_502_naming_the_certificate(tmp_path):
    upstream = MockServer(Settings(port=0, apis=("torrent",), tls=True, tls_ca=tmp_path / "ca.pem"))
    with upstream, ProxyServer(ProxySettings("torrent", upstream.url, port=0), printer=lambda line: None) as px:
        reply = requests.get(px.url + TORRENT + "/message/", headers=basic(), timeout=10)
        assert reply.status_code == 502
        assert list(reply.json()) == ["error"] and "certificate" in reply.json()["error"].lower()


@pytest.mark.parametrize(("api", "upstream", "timeout", "message"), [
    ("hub", "http://127.0.0.1:8201", "0", "--upstream-timeout must be a number of seconds above 0, not 0"),
    ("hub", "http://127.0.0.1:8201", "-1", "--upstream-timeout must be a number of seconds above 0, not -1"),
    ("hub", "http://127.0.0.1:8201/rundb/api/v1/", "30",
     "--upstream http://127.0.0.1:8201/rundb/api/v1/ ends in /rundb/api/v1/, another API's root: this API's root "
     "is /api/; give the server root (http://127.0.0.1:8201) or the API root (http://127.0.0.1:8201/api/)"),
    ("torrent", "http://127.0.0.1:8201/api/", "30",
     "--upstream http://127.0.0.1:8201/api/ ends in /api/, another API's root: this API's root is /rundb/api/v1/; "
     "give the server root (http://127.0.0.1:8201) or the API root (http://127.0.0.1:8201/rundb/api/v1/)"),
])
def test_a_proxy_that_could_only_fail_every_request_is_a_usage_error(api, upstream, timeout, message):
    done = subprocess.run([sys.executable, "-m", "mockserver", "proxy", "--api", api, "--upstream", upstream,
                           "--upstream-timeout", timeout, "--port", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"mockserver: {message}\n"
    assert "listening" not in done.stdout


def test_the_client_gets_the_upstreams_date_and_server_headers_once():
    with proxied("hub") as pair:
        through = requests.get(pair.proxy.url + HUB + "/features/", timeout=10)
        direct = requests.get(pair.upstream.url + HUB + "/features/", timeout=10)
        for name in ("Date", "Server"):
            assert len(through.raw.headers.getlist(name)) == 1, name
        assert through.headers["Server"] == direct.headers["Server"]
        admin = requests.get(pair.proxy.url + "/__mock__/health", timeout=10)  # the proxy's own answers
        assert len(admin.raw.headers.getlist("Date")) == 1 and len(admin.raw.headers.getlist("Server")) == 1


def test_head_keeps_the_upstreams_content_length():
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.upstream.url))
        through = requests.head(pair.proxy.url + HUB + "/sites/1/", headers=headers, timeout=10)
        direct = requests.head(pair.upstream.url + HUB + "/sites/1/", headers=headers, timeout=10)
        assert through.status_code == direct.status_code == 200
        assert through.content == b""
        assert through.headers["Content-Length"] == direct.headers["Content-Length"] != "0"


@pytest.mark.parametrize(("api", "path"), [("hub", HUB + "/permissions/"), ("hub", HUB + "/sites/1/"),
                                           ("torrent", TORRENT + "/message/?limit=2")])
def test_links_are_rebased_inside_the_upstreams_own_text(api, path):
    with proxied(api) as pair:
        headers = bearer(hub_token(pair.upstream.url)) if api == "hub" else basic()
        through = requests.get(pair.proxy.url + path, headers=headers, timeout=10)
        direct = requests.get(pair.upstream.url + path, headers=headers, timeout=10)
        assert through.status_code == direct.status_code == 200
        assert through.content == direct.content.replace(pair.upstream.url.encode(), pair.proxy.url.encode())
        assert through.headers["Content-Length"] == str(len(through.content))
