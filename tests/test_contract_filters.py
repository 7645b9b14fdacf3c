"""Every filter param the contracts declare is honoured by the running mock: generated from ``x-resources``
``filters``, one test per param of both APIs. For each, rows are made that match and rows that do not (through
the API, or the admin records API, A9), the list is asked over HTTP with the param, and exactly the matching
rows come back.

The expected rows are chosen by hand: for Torrent per lookup and value type (every allowed lookup of a field is
a param of its own), for the Hub per param (``HUB_CASES``: jobs made through file/workflow, schedules and client
keys, the clock moved through the admin API). They are never computed by the mock's own lookups; a filter with
no case here fails, so a new filter in a contract needs one.
Rules: docs/behaviour/torrent.md, docs/behaviour/admin.md.
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.contract import load
from mockserver.engine.fields import json_type

TORRENT = load("torrent")
ADMIN = {"Authorization": "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()}

# A case: the values stored in the field under test, one row each, and queries with the indices of the rows
# each must return.
Case = tuple[list[Any], list[tuple[str, set[int]]]]


def _ordinal(kind: str, n: int, obj: bool = False) -> tuple[Any, str]:
    """(stored value, query text) for the n-th value of an ordered type."""
    if kind == "integer":
        return n, str(n)
    if kind == "key":  # ids above every seeded one
        return 1000 + n, str(1000 + n)
    if kind == "date-time":
        return f"2020-03-{n:02d}T05:06:07.000008+00:00", f"2020-03-{n:02d}T05:06:07.000008"
    letter = chr(ord("a") + n)
    return ({letter: 1}, f'{{"{letter}": 1}}') if obj else (letter, letter)


def _compare_case(lookup: str, kind: str, obj: bool) -> Case:
    def v(n: int) -> Any:
        return _ordinal(kind, n, obj)[0]

    def q(*ns: int) -> str:
        return ",".join(_ordinal(kind, n, obj)[1] for n in ns)

    return {
        "exact": ([v(5), v(7)], [(q(5), {0})]),
        "gt": ([v(7), v(5)], [(q(6), {0})]),
        "gte": ([v(6), v(5)], [(q(6), {0})]),
        "lt": ([v(5), v(7)], [(q(6), {0})]),
        "lte": ([v(6), v(7)], [(q(6), {0})]),
        "in": ([v(5), v(7), v(9)], [(q(5, 9), {0, 2})]),
        "range": ([v(6), v(9), v(4)], [(q(5, 7), {0})]),
    }[lookup]


TEXT_CASES: dict[str, dict[str, Case]] = {
    "key": {
        "iexact": ([1005, 1007], [("1005", {0})]), "contains": ([1015, 1007], [("15", {0})]),
        "icontains": ([1015, 1007], [("15", {0})]), "startswith": ([1051, 2051], [("1", {0})]),
        "istartswith": ([1051, 2051], [("1", {0})]), "endswith": ([1015, 1051], [("15", {0})]),
        "iendswith": ([1015, 1051], [("15", {0})]), "regex": ([1015, 2007], [("^1", {0})]),
        "iregex": ([1015, 2007], [("^1", {0})]),
    },
    "integer": {
        "iexact": ([5, 7], [("5", {0})]), "contains": ([15, 7], [("5", {0})]), "icontains": ([15, 7], [("5", {0})]),
        "startswith": ([51, 15], [("5", {0})]), "istartswith": ([51, 15], [("5", {0})]),
        "endswith": ([15, 51], [("5", {0})]), "iendswith": ([15, 51], [("5", {0})]),
        "regex": ([15, 7], [("^1", {0})]), "iregex": ([15, 7], [("^1", {0})]),
    },
    "string": {
        "iexact": (["abc", "abd"], [("ABC", {0})]), "contains": (["xabcx", "xyz"], [("abc", {0})]),
        "icontains": (["xabcx", "xyz"], [("ABC", {0})]), "startswith": (["abc", "cab"], [("ab", {0})]),
        "istartswith": (["abc", "cab"], [("AB", {0})]), "endswith": (["cab", "abc"], [("ab", {0})]),
        "iendswith": (["cab", "abc"], [("AB", {0})]), "regex": (["abc", "xbc"], [("^a", {0})]),
        "iregex": (["abc", "xbc"], [("^A", {0})]),
    },
    "object": {  # a JSON column: the lookups read its text, {"abc": 1}
        "iexact": ([{"abc": 1}, {"abd": 1}], [('{"ABC": 1}', {0})]),
        "contains": ([{"xabcx": 1}, {"xyz": 1}], [("abc", {0})]),
        "icontains": ([{"xabcx": 1}, {"xyz": 1}], [("ABC", {0})]),
        "startswith": ([{"abc": 1}, {"cab": 1}], [('{"ab', {0})]),
        "istartswith": ([{"abc": 1}, {"cab": 1}], [('{"AB', {0})]),
        "endswith": ([{"cab": 1}, {"abc": 1}], [('ab": 1}', {0})]),
        "iendswith": ([{"cab": 1}, {"abc": 1}], [('AB": 1}', {0})]),
        "regex": ([{"abc": 1}, {"xbc": 1}], [('^{"a', {0})]), "iregex": ([{"abc": 1}, {"xbc": 1}], [('^{"A', {0})]),
    },
    "date-time": {  # stored as UTC text with microseconds
        "iexact": (["2020-03-05T05:06:07.000008+00:00", "2020-03-06T05:06:07.000008+00:00"],
                   [("2020-03-05T05:06:07.000008+00:00", {0})]),
        "contains": (["2020-03-05T05:06:07.000008+00:00", "2020-04-05T05:06:07.000008+00:00"], [("-03-", {0})]),
        "icontains": (["2020-03-05T05:06:07.000008+00:00", "2020-04-05T05:06:07.000008+00:00"], [("03-05t", {0})]),
        "startswith": (["2020-03-05T05:06:07.000008+00:00", "2021-03-05T05:06:07.000008+00:00"], [("2020", {0})]),
        "istartswith": (["2020-03-05T05:06:07.000008+00:00", "2021-03-05T05:06:07.000008+00:00"], [("2020", {0})]),
        "endswith": (["2020-03-05T05:06:07.000008+00:00", "2020-03-05T05:06:08.000008+00:00"],
                     [("07.000008+00:00", {0})]),
        "iendswith": (["2020-03-05T05:06:07.000008+00:00", "2020-03-05T05:06:08.000008+00:00"],
                      [("07.000008+00:00", {0})]),
        "regex": (["2020-03-05T05:06:07.000008+00:00", "2021-03-05T05:06:07.000008+00:00"], [("^2020", {0})]),
        "iregex": (["2020-03-05T05:06:07.000008+00:00", "2020-03-06T05:06:07.000008+00:00"], [("05t05", {0})]),
    },
}

# Date parts of a datetime: 2020-03-04 is a Wednesday (week_day 4: 1 = Sunday).
DATE_PARTS: dict[str, Case] = {
    "year": (["2020-03-04T05:06:07+00:00", "2021-03-04T05:06:07+00:00"], [("2020", {0})]),
    "month": (["2020-03-04T05:06:07+00:00", "2020-04-04T05:06:07+00:00"], [("3", {0})]),
    "day": (["2020-03-04T05:06:07+00:00", "2020-03-05T05:06:07+00:00"], [("4", {0})]),
    "week_day": (["2020-03-04T05:06:07+00:00", "2020-03-05T05:06:07+00:00"], [("4", {0})]),
    "hour": (["2020-03-04T05:06:07+00:00", "2020-03-04T06:06:07+00:00"], [("5", {0})]),
    "minute": (["2020-03-04T05:06:07+00:00", "2020-03-04T05:07:07+00:00"], [("6", {0})]),
    "second": (["2020-03-04T05:06:07+00:00", "2020-03-04T05:06:08+00:00"], [("7", {0})]),
}


def _field_case(lookup: str, kind: str, nullable: bool) -> Case:
    """A case for a generic lookup on a field whose values have ``kind`` (integer, string, object, date-time)."""
    if lookup in ("exact", "gt", "gte", "lt", "lte", "in", "range"):
        return _compare_case(lookup, "string" if kind == "object" else kind, kind == "object")
    if lookup == "isnull":
        some = _ordinal("string" if kind == "object" else kind, 5, kind == "object")[0]
        if nullable:
            return [None, some], [("true", {0}), ("false", {1})]
        return [some], [("false", {0}), ("true", set())]
    if lookup in DATE_PARTS:
        return DATE_PARTS[lookup]
    return TEXT_CASES[kind][lookup]


# -- Torrent ----------------------------------------------------------------------------------------------------------


def _torrent_kind(resource: str, field: str) -> str:
    schema = TORRENT["components"]["schemas"][TORRENT["x-resources"][resource]["schema"]]["properties"][field]
    if schema.get("type") == "object":
        return "object"
    if field == TORRENT["x-resources"][resource]["key"]:
        return "key"
    if schema.get("format") == "date-time":
        return "date-time"
    write = TORRENT["components"]["schemas"][TORRENT["x-resources"][resource]["write_schema"]]["properties"]
    if schema.get("type") == "integer" or json_type(write.get(field, {})) == "integer":
        return "integer"
    return "string"


def _torrent_nullable(resource: str, field: str) -> bool:
    schema = TORRENT["components"]["schemas"][TORRENT["x-resources"][resource]["schema"]]["properties"][field]
    return bool(schema.get("nullable"))


# The Torrent product's own lookups: per lookup, the fields' objects and the queries.
def _fileset_case(field: str) -> tuple[list[dict[str, Any]], list[tuple[str, set[int]]]]:
    prefix = field.partition(".")[2]  # T68: state codes, K = kept, P = in progress
    return ([{f"{prefix}_state": "Archived", f"{prefix}_keep": False},
             {f"{prefix}_state": "Local", f"{prefix}_keep": True},
             {f"{prefix}_state": "Archiving", f"{prefix}_keep": False}],
            [("AD", {0}), ("K", {1}), ("P", {2}), ("L,K", {1}), ("DD", set())])


def _iregex_case(field: str) -> tuple[list[dict[str, Any]], list[tuple[str, set[int]]]]:
    names = field.split(",")  # the pattern, any case, in any of the fields
    objs = [{name: "Alpha" if i == j else "omega" for j, name in enumerate(names)} for i in range(len(names))]
    return [*objs, dict.fromkeys(names, "beta")], [("^al", set(range(len(names)))), ("^B", {len(names)})]


TORRENT_OWN = {"fileset_state": _fileset_case, "any_iregex": _iregex_case}


def _torrent_params():
    for resource, entry in TORRENT["x-resources"].items():
        for param in entry["filters"]:
            yield pytest.param(resource, param, id=f"torrent-{resource}-{param}")


@pytest.fixture(scope="module")
def torrent():
    app = create_app(Settings(apis=("torrent",)))
    return app, app.test_client()


@pytest.mark.parametrize(("resource", "param"), list(_torrent_params()))
def test_every_torrent_filter_is_honoured(torrent, resource, param):
    app, client = torrent
    state_of(app).reset()
    entry = TORRENT["x-resources"][resource]
    spec = entry["filters"][param]
    if spec["lookup"] in TORRENT_OWN:
        objs, queries = TORRENT_OWN[spec["lookup"]](spec["field"])
    else:
        values, queries = _field_case(spec["lookup"], _torrent_kind(resource, spec["field"]),
                                      _torrent_nullable(resource, spec["field"]))
        objs = [{spec["field"]: value} for value in values]
    base = {k: v for k, v in entry["example"].items() if k not in ("id", "resource_uri")}
    made = client.post(f"/__mock__/records/torrent/{resource}", json=[{**base, **obj} for obj in objs])
    assert made.status_code == 201, made.get_json()
    ids = [row["id"] for row in made.get_json()]
    for query, expected in queries:
        response = client.get(entry["list_path"], query_string={param: query, "limit": "0"}, headers=ADMIN)
        assert response.status_code == 200, (query, response.get_json())
        found = {row["id"] for row in response.get_json()["objects"]} & set(ids)
        assert found == {ids[i] for i in expected}, (param, query)


# -- Hub --------------------------------------------------------------------------------------------------------------

HUB = load("hub")
OUTPUT = "/mmfs1/data/space01/output.mov"  # a seeded file: a migrate of it processes one file


class HubWorld:
    """The mock serving the Hub, reset, its clock at 2025-07-03T12:00:00Z, spoken to as admin over HTTP."""

    def __init__(self, app):
        self.app, self.http = app, app.test_client()
        state_of(app).reset()
        self.clock(set="2025-07-03T12:00:00Z")

    def clock(self, **change: Any) -> None:
        """Move the clock; admin logs in again, as the access token may have expired."""
        assert self.http.post("/__mock__/clock", json=change).status_code == 200
        self.admin = self.login("admin")

    def login(self, username: str) -> dict[str, str]:
        tokens = self.http.post("/api/auth/token/", json={"username": username, "password": username}).json
        return {"Authorization": f"Bearer {tokens['access']}"}

    def records(self, resource: str, objs: list[dict[str, Any]]) -> list[int]:
        made = self.http.post(f"/__mock__/records/hub/{resource}", json=objs)
        assert made.status_code == 201, made.get_json()
        return [row.get("id") for row in made.get_json()]

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        answer = self.http.open(f"/api/{path}", method=method, json=body, headers=headers or self.admin)
        assert answer.status_code in (200, 201, 202), answer.get_json()
        return answer.get_json()

    def run(self, workflow: str, paths: list[str], site: str = "site1", headers: dict[str, str] | None = None,
            **extra: Any) -> int:
        body = {"site": site, "workflow": workflow, "paths": paths, **extra}
        return self.send("POST", "file/workflow/", body, headers)["job"]

    def listed(self, path: str, query: dict[str, str], key: str = "id") -> list[Any]:
        answer = self.http.get(f"/api/{path}", query_string={**query, "page_size": "0"}, headers=self.admin)
        assert answer.status_code == 200, (path, query, answer.get_json())
        return [item[key] for item in answer.get_json()]


# A Hub case: (list path, the ids made, [(query, the ids it must return)][, the items' key]); only the made rows
# are compared.
HubCase = tuple[Any, ...]


def _two_jobs(world: HubWorld) -> tuple[int, int]:
    """A: admin's migrate of OUTPUT on site1 at 12:00 (succeeds, one file processed); B: alice's recall of /x on
    site2 a day later (fails: no such file). Both finished."""
    a = world.run("migrate", [OUTPUT])
    world.clock(advance=86400)
    b = world.run("recall", ["/x"], site="site2", headers=world.login("alice"))
    world.clock(advance=10)
    return a, b


def _jobs_created(world: HubWorld) -> HubCase:
    a = world.run("migrate", [OUTPUT])
    world.clock(advance=7200)
    b = world.run("recall", ["/x"])
    return "jobs/", [a, b], [({"created": "1h"}, {b}), ({"created": "3h"}, {a, b}), ({"created": "null"}, {a, b})]


def _jobs_plain(param: str) -> Callable[[HubWorld], HubCase]:
    def case(world: HubWorld) -> HubCase:
        a, b = _two_jobs(world)
        queries = {
            "created_time_from": [({"created_time_from": "2025-07-04T00:00:00Z"}, {b})],
            "created_time_to": [({"created_time_to": "2025-07-04T00:00:00Z"}, {a}),
                                ({"created": "1h", "created_time_to": "2025-07-04T00:00:00Z"}, {b})],
            "completed_time_from": [({"completed_time_from": "2025-07-04T00:00:00"}, {b})],
            "completed_time_to": [({"completed_time_to": "2025-07-04T00:00:00+00:00"}, {a})],
            "workflow": [({"workflow": "recall"}, {b})],
            "state": [({"state": "FAILURE"}, {b}), ({"state": "SUCCESS,FAILURE"}, {a, b})],
            "site": [({"site": "site2"}, {b})],
            "site_id": [({"site_id": "1"}, {a})],
            "input_paths_prefix": [({"input_paths_prefix": "/mmfs1/"}, {a})],
            "search_keyword": [({"search_keyword": "ALICE"}, {b}), ({"search_keyword": "output.MOV"}, {a})],
        }[param]
        return "jobs/", [a, b], queries
    return case


def _jobs_owners(world: HubWorld) -> HubCase:
    a, b = _two_jobs(world)
    (c,) = world.records("jobs", [{"workflow": "migrate", "site": "site1", "paths": []}])  # nobody's
    world.records("schedules", [{"name": "nightly", "site": "site1", "space": "space01"}])
    world.records("schedule_workflows", [{"schedule": 1, "site": "site1", "workflow": "migrate", "queue": "default"}])
    world.send("POST", "schedules/1/run/")
    d = max(world.listed("jobs/", {}))  # the schedule's
    return "jobs/", [a, b, c, d], [({"owner_ids": "2"}, {b}), ({"owner_ids": "1,2"}, {a, b}),
                                   ({"owner_ids": "-1"}, {c}), ({"owner_ids": "-2"}, {d}),
                                   ({"owner_ids": "2,-2"}, {b, d})]


def _jobs_schedules(world: HubWorld) -> HubCase:
    a = world.run("migrate", [OUTPUT])
    world.records("schedules", [{"name": "nightly", "site": "site1", "space": "space01"}])
    world.records("schedule_workflows", [{"schedule": 1, "site": "site1", "workflow": "migrate", "queue": "default"}])
    world.send("POST", "schedules/1/run/")
    d = max(world.listed("jobs/", {}))
    return "jobs/", [a, d], [({"schedule_ids": "1"}, {d}), ({"schedule_ids": "2"}, set())]


def _jobs_clientkeys(world: HubWorld) -> HubCase:
    key = world.send("POST", "auth/clientkeys/", {"name": "k1"})
    a = world.run("migrate", [OUTPUT])
    b = world.run("migrate", [OUTPUT], headers={"Authorization": f"Api-Key {key['api_key']}"})
    return "jobs/", [a, b], [({"clientkey_ids": str(key["id"])}, {b})]


def _jobs_queues(world: HubWorld) -> HubCase:
    (fast,) = world.records("queues", [{"name": "fast", "site": "site1", "label": "Fast"}])
    a = world.run("migrate", [OUTPUT])
    b = world.run("migrate", [OUTPUT], queue="fast")
    return "jobs/", [a, b], [({"queue": "fast"}, {b}), ({"queue_id": str(fast)}, {b}), ({"queue": "default"}, {a})]


def _jobs_noop(world: HubWorld) -> HubCase:
    a, b = _two_jobs(world)
    n = world.run("migrate", [])  # succeeds having processed nothing
    world.clock(advance=10)
    return "jobs/", [a, b, n], [({"hide_noop": "true"}, {a, b}), ({"hide_noop": "false"}, {a, b, n})]


def _tasks(param: str) -> Callable[[HubWorld], HubCase]:
    def case(world: HubWorld) -> HubCase:
        a, b = _two_jobs(world)
        tasks = {t["job"]: t for t in world.http.get("/api/tasks/?page_size=0", headers=world.admin).get_json()}
        ta, tb = tasks[a], tasks[b]
        queries = {
            "tasktype": [({"tasktype": "dynamo.tasks.recall"}, {tb["id"]})],
            "task_id": [({"task_id": ta["task_id"]}, {ta["id"]})],
            "state": [({"state": "FAILURE"}, {tb["id"]}), ({"state": "FAILURE,SUCCESS"}, {ta["id"], tb["id"]})],
            "job_id": [({"job_id": str(a)}, {ta["id"]})],
        }[param]
        return "tasks/", [ta["id"], tb["id"]], queries
    return case


def _jobstats(param: str) -> Callable[[HubWorld], HubCase]:
    def case(world: HubWorld) -> HubCase:
        a, b = _two_jobs(world)
        stats = {s["job"]: s for s in world.http.get("/api/jobstats/?page_size=0", headers=world.admin).get_json()}
        sa, sb = stats[a], stats[b]
        queries = {
            "state": [({"state": "FAILURE"}, {sb["id"]}), ({"state": "SUCCESS,FAILURE"}, {sa["id"], sb["id"]})],
            "job": [({"job": str(a)}, {sa["id"]})],
            "path": [({"path": "/x"}, {sb["id"]})],
        }[param]
        return "jobstats/", [sa["id"], sb["id"]], queries
    return case


def _settingstasks(param: str) -> Callable[[HubWorld], HubCase]:
    def case(world: HubWorld) -> HubCase:
        world.send("POST", "settings/sync/?site=site1")  # a settings task of no job
        world.clock(advance=3600)
        world.records("policies", [{"name": "p1", "site": 1, "spaces": [1]}])
        job = world.send("POST", "policies/1/run/")  # a policy task of a job
        made = {t["tasktype"]: t for t in world.http.get("/api/settingstasks/?page_size=0",
                                                          headers=world.admin).get_json()}
        apply, policy = made["dynamo.tasks.settings.apply"], made["dynamo.tasks.policy.run"]
        queries = {
            "tasktype": [({"tasktype": "dynamo.tasks.policy.run"}, {policy["id"]})],
            "state": [({"state": "SUCCESS"}, {apply["id"]}),
                      ({"state": "PENDING,SUCCESS"}, {apply["id"], policy["id"]})],
            "job_id": [({"job_id": str(policy["job"])}, {policy["id"]})],
        }[param]
        assert policy["job"] is not None and job is not None
        return "settingstasks/", [apply["id"], policy["id"]], queries
    return case


def _generic(resource: str, param: str, objs: list[dict[str, Any]], queries: list[tuple[str, set[int]]],
             before: Callable[[HubWorld], None] | None = None, key: str = "id") -> Callable[[HubWorld], HubCase]:
    """Rows stored through the records API; ``key``: the field the list items are told apart by."""
    def case(world: HubWorld) -> HubCase:
        if before is not None:
            before(world)
        ids = world.records(HUB["x-resources"][resource]["table"].removeprefix("hub/"), objs)
        made = ids if key == "id" else [obj[key] for obj in objs]
        return (HUB["x-resources"][resource]["list_path"].lstrip("/"), made,
                [({param: query}, {made[i] for i in expected}) for query, expected in queries], key)
    return case


def _alert(**fields: Any) -> dict[str, Any]:
    return {"name": "Disk", "node": "n1", "site": "site1", "severity": "INFO", "summary": "full",
            "timestamp": "2025-07-01T10:00:00Z", "suppressed": False, **fields}


def _space(name: str, mountpoint: str, site: str = "site1") -> dict[str, Any]:
    return {"name": name, "mountpoint": mountpoint, "sites": [{"name": site, "label": site}]}


def _datastores(world: HubWorld) -> None:
    world.records("datastores", [{"name": "ds1", "type": "s3"}, {"name": "ds2", "type": "s3"}])


def _buckets(world: HubWorld) -> None:
    world.records("buckets", [{"name": "b1", "storage_type": "s3"}, {"name": "b2", "storage_type": "s3"}])


HUB_CASES: dict[tuple[str, str], Callable[[HubWorld], HubCase]] = {
    ("alerts", "name"): _generic("alerts", "name", [_alert(name="Disk"), _alert(name="Net")], [("Net", {1})]),
    ("alerts", "node"): _generic("alerts", "node", [_alert(node="n1"), _alert(node="n2")], [("n2", {1})]),
    ("alerts", "site"): _generic("alerts", "site", [_alert(site="site1"), _alert(site="site2")], [("site2", {1})]),
    ("alerts", "severity"): _generic("alerts", "severity", [_alert(severity="INFO"), _alert(severity="ERROR")],
                                     [("ERROR", {1})]),
    ("alerts", "summary"): _generic("alerts", "summary", [_alert(summary="a"), _alert(summary="b")], [("b", {1})]),
    ("alerts", "timestamp"): _generic("alerts", "timestamp", [_alert(timestamp="2025-07-01T10:00:00Z"),
                                                              _alert(timestamp="2025-07-02T10:00:00Z")],
                                      [("2025-07-02T10:00:00Z", {1}), ("2025-07-02T11:00:00+01:00", {1})]),
    ("alerts", "suppressed"): _generic("alerts", "suppressed", [_alert(suppressed=False), _alert(suppressed=True)],
                                       [("true", {1}), ("False", {0}), ("maybe", {0, 1})]),
    ("external_targets", "bucket"): _generic(
        "external_targets", "bucket", [{"name": "t1", "local_file_regex": ".*", "bucket_instance": 1},
                                       {"name": "t2", "local_file_regex": ".*", "bucket_instance": 2}],
        [("b2", {1})], _buckets),
    ("ipaddresses", "datastore_id"): _generic(
        "ipaddresses", "datastore_id", [{"datastore": 1, "ipaddr": "10.0.0.1"}, {"datastore": 2, "ipaddr": "10.0.0.2"}],
        [("2", {1})], _datastores),
    ("schedules", "site_id"): _generic("schedules", "site_id", [{"name": "s1", "site": "site1"},
                                                                {"name": "s2", "site": "site2"}], [("2", {1})]),
    ("schedules", "space_id"): _generic("schedules", "space_id", [{"name": "s1", "site": "site1", "space": "space01"},
                                                                  {"name": "s2", "site": "site1", "space": "default"}],
                                        [("1", {0})]),
    ("sitelinks", "site_id"): _generic(
        "sitelinks", "site_id", [{"site": "site1", "datastore": "ds1", "site_path": "/a", "datastore_path": "/a"},
                                 {"site": "site2", "datastore": "ds2", "site_path": "/b", "datastore_path": "/b"}],
        [("2", {1})], _datastores),
    ("sitelinks", "datastore_id"): _generic(
        "sitelinks", "datastore_id", [{"site": "site1", "datastore": "ds1", "site_path": "/a", "datastore_path": "/a"},
                                      {"site": "site2", "datastore": "ds2", "site_path": "/b", "datastore_path": "/b"}],
        [("1", {0})], _datastores),
    ("spaces", "site_id"): _generic("spaces", "site_id", [_space("one", "/mmfs1/data/one", "site1"),
                                                          _space("two", "/mmfs1/data/two", "site2")], [("2", {1})]),
    ("spaces", "search_keyword"): _generic(
        "spaces", "search_keyword", [_space("Alpha", "/mmfs1/data/a"), _space("beta", "/mmfs1/data/ALPHAx"),
                                     _space("gamma", "/mmfs1/data/g")], [("alpha", {0, 1})]),
    ("tags", "filter"): _generic("tags", "filter", [{"name": "Zebra"}, {"name": "yak"}], [("zEB", {0})],
                                 key="name"),
    ("jobs", "created"): _jobs_created,
    **{("jobs", p): _jobs_plain(p) for p in ("created_time_from", "created_time_to", "completed_time_from",
                                             "completed_time_to", "workflow", "state", "site", "site_id",
                                             "input_paths_prefix", "search_keyword")},
    ("jobs", "owner_ids"): _jobs_owners,
    ("jobs", "clientkey_ids"): _jobs_clientkeys,
    ("jobs", "schedule_ids"): _jobs_schedules,
    ("jobs", "queue"): _jobs_queues,
    ("jobs", "queue_id"): _jobs_queues,
    ("jobs", "hide_noop"): _jobs_noop,
    **{("tasks", p): _tasks(p) for p in ("tasktype", "task_id", "state", "job_id")},
    **{("jobstats", p): _jobstats(p) for p in ("state", "job", "path")},
    **{("settingstasks", p): _settingstasks(p) for p in ("tasktype", "state", "job_id")},
}


def _filesets(world: HubWorld) -> list[tuple[dict[str, str], set[Any]]]:
    """No ids: the answer's (name, site) pairs; the seeded spaces: space01 on site1 and site2, default on site1."""
    def pairs(query: dict[str, str]) -> set[tuple[str, str]]:
        answer = world.http.get("/api/filesets/", query_string=query, headers=world.admin).get_json()
        return {(f["name"], f["site"]) for f in answer}

    assert pairs({}) == {("space01", "site1"), ("default", "site1"), ("space01", "site2")}
    assert pairs({"site": "site2"}) == {("space01", "site2")}
    return []


