"""``--db FILE``: acknowledged writes are on disk, the file survives ``kill -9``, bad files fail at start."""
import base64
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from stub_dialect import install
from stub_dialect import loopback_session as session

from mockserver import persistence
from mockserver.cli import main
from mockserver.config import Settings
from mockserver.errors import MockServerError
from mockserver.server import MockServer
from mockserver.store import Store

STUB = Path(__file__).with_name("stub_dialect.py")
BASIC = {"Authorization": "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()}
CRASH_ROUNDS = 3




# -- in process --------------------------------------------------------------------------------------------------

@pytest.fixture
def settings(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path / "seed")
    return Settings(port=0, apis=("torrent",), seed_dir=seed_dir, db=tmp_path / "db.json")


def on_disk(path: Path) -> dict:
    return json.loads(path.read_bytes())


def test_an_acknowledged_create_is_on_disk_before_the_response(settings):
    with MockServer(settings) as mock, session() as s:
        for _ in range(5):
            response = s.post(mock.url + "/rundb/api/v1/item/", json={"name": "durable"}, timeout=10)
            pk = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
            assert on_disk(settings.db)["torrent/item"][pk]["name"] == "durable"


def test_admin_records_and_reset_reach_the_file(settings):
    with MockServer(settings) as mock, session() as s:
        s.post(mock.url + "/__mock__/records/torrent/item", json={"id": 9, "name": "nine"}, timeout=10)
        assert "9" in on_disk(settings.db)["torrent/item"]
        s.post(mock.url + "/__mock__/reset", timeout=10)
        assert list(on_disk(settings.db)["torrent/item"]) == ["1"]


def test_data_in_the_file_wins_over_the_seed_at_start(settings):
    with MockServer(settings) as mock, session() as s:
        s.post(mock.url + "/rundb/api/v1/item/", json={"name": "kept"}, timeout=10)
    with MockServer(settings) as mock:
        assert [row["name"] for row in mock.state.store.all("torrent/item")] == ["seeded", "kept"]
        mock.reset()
        assert [row["name"] for row in mock.state.store.all("torrent/item")] == ["seeded"]


def test_any_string_round_trips_through_the_file(tmp_path):
    store = Store(tmp_path / "db.json")
    text = "naïve ☃ \U0001f600 \ud800 \x00"
    store.insert("api/things", 1, {"id": 1, "text": text})
    store.close()
    assert Store(tmp_path / "db.json").get("api/things", 1)["text"] == text


def test_a_refused_write_changes_nothing(tmp_path, monkeypatch):
    store = Store(tmp_path / "db.json")
    store.insert("api/things", 1, {"id": 1, "v": "old"})

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persistence.os, "replace", disk_full)
    with pytest.raises(OSError):
        store.insert("api/things", 2, {"id": 2})
    with pytest.raises(OSError):
        store.put("api/things", 1, {"id": 1, "v": "new"})
    with pytest.raises(OSError):
        store.delete("api/things", [1])
    assert store.all("api/things") == [{"id": 1, "v": "old"}]
    assert not list(tmp_path.glob(".db.json.*.tmp"))
    monkeypatch.undo()
    store.close()
    assert Store(tmp_path / "db.json").all("api/things") == [{"id": 1, "v": "old"}]


def test_an_atomic_block_is_one_write(tmp_path, monkeypatch):
    store = Store(tmp_path / "db.json")
    writes = []
    real_write = persistence.AtomicJSONStorage.write
    monkeypatch.setattr(persistence.AtomicJSONStorage, "write", lambda self, data: (writes.append(1),
                                                                                     real_write(self, data)))
    with store.atomic():
        for pk in range(1, 51):
            store.insert("api/things", pk, {"id": pk})
    assert len(writes) == 1 and len(on_disk(tmp_path / "db.json")["api/things"]) == 50


def test_temporary_files_left_by_a_crash_are_removed_at_open(tmp_path):
    first = Store(tmp_path / "db.json")
    first.insert("api/things", 1, {"id": 1})
    first.close()
    stale = tmp_path / ".db.json.abc123.tmp"
    stale.write_text('{"half": ')
    other = tmp_path / ".other.json.abc123.tmp"
    other.write_text("not ours")
    assert Store(tmp_path / "db.json").get("api/things", 1) == {"id": 1}
    assert not stale.exists() and other.exists()


