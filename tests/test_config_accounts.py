"""Accounts from the --config file over a real server (D17): [[hub.users]] adds users the seed lacks (they log in
and are listed) or changes seeded ones, [[hub.client_keys]] are keys there from the start, [[torrent.users]]
with their API keys; all of it back after a reset. A bad table is a usage error naming the file, table and fix."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from mockserver.cli import build_parser, layer_serve_options, main, serve_parser, serve_settings
from mockserver.config import Settings
from mockserver.server import MockServer

KEY = "AbCd1234.0123456789abcdefghijABCDEFGHIJ01"
CONFIG = f"""
    [[hub.users]]
    username = "admin"
    password = "adm1n"

    [[hub.users]]
    username = "carol"
    password = "s3cret"
    groups = ["users"]
    email = "carol@example.com"

    [[hub.users]]
    username = "alice"
    password = "wonderland"
    is_staff = true

    [[hub.client_keys]]
    name = "ci"
    api_key = "{KEY}"
    user = "carol"

    [[torrent.users]]
    username = "dave"
    password = "pw"
    api_key = "0123456789abcdef0123456789abcdef01234567"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def settings_from(argv: list[str]) -> Settings:
    parser = build_parser()
    args = parser.parse_args(["serve", *argv])
    layer_serve_options(serve_parser(parser), args, argv, {})
    return serve_settings(args).with_(port=0)


@pytest.fixture
def http():
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def mock(tmp_path):
    with MockServer(settings_from(["--config", str(write(tmp_path / "mock.toml", CONFIG))])) as server:
        yield server


def login(http, mock, username, password) -> requests.Response:
    return http.post(mock.url + "/api/auth/token/", json={"username": username, "password": password}, timeout=10)


def bearer(http, mock, username, password) -> dict[str, str]:
    answer = login(http, mock, username, password)
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access"]}


