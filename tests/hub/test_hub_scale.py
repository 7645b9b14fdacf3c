"""Large tables answer as small ones do (H31–H38, H56, H64, H65): lists of 1,000 rows page, filter and order the
same as the whole table would, whatever order the rows were stored in; lookups, references and cascades read
the right rows. The views read only the page and the rows they need, so these pin what that must not change.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import math
import random

import pytest
from hub_support import Hub

GROUPS = 1000


def insert(hub: Hub, resource: str, objects: list[dict]) -> list[dict]:
    answer = hub.client.post(f"/__mock__/records/hub/{resource}", json=objects)
    assert answer.status_code == 201, answer.data
    return answer.json


@pytest.fixture
def groups(hub):
    """1,000 more groups, stored in shuffled id order: storage order is not id order."""
    ids = list(range(2, GROUPS + 2))
    random.Random(7).shuffle(ids)
    insert(hub, "groups", [{"id": pk, "name": f"group-{pk:04}"} for pk in ids])
    return sorted([1, *ids])


@pytest.mark.parametrize(("query", "size", "number"), [
    ("", 20, 1), ("?page=2", 20, 2), ("?page=17&page_size=37", 37, 17), ("?page=last", 20, 51),
    ("?page_size=100&page=11", 100, 11),
])
def test_a_page_of_a_thousand_rows_is_the_slice_of_the_whole_list_in_id_order(hub, groups, query, size, number):
    body = hub.get("groups/" + query).json
    pages = math.ceil(len(groups) / size)
    assert body["count"] == len(groups)
    assert [g["id"] for g in body["results"]] == groups[(number - 1) * size:number * size]
    assert body["results"][0] == hub.get(f"groups/{body['results'][0]['id']}/").json
    assert (body["next"] is None) == (number == pages)
    assert (body["previous"] is None) == (number == 1)


def test_a_thousand_rows_without_pagination_and_beyond_the_last_page(hub, groups):
    everything = hub.get("groups/?page_size=0").json
    assert [g["id"] for g in everything] == groups
    assert hub.get("groups/?page=52").json == {"detail": "Invalid page."}
    assert hub.get("groups/?page=51").json["results"][-1]["id"] == groups[-1]


def test_lookups_writes_and_deletes_among_a_thousand_rows(hub, groups):
    assert hub.get(f"groups/{groups[500]}/").json["name"] == f"group-{groups[500]:04}"
    assert hub.post("groups/", {"name": "group-0500"}).json == {"name": ["group with this name already exists."]}
    made = hub.created("groups/", {"name": "newest"})
    assert made["id"] > groups[-1]  # never a used id
    assert hub.get("groups/?page=last").json["results"][-1] == made
    assert hub.delete(f"groups/{groups[300]}/").status_code == 204
    assert hub.get(f"groups/{groups[300]}/").status_code == 404
    assert hub.get("groups/").json["count"] == len(groups)


def test_filters_over_many_rows_match_the_stored_rows(hub):
    ids = list(range(100, 400))
    random.Random(3).shuffle(ids)
    insert(hub, "spaces", [{"id": pk, "name": f"space-{pk}", "sites": [{"name": f"site{2 - pk % 2}", "label": "x"}],
                            "mountpoint": f"/mmfs1/{'proj' if pk % 3 else 'home'}/{pk}"} for pk in ids])
    stored = sorted(hub.rows("spaces"), key=lambda s: s["id"])
    for query, keep in [("site_id=2", lambda s: 2 in s["sites"]),
                        ("search_keyword=HOME", lambda s: "home" in s["name"] + "|" + s["mountpoint"]),
                        ("site_id=1&search_keyword=proj", lambda s: 1 in s["sites"] and "proj" in s["mountpoint"])]:
        expected = [s["id"] for s in stored if keep(s)]
        pages = math.ceil(len(expected) / 100)
        shown = [s["id"] for page in range(1, pages + 1)
                 for s in hub.get(f"spaces/?{query}&page_size=100&page={page}").json["results"]]
        assert hub.get(f"spaces/?{query}").json["count"] == len(expected)
        assert shown == expected, query


def test_ties_of_a_named_order_keep_id_order_whatever_the_storage_order(hub):
    insert(hub, "tags", [{"id": 90, "name": "same"}, {"id": 40, "name": "same"}, {"id": 60, "name": "aaa"}])
    names = [t["name"] for t in hub.get("tags/").json]
    assert names == sorted(names)
    stored = hub.state.store
    assert [row["id"] for row in stored.all("hub/tags") if row["name"] == "same"] == [90, 40]
    # features are looked up by name: of two rows with one name, the lower id answers
    insert(hub, "features", [{"id": 50, "name": "dup", "enabled": True}, {"id": 40, "name": "dup", "enabled": False}])
    assert hub.get("features/dup/").json["enabled"] is False


def test_memberships_and_references_among_many_rows(hub):
    users = insert(hub, "users", [{"username": f"user{n}", "password": "pw-12345",
                                   "groups": ["users"] if n % 50 == 0 else []} for n in range(300)])
    members = [u["username"] for u in users if u["groups"]]
    group = hub.get("groups/1/").json
    assert [u["username"] for u in group["users"]] == ["alice", *members]
    changed = hub.patch("groups/1/", {"users": ["user50", "admin"]}).json
    assert changed["users"] == ["admin", "user50"]
    assert [u["username"] for u in hub.rows("users") if 1 in u["groups"]] == ["admin", "user50"]
    assert hub.delete("groups/1/").status_code == 204
    assert all(1 not in u["groups"] for u in hub.rows("users"))
