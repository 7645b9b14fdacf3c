"""Every exchange through the proxy is checked against the contract (issue 16): a clean session that sends every
operation once finds nothing, and each broken upstream (the harness' variants whose defect shows in one exchange,
served over HTTP by a second mock) is reported by its named check."""
from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from harness_support import (
    CountOffBy25,
    CrashesOnBadInput,
    DefaultsDropped,
    ReadOnlyStored,
    Rewrite,
    TotalCountOffByOne,
    WrongErrorEnvelope,
    WrongSelfLink,
)
from hypothesis import HealthCheck, Phase, given, settings
from proxy_support import HUB, TORRENT, basic, bearer, hub_token, proxied

from mockserver.contract import OPENAPI_DIR

ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}  # reads first: deletes would empty the estate


def every_operation_once(api: str, base_url: str, headers: dict[str, str]) -> int:
    """The simplest positive case of each operation of the contract, sent to ``base_url``; → how many."""
    schema = schemathesis.openapi.from_path(OPENAPI_DIR / f"{api}.json")
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: ORDER.get(op.method.upper(), 1))
    sent = 0
    for operation in operations:
        if operation.path in ("/users/change_password/", "/users/{username}/"):
            continue  # the session's own account stays as it is
        case = one_case(operation)
        case.headers = {**(case.headers or {}), **headers}
        case.call(base_url=base_url, timeout=10)
        sent += 1
    return sent


def one_case(operation):
    """One positive case of the operation, drawn from its schemas (seeded: the same case every run)."""
    drawn = []

    @settings(max_examples=1, phases=[Phase.generate], database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        drawn.append(case)

    draw()
    return drawn[0]


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_a_clean_session_over_every_operation_finds_no_violation(api):
    with proxied(api) as pair:
        if api == "hub":
            headers, base = bearer(hub_token(pair.proxy.url)), pair.proxy.url + HUB
        else:
            headers, base = basic(), pair.proxy.url
        sent = every_operation_once(api, base, headers)
        checked = sum(pair.proxy.state.tally.exchanges.values())
        assert checked >= sent > 40
        answered = [entry.status for entry in pair.proxy.state.journal.entries()]
        assert sum(200 <= status < 300 for status in answered) >= 20, answered  # real objects, not only refusals
        assert pair.violations == [], "\n".join(v.line() for v in pair.violations)


class BodyOutsideSchema(Rewrite):
    """An answer whose body breaks its schema: a number where the contract says a string, and back."""

    def change(self, request, body, response):
        value = json.loads(response.get_data() or b"null")
        if request.method == "GET" and isinstance(value, dict) and "level" in value:
            value["level"] = "loud"  # tastypie message: an integer
            response.set_data(json.dumps(value))
        elif request.method == "GET" and isinstance(value, dict) and "bandwidth" in value:
            value["bandwidth"] = "a lot"  # Hub site: an integer
            response.set_data(json.dumps(value))


def hub_readonly_stored(app):
    return ReadOnlyStored(app, fields=("created",))


def test_hub_patch_that_changes_a_read_only_field_is_reported():
    with proxied("hub", hub_readonly_stored) as pair:
        headers = bearer(hub_token(pair.proxy.url))
        space = pair.proxy.url + HUB + "/spaces/1/"
        before = requests.get(space, headers=headers, timeout=10).json()
        assert requests.patch(space, json={"created": "2001-02-03T04:05:06Z"}, headers=headers,
                              timeout=10).status_code == 200
        assert pair.checks() == set()  # the write's answer still shows the old value; the next read tells
        after = requests.get(space, headers=headers, timeout=10).json()
        assert after["created"] == "2001-02-03T04:05:06Z" != before["created"]
        assert pair.checks() == {"readonly_fields_ignored"}
        violation = pair.violations[0]
        assert violation.operation == "GET /api/spaces/{id}/" and "['created']" in violation.message
        assert violation.curl.startswith("curl -X GET") and pair.upstream.url + "/api/spaces/1/" in violation.curl
        assert "'Authorization: ****'" in violation.curl and headers["Authorization"] not in violation.curl


def test_a_write_that_sends_back_the_same_read_only_value_is_no_violation():
    with proxied("hub", hub_readonly_stored) as pair:
        headers = bearer(hub_token(pair.proxy.url))
        space = pair.proxy.url + HUB + "/spaces/1/"
        before = requests.get(space, headers=headers, timeout=10).json()
        requests.patch(space, json={"created": before["created"], "color": [1, 2, 3]}, headers=headers, timeout=10)
        requests.get(space, headers=headers, timeout=10)
        assert pair.violations == []


@pytest.mark.parametrize(("api", "middleware", "path"), [
    ("torrent", TotalCountOffByOne, TORRENT + "/message/"),
    ("hub", CountOffBy25, HUB + "/sites/"),
])
def test_a_wrong_pagination_envelope_is_reported(api, middleware, path):
    with proxied(api, middleware) as pair:
        headers = basic() if api == "torrent" else bearer(hub_token(pair.proxy.url))
        requests.get(pair.proxy.url + path, headers=headers, timeout=10)
        assert "pagination_invariants" in pair.checks()


def test_a_500_on_bad_input_is_reported():
    with proxied("torrent", CrashesOnBadInput) as pair:
        reply = requests.get(pair.proxy.url + TORRENT + "/message/?limit=many", headers=basic(), timeout=10)
        assert reply.status_code == 500  # passed on as the upstream answered
        assert pair.checks() == {"not_a_server_error", "request_parameters_conformance"}  # the client's too
        assert [v.part for v in pair.violations if v.check == "not_a_server_error"] == ["response status"]


def test_a_wrong_self_link_is_reported():
    with proxied("torrent", WrongSelfLink) as pair:
        requests.get(pair.proxy.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        assert pair.checks() == {"self_link_matches"}
        assert "resource_uri" in pair.violations[0].message


@pytest.mark.parametrize(("api", "path"), [("torrent", TORRENT + "/message/23/"), ("hub", HUB + "/sites/1/")])
def test_a_body_outside_the_schema_is_reported(api, path):
    with proxied(api, BodyOutsideSchema) as pair:
        headers = basic() if api == "torrent" else bearer(hub_token(pair.proxy.url))
        requests.get(pair.proxy.url + path, headers=headers, timeout=10)
        assert pair.checks() == {"response_schema_conformance"}
        violation = pair.violations[0]
        assert violation.part == "response body"
        assert violation.message.startswith(("level:", "bandwidth:"))


def test_a_foreign_error_envelope_is_reported():
    with proxied("torrent", WrongErrorEnvelope) as pair:
        requests.get(pair.proxy.url + TORRENT + "/message/?limit=many", headers=basic(), timeout=10)
        assert "error_envelope" in pair.checks()


def test_defaults_dropped_are_reported_on_the_next_read_of_the_created_object():
    with proxied("torrent", DefaultsDropped) as pair:
        created = requests.post(pair.proxy.url + TORRENT + "/message/", json={"body": "no status given"},
                                headers=basic(), timeout=10)
        assert created.status_code == 201
        requests.get(created.headers["Location"], headers=basic(), timeout=10)
        assert pair.checks() == {"defaults_applied"}


def test_a_request_outside_the_contract_is_reported():
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.proxy.url))
        requests.get(pair.proxy.url + HUB + "/ipaddresses/?datastore_id=first", headers=headers, timeout=10)
        requests.delete(pair.proxy.url + HUB + "/features/", headers=headers, timeout=10)
        found = {(v.check, v.part) for v in pair.violations}
        assert ("request_parameters_conformance", "request query parameter 'datastore_id'") in found
        assert ("operation_documented", "request line") in found
        assert any(line.startswith("VIOLATION operation_documented on DELETE /api/features/") for line in pair.printed)


