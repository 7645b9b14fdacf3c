"""The virtual file system and the views that read it: 4.7, H68–H72, H94, H109. Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import posixpath
from collections import Counter

import pytest
from sim_support import Hub, assert_valid, files_with

from mockserver.hub.sitefs import SiteFS
from mockserver.hub.vfs import seed_counts, seeded_mountpoints, seeded_tree

OUTPUT = "/mmfs1/data/space01/output.mov"
FILE_KEYS = ["url", "site", "path", "type", "size", "ctime", "mtime", "atime", "children", "data_size", "deleted",
             "disk_usage", "error", "image_preview", "metadata", "name", "path_depth", "remote_locations",
             "restricted", "status", "thumbnail", "time_refreshed", "total_files", "video_preview"]


@pytest.mark.parametrize(("site_id", "space"), [(1, "/mmfs1/data/space01"), (2, "/mmfs1/data/space01"),
                                                (1, "/mmfs1/data/default")])
def test_4_7_seeded_tree_below_each_mountpoint(hub: Hub, site_id: int, space: str) -> None:
    fs = SiteFS(hub.state, hub.state.store.get("hub/sites", site_id))
    assert {fs.node(p).type for p in ("/mmfs1", "/mmfs1/data", space)} == {"directory"}
    entries = list(fs.walk(space))
    kinds = Counter(n.type for n in entries)
    assert 45 <= kinds["file"] <= 56 and kinds["symlink"] >= 2
    assert max(n.path.count("/") for n in entries if n.type == "directory") - space.count("/") == 3
    statuses = Counter(fs.status(n) for n in entries if n.type == "file")
    assert statuses["UNMANAGED"] > statuses["PREMIGRATED"] > 0 and statuses["MIGRATED"] > 0
    assert 1 <= sum(n.restricted for n in entries) <= len(entries) // 20 + 1
    assert all(n.size > 0 and n.mtime <= n.ctime <= n.atime for n in entries)


def test_4_7_output_mov_on_both_sites_and_the_tree_is_a_function_of_the_seed(hub: Hub) -> None:
    for site in ("site1", "site2"):
        body = hub.file(OUTPUT, site)
        assert (body["size"], body["status"], body["restricted"]) == (257352602, "UNMANAGED", False)
    mounts = seeded_mountpoints(hub.state.seed_tables, 1)
    assert mounts == ("/mmfs1/data/default", "/mmfs1/data/space01")
    assert seeded_tree.__wrapped__(0, 1, mounts) == seeded_tree(0, 1, mounts)
    assert set(seeded_tree.__wrapped__(1, 1, mounts).nodes) != set(seeded_tree(0, 1, mounts).nodes)
    assert set(seeded_tree(0, 3, ()).nodes) == {"/", "/mmfs1", "/mmfs1/data"}  # testexample: no spaces


def test_h69_file_object(hub: Hub) -> None:
    reply = hub.call("file_retrieve", path="mmfs1", site="site1", details="false", restricted="false")
    body = reply.body
    assert list(body) == FILE_KEYS
    assert_valid("/file/", "get", body)
    assert body["url"] == "http://hub.test/api/file/?path=mmfs1&site=site1&details=false&restricted=false"
    assert (body["path"], body["name"], body["type"], body["path_depth"], body["status"]) == (
        "mmfs1", "mmfs1", "directory", 1, None)
    assert body["children"] == {"count": 1, "next": None, "previous": None, "results": [
        {"name": "data", "path": "/mmfs1/data", "type": "directory",
         "url": "http://hub.test/api/file/?path=/mmfs1/data&site=site1"}]}
    assert body["time_refreshed"] == "2025-07-03T12:38:44Z" and body["total_files"] > 100
    leaf = hub.file(OUTPUT)
    assert (leaf["children"], leaf["total_files"], leaf["disk_usage"], leaf["path_depth"]) == (None, None,
                                                                                              257352602, 4)


def test_h69_children_paging_details_restricted_and_type(hub: Hub) -> None:
    fs = SiteFS(hub.state, hub.state.store.get("hub/sites", 1))
    folder = max((n for n in fs.walk("/mmfs1/data/space01") if n.type == "directory"),
                 key=lambda n: len(fs.children(n.path)))
    everything = fs.children(folder.path)
    visible = [c for c in everything if not c.restricted]
    children = hub.file(folder.path)["children"]
    assert [c["name"] for c in children["results"]] == [c.name for c in visible][:20]
    assert children["count"] == len(visible)
    with_hidden = hub.body("file_retrieve", site="site1", path=folder.path, restricted="true")["children"]
    assert with_hidden["count"] == len(everything)
    files = hub.body("file_retrieve", site="site1", path=folder.path, type="file", details="true")["children"]
    assert {c["type"] for c in files["results"]} == {"file"} and "children" not in files["results"][0]
    assert files["results"][0]["url"].startswith("http://hub.test/api/file/?path=")
    top = hub.body("file_retrieve", site="site1", path="/mmfs1/data/space01", page_size="0")["children"]
    assert isinstance(top, list) and [c["name"] for c in top][:1] == ["ab"]


def test_h69_children_pages_link_like_drf(hub: Hub) -> None:
    hub.state.store.put("hub/spaces", 50, {"id": 50, "name": "many", "mountpoint": "/mmfs1/data/space01/ab",
                                           "sites": [1]})
    root = "/mmfs1"
    for i in range(25):  # 25 spaces below /mmfs1/many: 25 directories to page through
        hub.state.store.put("hub/spaces", 100 + i, {"id": 100 + i, "name": f"s{i:02}",
                                                    "mountpoint": f"/mmfs1/many/s{i:02}", "sites": [1]})
    first = hub.body("file_retrieve", site="site1", path=root + "/many")["children"]
    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert first["next"] == "http://hub.test/api/file/?page=2&path=%2Fmmfs1%2Fmany&site=site1"
    second = hub.body("file_retrieve", site="site1", path=root + "/many", page="2")["children"]
    assert second["previous"] == "http://hub.test/api/file/?path=%2Fmmfs1%2Fmany&site=site1"
    assert hub.error("file_retrieve", site="site1", path=root + "/many", page="3") == (
        404, {"detail": "Invalid page."})


def test_h68_spaces_created_later_get_their_mountpoint(hub: Hub) -> None:
    hub.state.store.put("hub/spaces", 9, {"id": 9, "name": "media", "mountpoint": "/mmfs1/media", "sites": [2]})
    assert hub.file("/mmfs1/media", "site2")["children"]["count"] == 0
    assert [c["name"] for c in hub.file("/mmfs1", "site2")["children"]["results"]] == ["data", "media"]
    assert hub.error("file_retrieve", site="site1", path="/mmfs1/media") == (404, {"detail": "Not found."})


@pytest.mark.parametrize(("query", "status", "body"), [
    ({}, 400, {"site": ["This field is required."], "path": ["This field is required."]}),
    ({"path": "/mmfs1"}, 400, {"site": ["This field is required."]}),
    ({"site": "nosuch", "path": "/mmfs1"}, 404, {"detail": "No Site matches the given query."}),
    ({"site": "site1", "path": "/nosuch"}, 404, {"detail": "Not found."}),
    ({"site": "site1", "path": "/mmfs1", "cache_ttl": "x"}, 400, {"cache_ttl": ["Enter a whole number."]}),
    ({"site": "site1", "path": "/mmfs1", "type": "pipe"}, 400,
     {"type": ["Select a valid choice. pipe is not one of the available choices."]}),
])
def test_h69_errors(hub: Hub, query: dict, status: int, body: dict) -> None:
    assert hub.error("file_retrieve", **query) == (status, body)


def test_h70_space_files(hub: Hub) -> None:
    body = hub.body("spaces_files_retrieve", pk=1)
    assert (body["path"], body["site"]) == ("/mmfs1/data/space01", "site1")
    assert body["url"] == "http://hub.test/api/spaces/1/files/"
    assert_valid("/spaces/{id}/files/", "get", body)
    assert hub.body("spaces_files_retrieve", pk=1, site="site2", path=OUTPUT)["site"] == "site2"
    assert hub.error("spaces_files_retrieve", pk=1, path="/mmfs1/data") == (
        400, {"path": ["Path is not inside this space."]})
    assert hub.error("spaces_files_retrieve", pk=2, site="site2") == (
        400, {"site": ["Site is not part of this space."]})
    assert hub.error("spaces_files_retrieve", pk=1, path="/mmfs1/data/space01/none") == (
        404, {"detail": "Not found."})
    assert hub.error("spaces_files_retrieve", pk=99) == (404, {"detail": "No Space matches the given query."})


def test_h71_filesets(hub: Hub) -> None:
    assert hub.body("filesets_list", site="site1") == [
        {"name": "space01", "path": "/mmfs1/data/space01", "site": "site1"},
        {"name": "default", "path": "/mmfs1/data/default", "site": "site1"}]
    assert [(f["name"], f["site"]) for f in hub.body("filesets_list")] == [
        ("space01", "site1"), ("default", "site1"), ("space01", "site2")]
    assert hub.body("filesets_list", site="nosuch") == []
    assert_valid("/filesets/", "get", hub.body("filesets_list"))


def test_h72_analytics_aggregates_below_a_directory(hub: Hub) -> None:
    space = "/mmfs1/data/space01"
    items = hub.body("analytics_list", site="site1", path=space, children="true")
    assert [i["path"] for i in items] == [space] + [f"{space}/{n}" for n in ("ab", "amet", "rem")]
    top = items[0]
    files = SiteFS(hub.state, hub.state.store.get("hub/sites", 1)).files_below(space)
    assert (top["total_files"], top["size"]) == (len(files), sum(n.size for n in files))
    assert sum(top["status_counts"].values()) == len(files)
    assert sum(i["total_files"] for i in items[1:]) == len(files) - 1  # all but output.mov
    assert hub.body("analytics_list", site="site1", path=OUTPUT)[0]["status_counts"] == {
        "MIGRATED": 0, "PREMIGRATED": 0, "UNMANAGED": 1}
    assert_valid("/analytics/", "get", items)


def test_h72_analytics_csv(hub: Hub) -> None:
    reply = hub.call("analytics_list", site="site1", path="/mmfs1/data/space01", download="csv", children="1")
    assert reply.headers == {"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": 'attachment; filename="analytics.csv"'}
    lines = reply.body.splitlines()
    assert lines[0] == "path,name,type,size,total_files,MIGRATED,PREMIGRATED,UNMANAGED" and len(lines) == 5
    assert lines[1].startswith("/mmfs1/data/space01,space01,directory,")
    assert hub.error("analytics_list", site="site1", path="/mmfs1", download="xls") == (
        400, {"download": ["Select a valid choice. xls is not one of the available choices."]})


def test_h94_site_refresh_recounts_and_seed_counts_agree(hub: Hub) -> None:
    site = hub.state.store.get("hub/sites", 1)
    counted = SiteFS(hub.state, site).counts()
    tables = {k: [dict(r) for r in v] for k, v in hub.state.seed_tables.items() if k in ("hub/sites", "hub/spaces")}
    seed_counts(tables, 0)
    assert {k: tables["hub/sites"][0][k] for k in counted} == counted
    assert {k: site[k] for k in counted} == counted  # the dialect seeds the counts (H94)
    path = files_with(hub.state, "UNMANAGED")[0]
    hub.run("migrate", [path])
    hub.advance(2)
    # stored counts wait for a refresh
    assert hub.state.store.get("hub/sites", 1)["files_stubbed_count"] == counted["files_stubbed_count"]
    reply = hub.call("sites_refresh_create", method="POST", pk=1)
    assert reply.status == 202 and list(reply.body) == ["site1"]
    stored = hub.state.store.get("hub/sites", 1)
    assert stored["files_stubbed_count"] == counted["files_stubbed_count"] + 1
    assert stored["files_count"] == counted["files_count"] == stored["files_stubbed_count"] + stored[
        "files_hydrated_count"]


def test_h106_space_usage_counts_bytes_on_disk(hub: Hub) -> None:
    from mockserver.hub.files import space_bytes_used

    site = hub.state.store.get("hub/sites", 1)
    before = space_bytes_used(hub.state, site, "/mmfs1/data/space01")
    hub.run("migrate", ["/mmfs1/data/space01/output.mov"])
    hub.advance(2)
    assert space_bytes_used(hub.state, site, "/mmfs1/data/space01") == before - 257352602
    assert space_bytes_used(hub.state, site, "/mmfs1/nowhere") == 0


def test_h109_external_target_lists_remote_copies(hub: Hub) -> None:
    hub.state.store.put("hub/external_targets", 1, {"id": 1, "name": "cloud", "space": 1,
                                                    "available_on_sites": [1]})
    remote = sorted(posixpath.relpath(p, "/mmfs1/data") for s in ("MIGRATED", "PREMIGRATED")
                    for p in files_with(hub.state, s) + [n for n in restricted_files(hub, s)])
    top = hub.body("external_targets_files_retrieve", pk=1)
    assert_valid("/external_targets/{id}/files/", "get", top)
    assert [d["path"] for d in top["directories"]] == ["space01"] and top["files"] == []
    assert top["summary"] == {"files": 0, "directories": 1, "size": 0}
    level = hub.body("external_targets_files_retrieve", pk=1, path="space01/ab/")
    assert sorted(e["path"] for e in level["directories"] + level["files"]) == sorted(
        {"/".join(p.split("/")[:3]) for p in remote if p.startswith("space01/ab/")})
    assert all(isinstance(e["size"], str) for e in level["files"] + level["directories"])
    first = hub.body("external_targets_files_retrieve", pk=1, path="space01/ab", max_items="1")
    assert first["next_marker"] == (first["directories"] + first["files"])[0]["path"]
    rest = hub.body("external_targets_files_retrieve", pk=1, path="space01/ab", marker=first["next_marker"])
    assert len(rest["directories"] + rest["files"]) == len(level["directories"] + level["files"]) - 1
    assert rest["next_marker"] == ""
    globbed = hub.body("external_targets_files_retrieve", pk=1, path="space01/ab/*.flac")
    assert globbed["directories"] == [] and all(f["name"].endswith(".flac") for f in globbed["files"])
    assert hub.error("external_targets_files_retrieve", pk=5) == (
        404, {"detail": "No ExternalTarget matches the given query."})


@pytest.mark.parametrize("maximum", [0, -5])
def test_h109_a_configured_maximum_below_one_counts_as_unset(hub: Hub, maximum: int) -> None:
    hub.state.store.put("hub/external_targets", 1, {"id": 1, "name": "cloud", "space": 1, "available_on_sites": [1]})
    config = hub.state.store.all("hub/configurations")[0]
    hub.state.store.put("hub/configurations", config["id"], {**config, "maximum_external_results": maximum})
    listing = hub.body("external_targets_files_retrieve", pk=1, path="space01/ab")
    assert listing["directories"] + listing["files"] and listing["next_marker"] == ""  # all of them: the default 100


def restricted_files(hub: Hub, status: str) -> list[str]:
    fs = SiteFS(hub.state, hub.state.store.get("hub/sites", 1))
    return [n.path for n in fs.files_below("/mmfs1/data/space01") if n.restricted and fs.status(n) == status]
