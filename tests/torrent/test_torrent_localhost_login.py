"""T10: ``--torrent-localhost-login``, Torrent Suite's LocalhostAuthMiddleware (iondb/rundb/middleware): a request
from 127.0.0.1, 127.0.1.1 or ::1 that Basic credentials do not log in (its BasicAuthMiddleware runs first) is
logged in as ``ionadmin``. Off by default. Over real HTTP both ways, and from another address in process."""
from __future__ import annotations

import pytest
import requests
from torrent_support import API, basic

from mockserver.app import create_app
from mockserver.cli import build_parser, serve_settings
from mockserver.config import Settings
from mockserver.server import MockServer


@pytest.fixture(scope="module")
def logged_in():
    with MockServer(Settings(port=0, apis=("torrent",), torrent_localhost_login=True)) as mock:
        yield mock.url + API


@pytest.fixture(scope="module")
def default():
    with MockServer(Settings(port=0, apis=("torrent",))) as mock:
        yield mock.url + API


def test_t10_without_the_option_a_loopback_request_needs_credentials(default):
    response = requests.get(f"{default}/message/", timeout=10)
    assert response.status_code == 401 and response.content == b""
    assert response.headers["WWW-Authenticate"] == 'Basic Realm="Torrent Browser"'
    assert requests.post(f"{default}/filemonitor/", json={"url": "u"}, timeout=10).status_code == 401


def test_t10_with_the_option_a_loopback_request_without_credentials_is_ionadmin(logged_in):
    response = requests.get(f"{logged_in}/message/", timeout=10)
    assert response.status_code == 200 and response.json()["meta"]["total_count"] >= 6
    assert "Set-Cookie" not in response.headers  # the mock keeps no session (T10)
    # filemonitor is ionadmin's to write, not ionuser's (T11): the write is ionadmin's.
    created = requests.post(f"{logged_in}/filemonitor/", json={"url": "http://x/y"}, timeout=10)
    assert created.status_code == 201
    assert requests.delete(created.headers["Location"], timeout=10).status_code == 204


def test_t10_with_the_option_valid_basic_credentials_log_in_their_own_user(logged_in):
    as_ionuser = requests.post(f"{logged_in}/filemonitor/", json={"url": "u"}, auth=("ionuser", "ionuser"),
                               timeout=10)
    assert as_ionuser.status_code == 401 and "WWW-Authenticate" not in as_ionuser.headers  # T11: not permitted


@pytest.mark.parametrize("kwargs", [
    {"auth": ("ionadmin", "wrong")},
    {"headers": {"Authorization": "ApiKey ionuser:0000000000000000000000000000000000000000"}},
    {"headers": {"Authorization": "Token x"}},
])
def test_t10_with_the_option_anything_but_valid_basic_is_ionadmin(logged_in, kwargs):
    assert requests.get(f"{logged_in}/message/", timeout=10, **kwargs).status_code == 200


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.0.1.1", "::1"])
def test_t10_the_loopback_addresses_torrent_suite_trusts(remote):
    client = create_app(Settings(apis=("torrent",), torrent_localhost_login=True)).test_client()
    assert client.get(f"{API}/message/", environ_base={"REMOTE_ADDR": remote}).status_code == 200


@pytest.mark.parametrize("remote", ["192.0.2.7", "127.0.0.2", "10.0.0.1"])
def test_t10_another_address_still_needs_credentials(remote):
    client = create_app(Settings(apis=("torrent",), torrent_localhost_login=True)).test_client()
    response = client.get(f"{API}/message/", environ_base={"REMOTE_ADDR": remote})
    assert response.status_code == 401
    ok = client.get(f"{API}/message/", environ_base={"REMOTE_ADDR": remote}, headers=basic(b"ionadmin:ionadmin"))
    assert ok.status_code == 200


@pytest.mark.parametrize("argv, on", [([], False), (["--torrent-localhost-login"], True)])
def test_t10_torrent_localhost_login_option(argv, on):
    assert serve_settings(build_parser().parse_args(["serve", *argv])).torrent_localhost_login is on
