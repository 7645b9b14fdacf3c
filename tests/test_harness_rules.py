"""The harness's reading of the contracts and the dialects' conventions, on plain data.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md."""
import pytest
from requests.structures import CaseInsensitiveDict

from mockserver.contract import load
from mockserver.contractgen.links import add_links
from mockserver.harness.dialects import Drf, Tastypie
from mockserver.harness.facts import ApiFacts
from mockserver.harness.walk import contract_link_labels


@pytest.fixture(scope="module")
def torrent():
    return ApiFacts("torrent", load("torrent"))


@pytest.fixture(scope="module")
def hub():
    return ApiFacts("hub", load("hub"))


def resource(facts, name):
    return next(r for r in facts.resources if r.name == name)


def names(fields):
    return sorted(f.name for f in fields)


def test_torrent_facts_follow_the_fields_tables(torrent):
    message = resource(torrent, "message")
    assert (message.lookup, message.list_path) == ("id", "/rundb/api/v1/message/")
    assert names(message.readonly_fields()) == ["resource_uri"]
    assert "level" in names(message.non_nullable_fields())
    assert {"level", "status", "expires"} <= set(names(message.defaulted_fields()))
    assert "time" not in names(message.defaulted_fields())  # set by the server on create (T14)
    assert message.unique == {"id": None}
    composite = resource(torrent, "compositedatamanagement")
    assert {"expDir", "sigproc_state", "resource_uri"} <= set(names(composite.readonly_fields()))


def test_hub_facts_follow_x_resources(hub):
    users = resource(hub, "users")
    assert users.lookup == "username"
    assert users.unique == {"username": "A user with that username already exists."}
    sites = resource(hub, "sites")
    assert "name" in names(sites.non_nullable_fields())  # required on create; the contract says no more
    assert {"id", "url"} <= set(names(sites.readonly_fields()))
    nested = resource(hub, "schedules/{parent_lookup_schedule}/workflows")
    assert nested.parents == ("parent_lookup_schedule",)
    assert hub.is_protected("GET", "/sites/") and not hub.is_protected("POST", "/auth/token/")


def _headers(**values):
    return CaseInsensitiveDict({k.replace("_", "-"): v for k, v in values.items()})


@pytest.mark.parametrize(("status", "headers", "body", "ok"), [
    (400, {"Content_Type": "application/json"}, b'{"error": "Invalid limit"}', True),
    (400, {"Content_Type": "application/json"}, b'{"detail": "Invalid limit"}', False),
    (401, {"Content_Type": "text/html"}, b"", True),
    (401, {"Content_Type": "text/html"}, b"no", False),
    (404, {"Content_Type": "text/html"}, b"", True),
    (404, {"Content_Type": "application/json"}, b'{"error_message": "Sorry"}', True),
    (405, {"Allow": "GET"}, b"GET", True),
    (400, {"Content_Type": "text/javascript"}, b'cb({"error": "x"})', True),
], ids=["error", "foreign", "empty-401", "401-with-body", "empty-404", "canned-404", "405", "jsonp"])
def test_tastypie_error_envelope(torrent, status, headers, body, ok):
    problem = Tastypie(torrent).error_problem(status, _headers(**headers), body, "/rundb/api/v1/message/", {})
    assert (problem is None) == ok


@pytest.mark.parametrize(("status", "body", "params", "ok"), [
    (404, b'{"detail": "No Site matches the given query."}', {"id": "9"}, True),
    (400, b'{"name": ["This field is required."], "sites": [{}, {"name": ["x"]}]}', {}, True),
    (400, b'{"non_field_errors": ["No data provided"]}', {}, True),
    (400, b'{"error": "x"}', {}, False),
    (404, b"<html>Not Found</html>", {"id": "1.5"}, True),
    (404, b"<html>Not Found</html>", {"id": "15"}, False),
], ids=["detail", "field-errors", "non-field", "tastypie-shape", "unroutable-html-404", "routed-html-404"])
def test_drf_error_envelope(hub, status, body, params, ok):
    content_type = "text/html" if body.startswith(b"<") else "application/json"
    problem = Drf(hub).error_problem(status, _headers(Content_Type=content_type), body, "/sites/{id}/", params)
    assert (problem is None) == ok


def test_unauthenticated_answers(torrent, hub):
    assert Tastypie(torrent).unauthenticated_problem(
        401, _headers(WWW_Authenticate='Basic Realm="Torrent Browser"'), b"", credentials_sent=False) is None
    assert "T6" in Tastypie(torrent).unauthenticated_problem(200, _headers(), b"{}", credentials_sent=False)
    drf = Drf(hub)
    missing = b'{"detail": "Authentication credentials were not provided."}'
    assert drf.unauthenticated_problem(401, _headers(WWW_Authenticate='Bearer realm="api"',
                                                     Content_Type="application/json"), missing,
                                       credentials_sent=False) is None
    assert drf.unauthenticated_problem(401, _headers(Content_Type="application/json"), missing,
                                       credentials_sent=False).startswith("H22")


def test_self_links(torrent, hub):
    message = resource(torrent, "message")
    assert Tastypie(torrent).self_link(message, {"id": 23, "resource_uri": "/rundb/api/v1/message/23/"}, "x") == (
        "/rundb/api/v1/message/23/", "/rundb/api/v1/message/23/")
    nested = resource(hub, "schedules/{parent_lookup_schedule}/workflows")
    actual, expected = Drf(hub).self_link(nested, {"id": 4, "url": "u"}, "http://h:1/api/schedules/2/workflows/")
    assert expected == "http://h:1/api/schedules/2/workflows/4/"


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_every_creatable_resource_links_create_to_retrieve_update_and_delete(api):
    document = load(api)
    labels = contract_link_labels(api)
    for entry in document["x-resources"].values():
        item = document["paths"].get(entry.get("list_path", "").removeprefix(document["servers"][0]["url"]), {})
        detail = entry.get("detail_path")
        if "post" not in item or not detail:
            continue
        create = f"POST {entry['list_path']}"
        targets = {label.rsplit(" -> ", 1)[1] for label in labels if label.startswith(create + " -> [201]")}
        for method in ("get", "patch", "delete"):
            detail_path = detail.removeprefix("/rundb/api/v1") if api == "hub" else detail
            if method in document["paths"][detail_path]:
                assert f"{method.upper()} {detail_path}" in targets, (create, method)


def test_links_are_a_separate_idempotent_step():
    document = load("torrent")
    stripped = {**document, "paths": {path: {m: {**op, "responses": {c: {k: v for k, v in r.items() if k != "links"}
                                                                     for c, r in op["responses"].items()}}
                                             if isinstance(op, dict) else op for m, op in item.items()}
                                      for path, item in document["paths"].items()}}
    assert add_links(stripped) == document
    assert add_links(document) == document


def test_read_only_and_operation_filters_narrow_together():
    import schemathesis

    from mockserver.contract import OPENAPI_DIR
    from mockserver.harness.suite import Options, _operations, _selected

    schema = schemathesis.openapi.from_path(OPENAPI_DIR / "hub.json")
    chosen = _selected(schema, Options(read_only=True, operation_ids=("sites_partial_update", "sites_list")))
    assert [(op.method.upper(), op.path) for op in _operations(chosen)] == [("GET", "/sites/")]
    assert len(_operations(_selected(schema, Options(read_only=True)))) == 85  # every GET of the contract
    assert len(_operations(_selected(schema, Options()))) == 166
