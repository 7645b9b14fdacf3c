"""The Hub contract says what the mock accepts and answers, so that stock tools (schemathesis with every check)
agree with it: each rule here is one cause of disagreement, checked on the document and against the mock
(docs/behaviour/hub.md)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from jsonschema import Draft202012Validator

from mockserver.contract import load, resolve
from mockserver.schemas import to_json_schema

DOC = load("hub")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in DOC["paths"].items() for method, op in item.items()]


def response(op: dict[str, Any], status: str) -> dict[str, Any]:
    return resolve(DOC, op["responses"][status])


@pytest.mark.parametrize("path", ["sites/1.5/", "users/alice/x/", "schedules/1.0/workflows/"])
def test_h1_h3_an_unrouted_lookup_answers_the_documented_html_page(hub, path):
    answer = hub.get(path)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Not Found</h1>" in answer.get_data(as_text=True)


def test_h1_h3_every_operation_with_a_lookup_documents_the_html_404():
    for method, path, op in operations():
        content = response(op, "404")["content"] if "404" in op["responses"] else {}
        if "{" in path:
            assert set(content) == {"application/json", "text/html"}, (method, path)
        else:
            assert "text/html" not in content, (method, path)



def query_schema(method: str, path: str, name: str) -> dict[str, Any]:
    return next(p["schema"] for p in DOC["paths"][path][method.lower()]["parameters"] if p["name"] == name)


def documented(method: str, path: str, name: str, text: str) -> bool:
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(query_schema(method, path, name), format_checker=checker).is_valid(text)


# (path as served, its contract path, param, text): the texts a tool may send, read or refused by the Hub.
QUERIES = [
    ("workflows/", "/workflows/", "page_size", text) for text in ("null", "abc", "-5", "1.5", "7", "")
] + [

    ("jobs/", "/jobs/", "site_id", text) for text in ("", "3", " +3 ", "1_0", "3.0", "x", " ", "\x1c3")
] + [
    ("jobs/", "/jobs/", "hide_noop", text) for text in ("true", "0", "null", "", "[]")
] + [
    ("jobs/", "/jobs/", "owner_ids", text) for text in ("", "1,2", " -1 , ,2", "1,x", "1.5")
] + [
    ("jobs/", "/jobs/", "state", text) for text in ("", "SUCCESS", "SUCCESS, FAILURE", "success", "NOPE")
] + [
    ("jobs/", "/jobs/", "created", text) for text in ("", "null", "5d", "5d\n", "5", "null\n", "d")
] + [
    ("jobs/", "/jobs/", "created_time_from", text) for text in ("", "2025-07-03T14:33:00Z", "x")
] + [
    ("alerts/", "/alerts/", "timestamp", text) for text in ("", "2025-08-07T12:16:00.018308Z", "yesterday")
] + [
    ("sites/1/settings/", "/sites/{id}/settings/", "flat", text) for text in ("true", "0.33", "")
] + [
    ("analytics/?site=site1&path=/mmfs1", "/analytics/", "download", text) for text in ("", "csv", "xml")
] + [
    ("analytics/?site=site1&path=/mmfs1", "/analytics/", "cache_ttl", text) for text in ("", "5", "5s")
]


@pytest.mark.parametrize("served, path, name, text", QUERIES)
def test_h32_h35_h38_a_query_text_is_read_exactly_when_the_contract_takes_it(hub, served, path, name, text):
    text = text.encode().decode("unicode_escape")
    answer = hub.get(served, query_string={name: text}) if "?" not in served else hub.get(
        f"{served}&{urlencode({name: text})}")
    assert (200 <= answer.status_code < 300) == documented("GET", path, name, text), (answer.status_code, answer.data)


@pytest.mark.parametrize("text, status", [("", 200), ("1", 200), (" 1 ", 200), ("last", 200), ("x", 404),
                                          ("1.5", 404), ("\n", 404), ("first", 404)])
def test_h35_h32_page_takes_any_text_a_bad_one_is_the_documented_404_and_page_size_0_leaves_it_unread(
        hub, text, status):
    """A page's text is no constraint a schema can carry: it is unread when page_size=0 turns pagination off
    (H32), and otherwise a page that is not a number or "last" is a 404 (H35), which the contract documents."""
    params = {p["name"]: p for p in DOC["paths"]["/workflows/"]["get"]["parameters"]}
    assert params["page"]["schema"] == {"type": "string"} and "404" in DOC["paths"]["/workflows/"]["get"]["responses"]
    answer = hub.get("workflows/", query_string={"page": text})
    assert answer.status_code == status, answer.data
    if status == 404:
        assert answer.json == {"detail": "Invalid page."}
    assert hub.get("workflows/", query_string={"page": text, "page_size": "0"}).status_code == 200


def test_h72_the_arguments_an_operation_needs_are_required():
    for path in ("/analytics/", "/file/"):
        params = {p["name"]: p for p in DOC["paths"][path]["get"]["parameters"]}
        assert params["site"]["required"] and params["path"]["required"]
        assert not documented("GET", path, "site", "")


def body_valid(name: str, body: dict[str, Any]) -> bool:
    checker = Draft202012Validator.FORMAT_CHECKER
    schema = to_json_schema(DOC["components"]["schemas"][name])
    return Draft202012Validator({**schema, "components": to_json_schema(DOC["components"])},
                                format_checker=checker).is_valid(body)


@pytest.mark.parametrize("body, accepted", [
    ({"name": "w", "label": "L"}, True), ({"name": 12, "label": 1.5}, True), ({"name": "w", "label": "  "}, False),
    ({"name": "a\x00b", "label": "L"}, False), ({"name": "w", "label": "L", "enabled": "yes"}, True),
    ({"name": "w", "label": "L", "enabled": "maybe"}, False),
    ({"name": "w", "label": "L", "preferred_queue": None}, True),
    ({"name": None, "label": "L"}, False), ({"name": "w", "label": "L", "fields": None}, True),  # free JSON
])
def test_h46_h47_h50_a_body_is_stored_exactly_when_the_contract_takes_it(hub, body, accepted):
    assert body_valid("WorkflowCreate", body) is accepted
    assert (hub.post("workflows/", body).status_code == 201) is accepted


def test_h40_a_body_with_required_fields_is_required(hub):
    for method, path, op in operations():
        body = op.get("requestBody")
        if body is not None:
            schema = resolve(DOC, body["content"]["application/json"]["schema"])
            assert body["required"] is bool(schema.get("required")), (method, path)
    assert errors_of(hub.post("auth/token/refresh/")) == {"refresh": ["This field is required."]}


def errors_of(answer) -> dict:
    assert answer.status_code == 400, answer.data
    return answer.json


@pytest.mark.parametrize("days, accepted", [("0", False), ("-3", False), ("00", False), ("1", True), (" 7 ", True),
                                            ("+30", True), ("12.0", True), (0, False), (5, True)])
def test_h53_h48_lifetime_days_below_one_is_refused_in_text_as_in_numbers(hub, days, accepted):
    """`days` ≥ 1 (H53) holds for its numeric text too (H48): ``minimum`` judges numbers only, so the text's
    pattern carries the bound, and the contract and the mock agree on each value."""
    valid = body_valid("CertificateLifetimeUpdate", {"days": days})
    answer = hub.patch("pki/lifetime/1/", {"days": days})
    assert (valid, answer.status_code) == (accepted, 200 if accepted else 400)
    if not accepted:
        assert answer.json == {"days": ["Ensure this value is greater than or equal to 1."]}


@pytest.mark.parametrize("site, valid, status", [(12, True, 201), ("12", True, 201), (" ", False, 400),
                                                 (True, False, 400), (None, False, 400)])
def test_h105_h47_a_certificates_site_is_a_name_a_number_may_spell(hub, site, valid, status):
    """POST pki/site/ reads ``site`` as DRF's CharField does (a number is its text, H47), then looks the name up."""
    hub.created("sites/", {"name": "12", "shortcode": "tw", "label": "Twelve"})
    assert body_valid("SiteCertificateCreate", {"site": site}) is valid
    answer = hub.post("pki/site/", {"site": site})
    assert answer.status_code == status, answer.data
    if status == 201:
        assert answer.json["site"] == "12"