def test_violation_curl_lines_mask_every_header_the_journal_masks(tmp_path):
    cookie = "sessionid=s3ss10n-Zq; csrftoken=csrf-Zq"
    headers = {**basic(), "Cookie": cookie, "X-Trace": "kept-as-sent"}
    with proxied("torrent", report_dir=tmp_path) as pair:
        assert requests.get(pair.proxy.url + TORRENT + "/nothing-here/", headers=headers,
                            timeout=10).status_code == 404
        listed = requests.get(pair.proxy.url + "/__mock__/violations", timeout=10)
        journal = requests.get(pair.proxy.url + "/__mock__/journal", timeout=10)
    (violation,) = listed.json()
    assert violation["check"] == "operation_documented"
    assert "'Cookie: ****'" in violation["curl"] and "'Authorization: ****'" in violation["curl"]
    assert "'X-Trace: kept-as-sent'" in violation["curl"]
    assert journal.json()[0]["violations"][0]["curl"] == violation["curl"]
    assert journal.json()[0]["headers"]["Cookie"] == "****"
    shown = [*pair.printed, listed.text, journal.text, (tmp_path / "proxy-torrent.md").read_text(),
             (tmp_path / "proxy-torrent.xml").read_text()]
    assert any(violation["curl"] in text for text in shown[:1])
    for text in shown:
        assert "s3ss10n-Zq" not in text and "csrf-Zq" not in text and basic()["Authorization"] not in text


def test_h35_a_page_past_the_last_comes_back_as_the_upstream_answered_it():
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.proxy.url))
        through = requests.get(pair.proxy.url + HUB + "/jobs/?page=2", headers=headers, timeout=10)
        assert through.status_code == 404
        assert through.json() == {"detail": "Invalid page."}
        assert through.headers["Content-Type"] == "application/json"
        assert pair.violations == []
        (entry,) = [e for e in requests.get(pair.proxy.url + "/__mock__/journal", timeout=10).json()
                    if e["path"] == HUB + "/jobs/"]
        assert (entry["status"], entry["response_body"], entry["violations"]) == (404, {"detail": "Invalid page."}, [])
        upstream = requests.get(pair.upstream.url + "/__mock__/journal", params={"path": HUB + "/jobs/"}, timeout=10)
        assert len(upstream.json()) == 1  # the request the client sent, and no request of the proxy's own


