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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from proxy_support import ADMIN_KEY, HUB, PLUGIN_KEY, TORRENT, basic, bearer, hub_token, proxied

from mockserver.check import seed_problems
from mockserver.journal import MASK
from mockserver.seedgen.recording import build_seed
from mockserver.seeds import SEED_DIR, read_seed


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


@contextmanager
def _mock_serving(seed: Path) -> Iterator[str]:
    """``python -m mockserver`` on a free port with ``seed`` as its seed directory → its URL; stopped after."""
    url = f"http://127.0.0.1:{_free_port()}"
    mock = subprocess.Popen([sys.executable, "-m", "mockserver", "--port", url.rsplit(":", 1)[1], "--seed-dir",
                             str(seed), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _started(mock, url)
        yield url
    finally:
        mock.send_signal(signal.SIGINT)
        mock.communicate(timeout=10)


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

    with _mock_serving(seed) as url:
        served = requests.get(url + TORRENT + "/message/?limit=0", headers=basic(), timeout=10).json()["objects"]
        assert {m["resource_uri"]: m for m in served} == expected
        assert requests.get(url + deleted, headers=basic(), timeout=10).status_code == 404
        token = hub_token(url)
        answered = requests.get(url + HUB + "/users/carol/", headers=bearer(token), timeout=10).json()
        assert answered == {**carol, "url": carol["url"].replace(proxy_url, url)}


def _rows(seed: Path, api: str, name: str, key: str = "id") -> list:
    return [row[key] for row in json.loads((seed / api / f"{name}.json").read_text(encoding="utf-8"))]


def test_a_seed_from_a_partial_recording_keeps_the_base_rows_and_answers_as_the_upstream(tmp_path):
    """Recorded objects replace the base rows of the same key; the base rows the recording did not see stay, so
    the recorded objects' references (alerts/99 → site testexample, nodes/2 → site2) and counts (jobs/1
    tasks_count, a site's directories_count) answer as the upstream answered them."""
    recording, seed = tmp_path / "recording", tmp_path / "seed"
    base_sites = _rows(SEED_DIR, "hub", "sites")
    base_workflows = _rows(SEED_DIR, "hub", "workflows")
    base_jobs = _rows(SEED_DIR, "torrent", "PluginResultJob")
    with proxied("hub", record_dir=recording) as pair:
        headers = bearer(hub_token(pair.upstream.url))
        workflow = requests.post(pair.proxy.url + HUB + "/workflows/", headers=headers, timeout=10,
                                 json={"name": "copyit", "label": "Copy it", "filter_rules": [],
                                       "rules": [{"action": "dummy"}], "discovery": "recursive"})
        assert workflow.status_code == 201, workflow.text
        job = requests.post(pair.proxy.url + HUB + "/jobs/", headers=headers, timeout=10,
                            json={"workflow": "migrate", "site": "site1", "paths": ["/mmfs1/data/space01/a"]})
        assert job.status_code == 201, job.text
        upstream = {}
        for path in ("/sites/1/", "/sites/3/", "/alerts/99/", "/nodes/2/", "/jobs/1/", "/tasks/1/",
                     f"/workflows/{workflow.json()['id']}/"):
            answer = requests.get(pair.proxy.url + HUB + path, headers=headers, timeout=10)
            assert answer.status_code == 200, (path, answer.text)
            upstream[path] = answer.json()
        requests.get(pair.proxy.url + HUB + "/workflows/?name=copyit", headers=headers, timeout=10)  # filtered
    with proxied("torrent", record_dir=recording) as pair:
        plugin_job = requests.get(pair.proxy.url + TORRENT + f"/PluginResultJob/{base_jobs[0]}/", headers=basic(),
                                  timeout=10)
        assert plugin_job.status_code == 200
    assert build_seed(recording, seed) == 0
    assert _rows(seed, "hub", "sites") == base_sites
    assert _rows(seed, "hub", "workflows") == [*base_workflows, workflow.json()["id"]]
    assert _rows(seed, "torrent", "PluginResultJob") == sorted(base_jobs)

    with _mock_serving(seed) as url:
        headers = bearer(hub_token(url))
        served = {path: requests.get(url + HUB + path, headers=headers, timeout=10).json() for path in upstream}
        assert served["/alerts/99/"] == upstream["/alerts/99/"] and served["/alerts/99/"]["site"] == "testexample"
        assert served["/nodes/2/"]["site"] == upstream["/nodes/2/"]["site"] == "site2"
        assert served["/jobs/1/"]["tasks_count"] == upstream["/jobs/1/"]["tasks_count"] == 1
        for site in ("/sites/1/", "/sites/3/"):  # counted over the spaces the seed keeps (H94)
            assert served[site]["directories_count"] == upstream[site]["directories_count"] > 0
        created = f"/workflows/{workflow.json()['id']}/"
        assert served[created] == upstream[created]
        assert requests.get(url + TORRENT + f"/PluginResultJob/{base_jobs[0]}/", headers=basic(),
                            timeout=10).json() == plugin_job.json()


def test_a_whole_unfiltered_list_drops_the_base_rows_it_does_not_show(tmp_path):
    recording, seed = tmp_path / "recording", tmp_path / "seed"
    base = _rows(SEED_DIR, "torrent", "message")
    with proxied("torrent", record_dir=recording) as pair:
        gone = requests.get(pair.upstream.url + TORRENT + "/message/?limit=1", headers=basic(),
                            timeout=10).json()["objects"][0]["resource_uri"]
        assert requests.delete(pair.upstream.url + gone, headers=basic(), timeout=10).status_code == 204
        requests.get(pair.proxy.url + TORRENT + "/message/?level=40", headers=basic(), timeout=10)  # filtered
    assert build_seed(recording, seed) == 0
    assert _rows(seed, "torrent", "message") == base  # a filtered list says nothing of the rows it leaves out
    with proxied("torrent", record_dir=recording) as pair:
        assert requests.delete(pair.upstream.url + gone, headers=basic(), timeout=10).status_code == 204
        for offset in (0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20)[: len(base) // 2 + 1]:  # every page, two at a time
            requests.get(pair.proxy.url + TORRENT + f"/message/?limit=2&offset={offset}", headers=basic(),
                         timeout=10)
    assert build_seed(recording, tmp_path / "seed2") == 0
    assert _rows(tmp_path / "seed2", "torrent", "message") == [key for key in base
                                                               if f"/message/{key}/" not in gone]


def test_a_seed_with_a_reference_to_a_row_it_does_not_have_fails_its_check(tmp_path, capsys):
    recording = tmp_path / "recording"
    recording.mkdir()
    alert = {"id": 7, "site": "nowhere", "name": "SiteHealth", "node": None, "queue": None,
             "created": "2025-07-03T14:33:00Z", "timestamp": "2025-08-07T12:16:00Z", "severity": "INFO",
             "summary": "No workers are joined", "suppressed": False}
    line = {"time": "2026-12-07T18:00:00Z", "api": "hub", "upstream": "http://staging", "operation":
            "GET /api/alerts/{id}/", "method": "GET", "path": "/api/alerts/7/", "query": [], "request_headers": [],
            "request_body": None, "status": 200, "response_headers": [["Content-Type", "application/json"]],
            "response_body": alert, "violations": []}
    (recording / "hub-20261207T180000000000Z-1.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert build_seed(recording, tmp_path / "seed") == 1
    out = capsys.readouterr().out
    assert ("hub: alerts.json row 7: site 'nowhere' names no row of sites.json (by name)\n"
            "check failed: 1 problem(s)\n") in out
    assert "check passed" not in out


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


def test_fail_on_upstream_errors_exits_1_with_a_junit_failure_per_unanswered_request(tmp_path):
    port, dead = _free_port(), _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "mockserver", "proxy", "--api", "hub", "--upstream", f"http://127.0.0.1:{dead}",
               "--port", str(port), "--report-dir", str(tmp_path), "--fail-on-upstream-errors"]
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _started(proxy, url)
        assert requests.get(url + HUB + "/sites/", timeout=10).status_code == 502
        assert requests.delete(url + HUB + "/sites/1/", timeout=10).status_code == 502
    finally:
        proxy.send_signal(signal.SIGTERM)
        out, _ = proxy.communicate(timeout=20)
    assert proxy.returncode == 1, out
    assert "0 violation(s), 2 request(s) the upstream did not answer (502/504)" in out
    junit = (tmp_path / "proxy-hub.xml").read_text()
    assert 'tests="2" failures="2"' in junit
    assert f'message="the upstream did not answer GET /api/sites/: http://127.0.0.1:{dead} could not be reached' \
        in junit
    assert 'message="the upstream did not answer DELETE /api/sites/1/:' in junit
