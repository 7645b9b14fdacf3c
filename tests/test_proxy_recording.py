"""Recording (issue 16): ``--record`` writes each exchange with its secrets masked; ``mockserver seed
--from-recording`` turns the recorded answers into a seed directory that ``python -m mockserver --seed-dir`` serves,
the recorded objects answering as the upstream answered them. And the command's ending: reports written on
SIGINT/SIGTERM, exit 0 without a violation and 1 with any."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from proxy_support import ADMIN_KEY, HUB, PLUGIN_KEY, TORRENT, basic, bearer, hub_token, proxied

from mockserver.check import seed_problems
from mockserver.journal import MASK
from mockserver.seedgen.recording import build_seed
from mockserver.seeds import read_seed


def recorded(directory: Path) -> list[dict]:
    (path,) = directory.glob("*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_recording_masks_every_secret(tmp_path):
    with proxied("hub", record_dir=tmp_path) as pair:
        token = hub_token(pair.proxy.url)
        key = requests.post(pair.proxy.url + HUB + "/auth/clientkeys/", json={"name": "recorded"},
                            headers=bearer(token), timeout=10).json()["api_key"]
        requests.get(pair.proxy.url + HUB + "/sites/1/", headers={"Authorization": f"Api-Key {key}"}, timeout=10)
    login, created, read = recorded(tmp_path)
    assert login["request_body"] == {"username": "admin", "password": MASK}
    assert login["response_body"] == {"access": MASK, "refresh": MASK}
    assert created["request_headers"][[k for k, _ in created["request_headers"]].index("Authorization")][1] \
        == f"Bearer {MASK}"
    assert created["response_body"]["api_key"] == MASK
    assert dict(read["request_headers"])["Authorization"] == f"Api-Key {key.split('.')[0]}.{MASK}"
    assert (read["operation"], read["status"], read["response_body"]["id"]) == ("GET /api/sites/{id}/", 200, 1)
    text = "\n".join(path.read_text() for path in tmp_path.glob("*.jsonl"))
    assert token not in text and key.split(".")[1] not in text


def test_torrent_query_credentials_are_masked(tmp_path):
    with proxied("torrent", record_dir=tmp_path) as pair:
        requests.get(f"{pair.proxy.url}{TORRENT}/message/?username=ionadmin&api_key={ADMIN_KEY}", timeout=10)
    (entry,) = recorded(tmp_path)
    assert entry["query"] == [["username", "ionadmin"], ["api_key", MASK]]
    assert ADMIN_KEY not in (next(tmp_path.glob("*.jsonl"))).read_text()


@pytest.mark.parametrize("credentials", [f"username=ionadmin&api_key={ADMIN_KEY}",
                                         f"pluginresult={PLUGIN_KEY[0]}&api_key={PLUGIN_KEY[1]}"])
def test_the_api_key_in_the_links_of_an_answer_is_masked_in_the_journal_and_the_recording(tmp_path, credentials):
    secret = credentials.rsplit("=", 1)[1]
    with proxied("torrent", record_dir=tmp_path) as pair:
        answer = requests.get(f"{pair.proxy.url}{TORRENT}/message/?{credentials}&limit=1&offset=1", timeout=10)
        journal = requests.get(pair.proxy.url + "/__mock__/journal", timeout=10)
        upstream_journal = requests.get(pair.upstream.url + "/__mock__/journal", timeout=10)
    assert answer.status_code == 200, answer.text
    meta = answer.json()["meta"]
    assert f"api_key={secret}" in meta["next"] and f"api_key={secret}" in meta["previous"]  # the client's, as sent
    (entry,) = recorded(tmp_path)
    assert dict(entry["query"])["api_key"] == MASK
    shown = entry["response_body"]["meta"]
    assert shown["next"] == meta["next"].replace(secret, MASK) and shown["previous"] == meta["previous"].replace(
        secret, MASK)
    (logged,) = journal.json()
    assert logged["response_body"]["meta"] == shown
    assert upstream_journal.json()[0]["response_body"]["meta"]["next"] == meta["next"].replace(secret, MASK)
    for text in (next(tmp_path.glob("*.jsonl")).read_text(), journal.text, upstream_journal.text):
        assert secret not in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _started(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode}: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url + "/__mock__/health", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("did not start")


def test_a_recorded_estate_becomes_a_seed_the_mock_serves(tmp_path):
    recording, seed = tmp_path / "recording", tmp_path / "seed"
    with proxied("torrent", record_dir=recording) as pair:
        upstream = pair.upstream.url
        for body in ("from staging", "also from staging"):  # objects the shipped seed does not have
            assert requests.post(upstream + TORRENT + "/message/", json={"body": body, "level": 30},
                                 headers=basic(), timeout=10).status_code == 201
        listed = requests.get(pair.proxy.url + TORRENT + "/message/?limit=0", headers=basic(), timeout=10).json()
        deleted = listed["objects"][0]["resource_uri"]
        assert requests.delete(pair.proxy.url + deleted, headers=basic(), timeout=10).status_code == 204
        expected = {m["resource_uri"]: m for m in listed["objects"][1:]}
    with proxied("hub", record_dir=recording) as pair:
        headers = bearer(hub_token(pair.upstream.url))
        assert requests.post(pair.upstream.url + HUB + "/users/", json={"username": "carol", "password": "s3cret-pw",
                                                                         "email": "carol@example.com"},
                             headers=headers, timeout=10).status_code == 201
        users = requests.get(pair.proxy.url + HUB + "/users/", headers=headers, timeout=10).json()["results"]
        carol = requests.get(pair.proxy.url + HUB + "/users/carol/", headers=headers, timeout=10).json()
        proxy_url = pair.proxy.url
        assert [u["username"] for u in users] == ["admin", "alice", "carol"]
    assert build_seed(recording, seed) == 0
    assert seed_problems("torrent", read_seed("torrent", seed)) == []
    rows = json.loads((seed / "hub" / "users.json").read_text())
    assert [r["username"] for r in rows] == ["admin", "alice", "carol"]
    assert all("url" not in r and "password" not in r for r in rows)
    assert rows[0]["is_superuser"] is True  # kept from the base seed: answers do not show roles

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    mock = subprocess.Popen([sys.executable, "-m", "mockserver", "--port", str(port), "--seed-dir", str(seed),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _started(mock, url)
        served = requests.get(url + TORRENT + "/message/?limit=0", headers=basic(), timeout=10).json()["objects"]
        assert {m["resource_uri"]: m for m in served} == expected
        assert requests.get(url + deleted, headers=basic(), timeout=10).status_code == 404
        token = hub_token(url)
        answered = requests.get(url + HUB + "/users/carol/", headers=bearer(token), timeout=10).json()
        assert answered == {**carol, "url": carol["url"].replace(proxy_url, url)}
    finally:
        mock.send_signal(signal.SIGINT)
        mock.communicate(timeout=10)


@pytest.mark.parametrize(("stop", "violate", "exit_code"), [(signal.SIGINT, False, 0), (signal.SIGTERM, True, 1)])
def test_the_proxy_command_writes_its_reports_when_stopped(tmp_path, stop, violate, exit_code):
    with proxied("torrent") as pair:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "mockserver", "proxy", "--api", "torrent", "--upstream", pair.upstream.url,
                   "--port", str(port), "--report-dir", str(tmp_path)]
        proxy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            _started(proxy, url)
            assert requests.get(url + TORRENT + "/message/", headers=basic(), timeout=10).status_code == 200
            if violate:
                requests.get(url + TORRENT + "/nothing-here/", headers=basic(), timeout=10)
        finally:
            proxy.send_signal(stop)
            out, _ = proxy.communicate(timeout=20)
    assert proxy.returncode == exit_code, out
    assert f"mockserver proxy: {2 if violate else 1} exchange(s) checked, {int(violate)} violation(s)\n" in out
    markdown = (tmp_path / "proxy-torrent.md").read_text()
    junit = (tmp_path / "proxy-torrent.xml").read_text()
    assert "`GET /rundb/api/v1/message/` | 1 | 0" in markdown
    if violate:
        assert "operation_documented" in markdown and "curl -X GET" in markdown
        assert 'failures="1"' in junit and "VIOLATION operation_documented" in out
    else:
        assert "No violation." in markdown and 'failures="0"' in junit


def test_the_proxy_command_counts_what_the_upstream_did_not_answer_apart_from_violations(tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "mockserver", "proxy", "--api", "hub", "--upstream",
               f"http://127.0.0.1:{_free_port()}", "--port", str(port)]  # nothing listens upstream
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _started(proxy, url)
        assert requests.get(url + HUB + "/sites/", timeout=10).status_code == 502
    finally:
        proxy.send_signal(signal.SIGTERM)
        out, _ = proxy.communicate(timeout=20)
    assert proxy.returncode == 0, out  # no answer broke the contract
    assert "0 violation(s), 1 request(s) the upstream did not answer (502/504)" in out