@pytest.mark.parametrize("content, message", [
    (b"not json at all", "not a mockserver data file"),
    (b'{"torrent/item": {"1": {"id": 1', "not a mockserver data file"),  # torn
    (b"\xff\xfe\x00garbage", "not a mockserver data file"),
    (b"[1, 2]", "expected an object of tables"),
    (b'{"_default": {"1": {"a": 1}}}', "named <api>/<resource>"),  # a TinyDB file of someone else's
    (b'{"torrent/item": {"x": {}}}', "not a row under a numeric id"),
    (b'{"torrent/item": []}', "is not an object"),
])
def test_a_corrupt_or_foreign_file_is_a_clear_start_error(tmp_path, capsys, content, message):
    db = tmp_path / "db.json"
    db.write_bytes(content)
    assert main(["serve", "--api", "torrent", "--port", "0", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mockserver: {db}") and message in err and "Traceback" not in err
    assert db.read_bytes() == content  # left alone for the user to look at


def test_a_directory_is_a_clear_start_error(tmp_path, capsys):
    assert main(["serve", "--api", "torrent", "--port", "0", "--db", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


# -- kill -9 under write load ------------------------------------------------------------------------------------

class Served:
    """The CLI in a subprocess on a free port; ``kill()`` is SIGKILL."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None):
        self.proc = subprocess.Popen([sys.executable, *args, "--port", "0", "--quiet"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        first = self.proc.stdout.readline()
        if "listening on" not in first:
            self.proc.kill()
            out, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"the server did not start: {first}{out}{err}")
        self.url = first.split("listening on", 1)[1].strip()
        # Nobody reads the rest of stdout/stderr; a quiet server writes too little to fill the pipes.

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.communicate(timeout=10)


APIS = {
    # name: (server arguments before --db, create path, create body, headers, stored table)
    "stub": (lambda seed: [str(STUB), str(seed)], "/rundb/api/v1/item/", {"name": "load"}, {}, "torrent/item"),
    "torrent": (lambda seed: ["-m", "mockserver", "serve", "--api", "torrent"], "/rundb/api/v1/message/",
                {"body": "load"}, BASIC, "torrent/message"),
}


@pytest.mark.parametrize("api", APIS)
def test_every_acknowledged_write_survives_kill_9(tmp_path, api):
    command, path, body, headers, table = APIS[api]
    db = tmp_path / "db.json"
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)  # a random moment each run; the seed in the failure message replays it
    acknowledged: set[str] = set()
    refused: list[str] = []

    for round_ in range(CRASH_ROUNDS):
        served = Served([*command(tmp_path / "seed"), "--db", str(db)])
        stop = threading.Event()
        load = (served.url + path, body, headers, stop, acknowledged, refused)
        writers = [threading.Thread(target=write_until_stopped, args=load) for _ in range(4)]
        [w.start() for w in writers]
        time.sleep(rng.uniform(0.2, 0.7))
        served.kill()
        stop.set()
        [w.join(15) for w in writers]
        assert refused == []
        stored = on_disk(db)[table]  # whole JSON: never a torn file
        missing = acknowledged - set(stored)
        assert not missing, f"round {round_} (seed {seed}): acknowledged but lost: {sorted(missing)[:10]}"

    assert len(acknowledged) > 20, "the load was too light to test anything"
    served = Served([*command(tmp_path / "seed"), "--db", str(db)])
    try:
        with session() as s:
            sample = rng.sample(sorted(acknowledged), 20)
            for pk in sample:
                assert s.get(f"{served.url}{path}{pk}/", headers=headers, timeout=10).status_code == 200
    finally:
        served.stop()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def write_until_stopped(url, body, headers, stop, acknowledged: set, refused: list) -> None:
    """POST creates until told to stop or the server is gone; every 201 adds its id to ``acknowledged``."""
    with session() as s:
        while not stop.is_set():
            try:
                response = s.post(url, json=body, headers=headers, timeout=10)
            except requests.ConnectionError:
                return
            if response.status_code != 201:
                refused.append(f"{response.status_code} {response.text[:200]}")
                return
            acknowledged.add(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])  # set.add is atomic


def test_a_failed_atomic_block_leaves_memory_and_file_as_before(tmp_path):
    store = Store(tmp_path / "db.json")
    store.load_seed({"api/things": [{"id": i} for i in range(1, 6)]})
    before = (tmp_path / "db.json").read_bytes()
    with pytest.raises(ValueError):
        with store.atomic():
            store.delete("api/things", [2, 4])
            store.put("api/things", 1, {"id": 1, "changed": True})
            store.replace_table("api/other", {"1": {"id": 1}})
            with pytest.raises(KeyError):
                with store.atomic():  # an inner failure undoes the inner block only
                    store.insert("api/things", 10, {"id": 10})
                    raise KeyError
            assert store.exists("api/things", 1) and not store.exists("api/things", 10)
            raise ValueError
    assert store.all("api/things") == [{"id": i} for i in range(1, 6)]  # in their places
    assert store.tables == ["api/things"] and store.next_id("api/things") == 6
    assert (tmp_path / "db.json").read_bytes() == before


# -- kill -9 inside a cascade ------------------------------------------------------------------------------------

HUB = ["-m", "mockserver", "serve", "--api", "hub"]
DOOMED_SITE = 2
KILLS = ["held", "released", "random"]  # see test_a_site_cascade_is_all_or_nothing_across_kill_9


def hub_login(url: str) -> dict[str, str]:
    with session() as s:
        answer = s.post(url + "/api/auth/token/", json={"username": "admin", "password": "admin"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access']}"}


@pytest.fixture(scope="module")
def cascade(tmp_path_factory) -> tuple[Path, dict, dict]:
    """A seeded Hub data file, its content, and its content after ``DELETE /api/sites/2/`` (made in process)."""
    from mockserver.app import create_app

    folder = tmp_path_factory.mktemp("cascade")
    create_app(Settings(apis=("hub",), db=folder / "pristine.json"))
    before = on_disk(folder / "pristine.json")
    (folder / "reference.json").write_bytes((folder / "pristine.json").read_bytes())
    client = create_app(Settings(apis=("hub",), db=folder / "reference.json")).test_client()
    token = client.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json["access"]
    assert client.delete(f"/api/sites/{DOOMED_SITE}/", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    after = on_disk(folder / "reference.json")
    removed = [(table, key) for table, rows in before.items() for key in rows if key not in after.get(table, {})]
    assert len(removed) >= 8, "the cascade is too small to test anything"
    return folder / "pristine.json", before, after


def test_a_site_cascade_is_all_or_nothing_across_kill_9(tmp_path, cascade):
    """SIGKILL while ``DELETE /api/sites/2/`` is written: paused between writing the temporary file and renaming
    it ("held"), right after that pause ends ("released"), or at a random moment of the request ("random").
    After every restart the file holds the whole cascade or none of it, and the restarted server agrees."""
    pristine, before, after = cascade
    db, hold = tmp_path / "db.json", tmp_path / "hold"
    held = hold.with_name("hold.held")
    env = {persistence.HOLD_ENV: str(hold)}
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    seen = []
    for round_, kill in enumerate(KILLS):
        db.write_bytes(pristine.read_bytes())
        served = Served([*HUB, "--db", str(db)], env)
        headers = hub_login(served.url)
        if kill != "random":
            hold.touch()
        answers: list = []
        deleting = threading.Thread(target=delete_site, args=(served.url, headers, answers))
        deleting.start()
        if kill == "random":
            time.sleep(rng.uniform(0, 0.05))  # somewhere in the request (or before or after it): all are fine
        else:
            wait_for(held.exists, f"round {round_}: the cascade's write never reached the hold")
            writing = on_disk(Path(held.read_text()))  # the one write of the request carries all of it
            assert writing == after, f"round {round_}: the write in progress holds only part of the cascade"
            if kill == "released":
                hold.unlink()
        served.kill()
        deleting.join(15)
        hold.unlink(missing_ok=True)
        held.unlink(missing_ok=True)

        on_file = on_disk(db)
        assert on_file in (before, after), f"round {round_} ({kill}, seed {seed}): half a cascade on disk"
        if kill == "held":
            assert on_file == before and answers == ["gone"]
        seen.append("all" if on_file == after else "none")
        restarted = Served([*HUB, "--db", str(db)])
        try:
            with session() as s:
                status = s.get(f"{restarted.url}/api/sites/{DOOMED_SITE}/", headers=hub_login(restarted.url),
                               timeout=10).status_code
        finally:
            restarted.stop()
        assert status == (404 if on_file == after else 200), f"round {round_}: the restart disagrees with the file"
        assert on_disk(db) == on_file and not list(tmp_path.glob(".db.json.*.tmp"))
    assert "none" in seen  # the held round, at least


def delete_site(url: str, headers: dict[str, str], answers: list) -> None:
    with session() as s:
        try:
            answers.append(s.delete(f"{url}/api/sites/{DOOMED_SITE}/", headers=headers, timeout=15).status_code)
        except requests.ConnectionError:
            answers.append("gone")


def wait_for(condition, message: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.005)


# -- files written by earlier versions ---------------------------------------------------------------------------

BEFORE_REDESIGN = Path(__file__).with_name("data") / "db-before-redesign.json"


def test_a_db_file_written_before_the_redesign_still_loads(tmp_path):
    """tests/data/db-before-redesign.json: both APIs seeded by the code of before the redesign (cb2c802), then
    POST /rundb/api/v1/message/ (id 29), POST /api/sites/ (site9, id 4), PATCH /api/sites/1/ (label), DELETE
    /api/sites/3/, POST /api/users/ (bob), POST /api/file/workflow/."""
    from mockserver.app import create_app

    db = tmp_path / "db.json"
    db.write_bytes(BEFORE_REDESIGN.read_bytes())
    client = create_app(Settings(apis=("torrent", "hub"), db=db)).test_client()
    assert db.read_bytes() == BEFORE_REDESIGN.read_bytes()  # the file's data won over the seed; nothing rewritten
    message = client.get("/rundb/api/v1/message/29/", headers=BASIC)
    assert (message.status_code, message.json["body"]) == (200, "written before the redesign")
    token = client.post("/api/auth/token/", json={"username": "bob", "password": "bobpw"})
    assert token.status_code == 200
    hub = {"Authorization": f"Bearer {token.json['access']}"}
    assert client.get("/api/sites/4/", headers=hub).json["name"] == "site9"
    assert client.get("/api/sites/1/", headers=hub).json["label"] == "Relabelled"
    assert client.get("/api/sites/3/", headers=hub).status_code == 404
    assert client.get("/api/jobs/", headers=hub).json["count"] >= 1
    assert client.post("/rundb/api/v1/message/", json={"body": "after"}, headers=BASIC).status_code == 201
    assert on_disk(db)["torrent/message"]["30"]["body"] == "after"


def test_a_second_mock_on_a_file_in_use_is_refused_and_takes_nothing(tmp_path):
    """Two mocks on one file would each rewrite it from their own memory: the second's writes would erase the
    first's acknowledged ones. The second is refused at open, naming the holder; once the first closes, it opens."""
    first = Store(tmp_path / "db.json")
    first.insert("api/things", 1, {"id": 1})
    with pytest.raises(MockServerError, match=rf"in use by another mockserver \(pid {os.getpid()}\)"):
        Store(tmp_path / "db.json")
    first.insert("api/things", 2, {"id": 2})
    first.close()
    assert Store(tmp_path / "db.json").all("api/things") == [{"id": 1}, {"id": 2}]


def test_a_second_server_on_a_file_in_use_exits_2_with_the_reason(tmp_path):
    db = tmp_path / "db.json"
    first = subprocess.Popen([sys.executable, "-m", "mockserver", "--port", "0", "--db", str(db), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first.stdout.readline()  # the banner: it listens, holding the file
        second = subprocess.run([sys.executable, "-m", "mockserver", "--port", "0", "--db", str(db)],
                                capture_output=True, text=True, timeout=60)
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert second.returncode == 2
    assert f"in use by another mockserver (pid {first.pid})" in second.stderr
