"""``mockserver check``: contracts and seed data agree, and a mismatch is reported by file, row and field."""
import json
import shutil

import pytest

from mockserver.check import seed_problems
from mockserver.seeds import SEED_DIR, read_seed


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_shipped_seed_matches_the_contract(api):
    assert seed_problems(api, read_seed(api)) == []


def test_a_wrongly_typed_field_is_reported(tmp_path):
    shutil.copytree(SEED_DIR / "torrent", tmp_path / "torrent")
    path = tmp_path / "torrent" / "message.json"
    rows = json.loads(path.read_text())
    rows[0]["level"] = "loud"
    rows[1]["colour"] = "red"
    path.write_text(json.dumps(rows))
    problems = seed_problems("torrent", read_seed("torrent", tmp_path))
    assert any("message.json row 0" in p and "level" in p and "'loud'" in p for p in problems)
    assert any("message.json row 1" in p and "fields not in the contract: colour" in p for p in problems)


def test_a_seed_file_for_an_unknown_resource_is_reported(tmp_path):
    (tmp_path / "torrent").mkdir()
    (tmp_path / "torrent" / "nosuch.json").write_text("[]")
    assert seed_problems("torrent", read_seed("torrent", tmp_path)) == [
        "torrent: seed file nosuch.json names no resource of the contract"
    ]
