"""Every filter param the contracts declare is honoured by the running mock: generated from ``x-resources``
``filters``, one test per param. For each, rows are stored that match and rows that do not (admin records API,
A9), the list is asked with the param, and exactly the matching rows come back.

The expected rows are chosen by hand per lookup and value type (the tables below), never computed by the mock's
own lookups; a filter whose lookup or type has no case here fails, so a new filter in a contract needs one.
"""
from __future__ import annotations

import base64
from typing import Any

import pytest

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.contract import load

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
    if schema.get("type") == "integer" or write.get(field, {}).get("type") == "integer":
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
