"""mockserver/jsoncopy.py: copies of JSON-shaped data, and read-only copies to share between requests."""
from __future__ import annotations

import copy
import json

import pytest

from mockserver.jsoncopy import copy_json, read_only_json

DATA = {"id": 1, "name": "site1", "tags": ["a", {"deep": [1, 2]}], "nested": {"x": None, "y": [True]}}


def test_a_copy_is_equal_and_shares_no_dict_or_list():
    copied = copy_json(DATA)
    assert copied == DATA
    copied["tags"][1]["deep"].append(3)
    copied["nested"]["x"] = 0
    assert DATA["tags"][1]["deep"] == [1, 2] and DATA["nested"]["x"] is None


@pytest.mark.parametrize("change", [
    lambda d: d.__setitem__("id", 2), lambda d: d.pop("id"), lambda d: d.update(id=2), lambda d: d.clear(),
    lambda d: d.setdefault("new", 1), lambda d: d["tags"].append("b"), lambda d: d["tags"].__setitem__(0, "z"),
    lambda d: d["tags"][1]["deep"].extend([3]), lambda d: d["nested"].__setitem__("x", 1),
    lambda d: d["nested"]["y"].sort(), lambda d: d.__delitem__("name"),
])
def test_a_read_only_copy_refuses_every_change_at_every_depth(change):
    shared = read_only_json(DATA)
    with pytest.raises(TypeError, match="read-only"):
        change(shared)
    assert shared == DATA


def test_a_read_only_copy_reads_and_serialises_as_the_data_and_copies_to_plain_data():
    shared = read_only_json(DATA)
    assert json.dumps(shared, sort_keys=True) == json.dumps(DATA, sort_keys=True)
    assert {**shared, "id": 2}["id"] == 2 and shared["id"] == 1
    for plain in (copy_json(shared), copy.deepcopy(shared)):
        plain["tags"].append("b")
        plain["nested"]["x"] = 1
        assert type(plain) is dict and type(plain["tags"]) is list and shared == DATA
    shallow = copy.copy(shared)
    shallow["id"] = 2
    assert type(shallow) is dict and shared["id"] == 1