def _file_children(world: HubWorld) -> list[tuple[dict[str, str], set[Any]]]:
    """The seeded directory /mmfs1/data/space01 holds files and directories; ``type`` keeps one kind."""
    def kinds(query: dict[str, str]) -> set[str]:
        answer = world.http.get("/api/file/", query_string={"site": "site1", "path": "/mmfs1/data/space01",
                                                            "page_size": "0", **query}, headers=world.admin)
        assert answer.status_code == 200, answer.get_json()
        return {child["type"] for child in answer.get_json()["children"]}

    assert kinds({}) >= {"file", "directory"}
    assert kinds({"type": "file"}) == {"file"} and kinds({"type": "directory"}) == {"directory"}
    return []


HUB_OWN_ANSWERS = {("filesets", "site"): _filesets, ("file", "type"): _file_children}


def _hub_params():
    for resource, entry in HUB["x-resources"].items():
        for param in entry["filters"]:
            yield pytest.param(resource, param, id=f"hub-{resource}-{param}")


@pytest.fixture(scope="module")
def hub_app():
    return create_app(Settings(apis=("hub",)))


@pytest.mark.parametrize(("resource", "param"), list(_hub_params()))
def test_every_hub_filter_is_honoured(hub_app, resource, param):
    world = HubWorld(hub_app)
    if (resource, param) in HUB_OWN_ANSWERS:
        HUB_OWN_ANSWERS[resource, param](world)
        return
    path, made, queries, *key = HUB_CASES[resource, param](world)
    assert len(set(made)) == len(made)
    for query, expected in queries:
        found = set(world.listed(path, query, *key)) & set(made)
        assert found == expected, (param, query)
