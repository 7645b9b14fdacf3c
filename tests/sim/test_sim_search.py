"""Search over the virtual file system (H73). Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import pytest
from sim_support import Hub, assert_valid, files_with

OUTPUT = "/mmfs1/data/space01/output.mov"


def search(hub: Hub, **body) -> int:
    reply = hub.call("search_create", method="POST", body=body)
    assert reply.status == 201, reply.body
    return reply.body["id"]


def test_h73_create_echoes_the_request_with_id_and_url(hub: Hub) -> None:
    reply = hub.call("search_create", method="POST",
                     body={"path": "/mmfs1/data", "sites": ["site1"], "recursive": True, "filters": {"name": "mov"}})
    assert reply.body == {"filters": {"name": "mov"}, "merge": False, "metadata_fields": [], "path": "/mmfs1/data",
                          "recursive": True, "sites": ["site1"], "id": 1, "url": "http://hub.test/api/search/1/"}
    assert reply.headers == {"Location": "http://hub.test/api/search/1/"}
    assert_valid("/search/", "post", reply.body, "201")
    results = hub.body("search_retrieve", pk=1)
    assert_valid("/search/{id}/", "get", results)
    assert results and all("mov" in r["name"].lower() and r["site"] == "site1" for r in results)
    hit = next(r for r in results if r["path"] == OUTPUT)
    assert hit == {"href": f"http://hub.test/api/file/?path={OUTPUT}&site=site1",
                   "metadata": {"size": 257352602, "type": "file", "status": "UNMANAGED",
                                "mtime": "2025-01-01T00:00:00Z"},
                   "name": "output.mov", "path": OUTPUT, "proxies": {}, "site": "site1"}


def test_h73_sites_default_to_all_and_recursive_to_true(hub: Hub) -> None:
    every = hub.body("search_retrieve", pk=search(hub, path="/mmfs1/data/space01", filters={"name": "output"}))
    assert [(r["path"], r["site"]) for r in every] == [(OUTPUT, "site1"), (OUTPUT, "site2")]
    flat = hub.body("search_retrieve", pk=search(hub, path="/mmfs1/data/space01", recursive=False, sites=["site1"]))
    assert [r["name"] for r in flat] == ["ab", "amet", "output.mov", "rem"]


@pytest.mark.parametrize(("filters", "check"), [
    ({"type": "directory"}, lambda r: r["metadata"]["type"] == "directory"),
    ({"status": "MIGRATED"}, lambda r: r["metadata"]["status"] == "MIGRATED"),
    ({"min_size": 1_000_000, "max_size": 10_000_000}, lambda r: 1_000_000 <= r["metadata"]["size"] <= 10_000_000),
    ({"colour": "red"}, lambda r: True),
])
def test_h73_filters(hub: Hub, filters: dict, check) -> None:
    results = hub.body("search_retrieve", pk=search(hub, path="/mmfs1/data", sites=["site1"], filters=filters))
    assert results and all(check(r) for r in results)


def test_h73_sort_and_group_by_name(hub: Hub) -> None:
    pk = search(hub, path="/mmfs1/data", filters={"type": "file"})
    by_size = hub.body("search_retrieve", pk=pk, sort="-size,name")
    sizes = [r["metadata"]["size"] for r in by_size]
    assert sizes == sorted(sizes, reverse=True)
    default = hub.body("search_retrieve", pk=pk)
    assert [(r["path"], r["site"]) for r in default] == sorted((r["path"], r["site"]) for r in default)
    grouped = hub.body("search_retrieve", pk=pk, group_by_name="true")
    assert {"output.mov": [r for r in default if r["name"] == "output.mov"]} in grouped
    assert sum(len(next(iter(g.values()))) for g in grouped) == len(default)
    assert_valid("/search/{id}/", "get", grouped)
    assert hub.error("search_retrieve", pk=pk, sort="owner") == (400, {"sort": ['Invalid sort field "owner".']})


def test_h73_h80_results_show_the_status_jobs_give(hub: Hub) -> None:
    path = files_with(hub.state, "UNMANAGED")[0]
    pk = search(hub, path="/mmfs1/data/space01", sites=["site1"])
    hub.run("migrate", [path])
    hub.advance(2)
    assert next(r for r in hub.body("search_retrieve", pk=pk) if r["path"] == path)["metadata"]["status"] == "MIGRATED"


def test_h73_errors_expiry_and_delete(hub: Hub) -> None:
    assert hub.error("search_create", method="POST", body={}) == (400, {"path": ["This field is required."]})
    assert hub.error("search_create", method="POST", body={"path": "/x", "sites": ["site1", "nosuch"]}) == (
        400, {"sites": ["Object with name=nosuch does not exist."]})
    pk = search(hub, path="/nowhere")
    assert hub.body("search_retrieve", pk=pk) == []
    hub.advance(7 * 86400 + 1)
    assert hub.error("search_retrieve", pk=pk) == (404, {"detail": "No Search matches the given query."})
    fresh = search(hub, path="/mmfs1")
    assert hub.call("search_destroy", method="DELETE", pk=fresh).status == 204
    assert hub.error("search_destroy", method="DELETE", pk=fresh) == (
        404, {"detail": "No Search matches the given query."})


@pytest.mark.parametrize("ttl", [10**400, -(10**400)], ids=["huge", "-huge"])
def test_h73_any_integer_ttl_is_compared_exactly(hub: Hub, ttl: int) -> None:
    """A configured search_result_ttl too large for a float must not break reading results (no OverflowError)."""
    created = hub.body("search_create", method="POST", body={"path": "/mmfs1/data/space01", "sites": ["site1"]})
    config = hub.state.store.all("hub/configurations")[0]
    hub.state.store.put("hub/configurations", config["id"], {**config, "search_result_ttl": ttl})
    if ttl > 0:
        assert hub.body("search_retrieve", pk=created["id"])
    else:
        assert hub.error("search_retrieve", pk=created["id"]) == (404, {"detail": "No Search matches the given query."})


def test_h73_metadata_fields_and_metadata_patch(hub: Hub) -> None:
    fields = hub.body("search_metadata_fields_list")
    assert [(f["name"], f["type"]) for f in fields] == [("name", "string"), ("type", "string"),
                                                        ("status", "string"), ("size", "integer"),
                                                        ("mtime", "datetime")]
    assert fields[0] == {"id": 1, "url": "http://hub.test/api/search/metadata_fields/?name=name", "name": "name",
                         "type": "string"}
    assert_valid("/search/metadata_fields/", "get", fields)
    assert hub.call("search_metadata_partial_update", method="PATCH", body={"id": 3}).body == {}
