"""The tastypie dialect's sans-IO core on plain data: routes, negotiation, datetimes, values, queries.
Rules: docs/behaviour/torrent.md."""
from __future__ import annotations

from decimal import Decimal

import pytest

from mockserver.config import Settings
from mockserver.dialects.tastypie import datetimes, negotiate
from mockserver.dialects.tastypie.query import QueryError, link, ordering, where, window
from mockserver.dialects.tastypie.request import Query, Redirect, Route, effective_method, numeric_pk, resolve
from mockserver.dialects.tastypie.spec import load_resources
from mockserver.dialects.tastypie.values import FieldError, coerce, loads_body
from mockserver.torrent import product
from mockserver.torrent.jsontext import decode_json, encode_json

NAMES = {"message", "PluginResultJob"}
RESOURCES = load_resources(product(Settings()))


@pytest.mark.parametrize("rest, route", [
    ("/", Route("top")),
    ("/message/", Route("list", "message")),
    ("/message/schema/", Route("schema", "message")),
    ("/message/set/1;2/", Route("set", "message", "1;2")),
    ("/message/set/", Route("detail", "message", "set")),
    ("/message/5/x/", Route("detail", "message", "5/x")),
    ("/message", Redirect()),
    ("", Redirect()),
    ("/nosuch/", None),
    ("/pluginresultjob/", None),
])
def test_resolve(rest, route):
    assert resolve(rest, NAMES) == route


def test_numeric_pk_and_method_override():
    assert [numeric_pk(t) for t in ("023", "-1", "+4", "1.0", "١", "")] == [23, -1, 4, None, None, None]
    assert effective_method(Route("list", "m"), "GET", "delete") == "DELETE"
    assert effective_method(Route("detail", "m"), "POST", "PROPPATCH") == "PATCH"
    assert effective_method(Route("schema", "m"), "GET", "DELETE") == "GET"


def test_query_reads_like_a_querydict():
    query = Query([("a", "1"), ("b", "2"), ("a", "3")])
    assert (query.get("a"), query.getlist("a"), query.keys(), "b" in query, "c" in query) == \
        ("3", ["1", "3"], ["a", "b"], True, False)
    assert Query.parse(b"a=1+2&b&&c=%41&d=\xc3\xa9&e=\xe9&f=%e9").pairs == \
        [("a", "1 2"), ("b", ""), ("c", "A"), ("d", "\u00e9"), ("e", "\ufffd"), ("f", "\ufffd")]


@pytest.mark.parametrize("accept, chosen", [
    ("text/javascript", negotiate.JSONP), ("application/json", negotiate.JSON),
    ("text/javascript, application/json", negotiate.JSON), ("image/png", negotiate.JSON),
    ("text/*;q=0.1, application/*;q=0.9", negotiate.JSON), ("text/javascript;q=0", negotiate.JSONP),
])
def test_accept_follows_mimeparse_0_1_4(accept, chosen):
    assert negotiate.choose(Query(), accept) == chosen


@pytest.mark.parametrize("accept", ["text/javascript;q=1_0", "text/javascript;q=abc", "text/javascript;level", "json"])
def test_t30_accept_that_python_2_mimeparse_cannot_read_is_invalid(accept):
    with pytest.raises(negotiate.FormatError):
        negotiate.choose(Query(), accept)


@pytest.mark.parametrize("name, valid", [
    ("cb", True), ("a.b.c", True), ("a[0].b", True), ("$", True),
    ("ünïcode", False), ("a\\\\u00e9", False), ("é", False),  # ASCII names only (T30: differs)
    ("a[x]", False), ("1a", False), ("a-b", False), ("class", False), ("a..b", False),
    # validate_jsonp's escape is r"\\u" (two backslashes) and its reserved words are ES3's, let and yield left out
    ("\\\\u0041", True), ("\\\\u0063lass", False), ("\\\\u12", False), ("\\u0041", False),
    ("int", False), ("goto", False), ("volatile", False), ("let", True), ("yield", True),
])
def test_t30_jsonp_callback_names(name, valid):
    assert negotiate.valid_callback(name) is valid


def test_datetimes_round_trip_the_rendering_quirk():
    stored = datetimes.from_rendered("2014-05-08T19:25:27.000843+00:00")
    assert stored == "2014-05-08T19:25:27.843000+00:00"
    assert datetimes.render(stored) == "2014-05-08T19:25:27.000843+00:00"
    assert datetimes.render("2014-05-08T19:25:27.000999+00:00") == "2014-05-08T19:25:27+00:00"
    assert datetimes.parse_input("2014-05-08T19:25:27+01:00") == "2014-05-08T18:25:27.000000+00:00"
    assert datetimes.parse_input("2014-05-08") is None
    assert datetimes.parse_filter("2014-05-08") == "2014-05-08T00:00:00.000000+00:00"


def test_values_on_plain_fields():
    fields = RESOURCES["message"].fields
    assert coerce(fields["level"], " 7 ") == 7 and coerce(fields["level"], Decimal("7.0")) == 7
    assert coerce(fields["body"], Decimal("1.5")) == "1.5" and coerce(fields["body"], False) == "False"
    with pytest.raises(FieldError, match="Integer provided to 'level' field"):
        coerce(fields["level"], Decimal("7.5"))
    config = RESOURCES["PluginResultJob"].fields["config"]
    text = coerce(config, loads_body('{"a": 1.250, "b": [1e5]}'))
    assert text == '{"a": 1.250, "b": [1E+5]}'
    assert decode_json(text) == {"a": "1.250", "b": ["1E+5"]} and encode_json({"x": None}) == '{"x": null}'


def test_where_ordering_and_window_on_plain_rows():
    message = RESOURCES["message"]
    predicate = where(message, Query([("level__in", "20,40"), ("tags__startswith", "plug")]))
    assert [predicate(r) for r in ({"level": 20, "tags": "plugin"}, {"level": 25, "tags": "plugin"})] == [True, False]
    assert where(message, Query([("format", "json")])) is None
    assert ordering(message, Query([("order_by", "-level")])) == [("level", True), ("id", False)]
    with pytest.raises(QueryError, match="does not allow ordering"):
        ordering(RESOURCES["PluginResultJob"], Query([("order_by", "state")]))
    assert window(Query([("limit", "0"), ("offset", "3")])) == (1000, 3)
    assert link("/p/", Query([("q", "a b~"), ("limit", "9")]), 10, 5) == "/p/?offset=10&limit=5&q=a+b%7E"