def test_a_check_that_breaks_is_reported_as_a_check_error_and_the_client_gets_the_upstreams_answer(monkeypatch):
    from mockserver.proxy import conformance, rules

    def breaks(ex):
        raise KeyError("unforeseen")

    monkeypatch.setattr(rules, "SINGLE_EXCHANGE_RULES", (*rules.SINGLE_EXCHANGE_RULES, ("broken_rule", "x", breaks)))
    with proxied("torrent") as pair:
        answer = requests.get(pair.proxy.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        direct = requests.get(pair.upstream.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        assert (answer.status_code, answer.json()) == (200, direct.json())
        (violation,) = pair.violations
        assert (violation.check, violation.part) == ("broken_rule", "check error")
        assert "KeyError" in violation.message and "not a verdict on the upstream" in violation.message
        monkeypatch.setattr(conformance.Conformance, "check", lambda *args: 1 / 0)
        answer = requests.get(pair.proxy.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        assert (answer.status_code, answer.json()) == (200, direct.json())
        assert {(v.check, v.part) for v in pair.violations[1:]} == {("conformance", "check error"),
                                                                     ("broken_rule", "check error")}


def test_h60_defaults_are_judged_only_on_representations_that_carry_the_field():
    """The Hub's sites list is a summary without ``exclude``/``include``: it judges nothing; the detail does."""
    with proxied("hub") as pair:
        headers = bearer(hub_token(pair.proxy.url))
        created = requests.post(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10,
                                json={"name": "site9", "label": "nine", "shortcode": "s9"})
        assert created.status_code == 201, created.text
        listed = requests.get(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10)
        assert listed.status_code == 200 and "exclude" not in listed.json()["results"][-1]
        detail = requests.get(pair.proxy.url + HUB + f"/sites/{created.json()['id']}/", headers=headers, timeout=10)
        assert detail.status_code == 200 and detail.json()["exclude"] == []
        assert pair.violations == []


class ExcludeNotDefaulted(Rewrite):
    """A Hub that does not apply ``exclude``'s default: a site's detail shows it null."""

    def change(self, request, body, response):
        value = json.loads(response.get_data() or b"null")
        if request.method == "GET" and isinstance(value, dict) and value.get("exclude") == []:
            response.set_data(json.dumps({**value, "exclude": None}))


def test_h60_defaults_dropped_on_a_hub_detail_are_reported_with_the_hubs_rule():
    with proxied("hub", ExcludeNotDefaulted) as pair:
        headers = bearer(hub_token(pair.proxy.url))
        created = requests.post(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10,
                                json={"name": "site9", "label": "nine", "shortcode": "s9"})
        assert created.status_code == 201, created.text
        requests.get(pair.proxy.url + HUB + "/sites/", headers=headers, timeout=10)
        assert pair.violations == []  # the summary list carries no exclude
        requests.get(pair.proxy.url + HUB + f"/sites/{created.json()['id']}/", headers=headers, timeout=10)
        (violation,) = pair.violations
        assert violation.check == "defaults_applied" and violation.operation == "GET /api/sites/{id}/"
        assert violation.message.startswith("H60 defaults are applied") and "T39" not in violation.message
        assert "exclude=None (default [])" in violation.message


class JsonpIdAsText(Rewrite):
    """A Torrent whose JSONP answers carry ``id`` as a string: outside the object's schema."""

    def change(self, request, body, response):
        if response.mimetype == "text/javascript":
            response.set_data(response.get_data().replace(b'"id": 23', b'"id": "23"'))


JSONP_READS = ("/message/23/?callback=A", "/message/?format=jsonp&callback=A", "/message/?format=&callback=A&limit=2",
               "/message/schema/?callback=cb")


def test_t30_jsonp_answers_are_judged_by_the_schema_of_the_json_inside():
    with proxied("torrent") as pair:
        for path in JSONP_READS:
            answer = requests.get(pair.proxy.url + TORRENT + path, headers=basic(), timeout=10)
            assert answer.status_code == 200, path
            assert answer.headers["Content-Type"].startswith("text/javascript"), path
        assert pair.violations == []


def test_t30_a_jsonp_answer_outside_the_schema_is_reported():
    with proxied("torrent", JsonpIdAsText) as pair:
        requests.get(pair.proxy.url + TORRENT + "/message/23/?callback=A", headers=basic(), timeout=10)
        (violation,) = pair.violations
        assert (violation.check, violation.part) == ("response_schema_conformance", "response body")
        assert violation.message.startswith("id: '23' is not of type 'integer'")