def users(http, mock, headers) -> dict[str, dict]:
    answer = http.get(mock.url + "/api/users/?page_size=100", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return {user["username"]: user for user in answer.json()["results"]}


def test_d17_a_user_added_by_the_config_file_logs_in_and_is_listed(http, mock):
    listed = users(http, mock, bearer(http, mock, "carol", "s3cret"))
    carol = listed["carol"]
    assert (carol["email"], carol["is_active"], [g["name"] for g in carol["groups"]]) == (
        "carol@example.com", True, ["users"])
    assert set(listed) == {"admin", "alice", "carol"}
    assert login(http, mock, "carol", "wrong").status_code == 401


def test_d17_configured_passwords_replace_the_defaults(http, mock):
    assert login(http, mock, "admin", "adm1n").status_code == 200
    assert login(http, mock, "admin", "admin").status_code == 401


def test_d17_a_seeded_user_takes_the_fields_given(http, mock):
    """alice is staff by the file: she may write what only staff may (H25), which the seed's alice may not."""
    headers = bearer(http, mock, "alice", "wonderland")
    answer = http.post(mock.url + "/api/groups/", json={"name": "editors"}, headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    carol = bearer(http, mock, "carol", "s3cret")  # not staff: refused
    assert http.post(mock.url + "/api/groups/", json={"name": "more"}, headers=carol, timeout=10).status_code == 403


def test_d17_a_configured_client_key_authenticates_as_its_owner(http, mock):
    headers = {"Authorization": f"Api-Key {KEY}"}
    listed = http.get(mock.url + "/api/auth/clientkeys/", headers=headers, timeout=10)
    assert listed.status_code == 200, listed.text
    [key] = listed.json()["results"]
    assert (key["name"], key["user"]) == ("ci", "carol") and "api_key" not in key
    wrong = {"Authorization": f"Api-Key {KEY[:-1]}x"}
    assert http.get(mock.url + "/api/auth/clientkeys/", headers=wrong, timeout=10).status_code == 401


def test_d17_configured_accounts_are_back_after_a_reset(http, mock):
    admin = bearer(http, mock, "admin", "adm1n")
    carol_id = users(http, mock, admin)["carol"]["id"]
    assert http.delete(f"{mock.url}/api/users/carol/", headers=admin, timeout=10).status_code == 204
    assert login(http, mock, "carol", "s3cret").status_code == 401
    assert http.post(mock.url + "/__mock__/reset", timeout=10).status_code == 204
    assert users(http, mock, bearer(http, mock, "carol", "s3cret"))["carol"]["id"] == carol_id
    headers = {"Authorization": f"Api-Key {KEY}"}
    assert http.get(mock.url + "/api/auth/clientkeys/", headers=headers, timeout=10).status_code == 200


def test_torrent_users_of_the_file_answer_by_password_and_by_api_key(http, mock):
    url = mock.url + "/rundb/api/v1/message/?limit=1"
    assert http.get(url, auth=("dave", "pw"), timeout=10).status_code == 200
    key = {"Authorization": "ApiKey dave:0123456789abcdef0123456789abcdef01234567"}
    assert http.get(url, headers=key, timeout=10).status_code == 200
    assert http.get(url, auth=("ionadmin", "ionadmin"), timeout=10).status_code == 401


# -- bad tables ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("[[hub.client_keys]]\nname = 'ci'\napi_key = 'short'\nuser = 'admin'",
     "[[hub.client_keys]] #1: api_key takes the Hub's format, 8 letters or digits, a dot, 32"),
    ("[[hub.client_keys]]\nname = 'ci'\nuser = 'admin'", "[[hub.client_keys]] #1: needs api_key"),
    (f"[[hub.client_keys]]\nname = 'ci'\napi_key = '{KEY}'\nuser = 'admin'\nowner = 'x'",
     "unknown key 'owner'; a client key has name, api_key, user"),
    (f"[[hub.client_keys]]\nname = '{'n' * 51}'\napi_key = '{KEY}'\nuser = 'admin'",
     "name takes at most 50 characters"),
    (f"[[hub.client_keys]]\nname = 'a'\napi_key = '{KEY}'\nuser = 'admin'\n"
     f"[[hub.client_keys]]\nname = 'b'\napi_key = '{KEY[:9]}{'z' * 32}'\nuser = 'admin'",
     "[[hub.client_keys]] #2: api_key starts as key #1's does"),
    ("[hub]\nclient_key = []", "[hub] has no key 'client_key'; it holds [[hub.users]] and [[hub.client_keys]]"),
    ("[[hub.users]]\nusername = 'c'\npassword = 'p'\nis_staff = 'yes'", "[[hub.users]] #1: is_staff takes true or"),
    ("[[hub.users]]\nusername = 'c'\npassword = 'p'\ngroups = [1]", "[[hub.users]] #1: groups takes a list of group"),
    ("[[torrent.users]]\nusername = 'a'\npassword = 'p'\napi_key = '" + "a" * 40 + "'\n"
     "[[torrent.users]]\nusername = 'b'\npassword = 'q'\napi_key = '" + "a" * 40 + "'",
     "'a' and 'b' have the same api_key"),
])
def test_a_bad_account_table_is_a_usage_error_naming_it(tmp_path, text, message, capsys):
    config = write(tmp_path / "mock.toml", text + "\n")
    with pytest.raises(SystemExit) as exit_:
        settings_from(["--config", str(config)])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    ("[[hub.users]]\nusername = 'c'\npassword = 'p'\ngroups = ['admins']",
     "Hub user 'c': no group 'admins' in the seed; the groups are 'users'"),
    (f"[[hub.client_keys]]\nname = 'ci'\napi_key = '{KEY}'\nuser = 'nobody'",
     "Hub client key 'ci': no user 'nobody' to own it"),
])
def test_an_account_the_seed_cannot_take_stops_the_start_with_exit_2(tmp_path, text, message, capsys):
    config = write(tmp_path / "mock.toml", text + "\n")
    assert main(["--config", str(config), "--port", "0", "--api", "hub"], environ={}) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_process_serves_the_accounts_of_its_config_file(tmp_path):
    """The installed command's way: python -m mockserver --config FILE, a new Hub user logs in over HTTP."""
    config = write(tmp_path / "mock.toml", "api = 'hub'\nquiet = true\nport = 0\n" + textwrap.dedent(CONFIG))
    proc = subprocess.Popen([sys.executable, "-m", "mockserver", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("mockserver listening on "), first + proc.stderr.read()
        url = first.split()[-1]
        with requests.Session() as http:
            http.trust_env = False
            token = http.post(url + "/api/auth/token/", json={"username": "carol", "password": "s3cret"},
                              timeout=10)
            assert token.status_code == 200
            me = http.get(url + "/api/users/carol/", headers={"Authorization": "Bearer " + token.json()["access"]},
                          timeout=10)
            assert me.status_code == 200 and me.json()["email"] == "carol@example.com"
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_the_banner_shows_the_configured_client_keys_and_clock(tmp_path):
    from mockserver.cli import banner

    config = write(tmp_path / "mock.toml", "clock-start = '2030-01-01T00:00:00Z'\nclock-frozen = true\n" + CONFIG)

    class Served:
        settings = settings_from(["--config", str(config)])
        url = "http://127.0.0.1:8000"

    shown = banner(Served())
    assert f"    client key ci of carol: Authorization: Api-Key {KEY}" in shown
    assert "    user carol / password s3cret" in shown
    assert "  clock              starts at 2030-01-01T00:00:00Z, frozen (and a reset returns it there)" in shown
