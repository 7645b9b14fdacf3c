"""T9/T65 over real HTTP: the request sequence of Torrent Suite's plugin status client (pipeline/bin/
ion-plugin-status) against ``python -m mockserver`` as started by a user, with the plugin key its banner prints.

The client finds its job by grid engine job id with the plugin result's key in the query, then PATCHes the job's
``resource_uri`` with the same params and ``{"state": …}``, expecting 202.
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest
import requests

API = "/rundb/api/v1/"


@pytest.fixture
def served():
    """``python -m mockserver`` with its defaults (only the port free): → (url, banner text)."""
    proc = subprocess.Popen([sys.executable, "-m", "mockserver", "--port", "0", "--quiet", "--api", "torrent"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline()]
        assert lines[0].startswith("mockserver listening on http://"), lines[0] + proc.stderr.read()
        while not lines[-1].startswith("  seed"):  # the banner's last line
            lines.append(proc.stdout.readline())
        yield lines[0].split()[-1], "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _banner_key(banner: str) -> tuple[str, str]:
    found = re.search(r"plugin result (\S+) / key (\S+)", banner)
    assert found, banner
    return found.group(1), found.group(2)


def test_t9_t65_ion_plugin_status_sequence_works_with_the_key_the_banner_prints(served):
    url, banner = served
    pk, key = _banner_key(banner)
    params = {"grid_engine_jobid": "97714", "pluginresult": pk, "api_key": key}
    with requests.Session() as s:
        s.trust_env = False
        found = s.get(f"{url}{API}PluginResultJob/", params=params, timeout=10)
        assert found.status_code == 200
        objects = found.json()["objects"]
        assert [o["grid_engine_jobid"] for o in objects] == [97714]
        job = objects[0]
        assert job["state"] == "Started" and job["endtime"] is None
        done = s.patch(url + job["resource_uri"], params=params, json={"state": "Completed"}, timeout=10)
        assert done.status_code == 202 and done.content == b""
        after = s.get(url + job["resource_uri"], params=params, timeout=10).json()
        assert after["state"] == "Completed" and after["endtime"] is not None  # T65: Completed stamps endtime
        assert after["starttime"] == job["starttime"]
        restarted = s.patch(url + job["resource_uri"], params=params, json={"state": "Started"}, timeout=10)
        assert restarted.status_code == 202
        again = s.get(url + job["resource_uri"], params=params, timeout=10).json()
        assert again["state"] == "Started" and again["starttime"] != job["starttime"]  # T65: Started stamps it


def test_t9_a_wrong_plugin_key_is_refused_and_changes_nothing(served):
    url, banner = served
    pk, key = _banner_key(banner)
    params = {"grid_engine_jobid": "97714", "pluginresult": pk, "api_key": key[::-1]}
    with requests.Session() as s:
        s.trust_env = False
        assert s.get(f"{url}{API}PluginResultJob/", params=params, timeout=10).status_code == 401
        refused = s.patch(f"{url}{API}PluginResultJob/24/", params=params, json={"state": "Error"}, timeout=10)
        assert refused.status_code == 401
        job = s.get(f"{url}{API}PluginResultJob/24/", auth=("ionadmin", "ionadmin"), timeout=10).json()
        assert job["state"] == "Started"


def test_t9_torrent_plugin_key_option_is_repeatable_and_replaces_the_seeded_key():
    from mockserver.cli import build_parser, serve_settings
    from mockserver.config import DEFAULT_TORRENT_PLUGIN_KEYS

    parse = build_parser().parse_args
    assert serve_settings(parse(["serve"])).torrent_plugin_keys == DEFAULT_TORRENT_PLUGIN_KEYS
    given = serve_settings(parse(["serve", "--torrent-plugin-key", "7:abc", "--torrent-plugin-key", "8:d:e"]))
    assert given.torrent_plugin_keys == (("7", "abc"), ("8", "d:e"))


@pytest.mark.parametrize("value", ["7", ":abc", "7:"])
def test_t9_a_plugin_key_without_pk_and_key_is_a_usage_error(value, capsys):
    from mockserver.cli import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", "--torrent-plugin-key", value])
    assert exit_.value.code == 2 and "PK:KEY" in capsys.readouterr().err


def test_t9_a_plugin_key_works_when_the_configured_users_leave_ionuser_out():
    """The key acts with ionuser's rights whether or not ionuser is a configured login; nobody logs in as it."""
    from mockserver.app import create_app
    from mockserver.config import Settings, TorrentUser

    carol = TorrentUser("carol", "s3cret", "0123456789abcdef0123456789abcdef01234567", superuser=True)
    client = create_app(Settings(apis=("torrent",), torrent_users=(carol,))).test_client()
    key = "24:5eed0f1e2d3c4b5a69788796a5b4c3d2e1f00124"  # the seeded plugin result's default key
    found = client.get(API + f"PluginResultJob/?grid_engine_jobid=97714&pluginresult=24&api_key={key[3:]}")
    assert found.status_code == 200 and [job["id"] for job in found.json["objects"]] == [24]
    patched = client.patch(API + "PluginResultJob/24/", json={"state": "Completed"},
                           headers={"Authorization": f"PluginKey {key}"})
    assert patched.status_code == 202
    assert client.get(API + "PluginResultJob/24/", auth=("carol", "s3cret")).json["state"] == "Completed"
    assert client.get(API + "message/", auth=("ionuser", "")).status_code == 401
    assert client.get(API + "message/", auth=("ionuser", "ionuser")).status_code == 401
